package transit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/csa"
)

// stationFeed is a station ST with two platforms, P1 and P2 (0.0009° =
// 100 m apart: a 108 s walk), a bus stop BUS 0.0016° of longitude west
// of P1 (146 m: 158 s) and another, BUS2, 0.006° west (547 m, 711 m of
// walking: beyond the 400 m transfer walk). A train reaches P1 at 08:00;
// trains leave P2 at 08:04 and 08:10 for D (08:20, 08:26), buses leave BUS
// at 08:05 and 08:30 for E (08:25, 08:50) and BUS2 at 08:12 for F (08:30).
// Subway and rail feeds often write their transfer rules between stations
// rather than platforms.
func stationFeed(transfers string) map[string]string {
	return map[string]string{
		"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Agency,http://example.org,America/New_York\n",
		"stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n" +
			"ST,Central,35.0000,-85.3000,1,\n" +
			"P1,Central northbound,35.0000,-85.3000,0,ST\n" +
			"P2,Central southbound,35.0009,-85.3000,0,ST\n" +
			"BUS,Central bus bay,35.0000,-85.3016,,\n" +
			"BUS2,Market St,35.0000,-85.3060,,\n" +
			"A,Airport,35.1000,-85.3000,,\n" +
			"D,Downtown,34.9000,-85.3000,,\n" +
			"E,East,35.0000,-85.2000,,\n" +
			"F,Fairground,35.0000,-85.4000,,\n",
		"routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,Red,1\nR2,A,Blue,1\nR3,A,3,3\nR4,A,4,3\n",
		"trips.txt":  "route_id,service_id,trip_id\nR1,WK,T1\nR2,WK,T2\nR2,WK,T3\nR3,WK,T4\nR3,WK,T5\nR4,WK,T6\n",
		"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" +
			"T1,07:50:00,07:50:00,A,1\nT1,08:00:00,08:00:00,P1,2\n" +
			"T2,08:04:00,08:04:00,P2,1\nT2,08:20:00,08:20:00,D,2\n" +
			"T3,08:10:00,08:10:00,P2,1\nT3,08:26:00,08:26:00,D,2\n" +
			"T4,08:05:00,08:05:00,BUS,1\nT4,08:25:00,08:25:00,E,2\n" +
			"T5,08:30:00,08:30:00,BUS,1\nT5,08:50:00,08:50:00,E,2\n" +
			"T6,08:12:00,08:12:00,BUS2,1\nT6,08:30:00,08:30:00,F,2\n",
		"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
			"WK,1,1,1,1,1,0,0,20260101,20261231\n",
		"transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n" + transfers,
	}
}

// TestStationTransferRules checks that a transfers.txt rule naming a
// station applies to each of its platforms, that a rule naming the
// platforms themselves overrides it wherever it sits in the file, and
// that rules keep their direction, against times worked out by hand
// (the default transfer is the walk plus 1 min) and the Connection Scan
// oracle, which expands stations on its own. Leaving from A at 07:45 on
// Monday 1 June 2026.
func TestStationTransferRules(t *testing.T) {
	t.Parallel()
	const none = ""
	tests := []struct {
		name      string
		transfers string
		d, e, f   string // arrival day and clock at D, E and F; none when unreached
	}{
		// P1→P2: 108 s + 60 s, at 08:02:48, catches 08:04; P1→BUS: 158 s
		// + 60 s, at 08:03:38, catches 08:05; BUS2 is too far.
		{"no rules", "", "Mon 08:20", "Mon 08:25", none},
		// 5 min between any two platforms of the station: 08:05 misses
		// the 08:04 train.
		{"minimum time within a station", "ST,ST,2,300\n", "Mon 08:26", "Mon 08:25", none},
		// A timed transfer from P1 to P2 (the walk alone) beats the
		// station's rule, though the station's comes later in the file.
		{"a platform rule beats its station's", "P1,P2,1,\nST,ST,2,300\n", "Mon 08:20", "Mon 08:25", none},
		// No change from the station's platforms to the bus bay, but the
		// other way round is allowed.
		{"forbidden from a station to a stop", "ST,BUS,3,\n", "Mon 08:20", none, none},
		{"a rule keeps its direction", "BUS,ST,3,\n", "Mon 08:20", "Mon 08:25", none},
		// A rule makes BUS2 a transfer point beyond the transfer walk:
		// 592 s + 60 s from P1, at 08:10:52, catches 08:12.
		{"a station rule to a far stop", "ST,BUS2,0,\n", "Mon 08:20", "Mon 08:25", "Mon 08:30"},
		// 13 min from either platform: at 08:13 the 08:12 bus has left,
		// and the next is Tuesday's.
		{"minimum time from a station to a far stop", "ST,BUS2,2,780\n", "Mon 08:20", "Mon 08:25", "Tue 08:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := stationFeed(tc.transfers)
			n, err := readFeed(files)
			require.NoError(t, err)
			r, err := transit.NewRouter(n, transit.RouterOptions{})
			require.NoError(t, err)
			oracle, err := csa.ReadFS(toFS(files), oracleOptions)
			require.NoError(t, err)
			day := oracle.Day(2026, time.June, 1)
			a, _ := n.StopIndex("A")
			at := n.Date(2026, time.June, 1).Add(hm(7, 45))
			arr, err := r.DepartFrom(context.Background(), []transit.StopWalk{{Stop: a}}, at)
			require.NoError(t, err)
			want := day.Run([][2]int32{{int32(a), 0}}, int32(hm(7, 45)/time.Second))
			for _, c := range []struct{ stop, clock string }{{"D", tc.d}, {"E", tc.e}, {"F", tc.f}} {
				i, _ := n.StopIndex(c.stop)
				got, ok := arr.Stop(i)
				clock := none
				if ok {
					clock = at.Add(got).Format("Mon 15:04")
				}
				assert.Equal(t, c.clock, clock, "router, arrival at %s", c.stop)
				oracleClock := none
				if want[i] != csa.Inf {
					oracleClock = day.Start.Add(time.Duration(want[i]) * time.Second).Format("Mon 15:04")
				}
				assert.Equal(t, c.clock, oracleClock, "oracle, arrival at %s", c.stop)
			}
		})
	}
}

