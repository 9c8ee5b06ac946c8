package directory

import (
	"iter"
	"time"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Directory is an immutable version of a set of providers with spatial,
// category and region indexes. It is safe for any number of concurrent
// readers without locks. To change it, Apply a batch of changes, which
// makes a new version (see Live), or build a new one.
type Directory struct {
	tax *Taxonomy
	loc *time.Location
	// recZone is the zone whose hour-of-week bits the grid records let
	// queries check at once (spatial.DefaultZone): loc, or when none was
	// set the zone most providers' hours are in.
	recZone *time.Location
	// Providers by slot (see store.go): nil marks an empty slot. order
	// lists the occupied slots in ID order.
	provs cowSlice[*Provider]
	metas cowSlice[meta] // filter fields of the provider of each slot
	order []int32
	ids   idIndex
	gone  cowSlice[string] // ID of the provider removed from each empty slot

	version uint64
	lineage *lineage // changes of the versions Apply derived

	catCount map[string]int         // providers listing each code directly
	catSum   map[string]*catSummary // category (with descendants) → filter summary
	grids    map[string]*catGrid    // category (with descendants) → packed grid; "" for all

	regionSet   map[string]*geo.Regions
	regionNames []string

	net       *transit.Network // nil unless built with Builder.Transit
	reach     geo.Meters
	stopsNear cowSlice[[]NearStop] // per slot, nearest first
	routing   *routerState         // shared by every version

	text *textIndex // nil unless built with Builder.TextIndex

	snapshotSeq uint64 // sequence number of the snapshot opened; 0 if built
}

// Len returns the number of providers, placed or not.
func (d *Directory) Len() int { return len(d.order) }

// prov returns the provider in slot i, nil for an empty slot.
func (d *Directory) prov(i int32) *Provider { return *d.provs.at(i) }

// metaAt returns the filter fields of slot i.
func (d *Directory) metaAt(i int32) *meta { return d.metas.at(i) }

// slots returns the number of slots, occupied or not.
func (d *Directory) slots() int32 { return d.provs.len() }

// Taxonomy returns the taxonomy the directory was built with.
func (d *Directory) Taxonomy() *Taxonomy { return d.tax }

// Location returns the default time zone of the directory's hours, as set
// by Builder.Location; nil when none was set (then every provider's hours
// that need a zone name their own).
func (d *Directory) Location() *time.Location { return d.loc }

// Provider returns a read-only view of the provider with the given ID.
func (d *Directory) Provider(id string) (Listing, bool) {
	i, ok := d.ids.get(id)
	if !ok {
		return Listing{}, false
	}
	return listing(d.prov(i)), true
}

// All yields every provider in ID order, placed or not.
func (d *Directory) All() iter.Seq[Listing] {
	return func(yield func(Listing) bool) {
		for _, i := range d.order {
			if !yield(listing(d.prov(i))) {
				return
			}
		}
	}
}

// provider returns the provider with the given ID, nil if none.
func (d *Directory) provider(id string) *Provider {
	if i, ok := d.ids.get(id); ok {
		return d.prov(i)
	}
	return nil
}

// all yields every provider in ID order.
func (d *Directory) all() iter.Seq[*Provider] {
	return func(yield func(*Provider) bool) {
		for _, i := range d.order {
			if !yield(d.prov(i)) {
				return
			}
		}
	}
}

// Unplaced yields, in ID order, the providers that have no location and
// so are not in the spatial index.
func (d *Directory) Unplaced() iter.Seq[Listing] {
	return func(yield func(Listing) bool) {
		for _, i := range d.order {
			if p := d.prov(i); p.Unplaced && !yield(listing(p)) {
				return
			}
		}
	}
}

// Regions returns the region set given to the Builder under name.
func (d *Directory) Regions(set string) (*geo.Regions, bool) {
	rs, ok := d.regionSet[set]
	return rs, ok
}

// RegionSets returns the names of the region sets, in the order given.
func (d *Directory) RegionSets() []string { return d.regionNames }

// CategoryCount returns how many providers list code or one of its
// descendants, placed or not.
func (d *Directory) CategoryCount(code string) int {
	n := 0
	for _, c := range d.tax.Subtree(code) {
		n += d.catCount[c]
	}
	return n
}
