package transit_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/csa"
)

var (
	cartaRouterOnce sync.Once
	cartaRouter     *transit.Router
	cartaOracle     *csa.Feed
	cartaRouterErr  error
)

// oracleOptions are RouterOptions' defaults written out for the oracle.
var oracleOptions = csa.Options{MaxWalk: 800, TransferWalk: 400, Slack: 60, MaxRides: 4}

func cartaRouting(t testing.TB) (*transit.Router, *csa.Feed) {
	t.Helper()
	n := carta(t)
	cartaRouterOnce.Do(func() {
		cartaRouter, cartaRouterErr = transit.NewRouter(n, transit.RouterOptions{})
		if cartaRouterErr == nil {
			cartaOracle, cartaRouterErr = csa.Read(demo.CARTAFeed(), oracleOptions)
		}
	})
	require.NoError(t, cartaRouterErr)
	return cartaRouter, cartaOracle
}

// randomPlace returns a point within about 1 km of a random stop.
func randomPlace(rng *rand.Rand, stops []transit.Stop) orb.Point {
	s := stops[rng.IntN(len(stops))]
	return orb.Point{s.Point[0] + (rng.Float64()-0.5)*0.02, s.Point[1] + (rng.Float64()-0.5)*0.016}
}

type oracleDate struct {
	y    int
	m    time.Month
	d    int
	name string
}

// Dates inside CARTA's 2026-05-10..2026-08-22: weekdays, Saturdays,
// Sundays, the Memorial Day and Juneteenth exceptions (Saturday service),
// and the feed's first and last days.
var cartaDates = []oracleDate{
	{2026, 5, 10, "first day, Sunday"}, {2026, 5, 11, "Monday"}, {2026, 5, 13, "Wednesday"},
	{2026, 5, 16, "Saturday"}, {2026, 5, 25, "Memorial Day"}, {2026, 6, 5, "Friday"},
	{2026, 6, 19, "Juneteenth"}, {2026, 6, 21, "Sunday"}, {2026, 7, 4, "Saturday"},
	{2026, 7, 14, "Tuesday"}, {2026, 8, 6, "Thursday"}, {2026, 8, 22, "last day, Saturday"},
}

