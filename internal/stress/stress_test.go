// Package stress runs the library the way a long-lived district service
// does: many goroutines reading the current directory (nearby, text
// search, plans) while one writer ingests need requests and swaps in
// rebuilt directories. Run it under -race. It is short by default; set
// -stress.for to run longer (the issue asks for 60 s: -stress.for=60s).
package stress

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
	"github.com/wraparound/wraparound/trends"
)

var stressFor = flag.Duration("stress.for", 1500*time.Millisecond, "how long the readers and the writer run")

// version is one directory with its matcher, swapped as a unit.
type version struct {
	dir *directory.Directory
	m   *match.Matcher
	n   int
}

func build(t testing.TB, provs []directory.Provider, n int) *version {
	t.Helper()
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.Location = loc
	b.TextIndex = true
	for _, p := range provs {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	return &version{dir: d, m: m, n: n}
}

func TestReadersWhileWriting(t *testing.T) {
	provs, err := demo.Providers()
	require.NoError(t, err)
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(t, err)
	var cur atomic.Pointer[version]
	cur.Store(build(t, provs, len(provs)))
	store, err := trends.New(trends.Config{Sets: []trends.Set{{Name: demo.Neighborhoods, Regions: hoods}}, Location: loc})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), *stressFor)
	defer cancel()
	var (
		wg       sync.WaitGroup
		reads    atomic.Int64
		failures = make(chan error, 64)
	)
	fail := func(err error) {
		select {
		case failures <- err:
		default:
		}
	}
	home := func(rng *rand.Rand) orb.Point {
		return orb.Point{-85.31 + (rng.Float64()*2-1)*0.05, 35.04 + (rng.Float64()*2-1)*0.04}
	}
	words := []string{"food", "comida", "eye glasses", "tutoring", "coat"}
	for r := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 7))
			for ctx.Err() == nil {
				v := cur.Load()
				var err error
				switch rng.IntN(3) {
				case 0:
					var res []directory.Result
					res, err = v.dir.Search(directory.Query{Near: home(rng), K: 5, Categories: []string{"basic.food"}})
					if err == nil && len(res) == 0 {
						err = fmt.Errorf("no food near a Chattanooga home in version %d", v.n)
					}
				case 1:
					_, err = v.dir.SearchText(directory.TextQuery{Words: words[rng.IntN(len(words))],
						Query: directory.Query{Near: home(rng), Radius: 5000, K: 5}})
				default:
					_, err = v.m.Plan(ctx, match.Student{Home: home(rng), Needs: []match.Need{{Category: "basic.food", Severity: 2}}})
					if ctx.Err() != nil {
						err = nil
					}
				}
				if err != nil {
					fail(err)
					return
				}
				// Counts are read concurrently with ingest, too.
				if _, err := store.Counts(ctx, trends.Query{Set: demo.Neighborhoods, Category: "basic"}); err != nil && ctx.Err() == nil {
					fail(err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(99, 7))
		day := time.Date(2026, time.March, 2, 12, 0, 0, 0, loc)
		swaps := 0
		for i := 0; ctx.Err() == nil; i++ {
			if err := store.Add(trends.Request{Time: day.AddDate(0, 0, i%180), Point: home(rng), Category: "basic.food"}); err != nil {
				fail(err)
				return
			}
			if i%2000 == 1999 {
				// A day's changes: drop a provider, rebuild, swap.
				n := len(provs) - 1 - swaps%10
				cur.Store(build(t, provs[:n], n))
				swaps++
			}
		}
	}()
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
	require.Positive(t, reads.Load())
	t.Logf("%d reads in %v", reads.Load(), *stressFor)
}
