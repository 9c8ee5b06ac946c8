package transit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

// line is a hand-made network of stops A, B, C, D on a meridian, 2.2 km
// apart (too far to walk between with the default walks), and routes
// R1 A→B, R2 B→C, R3 C→D, R4 A→D (slow, direct). Service "ALL" runs every
// day of 2026; "MON" runs on Mondays only.
type line struct {
	b    *transit.Builder
	stop map[string]orb.Point
}

func newLine(t *testing.T) *line {
	l := &line{b: transit.NewBuilder(time.UTC), stop: map[string]orb.Point{}}
	require.NoError(t, l.b.AddAgency(transit.Agency{ID: "L", Name: "Line", Timezone: "UTC"}))
	for i, id := range []string{"A", "B", "C", "D"} {
		p := orb.Point{-85.3, 35.0 + 0.02*float64(i)}
		l.stop[id] = p
		require.NoError(t, l.b.AddStop(transit.Stop{ID: id, Name: "Stop " + id, Point: p}))
	}
	for _, r := range []string{"R1", "R2", "R3", "R4"} {
		require.NoError(t, l.b.AddRoute(transit.Route{ID: r, ShortName: r, Type: 3}))
	}
	all := [7]bool{true, true, true, true, true, true, true}
	span := transit.Calendar{Weekdays: all, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, l.b.AddCalendar("ALL", span))
	span.Weekdays = [7]bool{time.Monday: true}
	require.NoError(t, l.b.AddCalendar("MON", span))
	return l
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

func (l *line) trip(t *testing.T, id, route, svc string, calls ...any) {
	tr := transit.Trip{ID: id, Route: route, Service: svc, Headsign: "to " + calls[len(calls)-2].(string)}
	for i := 0; i < len(calls); i += 2 {
		tr.StopTimes = append(tr.StopTimes, transit.StopTime{Stop: calls[i].(string), Departure: calls[i+1].(time.Duration)})
	}
	require.NoError(t, l.b.AddTrip(tr))
}

// chain adds the three-ride connection A 8:00 → B 8:10 | B 8:11 → C 8:20
// | C 8:25 → D 8:30, and later R2 and R3 trips at 8:30 and 8:45.
func (l *line) chain(t *testing.T) {
	l.trip(t, "r1", "R1", "ALL", "A", hm(8, 0), "B", hm(8, 10))
	l.trip(t, "r2a", "R2", "ALL", "B", hm(8, 11), "C", hm(8, 20))
	l.trip(t, "r2b", "R2", "ALL", "B", hm(8, 30), "C", hm(8, 39))
	l.trip(t, "r3a", "R3", "ALL", "C", hm(8, 25), "D", hm(8, 30))
	l.trip(t, "r3b", "R3", "ALL", "C", hm(8, 45), "D", hm(8, 50))
}

func (l *line) route(t *testing.T, opts transit.RouterOptions, at time.Time) (time.Duration, bool, transit.Journey) {
	n, err := l.b.Build()
	require.NoError(t, err)
	r, err := transit.NewRouter(n, opts)
	require.NoError(t, err)
	a, err := r.Depart(context.Background(), l.stop["A"], at)
	require.NoError(t, err)
	d, ok := a.To(l.stop["D"])
	j, jok := a.Journey(l.stop["D"])
	assert.Equal(t, ok, jok)
	if ok {
		assert.Equal(t, at.Add(d), j.Arrive, "journey arrives when To says")
	}
	return d, ok, j
}

// TestRouterHandWorked checks transfers, transfers.txt rules,
// pickup/drop-off rules, frequencies, a trip past midnight and the
// transfer cap on the line network, against times worked out by hand.
func TestRouterHandWorked(t *testing.T) {
	wed := time.Date(2026, 5, 13, 7, 55, 0, 0, time.UTC) // a Wednesday
	cases := []struct {
		name  string
		setup func(t *testing.T, l *line)
		opts  transit.RouterOptions
		at    time.Time
		want  time.Duration // travel time; Unreachable when none
		rides int
	}{
		{"three rides with 1 min slack", func(t *testing.T, l *line) { l.chain(t) }, transit.RouterOptions{}, wed, hm(0, 35), 3},
		{"slack of 2 min misses 8:11", func(t *testing.T, l *line) { l.chain(t) },
			transit.RouterOptions{MinTransfer: 2 * time.Minute}, wed, hm(0, 55), 3},
		{"min_transfer_time 10 min at B", func(t *testing.T, l *line) {
			l.chain(t)
			require.NoError(t, l.b.AddTransfer(transit.Transfer{From: "B", To: "B", Type: transit.TransferMinTime, MinTime: 10 * time.Minute}))
		}, transit.RouterOptions{}, wed, hm(0, 55), 3},
		{"forbidden transfer at B", func(t *testing.T, l *line) {
			l.chain(t)
			require.NoError(t, l.b.AddTransfer(transit.Transfer{From: "B", To: "B", Type: transit.TransferForbidden}))
		}, transit.RouterOptions{}, wed, transit.Unreachable, 0},
		{"timed transfer needs no slack", func(t *testing.T, l *line) {
			l.trip(t, "r1", "R1", "ALL", "A", hm(8, 0), "B", hm(8, 10))
			l.trip(t, "r2", "R2", "ALL", "B", hm(8, 10), "C", hm(8, 20))
			l.trip(t, "r3", "R3", "ALL", "C", hm(8, 21), "D", hm(8, 30))
			require.NoError(t, l.b.AddTransfer(transit.Transfer{From: "B", To: "B", Type: transit.TransferTimed}))
		}, transit.RouterOptions{}, wed, hm(0, 35), 3},
		{"no drop-off at B", func(t *testing.T, l *line) {
			l.chain(t)
			require.NoError(t, l.b.AddTrip(transit.Trip{ID: "r1x", Route: "R1", Service: "ALL", StopTimes: []transit.StopTime{
				{Stop: "A", Departure: hm(7, 58)}, {Stop: "B", Departure: hm(8, 5), NoDropOff: true}}}))
		}, transit.RouterOptions{}, wed, hm(0, 35), 3},
		{"no pickup at A", func(t *testing.T, l *line) {
			require.NoError(t, l.b.AddTrip(transit.Trip{ID: "r4", Route: "R4", Service: "ALL", StopTimes: []transit.StopTime{
				{Stop: "A", Departure: hm(8, 0), NoPickup: true}, {Stop: "D", Departure: hm(8, 40)}}}))
		}, transit.RouterOptions{}, wed, transit.Unreachable, 0},
		{"arrival before departure", func(t *testing.T, l *line) {
			require.NoError(t, l.b.AddTrip(transit.Trip{ID: "r4", Route: "R4", Service: "ALL", StopTimes: []transit.StopTime{
				{Stop: "A", Departure: hm(8, 0)}, {Stop: "B", Arrival: hm(8, 5), Departure: hm(8, 9)}, {Stop: "D", Departure: hm(8, 40)}}}))
			l.trip(t, "r2", "R2", "ALL", "B", hm(8, 6), "C", hm(8, 10)) // 8:05 + 1 min slack
			l.trip(t, "r3", "R3", "ALL", "C", hm(8, 11), "D", hm(8, 15))
		}, transit.RouterOptions{}, wed, hm(0, 20), 3},
		{"frequency every 10 min", func(t *testing.T, l *line) {
			l.trip(t, "f", "R4", "ALL", "A", hm(6, 0), "D", hm(6, 40))
			require.NoError(t, l.b.AddFrequency("f", hm(6, 0), hm(9, 0), 10*time.Minute))
		}, transit.RouterOptions{}, wed.Add(-4 * time.Minute), hm(0, 49), 1}, // 7:51 → 8:00 → 8:40
		{"Monday's 24:30 trip on Tuesday at 00:20", func(t *testing.T, l *line) {
			l.trip(t, "late", "R4", "MON", "A", hm(24, 30), "D", hm(25, 0))
		}, transit.RouterOptions{}, time.Date(2026, 5, 12, 0, 20, 0, 0, time.UTC), hm(0, 40), 1},
		{"on Monday at 00:20 it waits a day for Monday's 24:30", func(t *testing.T, l *line) {
			l.trip(t, "late", "R4", "MON", "A", hm(24, 30), "D", hm(25, 0))
		}, transit.RouterOptions{}, time.Date(2026, 5, 11, 0, 20, 0, 0, time.UTC), hm(24, 40), 1},
		{"cap of 1 transfer takes the slow direct bus", func(t *testing.T, l *line) {
			l.chain(t)
			l.trip(t, "r4", "R4", "ALL", "A", hm(9, 0), "D", hm(10, 0))
		}, transit.RouterOptions{MaxTransfers: 1}, wed, hm(2, 5), 1},
		{"cap of 2 transfers takes the chain", func(t *testing.T, l *line) {
			l.chain(t)
			l.trip(t, "r4", "R4", "ALL", "A", hm(9, 0), "D", hm(10, 0))
		}, transit.RouterOptions{MaxTransfers: 2}, wed, hm(0, 35), 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLine(t)
			tc.setup(t, l)
			got, ok, j := l.route(t, tc.opts, tc.at)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want != transit.Unreachable, ok)
			assert.Equal(t, tc.rides, j.Rides(), "legs %+v", j.Legs)
		})
	}
}