// TestRouterAgainstOracleCARTA compares the router's earliest arrivals
// with the independent Connection Scan of internal/csa on random
// (origin, destination, departure) triples over CARTA: 2,016 queries,
// a third of them after 21:00 so trips past midnight matter.
func TestRouterAgainstOracleCARTA(t *testing.T) {
	r, oracle := cartaRouting(t)
	n := r.Network()
	perDate, dates := 168, cartaDates // 12 dates × 168 = 2,016 queries
	if testing.Short() || raceEnabled {
		// Building each date's connections dominates under the race
		// detector: a Sunday, a Saturday, a holiday and a Tuesday.
		perDate, dates = 30, []oracleDate{cartaDates[0], cartaDates[3], cartaDates[6], cartaDates[9]}
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	stops := n.Stops()
	var reached, walked, none int
	for _, d := range dates {
		day := oracle.Day(d.y, d.m, d.d)
		for q := range perDate {
			var secs int32
			switch q % 3 {
			case 0:
				secs = int32(5*3600 + rng.IntN(16*3600)) // 05:00–21:00
			case 1:
				secs = int32(21*3600 + rng.IntN(3*3600)) // 21:00–24:00
			default:
				secs = int32(15*3600 + rng.IntN(4*3600)) // after school
			}
			from, to := randomPlace(rng, stops), randomPlace(rng, stops)
			at := day.Start.Add(time.Duration(secs) * time.Second)
			a, err := r.Depart(context.Background(), from, at)
			require.NoError(t, err)
			got, ok := a.To(to)
			want := day.To(from, to, secs)
			if want == csa.Inf {
				none++
				if !assert.False(t, ok, "%s %v from %v to %v: router %v, oracle unreachable", d.name, at, from, to, got) {
					return
				}
				continue
			}
			if !assert.True(t, ok, "%s %v from %v to %v: router unreachable, oracle %v", d.name, at, from, to, want-secs) ||
				!assert.Equal(t, time.Duration(want-secs)*time.Second, got, "%s %v from %v to %v", d.name, at, from, to) {
				return
			}
			if dw := geo.WalkTime(geo.Distance(from, to)); got == dw {
				walked++
			} else {
				reached++
			}
		}
	}
	t.Logf("%d by transit, %d on foot, %d unreachable", reached, walked, none)
	assert.Greater(t, reached, len(dates)*perDate/3, "most queries should need a bus")
}

// TestRouterAgainstOracleSample does the same on Google's sample feed,
// whose frequencies.txt, pickup/drop-off rules and transfers.txt
// (a forbidden transfer and a minimum transfer time) the oracle reads
// on its own.
func TestRouterAgainstOracleSample(t *testing.T) {
	n, err := transit.Load(context.Background(), "testdata/gtfs-sample")
	require.NoError(t, err)
	opts := transit.RouterOptions{MaxWalk: 3000, TransferWalk: 1500}
	r, err := transit.NewRouter(n, opts)
	require.NoError(t, err)
	oracle, err := csa.ReadFS(os.DirFS("testdata/gtfs-sample"),
		csa.Options{MaxWalk: 3000, TransferWalk: 1500, Slack: 60, MaxRides: 4})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 2007))
	dates := []oracleDate{{2007, 6, 4, "removed Monday"}, {2007, 6, 5, "Tuesday"}, {2007, 6, 9, "Saturday"}, {2008, 1, 6, "Sunday"}}
	stops := n.Stops()
	reached := 0
	for _, d := range dates {
		day := oracle.Day(d.y, d.m, d.d)
		for range 500 {
			secs := int32(5*3600 + rng.IntN(19*3600))
			s1, s2 := stops[rng.IntN(len(stops))].Point, stops[rng.IntN(len(stops))].Point
			from := orb.Point{s1[0] + (rng.Float64()-0.5)*0.02, s1[1] + (rng.Float64()-0.5)*0.02}
			to := orb.Point{s2[0] + (rng.Float64()-0.5)*0.02, s2[1] + (rng.Float64()-0.5)*0.02}
			at := day.Start.Add(time.Duration(secs) * time.Second)
			a, err := r.Depart(context.Background(), from, at)
			require.NoError(t, err)
			got, ok := a.To(to)
			want := day.To(from, to, secs)
			msg := fmt.Sprintf("%s %v from %v to %v", d.name, at, from, to)
			if want == csa.Inf {
				if !assert.False(t, ok, msg) {
					return
				}
				continue
			}
			if !assert.Equal(t, time.Duration(want-secs)*time.Second, got, msg) {
				return
			}
			reached++
		}
	}
	assert.Greater(t, reached, 500)
}

// summaryByRank is the summary computed independently of the package:
// sort, then the ⌈p·n⌉-th smallest.
func summaryByRank(times []time.Duration) (lo, med, p90 time.Duration, reach int) {
	s := slices.Clone(times)
	slices.Sort(s)
	for _, v := range s {
		if v != transit.Unreachable {
			reach++
		}
	}
	n := float64(len(s))
	return s[0], s[int(math.Ceil(0.5*n))-1], s[int(math.Ceil(0.9*n))-1], reach
}

// capped is v, or Unreachable past what a profile keeps.
func capped(v time.Duration) time.Duration {
	if v > transit.MaxProfileTravel {
		return transit.Unreachable
	}
	return v
}

