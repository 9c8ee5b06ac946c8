package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
		return b.Build()
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
	m, err := match.New(cohortDirectory(tb, providers), match.Config{Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
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
	if testing.Short() {
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
