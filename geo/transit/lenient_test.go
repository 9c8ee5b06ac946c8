package transit_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

// plantedRow is one record of a test feed: ok rows load; a reported row
// is left out by a lenient load with a problem naming its line and ID; a
// follower row (the stop times of a trip left out in trips.txt) goes
// with its trip without a report of its own, as do the trips.txt rows of
// trips left out for a problem in their stop times.
type plantedRow struct {
	text string
	kind int // rowOK, rowReported, rowFollower
	id   string
}

const (
	rowOK = iota
	rowReported
	rowFollower
)

func ok(text string) plantedRow      { return plantedRow{text: text} }
func bad(id, text string) plantedRow { return plantedRow{text: text, kind: rowReported, id: id} }
func follows(text string) plantedRow { return plantedRow{text: text, kind: rowFollower} }
func render(header string, rows []plantedRow, keep func(plantedRow) bool) string {
	var b strings.Builder
	b.WriteString(header)
	for _, r := range rows {
		if keep(r) {
			b.WriteString(r.text + "\n")
		}
	}
	return b.String()
}

type plantedFile struct {
	header string
	rows   []plantedRow
}

// plantedFeed is a feed with bad rows of many kinds planted among good
// ones. Trip T5's times go backwards (found when the network is built):
// its rows are the reported one and followers.
func plantedFeed() map[string]plantedFile {
	return map[string]plantedFile{
		"agency.txt": {"agency_id,agency_name,agency_url,agency_timezone\n", []plantedRow{
			ok("A,Agency,http://example.org,America/New_York")}},
		"stops.txt": {"stop_id,stop_name,stop_lat,stop_lon\n", []plantedRow{
			ok("S1,One,35.05,-85.31"), ok("S2,Two,35.06,-85.30"), ok("S3,Three,35.07,-85.29"),
			bad("S4", "S4,Four,north,-85.28"),
			bad("S5", "S5,Five,-85.28,35.08"), // swapped in a U.S. zone
		}},
		"routes.txt": {"route_id,route_type\n", []plantedRow{
			ok("R1,3"), bad("R2", "R2,bus")}},
		"calendar.txt": {"service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n", []plantedRow{
			ok("WK,1,1,1,1,1,0,0,20260101,20261231"), bad("BAD", "BAD,1,1,1,1,1,0,0,2026-01-01,20261231")}},
		"calendar_dates.txt": {"service_id,date,exception_type\n", []plantedRow{
			ok("WK,20260704,2"), bad("WK", "WK,2026070,1")}},
		"trips.txt": {"route_id,service_id,trip_id\n", []plantedRow{
			ok("R1,WK,T1"), bad("T2", "R2,WK,T2"), bad("T3", "R1,BAD,T3"), follows("R1,WK,T4"),
			follows("R1,WK,T5"), ok("R1,WK,T6"), follows("R1,WK,T7"), ok("R1,WK,T8")}},
		"stop_times.txt": {"trip_id,arrival_time,departure_time,stop_id,stop_sequence\n", []plantedRow{
			ok("T1,08:00:00,08:00:00,S1,1"), ok("T1,08:10:00,08:10:00,S2,2"), ok("T1,08:20:00,08:20:00,S3,3"),
			follows("T2,09:00:00,09:00:00,S1,1"), follows("T2,09:10:00,09:10:00,S2,2"),
			follows("T3,09:00:00,09:00:00,S1,1"), follows("T3,09:10:00,09:10:00,S2,2"),
			follows("T4,10:00:00,10:00:00,S1,1"), bad("T4", "T4,10:10:00,10:10:00,S4,2"), follows("T4,10:20:00,10:20:00,S3,3"),
			follows("T5,11:00:00,11:00:00,S1,1"), bad("T5", "T5,10:50:00,10:50:00,S2,2"),
			ok("T6,12:00:00,12:00:00,S3,1"), ok("T6,12:10:00,12:10:00,S1,2"),
			follows("T7,13:00:00,13:00:00,S1,1"), bad("T7", "T7,13:x0:00,13:10:00,S2,2"),
			bad("T99", "T99,14:00:00,14:00:00,S1,1"),
			ok("T8,15:00:00,15:00:00,S2,1"), ok("T8,15:10:00,15:10:00,S3,2"),
			follows("T5,11:20:00,11:20:00,S3,3"),
		}},
		"transfers.txt": {"from_stop_id,to_stop_id,transfer_type,min_transfer_time\n", []plantedRow{
			ok("S1,S2,2,120"), bad("S4", "S1,S4,2,120")}}, // ID: the stop it lacks
	}
}

type skippedAt struct {
	file string
	line int
	id   string
}