// TestRouterErrors checks the typed errors of bad input.
func TestRouterErrors(t *testing.T) {
	l := newLine(t)
	l.chain(t)
	n, err := l.b.Build()
	require.NoError(t, err)
	_, err = transit.NewRouter(n, transit.RouterOptions{MaxWalk: -1, MaxTransfers: -2})
	assert.ErrorIs(t, err, transit.ErrBadOptions)
	assert.ErrorContains(t, err, "MaxWalk")
	assert.ErrorContains(t, err, "MaxTransfers")
	_, err = transit.NewRouter(nil, transit.RouterOptions{})
	assert.ErrorIs(t, err, transit.ErrBadOptions)
	r, err := transit.NewRouter(n, transit.RouterOptions{})
	require.NoError(t, err)
	assert.Equal(t, transit.RouterOptions{MaxWalk: 800, TransferWalk: 400, MinTransfer: time.Minute, MaxTransfers: 3}, r.Options())
	ctx := context.Background()
	at := time.Date(2026, 5, 13, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"unknown stop", transit.ErrUnknownStop, func() error {
			_, err := r.DepartFrom(ctx, []transit.StopWalk{{Stop: 99}}, at)
			return err
		}},
		{"negative walk", transit.ErrNegativeWalk, func() error {
			_, err := r.RangeFrom(ctx, []transit.StopWalk{{Stop: 0, Walk: -time.Second}}, transit.Window{Date: at, Start: hm(8, 0), End: hm(9, 0)})
			return err
		}},
		{"date before the feed", transit.ErrOutsideService, func() error {
			_, err := r.Depart(ctx, l.stop["A"], time.Date(2025, 12, 31, 8, 0, 0, 0, time.UTC))
			return err
		}},
		{"window after the feed", transit.ErrOutsideService, func() error {
			_, err := r.Range(ctx, l.stop["A"], transit.Window{Date: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Start: hm(8, 0), End: hm(9, 0)})
			return err
		}},
		{"inverted window", transit.ErrBadWindow, func() error {
			_, err := r.Range(ctx, l.stop["A"], transit.Window{Date: at, Start: hm(9, 0), End: hm(8, 0)})
			return err
		}},
		{"window of two days", transit.ErrBadWindow, func() error {
			_, err := r.Range(ctx, l.stop["A"], transit.Window{Date: at, Start: 0, End: 48 * time.Hour})
			return err
		}},
		{"cancelled", context.Canceled, func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			_, err := r.Range(c, l.stop["A"], transit.Window{Date: at, Start: hm(7, 0), End: hm(9, 0)})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			assert.True(t, errors.Is(err, tc.err), "got %v, want %v", err, tc.err)
		})
	}
}

