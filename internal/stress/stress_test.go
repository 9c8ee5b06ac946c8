// Package stress runs the library the way a long-lived district service
// does: many goroutines reading the current directory (nearby, text
// search, plans) while one writer ingests need requests and swaps in
// rebuilt directories, or applies batches of changes to the newest
// version. Run it under -race. It is short by default; set
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

// home draws a sample point in central Chattanooga.
func home(rng *rand.Rand) orb.Point {
	return orb.Point{-85.31 + (rng.Float64()*2-1)*0.05, 35.04 + (rng.Float64()*2-1)*0.04}
}

// words are what readers search for.
var words = []string{"food", "comida", "eye glasses", "tutoring", "coat"}

// failures keeps the first problems the goroutines of a test meet.
type failures chan error

func newFailures() failures { return make(chan error, 64) }

func (f failures) add(err error) {
	select {
	case f <- err:
	default:
	}
}

// report fails t with every problem kept; call it once all goroutines
// are done.
func (f failures) report(t *testing.T) {
	close(f)
	for err := range f {
		t.Error(err)
	}
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
		wg    sync.WaitGroup
		reads atomic.Int64
		errs  = newFailures()
	)
	fail := errs.add
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
	errs.report(t)
	require.Positive(t, reads.Load())
	t.Logf("%d reads in %v", reads.Load(), *stressFor)
}

// live is one directory version with its rebased matcher, published as a
// unit.
type live struct {
	dir *directory.Directory
	m   *match.Matcher
}

// TestReadersWhileApplying runs 8 readers (Search, SearchText, Plan) on
// the newest version while one writer applies batches of changes (seats
// taken and freed, hours, providers added, moved and removed) and rebases
// the matcher. Readers never wait for the writer: they keep completing
// reads while each batch is applied. Every answer is consistent with the
// version it was asked of.
func TestReadersWhileApplying(t *testing.T) {
	provs, err := demo.Providers()
	require.NoError(t, err)
	v0 := build(t, provs, len(provs))
	var cur atomic.Pointer[live]
	cur.Store(&live{dir: v0.dir, m: v0.m})
	lv := directory.NewLive(v0.dir)

	ctx, cancel := context.WithTimeout(context.Background(), *stressFor)
	defer cancel()
	var (
		wg    sync.WaitGroup
		reads atomic.Int64
		errs  = newFailures()
	)
	fail := errs.add
	// mine reports whether p is the version's own provider value.
	mine := func(d *directory.Directory, p directory.Listing) bool {
		q, ok := d.Provider(p.ID())
		return ok && q == p
	}
	for r := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 11))
			for ctx.Err() == nil {
				v := cur.Load()
				var err error
				switch rng.IntN(3) {
				case 0:
					var res []directory.Result
					res, err = v.dir.Search(directory.Query{Near: home(rng), K: 5, Categories: []string{"basic.food"}, HasSeats: rng.IntN(2) == 0})
					for _, x := range res {
						if !mine(v.dir, x.Provider) {
							err = fmt.Errorf("search answered with provider %s of another version", x.Provider.ID())
						}
					}
				case 1:
					var res *directory.TextResults
					res, err = v.dir.SearchText(directory.TextQuery{Words: words[rng.IntN(len(words))],
						Query: directory.Query{Near: home(rng), Radius: 5000, K: 5}})
					if err == nil {
						for _, h := range res.Hits {
							if !mine(v.dir, h.Provider) {
								err = fmt.Errorf("text search answered with provider %s of another version", h.Provider.ID())
							}
						}
					}
				default:
					var p *match.Plan
					p, err = v.m.Plan(ctx, match.Student{Home: home(rng), Needs: []match.Need{{Category: "basic.food", Severity: 2}}})
					if ctx.Err() != nil {
						err = nil
					} else if err == nil {
						for _, it := range p.Items {
							for _, x := range it.Matches {
								if !mine(v.dir, x.Provider) {
									err = fmt.Errorf("plan proposed provider %s of another version", x.Provider.ID())
								}
							}
						}
					}
				}
				if err != nil {
					fail(err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	var during atomic.Int64 // reads completed while a batch was applied
	batches := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(99, 11))
		ids := make([]string, 0, len(provs))
		for _, p := range provs {
			ids = append(ids, p.ID)
		}
		added := 0
		for ctx.Err() == nil {
			var cs []directory.Change
			d := lv.Load()
			for range 20 {
				id := ids[rng.IntN(len(ids))]
				p, ok := d.Provider(id)
				if !ok {
					continue
				}
				switch rng.IntN(6) {
				case 0:
					cs = append(cs, directory.Enroll(id, 1))
				case 1:
					if p.Enrolled() > 0 {
						cs = append(cs, directory.Enroll(id, -1))
					}
				case 2:
					cs = append(cs, directory.SetSeats(id, 10+rng.IntN(20), rng.IntN(10)))
				case 3:
					h := p.Hours()
					h.Week[time.Saturday] = []directory.Span{{Open: 9 * time.Hour, Close: 12 * time.Hour}}
					cs = append(cs, directory.SetHours(id, h))
				case 4:
					q := p.Provider()
					q.Point = home(rng)
					q.Regions = nil
					cs = append(cs, directory.Replace(q))
				default:
					added++
					q := p.Provider()
					q.ID = fmt.Sprintf("%s-copy%d", id, added)
					q.Point, q.Regions = home(rng), nil
					cs = append(cs, directory.Add(q))
					ids = append(ids, q.ID)
				}
			}
			if rng.IntN(4) == 0 && len(cs) > 0 {
				// A provider closes for good (if the batch leaves it alone).
				id := ids[rng.IntN(len(ids))]
				touched := false
				for _, c := range cs {
					touched = touched || c.ID == id
				}
				if _, ok := d.Provider(id); ok && !touched {
					cs = append(cs, directory.Remove(id))
				}
			}
			before := reads.Load()
			next, err := lv.Apply(ctx, cs)
			if err != nil {
				if ctx.Err() == nil {
					fail(fmt.Errorf("apply batch %d: %w", batches, err))
				}
				return
			}
			m, err := cur.Load().m.Rebase(next)
			if err != nil {
				fail(err)
				return
			}
			cur.Store(&live{dir: next, m: m})
			during.Add(reads.Load() - before)
			batches++
		}
	}()
	wg.Wait()
	errs.report(t)
	require.Positive(t, batches)
	require.Positive(t, during.Load(), "readers completed no read while batches were applied")
	t.Logf("%d reads, %d batches applied, %d reads completed during Apply, in %v", reads.Load(), batches, during.Load(), *stressFor)
}
