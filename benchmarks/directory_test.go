package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/synth"
)

var (
	synthOnce sync.Once
	synthDir  *directory.Directory
	synthProv []directory.Provider
)

// synthDirectory returns the shared 100,000-provider synthetic directory.
func synthDirectory(tb testing.TB) (*directory.Directory, []directory.Provider) {
	synthOnce.Do(func() {
		synthProv = synth.Providers(1, 100_000)
		b := directory.NewBuilder()
		for _, p := range synthProv {
			b.Add(p)
		}
		d, err := b.Build(context.Background())
		if err != nil {
			panic(err)
		}
		synthDir = d
	})
	return synthDir, synthProv
}

// nearbyQuery is the benchmark's query: the nearest 10 in a category, open
// at a time, for an age.
func nearbyQuery(rng *rand.Rand) directory.Query {
	cats := synth.Categories()
	at := time.Date(2026, 6, 3, 8+rng.IntN(10), 0, 0, 0, time.UTC).In(time.FixedZone("EDT", -4*3600))
	return directory.Query{
		Near:       synth.Point(rng, 0),
		K:          10,
		Categories: []string{cats[rng.IntN(len(cats))]},
		OpenAt:     at,
		Age:        5 + rng.IntN(13),
	}
}

// scanSearch answers q by checking every provider: the baseline.
func scanSearch(d *directory.Directory, q directory.Query) []directory.Result {
	keep, err := d.Filter(q)
	if err != nil {
		panic(err)
	}
	var out []directory.Result
	for p := range d.All() {
		if p.Unplaced || !keep(p) {
			continue
		}
		dist := geo.Distance(q.Near, p.Point)
		if q.Radius > 0 && dist > q.Radius {
			continue
		}
		out = append(out, directory.Result{Provider: p, Distance: dist, Walk: geo.WalkTime(dist)})
	}
	slices.SortFunc(out, func(a, b directory.Result) int {
		if a.Distance != b.Distance {
			if a.Distance < b.Distance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Provider.ID, b.Provider.ID)
	})
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	return out
}

func TestNearbyIndexMatchesScan(t *testing.T) {
	d, _ := synthDirectory(t)
	rng := rand.New(rand.NewPCG(7, 7))
	n := 300
	if short() {
		n = 50
	}
	for i := 0; i < n; i++ {
		q := nearbyQuery(rng)
		if i%3 == 0 {
			q.K = 0
			q.Radius = geo.Meters(500 + rng.IntN(3000))
		}
		got, err := d.Search(q)
		require.NoError(t, err)
		want := scanSearch(d, q)
		require.Equal(t, ids(want), ids(got), "query %d: %+v", i, q)
	}
}

func ids(rs []directory.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Provider.ID
	}
	return out
}

func BenchmarkNearby(b *testing.B) {
	d, _ := synthDirectory(b)
	const n = 100_000
	queries := make([]directory.Query, 1024)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range queries {
		queries[i] = nearbyQuery(rng)
	}
	b.Run(fmt.Sprintf("n=%d/index", n), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := d.Search(queries[i%len(queries)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
		// The mean hides a long tail of queries few providers can
		// answer (an age few programs take, an hour few are open);
		// report the median and the 99th percentile too.
		b.StopTimer()
		per := make([]time.Duration, len(queries))
		for j, q := range queries {
			start := time.Now()
			for range 5 {
				d.Search(q)
			}
			per[j] = time.Since(start) / 5
		}
		slices.Sort(per)
		b.ReportMetric(float64(per[len(per)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(per[len(per)*99/100].Nanoseconds()), "p99-ns")
	})
	b.Run(fmt.Sprintf("n=%d/scan", n), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			scanSearch(d, queries[i%len(queries)])
			i++
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	provs := synth.Providers(1, 100_000)
	b.Run("n=100000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bl := directory.NewBuilder()
			for _, p := range provs {
				bl.Add(p)
			}
			if _, err := bl.Build(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
