package transit_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
)

// TestStopRangesEqualRangeFrom checks profiles composed from shared
// per-stop ranges against RangeFrom run alone (itself checked against
// Depart minute by minute and the Connection Scan oracle): for homes
// near stops, the same stops reached and, at every stop and departure
// minute, the same travel time and the same least time, bounds on the
// least times (LeastBounds) that hold and name every stop, and
// TimesViaWithin exact within its limit. Windows with and without
// a travel bound, on the synthetic metro (a 4-hour after-school window,
// as cohorts use) and on CARTA (across midnight too), homes queried from
// several goroutines at once so that stop runs are shared and raced.
func TestStopRangesEqualRangeFrom(t *testing.T) {
	ctx := context.Background()
	carta, _ := cartaRouting(t)
	net, err := synth.Transit(1)
	require.NoError(t, err)
	metro, err := transit.NewRouter(net, transit.RouterOptions{})
	require.NoError(t, err)
	homes := 48
	switch {
	case raceEnabled:
		homes = 4
	case testing.Short():
		homes = 12
	}
	cases := []struct {
		name string
		r    *transit.Router
		w    transit.Window
	}{
		{"metro after school 45 min", metro, transit.Window{Date: net.Date(2026, 6, 3), Start: hm(15, 0), End: hm(19, 0), MaxTravel: 45 * time.Minute}},
		{"metro default hour 45 min", metro, transit.Window{Date: net.Date(2026, 6, 3), Start: hm(15, 30), End: hm(16, 30), MaxTravel: 45 * time.Minute}},
		{"metro saturday unbounded", metro, transit.Window{Date: net.Date(2026, 6, 13), Start: hm(9, 30), End: hm(10, 15)}},
		{"carta wednesday 30 min", carta, transit.Window{Date: carta.Network().Date(2026, 5, 27), Start: hm(15, 30), End: hm(16, 30), MaxTravel: 30 * time.Minute}},
		{"carta saturday past midnight", carta, transit.Window{Date: carta.Network().Date(2026, 5, 30), Start: hm(23, 30), End: hm(24, 20)}},
	}
	rng := rand.New(rand.NewPCG(19, 7))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stops := tc.r.Network().Stops()
			sr, err := tc.r.NewStopRanges(tc.w, 15*time.Minute)
			require.NoError(t, err)
			assert.Equal(t, tc.w, sr.Window())
			assert.Zero(t, sr.Size(), "nothing run yet")
			var origins [][]transit.StopWalk
			for len(origins) < homes {
				if a := tc.r.Access(randomPlace(rng, stops)); len(a) > 0 {
					origins = append(origins, a)
				}
			}
			// Two homes sharing stops with other walks, and one with a
			// walk past the covered one (run alone).
			o := origins[0]
			shifted := make([]transit.StopWalk, len(o))
			for i, s := range o {
				shifted[i] = transit.StopWalk{Stop: s.Stop, Walk: s.Walk + 37*time.Second}
			}
			origins = append(origins, shifted, []transit.StopWalk{{Stop: o[0].Stop, Walk: 20 * time.Minute}})
			got := make([]*transit.Profile, len(origins))
			var wg sync.WaitGroup
			errs := make([]error, len(origins))
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < len(origins); i += 4 {
						got[i], errs[i] = sr.RangeFrom(ctx, origins[i])
					}
				}()
			}
			wg.Wait()
			assert.Positive(t, sr.Size())
			for i, org := range origins {
				require.NoError(t, errs[i])
				want, err := tc.r.RangeFrom(ctx, org, tc.w)
				require.NoError(t, err)
				g := got[i]
				require.Equal(t, want.Minutes(), g.Minutes())
				// Bounds first, before anything is worked out: no
				// more than the least time, every reached stop named.
				for _, prof := range []*transit.Profile{want, g} {
					lb := map[int]time.Duration{}
					prof.LeastBounds(func(s int, d time.Duration) {
						if v, ok := lb[s]; !ok || d < v {
							lb[s] = d
						}
					})
					for _, s := range want.Reached() {
						v, ok := lb[int(s)]
						if !assert.True(t, ok, "home %d: stop %d reached without a bound", i, s) ||
							!assert.LessOrEqual(t, v, want.StopMin(int(s)), "home %d: stop %d", i, s) {
							return
						}
						if prof == want {
							assert.Equal(t, want.StopMin(int(s)), v)
						}
					}
				}
				for s := range stops {
					// Before any row is read: the least times come
					// from the runs, not the rows.
					if !assert.Equal(t, want.StopMin(s), g.StopMin(s), "home %d: stop %d least time", i, s) {
						return
					}
				}
				require.Equal(t, want.Reached(), g.Reached(), "home %d: stops reached", i)
				for s := range stops {
					if !assert.Equal(t, want.StopTimes(s, nil), g.StopTimes(s, nil), "home %d (%v): stop %d", i, org, s) {
						return
					}
				}
				assert.Equal(t, want.Departure(3), g.Departure(3))
				// RankVia on a fresh composed profile (no row read yet)
				// and on the plain one against TimesVia and a sort, for
				// destinations near the stops this home reaches; and
				// RankViaAtMost: the same when the time is within its
				// bound, false when not.
				fresh, err := sr.RangeFrom(ctx, org)
				require.NoError(t, err)
				reached := want.Reached()
				for k := range 12 {
					if len(reached) == 0 {
						break
					}
					x := stops[reached[rng.IntN(len(reached))]].Point
					eg := tc.r.Access(orb.Point{x[0] + (rng.Float64()-0.5)*0.006, x[1] + (rng.Float64()-0.5)*0.005})
					limit := time.Duration(15+rng.IntN(35))*time.Minute + time.Duration(rng.IntN(60))*time.Second
					M := want.Minutes()
					rank := []int{0, (M+1)/2 - 1, (9*M+9)/10 - 1, M - 1, rng.IntN(M)}[k%5]
					wantR := rankOracle(want.TimesVia(eg, nil), limit, rank)
					if tc.w.MaxTravel == 0 || limit <= tc.w.MaxTravel {
						// Within the window's bound arrivals never come
						// earlier later on: the changes are the distinct ones.
						distinct := map[time.Duration]bool{}
						for m, v := range want.TimesVia(eg, nil) {
							if v <= limit {
								distinct[time.Duration(m)*time.Minute+v] = true
							}
						}
						require.Len(t, distinct, wantR.Arrivals, "home %d: egress %v limit %v", i, eg, limit)
					}
					atMost := time.Duration(rng.Int64N(int64(limit) + int64(time.Minute)))
					for _, prof := range []*transit.Profile{fresh, want, g} {
						require.Equal(t, wantR, prof.RankVia(eg, limit, rank), "home %d: egress %v limit %v rank %d", i, eg, limit, rank)
						got, ok := prof.RankViaAtMost(eg, limit, rank, atMost)
						if wantR.Time <= atMost {
							require.True(t, ok, "home %d: egress %v at most %v", i, eg, atMost)
							require.Equal(t, wantR, got, "home %d: egress %v at most %v", i, eg, atMost)
						} else {
							require.False(t, ok, "home %d: egress %v at most %v: %v", i, eg, atMost, got)
						}
					}
				}
				// Within a limit, TimesViaWithin gives TimesVia's times;
				// past it, Unreachable or a time past it.
				for k := range 20 {
					var eg []transit.StopWalk
					for range 1 + k%3 {
						eg = append(eg, transit.StopWalk{Stop: rng.IntN(len(stops)), Walk: time.Duration(rng.IntN(600)) * time.Second})
					}
					limit := time.Duration(10+rng.IntN(40)) * time.Minute
					full := want.TimesVia(eg, nil)
					for _, prof := range []*transit.Profile{want, g} {
						within := prof.TimesViaWithin(eg, limit, nil)
						require.Len(t, within, len(full))
						for m, v := range full {
							if v <= limit {
								require.Equal(t, v, within[m], "home %d: egress %v minute %d", i, eg, m)
							} else {
								require.Greater(t, within[m], limit, "home %d: egress %v minute %d", i, eg, m)
							}
						}
					}
				}
			}
		})
	}
}

