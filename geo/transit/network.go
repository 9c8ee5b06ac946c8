package transit

import (
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Location types of a stop (GTFS stops.txt location_type).
const (
	LocationStop         = 0 // a stop or platform where riders board; the empty value means this
	LocationStation      = 1 // a station holding stops or platforms
	LocationEntrance     = 2 // an entrance or exit of a station
	LocationNode         = 3 // a generic node inside a station
	LocationBoardingArea = 4 // a boarding area on a platform
)

// Agency is a transit agency of the feed (agency.txt).
type Agency struct {
	ID       string
	Name     string
	URL      string
	Timezone string // IANA zone name, e.g. "America/New_York"
}

// Stop is a stop, station, entrance, node or boarding area (stops.txt).
type Stop struct {
	ID           string
	Code         string // short code shown to riders, often on the stop sign; may be empty
	Name         string
	Point        orb.Point // lon, lat; zero for nodes and boarding areas given without coordinates
	LocationType int       // one of the Location… constants
	Parent       string    // parent_station: the station's stop ID, or empty
}

// Route is a transit route (routes.txt).
type Route struct {
	ID        string
	AgencyID  string
	ShortName string // e.g. "10A"; may be empty
	LongName  string // e.g. "Avondale"; may be empty
	Type      int    // GTFS route_type: 3 is bus, 0 tram, 1 subway, 2 rail…
	Color     string // hex RGB without '#', or empty
}

// DisplayName returns the name riders know the route by: its short name,
// else its long name, else its ID.
func (r Route) DisplayName() string {
	switch {
	case r.ShortName != "":
		return r.ShortName
	case r.LongName != "":
		return r.LongName
	}
	return r.ID
}

// Stats counts what a network holds.
type Stats struct {
	Agencies   int
	Stops      int // all location types
	Routes     int
	Trips      int // trips.txt records; a frequency-based trip counts once
	StopTimes  int // stop_times.txt records
	Services   int // distinct service_ids
	Departures int // scheduled departures after expanding frequencies, no-pickup stops excluded
	// Continuations counts the trips whose vehicle goes on as the next
	// trip of its block (block_id), riders staying on board.
	Continuations int
	// First and Last are the first and last dates with any service, at
	// midnight in the network's zone; zero when no service is defined.
	First, Last time.Time
}

// service is one service_id's weekly pattern (from calendar.txt) and span.
type service struct {
	id         string
	hasCal     bool
	mask       uint8 // bit time.Weekday set when the service runs that weekday
	start, end int32 // day numbers, inclusive
}

type svcDay struct{ svc, day int32 }

// call is a trip's stop at a stop: its departure and arrival in seconds
// (for a frequency-based trip, relative to the trip's first call's time as
// the feed gives it) and whether riders may board and alight.
type call struct {
	stop, t, arr     int32
	sign             uint16 // stop_headsign: index in Network.signs, 0 for none
	noPickup, noDrop bool
}

// departure is one scheduled departure at a stop: the service it runs
// under, its time in seconds from the service day's noon minus 12 h, and
// its route.
type departure struct{ svc, t, route int32 }

// Network is a transit network: stops, routes, the service calendar and
// every scheduled departure, read from a GTFS feed or made by a Builder.
//
// A *Network is immutable after it is built and safe for any number of
// concurrent readers; its only mutable state, the memo of per-window
// departure rates, is internally synchronized. Slices it returns are shared
// and must not be modified.
type Network struct {
	loc      *time.Location
	agencies []Agency
	stops    []Stop
	stopIdx  map[string]int32
	routes   []Route
	routeIdx map[string]int32

	services   []service
	svcIdx     map[string]int32
	exceptions map[svcDay]bool // true: added on that day; false: removed
	first      int32           // first and last day with any service
	last       int32
	hasSpan    bool

	tripSvc   []int32  // service of each trip
	tripRoute []int32  // route of each trip
	headsigns []string // trip_headsign of each trip
	cont      []int32  // the trip each trip continues as (block_id), -1 for none; nil when no trip does
	nCont     int      // trips with a continuation
	signs     []string // distinct stop_headsigns, signs[0] = ""
	stopTimes int

	transfers          []transfer // transfers.txt rules
	feedStart, feedEnd int32      // feed_info.txt validity (day numbers) when hasFeed
	hasFeed            bool

	// Each trip's calls in travel order: calls[callStart[t]:callStart[t+1]],
	// and its frequencies: freqs[freqStart[t]:freqStart[t+1]].
	callStart []int32
	calls     []call
	freqStart []int32
	freqs     []frequency

	depStart []int32     // deps[depStart[i]:depStart[i+1]] are stop i's departures
	deps     []departure // per stop, sorted by service then time
	maxTime  int32       // latest departure time in the feed, seconds

	stopRoutes     [][]int    // route indexes serving each stop, ascending
	stopRouteNames [][]string // their display names, same order

	tree rtree.RTreeGN[float64, int32] // boardable stops (LocationStop) by position

	windows windowMemo // DeparturesPerHour per window, least recently used evicted
}

// Location returns the network's time zone, from agency.txt.
func (n *Network) Location() *time.Location { return n.loc }

// Agencies returns the agencies of the feed, in file order.
func (n *Network) Agencies() []Agency { return n.agencies }

// Stops returns every stop, in file order; stop indexes used across the
// package index this slice. The slice is shared: do not modify it.
func (n *Network) Stops() []Stop { return n.stops }

// Routes returns every route, in file order; route indexes index this
// slice. The slice is shared: do not modify it.
func (n *Network) Routes() []Route { return n.routes }

// StopByID returns the stop with the given stop_id.
func (n *Network) StopByID(id string) (Stop, bool) {
	i, ok := n.stopIdx[id]
	if !ok {
		return Stop{}, false
	}
	return n.stops[i], true
}

// StopIndex returns the index in Stops of the stop with the given stop_id.
func (n *Network) StopIndex(id string) (int, bool) {
	i, ok := n.stopIdx[id]
	return int(i), ok
}

// RouteByID returns the route with the given route_id.
func (n *Network) RouteByID(id string) (Route, bool) {
	i, ok := n.routeIdx[id]
	if !ok {
		return Route{}, false
	}
	return n.routes[i], true
}

// RoutesAt returns the indexes of the routes with a trip calling at stop,
// ascending; nil for an index out of range. The slice is shared: do not
// modify it.
func (n *Network) RoutesAt(stop int) []int {
	if stop < 0 || stop >= len(n.stopRoutes) {
		return nil
	}
	return n.stopRoutes[stop]
}

// RouteNamesAt returns the display names of RoutesAt(stop), in the same
// order. The slice is shared: do not modify it.
func (n *Network) RouteNamesAt(stop int) []string {
	if stop < 0 || stop >= len(n.stopRouteNames) {
		return nil
	}
	return n.stopRouteNames[stop]
}

// Stats returns counts of what the network holds.
func (n *Network) Stats() Stats {
	s := Stats{
		Agencies:   len(n.agencies),
		Stops:      len(n.stops),
		Routes:     len(n.routes),
		Trips:      len(n.tripSvc),
		StopTimes:  n.stopTimes,
		Services:   len(n.services),
		Departures: len(n.deps),

		Continuations: n.nCont,
	}
	if n.hasSpan {
		s.First = n.dayTime(n.first)
		s.Last = n.dayTime(n.last)
	}
	return s
}

// Date returns midnight of the civil date y-m-d in the network's zone: a
// convenient value for Window.Date and the date arguments of the package.
func (n *Network) Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, n.loc)
}