// TestRouterDaylightSaving checks service-day times on the days clocks
// change in New York: GTFS times count from noon minus 12 h, so on
// 8 March 2026 (spring forward) "08:00:00" is 08:00 EDT and "01:30:00"
// is 00:30 EST; on 1 November (fall back) "08:00:00" is 08:00 EST.
func TestRouterDaylightSaving(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	b := transit.NewBuilder(ny)
	require.NoError(t, b.AddAgency(transit.Agency{ID: "N", Name: "NY", Timezone: "America/New_York"}))
	for i, id := range []string{"A", "B"} {
		require.NoError(t, b.AddStop(transit.Stop{ID: id, Name: id, Point: orb.Point{-74.0, 40.7 + 0.02*float64(i)}}))
	}
	require.NoError(t, b.AddRoute(transit.Route{ID: "R", ShortName: "R", Type: 3}))
	all := [7]bool{true, true, true, true, true, true, true}
	require.NoError(t, b.AddCalendar("ALL", transit.Calendar{Weekdays: all,
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}))
	for i, dep := range []time.Duration{hm(1, 30), hm(8, 0)} {
		require.NoError(t, b.AddTrip(transit.Trip{ID: fmt.Sprint("t", i), Route: "R", Service: "ALL", StopTimes: []transit.StopTime{
			{Stop: "A", Departure: dep}, {Stop: "B", Departure: dep + 20*time.Minute}}}))
	}
	n, err := b.Build()
	require.NoError(t, err)
	r, err := transit.NewRouter(n, transit.RouterOptions{})
	require.NoError(t, err)
	a0, _ := n.StopByID("A")
	b0, _ := n.StopByID("B")
	for _, tc := range []struct {
		name   string
		at     time.Time
		arrive time.Time
	}{
		{"spring forward, 08:00 is EDT", time.Date(2026, 3, 8, 7, 50, 0, 0, ny), time.Date(2026, 3, 8, 8, 20, 0, 0, ny)},
		{"spring forward, 01:30 is 00:30 EST", time.Date(2026, 3, 8, 0, 20, 0, 0, ny), time.Date(2026, 3, 8, 0, 50, 0, 0, ny)},
		{"fall back, 08:00 is EST", time.Date(2026, 11, 1, 7, 50, 0, 0, ny), time.Date(2026, 11, 1, 8, 20, 0, 0, ny)},
		{"ordinary day", time.Date(2026, 3, 9, 1, 20, 0, 0, ny), time.Date(2026, 3, 9, 1, 50, 0, 0, ny)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := r.Depart(context.Background(), a0.Point, tc.at)
			require.NoError(t, err)
			d, ok := a.To(b0.Point)
			require.True(t, ok)
			assert.Equal(t, tc.arrive.UTC(), tc.at.Add(d).UTC(), "arrival")
		})
	}
}

