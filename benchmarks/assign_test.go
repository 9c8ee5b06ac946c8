package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
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

var (
	cohortDirOnce sync.Once
	cohortDir     *directory.Directory
	cohortDirErr  error
)

// cohortDirectory is the cohort benchmark's directory: 10,000 synthetic
// metro providers (capacities as synth draws them: scarce tutoring,
// clinics and shelters, unlimited pantries and groceries) with the
// synthetic bus network.
func cohortDirectory(tb testing.TB) *directory.Directory {
	cohortDirOnce.Do(func() {
		net, err := synth.Transit(1)
		if err != nil {
			cohortDirErr = err
			return
		}
		b := directory.NewBuilder()
		b.Transit = net
		for _, p := range synth.Providers(1, 10_000) {
			b.Add(p)
		}
		cohortDir, cohortDirErr = b.Build()
	})
	require.NoError(tb, cohortDirErr)
	return cohortDir
}

// cohortNeeds are the need categories of the benchmark cohort with their
// relative frequency: food and health most, then tutoring, housing,
// mental health, utilities, clothing and jobs.
var cohortNeeds = []struct {
	code string
	w    float64
}{
	{"basic.food", 5}, {"health.primary", 3}, {"health.vision", 3}, {"health.dental", 3},
	{"education.tutoring", 4}, {"basic.housing", 2}, {"health.mental", 3}, {"basic.utilities", 2},
	{"basic.clothing", 2}, {"education.mentoring", 1}, {"education.afterschool", 2}, {"work.jobs", 1},
}

// cohortStudents draws n students of ages 6–17 across the metro, each
// with three needs in distinct categories (severity 3 for a quarter, 2 for
// a third, else 1), travelling on foot (35%), by car (35%) or by transit
// (30%), half of them only free after school on weekdays.
func cohortStudents(seed uint64, n int) []match.Student {
	rng := rand.New(rand.NewPCG(seed, 0xc0807))
	var wsum float64
	for _, c := range cohortNeeds {
		wsum += c.w
	}
	out := make([]match.Student, n)
	for i := range out {
		s := match.Student{Home: synth.Point(rng, 0), Age: 6 + rng.IntN(12)}
		switch r := rng.Float64(); {
		case r < 0.35:
			s.Constraints.Mode = match.ModeWalk
		case r < 0.70:
			s.Constraints.Mode = match.ModeCar
		default:
			s.Constraints.Mode = match.ModeTransit
		}
		if rng.IntN(2) == 0 {
			s.Constraints.Availability = []match.Window{{Days: match.Weekdays, Start: hm(15, 0), End: hm(19, 0)}}
		}
		if rng.IntN(3) == 0 {
			s.Languages = []string{"es", "en"}
		}
		for len(s.Needs) < 3 {
			x := rng.Float64() * wsum
			k := 0
			for x -= cohortNeeds[0].w; x >= 0 && k < len(cohortNeeds)-1; x -= cohortNeeds[k].w {
				k++
			}
			dup := false
			for _, nd := range s.Needs {
				dup = dup || nd.Category == cohortNeeds[k].code
			}
			if dup {
				continue
			}
			sev := 1
			switch r := rng.Float64(); {
			case r < 0.25:
				sev = 3
			case r < 0.58:
				sev = 2
			}
			s.Needs = append(s.Needs, match.Need{Category: cohortNeeds[k].code, Severity: sev})
		}
		out[i] = s
	}
	return out
}

func cohortMatcher(tb testing.TB) *match.Matcher {
	m, err := match.New(cohortDirectory(tb), match.Config{Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(tb, err)
	return m
}

// BenchmarkAssign assigns a 100,000-student cohort (three needs each) to
// 10,000 providers with seat limits: MaxTotal beside the greedy baseline
// (highest severity first, each need taking its best open seat). One op is
// one whole assignment, candidate scoring included. objective is the
// total weight Σ severity × scaled score (higher is better).
func BenchmarkAssign(b *testing.B) {
	m := cohortMatcher(b)
	for _, n := range []int{100_000} {
		students := cohortStudents(1, n)
		for _, pol := range []match.Policy{match.MaxTotal, match.Greedy} {
			b.Run(fmt.Sprintf("students=%d/%v", n, pol), func(b *testing.B) {
				b.ReportAllocs()
				var a *match.Assignment
				var peak uint64
				for b.Loop() {
					a = nil
					runtime.GC()
					peak = max(peak, peakHeap(5*time.Millisecond, func() {
						var err error
						a, err = m.Assign(context.Background(), students, match.AssignOptions{Policy: pol})
						if err != nil {
							b.Fatal(err)
						}
					}))
				}
				t := a.Totals
				b.ReportMetric(float64(t.Objective), "objective")
				b.ReportMetric(float64(t.Edges), "edges")
				b.ReportMetric(float64(t.AssignedBySeverity[3]), "served-sev3")
				b.ReportMetric(float64(t.Assigned), "served")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// TestAssignBeatsGreedy checks, on a smaller cohort of the benchmark's
// kind, that MaxTotal is feasible and at least as good as the greedy
// baseline on the same candidate graph.
func TestAssignBeatsGreedy(t *testing.T) {
	t.Parallel()
	m := cohortMatcher(t)
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