func (n *Network) dayTime(day int32) time.Time {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, n.loc)
}

// dayNumber numbers civil dates: days since 1970-01-01.
func dayNumber(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf returns the day number of t's civil date in t's own location.
func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return dayNumber(y, m, d)
}

func weekdayOf(day int32) time.Weekday {
	return time.Weekday(((int(day) % 7) + 7 + 4) % 7) // 1970-01-01 was a Thursday
}

// runs reports whether service s runs on day.
func (n *Network) runs(s, day int32) bool {
	if r, ok := n.exceptions[svcDay{s, day}]; ok {
		return r
	}
	sv := &n.services[s]
	return sv.hasCal && day >= sv.start && day <= sv.end && sv.mask&(1<<weekdayOf(day)) != 0
}

// dayWeights returns, for each day of [lo, hi], the sum of weight(s) over
// the services s that run that day: out[d-lo]. It costs O(services × 7 +
// days + exceptions) rather than O(days × services): each service's
// weekly pattern is added as a difference array with stride 7, then the
// exceptions correct the days they change. The span is at most about
// 110,000 days (MinYear to MaxYear).
func (n *Network) dayWeights(lo, hi int32, weight func(s int32) int) []int {
	days := int(hi-lo) + 1
	out := make([]int, days+7)
	for i := range n.services {
		sv := &n.services[i]
		if !sv.hasCal || sv.mask == 0 {
			continue
		}
		a, b := max(sv.start, lo), min(sv.end, hi)
		if a > b {
			continue
		}
		w := weight(int32(i))
		if w == 0 {
			continue
		}
		for wd := range int32(7) {
			if sv.mask&(1<<wd) == 0 {
				continue
			}
			f := a + (wd-int32(weekdayOf(a))+7)%7
			if f > b {
				continue
			}
			l := f + (b-f)/7*7
			out[f-lo] += w
			out[l-lo+7] -= w
		}
	}
	for i := 7; i < days; i++ {
		out[i] += out[i-7]
	}
	out = out[:days:days]
	for k, runs := range n.exceptions {
		if k.day < lo || k.day > hi {
			continue
		}
		sv := &n.services[k.svc]
		cal := sv.hasCal && k.day >= sv.start && k.day <= sv.end && sv.mask&(1<<weekdayOf(k.day)) != 0
		switch {
		case runs && !cal:
			out[k.day-lo] += weight(k.svc)
		case !runs && cal:
			out[k.day-lo] -= weight(k.svc)
		}
	}
	return out
}

