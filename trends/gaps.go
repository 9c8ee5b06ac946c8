package trends

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// GapQuery asks where demand outruns nearby supply.
type GapQuery struct {
	// Set names the region set; Category the subtree ("" for all) whose
	// requests are the demand and whose providers the supply.
	Set      string `json:"set"`
	Category string `json:"category,omitempty"`
	// Bucket and At select the period whose requests are the demand.
	// Provider capacity is taken to be per the same period: give Month
	// when capacities are monthly seats.
	Bucket Bucket    `json:"bucket"`
	At     time.Time `json:"at"`
	// Near widens supply beyond the region: a provider also counts for
	// every region whose representative point (geo.Regions.Centroid) is
	// within Near meters of it. 0 counts only providers in the region.
	Near geo.Meters `json:"near,omitempty"`
	// Transit, when set, also counts the supply a family reaches by
	// public transit: the providers reachable from the region's
	// representative point within Transit.Within, leaving in
	// Transit.Window, from the directory's timetable (directory.TripFilter,
	// the median over the window's departure minutes). It is reported
	// beside the crow-flies figures (Gap.TransitCapacity…). The directory
	// must have a transit network.
	Transit *TransitSupply `json:"transit,omitempty"`
}

// TransitSupply asks SupplyGaps for the supply within a trip by transit.
type TransitSupply struct {
	Within time.Duration  `json:"within"`
	Window transit.Window `json:"window"`
}

// Gap is the supply and demand of one region.
type Gap struct {
	Region string `json:"region"`
	// Demand is the region's requests in the period, from the protected
	// table; Suppressed when that cell is withheld (then Demand is 0
	// and Shortfall is not meaningful).
	Demand     int64 `json:"demand"`
	Suppressed bool  `json:"suppressed,omitempty"`
	// Capacity is the known free capacity counting for the region: each
	// provider's seats minus those already enrolled (Provider.Capacity −
	// Provider.Enrolled, never below 0). A provider counting for several
	// regions (through Near) has its free seats split evenly among them,
	// so capacities add up to the city's total.
	Capacity float64 `json:"capacity"`
	// Providers counts the providers counting for the region;
	// UnknownCapacity how many of them have Capacity 0, which the
	// directory means as unknown. They add nothing to Capacity, so where
	// UnknownCapacity > 0 the Shortfall is an upper bound.
	Providers       int `json:"providers"`
	UnknownCapacity int `json:"unknown_capacity"`
	// Shortfall is Demand − Capacity: positive where demand outruns
	// supply.
	Shortfall float64 `json:"shortfall"`
	// With GapQuery.Transit: the free capacity and providers reachable
	// by transit from the region's representative point within the time
	// asked (a provider reachable from several regions split evenly, as
	// for Near), and Demand − TransitCapacity.
	TransitCapacity  float64 `json:"transit_capacity,omitempty"`
	TransitProviders int     `json:"transit_providers,omitempty"`
	TransitShortfall float64 `json:"transit_shortfall,omitempty"`
}

// SkippedRegion is a region left out of part of a report, and why.
type SkippedRegion struct {
	Region string `json:"region"`
	Reason string `json:"reason"`
}

// GapReport is the answer of SupplyGaps.
type GapReport struct {
	Set      string `json:"set"`
	Category string `json:"category"`
	Period   Period `json:"period"`
	// Gaps has one entry per region, ranked by descending Shortfall
	// (ties by region name), regions with suppressed demand last.
	Gaps []Gap `json:"gaps"`
	// Skipped lists regions that Near could not widen, with the reason
	// (a zero-area region has no representative point). Their own
	// providers still count for them.
	Skipped []SkippedRegion `json:"skipped,omitempty"`
	Mode    Mode            `json:"mode"`
	Epsilon float64         `json:"epsilon,omitempty"`
}

