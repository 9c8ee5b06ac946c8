package benchmarks

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/trends"
)

// trendsEvents is the size the requests are generated at: the 10M
// target, and the unit of the 100M one (the same requests ingested ten
// times; 100M distinct Request values would take ~11 GB before ingest).
const trendsEvents = 10_000_000

// trendsSizes are the store sizes measured: 10M always, 100M when
// WRAPAROUND_LARGE=1 (see doc.go).
func trendsSizes() []int {
	if os.Getenv("WRAPAROUND_LARGE") == "1" {
		return []int{trendsEvents, 10 * trendsEvents}
	}
	return []int{trendsEvents}
}

// ingestTimes ingests reqs into s n/len(reqs) times over (n a multiple
// of len(reqs)).
func ingestTimes(tb testing.TB, s *trends.Store, reqs []trends.Request, n int) {
	for range n / len(reqs) {
		ingestConcurrently(tb, s, reqs)
	}
}

var (
	trendsOnce sync.Once
	trendsReqs []trends.Request
	trendsLoc  *time.Location
)

// trendsRequests returns n seeded requests over two years (2024–2025,
// America/New_York): 95% at points inside a neighborhood chosen with
// skewed weights, 5% anywhere in the city's bound (many outside every
// neighborhood); categories drawn from the default taxonomy with skewed
// weights; random outcomes. Points come from a pool of 2^20 distinct
// points so that generation stays quick; every request is still located
// at ingest.
func trendsRequests(tb testing.TB, n int) []trends.Request {
	tb.Helper()
	if n == trendsEvents {
		trendsOnce.Do(func() { trendsReqs = genTrendsRequests(tb, n) })
		return trendsReqs
	}
	return genTrendsRequests(tb, n)
}

func genTrendsRequests(tb testing.TB, n int) []trends.Request {
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(tb, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(tb, err)
	trendsLoc = loc
	rng := rand.New(rand.NewPCG(2024, 8))
	regs := hoods.All()
	var city orb.Bound = regs[0].Bound
	w := make([]float64, len(regs))
	var wsum float64
	for i, r := range regs {
		city = city.Union(r.Bound)
		w[i] = 0.2 + rng.ExpFloat64()
		wsum += w[i]
	}
	pool := make([]orb.Point, 1<<20)
	for i := range pool {
		if rng.IntN(20) == 0 {
			pool[i] = orb.Point{city.Min[0] + rng.Float64()*(city.Max[0]-city.Min[0]), city.Min[1] + rng.Float64()*(city.Max[1]-city.Min[1])}
			continue
		}
		x := rng.Float64() * wsum
		ri := 0
		for ri < len(w)-1 && x >= w[ri] {
			x -= w[ri]
			ri++
		}
		b := regs[ri].Bound
		for {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			if hoods.Contains(ri, p) {
				pool[i] = p
				break
			}
		}
	}
	cats := directory.DefaultTaxonomy().All()
	cw := make([]float64, len(cats))
	var csum float64
	for i := range cw {
		cw[i] = rng.ExpFloat64()
		csum += cw[i]
	}
	// Cumulative category table of 4096 slots for quick weighted draws.
	var catTable [4096]string
	for i, j, acc := 0, 0, cw[0]; i < len(catTable); i++ {
		for float64(i)/float64(len(catTable))*csum >= acc && j < len(cw)-1 {
			j++
			acc += cw[j]
		}
		catTable[i] = cats[j].Code
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Unix()
	span := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Unix() - start
	out := make([]trends.Request, n)
	for i := range out {
		out[i] = trends.Request{
			Time:     time.Unix(start+rng.Int64N(span), 0),
			Point:    pool[rng.IntN(len(pool))],
			Category: catTable[rng.IntN(len(catTable))],
			Outcome:  trends.Outcome(rng.IntN(4)),
		}
	}
	return out
}

func trendsConfig(tb testing.TB, mode trends.Mode) trends.Config {
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(tb, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(tb, err)
	return trends.Config{Sets: []trends.Set{{Name: demo.Neighborhoods, Regions: hoods}}, Location: loc, Mode: mode}
}

func newTrendsStore(tb testing.TB, mode trends.Mode) *trends.Store {
	s, err := trends.New(trendsConfig(tb, mode))
	require.NoError(tb, err)
	return s
}

// ingestConcurrently feeds reqs to s from GOMAXPROCS writers, each
// committing batches of 65,536 requests.
func ingestConcurrently(tb testing.TB, s *trends.Store, reqs []trends.Request) {
	const batch = 1 << 16
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(batch)) - batch
				if lo >= len(reqs) {
					return
				}
				if err := s.AddBatch(context.Background(), reqs[lo:min(lo+batch, len(reqs))]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(tb, err)
	}
}

// cpuTime returns the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkTrendsIngest: one op ingests all events into a new store
// (region assignment over the 119 neighborhoods, rollups by day, week and
// month) from GOMAXPROCS concurrent writers. bytes/event is the store's
// retained heap per event. At 100M the 10M requests are ingested ten
// times: the rollups then hold the same rows with ten times the counts,
// so bytes/event shows the rollups' fixed cost spread over 100M.
func BenchmarkTrendsIngest(b *testing.B) {
	for _, n := range trendsSizes() {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			reqs := trendsRequests(b, trendsEvents)
			before := heapInUse()
			s := newTrendsStore(b, trends.Unprotected)
			ingestTimes(b, s, reqs, n)
			retained := heapInUse() - before
			require.Equal(b, int64(n), s.Len())
			s = nil
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				s := newTrendsStore(b, trends.Unprotected)
				ingestTimes(b, s, reqs, n)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			// CPU time per event (all threads, GC included): on a shared
			// machine it says what the wall-clock rate cannot.
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(cpu)/float64(n)/float64(b.N), "cpu-ns/event")
			// Cores the process got on average: below GOMAXPROCS when other
			// work shares the machine.
			b.ReportMetric(float64(cpu)/float64(b.Elapsed()), "cores")
			b.ReportMetric(float64(retained)/float64(n), "bytes/event")
		})
	}
}

