package transit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// minimalFeed is a small valid feed: one route, two stops, one weekday
// trip. Tests change one file at a time.
func minimalFeed() map[string]string {
	return map[string]string{
		"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n" +
			"A,Agency,http://example.org,America/New_York\n",
		"stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n" +
			"S1,One,35.05,-85.31,,\n" +
			"S2,Two,35.06,-85.30,,\n",
		"routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n" +
			"R1,A,1,First,3\n",
		"trips.txt": "route_id,service_id,trip_id\n" +
			"R1,WK,T1\n",
		"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" +
			"T1,08:00:00,08:00:00,S1,1\n" +
			"T1,08:10:00,08:10:00,S2,2\n",
		"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
			"WK,1,1,1,1,1,0,0,20260101,20261231\n",
	}
}

func toFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func readFeed(files map[string]string) (*transit.Network, error) {
	return transit.ReadFS(context.Background(), toFS(files))
}

func TestMinimalFeedLoads(t *testing.T) {
	t.Parallel()
	n, err := readFeed(minimalFeed())
	require.NoError(t, err)
	st := n.Stats()
	assert.Equal(t, 2, st.Stops)
	assert.Equal(t, 1, st.Trips)
	assert.Equal(t, 2, st.StopTimes)
	assert.Equal(t, "America/New_York", n.Location().String())
}

