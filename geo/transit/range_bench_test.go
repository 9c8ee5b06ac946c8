package transit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
)

// TestRangeEqualsPlain checks that Range (minute skipping, changed-label
// copies, sparse rows) answers exactly as the plain rRAPTOR loop
// (RangePlain: rounds at every minute, every stop written) for every
// stop and minute, on 24 homes of the synthetic metro over a 2½-hour
// weekday window and a 3-hour Saturday one.
func TestRangeEqualsPlain(t *testing.T) {
	r, homes := metroRouting(t)
	n := r.Network()
	windows := []transit.Window{
		{Date: n.Date(2026, 6, 10), Start: hm(14, 30), End: hm(17, 0)},
		{Date: n.Date(2026, 6, 13), Start: hm(9, 0), End: hm(12, 0)},
	}
	if testing.Short() || raceEnabled {
		homes, windows = homes[:3], windows[:1]
	}
	for _, w := range windows {
		for _, h := range homes {
			acc := r.Access(h)
			p, err := r.RangeFrom(context.Background(), acc, w)
			require.NoError(t, err)
			q, err := r.RangePlain(context.Background(), acc, w)
			require.NoError(t, err)
			for s := range n.Stops() {
				require.Equal(t, q.StopTimes(s, nil), p.StopTimes(s, nil), "stop %d from %v over %+v", s, h, w)
			}
		}
	}
}

// metroRouting returns a router over the synthetic metro and 24 seeded
// homes within a few hundred meters of its stops.
func metroRouting(tb testing.TB) (*transit.Router, []orb.Point) {
	tb.Helper()
	net, err := synth.Transit(1)
	require.NoError(tb, err)
	r, err := transit.NewRouter(net, transit.RouterOptions{})
	require.NoError(tb, err)
	rng := rand.New(rand.NewPCG(24, 2))
	var homes []orb.Point
	for range 24 {
		homes = append(homes, randomPlace(rng, net.Stops()))
	}
	return r, homes
}

// BenchmarkRangePlain times Range beside RangePlain (the loop before
// minute skipping, changed-label copies and sparse rows) on the synthetic
// metro and on CARTA, for 60-, 150- and 240-minute weekday windows from
// 24 homes, without a bound and with a 45-minute MaxTravel. cpu-ns/op is
// the process's CPU time per query, steadier than wall time on a shared
// machine.
func BenchmarkRangePlain(b *testing.B) {
	metro, metroHomes := metroRouting(b)
	carta, _ := cartaRouting(b)
	rng := rand.New(rand.NewPCG(24, 3))
	var cartaHomes []orb.Point
	for range 24 {
		cartaHomes = append(cartaHomes, randomPlace(rng, carta.Network().Stops()))
	}
	ctx := context.Background()
	nets := []struct {
		name  string
		r     *transit.Router
		homes []orb.Point
	}{{"synth", metro, metroHomes}, {"carta", carta, cartaHomes}}
	for _, nt := range nets {
		r, homes := nt.r, nt.homes
		for _, mins := range []int{60, 150, 240} {
			w := transit.Window{Date: r.Network().Date(2026, 6, 10), Start: hm(15, 0), End: hm(15, 0) + time.Duration(mins)*time.Minute}
			run := func(name string, f func(acc []transit.StopWalk) (*transit.Profile, error)) {
				b.Run(fmt.Sprintf("%s/range-%dmin/%s", nt.name, mins, name), func(b *testing.B) {
					b.ReportAllocs()
					i, size := 0, 0
					cpu0 := cpuTime()
					for b.Loop() {
						p, err := f(r.Access(homes[i%len(homes)]))
						if err != nil {
							b.Fatal(err)
						}
						size += p.Size()
						i++
					}
					b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
					b.ReportMetric(float64(size)/float64(i), "profile-bytes")
				})
			}
			run("plain", func(acc []transit.StopWalk) (*transit.Profile, error) { return r.RangePlain(ctx, acc, w) })
			run("range", func(acc []transit.StopWalk) (*transit.Profile, error) { return r.RangeFrom(ctx, acc, w) })
			w45 := w
			w45.MaxTravel = 45 * time.Minute
			run("range-max-travel-45m", func(acc []transit.StopWalk) (*transit.Profile, error) { return r.RangeFrom(ctx, acc, w45) })
		}
	}
}

