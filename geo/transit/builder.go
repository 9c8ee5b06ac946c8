package transit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// Calendar is a weekly service pattern over a range of dates, as a row of
// calendar.txt.
type Calendar struct {
	Weekdays   [7]bool   // indexed by time.Weekday: Weekdays[time.Saturday] is Saturday
	Start, End time.Time // first and last civil dates (inclusive), read in their own location
}

// StopTime is one call of a trip at a stop, for Builder.AddTrip.
type StopTime struct {
	Stop      string        // stop ID, added before Build
	Departure time.Duration // from the service day's noon minus 12 h; may pass 24h
	// Arrival is when the vehicle arrives, measured like Departure; zero
	// means the same as Departure. It must not be after Departure.
	Arrival   time.Duration
	NoPickup  bool // riders cannot board here (GTFS pickup_type 1)
	NoDropOff bool // riders cannot alight here (GTFS drop_off_type 1)
	// Headsign is the destination shown to riders boarding here when it
	// differs from the trip's (stop_headsign); may be empty.
	Headsign string
}

// Trip is a trip for Builder.AddTrip: a route, a service and its calls in
// order of travel.
type Trip struct {
	ID, Route, Service string
	Headsign           string // the destination shown on the vehicle (trip_headsign); may be empty
	// Block is the vehicle block (block_id); may be empty. A trip
	// continues as the next trip of its block when that trip leaves from
	// its last stop (see the package doc): riders stay on board.
	Block     string
	StopTimes []StopTime
}

// Transfer types of transfers.txt.
const (
	TransferRecommended = 0 // a recommended transfer point: the default transfer time applies
	TransferTimed       = 1 // the departing vehicle waits: no slack beyond the walk
	TransferMinTime     = 2 // needs at least Transfer.MinTime
	TransferForbidden   = 3 // no transfer possible between the two stops
)

// Transfer is a rule of transfers.txt between two stops (the same stop for
// a transfer at one stop); a station (LocationStation) stands for each of
// its stops.
type Transfer struct {
	From, To string        // stop IDs, added before AddTransfer
	Type     int           // one of the Transfer… constants
	MinTime  time.Duration // min_transfer_time; used when Type is TransferMinTime
}

// stopTimeRow is one stop_times record, compact: no strings are kept.
type stopTimeRow struct {
	trip, seq, stop int32
	t               int32 // departure seconds; -1 when the feed leaves it to interpolation
	arr             int32 // arrival seconds; -1 when the feed leaves it to interpolation
	line            int32
	sign            uint16 // stop_headsign: index in Builder.signs, 0 for none
	noPickup        bool
	noDrop          bool
}

// transfer is a transfers.txt rule between two stop indexes.
type transfer struct {
	from, to int32
	typ      int8
	min      int32 // seconds
}

type frequency struct {
	trip, start, end, headway, line int32
}

// Builder makes a Network from records added one by one: GTFS loading uses
// it, and tests and benchmarks use it to make synthetic networks. The zero
// value is not usable; call NewBuilder. A Builder is for one goroutine; Build
// may be called once.
//
// Each Add method validates its record and returns a *FeedError (with ID
// and Field set, File and Line empty) wrapping one of the package's
// sentinels. Cross-record checks — a trip's route and service, a stop's
// parent station — happen in AddTrip (the route, service and stops must be
// added first) and in Build.
type Builder struct {
	loc        *time.Location
	agencies   []Agency
	agencyIdx  map[string]bool
	stops      []Stop
	stopLine   []int32
	stopIdx    map[string]int32
	routes     []Route
	routeIdx   map[string]int32
	services   []service
	svcIdx     map[string]int32
	exceptions map[svcDay]bool
	tripSvc    []int32
	tripRoute  []int32
	tripIDs    []string
	tripIdx    map[string]int32
	headsigns  []string
	tripBlock  []int32 // block of each trip: index in blockIdx's values, -1 for none
	blockIdx   map[string]int32
	signs      []string // distinct stop_headsigns; signs[0] is ""
	signIdx    map[string]uint16
	transfers  []transfer
	feedStart  int32 // feed_info.txt validity, day numbers; hasFeed when set
	feedEnd    int32
	hasFeed    bool
	rows       []stopTimeRow
	freqs      []frequency
	feed       bool // records come from files: errors name them

	lenient bool           // leave out bad trips at Build (lenient loading)
	skipped Skipped        // records left out (lenient loading)
	dropped map[int32]bool // trips to leave out at Build
}