func TestMalformedFeeds(t *testing.T) {
	t.Parallel()
	set := func(name, data string) func(map[string]string) {
		return func(f map[string]string) { f[name] = data }
	}
	replace := func(name, old, new string) func(map[string]string) {
		return func(f map[string]string) { f[name] = strings.Replace(f[name], old, new, 1) }
	}
	tests := []struct {
		name   string
		change func(map[string]string)
		want   error
		file   string
		line   int
		field  string
	}{
		{"missing stops.txt", func(f map[string]string) { delete(f, "stops.txt") },
			transit.ErrMissingFile, "stops.txt", 0, ""},
		{"missing agency.txt", func(f map[string]string) { delete(f, "agency.txt") },
			transit.ErrMissingFile, "agency.txt", 0, ""},
		{"no calendar at all", func(f map[string]string) { delete(f, "calendar.txt") },
			transit.ErrMissingFile, "calendar.txt", 0, ""},
		{"missing column stop_lat", replace("stops.txt", "stop_lat,", "latitude,"),
			transit.ErrMissingColumn, "stops.txt", 1, "stop_lat"},
		{"missing column stop_sequence", replace("stop_times.txt", "stop_sequence", "seq"),
			transit.ErrMissingColumn, "stop_times.txt", 1, "stop_sequence"},
		{"unknown stop_id in stop_times", replace("stop_times.txt", ",S2,2", ",S9,2"),
			transit.ErrUnknownStop, "stop_times.txt", 3, "stop_id"},
		{"a trip calls at a station", replace("stops.txt", "S2,Two,35.06,-85.30,,", "S2,Two,35.06,-85.30,1,"),
			transit.ErrBadValue, "stop_times.txt", 3, "stop_id"},
		{"unknown trip_id in stop_times", replace("stop_times.txt", "T1,08:10", "T7,08:10"),
			transit.ErrUnknownTrip, "stop_times.txt", 3, "trip_id"},
		{"malformed departure_time", replace("stop_times.txt", "08:00:00,S1", "8:6o:00,S1"),
			transit.ErrBadTime, "stop_times.txt", 2, "departure_time"},
		{"minutes out of range", replace("stop_times.txt", "08:10:00,08:10:00", "08:70:00,08:10:00"),
			transit.ErrBadTime, "stop_times.txt", 3, "arrival_time"},
		{"first stop without a time", replace("stop_times.txt", "08:00:00,08:00:00", ","),
			transit.ErrMissingValue, "stop_times.txt", 2, "departure_time"},
		{"repeated stop_sequence", replace("stop_times.txt", ",S2,2", ",S2,1"),
			transit.ErrDuplicate, "stop_times.txt", 3, "stop_sequence"},
		{"latitude out of range", replace("stops.txt", "35.06,-85.30", "95.06,-85.30"),
			geo.ErrLatitude, "stops.txt", 3, "stop_lat"},
		{"longitude out of range", replace("stops.txt", "35.06,-85.30", "35.06,-185.30"),
			transit.ErrBadCoordinate, "stops.txt", 3, "stop_lon"},
		{"latitude out of range, likely swapped", replace("stops.txt", "35.05,-85.31", "95.0,35.05"),
			geo.ErrLikelySwapped, "stops.txt", 2, "stop_lat"},
		{"latitude not finite", replace("stops.txt", "35.05,", "NaN,"),
			geo.ErrNotFinite, "stops.txt", 2, "stop_lat"},
		{"latitude not a number", replace("stops.txt", "35.05,", "north,"),
			transit.ErrBadNumber, "stops.txt", 2, "stop_lat"},
		{"empty stop_id", replace("stops.txt", "S2,Two", ",Two"),
			transit.ErrMissingValue, "stops.txt", 3, "stop_id"},
		{"duplicate stop_id", replace("stops.txt", "S2,Two", "S1,Two"),
			transit.ErrDuplicate, "stops.txt", 3, "stop_id"},
		{"unknown parent station", replace("stops.txt", "S2,Two,35.06,-85.30,,", "S2,Two,35.06,-85.30,0,ST"),
			transit.ErrUnknownParent, "stops.txt", 3, "parent_station"},
		{"unknown route in trips", set("trips.txt", "route_id,service_id,trip_id\nR2,WK,T1\n"),
			transit.ErrUnknownRoute, "trips.txt", 2, "route_id"},
		{"unknown service in trips", set("trips.txt", "route_id,service_id,trip_id\nR1,SAT,T1\n"),
			transit.ErrUnknownService, "trips.txt", 2, "service_id"},
		{"bad time zone", replace("agency.txt", "America/New_York", "America/Gotham"),
			transit.ErrBadTimeZone, "agency.txt", 2, "agency_timezone"},
		{"impossible date", replace("calendar.txt", "20260101", "20260230"),
			transit.ErrBadDate, "calendar.txt", 2, "start_date"},
		{"weekday flag not 0 or 1", replace("calendar.txt", "WK,1,1,1", "WK,1,yes,1"),
			transit.ErrBadValue, "calendar.txt", 2, "tuesday"},
		{"bad exception_type", set("calendar_dates.txt", "service_id,date,exception_type\nWK,20260704,3\n"),
			transit.ErrBadValue, "calendar_dates.txt", 2, "exception_type"},
		{"unterminated quote", replace("stops.txt", "S2,Two", "S2,\"Two"),
			transit.ErrCSV, "stops.txt", 3, ""},
		{"zero headway", set("frequencies.txt", "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,09:00:00,0\n"),
			transit.ErrBadValue, "frequencies.txt", 2, "headway_secs"},
		{"frequency of unknown trip", set("frequencies.txt", "trip_id,start_time,end_time,headway_secs\nT9,06:00:00,09:00:00,600\n"),
			transit.ErrUnknownTrip, "frequencies.txt", 2, "trip_id"},
		{"arrival after departure", replace("stop_times.txt", "08:10:00,08:10:00", "08:12:00,08:10:00"),
			transit.ErrBadTime, "stop_times.txt", 3, "departure_time"},
		{"bad drop_off_type", set("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence,drop_off_type\nT1,08:00:00,08:00:00,S1,1,\nT1,08:10:00,08:10:00,S2,2,7\n"),
			transit.ErrBadValue, "stop_times.txt", 3, "drop_off_type"},
		{"transfer from unknown stop", set("transfers.txt", "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,0,\nS9,S1,0,\n"),
			transit.ErrUnknownStop, "transfers.txt", 3, "from_stop_id"},
		{"bad transfer_type", set("transfers.txt", "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,9,\n"),
			transit.ErrBadValue, "transfers.txt", 2, "transfer_type"},
		{"min_transfer_time missing for type 2", set("transfers.txt", "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,2,\n"),
			transit.ErrMissingValue, "transfers.txt", 2, "min_transfer_time"},
		{"min_transfer_time not a number", set("transfers.txt", "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,2,soon\n"),
			transit.ErrBadNumber, "transfers.txt", 2, "min_transfer_time"},
		{"feed_info ends before it starts", set("feed_info.txt", "feed_publisher_name,feed_start_date,feed_end_date\nP,20260601,20260501\n"),
			transit.ErrBadDate, "feed_info.txt", 2, "feed_end_date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := minimalFeed()
			tc.change(files)
			n, err := readFeed(files)
			require.Error(t, err)
			assert.Nil(t, n, "a feed with errors must load nothing")
			assert.ErrorIs(t, err, tc.want)
			var fe *transit.FeedError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.file, fe.File, "file in %v", err)
			assert.Equal(t, tc.line, fe.Line, "line in %v", err)
			assert.Equal(t, tc.field, fe.Field, "field in %v", err)
		})
	}
}

