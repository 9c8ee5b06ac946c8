package transit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/csa"
)

// blockCall is one stop time of a block test trip.
type blockCall struct {
	stop         string
	at           time.Duration
	noPick, noDr bool
}

func (l *line) blockTrip(t *testing.T, id, route, svc, block string, calls ...blockCall) {
	tr := transit.Trip{ID: id, Route: route, Service: svc, Block: block, Headsign: "to " + calls[len(calls)-1].stop}
	for _, c := range calls {
		tr.StopTimes = append(tr.StopTimes, transit.StopTime{Stop: c.stop, Departure: c.at, NoPickup: c.noPick, NoDropOff: c.noDr})
	}
	require.NoError(t, l.b.AddTrip(tr))
}

// TestStayOnBoard checks riders staying on as a vehicle continues as the
// next trip of its block, on the line network: R1 A 8:00 → B 8:10, R2
// B 8:10 → C 8:20 (0-minute layover), R3 C 8:20 → D 8:30, and later
// buses R2 B 8:30 → C 8:40 and R3 C 8:45 → D 8:50 outside any block.
// Changing buses takes the 1-minute slack, so a rider who must change
// misses each 0-minute connection; times are worked by hand.
func TestStayOnBoard(t *testing.T) {
	type blk struct{ svc2, block2, block3 string }
	tcs := []struct {
		name      string
		blk       blk
		dep2      time.Duration // R2's first departure from B
		junction  bool          // R1 lets nobody off at B, R2 nobody on
		to        string
		arrive    time.Duration
		rides     int
		stayOn    []string // routes of the legs stayed on for, in order
		conts     int      // Stats.Continuations
		transfers int
	}{
		{name: "block of three", blk: blk{"ALL", "X", "X"}, dep2: hm(8, 10), to: "D", arrive: hm(8, 30), rides: 1, stayOn: []string{"R2", "R3"}, conts: 2},
		{name: "without block_id the later buses", blk: blk{"ALL", "", ""}, dep2: hm(8, 10), to: "D", arrive: hm(8, 50), rides: 3, transfers: 2},
		{name: "block of two", blk: blk{"ALL", "X", ""}, dep2: hm(8, 10), to: "C", arrive: hm(8, 20), rides: 1, stayOn: []string{"R2"}, conts: 1},
		{name: "block of two, then a change", blk: blk{"ALL", "X", ""}, dep2: hm(8, 10), to: "D", arrive: hm(8, 50), rides: 2, stayOn: []string{"R2"}, conts: 1, transfers: 1},
		{name: "without block_id to C", blk: blk{"ALL", "", ""}, dep2: hm(8, 10), to: "C", arrive: hm(8, 40), rides: 2, transfers: 1},
		{name: "next trip of another service", blk: blk{"MON", "X", ""}, dep2: hm(8, 10), to: "C", arrive: hm(8, 40), rides: 2, transfers: 1},
		{name: "next trip leaves before the arrival", blk: blk{"ALL", "X", ""}, dep2: hm(8, 9), to: "C", arrive: hm(8, 40), rides: 2, transfers: 1},
		{name: "no drop-off, no pickup at the junction", blk: blk{"ALL", "X", ""}, dep2: hm(8, 10), junction: true, to: "C", arrive: hm(8, 20), rides: 1, stayOn: []string{"R2"}, conts: 1},
	}
	monday := time.Date(2026, 1, 5, 7, 59, 0, 0, time.UTC) // "MON" runs too
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			l := newLine(t)
			l.blockTrip(t, "r1", "R1", "ALL", "X", blockCall{stop: "A", at: hm(8, 0)}, blockCall{stop: "B", at: hm(8, 10), noDr: tc.junction})
			l.blockTrip(t, "r2a", "R2", tc.blk.svc2, tc.blk.block2, blockCall{stop: "B", at: tc.dep2, noPick: tc.junction}, blockCall{stop: "C", at: hm(8, 20)})
			l.blockTrip(t, "r3a", "R3", "ALL", tc.blk.block3, blockCall{stop: "C", at: hm(8, 20)}, blockCall{stop: "D", at: hm(8, 30)})
			l.blockTrip(t, "r2b", "R2", "ALL", "", blockCall{stop: "B", at: hm(8, 30)}, blockCall{stop: "C", at: hm(8, 40)})
			l.blockTrip(t, "r3b", "R3", "ALL", "", blockCall{stop: "C", at: hm(8, 45)}, blockCall{stop: "D", at: hm(8, 50)})
			n, err := l.b.Build()
			require.NoError(t, err)
			assert.Equal(t, tc.conts, n.Stats().Continuations)
			r, err := transit.NewRouter(n, transit.RouterOptions{})
			require.NoError(t, err)
			a, err := r.Depart(context.Background(), l.stop["A"], monday)
			require.NoError(t, err)
			d, ok := a.To(l.stop[tc.to])
			require.True(t, ok)
			assert.Equal(t, tc.arrive-hm(7, 59), d, "travel time from 7:59")
			j, ok := a.Journey(l.stop[tc.to])
			require.True(t, ok)
			assert.Equal(t, monday.Add(d), j.Arrive)
			assert.Equal(t, tc.rides, j.Rides(), "legs %+v", j.Legs)
			var stayOn []string
			transfers := 0
			for i, leg := range j.Legs {
				switch {
				case leg.Kind == transit.LegTransfer:
					transfers++
				case leg.StayOn:
					stayOn = append(stayOn, leg.Route)
					prev := j.Legs[i-1]
					assert.Equal(t, transit.LegRide, prev.Kind, "a ride stayed on for follows a ride")
					assert.Equal(t, prev.ToStop, leg.FromStop)
					assert.False(t, leg.Depart.Before(prev.Arrive))
				}
				if i > 0 {
					assert.False(t, leg.Depart.Before(j.Legs[i-1].Arrive), "legs in order: %+v", j.Legs)
				}
			}
			assert.Equal(t, tc.stayOn, stayOn)
			assert.Equal(t, tc.transfers, transfers)
		})
	}
}