// dropTrip marks trip to be left out, with its stop times and frequencies,
// when the network is built.
func (b *Builder) dropTrip(trip int32) {
	if b.dropped == nil {
		b.dropped = map[int32]bool{}
	}
	b.dropped[trip] = true
}

// compactTrips removes the dropped trips and renumbers the others, in
// their rows and frequencies too. O(trips + rows + frequencies).
func (b *Builder) compactTrips() {
	if len(b.dropped) == 0 {
		return
	}
	newIdx := make([]int32, len(b.tripIDs))
	k := int32(0)
	for i, id := range b.tripIDs {
		if b.dropped[int32(i)] {
			newIdx[i] = -1
			delete(b.tripIdx, id)
			continue
		}
		newIdx[i] = k
		b.tripIDs[k], b.tripSvc[k], b.tripRoute[k], b.headsigns[k] = id, b.tripSvc[i], b.tripRoute[i], b.headsigns[i]
		b.tripBlock[k] = b.tripBlock[i]
		b.tripIdx[id] = k
		k++
	}
	b.tripIDs, b.tripSvc, b.tripRoute, b.headsigns = b.tripIDs[:k], b.tripSvc[:k], b.tripRoute[:k], b.headsigns[:k]
	b.tripBlock = b.tripBlock[:k]
	rows := b.rows[:0]
	for _, r := range b.rows {
		if t := newIdx[r.trip]; t >= 0 {
			r.trip = t
			rows = append(rows, r)
		}
	}
	b.rows = rows
	freqs := b.freqs[:0]
	for _, f := range b.freqs {
		if t := newIdx[f.trip]; t >= 0 {
			f.trip = t
			freqs = append(freqs, f)
		}
	}
	b.freqs = freqs
	b.dropped = nil
}

// NewBuilder returns an empty Builder for a network in time zone loc (UTC
// when nil).
func NewBuilder(loc *time.Location) *Builder {
	if loc == nil {
		loc = time.UTC
	}
	return &Builder{
		loc:        loc,
		agencyIdx:  map[string]bool{},
		stopIdx:    map[string]int32{},
		routeIdx:   map[string]int32{},
		svcIdx:     map[string]int32{},
		exceptions: map[svcDay]bool{},
		tripIdx:    map[string]int32{},
		blockIdx:   map[string]int32{},
		signs:      []string{""},
		signIdx:    map[string]uint16{"": 0},
	}
}

// sign returns the index of stop headsign h, adding it when new; past
// 65,535 distinct headsigns the rest are dropped (index 0).
func (b *Builder) sign(h string) uint16 {
	if i, ok := b.signIdx[h]; ok {
		return i
	}
	if len(b.signs) > math.MaxUint16 {
		return 0
	}
	i := uint16(len(b.signs))
	b.signIdx[h] = i
	b.signs = append(b.signs, h)
	return i
}

func builderErr(id, field string, err error) error {
	return &FeedError{ID: id, Field: field, Err: err}
}

// AddAgency adds an agency. Its Timezone is informational here: the
// network's zone is the one given to NewBuilder.
func (b *Builder) AddAgency(a Agency) error {
	if b.agencyIdx[a.ID] {
		return builderErr(a.ID, "agency_id", ErrDuplicate)
	}
	b.agencyIdx[a.ID] = true
	b.agencies = append(b.agencies, a)
	return nil
}