// SupplyGaps sets the demand of each region of q.Set (requests in the
// category subtree during the period, as Counts publishes them) against
// the free capacity of placed providers of the subtree in or near it, read
// from the directory snapshot dir, and ranks regions by shortfall.
// Unplaced providers are ignored. A provider's region is its
// Provider.Regions entry for q.Set when the directory was built with
// that set, otherwise the region of the store's set containing its
// point. Cost: one Counts query plus one pass over the directory, with a
// distance to every region's representative point per provider when
// Near > 0.
func (s *Store) SupplyGaps(ctx context.Context, dir *directory.Directory, q GapQuery) (*GapReport, error) {
	if dir == nil {
		return nil, fmt.Errorf("%w: nil directory", ErrBadQuery)
	}
	if q.At.IsZero() {
		return nil, fmt.Errorf("%w: GapQuery needs At", ErrBadQuery)
	}
	if n := float64(q.Near); math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		return nil, fmt.Errorf("%w: Near must be a finite distance of 0 meters or more", ErrBadQuery)
	}
	t, err := s.Counts(ctx, Query{Set: q.Set, Category: q.Category, Bucket: q.Bucket, From: q.At, To: q.At})
	if err != nil {
		return nil, err
	}
	si := s.setIdx[q.Set]
	rs := s.sets[si].Regions
	regs := rs.All()
	gaps := make([]Gap, len(regs))
	for i, reg := range regs {
		c := t.Rows[i].Cells[0]
		gaps[i] = Gap{Region: reg.Name, Demand: c.Count, Suppressed: c.Suppressed}
	}
	var centroids [][2]float64
	var hasCentroid []bool
	var skipped []SkippedRegion
	if q.Near > 0 {
		centroids = make([][2]float64, len(regs))
		hasCentroid = make([]bool, len(regs))
		for i, reg := range regs {
			// geo.Regions.Centroid needs a polygon of non-zero area;
			// degenerate regions are skipped for Near, with the reason.
			if !hasArea(reg.Geometry) {
				skipped = append(skipped, SkippedRegion{Region: reg.Name, Reason: "zero-area region: no representative point, so Near does not widen its supply"})
				continue
			}
			centroids[i], hasCentroid[i] = rs.Centroid(i), true
		}
	}
	var near []int
	for p := range dir.All() {
		if p.Unplaced() || (q.Category != "" && !p.InCategory(q.Category)) {
			continue
		}
		near = near[:0]
		own := -1
		if name := p.Region(q.Set); name != "" {
			if reg, ok := rs.ByName(name); ok {
				own = reg.Index
			}
		} else {
			own = rs.LocateIndex(p.Point())
		}
		if own >= 0 {
			near = append(near, own)
		}
		for i, c := range centroids {
			if i != own && hasCentroid[i] && geo.Distance(c, p.Point()) <= q.Near {
				near = append(near, i)
			}
		}
		if len(near) == 0 {
			continue
		}
		share := float64(max(0, p.Capacity()-p.Enrolled())) / float64(len(near))
		for _, i := range near {
			g := &gaps[i]
			g.Providers++
			if p.Capacity() == 0 {
				g.UnknownCapacity++
			}
			g.Capacity += share
		}
	}
	if q.Transit != nil {
		if err := transitSupply(ctx, dir, rs, q, gaps); err != nil {
			return nil, err
		}
	}
	for i := range gaps {
		g := &gaps[i]
		if !g.Suppressed {
			g.Shortfall = float64(g.Demand) - g.Capacity
			if q.Transit != nil {
				g.TransitShortfall = float64(g.Demand) - g.TransitCapacity
			}
		}
	}
	sort.SliceStable(gaps, func(i, j int) bool {
		a, b := gaps[i], gaps[j]
		if a.Suppressed != b.Suppressed {
			return !a.Suppressed
		}
		if a.Shortfall != b.Shortfall {
			return a.Shortfall > b.Shortfall
		}
		return a.Region < b.Region
	})
	return &GapReport{Set: q.Set, Category: q.Category, Period: t.Periods[0], Gaps: gaps, Skipped: skipped, Mode: t.Mode, Epsilon: t.Epsilon}, nil
}

// transitSupply fills the transit figures of gaps (in region order): one
// trip search per region from its representative point.
func transitSupply(ctx context.Context, dir *directory.Directory, rs *geo.Regions, q GapQuery, gaps []Gap) error {
	var cats []string
	if q.Category != "" {
		cats = []string{q.Category}
	}
	reach := map[string][]int{} // provider ID → regions reaching it
	free := map[string]int{}
	for i := range gaps {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := dir.Search(directory.Query{Near: rs.Centroid(i), Categories: cats,
			Trip: &directory.TripFilter{Within: q.Transit.Within, Window: q.Transit.Window}})
		if err != nil {
			return fmt.Errorf("%w: transit supply: %w", ErrBadQuery, err)
		}
		for _, r := range res {
			p := r.Provider
			reach[p.ID()] = append(reach[p.ID()], i)
			free[p.ID()] = max(0, p.Capacity()-p.Enrolled())
			gaps[i].TransitProviders++
		}
	}
	// In ID order, so that the sums come out the same every time.
	for _, id := range slices.Sorted(maps.Keys(reach)) {
		regs := reach[id]
		share := float64(free[id]) / float64(len(regs))
		for _, i := range regs {
			gaps[i].TransitCapacity += share
		}
	}
	return nil
}

// hasArea reports whether some polygon of mp has an outer ring of
// non-zero area (shoelace formula).
func hasArea(mp orb.MultiPolygon) bool {
	for _, poly := range mp {
		if len(poly) == 0 || len(poly[0]) < 4 {
			continue
		}
		r := poly[0]
		var a float64
		for i := 0; i+1 < len(r); i++ {
			a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
		}
		if a != 0 && !math.IsNaN(a) {
			return true
		}
	}
	return false
}