func (n *Network) running(day int32, dst []int32) []int32 {
	for s := range n.services {
		if n.runs(int32(s), day) {
			dst = append(dst, int32(s))
		}
	}
	return dst
}

// ServicesOn returns the service_ids that run on date's civil date (the
// date as written in date's own location), sorted. A service runs when its
// calendar.txt weekday pattern covers the date and calendar_dates.txt does
// not remove it, or when calendar_dates.txt adds it for that date.
// O(services).
func (n *Network) ServicesOn(date time.Time) []string {
	var ids []string
	for _, s := range n.running(dayOf(date), nil) {
		ids = append(ids, n.services[s].id)
	}
	slices.Sort(ids)
	return ids
}

// TripsOn returns the number of trips.txt trips whose service runs on
// date's civil date; a frequency-based trip counts once. O(trips).
func (n *Network) TripsOn(date time.Time) int {
	day := dayOf(date)
	run := make([]bool, len(n.services))
	for _, s := range n.running(day, nil) {
		run[s] = true
	}
	c := 0
	for _, s := range n.tripSvc {
		if run[s] {
			c++
		}
	}
	return c
}

// stopDeps returns stop's departures under service s with times in
// [lo, hi) seconds.
func (n *Network) stopDeps(stop int, s, lo, hi int32) []departure {
	ds := n.deps[n.depStart[stop]:n.depStart[stop+1]]
	cmp := func(d departure, k departure) int {
		if d.svc != k.svc {
			return int(d.svc - k.svc)
		}
		return int(d.t - k.t)
	}
	a, _ := slices.BinarySearchFunc(ds, departure{svc: s, t: lo}, cmp)
	b, _ := slices.BinarySearchFunc(ds, departure{svc: s, t: hi}, cmp)
	if b < a {
		return nil
	}
	return ds[a:b]
}

// DeparturesOn returns the number of departures from stop scheduled on
// date's service day (the trips of the services running on that civil
// date, including those after midnight), no-pickup stops excluded.
// O(services × log departures); 0 for an index out of range.
func (n *Network) DeparturesOn(stop int, date time.Time) int {
	if stop < 0 || stop >= len(n.stops) {
		return 0
	}
	c := 0
	for _, s := range n.running(dayOf(date), nil) {
		c += len(n.stopDeps(stop, s, 0, n.maxTime+1))
	}
	return c
}

// DepartureTimes returns the departure times from stop on date's service
// day, ascending, as durations from the service day's noon minus 12 h (so
// 25:10:00 is 25h10m). It allocates the result.
func (n *Network) DepartureTimes(stop int, date time.Time) []time.Duration {
	if stop < 0 || stop >= len(n.stops) {
		return nil
	}
	var out []time.Duration
	for _, s := range n.running(dayOf(date), nil) {
		for _, d := range n.stopDeps(stop, s, 0, n.maxTime+1) {
			out = append(out, time.Duration(d.t)*time.Second)
		}
	}
	slices.Sort(out)
	return out
}

// Validity returns the dates the feed says it is valid for
// (feed_info.txt feed_start_date and feed_end_date, or Builder.SetValidity),
// at midnight in the network's zone, and false when it does not say. A
// feed giving only one of the dates has the other unbounded: zero time.
func (n *Network) Validity() (start, end time.Time, ok bool) {
	if !n.hasFeed {
		return time.Time{}, time.Time{}, false
	}
	if n.feedStart > math.MinInt32/4 {
		start = n.dayTime(n.feedStart)
	}
	if n.feedEnd < math.MaxInt32/4 {
		end = n.dayTime(n.feedEnd)
	}
	return start, end, true
}