// AddStop adds a stop. Its ID must be new and non-empty; its Point must be
// a valid lon/lat (geo.ValidatePoint) unless it is a node or boarding area;
// its Parent, if any, is resolved by Build.
func (b *Builder) AddStop(s Stop) error {
	if s.ID == "" {
		return builderErr("", "stop_id", ErrMissingValue)
	}
	if _, dup := b.stopIdx[s.ID]; dup {
		return builderErr(s.ID, "stop_id", ErrDuplicate)
	}
	if s.LocationType < LocationStop || s.LocationType > LocationBoardingArea {
		return builderErr(s.ID, "location_type", fmt.Errorf("%w %d", ErrBadValue, s.LocationType))
	}
	if s.LocationType <= LocationEntrance || s.Point != (orb.Point{}) {
		if err := geo.ValidatePoint(s.Point); err != nil {
			return builderErr(s.ID, "stop_lat", fmt.Errorf("%w: %w", ErrBadCoordinate, err))
		}
	}
	b.addStop(s, 0)
	return nil
}

func (b *Builder) addStop(s Stop, line int32) {
	b.stopIdx[s.ID] = int32(len(b.stops))
	b.stops = append(b.stops, s)
	b.stopLine = append(b.stopLine, line)
}

// AddRoute adds a route. Its ID must be new and non-empty.
func (b *Builder) AddRoute(r Route) error {
	if r.ID == "" {
		return builderErr("", "route_id", ErrMissingValue)
	}
	if _, dup := b.routeIdx[r.ID]; dup {
		return builderErr(r.ID, "route_id", ErrDuplicate)
	}
	b.addRoute(r)
	return nil
}

func (b *Builder) addRoute(r Route) {
	b.routeIdx[r.ID] = int32(len(b.routes))
	b.routes = append(b.routes, r)
}

// service returns the index of service id, adding it when new.
func (b *Builder) service(id string) int32 {
	if s, ok := b.svcIdx[id]; ok {
		return s
	}
	s := int32(len(b.services))
	b.svcIdx[id] = s
	b.services = append(b.services, service{id: id})
	return s
}

// MinYear and MaxYear bound the years of service dates, inclusive, in
// feeds and Builders alike. Feeds write far-future end dates (20991231)
// for open-ended service, so the bound is wide; it keeps the calendar's
// span, and so the per-day work of Stats and BusiestWeek, at most about
// 110,000 days.
const (
	MinYear = 1900
	MaxYear = 2200
)

func inYears(t time.Time) bool { y := t.Year(); return y >= MinYear && y <= MaxYear }

// AddCalendar sets the weekly pattern of service serviceID (a calendar.txt
// row). A service has at most one calendar.
func (b *Builder) AddCalendar(serviceID string, c Calendar) error {
	if serviceID == "" {
		return builderErr("", "service_id", ErrMissingValue)
	}
	start, end := dayOf(c.Start), dayOf(c.End)
	if !inYears(c.Start) {
		return builderErr(serviceID, "start_date", fmt.Errorf("%w %s: want a year from %d to %d", ErrBadDate, c.Start.Format(time.DateOnly), MinYear, MaxYear))
	}
	if !inYears(c.End) {
		return builderErr(serviceID, "end_date", fmt.Errorf("%w %s: want a year from %d to %d", ErrBadDate, c.End.Format(time.DateOnly), MinYear, MaxYear))
	}
	if end < start {
		return builderErr(serviceID, "end_date", fmt.Errorf("%w: ends before it starts", ErrBadDate))
	}
	if s, ok := b.svcIdx[serviceID]; ok && b.services[s].hasCal {
		return builderErr(serviceID, "service_id", ErrDuplicate)
	}
	var mask uint8
	for d, on := range c.Weekdays {
		if on {
			mask |= 1 << d
		}
	}
	b.setCalendar(serviceID, mask, start, end)
	return nil
}

func (b *Builder) setCalendar(id string, mask uint8, start, end int32) {
	s := b.service(id)
	b.services[s].hasCal = true
	b.services[s].mask = mask
	b.services[s].start = start
	b.services[s].end = end
}

