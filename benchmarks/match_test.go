package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

var (
	transitDirOnce sync.Once
	transitDir     *directory.Directory
	transitNet     *transit.Network
)

// synthTransitDirectory returns the 100,000-provider synthetic directory
// built with the synthetic metro bus network.
func synthTransitDirectory(tb testing.TB) *directory.Directory {
	transitDirOnce.Do(func() {
		net, err := synth.Transit(1)
		if err != nil {
			panic(err)
		}
		b := directory.NewBuilder()
		b.Transit = net
		for _, p := range synth.Providers(1, 100_000) {
			b.Add(p)
		}
		d, err := b.Build(context.Background())
		if err != nil {
			panic(err)
		}
		transitDir, transitNet = d, net
	})
	return transitDir
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// planStudent is the old mix's student: the same three needs (parent
// categories) and two interests for everyone, age 12 in 7th grade, by
// transit within 45 minutes, after school and Saturday morning, Spanish at
// home; homes drawn from the provider mixture. It stays beside the
// district mix (districtStudents) so the two can be compared.
func planStudent(rng *rand.Rand) match.Student {
	return match.Student{
		Home:      synth.Point(rng, 0),
		Age:       12,
		Grade:     7,
		HasGrade:  true,
		Languages: []string{"es", "en"},
		Needs: []match.Need{
			{Category: "basic.food", Severity: 3, Words: "food box"},
			{Category: "health.vision", Severity: 2, Words: "eye glasses"},
			{Category: "education.tutoring", Severity: 2, Words: "math"},
		},
		Interests: []match.Interest{
			{Category: "enrichment.sports", Words: "soccer"},
			{Category: "enrichment.stem"},
		},
		Constraints: match.Constraints{
			Mode:      match.ModeTransit,
			MaxTravel: 45 * time.Minute,
			Availability: []match.WeeklyWindow{
				{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)},
				{Days: match.DaysOf(time.Saturday), Start: hm(9, 0), End: hm(12, 0)},
			},
		},
	}
}

func planMatcher(tb testing.TB) *match.Matcher {
	d := synthTransitDirectory(tb)
	// No profile cache: every plan routes its own windows, as a plan for
	// a new family does.
	m, err := match.New(context.Background(), d, match.Config{K: 3, Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC), ProfileCache: -1})
	require.NoError(tb, err)
	return m
}

// scanPlan computes the plan's top-k by scoring every provider for every
// item: the baseline.
func scanPlan(d *directory.Directory, m *match.Matcher, s match.Student) [][]match.Candidate {
	pr, err := m.Prepare(context.Background(), s)
	if err != nil {
		panic(err)
	}
	k := m.Config().K
	out := make([][]match.Candidate, len(pr.Items()))
	for i := range out {
		// An interest's providers named by their own listing come first
		// (Prepared.Top), then by score, ties by ID.
		interest := pr.Items()[i].Kind == match.KindInterest
		before := func(a, b *match.Candidate) bool {
			if an, bn := interest && a.OwnWords() > 0, interest && b.OwnWords() > 0; an != bn {
				return an
			}
			return a.Score > b.Score || a.Score == b.Score && a.Provider.ID() < b.Provider.ID()
		}
		var top []match.Candidate
		for p := range d.All() {
			c, viol, _ := pr.Evaluate(i, p)
			if viol != 0 {
				continue
			}
			top = append(top, c)
			for j := len(top) - 1; j > 0 && before(&top[j], &top[j-1]); j-- {
				top[j], top[j-1] = top[j-1], top[j]
			}
			if len(top) > k {
				top = top[:k]
			}
		}
		out[i] = top
	}
	return out
}

// oldPlanStudents draws n students of the old mix.
func oldPlanStudents(n int) []match.Student {
	rng := rand.New(rand.NewPCG(5, 5))
	out := make([]match.Student, n)
	for i := range out {
		out[i] = planStudent(rng)
	}
	return out
}

// TestPlanIndexMatchesScan checks Plan's top-k for every item against
// scoring every provider, on a few students of each mix.
func TestPlanIndexMatchesScan(t *testing.T) {
	d := synthTransitDirectory(t)
	m := planMatcher(t)
	// The match package's own tests compare with brute force over many
	// more students; here a few confirm it at full scale.
	n := 6
	if short() {
		n = 2
	}
	for _, mix := range []struct {
		name     string
		students []match.Student
	}{
		{"mix=old", oldPlanStudents(n)},
		{"mix=district", districtStudents(t, 11, n)},
	} {
		t.Run(mix.name, func(t *testing.T) {
			items, matched := 0, 0
			for i, s := range mix.students {
				plan, err := m.Plan(context.Background(), s)
				require.NoError(t, err)
				want := scanPlan(d, m, s)
				require.Len(t, plan.Items, len(want))
				for j, it := range plan.Items {
					var got []string
					for _, mt := range it.Matches {
						got = append(got, fmt.Sprintf("%s %.12f", mt.Provider.ID(), mt.Score))
					}
					var exp []string
					for _, c := range want[j] {
						exp = append(exp, fmt.Sprintf("%s %.12f", c.Provider.ID(), c.Score))
					}
					require.Equal(t, exp, got, "student %d item %d", i, j)
					items++
					matched += b2i(len(got) > 0)
				}
			}
			assert.Greater(t, matched, items/2, "most items should find providers")
		})
	}
}

// BenchmarkPlan times Plan on both mixes, Prepare (the timetable part
// alone: routing the student's windows) and the scoring scan baseline on
// the district mix; each plan is timed once per pass through its mix
// (p50, p90, p99 beside the mean).
func BenchmarkPlan(b *testing.B) {
	d := synthTransitDirectory(b)
	m := planMatcher(b)
	mixes := []struct {
		name     string
		students []match.Student
	}{
		{"old", oldPlanStudents(mixSize)},
		{"district", districtStudents(b, 5, mixSize)},
	}
	ctx := context.Background()
	const n = 100_000
	for _, mix := range mixes {
		b.Run(fmt.Sprintf("n=%d/index/mix=%s", n, mix.name), func(b *testing.B) {
			timeEach(b, len(mix.students), func(i int) error {
				_, err := m.Plan(ctx, mix.students[i])
				return err
			})
		})
	}
	district := mixes[1].students
	b.Run(fmt.Sprintf("n=%d/prepare/mix=district", n), func(b *testing.B) {
		timeEach(b, len(district), func(i int) error {
			_, err := m.Prepare(ctx, district[i])
			return err
		})
	})
	b.Run(fmt.Sprintf("n=%d/scan/mix=district", n), func(b *testing.B) {
		timeEach(b, len(district), func(i int) error {
			scanPlan(d, m, district[i])
			return nil
		})
	})
}