// BusiestWeek returns the Monday (midnight in the network's zone) of the
// Monday–Sunday week with the most scheduled departures within the
// feed's validity — Validity when the feed gives it, else the service
// calendar's span (Stats.First to Stats.Last) — counting only the days
// inside it. A week with service on some Monday–Friday is always
// preferred to one without, so a feed starting on a Sunday does not
// yield a week of weekend service only; ties go to the earliest week.
// It returns the zero time for a network without service.
// O(services + days + exceptions + departures).
func (n *Network) BusiestWeek() time.Time {
	if !n.hasSpan {
		return time.Time{}
	}
	lo, hi, perDay := n.weekDays()
	return n.pickWeek(lo, hi, perDay, func(_ time.Weekday, c int) int { return c })
}

// pickWeek returns the Monday (midnight in the network's zone) of the
// week, among those overlapping days lo..hi (perDay[d-lo] departures on
// day d), whose days within lo..hi score the most in all, ties going to
// the earliest; a week with service on some Monday–Friday beats any
// without.
func (n *Network) pickWeek(lo, hi int32, perDay []int, score func(wd time.Weekday, departures int) int) time.Time {
	var (
		best      int32 = -1
		bestScore       = -1
		bestWk          = false
	)
	monday := lo - int32((weekdayOf(lo)+6)%7)
	for m := monday; m <= hi; m += 7 {
		total, weekday := 0, false
		for d := max(m, lo); d <= min(m+6, hi); d++ {
			c, wd := perDay[d-lo], weekdayOf(d)
			total += score(wd, c)
			if c > 0 && wd >= time.Monday && wd <= time.Friday {
				weekday = true
			}
		}
		if (weekday && !bestWk) || (weekday == bestWk && total > bestScore) {
			best, bestScore, bestWk = m, total, weekday
		}
	}
	return n.dayTime(best)
}

// weekDays returns the days the default weeks are chosen within — the
// feed's validity when it gives one, else the service calendar's span —
// and the scheduled departures of each of them: perDay[d-lo].
func (n *Network) weekDays() (lo, hi int32, perDay []int) {
	lo, hi = n.first, n.last
	if n.hasFeed {
		lo, hi = max(lo, n.feedStart), min(hi, n.feedEnd)
		if lo > hi { // validity and calendar disjoint: trust the calendar
			lo, hi = n.first, n.last
		}
	}
	perSvc := make([]int, len(n.services))
	for _, d := range n.deps {
		perSvc[d.svc]++
	}
	return lo, hi, n.dayWeights(lo, hi, func(s int32) int { return perSvc[s] })
}

// TypicalWeek returns the Monday (midnight in the network's zone) of a
// Monday–Sunday week that runs the network's usual service, for callers
// that plan trips on one representative week (package match does by
// default). For each weekday, the usual service is the number of
// scheduled departures most of the feed's days of that weekday with any
// service have, within the same days BusiestWeek counts (ties go to the
// larger number), or none when no such day has service; the week chosen
// has the most of its seven days at their usual number, ties going to
// the earliest week. A week with service on some Monday–Friday is always
// preferred to one without, as in BusiestWeek; weeks without service, as
// in a seasonal feed's gaps, do not make no service usual.
//
// So a week with one-off extra service (a ballgame's extra trains, a New
// Year's Eve late service), a holiday that runs a Sunday timetable, or
// the changeover between two timetables is passed over for an ordinary
// one, where the busiest week would pick the first kind. When every week
// differs, the usual numbers are those of the busiest days and the week
// closest to them is taken. It returns the zero time for a network
// without service. O(services + days + exceptions + departures).
func (n *Network) TypicalWeek() time.Time {
	if !n.hasSpan {
		return time.Time{}
	}
	lo, hi, perDay := n.weekDays()
	var seen [7]map[int]int // per weekday: departures → days with that many
	for i := range seen {
		seen[i] = map[int]int{}
	}
	for d := lo; d <= hi; d++ {
		if c := perDay[d-lo]; c > 0 {
			seen[weekdayOf(d)][c]++
		}
	}
	var usual [7]int
	for wd, counts := range seen {
		bestDays := 0
		for c, days := range counts {
			if days > bestDays || (days == bestDays && c > usual[wd]) {
				usual[wd], bestDays = c, days
			}
		}
	}
	return n.pickWeek(lo, hi, perDay, func(wd time.Weekday, c int) int {
		if c == usual[wd] {
			return 1
		}
		return 0
	})
}
