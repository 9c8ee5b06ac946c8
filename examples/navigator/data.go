package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/examples/internal/needgen"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/match"
	"github.com/wraparound/wraparound/trends"
)

// data is everything the service reads: loaded once at startup,
// immutable afterwards and shared by every request.
type data struct {
	dir     *directory.Directory
	net     *transit.Network // nil without a feed
	matcher *match.Matcher
	tax     *directory.Taxonomy
	// sets are the region sets in order; regionJSON their GeoJSON as
	// served to the map.
	sets       []string
	regions    map[string]*geo.Regions
	regionJSON map[string][]byte
	routes     []byte // GeoJSON of the bus routes
	// skipped are the problems of what a lenient load left out (-lenient):
	// the first few of each file, then a count.
	skipped []string
	store   *trends.Store
	// area is where homes may be: the regions' bound, padded.
	area        orb.Bound
	week        time.Time
	trendsAt    time.Time // the last day of the generated requests
	attribution string
}

// load reads the directory, the feed and the regions named by o, or the
// embedded Chattanooga demo for those not named, and fills a trends store
// with generated requests.
func load(ctx context.Context, o options) (*data, error) {
	d := &data{regions: map[string]*geo.Regions{}, regionJSON: map[string][]byte{}, attribution: demo.Attribution}
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return nil, err
	}
	// Transit.
	var feed []byte
	if o.gtfs != "" {
		if feed, err = os.ReadFile(o.gtfs); err != nil {
			return nil, err
		}
		var sk transit.Skipped
		if d.net, sk, err = (transit.LoadOptions{Lenient: o.lenient}).ReadZip(ctx, bytes.NewReader(feed), int64(len(feed))); err != nil {
			return nil, fmt.Errorf("-gtfs %s: %w", o.gtfs, err)
		}
		for i, r := range sk.Records {
			d.skip(o.gtfs, i, sk.Total, r)
		}
	} else {
		feed = demo.CARTAFeed()
		if d.net, err = demo.Network(); err != nil {
			return nil, err
		}
		// Plans read the buses of a week inside CARTA's feed validity.
		d.week = d.net.Date(2026, time.June, 1)
	}
	routes, err := routeLines(feed)
	if err != nil {
		return nil, fmt.Errorf("bus routes: %w", err)
	}
	if d.routes, err = json.Marshal(routes); err != nil {
		return nil, err
	}
	// Regions.
	if o.regions != "" {
		raw, err := os.ReadFile(o.regions)
		if err != nil {
			return nil, err
		}
		rs, sk, err := geo.RegionOptions{Lenient: o.lenient}.ReadRegions(bytes.NewReader(raw), o.regionsName)
		if err != nil {
			return nil, fmt.Errorf("-regions %s: %w", o.regions, err)
		}
		if sk.Total > 0 {
			for i, f := range sk.Features {
				d.skip(o.regions, i, sk.Total, f)
			}
			// The map draws the regions kept, not the file.
			if raw, err = regionsGeoJSON(rs, o.regionsName); err != nil {
				return nil, err
			}
		}
		d.sets = []string{"regions"}
		d.regions["regions"], d.regionJSON["regions"] = rs, raw
	} else {
		for _, set := range []string{demo.Neighborhoods, demo.ZipCodes, demo.CouncilDistricts} {
			rs, err := demo.Regions(set)
			if err != nil {
				return nil, err
			}
			raw, err := demo.RegionsGeoJSON(set)
			if err != nil {
				return nil, err
			}
			d.sets = append(d.sets, set)
			d.regions[set], d.regionJSON[set] = rs, raw
		}
	}
	// Providers.
	setup := func(b *directory.Builder) {
		b.Location = loc
		b.Transit = d.net
		b.TextIndex = true
		for _, set := range d.sets {
			b.AddRegions(set, d.regions[set])
		}
	}
	switch {
	case o.snapshot != "":
		d.dir, err = directory.OpenWith(ctx, o.snapshot, func(b *directory.Builder) { b.Transit = d.net })
	default:
		var provs []directory.Provider
		if o.hsds != "" {
			res, err := hsds.Open(ctx, o.hsds, hsds.Options{Zone: demo.Zone})
			if err != nil {
				return nil, fmt.Errorf("-hsds %s: %w", o.hsds, err)
			}
			provs = res.Providers
			d.attribution = ""
		} else if provs, err = demo.Providers(); err != nil {
			return nil, err
		}
		b := directory.NewBuilder()
		setup(b)
		for _, p := range provs {
			b.Add(p)
		}
		d.dir, err = b.Build(ctx)
	}
	if err != nil {
		return nil, err
	}
	d.tax = d.dir.Taxonomy()
	if d.matcher, err = match.New(ctx, d.dir, match.Config{K: maxK, Week: d.week}); err != nil {
		return nil, err
	}
	// Where homes may be: the regions, else the providers, padded by
	// about 5 km.
	first := true
	grow := func(b orb.Bound) {
		if first {
			d.area, first = b, false
		} else {
			d.area = d.area.Union(b)
		}
	}
	for _, set := range d.sets {
		for _, r := range d.regions[set].All() {
			grow(r.Bound)
		}
	}
	if first {
		for p := range d.dir.All() {
			if !p.Unplaced() {
				grow(orb.Bound{Min: p.Point(), Max: p.Point()})
			}
		}
	}
	d.area = d.area.Pad(0.05)
	// Trends: a generated year of requests in the first region set.
	var tsets []trends.Set
	for _, set := range d.sets {
		tsets = append(tsets, trends.Set{Name: set, Regions: d.regions[set]})
	}
	if d.store, err = trends.New(trends.Config{Sets: tsets, Location: loc, StudentKey: []byte("navigator demo key: a district generates its own")}); err != nil {
		return nil, err
	}
	var surge []string
	if o.regions == "" {
		surge = needgen.SurgeHoods
	}
	reqs, err := needgen.Generate(d.regions[d.sets[0]], loc, o.seed, o.requests, surge)
	if err != nil {
		return nil, err
	}
	if err := d.store.AddBatch(ctx, reqs); err != nil {
		return nil, err
	}
	d.trendsAt = time.Date(2025, 12, 31, 0, 0, 0, 0, loc)
	// The first query of a year works out its suppression (seconds);
	// do it now rather than in a family's request.
	if _, err := d.store.Counts(ctx, trends.Query{Set: d.sets[0], Bucket: trends.Year}); err != nil {
		return nil, err
	}
	return d, nil
}

// maxSkipLogged is how many problems of one file a lenient load logs
// before it gives the count of the rest.
const maxSkipLogged = 20

// skip notes problem i (of total) of file left out by a lenient load.
func (d *data) skip(file string, i, total int, problem error) {
	switch {
	case i < maxSkipLogged:
		d.skipped = append(d.skipped, fmt.Sprintf("%s: %v", file, problem))
	case i == maxSkipLogged:
		d.skipped = append(d.skipped, fmt.Sprintf("%s: %d more", file, total-maxSkipLogged))
	}
}

// regionsGeoJSON writes the regions of rs as a FeatureCollection, each
// named by nameProp (or by its id when nameProp is geo.ByID).
func regionsGeoJSON(rs *geo.Regions, nameProp string) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	for _, r := range rs.All() {
		fc.Append(r.Feature(nameProp))
	}
	return json.Marshal(fc)
}