// TestStayOnBoardCARTA checks continuations on CARTA, where every trip has
// a block_id, against the oracle of internal/csa: the router with the
// default 4 rides and with 2 agrees with the oracle reading block_id, and
// where the oracle ignoring block_id arrives later the journey stays on
// board. Four queries the oracle found faster by staying on are always
// run (e.g. route 10A going on as 10G at 21:55 on a Wednesday evening,
// 48 min earlier than changing); random ones on three dates, a quarter
// after 22:00, count how many queries blocks change.
func TestStayOnBoardCARTA(t *testing.T) {
	r4, with := cartaRouting(t)
	n := r4.Network()
	// Counted from the feed's files by a separate script (Python's csv):
	// pairs of trips of one block and service, consecutive by first
	// departure, the second leaving the first's last stop no earlier
	// than it arrives.
	assert.Equal(t, 1567, n.Stats().Continuations)
	r2, err := transit.NewRouter(n, transit.RouterOptions{MaxTransfers: 1})
	require.NoError(t, err)
	opts := oracleOptions
	opts.IgnoreBlocks = true
	without, err := csa.Read(demo.CARTAFeed(), opts)
	require.NoError(t, err)
	opts.IgnoreBlocks, opts.MaxRides = false, 2
	with2, err := csa.Read(demo.CARTAFeed(), opts)
	require.NoError(t, err)

	type query struct {
		d        oracleDate
		secs     int32
		from, to orb.Point
		faster   bool // known to arrive earlier staying on
	}
	wed, sat := cartaDates[2], cartaDates[3]
	qs := []query{
		{wed, 74381, orb.Point{-85.31344118443259, 35.04942851351277}, orb.Point{-85.25325232698569, 35.04827073878303}, true},
		{wed, 81872, orb.Point{-85.31567578840584, 35.04484401750691}, orb.Point{-85.27472491938295, 35.03150830656348}, true},
		{wed, 71578, orb.Point{-85.27012681068621, 35.05387063340834}, orb.Point{-85.3067171722058, 34.990774720338266}, true},
		{sat, 79752, orb.Point{-85.25379454060479, 35.05092795076704}, orb.Point{-85.31119287802466, 34.98428354966459}, true},
	}
	perDate, dates := 250, []oracleDate{wed, sat, cartaDates[7]}
	if testing.Short() || raceEnabled {
		perDate, dates = 40, dates[:2]
	}
	rng := rand.New(rand.NewPCG(5, 2026))
	stops := n.Stops()
	for _, d := range dates {
		for q := range perDate {
			secs := int32(5*3600 + rng.IntN(19*3600))
			if q%4 == 0 {
				secs = int32(22*3600 + rng.IntN(3*3600)) // late, past midnight
			}
			qs = append(qs, query{d: d, secs: secs, from: randomPlace(rng, stops), to: randomPlace(rng, stops)})
		}
	}
	type days struct{ with, without, with2 *csa.Day }
	byDate := map[oracleDate]days{}
	changed := 0
	for _, q := range qs {
		dd, ok := byDate[q.d]
		if !ok {
			dd = days{with.Day(q.d.y, q.d.m, q.d.d), without.Day(q.d.y, q.d.m, q.d.d), with2.Day(q.d.y, q.d.m, q.d.d)}
			byDate[q.d] = dd
		}
		at := dd.with.Start.Add(time.Duration(q.secs) * time.Second)
		msg := fmt.Sprintf("%s %v from %v to %v", q.d.name, at, q.from, q.to)
		want2 := dd.with2.To(q.from, q.to, q.secs)
		a2, err := r2.Depart(context.Background(), q.from, at)
		require.NoError(t, err)
		got2, ok2 := a2.To(q.to)
		if want2 == csa.Inf {
			require.False(t, ok2, msg)
		} else {
			require.True(t, ok2, msg)
			require.Equal(t, time.Duration(want2-q.secs)*time.Second, got2, "2 rides: %s", msg)
		}

		want, no := dd.with.To(q.from, q.to, q.secs), dd.without.To(q.from, q.to, q.secs)
		a, err := r4.Depart(context.Background(), q.from, at)
		require.NoError(t, err)
		got, ok := a.To(q.to)
		if want == csa.Inf {
			require.False(t, ok, msg)
			continue
		}
		require.True(t, ok, msg)
		require.Equal(t, time.Duration(want-q.secs)*time.Second, got, msg)
		require.LessOrEqual(t, want, no, "staying on never arrives later: %s", msg)
		if q.faster {
			require.Less(t, want, no, "known faster staying on: %s", msg)
		}
		if want == no {
			continue
		}
		changed++
		j, ok := a.Journey(q.to)
		require.True(t, ok, msg)
		assert.Equal(t, at.Add(got), j.Arrive, msg)
		seated := slices.ContainsFunc(j.Legs, func(l transit.Leg) bool { return l.StayOn })
		assert.True(t, seated, "a journey blocks made faster stays on board: %s: %+v", msg, j.Legs)
		if changed == 1 {
			t.Logf("%s: %v faster than changing:", msg, time.Duration(no-want)*time.Second)
			for _, l := range j.Legs {
				t.Logf("  %-8s %-4s %s %s → %s %s stayOn=%v", l.Kind, l.Route, l.Depart.Format("15:04"), l.From, l.Arrive.Format("15:04"), l.To, l.StayOn)
			}
		}
	}
	random := len(qs) - 4
	t.Logf("%d of %d random queries arrive earlier staying on board", changed-4, random)
	assert.GreaterOrEqual(t, changed, 4)
}