func TestManyErrorsReportedTogether(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["stop_times.txt"] = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" +
		"T1,08:00:00,08:00:00,S1,1\n" +
		"T1,08:10:00,08:10:00,S9,2\n" +
		"T1,08:x0:00,08:20:00,S2,3\n" +
		"T8,08:30:00,08:30:00,S2,4\n"
	_, err := readFeed(files)
	require.Error(t, err)
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "errors are joined: %v", err)
	var lines []int
	for _, e := range joined.Unwrap() {
		var fe *transit.FeedError
		require.ErrorAs(t, e, &fe)
		lines = append(lines, fe.Line)
	}
	assert.Equal(t, []int{3, 4, 5}, lines)
	assert.ErrorIs(t, err, transit.ErrUnknownStop)
	assert.ErrorIs(t, err, transit.ErrBadTime)
	assert.ErrorIs(t, err, transit.ErrUnknownTrip)
	assert.Contains(t, err.Error(), `stop_times.txt:4: record "T1": arrival_time: malformed time "08:x0:00"`)
}

func TestErrorCountIsBounded(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	var b strings.Builder
	b.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	for range 500 {
		b.WriteString("T1,08:00:00,08:00:00,NOPE,1\n")
	}
	files["stop_times.txt"] = b.String()
	_, err := readFeed(files)
	require.Error(t, err)
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	assert.Len(t, errs, 101)
	assert.Contains(t, errs[100].Error(), "and 400 more problems (500 in all)")
}

// TestFeedSyntaxVariants checks that a BOM, CRLF line ends, quoted
// fields and extra columns give the same network as the plain feed.
func TestFeedSyntaxVariants(t *testing.T) {
	t.Parallel()
	plain, err := readFeed(minimalFeed())
	require.NoError(t, err)

	files := minimalFeed()
	for name, data := range files {
		files[name] = "\xef\xbb\xbf" + strings.ReplaceAll(data, "\n", "\r\n")
	}
	files["stops.txt"] = "\xef\xbb\xbf\"stop_id\",stop_name,stop_lat,stop_lon,extra,location_type,parent_station\r\n" +
		"\"S1\",\"Main St, \"\"North\"\"\",35.05,-85.31,\"a\r\nb\",,\r\n" +
		"S2,Two,35.06,-85.30,,,\r\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	s1, ok := n.StopByID("S1")
	require.True(t, ok)
	assert.Equal(t, `Main St, "North"`, s1.Name)
	assert.Equal(t, plain.Stats(), n.Stats())
	w := transit.Window{Date: n.Date(2026, 3, 4), Start: 7 * time.Hour, End: 9 * time.Hour}
	assert.Equal(t, plain.DeparturesPerHour(w), n.DeparturesPerHour(w))
	assert.Equal(t, []float64{0.5, 0.5}, n.DeparturesPerHour(w), "one departure at each stop in two hours")
}

// TestCalendarDatesOnly loads a feed whose services are defined by
// calendar_dates.txt alone.
func TestCalendarDatesOnly(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	delete(files, "calendar.txt")
	files["calendar_dates.txt"] = "service_id,date,exception_type\nWK,20260704,1\nWK,20260706,1\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	tests := []struct {
		date time.Time
		want []string
	}{
		{n.Date(2026, 7, 4), []string{"WK"}},
		{n.Date(2026, 7, 5), nil},
		{n.Date(2026, 7, 6), []string{"WK"}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, n.ServicesOn(tc.date), "ServicesOn(%v)", tc.date)
	}
	st := n.Stats()
	assert.Equal(t, n.Date(2026, 7, 4), st.First)
	assert.Equal(t, n.Date(2026, 7, 6), st.Last)
}