// AddServiceDate records a calendar_dates.txt exception: service serviceID
// runs (runs true) or does not run on date's civil date, whatever its
// calendar says. A service may be defined by such dates alone.
func (b *Builder) AddServiceDate(serviceID string, date time.Time, runs bool) error {
	if serviceID == "" {
		return builderErr("", "service_id", ErrMissingValue)
	}
	if !inYears(date) {
		return builderErr(serviceID, "date", fmt.Errorf("%w %s: want a year from %d to %d", ErrBadDate, date.Format(time.DateOnly), MinYear, MaxYear))
	}
	b.exceptions[svcDay{b.service(serviceID), dayOf(date)}] = runs
	return nil
}

// AddTrip adds a trip calling at t.StopTimes in order; its route, service
// and stops must have been added, and each stop must be a LocationStop
// (ErrBadValue for a station, entrance, node or boarding area).
// Departure times must not be negative.
func (b *Builder) AddTrip(t Trip) error {
	tr, err := b.checkTrip(t.ID, t.Route, t.Service)
	if err != nil {
		return err
	}
	for _, st := range t.StopTimes {
		i, ok := b.stopIdx[st.Stop]
		if !ok {
			return builderErr(t.ID, "stop_id", fmt.Errorf("%w %q", ErrUnknownStop, st.Stop))
		}
		if lt := b.stops[i].LocationType; lt != LocationStop {
			return builderErr(t.ID, "stop_id", notBoardable(st.Stop, lt))
		}
		if st.Departure < 0 || st.Departure > maxTimeOfDay {
			return builderErr(t.ID, "departure_time", fmt.Errorf("%w: %v", ErrBadTime, st.Departure))
		}
		if st.Arrival < 0 || st.Arrival > st.Departure {
			return builderErr(t.ID, "arrival_time", fmt.Errorf("%w: arrival %v not in [0, departure %v]", ErrBadTime, st.Arrival, st.Departure))
		}
	}
	b.addTrip(t.ID, tr[0], tr[1])
	id := int32(len(b.tripSvc) - 1)
	b.headsigns[id] = t.Headsign
	b.setBlock(id, t.Block)
	for i, st := range t.StopTimes {
		dep := int32(st.Departure / time.Second)
		arr := dep
		if st.Arrival > 0 {
			arr = int32(st.Arrival / time.Second)
		}
		b.rows = append(b.rows, stopTimeRow{
			trip: id, seq: int32(i), stop: b.stopIdx[st.Stop],
			t: dep, arr: arr, noPickup: st.NoPickup, noDrop: st.NoDropOff, sign: b.sign(st.Headsign),
		})
	}
	return nil
}

// AddTransfer adds a transfers.txt rule; its stops must have been added.
// A later rule for the same pair of stops replaces an earlier one.
func (b *Builder) AddTransfer(t Transfer) error {
	from, ok := b.stopIdx[t.From]
	if !ok {
		return builderErr(t.From, "from_stop_id", fmt.Errorf("%w %q", ErrUnknownStop, t.From))
	}
	to, ok := b.stopIdx[t.To]
	if !ok {
		return builderErr(t.To, "to_stop_id", fmt.Errorf("%w %q", ErrUnknownStop, t.To))
	}
	if t.Type < TransferRecommended || t.Type > TransferForbidden {
		return builderErr(t.From, "transfer_type", fmt.Errorf("%w %d", ErrBadValue, t.Type))
	}
	if t.MinTime < 0 || t.MinTime > maxTimeOfDay {
		return builderErr(t.From, "min_transfer_time", fmt.Errorf("%w: %v", ErrBadTime, t.MinTime))
	}
	if t.Type == TransferMinTime && t.MinTime == 0 {
		return builderErr(t.From, "min_transfer_time", fmt.Errorf("%w: transfer_type 2 needs a time", ErrMissingValue))
	}
	b.transfers = append(b.transfers, transfer{from: from, to: to, typ: int8(t.Type), min: int32(t.MinTime / time.Second)})
	return nil
}