// TestRangeEqualsMinuteByMinute checks that a range profile equals
// single-departure runs minute by minute, for every stop and for points
// (walk-only reach included), that journeys of chosen minutes arrive
// when the profile says, and that
// its summaries are the nearest-rank percentiles of those runs.
func TestRangeEqualsMinuteByMinute(t *testing.T) {
	r, _ := cartaRouting(t)
	n := r.Network()
	rng := rand.New(rand.NewPCG(3, 60))
	windows := []transit.Window{
		{Date: n.Date(2026, 5, 27), Start: hm(15, 30), End: hm(16, 30)}, // Wednesday after school
		{Date: n.Date(2026, 5, 30), Start: hm(23, 10), End: hm(24, 20)}, // Saturday, past midnight
		{Date: n.Date(2026, 6, 7), Start: hm(9, 0), End: hm(9, 45)},     // Sunday morning
	}
	origins := 3
	if testing.Short() || raceEnabled {
		origins = 1
	}
	for _, w := range windows {
		for range origins {
			from := randomPlace(rng, n.Stops())
			p, err := r.Range(context.Background(), from, w)
			require.NoError(t, err)
			require.Equal(t, int((w.End-w.Start)/time.Minute), p.Minutes())
			dests := []orb.Point{randomPlace(rng, n.Stops()), randomPlace(rng, n.Stops()), from}
			single := make([][]time.Duration, len(dests))
			perStop := make([][]time.Duration, len(n.Stops()))
			reached := 0
			for s := range perStop {
				perStop[s] = p.StopTimes(s, nil)
				if slices.ContainsFunc(perStop[s], func(d time.Duration) bool { return d != transit.Unreachable }) {
					reached++
				}
			}
			// Rows of 2 bytes a minute for reached stops only, at most a
			// quarter spare, and 8 bytes of index per reached stop.
			rowBytes := 2 * reached * p.Minutes()
			assert.GreaterOrEqual(t, p.Size(), rowBytes+8*reached)
			assert.LessOrEqual(t, p.Size(), rowBytes*5/4+8*reached)
			for m := range p.Minutes() {
				a, err := r.Depart(context.Background(), from, p.Departure(m))
				require.NoError(t, err)
				for i, d := range dests {
					v, _ := a.To(d)
					single[i] = append(single[i], capped(v))
				}
				for s := range perStop {
					v, _ := a.Stop(s)
					require.Equal(t, capped(v), perStop[s][m], "stop %d minute %d of %+v", s, m, w)
				}
			}
			for i, d := range dests {
				require.Equal(t, single[i], p.Times(d), "window %+v from %v to %v", w, from, d)
				for _, m := range []int{0, p.Minutes() / 2, p.Minutes() - 1} {
					j, ok := p.Journey(d, m)
					if single[i][m] != transit.Unreachable {
						require.True(t, ok)
						assert.Equal(t, p.Departure(m).Add(single[i][m]), j.Arrive, "journey of minute %d", m)
					} else if ok {
						assert.Greater(t, j.Arrive.Sub(p.Departure(m)), transit.MaxProfileTravel)
					}
				}
				lo, med, p90, reach := summaryByRank(single[i])
				want := transit.Summary{Min: lo, Median: med, P90: p90, Reachable: reach, Minutes: p.Minutes()}
				assert.Equal(t, want, p.To(d))
				// The shared-origin path: stops of the origin, egress of
				// the destination, the home's own walk added by the caller.
				q, err := r.RangeFrom(context.Background(), r.Access(from), w)
				require.NoError(t, err)
				times := q.TimesVia(r.Access(d), nil)
				if wt, ok := r.WalkTime(from, d); ok {
					for m := range times {
						times[m] = min(times[m], wt)
					}
				}
				assert.Equal(t, single[i], times)
				assert.Equal(t, want, transit.Summarize(times))
				// Arrive-by: the latest minute arriving by a deadline,
				// found by brute force over the single runs.
				by := p.Departure(p.Minutes() / 2).Add(40 * time.Minute)
				wantM, wantOK := 0, false
				for m, v := range single[i] {
					if v != transit.Unreachable && !p.Departure(m).Add(v).After(by) {
						wantM, wantOK = m, true
					}
				}
				gotM, gotOK := p.ArriveBy(d, by)
				assert.Equal(t, wantOK, gotOK)
				assert.Equal(t, wantM, gotM)
			}
		}
	}
}