// TestCalendarExceptions checks additions and removals over a weekly
// pattern.
func TestCalendarExceptions(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["calendar.txt"] += "SA,0,0,0,0,0,1,0,20260101,20261231\n"
	files["calendar_dates.txt"] = "service_id,date,exception_type\n" +
		"WK,20260525,2\nSA,20260525,1\nSA,20260704,2\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	tests := []struct {
		name string
		date time.Time
		want []string
	}{
		{"ordinary Wednesday", n.Date(2026, 5, 27), []string{"WK"}},
		{"ordinary Saturday", n.Date(2026, 5, 30), []string{"SA"}},
		{"Memorial Day runs Saturday service", n.Date(2026, 5, 25), []string{"SA"}},
		{"July 4th removed", n.Date(2026, 7, 4), nil},
		{"Sunday", n.Date(2026, 5, 31), nil},
		{"before the calendar", n.Date(2025, 12, 31), nil},
		{"first day", n.Date(2026, 1, 1), []string{"WK"}},
		{"last day", n.Date(2026, 12, 31), []string{"WK"}},
		{"civil date from another zone", time.Date(2026, 5, 30, 23, 0, 0, 0, time.UTC), []string{"SA"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, n.ServicesOn(tc.date))
		})
	}
}

// TestPastMidnight checks times past 24:00 and windows that cross
// midnight: a 24:30 departure of Friday's service leaves at 00:30 on
// Saturday.
func TestPastMidnight(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["trips.txt"] += "R1,WK,LATE\n"
	files["stop_times.txt"] += "LATE,23:50:00,23:50:00,S1,1\nLATE,24:30:00,24:30:00,S2,2\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	s2, _ := n.StopIndex("S2")
	fri, sat, sun := n.Date(2026, 5, 29), n.Date(2026, 5, 30), n.Date(2026, 5, 31)
	tests := []struct {
		name string
		w    transit.Window
		want int
	}{
		{"Friday service day, 24:00-25:00", transit.Window{Date: fri, Start: 24 * time.Hour, End: 25 * time.Hour}, 1},
		{"Saturday 00:00-01:00 sees Friday's 24:30", transit.Window{Date: sat, Start: 0, End: time.Hour}, 1},
		{"Sunday 00:00-01:00: no Saturday service", transit.Window{Date: sun, Start: 0, End: time.Hour}, 0},
		{"Friday 00:00-01:00: Thursday's 24:30", transit.Window{Date: fri, Start: 0, End: time.Hour}, 1},
		{"Friday 08:00-08:10, end exclusive", transit.Window{Date: fri, Start: 8 * time.Hour, End: 8*time.Hour + 10*time.Minute}, 0},
		{"Friday 08:10-08:11, start inclusive", transit.Window{Date: fri, Start: 8*time.Hour + 10*time.Minute, End: 8*time.Hour + 11*time.Minute}, 1},
		{"whole Friday service day", transit.Window{Date: fri, Start: 0, End: 48 * time.Hour}, 2 + 1},
		{"inverted window", transit.Window{Date: fri, Start: 9 * time.Hour, End: 8 * time.Hour}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, n.Departures(s2, tc.w))
		})
	}
	assert.Equal(t, []time.Duration{8*time.Hour + 10*time.Minute, 24*time.Hour + 30*time.Minute}, n.DepartureTimes(s2, fri))
	assert.Equal(t, 2, n.DeparturesOn(s2, fri))
}