// SetValidity records the dates the feed is valid for (feed_info.txt
// feed_start_date and feed_end_date, civil dates read in their own
// location, inclusive). BusiestWeek keeps within them.
func (b *Builder) SetValidity(start, end time.Time) error {
	s, e := dayOf(start), dayOf(end)
	if e < s {
		return builderErr("", "feed_end_date", fmt.Errorf("%w: ends before it starts", ErrBadDate))
	}
	b.feedStart, b.feedEnd, b.hasFeed = s, e, true
	return nil
}

// notBoardable is the problem of a call at stop id, whose location type
// lt is not LocationStop: riders board and alight only at stops and
// platforms, so the call could be neither used nor reached.
func notBoardable(id string, lt int) error {
	kinds := [...]string{LocationStation: "a station", LocationEntrance: "an entrance", LocationNode: "a node", LocationBoardingArea: "a boarding area"}
	kind := "not a stop"
	if lt > 0 && lt < len(kinds) {
		kind = kinds[lt]
	}
	return fmt.Errorf("%w: %q is %s (location_type %d); trips call at stops or platforms (location_type 0)", ErrBadValue, id, kind, lt)
}

// maxTimeOfDay bounds the times a feed may give: 999:59:59, far past any
// real service day, small enough for int32 seconds.
const maxTimeOfDay = 999*time.Hour + 59*time.Minute + 59*time.Second

func (b *Builder) checkTrip(id, route, svc string) ([2]int32, error) {
	if id == "" {
		return [2]int32{}, builderErr("", "trip_id", ErrMissingValue)
	}
	if _, dup := b.tripIdx[id]; dup {
		return [2]int32{}, builderErr(id, "trip_id", ErrDuplicate)
	}
	r, ok := b.routeIdx[route]
	if !ok {
		return [2]int32{}, builderErr(id, "route_id", fmt.Errorf("%w %q", ErrUnknownRoute, route))
	}
	s, ok := b.svcIdx[svc]
	if !ok {
		return [2]int32{}, builderErr(id, "service_id", fmt.Errorf("%w %q", ErrUnknownService, svc))
	}
	return [2]int32{r, s}, nil
}

func (b *Builder) addTrip(id string, route, svc int32) {
	b.tripIdx[id] = int32(len(b.tripSvc))
	b.tripIDs = append(b.tripIDs, id)
	b.tripRoute = append(b.tripRoute, route)
	b.tripSvc = append(b.tripSvc, svc)
	b.headsigns = append(b.headsigns, "")
	b.tripBlock = append(b.tripBlock, -1)
}

// setBlock sets trip's block_id; empty means none.
func (b *Builder) setBlock(trip int32, block string) {
	if block == "" {
		return
	}
	i, ok := b.blockIdx[block]
	if !ok {
		i = int32(len(b.blockIdx))
		b.blockIdx[block] = i
	}
	b.tripBlock[trip] = i
}

// AddFrequency makes trip tripID run every headway, starting at start,
// start+headway, … while before end (end exclusive), as frequencies.txt
// does. The trip's own stop times then give only the time between its
// stops. Times are from the service day's noon minus 12 h.
func (b *Builder) AddFrequency(tripID string, start, end, headway time.Duration) error {
	t, ok := b.tripIdx[tripID]
	if !ok {
		return builderErr(tripID, "trip_id", fmt.Errorf("%w %q", ErrUnknownTrip, tripID))
	}
	if start < 0 || start > maxTimeOfDay {
		return builderErr(tripID, "start_time", fmt.Errorf("%w: %v", ErrBadTime, start))
	}
	if end < 0 || end > maxTimeOfDay {
		return builderErr(tripID, "end_time", fmt.Errorf("%w: %v", ErrBadTime, end))
	}
	if headway < time.Second {
		return builderErr(tripID, "headway_secs", fmt.Errorf("%w: headway %v", ErrBadValue, headway))
	}
	b.freqs = append(b.freqs, frequency{
		trip: t, start: int32(start / time.Second), end: int32(end / time.Second),
		headway: int32(headway / time.Second),
	})
	return nil
}