var (
	storesMu sync.Mutex
	stores   = map[string]*trends.Store{}
)

// trendsStore returns the shared store of n events in mode, built once.
func trendsStore(b *testing.B, mode trends.Mode, n int) *trends.Store {
	storesMu.Lock()
	defer storesMu.Unlock()
	key := fmt.Sprint(mode, n)
	if s := stores[key]; s != nil {
		return s
	}
	reqs := trendsRequests(b, trendsEvents)
	before := heapInUse()
	t0, c0 := time.Now(), cpuTime()
	s := newTrendsStore(b, mode)
	ingestTimes(b, s, reqs, n)
	wall, cpu := time.Since(t0), cpuTime()-c0
	// The shared store's build is an ingest measurement too; logged
	// because it runs once, outside any b.Loop.
	b.Logf("%s store of %d events: ingested in %v (%.0f events/s, %.0f cpu-ns/event), %.2f bytes/event retained",
		mode, n, wall.Round(time.Millisecond), float64(n)/wall.Seconds(), float64(cpu)/float64(n), float64(heapInUse()-before)/float64(n))
	stores[key] = s
	return s
}

// The query: the monthly series of every neighborhood for the food
// subtree over 2024–2025, and the rising-needs ranking of the food
// subtree, second half of 2025 against the first.
func trendsSeriesQuery() trends.Query {
	return trends.Query{Set: demo.Neighborhoods, Category: "basic.food", Bucket: trends.Month,
		From: time.Date(2024, 1, 1, 0, 0, 0, 0, trendsLoc), To: time.Date(2025, 12, 31, 0, 0, 0, 0, trendsLoc)}
}

func trendsRisingQuery() trends.RisingQuery {
	return trends.RisingQuery{Set: demo.Neighborhoods, Category: "basic.food", Bucket: trends.Half,
		At: time.Date(2025, 12, 1, 0, 0, 0, 0, trendsLoc)}
}