// blockFeed makes a feed of up to eight trips over stops S1–S4 (2.2 km
// apart, too far to walk between) from fuzz bytes, four bytes a trip:
// route, service (weekdays or every day), block (none, X or Y), first
// stop and direction, number of stops, pickup and drop-off flags, first
// departure from 07:00 (or, with its top bit, leaving where the trip
// before ended, 0–2 minutes after it arrived, in its block and service)
// and the minutes between stops.
func blockFeed(data []byte) map[string]string {
	files := minimalFeed()
	files["stops.txt"] = "stop_id,stop_name,stop_lat,stop_lon\nS1,One,35.05,-85.31\nS2,Two,35.07,-85.31\nS3,Three,35.09,-85.31\nS4,Four,35.11,-85.31\n"
	files["routes.txt"] = "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\nR2,A,2,3\n"
	files["calendar.txt"] = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
		"WK,1,1,1,1,1,0,0,20260101,20261231\nAL,1,1,1,1,1,1,1,20260101,20261231\n"
	trips := "route_id,service_id,trip_id,block_id\n"
	st := "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n"
	clock := func(m int) string { return fmt.Sprintf("%02d:%02d:00", m/60, m%60) }
	lastStop, lastT, lastSvc, lastBlock := -1, 0, "", ""
	for i := 0; i+4 <= len(data) && i < 32; i += 4 {
		a, b, c, d := int(data[i]), int(data[i+1]), int(data[i+2]), int(data[i+3])
		id := fmt.Sprintf("T%d", i/4)
		svc, block := []string{"WK", "AL"}[a/2%2], []string{"", "X", "Y"}[a/4%3]
		first, dir, n := b%4, 1-2*(b/4%2), 2+b/8%3
		t := 7*60 + c%90
		if c&128 != 0 && lastStop >= 0 {
			first, t, svc, block = lastStop, lastT+c%3, lastSvc, lastBlock
		}
		trips += fmt.Sprintf("R%d,%s,%s,%s\n", 1+a%2, svc, id, block)
		lastSvc, lastBlock = svc, block
		for k := range n {
			s := first + dir*k
			if s < 0 || s > 3 {
				break
			}
			pick, drop := 0, 0
			if k == n-1 && d&1 != 0 || k == 0 && d&2 != 0 && d&4 != 0 {
				drop = 1
			}
			if k == 0 && d&2 != 0 {
				pick = 1
			}
			st += fmt.Sprintf("%s,%s,%s,S%d,%d,%d,%d\n", id, clock(t), clock(t), s+1, k+1, pick, drop)
			lastStop, lastT = s, t
			t += 1 + d/8%12
		}
	}
	files["trips.txt"] = trips
	files["stop_times.txt"] = st
	return files
}