// TestLenientLoad loads the planted feed leniently and checks (1) the
// records left out are exactly the planted ones, by file, line and ID,
// and (2) the network equals a strict load of the feed with the planted
// rows (and their followers) removed by hand — a second way to the same
// network. A strict load of the planted feed is refused.
func TestLenientLoad(t *testing.T) {
	t.Parallel()
	feed := plantedFeed()
	files := map[string]string{}
	clean := map[string]string{}
	var want []skippedAt
	for name, f := range feed {
		files[name] = render(f.header, f.rows, func(plantedRow) bool { return true })
		clean[name] = render(f.header, f.rows, func(r plantedRow) bool { return r.kind == rowOK })
		for i, r := range f.rows {
			if r.kind == rowReported {
				want = append(want, skippedAt{name, i + 2, r.id})
			}
		}
	}

	_, err := readFeed(files)
	require.Error(t, err, "strict mode refuses the planted feed")

	n, skipped, err := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), toFS(files))
	require.NoError(t, err)
	require.NotNil(t, n)
	var got []skippedAt
	for _, fe := range skipped.Records {
		got = append(got, skippedAt{fe.File, fe.Line, fe.ID})
	}
	less := func(s []skippedAt) func(i, j int) bool {
		return func(i, j int) bool { return fmt.Sprint(s[i]) < fmt.Sprint(s[j]) }
	}
	sort.Slice(got, less(got))
	sort.Slice(want, less(want))
	assert.Equal(t, want, got, "records left out")
	assert.Equal(t, len(want), skipped.Total)
	for _, fe := range skipped.Records {
		assert.NotNil(t, fe.Err, "%v", fe)
	}

	ref, err := readFeed(clean)
	require.NoError(t, err, "the feed without the planted rows loads strictly")
	assert.Equal(t, ref.Stats(), n.Stats())
	assert.Equal(t, 3, n.Stats().Trips, "T1, T6 and T8 load")
	day := n.Date(2026, 3, 4)
	for i, s := range ref.Stops() {
		j, found := n.StopIndex(s.ID)
		require.True(t, found, s.ID)
		assert.Equal(t, ref.DepartureTimes(i, day), n.DepartureTimes(j, day), "departures at %s", s.ID)
	}
}

// TestLenientKeepsFatalProblems checks that problems no record can be
// left out for still refuse the feed in lenient mode.
func TestLenientKeepsFatalProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(map[string]string)
		want   error
	}{
		{"missing file", func(f map[string]string) { delete(f, "stops.txt") }, transit.ErrMissingFile},
		{"unterminated quote", func(f map[string]string) {
			f["stops.txt"] = strings.Replace(f["stops.txt"], "S2,Two", "S2,\"Two", 1)
		}, transit.ErrCSV},
		{"bad time zone", func(f map[string]string) {
			f["agency.txt"] = strings.Replace(f["agency.txt"], "America/New_York", "Mars/Olympus", 1)
		}, transit.ErrBadTimeZone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := minimalFeed()
			tc.change(files)
			n, skipped, err := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), toFS(files))
			assert.Nil(t, n)
			assert.ErrorIs(t, err, tc.want)
			assert.Zero(t, skipped.Total)
		})
	}
}

// TestStrictOptionsMatchReadFS checks the zero LoadOptions is ReadFS.
func TestStrictOptionsMatchReadFS(t *testing.T) {
	t.Parallel()
	n, skipped, err := transit.LoadOptions{}.ReadFS(context.Background(), toFS(minimalFeed()))
	require.NoError(t, err)
	assert.Zero(t, skipped.Total)
	ref, err := readFeed(minimalFeed())
	require.NoError(t, err)
	assert.Equal(t, ref.Stats(), n.Stats())
}

// TestLenientTripsAndFrequencies checks the trip rules of lenient loading
// on the minimal feed plus trips T2 and T3: a repeated trip_id leaves out
// both trips of that ID, a bad frequencies row leaves out its trip, and
// a frequencies row of an unknown trip is left out alone. Counted by
// hand: of T1, T1', T2 and T3 only T3 remains, with its 2 stop times.
func TestLenientTripsAndFrequencies(t *testing.T) {
	t.Parallel()
	files := minimalFeed()
	files["trips.txt"] = "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR1,WK,T3\nR1,WK,T1\n"
	files["stop_times.txt"] += "T2,09:00:00,09:00:00,S1,1\nT2,09:10:00,09:10:00,S2,2\n" +
		"T3,10:00:00,10:00:00,S1,1\nT3,10:10:00,10:10:00,S2,2\n"
	files["frequencies.txt"] = "trip_id,start_time,end_time,headway_secs\nT2,06:00:00,07:00:00,0\nT42,06:00:00,07:00:00,600\n"
	n, skipped, err := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), toFS(files))
	require.NoError(t, err)
	var got []skippedAt
	for _, fe := range skipped.Records {
		got = append(got, skippedAt{fe.File, fe.Line, fe.ID})
	}
	assert.Equal(t, []skippedAt{
		{"trips.txt", 5, "T1"},
		{"frequencies.txt", 2, "T2"},
		{"frequencies.txt", 3, "T42"},
	}, got)
	st := n.Stats()
	assert.Equal(t, 1, st.Trips)
	assert.Equal(t, 2, st.StopTimes)
	s1, ok := n.StopIndex("S1")
	require.True(t, ok)
	assert.Equal(t, []time.Duration{10 * time.Hour}, n.DepartureTimes(s1, n.Date(2026, 3, 4)))
}