// BenchmarkTrendsQuery: the monthly series and the rising-needs ranking
// (see trendsSeriesQuery), answered from the rollups in Unprotected mode
// ("rollup"), from the cached suppression in Suppress mode by one client
// and by eight concurrent clients (one op = 64 queries each way, so
// queries/s compare directly), and by a brute-force scan of every event
// (the baseline, 10M only: its cost is linear and its memory 10 bytes an
// event). first-pass-ms is the suppression pass of both years, run once
// on a fresh store (cpu: its CPU time, which load does not inflate).
func BenchmarkTrendsQuery(b *testing.B) {
	ctx := context.Background()
	for _, n := range trendsSizes() {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			b.Run("rollup", func(b *testing.B) {
				s := trendsStore(b, trends.Unprotected, n)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Counts(ctx, trendsSeriesQuery()); err != nil {
						b.Fatal(err)
					}
					if _, err := s.RisingNeeds(ctx, trendsRisingQuery()); err != nil {
						b.Fatal(err)
					}
				}
			})
			sup := trendsStore(b, trends.Suppress, n)
			var first, firstCPU time.Duration
			b.Run("suppressed-first-pass", func(b *testing.B) {
				for b.Loop() {
					// A fresh pass: reopen the store from its counters.
					var buf bytes.Buffer
					_, err := sup.WriteTo(&buf)
					require.NoError(b, err)
					fresh, err := trends.ReadStore(ctx, &buf, trendsConfig(b, trends.Suppress))
					require.NoError(b, err)
					t0, c0 := time.Now(), cpuTime()
					if _, err := fresh.Counts(ctx, trendsSeriesQuery()); err != nil {
						b.Fatal(err)
					}
					first, firstCPU = time.Since(t0), cpuTime()-c0
				}
				b.ReportMetric(float64(first.Microseconds())/1000, "first-pass-ms")
				// CPU time of the pass (one goroutine): on a shared machine
				// it says what the wall clock cannot.
				b.ReportMetric(float64(firstCPU.Microseconds())/1000, "first-pass-cpu-ms")
			})
			if _, err := sup.Counts(ctx, trendsSeriesQuery()); err != nil {
				b.Fatal(err)
			}
			// 64 queries an op, so that waking the clients' threads
			// (milliseconds on a loaded machine) is not what is measured.
			const perOp = 64
			for _, clients := range []int{1, 8} {
				b.Run(fmt.Sprintf("suppressed/clients=%d", clients), func(b *testing.B) {
					b.ReportAllocs()
					cpu0 := cpuTime()
					for b.Loop() {
						var wg sync.WaitGroup
						for c := range clients {
							wg.Add(1)
							go func() {
								defer wg.Done()
								// Every client alternates the two queries, so
								// both client counts run the same mix.
								for j := range perOp / clients {
									if (c+j)%2 == 0 {
										if _, err := sup.Counts(ctx, trendsSeriesQuery()); err != nil {
											b.Error(err)
										}
									} else if _, err := sup.RisingNeeds(ctx, trendsRisingQuery()); err != nil {
										b.Error(err)
									}
								}
							}()
						}
						wg.Wait()
					}
					b.ReportMetric(perOp*float64(b.N)/b.Elapsed().Seconds(), "queries/s")
					// CPU per query: equal for 1 and 8 clients when the
					// clients do not contend, whatever share of the cores
					// a loaded machine gives them.
					cpu := cpuTime() - cpu0
					b.ReportMetric(float64(cpu.Microseconds())/perOp/float64(b.N), "cpu-µs/query")
					// Cores the clients got on average: eight clients can
					// only beat one by the second core the machine grants.
					b.ReportMetric(float64(cpu)/float64(b.Elapsed()), "cores")
				})
			}
			if n > trendsEvents {
				return
			}
			b.Run("scan", func(b *testing.B) {
				ev := trendsScanLog(b, trendsRequests(b, trendsEvents))
				b.ReportAllocs()
				for b.Loop() {
					ev.series("basic.food")
					ev.halves("basic.food", 3)
				}
			})
		})
	}
}

// BenchmarkTrendsPersist: Save of the store to a file (temporary file,
// fsync, rename, fsync of the folder) and Open of it, checksums
// verified; MB is the file's size.
func BenchmarkTrendsPersist(b *testing.B) {
	for _, n := range trendsSizes() {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s := trendsStore(b, trends.Suppress, n)
			path := filepath.Join(b.TempDir(), "trends.store")
			b.Run("save", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					require.NoError(b, s.Save(path))
				}
				st, err := os.Stat(path)
				require.NoError(b, err)
				b.ReportMetric(float64(st.Size())/1e6, "MB")
			})
			b.Run("open", func(b *testing.B) {
				// Opened Unprotected (the mode may differ from the saved
				// store's) so that the check reads the exact count
				// without running a suppression pass.
				cfg := trendsConfig(b, trends.Unprotected)
				b.ReportAllocs()
				for b.Loop() {
					got, err := trends.Open(context.Background(), path, cfg)
					require.NoError(b, err)
					require.Equal(b, int64(n), got.Len())
				}
			})
		})
	}
}

