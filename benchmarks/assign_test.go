package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

// cohortDirs caches the cohort benchmarks' directories by provider count.
var cohortDirs sync.Map // int → func() (*directory.Directory, error)

// cohortDirectory is the cohort benchmark's directory: n synthetic metro
// providers (capacities as synth draws them: scarce tutoring, clinics and
// shelters, unlimited pantries and groceries) with the synthetic bus
// network.
func cohortDirectory(tb testing.TB, n int) *directory.Directory {
	f, _ := cohortDirs.LoadOrStore(n, sync.OnceValues(func() (*directory.Directory, error) {
		net, err := synth.Transit(1)
		if err != nil {
			return nil, err
		}
		b := directory.NewBuilder()
		b.Transit = net
		for _, p := range synth.Providers(1, n) {
			b.Add(p)
		}
		return b.Build(context.Background())
	}))
	d, err := f.(func() (*directory.Directory, error))()
	require.NoError(tb, err)
	return d
}

// cohortStudents draws n students of the benchmark cohort
// (synth.BenchmarkCohort: ages 6–17, three needs in distinct categories,
// on foot, by car or by transit, half only free after school) with homes
// across the synthetic metro.
func cohortStudents(seed uint64, n int) []match.Student {
	return synth.Students(seed, n, synth.BenchmarkCohort(), synth.MetroHomes)
}

func cohortMatcher(tb testing.TB, providers int) *match.Matcher {
	m, err := match.New(context.Background(), cohortDirectory(tb, providers), match.Config{Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(tb, err)
	return m
}

// largeEnv names the environment variable that enables the state-scale
// benchmarks ("1").
const largeEnv = "WRAPAROUND_LARGE"

// dimacsEnv names the environment variable of a directory where
// BenchmarkAssign writes each MaxTotal instance as DIMACS
// (assign-<students>.dimacs), for an outside solver such as LEMON's
// dimacs-solver.
const dimacsEnv = "WRAPAROUND_DIMACS_DIR"

// BenchmarkAssign assigns a cohort (three needs per student) to
// providers with seat limits: MaxTotal beside the greedy baseline
// (highest severity first, each need taking its best open seat). One op
// is one whole assignment, candidate scoring included. objective is the
// total weight Σ severity × scaled score (higher is better);
// candidates-s, solve-s and explain-s time the phases of the last op (from
// AssignOptions.Progress), so the solver can be set beside an outside one
// on the DIMACS export (see dimacsEnv). Sizes: 100,000 students on 10,000
// providers; with WRAPAROUND_LARGE=1 also 1,000,000 students on 100,000
// providers (state scale).
func BenchmarkAssign(b *testing.B) {
	sizes := []struct{ students, providers int }{{100_000, 10_000}}
	if os.Getenv(largeEnv) == "1" {
		sizes = append(sizes, struct{ students, providers int }{1_000_000, 100_000})
	}
	for _, sz := range sizes {
		m := cohortMatcher(b, sz.providers)
		students := cohortStudents(1, sz.students)
		for _, pol := range []match.Policy{match.MaxTotal, match.Greedy} {
			b.Run(fmt.Sprintf("students=%d/%v", sz.students, pol), func(b *testing.B) {
				b.ReportAllocs()
				var a *match.Assignment
				var peak uint64
				var phases phaseTimer
				for b.Loop() {
					a = nil
					runtime.GC()
					phases = phaseTimer{}
					peak = max(peak, peakHeap(5*time.Millisecond, func() {
						var err error
						a, err = m.Assign(context.Background(), students, match.AssignOptions{Policy: pol, Progress: phases.update})
						if err != nil {
							b.Fatal(err)
						}
					}))
					phases.update("", 0)
				}
				t := a.Totals
				b.ReportMetric(float64(t.Objective), "objective")
				b.ReportMetric(float64(t.Edges), "edges")
				b.ReportMetric(float64(t.AssignedBySeverity[3]), "served-sev3")
				b.ReportMetric(float64(t.Assigned), "served")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(phases.took[match.PhaseCandidates].Seconds(), "candidates-s")
				b.ReportMetric((phases.took[match.PhaseSplit] + phases.took[match.PhaseSolve] + phases.took[match.PhaseGreedy]).Seconds(), "solve-s")
				b.ReportMetric(phases.took[match.PhaseExplain].Seconds(), "explain-s")
				if dir := os.Getenv(dimacsEnv); dir != "" && pol == match.MaxTotal {
					f, err := os.Create(filepath.Join(dir, fmt.Sprintf("assign-%d.dimacs", sz.students)))
					require.NoError(b, err)
					w := bufio.NewWriterSize(f, 1<<20)
					require.NoError(b, a.WriteDIMACS(w))
					require.NoError(b, w.Flush())
					require.NoError(b, f.Close())
				}
			})
		}
	}
}

// phaseTimer records how long each Assign phase took from its Progress
// calls; update("", 0) closes the last phase.
type phaseTimer struct {
	phase string
	start time.Time
	took  map[string]time.Duration
}

func (p *phaseTimer) update(phase string, _ float64) {
	if phase == p.phase {
		return
	}
	now := time.Now()
	if p.took == nil {
		p.took = map[string]time.Duration{}
	}
	if p.phase != "" {
		p.took[p.phase] += now.Sub(p.start)
	}
	p.phase, p.start = phase, now
}

// TestAssignBeatsGreedy checks, on a smaller cohort of the benchmark's
// kind, that MaxTotal is feasible and at least as good as the greedy
// baseline on the same candidate graph.
func TestAssignBeatsGreedy(t *testing.T) {
	t.Parallel()
	m := cohortMatcher(t, 10_000)
	n := 2000
	if short() {
		n = 800
	}
	students := cohortStudents(2, n)
	opt, err := m.Assign(context.Background(), students, match.AssignOptions{Policy: match.MaxTotal})
	require.NoError(t, err)
	gr, err := m.Assign(context.Background(), students, match.AssignOptions{Policy: match.Greedy})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, opt.Totals.Objective, gr.Totals.Objective)
	assert.Equal(t, opt.Totals.Edges, gr.Totals.Edges)
	for _, pu := range opt.Utilisation {
		if pu.Seats >= 0 {
			assert.LessOrEqual(t, pu.Assigned, pu.Seats, pu.ProviderID)
		}
	}
	t.Logf("MaxTotal %d, greedy %d, %d of %d needs served", opt.Totals.Objective, gr.Totals.Objective, opt.Totals.Assigned, opt.Totals.Needs)
}

// TestAssignDIMACSIndependent checks the objective of an assignment of
// the benchmark's kind (the state-scale benchmark's cohort and directory
// kind, at a size a test can afford) against its DIMACS export solved by
// an independent minimum-cost-flow solver (successive shortest paths with
// Bellman–Ford queues, written here): the least cost must be −Objective
// for MaxTotal and EquityFirst, and at most −Objective for Greedy.
func TestAssignDIMACSIndependent(t *testing.T) {
	t.Parallel()
	m := cohortMatcher(t, 10_000)
	n := 200
	if testing.Short() {
		n = 80
	}
	students := cohortStudents(3, n)
	for _, pol := range []match.Policy{match.MaxTotal, match.EquityFirst, match.Greedy} {
		t.Run(pol.String(), func(t *testing.T) {
			a, err := m.Assign(context.Background(), students, match.AssignOptions{Policy: pol, MaxCandidates: 10})
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, a.WriteDIMACS(&buf))
			cost, err := dimacsMinCost(&buf)
			require.NoError(t, err)
			if pol == match.Greedy {
				assert.LessOrEqual(t, cost, -a.Totals.Objective)
				return
			}
			assert.Equal(t, -a.Totals.Objective, cost)
		})
	}
}

