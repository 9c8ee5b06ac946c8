package transit_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// TestMalformedFeedsHardening adds the malformed feeds of issue 14 and
// more record checks to TestMalformedFeeds: each case changes one file of
// the minimal feed and must be refused with the sentinel, file, line and
// field written here by hand.
func TestMalformedFeedsHardening(t *testing.T) {
	t.Parallel()
	set := func(name, data string) func(map[string]string) {
		return func(f map[string]string) { f[name] = data }
	}
	replace := func(name, old, new string) func(map[string]string) {
		return func(f map[string]string) {
			if !strings.Contains(f[name], old) {
				panic(fmt.Sprintf("%s lacks %q", name, old))
			}
			f[name] = strings.Replace(f[name], old, new, 1)
		}
	}
	const stHeader = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n"
	big := strings.Repeat("x", transit.MaxRecordBytes+10)
	tests := []struct {
		name   string
		change func(map[string]string)
		want   error
		file   string
		line   int
		column int
		field  string
	}{
		{"times go backwards along a trip", replace("stop_times.txt", "08:10:00,08:10:00,S2", "07:50:00,07:50:00,S2"),
			transit.ErrBadTime, "stop_times.txt", 3, 0, "arrival_time"},
		{"times go backwards past an untimed stop", set("stop_times.txt", stHeader+
			"T1,08:00:00,08:05:00,S1,1,\nT1,,,S2,2,\nT1,08:01:00,08:01:00,S1,3,\n"),
			transit.ErrBadTime, "stop_times.txt", 4, 0, "arrival_time"},
		{"swapped coordinates in a U.S. zone", replace("stops.txt", "35.05,-85.31", "-85.31,35.05"),
			geo.ErrLikelySwapped, "stops.txt", 2, 0, "stop_lat"},
		{"quoted field never closed, past the record bound", set("stops.txt",
			"stop_id,stop_name,stop_lat,stop_lon\nS1,One,35.05,-85.31\nS2,\"Two\n"+strings.Repeat("abc,\n", transit.MaxRecordBytes/5+10)),
			transit.ErrTooLarge, "stops.txt", 3, 4, ""},
		{"unquoted line past the record bound", set("stops.txt",
			"stop_id,stop_name,stop_lat,stop_lon\nS1,One,35.05,-85.31\nS2,Two"+big+",35.06,-85.30\n"),
			transit.ErrTooLarge, "stops.txt", 3, 1, ""},
		{"too many fields", set("stops.txt",
			"stop_id,stop_name,stop_lat,stop_lon\nS1,One,35.05,-85.31"+strings.Repeat(",", transit.MaxFields)+"\n"),
			// Field 4,097 starts after the 3 commas of the record and 4,093 more.
			transit.ErrTooLarge, "stops.txt", 2, len("S1,One,35.05,-85.31") + transit.MaxFields - 3 + 1, ""},
		{"too many blank lines", set("routes.txt",
			"route_id,route_type\nR1,3\n"+strings.Repeat("\r\n", transit.MaxBlankLines+1)),
			transit.ErrTooLarge, "routes.txt", transit.MaxBlankLines + 3, 1, ""},
		{"start date before 1900", replace("calendar.txt", "20260101", "18991231"),
			transit.ErrBadDate, "calendar.txt", 2, 0, "start_date"},
		{"exception date after 2200", set("calendar_dates.txt", "service_id,date,exception_type\nWK,22010101,1\n"),
			transit.ErrBadDate, "calendar_dates.txt", 2, 0, "date"},
		{"calendar ends before it starts", replace("calendar.txt", "20261231", "20251231"),
			transit.ErrBadDate, "calendar.txt", 2, 0, "end_date"},
		{"duplicate calendar service", set("calendar.txt", minimalFeed()["calendar.txt"]+"WK,1,1,1,1,1,1,1,20260101,20261231\n"),
			transit.ErrDuplicate, "calendar.txt", 3, 0, "service_id"},
		{"exception without service_id", set("calendar_dates.txt", "service_id,date,exception_type\n,20260704,2\n"),
			transit.ErrMissingValue, "calendar_dates.txt", 2, 0, "service_id"},
		{"duplicate trip_id", set("trips.txt", "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T1\n"),
			transit.ErrDuplicate, "trips.txt", 3, 0, "trip_id"},
		{"duplicate route_id", set("routes.txt", "route_id,route_type\nR1,3\nR1,3\n"),
			transit.ErrDuplicate, "routes.txt", 3, 0, "route_id"},
		{"empty route_type", set("routes.txt", "route_id,route_type\nR1,\n"),
			transit.ErrMissingValue, "routes.txt", 2, 0, "route_type"},
		{"route_type not a number", set("routes.txt", "route_id,route_type\nR1,bus\n"),
			transit.ErrBadNumber, "routes.txt", 2, 0, "route_type"},
		{"stop_sequence not a number", replace("stop_times.txt", ",S2,2", ",S2,two"),
			transit.ErrBadNumber, "stop_times.txt", 3, 0, "stop_sequence"},
		{"bad pickup_type", set("stop_times.txt", stHeader+"T1,08:00:00,08:00:00,S1,1,4\nT1,08:10:00,08:10:00,S2,2,\n"),
			transit.ErrBadValue, "stop_times.txt", 2, 0, "pickup_type"},
		{"last stop without a time", replace("stop_times.txt", "08:10:00,08:10:00", ","),
			transit.ErrMissingValue, "stop_times.txt", 3, 0, "departure_time"},
		{"empty stop_id in stop_times", replace("stop_times.txt", ",S2,2", ",,2"),
			transit.ErrMissingValue, "stop_times.txt", 3, 0, "stop_id"},
		{"location_type out of range", replace("stops.txt", "S2,Two,35.06,-85.30,,", "S2,Two,35.06,-85.30,9,"),
			transit.ErrBadValue, "stops.txt", 3, 0, "location_type"},
		{"entrance without a parent station", set("stops.txt", minimalFeed()["stops.txt"]+"S3,Door,35.06,-85.30,2,\n"),
			transit.ErrMissingValue, "stops.txt", 4, 0, "parent_station"},
		{"agency without a time zone", replace("agency.txt", "America/New_York", ""),
			transit.ErrMissingValue, "agency.txt", 2, 0, "agency_timezone"},
		{"agencies disagree on the zone", set("agency.txt", minimalFeed()["agency.txt"]+"B,Other,http://example.org,America/Chicago\n"),
			transit.ErrBadTimeZone, "agency.txt", 3, 0, "agency_timezone"},
		{"malformed frequency end_time", set("frequencies.txt", "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,9h,600\n"),
			transit.ErrBadTime, "frequencies.txt", 2, 0, "end_time"},
		{"headway over a day", set("frequencies.txt", "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,09:00:00,99999999\n"),
			transit.ErrBadValue, "frequencies.txt", 2, 0, "headway_secs"},
		{"empty stops.txt", set("stops.txt", ""),
			transit.ErrMissingColumn, "stops.txt", 1, 0, ""},
		{"stop_lon missing", replace("stops.txt", "35.06,-85.30", "35.06,"),
			transit.ErrMissingValue, "stops.txt", 3, 0, "stop_lon"},
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
			assert.Equal(t, tc.column, fe.Column, "column in %v", err)
			assert.Equal(t, tc.field, fe.Field, "field in %v", err)
			assert.Less(t, len(err.Error()), 4096, "an error must not quote a whole oversized field")
		})
	}
}