// BenchmarkStopRanges times a cohort's range queries composed from shared
// per-stop runs (StopRanges.RangeFrom) beside each run alone (RangeFrom),
// on the synthetic metro with a 45-minute MaxTravel, for the default
// 60-minute and the 240-minute after-school weekday windows: one op is one
// home of 2,000 (cycled) and the travel times to 300 stops read as a
// candidate search reads them (TimesVia), so the lazy rows are paid for.
// The shared ranges are made once for the benchmark, as Assign makes them
// once per cohort, and their per-stop runs done before the timing: the
// runs' one-off CPU time is reported as runs-cpu-s, their memory as
// runs-MB. cpu-ns/op is the
// process's CPU time per op.
func BenchmarkStopRanges(b *testing.B) {
	r, _ := metroRouting(b)
	n := r.Network()
	rng := rand.New(rand.NewPCG(24, 5))
	homes := cohortAccess(r, rng, 2000)
	reads := make([][]transit.StopWalk, 300)
	for i := range reads {
		reads[i] = []transit.StopWalk{{Stop: rng.IntN(len(n.Stops())), Walk: 3 * time.Minute}}
	}
	ctx := context.Background()
	for _, mins := range []int{60, 240} {
		w := transit.Window{Date: n.Date(2026, 6, 10), Start: hm(15, 0), End: hm(15, 0) + time.Duration(mins)*time.Minute, MaxTravel: 45 * time.Minute}
		sr, err := r.NewStopRanges(w, 15*time.Minute)
		require.NoError(b, err)
		cpu0 := cpuTime()
		for _, acc := range homes {
			_, err := sr.RangeFrom(ctx, acc)
			require.NoError(b, err)
		}
		runs := cpuTime() - cpu0
		run := func(name string, f func(acc []transit.StopWalk) (*transit.Profile, error)) {
			b.Run(fmt.Sprintf("range-%dmin/%s", mins, name), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				var buf []time.Duration
				cpu0 := cpuTime()
				for b.Loop() {
					p, err := f(homes[i%len(homes)])
					if err != nil {
						b.Fatal(err)
					}
					for _, e := range reads {
						buf = p.TimesVia(e, buf[:0])
					}
					i++
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
				if name == "shared" {
					b.ReportMetric(runs.Seconds(), "runs-cpu-s")
					b.ReportMetric(float64(sr.Size())/(1<<20), "runs-MB")
				}
			})
		}
		run("alone", func(acc []transit.StopWalk) (*transit.Profile, error) { return r.RangeFrom(ctx, acc, w) })
		run("shared", func(acc []transit.StopWalk) (*transit.Profile, error) { return sr.RangeFrom(ctx, acc) })
	}
}

// BenchmarkRankVia times what a cohort's candidate search asks of a
// home's composed profile: the median travel time, its first minute and
// the arrivals, to 300 places near stops of the synthetic metro (egress
// from Access, about ten stops each), over the 240-minute after-school
// window with a 45-minute MaxTravel and limit. One op is one home (of
// 2,000, cycled) with a fresh profile, so the rows read are composed in
// the op. rankvia is Profile.RankVia; rankvia-atmost-25m is
// RankViaAtMost for a search that needs only medians within 25 minutes;
// the baseline, timesvia-select, is
// what a search did before it: every stop's row read with
// TimesViaWithin, a copy of the times selected with the same selection,
// the first minute and the arrivals counted.
func BenchmarkRankVia(b *testing.B) {
	r, _ := metroRouting(b)
	n := r.Network()
	rng := rand.New(rand.NewPCG(24, 6))
	homes := cohortAccess(r, rng, 2000)
	var places [][]transit.StopWalk
	for len(places) < 300 {
		if eg := r.Access(randomPlace(rng, n.Stops())); len(eg) > 0 {
			places = append(places, eg)
		}
	}
	ctx := context.Background()
	limit := 45 * time.Minute
	w := transit.Window{Date: n.Date(2026, 6, 10), Start: hm(15, 0), End: hm(19, 0), MaxTravel: limit}
	sr, err := r.NewStopRanges(w, 15*time.Minute)
	require.NoError(b, err)
	for _, acc := range homes {
		_, err := sr.RangeFrom(ctx, acc)
		require.NoError(b, err)
	}
	rank := (240+1)/2 - 1
	for _, name := range []string{"rankvia", "rankvia-atmost-25m", "timesvia-select"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			var buf, sel []time.Duration
			var sum time.Duration
			for b.Loop() {
				p, err := sr.RangeFrom(ctx, homes[i%len(homes)])
				if err != nil {
					b.Fatal(err)
				}
				for _, eg := range places {
					switch name {
					case "rankvia":
						sum += p.RankVia(eg, limit, rank).Time
						continue
					case "rankvia-atmost-25m":
						r, _ := p.RankViaAtMost(eg, limit, rank, 25*time.Minute)
						sum += r.Time
						continue
					}
					// As a search did before RankVia: every row, a copy
					// selected, the first minute, the arrivals.
					buf = p.TimesViaWithin(eg, limit, buf[:0])
					sel = append(sel[:0], buf...)
					t := transit.Kth(sel, rank)
					arrivals, last := 0, time.Duration(-1)
					for m, v := range buf {
						if a := time.Duration(m)*time.Minute + v; v <= limit && a != last {
							arrivals, last = arrivals+1, a
						}
					}
					sum += t + time.Duration(slices.Index(buf, t)+arrivals)
				}
				i++
			}
			if sum == 0 {
				b.Log("no place reached")
			}
		})
	}
}

// cohortAccess draws n homes across the synthetic metro's population
// centers with a stop in reach, as their stops and walks.
func cohortAccess(r *transit.Router, rng *rand.Rand, n int) [][]transit.StopWalk {
	var homes [][]transit.StopWalk
	for len(homes) < n {
		if acc := r.Access(synth.Point(rng, 0)); len(acc) > 0 {
			homes = append(homes, acc)
		}
	}
	return homes
}
