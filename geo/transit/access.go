package transit

import (
	"container/list"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// Window is a span of time on one service day, e.g. Saturday 9:00–12:00.
//
// Date names the civil date: Date.Date() read in Date's own location, so
// time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC) and the same date built with
// Network.Date mean the same day. Start and End are measured, as GTFS
// measures stop times, from noon minus 12 h of that day in the network's
// zone — midnight on every day but the two daylight-saving change days.
// The window is [Start, End): a departure exactly at End is outside it.
//
// A window counts every departure that physically falls inside it,
// whatever service day it belongs to: a window from 00:00 to 02:00 counts
// the previous service day's 24:30 trips, and one ending at 25:00 counts
// the next day's trips before 01:00.
//
// MaxTravel concerns range queries only (Router.Range, RangeFrom; Access
// and the departure counts ignore it): when positive it bounds the
// travel time a profile keeps, MaxTravel included. Stop-minutes reached
// later are reported Unreachable, and labels later than the departure
// plus MaxTravel are neither stored nor propagated, so a short bound
// leaves most of a network unscanned. A profile with a bound equals the
// profile without one with every time past the bound made Unreachable.
// As egress walks only add time, TimesVia values within the bound are
// exact; a caller with a travel limit passes it here. Zero means no
// bound (MaxProfileTravel); negative is an ErrBadWindow.
type Window struct {
	Date       time.Time
	Start, End time.Duration
	MaxTravel  time.Duration
}

// Hours returns the window's length in hours.
func (w Window) Hours() float64 { return (w.End - w.Start).Hours() }

type windowKey struct {
	day     int32
	lo, hi  int64 // seconds, lo inclusive, hi exclusive
	invalid bool
}

func keyOf(w Window) windowKey {
	lo := int64(math.Ceil(w.Start.Seconds()))
	hi := int64(math.Ceil(w.End.Seconds()))
	return windowKey{day: dayOf(w.Date), lo: lo, hi: hi, invalid: w.End <= w.Start}
}

// maxWindows bounds the memo of DeparturesPerHour: past it, the window
// used least recently is evicted. Each window holds a float64 and two
// slice headers per stop, about 56 bytes: 1,024 windows of a 3,000-stop
// city hold about 170 MB at most.
const maxWindows = 1024

// windowMemo is a least-recently-used cache of windowRates by window, safe
// for concurrent use. A window being computed is in the cache already, so
// concurrent callers for it wait for the one computation; an entry evicted
// while computed still completes for those holding it.
type windowMemo struct {
	mu  sync.Mutex
	m   map[windowKey]*list.Element // value: *memoEntry
	lru list.List                   // front: most recently used
}

type memoEntry struct {
	key windowKey
	val *windowRates
}

// get returns the entry for k and whether it was there; when it was not,
// it inserts a new entry, evicting the least recently used past
// maxWindows, and the caller must compute it and close its done channel.
func (c *windowMemo) get(k windowKey) (*windowRates, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[k]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*memoEntry).val, true
	}
	if c.m == nil {
		c.m = map[windowKey]*list.Element{}
	}
	e := &windowRates{done: make(chan struct{})}
	c.m[k] = c.lru.PushFront(&memoEntry{key: k, val: e})
	for c.lru.Len() > maxWindows {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.m, old.Value.(*memoEntry).key)
	}
	return e, false
}

// len returns the number of windows held.
func (c *windowMemo) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

type windowRates struct {
	done   chan struct{}
	rates  []float64
	routes [][]int    // per stop: routes departing in the window, ascending
	names  [][]string // their display names
}

// segment is a range of departure times [lo, hi) of the services that run
// on one service day.
type segment struct {
	svcs   []int32
	lo, hi int32
}

