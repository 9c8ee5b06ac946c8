package match_test

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
	"github.com/wraparound/wraparound/match"
)

var (
	synthOnce sync.Once
	synthDir  *directory.Directory
)

// synthDirectory is a 4,000-provider synthetic metro with the synthetic
// bus network, some providers listed only under a broader category, some
// full, some restricted to residents.
func synthDirectory(t testing.TB) *directory.Directory {
	synthOnce.Do(func() {
		net, err := synth.Transit(3)
		if err != nil {
			panic(err)
		}
		rng := rand.New(rand.NewPCG(9, 9))
		provs := synth.Providers(3, 4000)
		for i := range provs {
			p := &provs[i]
			switch r := rng.Float64(); {
			case r < 0.05:
				p.Categories = []string{directory.ParentCode(p.Categories[0])}
			case r < 0.07:
				p.Categories = []string{"basic"}
			}
			if p.Capacity > 0 && rng.Float64() < 0.1 {
				p.Enrolled = p.Capacity
			}
		}
		b := directory.NewBuilder()
		b.Transit = net
		for _, p := range provs {
			b.Add(p)
		}
		d, err := b.Build(t.Context())
		if err != nil {
			panic(err)
		}
		synthDir = d
	})
	return synthDir
}

var testCategories = []string{
	"basic", "basic.food", "basic.food.pantry", "basic.utilities", "basic.clothing", "health", "health.vision",
	"health.dental", "education.tutoring", "enrichment.sports", "enrichment.stem", "work.jobs",
}

var testWords = []string{"", "", "food box", "eye glasses", "soccer", "math help", "winter coat", "summer job", "free"}

// randomStudent draws a student of any shape the constraints allow.
func randomStudent(rng *rand.Rand, d *directory.Directory) match.Student {
	s := match.Student{Home: synth.Point(rng, 0)}
	if rng.IntN(3) > 0 {
		s.Age = 4 + rng.IntN(15)
	}
	if rng.IntN(2) == 0 {
		s.Grade, s.HasGrade = rng.IntN(13), true
	}
	langs := [][]string{nil, {"en"}, {"es", "en"}, {"vi"}, {"es"}}
	s.Languages = langs[rng.IntN(len(langs))]
	for range 1 + rng.IntN(3) {
		s.Needs = append(s.Needs, match.Need{
			Category: testCategories[rng.IntN(len(testCategories))],
			Severity: 1 + rng.IntN(3),
			Words:    testWords[rng.IntN(len(testWords))],
		})
	}
	for range rng.IntN(3) {
		s.Interests = append(s.Interests, match.Interest{Category: testCategories[rng.IntN(len(testCategories))], Words: testWords[rng.IntN(len(testWords))]})
	}
	if rng.IntN(3) == 0 {
		s.Strengths = []string{"goalkeeper", "drawing"}
	}
	c := &s.Constraints
	c.Mode = match.TravelMode(rng.IntN(4))
	if c.Mode == match.ModeSchool {
		sc := synth.Point(rng, 0)
		s.School = &sc
	}
	if rng.IntN(2) == 0 {
		c.MaxTravel = time.Duration(10+rng.IntN(50)) * time.Minute
	}
	if rng.IntN(4) == 0 {
		c.MaxDistance = geo.Meters(1000 + 500*rngMeters(rng))
	}
	for range rng.IntN(3) {
		start := time.Duration(6+rng.IntN(14)) * time.Hour
		c.Availability = append(c.Availability, match.WeeklyWindow{
			Days:  match.Days(1 + rng.IntN(127)),
			Start: start, End: start + time.Duration(1+rng.IntN(4))*time.Hour,
		})
	}
	c.FreeOnly = rng.IntN(4) == 0
	c.Wheelchair = rng.IntN(5) == 0
	if rng.IntN(3) == 0 {
		for range 5 {
			c.Exclude = append(c.Exclude, fmt.Sprintf("p%06d", 1+rng.IntN(d.Len())))
		}
	}
	return s
}

func rngMeters(rng *rand.Rand) float64 { return float64(rng.IntN(10)) }

// bruteTop scores every provider of the directory with Evaluate and keeps
// the k best, highest score first, ties by ID: the reference for Top.
func bruteTop(d *directory.Directory, pr *match.Prepared, item, k int) []match.Candidate {
	var all []match.Candidate
	for p := range d.All() {
		c, viol, err := pr.Evaluate(item, p)
		if err != nil {
			panic(err)
		}
		if viol == 0 {
			all = append(all, c)
		}
	}
	interest := pr.Items()[item].Kind == match.KindInterest
	slices.SortFunc(all, func(a, b match.Candidate) int {
		// An interest's providers named by their own listing come first.
		if an, bn := interest && a.OwnWords() > 0, interest && b.OwnWords() > 0; an != bn {
			if an {
				return -1
			}
			return 1
		}
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Provider.ID(), b.Provider.ID())
	})
	return all[:min(k, len(all))]
}

