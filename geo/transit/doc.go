// Package transit reads GTFS feeds into a transit network and answers
// "how well is this place served by public transport?": the stops a person
// can walk to, the routes that call there, and how often buses leave in a
// given window on a given date — and, with a Router, "how long does the
// trip take by bus, door to door, and how?".
//
// # Model
//
// A Network holds a feed's agencies, stops (with their location types and
// parent stations), routes, service calendar, and every scheduled
// departure, indexed per stop. Stops, routes and agencies keep file order;
// the package refers to them by index into Network.Stops and
// Network.Routes. Trip IDs and other strings the queries do not need are
// dropped after loading.
//
// Times follow GTFS: a stop time is a duration from noon minus 12 hours
// of its service day (midnight except on daylight-saving change days), in
// the network's time zone (agency.txt agency_timezone), and may pass 24:00
// for trips that run past midnight. A service (service_id) runs on a date
// when calendar.txt's weekday pattern covers it and calendar_dates.txt
// does not remove it, or when calendar_dates.txt adds it; feeds with only
// calendar_dates.txt are fine. frequencies.txt trips are expanded into
// one departure per headway, starting at start_time and stopping before
// end_time; exact_times is not distinguished, as counts are the same.
// Stops whose pickup_type is 1 (no pickup) do not count as departures.
// Empty intermediate times are interpolated by stop count.
//
// Walking follows package geo: a stop's walking distance is the
// great-circle distance × geo.DetourFactor (1.3), and its walking time is
// geo.WalkTime, at geo.WalkSpeed (1.2 m/s). Access grades a place none,
// low, medium or high from the best departure rate at a stop in reach:
// every 30 minutes or better is medium, every 15 minutes or better is high
// (see MediumFrequency, HighFrequency, and WalkBuffer for the 400 m
// catchment planners use).
//
// # Reading feeds
//
// Load reads a .zip or a folder; ReadZip and ReadFS read from an
// io.ReaderAt or an fs.FS. The CSV reader takes quoted fields (with commas,
// doubled quotes and line breaks), a UTF-8 byte-order mark, and LF or CRLF
// line ends. Every record is checked — missing files and columns, unknown
// stop, trip, route or service references, malformed times and dates,
// coordinates out of range, duplicate IDs — and each problem is a
// *FeedError naming file, line, field and record ID, wrapping a sentinel
// (ErrUnknownStop, ErrBadTime…) to test with errors.Is. Problems are
// joined with errors.Join, up to 100 with the rest counted; a feed with
// any problem loads nothing. Stop times that go backwards along a trip
// are refused, as are, in a feed of an America/* zone, stops whose
// latitude and longitude look swapped.
//
// LoadOptions{Lenient: true} loads what it can instead: it leaves out each
// bad record (a whole trip for a problem in any of its rows) and returns
// every record left out, with its position, in a Skipped list. Problems
// no record can be left out for (a missing file, broken CSV, agency.txt)
// still refuse the feed.
//
// Hostile or broken files are refused in bounded time and memory: a record
// is at most MaxRecordBytes (an unterminated quote is caught there, with
// the line and column of the quote), MaxFields fields, a file at most
// MaxBlankLines blank lines, service dates within MinYear–MaxYear, and
// frequencies at most MaxDepartures departures (ErrTooLarge).
//
// Route lists and rates are those of a window's day and hours:
// RoutesAtIn, RouteNamesAtIn, DeparturesPerHour and Access list only the
// routes with a departure in the window (RoutesAt lists every route that
// ever calls). Two methods pick a default Monday–Sunday week inside the
// feed's validity (feed_info.txt), both preferring weeks with weekday
// service: BusiestWeek the one with the most departures, TypicalWeek one
// whose every day runs the usual number of departures for its weekday —
// not a week with one-off extra trains, a holiday timetable, or the
// changeover between two timetables, which real feeds often make the
// busiest.
//
// DirectRoutes answers "which bus takes me from this stop to that one
// without a transfer?" from the trips' stop patterns, which the network
// keeps in compact form.
//
// Builder makes a network from records added in code, for tests and
// synthetic benchmarks.
//
// Typical usage:
//
//	net, err := transit.Load(ctx, "carta-gtfs.zip")
//	if err != nil { … }
//	sat := transit.Window{
//		Date:  net.Date(2026, time.May, 30),
//		Start: 9 * time.Hour, End: 12 * time.Hour,
//	}
//	home, _ := geo.PointFromLatLon(35.0456, -85.3097)
//	a := net.Access(home, transit.WalkBuffer, sat)
//	fmt.Println(a.Level) // none, low, medium or high
//	for _, s := range a.Stops {
//		fmt.Println(s.Name, s.Walk, s.Routes, s.DeparturesPerHour)
//	}
//
// # Routing
//
// NewRouter prepares a Router (RAPTOR, Delling, Pajor and Werneck,
// "Round-Based Public Transit Routing", 2012). Trips are grouped into
// patterns — same service, route, stops and pickup/drop-off rules —
// sorted by departure; a pattern whose trips overtake one another is
// split so each is FIFO, and the earliest catchable trip is found by
// binary search. frequencies.txt trips are expanded into one trip per
// headway. A query runs one round per ride: round k scans the patterns
// at the stops improved in round k−1 (marked stops) from the earliest
// such stop, with local pruning, and then relaxes transfers; a journey
// has at most RouterOptions.MaxTransfers+1 rides (default 4).
//
// Walking: from an origin point to every served stop within MaxWalk
// (default 800 m of walking distance), from stops to a destination point
// likewise, and straight from origin to destination within MaxWalk; a
// transfer is a walk to a stop within TransferWalk (default 400 m, the
// same stop included) plus MinTransfer slack (default 1 min).
// transfers.txt rules between stops override: type 1 (timed) is the walk
// alone, type 2 takes min_transfer_time, type 3 forbids the transfer (at
// one stop too), and a rule of any type makes a transfer point of stops
// beyond TransferWalk; a rule naming a station applies to each of its
// stops, and a rule naming the stops themselves overrides it; rules
// naming routes or trips are not modelled. One transfer walk separates
// two rides (walks are not chained).
//
// Staying on board: one vehicle often runs a chain of trips (trips.txt
// block_id), reaching the last stop of one trip and leaving the same stop
// as the next, often on another route. A trip continues as the next trip
// of its block and its service_id — among the timetabled trips (not
// frequencies.txt) with two stop times or more, by first departure, ties
// in feed order — when that trip's first stop is the trip's last stop and
// it departs no earlier than the trip arrives there. Blocks mixing
// service ids continue only between trips of one service (a weekday
// block's trips do not continue as Saturday ones). A rider on a trip at
// its last stop is on its continuation in the same round: no transfer is
// counted, no slack added, and pickup and drop-off types at that stop do
// not matter, as the rider never leaves the vehicle. A rider may also
// board a trip to stay on as its continuation. Journey marks such a ride
// Leg.StayOn; Journey.Rides counts the vehicles boarded.
//
// Service days: a departure at local time T on date D (the civil date in
// the network's zone) uses the trips of every service running on D and
// on the days around it, each shifted by the time between its day's noon
// minus 12 h and D's — so the previous day's trips past 24:00 run after
// midnight, and clock changes are honoured. Query dates must lie within
// Stats.First to Stats.Last (ErrOutsideService).
//
// Depart gives the earliest arrival at every stop for one departure; To
// and Journey read a destination point off it. Range gives, for every
// departure minute of a window, the travel time to every stop (rRAPTOR:
// minutes from last to first, reusing labels), summarized per place as
// min, median and 90th percentile over the minutes as Conveyal R5 does:
// the travel time of minute m counts from m, waiting at the origin
// included; ArriveBy reads the latest departure minute that arrives by
// a deadline off a profile. Window.MaxTravel bounds a range query's
// travel times: labels past the departure plus the bound are neither
// stored nor propagated, so a 45-minute limit leaves most of a metro
// unscanned, and the profile equals the unbounded one with later times
// Unreachable. DepartFrom and RangeFrom take origin stops with their
// walks, so homes that share their stops in reach can share one run (add
// each home's own WalkTime; Summarize the result). For many homes on one
// window — a cohort — StopRanges runs rRAPTOR once per stop, over the
// departures there, and composes each home's profile from the runs of
// its stops: the same times as RangeFrom, with rows worked out when first
// read. RankVia gives what a caller ranking places within a travel limit
// needs of a place (the median or another rank of its minutes, the first
// minute with it, the distinct arrivals): it reads the place's stops in
// order of a lower bound and stops once none can improve a minute, so a
// composed profile never works out the rows it skips.
//
// Typical routing:
//
//	r, err := transit.NewRouter(net, transit.RouterOptions{})
//	w := transit.Window{Date: net.Date(2026, time.June, 10), Start: 15 * time.Hour, End: 16 * time.Hour}
//	p, err := r.Range(ctx, home, w)
//	s := p.To(foodBank)            // Summary{Min, Median, P90, Reachable, Minutes}
//	j, ok := p.Journey(foodBank, 0) // legs: walk, ride, transfer, …, walk
//
// # Cost and concurrency
//
// Loading CARTA's feed (1,163 stops, 82,644 stop times) takes tens of
// milliseconds. NearbyStops is an rtree search and does not allocate;
// Access adds a sort and one allocation; DeparturesPerHour computes each
// distinct window once and memoizes the 1,024 used most recently. A *Network is immutable after
// loading and safe for any number of concurrent readers.
//
// NewRouter takes about 10 ms on CARTA. A Depart is O(rounds × (stop
// times of the scanned patterns + transfers)) — about half a millisecond
// on CARTA, allocating the 4-byte-per-stop result — with per-query state
// from a sync.Pool. A Range runs RAPTOR rounds only at the minutes where
// a new trip becomes catchable at an origin stop, scanning from those
// stops only, and copies only changed labels between rounds: on CARTA an
// hour from a home costs about a millisecond of CPU, a third of that
// with a 45-minute MaxTravel; 4 hours 3–4 ms, about 1 ms bounded.
// Staying on board costs a look at each trip a rider can stay on for,
// once per query, and a scan of those an earlier trip of their pattern
// does not cover: on CARTA, where every trip has a block, a one-to-all
// Depart takes about 15% longer than without, a one-hour Range a few
// percent (BenchmarkRoute).
// A profile keeps 2 bytes per minute for each stop reached in some minute
// plus 8 bytes of index per such stop. Journey reruns one query toward
// its destination. A *Router is immutable and safe for concurrent use.
// StopRanges' per-stop runs cost about as much as a Range each (some 3 s
// of CPU for every stop of the synthetic metro over a 4-hour window);
// after them a home's profile with 300 rows read costs a third of a
// RangeFrom over 4 hours, half of one over an hour
// (BenchmarkStopRanges).
package transit