// dimacsMinCost reads a DIMACS "p min" problem (lower bounds 0) and
// returns its least cost of moving every supply: successive shortest
// paths from a super source over the residual network, distances by a
// Bellman–Ford queue (negative costs allowed, no negative cycle).
func dimacsMinCost(r io.Reader) (int64, error) {
	type arc struct {
		to       int
		cap      int64
		cost     int64
		rev      int
		original bool
	}
	var g [][]arc
	add := func(u, v int, cp, cost int64) {
		g[u] = append(g[u], arc{to: v, cap: cp, cost: cost, rev: len(g[v]), original: true})
		g[v] = append(g[v], arc{to: u, cap: 0, cost: -cost, rev: len(g[u]) - 1})
	}
	var src, dst int
	var need int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "c" {
			continue
		}
		num := func(i int) int64 {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			return v
		}
		switch f[0] {
		case "p":
			if len(f) != 4 || f[1] != "min" {
				return 0, fmt.Errorf("bad problem line %q", sc.Text())
			}
			nodes := int(num(2))
			src, dst = nodes+1, nodes+2
			g = make([][]arc, nodes+3)
		case "n":
			v, s := int(num(1)), num(2)
			if s > 0 {
				add(src, v, s, 0)
				need += s
			} else if s < 0 {
				add(v, dst, -s, 0)
			}
		case "a":
			if num(3) != 0 {
				return 0, fmt.Errorf("lower bound in %q", sc.Text())
			}
			add(int(num(1)), int(num(2)), num(4), num(5))
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	var total int64
	dist := make([]int64, len(g))
	inQ := make([]bool, len(g))
	prevNode := make([]int, len(g))
	prevArc := make([]int, len(g))
	const inf = int64(math.MaxInt64 / 4)
	for need > 0 {
		for i := range dist {
			dist[i] = inf
		}
		dist[src] = 0
		q := []int{src}
		inQ[src] = true
		for len(q) > 0 {
			u := q[0]
			q = q[1:]
			inQ[u] = false
			for k, a := range g[u] {
				if a.cap > 0 && dist[u]+a.cost < dist[a.to] {
					dist[a.to] = dist[u] + a.cost
					prevNode[a.to], prevArc[a.to] = u, k
					if !inQ[a.to] {
						inQ[a.to] = true
						q = append(q, a.to)
					}
				}
			}
		}
		if dist[dst] == inf {
			return 0, fmt.Errorf("infeasible: %d units left", need)
		}
		push := need
		for v := dst; v != src; v = prevNode[v] {
			push = min(push, g[prevNode[v]][prevArc[v]].cap)
		}
		for v := dst; v != src; v = prevNode[v] {
			a := &g[prevNode[v]][prevArc[v]]
			a.cap -= push
			g[v][a.rev].cap += push
		}
		need -= push
		total += push * dist[dst]
	}
	return total, nil
}