// segments maps window w onto the service days it overlaps.
func (n *Network) segments(w Window) []segment {
	k := keyOf(w)
	if k.invalid {
		return nil
	}
	y, m, d := w.Date.Date()
	base := time.Date(y, m, d, 12, 0, 0, 0, n.loc).Add(-12 * time.Hour)
	day := 24 * 3600
	from := int((k.lo-int64(n.maxTime))/int64(day)) - 2
	to := int(k.hi/int64(day)) + 2
	var segs []segment
	for off := from; off <= to; off++ {
		other := time.Date(y, m, d+off, 12, 0, 0, 0, n.loc).Add(-12 * time.Hour)
		shift := int64(other.Sub(base) / time.Second)
		lo := max(k.lo-shift, 0)
		hi := min(k.hi-shift, int64(n.maxTime)+1)
		if lo >= hi {
			continue
		}
		svcs := n.running(k.day+int32(off), nil)
		if len(svcs) == 0 {
			continue
		}
		segs = append(segs, segment{svcs: svcs, lo: int32(lo), hi: int32(hi)})
	}
	return segs
}

func (n *Network) countStop(stop int, segs []segment) int {
	c := 0
	for _, sg := range segs {
		for _, s := range sg.svcs {
			c += len(n.stopDeps(stop, s, sg.lo, sg.hi))
		}
	}
	return c
}

// Departures returns the number of departures from stop in window w (see
// Window), no-pickup calls excluded; 0 for an index out of range or an
// empty window. O(services × log departures).
func (n *Network) Departures(stop int, w Window) int {
	if stop < 0 || stop >= len(n.stops) {
		return 0
	}
	return n.countStop(stop, n.segments(w))
}

// DeparturesPerHour returns, for every stop (indexed as Stops), the
// departures in window w divided by the window's length in hours; all
// zeros for an empty or inverted window. The first call for a window
// costs O(stops × services × log departures + departures in the window)
// — about a millisecond for a city network — and the result, with the
// window's routes at each stop (RoutesAtIn), is memoized, so later calls
// for the same date, Start and End cost a map lookup. The memo keeps the
// 1,024 windows used most recently; others are computed again when asked
// for. The slice is shared: do not modify it. Safe for
// concurrent use.
func (n *Network) DeparturesPerHour(w Window) []float64 { return n.window(w).rates }

// RoutesAtIn returns the indexes of the routes, ascending, with a
// departure (pickup allowed) from stop in window w — the routes a rider
// at the stop can take on that day at those hours, unlike RoutesAt, which
// lists every route that ever calls. Nil for an index out of range or
// when nothing leaves in w. Memoized per window with DeparturesPerHour.
// The slice is shared: do not modify it.
func (n *Network) RoutesAtIn(stop int, w Window) []int {
	if stop < 0 || stop >= len(n.stops) {
		return nil
	}
	return n.window(w).routes[stop]
}

// RouteNamesAtIn returns the display names of RoutesAtIn(stop, w), in the
// same order. The slice is shared: do not modify it.
func (n *Network) RouteNamesAtIn(stop int, w Window) []string {
	if stop < 0 || stop >= len(n.stops) {
		return nil
	}
	return n.window(w).names[stop]
}

func (n *Network) window(w Window) *windowRates {
	e, ok := n.windows.get(keyOf(w))
	if ok {
		<-e.done
		return e
	}
	r := n.rates(w)
	e.rates, e.routes, e.names = r.rates, r.routes, r.names
	close(e.done)
	return e
}

func (n *Network) rates(w Window) *windowRates {
	out := &windowRates{rates: make([]float64, len(n.stops)), routes: make([][]int, len(n.stops)),
		names: make([][]string, len(n.stops))}
	segs := n.segments(w)
	if len(segs) == 0 {
		return out
	}
	h := w.Hours()
	var buf []int
	for i := range out.rates {
		c := 0
		buf = buf[:0]
		for _, sg := range segs {
			for _, s := range sg.svcs {
				ds := n.stopDeps(i, s, sg.lo, sg.hi)
				c += len(ds)
				for _, d := range ds {
					buf = append(buf, int(d.route))
				}
			}
		}
		out.rates[i] = float64(c) / h
		if len(buf) > 0 {
			slices.Sort(buf)
			rs := slices.Clip(slices.Compact(slices.Clone(buf)))
			names := make([]string, len(rs))
			for k, r := range rs {
				names[k] = n.routes[r].DisplayName()
			}
			out.routes[i], out.names[i] = rs, names
		}
	}
	return out
}