// TestSwappedCoordinatesOutsideAmericas checks that the swapped-point rule
// holds only for America/* zones: (lat -85.31, lon 35.05) is a real place
// for a feed in another zone and loads.
func TestSwappedCoordinatesOutsideAmericas(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["agency.txt"] = strings.Replace(files["agency.txt"], "America/New_York", "Europe/Paris", 1)
	files["stops.txt"] = strings.Replace(files["stops.txt"], "35.05,-85.31", "-85.31,35.05", 1)
	n, err := readFeed(files)
	require.NoError(t, err)
	s, ok := n.StopByID("S1")
	require.True(t, ok)
	assert.Equal(t, 35.05, s.Point.Lon())
	assert.Equal(t, -85.31, s.Point.Lat())
}

func TestLoadNotAZip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "feed.zip")
	require.NoError(t, os.WriteFile(path, []byte("stop_id,stop_name\nS1,One\n"), 0o600))
	n, err := transit.Load(context.Background(), path)
	assert.Nil(t, n)
	require.ErrorIs(t, err, transit.ErrNotFeed)
	var fe *transit.FeedError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, path, fe.File)
	assert.Contains(t, err.Error(), path)
}

// zipWith returns a zip of the minimal feed with file name replaced by a
// header and then n bytes written in chunks of fill.
func zipWith(t *testing.T, name, header string, fill []byte, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for k, v := range minimalFeed() {
		if k == name {
			continue
		}
		w, err := zw.Create(k)
		require.NoError(t, err)
		_, err = w.Write([]byte(v))
		require.NoError(t, err)
	}
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = w.Write([]byte(header))
	require.NoError(t, err)
	for written := 0; written < n; written += len(fill) {
		_, err = w.Write(fill)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// allocatedBy returns the bytes allocated while fn runs: an upper bound
// on the peak heap fn adds. The test calling it must not be parallel.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileZipsBounded loads zips that expand to far more than the
// bounds allow (a quote never closed, a flood of blank lines, one endless
// line) and checks that each is refused with ErrTooLarge while allocating
// at most 10× the zip plus a fixed 16 MB, in time that does not grow with
// what the zip expands to. Not parallel: it measures the process's heap.
func TestHostileZipsBounded(t *testing.T) {
	const expanded = 64 << 20 // bytes each zip expands to
	const fixed = 16 << 20
	tests := []struct {
		name, file, header string
		fill               []byte
	}{
		{"unterminated quote", "stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nS1,\"", bytes.Repeat([]byte("abc,\n"), 4096)},
		{"blank lines", "stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n", bytes.Repeat([]byte("\n"), 1<<16)},
		{"one endless line", "routes.txt", "route_id,route_type\nR1,", bytes.Repeat([]byte("y"), 1<<16)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := zipWith(t, tc.file, tc.header, tc.fill, expanded)
			var err error
			var elapsed time.Duration
			alloc := allocatedBy(func() {
				start := time.Now()
				_, err = transit.ReadZip(context.Background(), bytes.NewReader(data), int64(len(data)))
				elapsed = time.Since(start)
			})
			require.ErrorIs(t, err, transit.ErrTooLarge)
			var fe *transit.FeedError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.file, fe.File)
			assert.Positive(t, fe.Line)
			assert.LessOrEqual(t, alloc, uint64(10*len(data)+fixed), "zip of %d bytes expanding to %d", len(data), expanded)
			// Refused after the bound, not after the whole expansion: a
			// full read of 64 MB would not be under a second on any
			// machine this runs on under load, while the bound is a few MB.
			assert.Less(t, elapsed, 5*time.Second)
			t.Logf("zip %d bytes: allocated %d bytes in %v", len(data), alloc, elapsed)
		})
	}
}

