package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/csa"
	"github.com/wraparound/wraparound/internal/synth"
)

// routeQuery is one rider's question: from home at a local time.
type routeQuery struct {
	home orb.Point
	at   time.Time
	day  int // index in the week, 0 = Monday
	secs int32
}

var (
	routeOnce    sync.Once
	routeRouter  *transit.Router
	routeOracle  *csa.Feed
	routeDays    [7]*csa.Day
	routeQueries []routeQuery
)

// routeSetup builds the router, the tests' independent oracle
// (internal/csa) and a query mix of real users: homes sampled in
// Chattanooga's neighborhoods, every day of the week of 8 June 2026,
// weekdays 15:00–19:00 (after school), weekends 09:00–18:00.
func routeSetup(tb testing.TB) {
	routeOnce.Do(func() {
		n := cartaNetwork(tb)
		var err error
		routeRouter, err = transit.NewRouter(n, transit.RouterOptions{})
		require.NoError(tb, err)
		routeOracle, err = csa.Read(demo.CARTAFeed(), csa.Options{MaxWalk: 800, TransferWalk: 400, Slack: 60, MaxRides: 4})
		require.NoError(tb, err)
		for d := range 7 {
			routeDays[d] = routeOracle.Day(2026, time.June, 8+d)
		}
		homes := cityPoints(tb, 512)
		rng := rand.New(rand.NewPCG(8, 6))
		for i, h := range homes {
			d := i % 7
			var secs int32
			if d < 5 {
				secs = int32(15*3600 + rng.IntN(4*3600))
			} else {
				secs = int32(9*3600 + rng.IntN(9*3600))
			}
			at := routeDays[d].Start.Add(time.Duration(secs) * time.Second)
			routeQueries = append(routeQueries, routeQuery{home: h, at: at, day: d, secs: secs})
		}
	})
}

// TestRouteBenchmarkAgreesWithOracle checks that the subject and the
// baseline of BenchmarkRoute answer the same: every stop's arrival for
// the first queries of the mix.
func TestRouteBenchmarkAgreesWithOracle(t *testing.T) {
	routeSetup(t)
	n := routeRouter.Network()
	for _, q := range routeQueries[:40] {
		a, err := routeRouter.Depart(context.Background(), q.home, q.at)
		require.NoError(t, err)
		want := routeDays[q.day].Run(routeOracle.Access(q.home), q.secs)
		for s := range n.Stops() {
			got, ok := a.Stop(s)
			if want[s] == csa.Inf {
				require.False(t, ok, "stop %d from %v at %v", s, q.home, q.at)
				continue
			}
			require.Equal(t, time.Duration(want[s]-q.secs)*time.Second, got, "stop %d from %v at %v", s, q.home, q.at)
		}
	}
}

// BenchmarkRoute times the router on CARTA. one-to-all: one home to every
// stop for one departure (RAPTOR, up to 4 rides); baseline: the tests'
// independent round-by-round Connection Scan answering the same queries;
// range-60min: every departure minute of an hour from one home
// (rRAPTOR), reporting the profile's mean bytes (rows of reached stops
// only: a home out of reach keeps none). p50/p99 time each query once
// while cycling through the mix.
func BenchmarkRoute(b *testing.B) {
	routeSetup(b)
	ctx := context.Background()
	b.Run("carta/one-to-all", func(b *testing.B) {
		b.ReportAllocs()
		var took []time.Duration
		i := 0
		for b.Loop() {
			q := routeQueries[i%len(routeQueries)]
			start := time.Now()
			if _, err := routeRouter.Depart(ctx, q.home, q.at); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
			i++
		}
		reportPercentiles(b, took)
	})
	b.Run("carta/baseline", func(b *testing.B) {
		b.ReportAllocs()
		var took []time.Duration
		i := 0
		for b.Loop() {
			q := routeQueries[i%len(routeQueries)]
			start := time.Now()
			routeDays[q.day].Run(routeOracle.Access(q.home), q.secs)
			took = append(took, time.Since(start))
			i++
		}
		reportPercentiles(b, took)
	})
	b.Run("carta/range-60min", func(b *testing.B) {
		b.ReportAllocs()
		var took []time.Duration
		size := 0
		i := 0
		for b.Loop() {
			q := routeQueries[i%len(routeQueries)]
			start := time.Now()
			w := transit.Window{Date: q.at, Start: time.Duration(q.secs) * time.Second}
			w.End = w.Start + time.Hour
			p, err := routeRouter.Range(ctx, q.home, w)
			if err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
			size += p.Size()
			i++
		}
		reportPercentiles(b, took)
		b.ReportMetric(float64(size)/float64(i), "profile-bytes")
	})
}