// TestTrendsRollupEqualsScan checks that the rollup answers equal the
// brute-force scan's, on a smaller store, so that speed is never bought
// with wrong figures: the monthly series cell by cell, and every tested
// pair of the rising-needs report (its two counts, and how many pairs
// reach the default minimum volume of 20).
func TestTrendsRollupEqualsScan(t *testing.T) {
	ctx := context.Background()
	reqs := trendsRequests(t, 200_000)
	s := newTrendsStore(t, trends.Unprotected)
	ingestConcurrently(t, s, reqs)
	ev := trendsScanLog(t, reqs)
	a, err := s.Counts(ctx, trendsSeriesQuery())
	require.NoError(t, err)
	series := ev.series("basic.food")
	for r, row := range a.Rows {
		for m, c := range row.Cells {
			var want int64
			if row.Total {
				for _, x := range series {
					want += x[m]
				}
			} else {
				want = series[r][m]
			}
			require.Equal(t, want, c.Count, "%s %s", row.Region, a.Periods[m].Label())
		}
	}
	rep, err := s.RisingNeeds(ctx, trendsRisingQuery())
	require.NoError(t, err)
	halves := ev.halves("basic.food", 3)
	tested := 0
	for key, w := range halves {
		if key.region < len(ev.regionNames) && w[0]+w[1] >= 20 {
			tested++
		}
	}
	require.Equal(t, tested, rep.Tested)
	for _, r := range rep.Rises {
		w := halves[trendsPair{region: ev.regionIdx[r.Region], cat: r.Category}]
		require.Equal(t, w, [2]int64{r.Current, r.Baseline}, "%s %s", r.Region, r.Category)
	}
}

// trendsLog is the brute-force baseline of the trend queries: every
// request resolved once (month since January 2024 in the data's zone,
// neighborhood, category) into columns, then scanned whole per query.
type trendsLog struct {
	month       []int32
	region      []int32 // neighborhood index, len(regionNames) outside
	cat         []uint16
	cats        []string
	regionNames []string
	regionIdx   map[string]int
}

func trendsScanLog(tb testing.TB, reqs []trends.Request) *trendsLog {
	tb.Helper()
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(tb, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(tb, err)
	l := &trendsLog{month: make([]int32, len(reqs)), region: make([]int32, len(reqs)), cat: make([]uint16, len(reqs)),
		regionIdx: map[string]int{}}
	ci := map[string]uint16{}
	for _, c := range directory.DefaultTaxonomy().All() {
		ci[c.Code] = uint16(len(l.cats))
		l.cats = append(l.cats, c.Code)
	}
	for i, r := range hoods.All() {
		l.regionNames = append(l.regionNames, r.Name)
		l.regionIdx[r.Name] = i
	}
	for i, r := range reqs {
		lt := r.Time.In(loc)
		l.month[i] = int32((lt.Year()-2024)*12 + int(lt.Month()) - 1)
		reg := hoods.LocateIndex(r.Point)
		if reg < 0 {
			reg = hoods.Len()
		}
		l.region[i] = int32(reg)
		l.cat[i] = ci[r.Category]
	}
	return l
}

func (l *trendsLog) under(cat uint16, node string) bool {
	c := l.cats[cat]
	return c == node || strings.HasPrefix(c, node+".")
}

// series counts the subtree node per neighborhood (then outside) and
// month of 2024–2025.
func (l *trendsLog) series(node string) [][24]int64 {
	out := make([][24]int64, len(l.regionNames)+1)
	for i, m := range l.month {
		if m >= 0 && m < 24 && l.under(l.cat[i], node) {
			out[l.region[i]][m]++
		}
	}
	return out
}

type trendsPair struct {
	region int
	cat    string
}

// halves counts, per neighborhood and node of the subtree, the half-year
// h (0 = first half of 2024) and the one before it.
func (l *trendsLog) halves(node string, h int32) map[trendsPair][2]int64 {
	out := map[trendsPair][2]int64{}
	var nodes []string
	for _, c := range l.cats {
		if c == node || strings.HasPrefix(c, node+".") {
			nodes = append(nodes, c)
		}
	}
	for r := range l.regionNames {
		for _, c := range nodes {
			out[trendsPair{r, c}] = [2]int64{}
		}
	}
	for i, m := range l.month {
		w := -1
		switch m / 6 {
		case h:
			w = 0
		case h - 1:
			w = 1
		}
		if w < 0 || int(l.region[i]) >= len(l.regionNames) {
			continue
		}
		c := l.cats[l.cat[i]]
		for _, n := range nodes {
			if c == n || strings.HasPrefix(c, n+".") {
				k := trendsPair{int(l.region[i]), n}
				v := out[k]
				v[w]++
				out[k] = v
			}
		}
	}
	return out
}