// TestWideCalendarIsFast loads the calendar of issue 14 (one service in
// 1900, 20,000 in 2200) and asks for the busiest week, which once took
// O(days × services) — 16 s. The busiest week must be the one with the
// 2200 trips, found by hand: 2200-06-02 is a Monday.
func TestWideCalendarIsFast(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	var cal strings.Builder
	cal.WriteString("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n")
	cal.WriteString("WK,1,1,1,1,1,0,0,19000101,19000105\n")
	for i := range 20000 {
		fmt.Fprintf(&cal, "F%d,1,1,1,1,1,1,1,22000602,22000608\n", i)
	}
	files["calendar.txt"] = cal.String()
	var trips, st strings.Builder
	trips.WriteString("route_id,service_id,trip_id\nR1,WK,T1\n")
	st.WriteString(minimalFeed()["stop_times.txt"])
	for i := range 3 {
		fmt.Fprintf(&trips, "R1,F%d,U%d\n", i, i)
		fmt.Fprintf(&st, "U%d,09:00:00,09:00:00,S1,1\nU%d,09:10:00,09:10:00,S2,2\n", i, i)
	}
	files["trips.txt"], files["stop_times.txt"] = trips.String(), st.String()
	start := time.Now()
	n, err := readFeed(files)
	require.NoError(t, err)
	wk := n.BusiestWeek()
	elapsed := time.Since(start)
	assert.Equal(t, "2200-06-02", wk.Format(time.DateOnly))
	// The typical week too: the 1900 week's one trip a weekday ties the
	// 2200 week's three on each weekday, and ties go to more service.
	start2 := time.Now()
	assert.Equal(t, "2200-06-02", n.TypicalWeek().Format(time.DateOnly))
	assert.Less(t, time.Since(start2), 5*time.Second)
	st2 := n.Stats()
	assert.Equal(t, "1900-01-01", st2.First.Format(time.DateOnly))
	assert.Equal(t, "2200-06-08", st2.Last.Format(time.DateOnly))
	assert.Less(t, elapsed, 5*time.Second)
}

var _ = fstest.MapFS{}
