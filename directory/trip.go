package directory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// TripStat chooses which travel time over a window's departure minutes
// a TripFilter limits: the median (the zero value, as Conveyal R5 reports
// accessibility), the quickest, or the 90th percentile.
type TripStat string

// Trip statistics.
const (
	TripMedian TripStat = ""
	TripMin    TripStat = "min"
	TripP90    TripStat = "p90"
)

// TripFilter keeps providers a family can reach from Query.Near by public
// transit within Within, leaving home at any minute of Window: an
// isochrone from the timetable. For every departure minute the router
// (transit.Router, RAPTOR) finds the earliest arrival at each stop — a
// walk from home to any stop within the directory's TransitReach, rides
// with up to transit.DefaultMaxTransfers changes — and the walk on from
// each stop within TransitReach of the provider; the trip's time is
// Stat over the minutes (minutes from which nothing arrives count as
// unreachable). A provider within a walk of Within or less (great-circle
// × geo.DetourFactor at geo.WalkSpeed) qualifies on foot.
//
// Only Search answers a TripFilter (Nearby and SearchText refuse it with
// ErrBadQuery). It needs a directory built with a transit network
// (ErrNoTransit) and a window on a date of the feed's service
// (transit.ErrOutsideService). Results come quickest first (ties by
// distance, then ID), each with its Result.Trip; K keeps the K quickest,
// and Within bounds the search, so neither K nor Radius is required.
//
// Cost: one range query from Near over the window (milliseconds for an
// hour on a city network), then the other filters on the providers within
// the farthest distance the isochrone allows, and one itinerary per
// result.
type TripFilter struct {
	Within time.Duration  `json:"within"`
	Window transit.Window `json:"window"`
	Stat   TripStat       `json:"stat,omitempty"`
}

// TripInfo is how a result is reached by transit.
type TripInfo struct {
	// Travel is the trip's time by the filter's Stat: door to door,
	// waiting at home included, as Summary counts it; for a trip on foot
	// the walk.
	Travel time.Duration
	// OnFoot is set when walking all the way is no slower.
	OnFoot bool
	// Summary is the distribution over the window's departure minutes.
	Summary transit.Summary
	// Journey is the itinerary leaving at the first minute whose time is
	// Travel (empty on foot).
	Journey transit.Journey
}

// router returns the directory's timetable router, built on first use.
func (d *Directory) router() (*transit.Router, error) {
	return d.routerFor(transit.RouterOptions{MaxWalk: d.reach})
}

// routerFor returns the timetable router with the given options, built
// on first use and shared by every version of the directory (and by the
// matchers over them).
func (d *Directory) routerFor(opts transit.RouterOptions) (*transit.Router, error) {
	rs := d.routing
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r, ok := rs.routers[opts]; ok {
		return r, nil
	}
	r, err := transit.NewRouter(d.net, opts)
	if err != nil {
		return nil, err
	}
	if rs.routers == nil {
		rs.routers = map[transit.RouterOptions]*transit.Router{}
	}
	rs.routers[opts] = r
	return r, nil
}

// routerState holds the timetable routers of a directory with transit,
// by options; a handful at most (one per matcher configuration).
type routerState struct {
	mu      sync.Mutex
	routers map[transit.RouterOptions]*transit.Router
}

func (tf *TripFilter) validate() error {
	if tf.Within <= 0 || tf.Within > transit.MaxProfileTravel {
		return fmt.Errorf("%w: trip within %v, want more than 0 and at most %v", ErrBadQuery, tf.Within, transit.MaxProfileTravel)
	}
	switch tf.Stat {
	case TripMedian, TripMin, TripP90:
	default:
		return fmt.Errorf("%w: trip stat %q, want \"\" (median), \"min\" or \"p90\"", ErrBadQuery, string(tf.Stat))
	}
	return nil
}

func (tf *TripFilter) pick(s transit.Summary) time.Duration {
	switch tf.Stat {
	case TripMin:
		return s.Min
	case TripP90:
		return s.P90
	}
	return s.Median
}

// searchTrip answers a Search whose query has a TripFilter.
func (d *Directory) searchTrip(q Query) ([]Result, error) {
	tf := q.Trip
	if err := tf.validate(); err != nil {
		return nil, err
	}
	if d.net == nil {
		return nil, ErrNoTransit
	}
	r, err := d.router()
	if err != nil {
		return nil, err
	}
	w := tf.Window
	w.MaxTravel = tf.Within // longer trips are never used
	prof, err := r.Range(context.Background(), q.Near, w)
	if err != nil {
		return nil, fmt.Errorf("%w: trip window: %w", ErrBadQuery, err)
	}
	// The farthest a trip within the limit can end: a stop reached in
	// time a plus the walk on with what is left, or a walk from home.
	limit := tf.Within.Seconds()
	far := geo.WalkReach(tf.Within)
	for _, s := range prof.Reached() {
		a := prof.StopMin(int(s))
		if a == transit.Unreachable || a.Seconds() > limit {
			continue
		}
		left := geo.WalkReach(tf.Within - a)
		far = max(far, geo.Distance(q.Near, d.net.Stops()[s].Point)+min(left, d.reach/geo.DetourFactor))
	}
	far += 1 // rounding
	sub := q
	sub.Trip, sub.K = nil, 0
	if sub.Radius == 0 || sub.Radius > far {
		sub.Radius = min(far, MaxRadius)
	}
	cands, err := d.Search(sub)
	if err != nil {
		return nil, err
	}
	out := cands[:0]
	var egress []transit.StopWalk
	for _, c := range cands {
		i, _ := d.ids.get(c.Provider.p.ID)
		egress = egress[:0]
		for _, ns := range *d.stopsNear.at(i) {
			egress = append(egress, transit.StopWalk{Stop: ns.Stop, Walk: geo.WalkTime(ns.Walk / geo.DetourFactor)})
		}
		sum := prof.ToVia(egress)
		info := &TripInfo{Travel: tf.pick(sum), Summary: sum}
		if walk := geo.WalkTime(c.Distance); walk <= info.Travel {
			info.Travel, info.OnFoot = walk, true
		}
		if info.Travel > tf.Within {
			continue
		}
		c.Trip = info
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Result) int {
		if c := cmp.Compare(a.Trip.Travel, b.Trip.Travel); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
			return c
		}
		return cmp.Compare(a.Provider.p.ID, b.Provider.p.ID)
	})
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	for i := range out {
		t := out[i].Trip
		if t.OnFoot {
			continue
		}
		times := prof.Times(out[i].Provider.p.Point)
		m := slices.Index(times, t.Travel)
		if m < 0 {
			m = minIndex(times)
		}
		if j, ok := prof.Journey(out[i].Provider.p.Point, m); ok {
			t.Journey = j
		}
	}
	return out, nil
}

func minIndex(ts []time.Duration) int {
	best, at := time.Duration(math.MaxInt64), 0
	for i, t := range ts {
		if t < best {
			best, at = t, i
		}
	}
	return at
}