// Build returns the network. It checks what needs all records (parent
// stations, the first and last times of each trip), interpolates missing
// intermediate times, expands frequencies and indexes departures and
// stops. O(S log S) in the number of stop times S.
func (b *Builder) Build() (*Network, error) {
	return b.build(context.Background())
}

func (b *Builder) posErr(file string, line int32, id, field string, err error) error {
	if !b.feed {
		file, line = "", 0
	}
	return &FeedError{File: file, Line: int(line), ID: id, Field: field, Err: err}
}

func (b *Builder) build(ctx context.Context) (*Network, error) {
	var errs errList
	b.checkParents(&errs)

	b.compactTrips() // trips left out while loading (lenient)
	// Group stop times by trip in travel order.
	slices.SortFunc(b.rows, func(x, y stopTimeRow) int {
		if x.trip != y.trip {
			return int(x.trip - y.trip)
		}
		if x.seq != y.seq {
			return int(x.seq - y.seq)
		}
		return int(x.line - y.line)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.lenient {
		b.interpolate(func(trip int32, err error) {
			b.skipped.add(err)
			b.dropTrip(trip)
		})
		b.compactTrips() // rows stay grouped by trip in travel order
	} else {
		b.interpolate(func(_ int32, err error) { errs.add(err) })
	}
	if errs.len() > 0 {
		return nil, errs.err()
	}

	slices.SortFunc(b.freqs, func(x, y frequency) int {
		if x.trip != y.trip {
			return int(x.trip - y.trip)
		}
		return int(x.start - y.start)
	})

	n := &Network{
		loc:        b.loc,
		agencies:   b.agencies,
		stops:      b.stops,
		stopIdx:    b.stopIdx,
		routes:     b.routes,
		routeIdx:   b.routeIdx,
		services:   b.services,
		svcIdx:     b.svcIdx,
		exceptions: b.exceptions,
		tripSvc:    b.tripSvc,
		tripRoute:  b.tripRoute,
		headsigns:  b.headsigns,
		signs:      b.signs,
		transfers:  b.transfers,
		feedStart:  b.feedStart,
		feedEnd:    b.feedEnd,
		hasFeed:    b.hasFeed,
		stopTimes:  len(b.rows),
	}
	if err := b.index(ctx, n); err != nil {
		return nil, err
	}
	n.linkBlocks(b.tripBlock)
	n.span()
	return n, nil
}

func (b *Builder) checkParents(errs *errList) {
	for i, s := range b.stops {
		line := b.stopLine[i]
		if s.Parent == "" {
			if s.LocationType >= LocationEntrance {
				errs.add(b.posErr("stops.txt", line, s.ID, "parent_station", ErrMissingValue))
			}
			continue
		}
		p, ok := b.stopIdx[s.Parent]
		if !ok {
			errs.add(b.posErr("stops.txt", line, s.ID, "parent_station", fmt.Errorf("%w %q", ErrUnknownParent, s.Parent)))
			continue
		}
		want := LocationStation
		if s.LocationType == LocationBoardingArea {
			want = LocationStop
		}
		if s.LocationType == LocationStation || b.stops[p].LocationType != want {
			errs.add(b.posErr("stops.txt", line, s.ID, "parent_station",
				fmt.Errorf("%w: %q has location_type %d", ErrUnknownParent, s.Parent, b.stops[p].LocationType)))
		}
	}
}

// interpolate fills the times a feed leaves empty between timed stops,
// in proportion to the number of stops between (GTFS suggests distance;
// stop count is what every feed allows), and rejects repeated sequences,
// trips whose first or last stop has no time and times that go backwards
// along a trip (a stop reached before the previous one is left). Each
// problem goes to report with the index of its trip.
func (b *Builder) interpolate(report func(trip int32, err error)) {
	rows := b.rows
	for a := 0; a < len(rows); {
		z := a + 1
		for z < len(rows) && rows[z].trip == rows[a].trip {
			z++
		}
		trip := rows[a:z:z]
		ti := rows[a].trip
		id := b.tripIDs[ti]
		for i := 1; i < len(trip); i++ {
			if trip[i].seq == trip[i-1].seq {
				report(ti, b.posErr("stop_times.txt", trip[i].line, id, "stop_sequence",
					fmt.Errorf("%w stop_sequence %d", ErrDuplicate, trip[i].seq)))
			}
		}
		if trip[0].t < 0 {
			report(ti, b.posErr("stop_times.txt", trip[0].line, id, "departure_time",
				fmt.Errorf("%w: a trip's first stop needs a time", ErrMissingValue)))
		} else if last := trip[len(trip)-1]; last.t < 0 {
			report(ti, b.posErr("stop_times.txt", last.line, id, "departure_time",
				fmt.Errorf("%w: a trip's last stop needs a time", ErrMissingValue)))
		} else {
			prev := 0
			for i := 1; i < len(trip); i++ {
				if trip[i].t < 0 {
					continue
				}
				if a := trip[i].arr; a >= 0 && a < trip[prev].t {
					report(ti, b.posErr("stop_times.txt", trip[i].line, id, "arrival_time",
						fmt.Errorf("%w %s: before the departure %s from the previous timed stop (line %d); times go backwards along the trip",
							ErrBadTime, clock(a), clock(trip[prev].t), trip[prev].line)))
				}
				for k := prev + 1; k < i; k++ {
					frac := float64(k-prev) / float64(i-prev)
					trip[k].t = trip[prev].t + int32(math.Round(frac*float64(trip[i].t-trip[prev].t)))
				}
				prev = i
			}
			for i := range trip {
				if trip[i].arr < 0 {
					trip[i].arr = trip[i].t
				}
			}
		}
		a = z
	}
}

// clock formats seconds from the service day's start as H:MM:SS.
func clock(s int32) string {
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// index builds the per-stop departures, the routes at each stop and the
// rtree.
func (b *Builder) index(ctx context.Context, n *Network) error {
	rows := b.rows
	// Frequencies of each trip: freqs[fstart[t]:fstart[t+1]].
	fstart := make([]int32, len(b.tripSvc)+1)
	for _, f := range b.freqs {
		fstart[f.trip+1]++
	}
	for i := 1; i < len(fstart); i++ {
		fstart[i] += fstart[i-1]
	}
	n.freqStart, n.freqs = fstart, b.freqs
	n.callStart = make([]int32, len(b.tripSvc)+1)
	n.calls = make([]call, len(rows))
	for i, r := range rows {
		n.callStart[r.trip+1]++
		n.calls[i] = call{stop: r.stop, t: r.t, arr: r.arr, sign: r.sign, noPickup: r.noPickup, noDrop: r.noDrop}
	}
	for i := 1; i < len(n.callStart); i++ {
		n.callStart[i] += n.callStart[i-1]
	}
	runsOf := func(f frequency) int64 {
		if f.end <= f.start {
			return 0
		}
		return int64((f.end - f.start + f.headway - 1) / f.headway)
	}

	// Count departures per stop before allocating.
	count := make([]int64, len(b.stops))
	var total int64
	for a := 0; a < len(rows); {
		z := a + 1
		for z < len(rows) && rows[z].trip == rows[a].trip {
			z++
		}
		tr := rows[a].trip
		mult := int64(1)
		if fs := b.freqs[fstart[tr]:fstart[tr+1]]; len(fs) > 0 {
			mult = 0
			for _, f := range fs {
				mult += runsOf(f)
			}
		}
		for _, r := range rows[a:z] {
			if !r.noPickup {
				count[r.stop] += mult
				total += mult
			}
		}
		if total > MaxDepartures {
			return b.posErr("frequencies.txt", 0, b.tripIDs[tr], "",
				fmt.Errorf("%w: more than %d departures", ErrTooLarge, MaxDepartures))
		}
		a = z
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	n.depStart = make([]int32, len(b.stops)+1)
	for i, c := range count {
		n.depStart[i+1] = n.depStart[i] + int32(c)
	}
	n.deps = make([]departure, total)
	fill := slices.Clone(n.depStart[:len(b.stops)])
	put := func(stop, svc, t, route int32) {
		n.deps[fill[stop]] = departure{svc, t, route}
		fill[stop]++
		if t > n.maxTime {
			n.maxTime = t
		}
	}
	for a := 0; a < len(rows); {
		z := a + 1
		for z < len(rows) && rows[z].trip == rows[a].trip {
			z++
		}
		tr := rows[a].trip
		svc := b.tripSvc[tr]
		if fs := b.freqs[fstart[tr]:fstart[tr+1]]; len(fs) > 0 {
			base := rows[a].t
			for _, f := range fs {
				for st := f.start; st < f.end; st += f.headway {
					for _, r := range rows[a:z] {
						if !r.noPickup {
							put(r.stop, svc, st+r.t-base, b.tripRoute[tr])
						}
					}
				}
			}
		} else {
			for _, r := range rows[a:z] {
				if !r.noPickup {
					put(r.stop, svc, r.t, b.tripRoute[tr])
				}
			}
		}
		a = z
	}
	for i := range b.stops {
		ds := n.deps[n.depStart[i]:n.depStart[i+1]]
		slices.SortFunc(ds, func(x, y departure) int {
			if x.svc != y.svc {
				return int(x.svc - y.svc)
			}
			return int(x.t - y.t)
		})
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// Routes at each stop: distinct (stop, route) pairs, sorted.
	pairs := make([][2]int32, 0, len(rows)/8)
	for _, r := range rows {
		pairs = append(pairs, [2]int32{r.stop, b.tripRoute[r.trip]})
	}
	slices.SortFunc(pairs, func(x, y [2]int32) int {
		if x[0] != y[0] {
			return int(x[0] - y[0])
		}
		return int(x[1] - y[1])
	})
	pairs = slices.Compact(pairs)
	flat := make([]int, len(pairs))
	names := make([]string, len(pairs))
	n.stopRoutes = make([][]int, len(b.stops))
	n.stopRouteNames = make([][]string, len(b.stops))
	for a := 0; a < len(pairs); {
		z := a + 1
		for z < len(pairs) && pairs[z][0] == pairs[a][0] {
			z++
		}
		for i := a; i < z; i++ {
			flat[i] = int(pairs[i][1])
			names[i] = b.routes[pairs[i][1]].DisplayName()
		}
		s := pairs[a][0]
		n.stopRoutes[s] = flat[a:z:z]
		n.stopRouteNames[s] = names[a:z:z]
		a = z
	}

	for i, s := range b.stops {
		if s.LocationType == LocationStop {
			p := [2]float64{s.Point[0], s.Point[1]}
			n.tree.Insert(p, p, int32(i))
		}
	}
	return nil
}

// span finds the first and last days with any service, in
// O(services + days + exceptions) (see dayWeights).
func (n *Network) span() {
	first, last := int32(math.MaxInt32), int32(math.MinInt32)
	for _, s := range n.services {
		if s.hasCal && s.mask != 0 {
			first, last = min(first, s.start), max(last, s.end)
		}
	}
	for k, runs := range n.exceptions {
		if runs {
			first, last = min(first, k.day), max(last, k.day)
		}
	}
	if first > last {
		return
	}
	// Trim calendar edges on which nothing actually runs.
	count := n.dayWeights(first, last, func(int32) int { return 1 })
	lo, hi := 0, len(count)-1
	for lo <= hi && count[lo] == 0 {
		lo++
	}
	for hi >= lo && count[hi] == 0 {
		hi--
	}
	if lo <= hi {
		n.first, n.last, n.hasSpan = first+int32(lo), first+int32(hi), true
	}
}