// Level grades transit access at a place.
type Level int

// Access levels, from the best departure rate at a stop within walking
// distance (see LevelFor).
const (
	LevelNone   Level = iota // no stop in reach has a departure in the window
	LevelLow                 // fewer than MediumFrequency departures per hour
	LevelMedium              // at least MediumFrequency, fewer than HighFrequency
	LevelHigh                // at least HighFrequency departures per hour
)

// String returns "none", "low", "medium" or "high".
func (l Level) String() string {
	switch l {
	case LevelNone:
		return "none"
	case LevelLow:
		return "low"
	case LevelMedium:
		return "medium"
	case LevelHigh:
		return "high"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// Frequency grades behind the access levels, in departures per hour from
// one stop. They follow the service-frequency levels of the Transit
// Capacity and Quality of Service Manual (TCRP Report 100, 2nd ed.:
// headways under 15 minutes rate A–B, 15 to 30 minutes C–D, longer E–F)
// and the "frequent network" convention of transit planning, where
// service every 15 minutes or better lets riders turn up without a
// timetable. So: every 15 minutes or better is high, every 30 minutes or
// better is medium, hourly or rarer is low.
const (
	MediumFrequency = 2.0 // departures per hour: every 30 minutes or better
	HighFrequency   = 4.0 // departures per hour: every 15 minutes or better
)

// WalkBuffer is the walking distance planners use as a bus stop's
// catchment: 400 m, the quarter mile most U.S. agencies and the TCQSM
// take as the distance riders readily walk to a local bus. Pass it as
// maxWalk when nothing better is known. (Planners often draw it as a
// straight-line buffer; here it is a walking distance, see Access.)
const WalkBuffer geo.Meters = 400

// LevelFor returns the access level of a place whose best stop in reach
// has dph departures per hour: none for 0, low below MediumFrequency,
// medium below HighFrequency, high from HighFrequency up.
func LevelFor(dph float64) Level {
	switch {
	case dph >= HighFrequency:
		return LevelHigh
	case dph >= MediumFrequency:
		return LevelMedium
	case dph > 0:
		return LevelLow
	}
	return LevelNone
}

// StopAccess is one stop within walking distance of a place.
type StopAccess struct {
	Stop              int           // index in Network.Stops
	Name              string        // the stop's name
	Distance          geo.Meters    // estimated walking distance: geo.WalkDistance of the great-circle distance
	Walk              time.Duration // estimated walking time: geo.WalkTime of the great-circle distance
	Routes            []string      // display names of the routes departing from the stop in the window asked for (shared: do not modify)
	DeparturesPerHour float64       // in the window asked for
}

// Access is transit access at a place in a time window.
type Access struct {
	Stops []StopAccess // stops within the walking distance, nearest first, ties by stop ID
	// Best indexes Stops: the stop with the most departures per hour,
	// ties to the nearer (then lower stop ID); -1 when Stops is empty or
	// no stop has a departure in the window.
	Best              int
	DeparturesPerHour float64 // at the best stop; 0 when none
	Level             Level   // LevelFor(DeparturesPerHour)
}

// NearbyStops yields the boardable stops (location type 0) whose
// estimated walking distance from p — the great-circle distance ×
// geo.DetourFactor — is at most maxWalk (boundary included), with that
// walking distance, in no particular order. p is lon, lat. It does not
// allocate; cost is an rtree search, O(log stops + k).
func (n *Network) NearbyStops(p orb.Point, maxWalk geo.Meters) iter.Seq2[int, geo.Meters] {
	return func(yield func(int, geo.Meters) bool) {
		if maxWalk < 0 {
			return
		}
		b := geo.BoundAround(p, maxWalk/geo.DetourFactor)
		n.tree.Search([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]},
			func(_, _ [2]float64, i int32) bool {
				d := geo.WalkDistance(geo.Distance(p, n.stops[i].Point))
				if d > maxWalk {
					return true
				}
				return yield(int(i), d)
			})
	}
}

// Access returns transit access at p (lon, lat) in window w: every
// boardable stop within walking distance maxWalk (see NearbyStops; pass
// WalkBuffer for the planners' 400 m) with its walk, routes and
// departures per hour, the best-served of them, and the access level.
// Cost: an rtree search plus a sort of the stops found; the window's
// departure rates are memoized (see DeparturesPerHour), so repeated
// windows are cheap. Safe for concurrent use.
func (n *Network) Access(p orb.Point, maxWalk geo.Meters, w Window) Access {
	win := n.window(w)
	rates := win.rates
	a := Access{Best: -1}
	for i, d := range n.NearbyStops(p, maxWalk) {
		a.Stops = append(a.Stops, StopAccess{
			Stop:              i,
			Name:              n.stops[i].Name,
			Distance:          d,
			Walk:              geo.WalkTime(d / geo.DetourFactor),
			Routes:            win.names[i],
			DeparturesPerHour: rates[i],
		})
	}
	slices.SortFunc(a.Stops, func(x, y StopAccess) int {
		if x.Distance != y.Distance {
			if x.Distance < y.Distance {
				return -1
			}
			return 1
		}
		return strings.Compare(n.stops[x.Stop].ID, n.stops[y.Stop].ID)
	})
	for i, s := range a.Stops {
		if s.DeparturesPerHour > a.DeparturesPerHour {
			a.Best, a.DeparturesPerHour = i, s.DeparturesPerHour
		}
	}
	a.Level = LevelFor(a.DeparturesPerHour)
	return a
}

// DirectRoutes returns the indexes of the routes, ascending, on which a
// rider can board at stop from within window w and ride without a
// transfer to stop to: some trip of the route departs from with pickup
// allowed at a time in w and calls at to later in the same trip. It is
// nil when from or to is out of range or equal. Cost: one pass over the
// trips running in the window, O(stop times); meant for answering one
// question, not for bulk use.
func (n *Network) DirectRoutes(from, to int, w Window) []int {
	if from < 0 || to < 0 || from >= len(n.stops) || to >= len(n.stops) || from == to {
		return nil
	}
	var routes []int
	for _, sg := range n.segments(w) {
		run := make(map[int32]bool, len(sg.svcs))
		for _, s := range sg.svcs {
			run[s] = true
		}
		for t := range n.tripSvc {
			if !run[n.tripSvc[t]] || slices.Contains(routes, int(n.tripRoute[t])) {
				continue
			}
			if n.tripServes(t, int32(from), int32(to), sg.lo, sg.hi) {
				routes = append(routes, int(n.tripRoute[t]))
			}
		}
	}
	slices.Sort(routes)
	return routes
}

// tripServes reports whether trip t boards at from with a departure in
// [lo, hi) and calls at to afterwards.
func (n *Network) tripServes(t int, from, to, lo, hi int32) bool {
	calls := n.calls[n.callStart[t]:n.callStart[t+1]]
	fs := n.freqs[n.freqStart[t]:n.freqStart[t+1]]
	for i, c := range calls {
		if c.stop != from || c.noPickup {
			continue
		}
		if !slices.ContainsFunc(calls[i+1:], func(d call) bool { return d.stop == to }) {
			continue
		}
		if len(fs) == 0 {
			if c.t >= lo && c.t < hi {
				return true
			}
			continue
		}
		off := c.t - calls[0].t
		for _, f := range fs {
			// Some start st = f.start + k·headway < f.end with
			// st+off in [lo, hi)?
			first := lo - off - f.start
			k := int32(0)
			if first > 0 {
				k = (first + f.headway - 1) / f.headway
			}
			st := f.start + k*f.headway
			if st < f.end && st+off < hi {
				return true
			}
		}
	}
	return false
}
