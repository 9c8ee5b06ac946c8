package match_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

// ownNames reports, independently of the package's word matcher, whether
// a listing's own words (name, keywords, description) contain a word
// beginning with one of the interest's words (lower case, plural "s"
// dropped).
func ownNames(p directory.Listing, words string) bool {
	listing := strings.ToLower(p.Name() + " " + strings.Join(p.Keywords(), " ") + " " + p.Description())
	fields := strings.FieldsFunc(listing, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range strings.Fields(strings.ToLower(words)) {
		w = strings.TrimSuffix(w, "s")
		for _, f := range fields {
			if len(w) >= 2 && strings.HasPrefix(f, w) {
				return true
			}
		}
	}
	return false
}

// TestInterestNamedByListingRanksFirst is the property behind the
// ranking of interests: over random homes, interests and constraints, and
// every K, no eligible provider whose listing names the interest ranks
// below one that offers it only through its category. Eligibility and
// naming are decided here by Evaluate and an independent word check.
func TestInterestNamedByListingRanksFirst(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	net, err := demo.Network()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{Week: net.Date(2026, time.June, 1)})
	require.NoError(t, err)
	interests := []match.Interest{
		{Category: "enrichment.sports", Words: "soccer"},
		{Category: "enrichment.sports", Words: "swim"},
		{Category: "enrichment.sports", Words: "basketball"},
		{Category: "enrichment.arts", Words: "dance"},
		{Category: "enrichment.music", Words: "piano lessons"},
		{Category: "enrichment.stem", Words: "robotics"},
		{Category: "enrichment", Words: "soccer"},
		{Category: "work.jobs", Words: "summer"},
	}
	rng := rand.New(rand.NewPCG(15, 4))
	n := 120
	if testing.Short() {
		n = 40
	}
	ctx := context.Background()
	namedFirst := 0
	for i := range n {
		in := interests[rng.IntN(len(interests))]
		s := match.Student{
			Home:      orb.Point{-85.36 + rng.Float64()*0.14, 34.99 + rng.Float64()*0.09},
			Interests: []match.Interest{in},
			Constraints: match.Constraints{
				Mode:      match.TravelMode(rng.IntN(3)),
				MaxTravel: time.Duration(15+rng.IntN(60)) * time.Minute,
			},
		}
		pr, err := m.Prepare(context.Background(), s)
		require.NoError(t, err)
		k := 1 + rng.IntN(8)
		top, err := pr.Top(ctx, 0, k, nil)
		require.NoError(t, err)
		// Every eligible provider, named or not, by Evaluate.
		var named, unnamed []match.Candidate
		for p := range d.All() {
			c, viol, err := pr.Evaluate(0, p)
			require.NoError(t, err)
			if viol != 0 {
				continue
			}
			if ownNames(p, in.Words) {
				named = append(named, c)
			} else {
				unnamed = append(unnamed, c)
			}
		}
		// The top k holds min(k, named) named providers, all before the
		// others.
		want := min(k, len(named))
		for j, c := range top {
			isNamed := ownNames(c.Provider, in.Words)
			assert.Equal(t, j < want, isNamed, "student %d (%q) k %d: place %d %s named=%v, %d named eligible",
				i, in.Words, k, j, c.Provider.Name(), isNamed, len(named))
		}
		assert.Len(t, top, min(k, len(named)+len(unnamed)), "student %d", i)
		if want > 0 && len(unnamed) > 0 {
			namedFirst++
		}
	}
	// The random students must exercise the rule: both kinds eligible.
	assert.Positive(t, namedFirst)
}

// TestSoccerLeagueAboveSwimTeams is the case a Navigator reported: a
// 12-year-old in Highland Park who loves soccer, after school by bus.
// Swim teams are nearer, but the soccer leagues come first.
func TestSoccerLeagueAboveSwimTeams(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	net, err := demo.Network()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{K: 3, Week: net.Date(2026, time.June, 1)})
	require.NoError(t, err)
	plan, err := m.Plan(context.Background(), match.Student{
		Home:      orb.Point{-85.2890, 35.0330},
		Age:       12,
		Interests: []match.Interest{{Category: "enrichment.sports", Words: "soccer"}},
		Strengths: []string{"goalkeeper"},
		Constraints: match.Constraints{
			Mode:         match.ModeTransit,
			MaxTravel:    45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)}},
		},
	})
	require.NoError(t, err)
	require.Len(t, plan.Items, 1)
	ms := plan.Items[0].Matches
	require.NotEmpty(t, ms)
	assert.Contains(t, ms[0].Provider.Name(), "Soccer")
	for _, mt := range ms {
		assert.NotContains(t, mt.Provider.Name(), "Swim", "a swim team ranks among soccer leagues")
	}
}