// FuzzStayOnBoard routes on small feeds whose trips chain in blocks and
// checks the router against the oracle of internal/csa, which reads the
// same files on its own: the earliest arrival at every stop from each
// stop (S1 at 06:50, S2 at 07:10, S3 at 07:30, S4 at 07:50), with
// up to 4 rides and with up to 2, and journeys that arrive when the
// arrivals say.
func FuzzStayOnBoard(f *testing.F) {
	f.Add([]byte{2, 8, 0, 8, 3, 9, 10, 8})               // R1 S1→S2→S3 then R2 S3→… in block X
	f.Add([]byte{2, 0, 0, 9, 7, 1, 10, 2, 6, 2, 20, 16}) // a chain, a pickup-less start
	f.Add([]byte{6, 8, 0, 8, 3, 9, 10, 8, 4, 9, 10, 8})  // weekday and daily trips in one block
	f.Fuzz(func(t *testing.T, data []byte) {
		files := blockFeed(data)
		n, err := readFeed(files)
		if err != nil {
			return // e.g. a trip of one stop; the oracle reads only valid feeds
		}
		for _, rides := range []int{4, 2} {
			r, err := transit.NewRouter(n, transit.RouterOptions{MaxTransfers: rides - 1})
			require.NoError(t, err)
			opts := oracleOptions
			opts.MaxRides = rides
			oracle, err := csa.ReadFS(toFS(files), opts)
			require.NoError(t, err)
			day := oracle.Day(2026, time.June, 1)
			for o, clock := range []time.Duration{hm(6, 50), hm(7, 10), hm(7, 30), hm(7, 50)} {
				from := n.Stops()[o].Point
				at := n.Date(2026, time.June, 1).Add(clock)
				a, err := r.Depart(context.Background(), from, at)
				require.NoError(t, err)
				want := day.Run(oracle.Access(from), int32(clock/time.Second))
				for s, st := range n.Stops() {
					got, ok := a.Stop(s)
					if want[s] == csa.Inf {
						require.False(t, ok, "%d rides at %v, stop %s\n%s\n%s", rides, clock, st.ID, files["trips.txt"], files["stop_times.txt"])
						continue
					}
					require.True(t, ok, "%d rides at %v, stop %s\n%s\n%s", rides, clock, st.ID, files["trips.txt"], files["stop_times.txt"])
					require.Equal(t, time.Duration(want[s])*time.Second-clock, got, "%d rides at %v, stop %s\n%s\n%s", rides, clock, st.ID, files["trips.txt"], files["stop_times.txt"])
					if d, ok := a.To(st.Point); ok {
						j, ok := a.Journey(st.Point)
						require.True(t, ok)
						require.Equal(t, at.Add(d), j.Arrive)
						require.LessOrEqual(t, j.Rides(), rides)
					}
				}
			}
		}
	})
}