// FuzzRouter loads feeds with arbitrary stop_times.txt and transfers.txt
// and routes on them: nothing may panic, a feed either loads or reports
// an error, every travel time found is non-negative and agrees with the
// journey's arrival, and range profiles (bounded or not, and the plain
// loop) equal Depart minute by minute at every stop.
func FuzzRouter(f *testing.F) {
	f.Add(minimalFeed()["stop_times.txt"], "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,2,120\n")
	f.Add("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\nT1,08:00:00,08:05:00,S1,1,0,1\nT1,,,S2,2,1,0\nT1,25:00:00,25:00:00,S1,3,,\n",
		"from_stop_id,to_stop_id,transfer_type\nS1,S1,3\nS2,S1,1\n")
	f.Add("trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,08:10:00,08:00:00,S1,1\nT1,08:20:00,08:20:00,S2,2\n",
		"from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S9,2,x\n")
	f.Fuzz(func(t *testing.T, stopTimes, transfers string) {
		files := minimalFeed()
		files["stop_times.txt"] = stopTimes
		files["transfers.txt"] = transfers
		files["frequencies.txt"] = "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,07:00:00,600\n"
		n, err := readFeed(files)
		if err != nil {
			require.Nil(t, n)
			return
		}
		r, err := transit.NewRouter(n, transit.RouterOptions{MaxWalk: 3000, TransferWalk: 2000})
		require.NoError(t, err)
		s1, _ := n.StopByID("S1")
		s2, _ := n.StopByID("S2")
		at := time.Date(2026, 3, 4, 6, 30, 0, 0, n.Location())
		a, err := r.Depart(context.Background(), s1.Point, at)
		require.NoError(t, err)
		if d, ok := a.To(s2.Point); ok {
			require.GreaterOrEqual(t, d, time.Duration(0))
			j, ok := a.Journey(s2.Point)
			require.True(t, ok)
			require.Equal(t, at.Add(d), j.Arrive)
		}
		w := transit.Window{Date: at, Start: 6 * time.Hour, End: 7 * time.Hour}
		p, err := r.Range(context.Background(), s1.Point, w)
		require.NoError(t, err)
		require.Equal(t, 60, p.To(s2.Point).Minutes)
		// The range query's shortcuts (minute skipping, bound, sparse
		// rows) answer as Depart minute by minute and the plain loop.
		w.MaxTravel = 20 * time.Minute
		bounded, err := r.Range(context.Background(), s1.Point, w)
		require.NoError(t, err)
		plain, err := r.RangePlain(context.Background(), r.Access(s1.Point), w)
		require.NoError(t, err)
		for m := range p.Minutes() {
			a, err := r.Depart(context.Background(), s1.Point, p.Departure(m))
			require.NoError(t, err)
			for s := range n.Stops() {
				want, _ := a.Stop(s)
				want = capped(want)
				require.Equal(t, want, p.StopTimes(s, nil)[m], "stop %d minute %d", s, m)
				require.Equal(t, want, plain.StopTimes(s, nil)[m], "plain: stop %d minute %d", s, m)
				if want > w.MaxTravel {
					want = transit.Unreachable
				}
				require.Equal(t, want, bounded.StopTimes(s, nil)[m], "bounded: stop %d minute %d", s, m)
			}
		}
	})
}