// legTimes indexes CARTA's stop_times (read with encoding/csv) by trip:
// each trip's calls in file order, with their departure seconds.
func legTimes(t *testing.T) map[string][]scanRow {
	s := cartaScan(t)
	byTrip := map[string][]scanRow{}
	for _, r := range s.stopTimes {
		byTrip[r.trip] = append(byTrip[r.trip], r)
	}
	return byTrip
}

type boardKey struct {
	stop string
	dep  int
}

// TestJourneysExistInTimetable checks itineraries on CARTA: every ride is
// one trip of the named route calling at the board stop at the leg's
// departure and, Stops calls later, at the alight stop at its arrival
// (CARTA's arrival and departure times are equal); legs connect in time
// and place; transfers take at least their walk; the journey starts at
// the origin, ends at the destination and arrives when To says.
func TestJourneysExistInTimetable(t *testing.T) {
	r, _ := cartaRouting(t)
	n := r.Network()
	s := cartaScan(t)
	byTrip := legTimes(t)
	type boardAt struct {
		trip string
		k    int
	}
	boards := map[boardKey][]boardAt{}
	for trip, calls := range byTrip {
		for k, c := range calls {
			boards[boardKey{c.stop, c.dep}] = append(boards[boardKey{c.stop, c.dep}], boardAt{trip, k})
		}
	}
	stops := n.Stops()
	rng := rand.New(rand.NewPCG(5, 5))
	count := 300
	if testing.Short() || raceEnabled {
		count = 60
	}
	rides, transfers := 0, 0
	for q := range count {
		d := cartaDates[q%len(cartaDates)]
		at := time.Date(d.y, d.m, d.d, 6+rng.IntN(18), rng.IntN(60), 0, 0, n.Location())
		from, to := randomPlace(rng, stops), randomPlace(rng, stops)
		a, err := r.Depart(context.Background(), from, at)
		require.NoError(t, err)
		travel, ok := a.To(to)
		j, jok := a.Journey(to)
		require.Equal(t, ok, jok)
		if !ok {
			continue
		}
		msg := fmt.Sprintf("%v from %v to %v: %+v", at, from, to, j.Legs)
		require.NotEmpty(t, j.Legs, msg)
		assert.Equal(t, at.Add(travel), j.Arrive, msg)
		assert.False(t, j.Depart.Before(at), msg)
		assert.Equal(t, -1, j.Legs[0].FromStop, msg)
		assert.Equal(t, -1, j.Legs[len(j.Legs)-1].ToStop, msg)
		for i, l := range j.Legs {
			assert.False(t, l.Arrive.Before(l.Depart), msg)
			if i > 0 {
				prev := j.Legs[i-1]
				assert.False(t, prev.Arrive.After(l.Depart), "leg %d leaves before leg %d arrives: %s", i, i-1, msg)
				assert.Equal(t, prev.ToStop, l.FromStop, msg)
			}
			switch l.Kind {
			case transit.LegTransfer:
				transfers++
				walk := geo.WalkTime(geo.Distance(stops[l.FromStop].Point, stops[l.ToStop].Point))
				assert.GreaterOrEqual(t, l.Arrive.Sub(l.Depart), walk, msg)
				assert.LessOrEqual(t, float64(l.Walk), 400.0, msg)
			case transit.LegRide:
				rides++
				found := false
				from, to := stops[l.FromStop].ID, stops[l.ToStop].ID
				day := time.Date(l.Depart.Year(), l.Depart.Month(), l.Depart.Day(), 0, 0, 0, 0, n.Location())
				for _, base := range []time.Time{day, day.AddDate(0, 0, -1)} {
					dep, arr := int(l.Depart.Sub(base)/time.Second), int(l.Arrive.Sub(base)/time.Second)
					for _, c := range boards[boardKey{from, dep}] {
						calls := byTrip[c.trip]
						k := c.k + l.Stops
						if s.routeName[s.tripRoute[c.trip]] == l.Route && k < len(calls) && calls[k].stop == to && calls[k].dep == arr {
							found = true
						}
					}
				}
				assert.True(t, found, "ride leg %+v not in stop_times: %s", l, msg)
			}
		}
	}
	t.Logf("%d rides, %d transfers checked", rides, transfers)
	assert.Greater(t, rides, count/2)
	assert.Greater(t, transfers, count/10)
}