// TestDaylightSavingWindow checks that windows use noon minus 12 h: on
// 2026-03-08 (clocks spring forward at 02:00 in New York) the service
// day starts at 23:00 the evening before, so a 24:30 departure of the
// 7th's service day leaves at 00:30 EST on the 8th, which is 01:30 in
// the 8th's service-day time.
func TestDaylightSavingWindow(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["calendar.txt"] = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
		"WK,1,1,1,1,1,1,1,20260101,20261231\n"
	files["trips.txt"] += "R1,WK,LATE\n"
	files["stop_times.txt"] += "LATE,23:50:00,23:50:00,S1,1\nLATE,24:30:00,24:30:00,S2,2\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	s2, _ := n.StopIndex("S2")
	sun := n.Date(2026, 3, 8)
	assert.Equal(t, 1, n.Departures(s2, transit.Window{Date: sun, Start: time.Hour + 29*time.Minute, End: time.Hour + 31*time.Minute}))
	assert.Equal(t, 0, n.Departures(s2, transit.Window{Date: sun, Start: 29 * time.Minute, End: 31 * time.Minute}))
}

func TestParentStations(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["stops.txt"] = "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n" +
		"ST,Central Station,35.0500,-85.3100,1,\n" +
		"S1,Platform A,35.0501,-85.3100,0,ST\n" +
		"E1,North Entrance,35.0502,-85.3100,2,ST\n" +
		"N1,Stairs,,,3,ST\n" +
		"S2,Two,35.06,-85.30,,\n"
	n, err := readFeed(files)
	require.NoError(t, err)
	st, ok := n.StopByID("ST")
	require.True(t, ok)
	assert.Equal(t, transit.LocationStation, st.LocationType)
	s1, _ := n.StopByID("S1")
	assert.Equal(t, "ST", s1.Parent)
	node, _ := n.StopByID("N1")
	assert.Equal(t, transit.LocationNode, node.LocationType)

	// Only boardable stops are offered for walking to.
	var near []string
	for i := range n.NearbyStops(st.Point, 100) {
		near = append(near, n.Stops()[i].ID)
	}
	assert.Equal(t, []string{"S1"}, near)

	// A platform's parent must be a station.
	files["stops.txt"] = strings.Replace(files["stops.txt"], "0,ST", "0,E1", 1)
	_, err = readFeed(files)
	assert.ErrorIs(t, err, transit.ErrUnknownParent)
}

func TestFolderInsideZipRoot(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for name, data := range minimalFeed() {
		fsys["feed/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	n, err := transit.ReadFS(context.Background(), fsys)
	require.NoError(t, err)
	assert.Equal(t, 2, n.Stats().Stops)
}

func TestCancelledLoad(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := minimalFeed()
	n, err := transit.ReadFS(ctx, toFS(files))
	assert.Nil(t, n)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// FuzzReadFS feeds arbitrary stop_times.txt content to the loader: it
// must never panic, and a network it returns must be consistent. A
// lenient load of the same feed must not panic either; it fails only
// when the strict load fails, and equals the strict load with nothing
// skipped when that succeeds.
func FuzzReadFS(f *testing.F) {
	f.Add(minimalFeed()["stop_times.txt"])
	f.Add("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\r\nT1,25:00:00,,S1,0,1\r\nT1,,,S2,1,\r\nT1,26:00:00,26:00:00,S1,2,\r\n")
	f.Add("trip_id,stop_id,stop_sequence,departure_time\n\"T1\",\"S1\",\"1\",\"999:59:59\"\n")
	f.Fuzz(func(t *testing.T, stopTimes string) {
		files := minimalFeed()
		files["stop_times.txt"] = stopTimes
		files["frequencies.txt"] = "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,07:00:00,600\n"
		n, err := readFeed(files)
		ln, skipped, lerr := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), toFS(files))
		if lerr != nil {
			require.Nil(t, ln)
			require.Error(t, err, "lenient refuses (%v) what strict loads", lerr)
		} else {
			require.NotNil(t, ln)
			require.LessOrEqual(t, len(skipped.Records), skipped.Total)
		}
		if err != nil {
			require.Nil(t, n)
			return
		}
		require.NoError(t, lerr)
		require.Zero(t, skipped.Total)
		require.Equal(t, n.Stats(), ln.Stats())
		total := 0
		for i := range n.Stops() {
			total += n.DeparturesOn(i, n.Date(2026, 3, 4))
		}
		require.LessOrEqual(t, total, n.Stats().Departures)
	})
}