// TestCallsAtStations: a stop_times row at a station, entrance, node or
// boarding area names a place no rider boards or alights at, and no
// route would be found through it; a strict load refuses the feed
// naming the row, a lenient one leaves out that trip alone, and the
// Builder refuses such a trip.
func TestCallsAtStations(t *testing.T) {
	t.Parallel()
	files := stationFeed("")
	files["stops.txt"] += "DOOR,Central entrance,35.0001,-85.3001,2,ST\n"
	files["stop_times.txt"] = strings.Replace(files["stop_times.txt"], "T2,08:04:00,08:04:00,P2,1", "T2,08:04:00,08:04:00,ST,1", 1)
	files["stop_times.txt"] = strings.Replace(files["stop_times.txt"], "T4,08:25:00,08:25:00,E,2", "T4,08:25:00,08:25:00,DOOR,2", 1)

	_, err := readFeed(files)
	require.Error(t, err)
	assert.ErrorIs(t, err, transit.ErrBadValue)
	var fe *transit.FeedError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, transit.FeedError{File: "stop_times.txt", Line: 4, Field: "stop_id", ID: "T2"}, transit.FeedError{File: fe.File, Line: fe.Line, Field: fe.Field, ID: fe.ID})
	assert.Contains(t, err.Error(), `"ST" is a station (location_type 1)`)
	assert.Contains(t, err.Error(), `stop_times.txt:9: record "T4": stop_id: invalid value: "DOOR" is an entrance (location_type 2)`)

	n, skipped, err := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), toFS(files))
	require.NoError(t, err)
	require.Equal(t, 2, skipped.Total)
	assert.Equal(t, []string{"T2", "T4"}, []string{skipped.Records[0].ID, skipped.Records[1].ID})
	assert.Equal(t, 4, n.Stats().Trips, "the other trips load")

	b := transit.NewBuilder(time.UTC)
	require.NoError(t, b.AddAgency(transit.Agency{ID: "a", Name: "A", Timezone: "UTC"}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "ST", Name: "Central", LocationType: transit.LocationStation, Point: orb.Point{-85.3, 35}}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "P1", Name: "Platform", Parent: "ST", Point: orb.Point{-85.3, 35}}))
	require.NoError(t, b.AddRoute(transit.Route{ID: "R", Type: 1}))
	require.NoError(t, b.AddCalendar("WK", transit.Calendar{Weekdays: [7]bool{time.Monday: true}, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}))
	err = b.AddTrip(transit.Trip{ID: "T", Route: "R", Service: "WK", StopTimes: []transit.StopTime{{Stop: "P1", Departure: hm(8, 0)}, {Stop: "ST", Departure: hm(8, 5)}}})
	assert.ErrorIs(t, err, transit.ErrBadValue)
	assert.ErrorContains(t, err, `"ST" is a station`)
}