// TestStopRangesErrors checks the window, walk and origin checks, and
// that a cancelled context leaves nothing half-run behind.
func TestStopRangesErrors(t *testing.T) {
	net, err := synth.Transit(1)
	require.NoError(t, err)
	r, err := transit.NewRouter(net, transit.RouterOptions{})
	require.NoError(t, err)
	day := net.Date(2026, 6, 3)
	_, err = r.NewStopRanges(transit.Window{Date: day, Start: hm(16, 0), End: hm(15, 0)}, time.Minute)
	assert.ErrorIs(t, err, transit.ErrBadWindow)
	_, err = r.NewStopRanges(transit.Window{Date: day, Start: hm(15, 0), End: hm(16, 0)}, -time.Minute)
	assert.ErrorIs(t, err, transit.ErrBadOptions)
	_, err = r.NewStopRanges(transit.Window{Date: net.Date(2030, 6, 3), Start: hm(15, 0), End: hm(16, 0)}, time.Minute)
	assert.ErrorIs(t, err, transit.ErrOutsideService)

	w := transit.Window{Date: day, Start: hm(15, 0), End: hm(16, 0), MaxTravel: 45 * time.Minute}
	sr, err := r.NewStopRanges(w, 15*time.Minute)
	require.NoError(t, err)
	_, err = sr.RangeFrom(context.Background(), []transit.StopWalk{{Stop: -1}, {Stop: 0, Walk: -time.Second}})
	assert.ErrorIs(t, err, transit.ErrUnknownStop)
	assert.ErrorIs(t, err, transit.ErrNegativeWalk)

	origins := []transit.StopWalk{{Stop: 3, Walk: 2 * time.Minute}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = sr.RangeFrom(ctx, origins)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	got, err := sr.RangeFrom(context.Background(), origins)
	require.NoError(t, err)
	want, err := r.RangeFrom(context.Background(), origins, w)
	require.NoError(t, err)
	assert.Equal(t, want.Reached(), got.Reached())
	for _, s := range want.Reached() {
		assert.Equal(t, want.StopTimes(int(s), nil), got.StopTimes(int(s), nil))
	}
}

// rankOracle is RankVia worked out plainly from every minute's time:
// times past limit count as Unreachable, then a sort, a search for the
// first minute, and a count of arrival changes.
func rankOracle(times []time.Duration, limit time.Duration, rank int) transit.Ranked {
	ts := slices.Clone(times)
	for m, v := range ts {
		if v > limit {
			ts[m] = transit.Unreachable
		}
	}
	sorted := slices.Sorted(slices.Values(ts))
	r := transit.Ranked{Time: sorted[rank]}
	r.Minute = slices.Index(ts, r.Time)
	// Arrivals: a new one wherever the arrival differs from the last
	// minute's within the limit.
	var arrivals []time.Duration
	for m, v := range ts {
		if v != transit.Unreachable {
			arrivals = append(arrivals, time.Duration(m)*time.Minute+v)
		}
	}
	r.Arrivals = len(slices.Compact(arrivals))
	return r
}

// TestComposedProfileConcurrent reads one composed profile from several
// goroutines at once — bounds, rows and ranks, before and after it lists
// its stops' origins — and checks every answer against the same reads
// made alone on a twin profile (run it under -race).
func TestComposedProfileConcurrent(t *testing.T) {
	ctx := context.Background()
	net, err := synth.Transit(1)
	require.NoError(t, err)
	r, err := transit.NewRouter(net, transit.RouterOptions{})
	require.NoError(t, err)
	w := transit.Window{Date: net.Date(2026, 6, 3), Start: hm(15, 0), End: hm(17, 0), MaxTravel: 45 * time.Minute}
	sr, err := r.NewStopRanges(w, 15*time.Minute)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(31, 7))
	stops := net.Stops()
	var home []transit.StopWalk
	for len(home) == 0 {
		home = r.Access(randomPlace(rng, stops))
	}
	var places [][]transit.StopWalk
	for len(places) < 120 {
		if eg := r.Access(randomPlace(rng, stops)); len(eg) > 0 {
			places = append(places, eg)
		}
	}
	twin, err := sr.RangeFrom(ctx, home)
	require.NoError(t, err)
	want := make([]transit.Ranked, len(places))
	for i, eg := range places {
		want[i] = twin.RankVia(eg, 45*time.Minute, 59)
	}
	p, err := sr.RangeFrom(ctx, home)
	require.NoError(t, err)
	got := make([]transit.Ranked, len(places))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(places); i += 4 {
				got[i] = p.RankVia(places[i], 45*time.Minute, 59)
				_ = p.StopMin(places[i][0].Stop)
				_ = p.Size()
			}
			if g == 0 {
				p.LeastBounds(func(int, time.Duration) {})
			}
		}()
	}
	wg.Wait()
	require.Equal(t, want, got)
}