func summary(cs []match.Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s %.12f %v", c.Provider.ID(), c.Score, c.Travel)
	}
	return out
}

// TestTopEqualsBruteForce compares the indexed search with scoring every
// provider, over random students of every mode and constraint, and
// Candidates with the set of providers Evaluate accepts.
func TestTopEqualsBruteForce(t *testing.T) {
	t.Parallel()
	d := synthDirectory(t)
	m, err := match.New(t.Context(), d, match.Config{Week: monday})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(21, 21))
	n := 150
	if testing.Short() {
		n = 40
	}
	ctx := context.Background()
	matched, unmet := 0, 0
	for i := range n {
		s := randomStudent(rng, d)
		pr, err := m.Prepare(context.Background(), s)
		require.NoError(t, err, "student %d", i)
		for item := range pr.Items() {
			k := 1 + rng.IntN(12)
			got, err := pr.Top(ctx, item, k, nil)
			require.NoError(t, err)
			want := bruteTop(d, pr, item, 1<<30)
			require.Equal(t, summary(want[:min(k, len(want))]), summary(got), "student %d item %d k %d", i, item, k)
			if len(got) > 0 {
				matched++
			} else {
				unmet++
			}
			// Candidates yields exactly the eligible providers.
			var ids []string
			for c := range pr.Candidates(item) {
				ids = append(ids, c.Provider.ID())
				assert.Greater(t, c.Score, -1e-12)
			}
			slices.Sort(ids)
			var wantIDs []string
			for _, c := range want {
				wantIDs = append(wantIDs, c.Provider.ID())
			}
			slices.Sort(wantIDs)
			require.Equal(t, wantIDs, ids, "student %d item %d", i, item)
			if len(want) == 0 {
				u, err := pr.Diagnose(ctx, item)
				require.NoError(t, err)
				assert.Zero(t, u.Eligible)
				if u.Considered > 0 {
					assert.Positive(t, u.Excluded)
				}
			}
		}
	}
	// The random students must exercise both outcomes.
	assert.Positive(t, matched)
	assert.Positive(t, unmet)
}

// TestPlanDeterministicAndConcurrent runs the same students from many
// goroutines on one Matcher: every plan must equal the sequential one.
func TestPlanDeterministicAndConcurrent(t *testing.T) {
	t.Parallel()
	d := synthDirectory(t)
	m, err := match.New(t.Context(), d, match.Config{Week: monday, K: 4})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(4, 4))
	students := make([]match.Student, 24)
	for i := range students {
		students[i] = randomStudent(rng, d)
	}
	ctx := context.Background()
	text := func(p *match.Plan) string {
		var b strings.Builder
		for _, it := range p.Items {
			for _, mt := range it.Matches {
				fmt.Fprintf(&b, "%s %.15f %s\n", mt.Provider.ID(), mt.Score, mt.Explanation)
			}
			if it.Unmet != nil {
				b.WriteString(it.Unmet.Explanation + "\n")
			}
		}
		return b.String()
	}
	want := make([]string, len(students))
	for i, s := range students {
		p, err := m.Plan(ctx, s)
		require.NoError(t, err)
		want[i] = text(p)
	}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		got[g] = make([]string, len(students))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range students {
				j := (i + g*7) % len(students)
				p, err := m.Plan(ctx, students[j])
				if err != nil {
					got[g][j] = err.Error()
					continue
				}
				got[g][j] = text(p)
			}
		}()
	}
	wg.Wait()
	for g := range got {
		assert.Equal(t, want, got[g])
	}
	// Ties are broken by ID: scores in a plan never increase, and equal
	// scores come in ID order, once an interest's providers named by
	// their own listing have come first.
	for _, s := range students {
		p, err := m.Plan(ctx, s)
		require.NoError(t, err)
		for _, it := range p.Items {
			interest := it.Item.Kind == match.KindInterest
			for j := 1; j < len(it.Matches); j++ {
				a, b := it.Matches[j-1], it.Matches[j]
				an, bn := interest && a.OwnWords() > 0, interest && b.OwnWords() > 0
				assert.True(t, an && !bn || an == bn && (a.Score > b.Score || a.Score == b.Score && a.Provider.ID() < b.Provider.ID()))
			}
		}
	}
}

func TestPlanCancelled(t *testing.T) {
	t.Parallel()
	d := synthDirectory(t)
	m, err := match.New(t.Context(), d, match.Config{Week: monday})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = m.Plan(ctx, match.Student{Home: home, Needs: []match.Need{{Category: "health", Severity: 1}}})
	assert.ErrorIs(t, err, context.Canceled)
}