// TestRouterAfterCancel checks that a query cut short by its context
// leaves nothing behind for the next query drawing the same scratch.
func TestRouterAfterCancel(t *testing.T) {
	r, _ := cartaRouting(t)
	n := r.Network()
	home := n.Stops()[100].Point
	dest := n.Stops()[900].Point
	at := time.Date(2026, 6, 10, 16, 0, 0, 0, n.Location())
	a, err := r.Depart(context.Background(), home, at)
	require.NoError(t, err)
	want, _ := a.To(dest)
	for range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := r.Depart(ctx, n.Stops()[500].Point, at.Add(time.Hour))
		require.ErrorIs(t, err, context.Canceled)
		a, err := r.Depart(context.Background(), home, at)
		require.NoError(t, err)
		got, _ := a.To(dest)
		require.Equal(t, want, got)
	}
}

// TestJourneyLegs checks a hand-worked itinerary leg by leg: names,
// times, routes, headsigns (stop_headsign over trip_headsign), stop
// counts and walks.
func TestJourneyLegs(t *testing.T) {
	l := newLine(t)
	require.NoError(t, l.b.AddTrip(transit.Trip{ID: "r1", Route: "R1", Service: "ALL", Headsign: "Bayside", StopTimes: []transit.StopTime{
		{Stop: "A", Departure: hm(8, 0), Headsign: "Bayside via Main"}, {Stop: "B", Departure: hm(8, 10)}}}))
	l.trip(t, "r2", "R2", "ALL", "B", hm(8, 11), "C", hm(8, 20), "D", hm(8, 30))
	_, ok, j := l.route(t, transit.RouterOptions{}, time.Date(2026, 5, 13, 7, 55, 0, 0, time.UTC))
	require.True(t, ok)
	at := func(h, m int) time.Time { return time.Date(2026, 5, 13, h, m, 0, 0, time.UTC) }
	want := []transit.Leg{
		{Kind: transit.LegWalk, FromStop: -1, ToStop: 0, To: "Stop A", Depart: at(8, 0), Arrive: at(8, 0)},
		{Kind: transit.LegRide, FromStop: 0, ToStop: 1, From: "Stop A", To: "Stop B", Depart: at(8, 0), Arrive: at(8, 10),
			Route: "R1", Headsign: "Bayside via Main", Stops: 1},
		{Kind: transit.LegTransfer, FromStop: 1, ToStop: 1, From: "Stop B", To: "Stop B", Depart: at(8, 10), Arrive: at(8, 10)},
		{Kind: transit.LegRide, FromStop: 1, ToStop: 3, From: "Stop B", To: "Stop D", Depart: at(8, 11), Arrive: at(8, 30),
			Route: "R2", Headsign: "to D", Stops: 2},
		{Kind: transit.LegWalk, FromStop: 3, ToStop: -1, From: "Stop D", Depart: at(8, 30), Arrive: at(8, 30)},
	}
	assert.Equal(t, want, j.Legs)
	assert.Equal(t, at(8, 0), j.Depart)
	assert.Equal(t, at(8, 30), j.Arrive)
	assert.Equal(t, 2, j.Rides())
}