// TestRouterConcurrent runs the same queries from several goroutines at
// once and compares them with the answers computed one by one: the pool
// of per-query scratch must not leak state between queries.
func TestRouterConcurrent(t *testing.T) {
	r, _ := cartaRouting(t)
	n := r.Network()
	rng := rand.New(rand.NewPCG(9, 9))
	type q struct {
		from, to orb.Point
		at       time.Time
	}
	qs := make([]q, 24)
	want := make([]time.Duration, len(qs))
	for i := range qs {
		qs[i] = q{randomPlace(rng, n.Stops()), randomPlace(rng, n.Stops()), time.Date(2026, 6, 10+i%3, 7+i%12, 13, 0, 0, n.Location())}
		a, err := r.Depart(context.Background(), qs[i].from, qs[i].at)
		require.NoError(t, err)
		want[i], _ = a.To(qs[i].to)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(qs))
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range qs {
				i := (k + g*5) % len(qs)
				a, err := r.Depart(context.Background(), qs[i].from, qs[i].at)
				if err != nil {
					errs <- err.Error()
					continue
				}
				if got, _ := a.To(qs[i].to); got != want[i] {
					errs <- fmt.Sprintf("query %d: got %v, want %v", i, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestRouterCapOfOneTransfer repeats the oracle comparison and the
// minute-by-minute range check with at most one transfer (two rides),
// where the cap binds often: the oracle scans connections once per ride,
// so its cap is exact.
func TestRouterCapOfOneTransfer(t *testing.T) {
	n := carta(t)
	r, err := transit.NewRouter(n, transit.RouterOptions{MaxTransfers: 1})
	require.NoError(t, err)
	opts := oracleOptions
	opts.MaxRides = 2
	oracle, err := csa.Read(demo.CARTAFeed(), opts)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	count := 300
	if testing.Short() || raceEnabled {
		count = 40
	}
	day := oracle.Day(2026, 6, 9)
	capBinds := 0
	rUncapped, _ := cartaRouting(t)
	for range count {
		secs := int32(6*3600 + rng.IntN(16*3600))
		from, to := randomPlace(rng, n.Stops()), randomPlace(rng, n.Stops())
		at := day.Start.Add(time.Duration(secs) * time.Second)
		a, err := r.Depart(context.Background(), from, at)
		require.NoError(t, err)
		got, _ := a.To(to)
		want := time.Duration(day.To(from, to, secs)-secs) * time.Second
		if day.To(from, to, secs) == csa.Inf {
			want = transit.Unreachable
		}
		require.Equal(t, want, got, "%v from %v to %v", at, from, to)
		u, err := rUncapped.Depart(context.Background(), from, at)
		require.NoError(t, err)
		if d, _ := u.To(to); d < got {
			capBinds++
		}
	}
	t.Logf("the cap binds on %d of %d queries", capBinds, count)
	assert.Positive(t, capBinds)

	w := transit.Window{Date: n.Date(2026, 6, 9), Start: hm(16, 0), End: hm(16, 40)}
	from := randomPlace(rng, n.Stops())
	p, err := r.Range(context.Background(), from, w)
	require.NoError(t, err)
	for m := range p.Minutes() {
		a, err := r.Depart(context.Background(), from, p.Departure(m))
		require.NoError(t, err)
		for s := range n.Stops() {
			v, _ := a.Stop(s)
			require.Equal(t, capped(v), p.StopTimes(s, nil)[m], "stop %d minute %d", s, m)
		}
	}
}
