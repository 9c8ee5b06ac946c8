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

	"github.com/stretchr/testify/assert"
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

// nearbyQuery is the old mix's query: the nearest 10 in a leaf category
// to a point of the provider mixture, open at 08:00–17:00 UTC on Wednesday
// 3 June 2026 (04:00–13:00 in the directory's zone, 40% of them before
// 08:00), for an age of 5–17. It stays beside the district mix so the two
// can be compared.
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

// oldNearbyQueries draws n queries of the old mix.
func oldNearbyQueries(n int) []directory.Query {
	rng := rand.New(rand.NewPCG(3, 3))
	out := make([]directory.Query, n)
	for i := range out {
		out[i] = nearbyQuery(rng)
	}
	return out
}

// districtNearbyQueries draws n queries of the district mix.
func districtNearbyQueries(tb testing.TB, seed uint64, n int) []directory.Query {
	mix := districtQueries(tb, seed, n)
	out := make([]directory.Query, n)
	for i, m := range mix {
		out[i] = m.Query
	}
	return out
}

// scanSearch answers q by checking every provider's public fields
// (scanKeeps) and sorting the survivors by distance, ties by ID: the
// baseline, sharing no code with the index.
func scanSearch(d *directory.Directory, q directory.Query) []directory.Result {
	var out []directory.Result
	for p := range d.All() {
		if p.Unplaced() || !scanKeeps(p, &q) {
			continue
		}
		dist := geo.Distance(q.Near, p.Point())
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
		return strings.Compare(a.Provider.ID(), b.Provider.ID())
	})
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	return out
}

// TestNearbyIndexMatchesScan checks the index against the scan on both
// mixes, a third of the queries turned into radius-only queries (K 0, all
// within 0.5–3.5 km). The district mix carries the language, free,
// wheelchair and radius filters; the test asserts each is exercised.
func TestNearbyIndexMatchesScan(t *testing.T) {
	d, _ := synthDirectory(t)
	n := 300
	if short() {
		n = 50
	}
	for _, tc := range []struct {
		name    string
		queries []directory.Query
	}{
		{"mix=old", oldNearbyQueries(n)},
		{"mix=district", districtNearbyQueries(t, 7, n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			var lang, free, wheel, radius, found int
			for i, q := range tc.queries {
				if i%3 == 0 {
					q.K = 0
					q.Radius = geo.Meters(500 + rng.IntN(3000))
				}
				got, err := d.Search(q)
				require.NoError(t, err)
				want := scanSearch(d, q)
				require.Equal(t, ids(want), ids(got), "query %d: %+v", i, q)
				lang += b2i(q.Language != "")
				free += b2i(q.FreeOnly)
				wheel += b2i(q.Wheelchair)
				radius += b2i(q.Radius > 0 && q.K > 0)
				found += b2i(len(got) > 0)
			}
			assert.Greater(t, found, n/2, "most queries should find providers")
			if tc.name == "mix=district" {
				for name, c := range map[string]int{"language": lang, "free": free, "wheelchair": wheel, "radius with k": radius} {
					assert.Positive(t, c, "no %s filter in %d queries", name, n)
				}
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ids(rs []directory.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Provider.ID()
	}
	return out
}

// BenchmarkNearby times Search for the 10 nearest on both mixes and the
// scan baseline on the district mix; each query is timed once per pass
// through its mix of mixSize queries (p50, p90, p99 beside the mean).
func BenchmarkNearby(b *testing.B) {
	d, _ := synthDirectory(b)
	const n = 100_000
	mixes := []struct {
		name    string
		queries []directory.Query
	}{
		{"old", oldNearbyQueries(mixSize)},
		{"district", districtNearbyQueries(b, 3, mixSize)},
	}
	for _, mix := range mixes {
		b.Run(fmt.Sprintf("n=%d/index/mix=%s", n, mix.name), func(b *testing.B) {
			timeEach(b, len(mix.queries), func(i int) error {
				_, err := d.Search(mix.queries[i])
				return err
			})
		})
	}
	district := mixes[1].queries
	b.Run(fmt.Sprintf("n=%d/scan/mix=district", n), func(b *testing.B) {
		timeEach(b, len(district), func(i int) error {
			scanSearch(d, district[i])
			return nil
		})
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