var (
	synthRouteOnce    sync.Once
	synthRouteRouter  *transit.Router
	synthRouteQueries []routeQuery
)

// synthRouteSetup builds the router over the synthetic metro
// (internal/synth.Transit, ~2,000 stops) and 512 homes: a stop's place
// moved up to ~400 m, weekdays of the week of 8 June 2026 from 15:00–17:00.
func synthRouteSetup(tb testing.TB) {
	synthRouteOnce.Do(func() {
		n, err := synth.Transit(1)
		require.NoError(tb, err)
		synthRouteRouter, err = transit.NewRouter(n, transit.RouterOptions{})
		require.NoError(tb, err)
		rng := rand.New(rand.NewPCG(8, 7))
		stops := n.Stops()
		for i := range 512 {
			s := stops[rng.IntN(len(stops))].Point
			home := orb.Point{s[0] + (rng.Float64()-0.5)*0.008, s[1] + (rng.Float64()-0.5)*0.006}
			d := i % 5
			secs := int32(15*3600 + rng.IntN(2*3600))
			date := n.Date(2026, time.June, 8+d)
			synthRouteQueries = append(synthRouteQueries, routeQuery{home: home, at: date, day: d, secs: secs})
		}
	})
}

// BenchmarkRange times range queries (rRAPTOR over every departure minute
// of a window) from homes on CARTA and on the synthetic metro, for
// windows of 60, 150 and 240 minutes: plain (no travel bound) beside a
// 45-minute MaxTravel, as a plan with a 45-minute limit asks. It reports
// the profile's bytes and the CPU time per query (cpu-ns/op: user and
// system time of the process, steadier than wall time on a shared machine).
func BenchmarkRange(b *testing.B) {
	routeSetup(b)
	synthRouteSetup(b)
	ctx := context.Background()
	nets := []struct {
		name    string
		r       *transit.Router
		queries []routeQuery
	}{
		{"carta", routeRouter, routeQueries},
		{"synth", synthRouteRouter, synthRouteQueries},
	}
	for _, nt := range nets {
		for _, mins := range []int{60, 150, 240} {
			for _, horizon := range []time.Duration{0, 45 * time.Minute} {
				name := fmt.Sprintf("%s/range-%dmin/plain", nt.name, mins)
				if horizon > 0 {
					name = fmt.Sprintf("%s/range-%dmin/max-travel-%v", nt.name, mins, horizon)
				}
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					size, i := 0, 0
					cpu0 := cpuTime()
					for b.Loop() {
						q := nt.queries[i%len(nt.queries)]
						w := rangeWindow(q, mins, horizon)
						p, err := nt.r.Range(ctx, q.home, w)
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
		}
	}
}

// rangeWindow is the window of mins minutes from q's time of day on q's
// date, bounded by horizon (0: none).
func rangeWindow(q routeQuery, mins int, horizon time.Duration) transit.Window {
	start := time.Duration(q.secs) * time.Second
	return transit.Window{Date: q.at, Start: start, End: start + time.Duration(mins)*time.Minute, MaxTravel: horizon}
}
