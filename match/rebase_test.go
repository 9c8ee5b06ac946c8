package match_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

// rebaseModel keeps the providers as a plain map, changed by hand beside
// the directory's Apply, to build the reference directory afresh.
type rebaseModel struct {
	provs map[string]directory.Provider
	ids   []string
	next  int
	net   *transit.Network
}

func (m *rebaseModel) build(t testing.TB) *directory.Directory {
	b := directory.NewBuilder()
	b.Transit = m.net
	slices.Sort(m.ids)
	for _, id := range m.ids {
		b.Add(m.provs[id])
	}
	d, err := b.Build(context.Background())
	require.NoError(t, err)
	return d
}

func (m *rebaseModel) changes(rng *rand.Rand, n int) []directory.Change {
	cats := synth.Categories()
	var out []directory.Change
	used := map[string]bool{}
	for len(out) < n {
		if rng.Float64() < 0.15 {
			m.next++
			p := synth.Provider(rng, fmt.Sprintf("n%06d", m.next), cats[rng.IntN(len(cats))], "", synth.Point(rng, 0))
			m.provs[p.ID] = p
			m.ids = append(m.ids, p.ID)
			out = append(out, directory.Add(p))
			continue
		}
		slices.Sort(m.ids)
		id := m.ids[rng.IntN(len(m.ids))]
		if used[id] {
			continue
		}
		used[id] = true
		p := m.provs[id]
		switch r := rng.Float64(); {
		case r < 0.15:
			delete(m.provs, id)
			m.ids = slices.DeleteFunc(m.ids, func(s string) bool { return s == id })
			out = append(out, directory.Remove(id))
		case r < 0.35:
			p = synth.Provider(rng, id, cats[rng.IntN(len(cats))], "", synth.Point(rng, 0))
			m.provs[id] = p
			out = append(out, directory.Replace(p))
		case r < 0.7:
			p.Capacity = 1 + rng.IntN(20)
			p.Enrolled = rng.IntN(p.Capacity + 1)
			m.provs[id] = p
			out = append(out, directory.SetSeats(id, p.Capacity, p.Enrolled))
		default:
			p.Hours = synth.Hours(rng)
			m.provs[id] = p
			out = append(out, directory.SetHours(id, p.Hours))
		}
	}
	return out
}

// TestRebaseEqualsFreshMatcher applies batches of changes and checks that
// a rebased matcher plans and assigns exactly as a matcher over a
// directory built afresh from the same providers, while the matcher of
// the version before keeps its answers.
func TestRebaseEqualsFreshMatcher(t *testing.T) {
	n, batches, batch, nstud := 4000, 4, 400, 60
	if testing.Short() {
		n, batches, batch, nstud = 1500, 2, 200, 30
	}
	m := &rebaseModel{provs: map[string]directory.Provider{}, net: synthNet(t)}
	for _, p := range synth.Providers(21, n) {
		m.provs[p.ID] = p
		m.ids = append(m.ids, p.ID)
	}
	d := m.build(t)
	cfg := match.Config{K: 5}
	ctx := context.Background()
	mt, err := match.New(ctx, d, cfg)
	require.NoError(t, err)
	students := synth.Students(3, nstud, synth.ExampleCohort(), synth.MetroHomes)
	plans := func(mt *match.Matcher) []*match.Plan {
		var out []*match.Plan
		for _, s := range students {
			p, err := mt.Plan(ctx, s)
			require.NoError(t, err)
			out = append(out, p)
		}
		return out
	}
	assign := func(mt *match.Matcher) *match.Assignment {
		a, err := mt.Assign(ctx, students, match.AssignOptions{})
		require.NoError(t, err)
		return a
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for b := range batches {
		beforePlans := plans(mt)
		next, err := d.Apply(ctx, m.changes(rng, batch))
		require.NoError(t, err)
		rebased, err := mt.Rebase(next)
		require.NoError(t, err)
		fresh, err := match.New(ctx, m.build(t), cfg)
		require.NoError(t, err)
		samePlans(t, plans(fresh), plans(rebased), fmt.Sprintf("batch %d", b))
		sameAssignment(t, assign(fresh), assign(rebased), fmt.Sprintf("batch %d", b))
		samePlans(t, beforePlans, plans(mt), fmt.Sprintf("batch %d: the old matcher", b))
		d, mt = next, rebased
	}
}

// TestAssignWritesSeatsBack takes the seats of an assignment into the
// directory and checks that the next assignment sees them taken: each
// provider's Enrolled grows by the students given it, and a second
// assignment over the rebased matcher equals one over a directory built
// with those enrolments.
func TestAssignWritesSeatsBack(t *testing.T) {
	m := &rebaseModel{provs: map[string]directory.Provider{}, net: synthNet(t)}
	for _, p := range synth.Providers(5, 1500) {
		p.Capacity, p.Enrolled = 3, 1 // scarce seats
		m.provs[p.ID] = p
		m.ids = append(m.ids, p.ID)
	}
	d := m.build(t)
	ctx := context.Background()
	cfg := match.Config{K: 5}
	mt, err := match.New(ctx, d, cfg)
	require.NoError(t, err)
	students := synth.Students(9, 200, synth.ExampleCohort(), synth.MetroHomes)
	a, err := mt.Assign(ctx, students, match.AssignOptions{})
	require.NoError(t, err)
	changes := a.Enrollments()
	require.NotEmpty(t, changes)
	// Independent count: students given each provider.
	given := map[string]int{}
	for _, as := range a.Assigned {
		given[as.Provider.ID()]++
	}
	for _, c := range changes {
		require.Equal(t, given[c.ID], c.Delta, c.ID)
	}
	require.Len(t, changes, len(given))
	next, err := d.Apply(ctx, changes)
	require.NoError(t, err)
	for id, k := range given {
		p, _ := next.Provider(id)
		require.Equal(t, 1+k, p.Enrolled(), id)
		q := m.provs[id]
		q.Enrolled += k
		m.provs[id] = q
	}
	m2, err := mt.Rebase(next)
	require.NoError(t, err)
	fresh, err := match.New(ctx, m.build(t), cfg)
	require.NoError(t, err)
	a2, err := m2.Assign(ctx, students, match.AssignOptions{})
	require.NoError(t, err)
	want, err := fresh.Assign(ctx, students, match.AssignOptions{})
	require.NoError(t, err)
	sameAssignment(t, want, a2, "after enrolment")
	// No provider is given more students than it has seats left.
	for _, as := range a2.Assigned {
		p, _ := next.Provider(as.Provider.ID())
		require.True(t, p.HasSeats(), as.Provider.ID())
	}
}

func synthNet(t testing.TB) *transit.Network {
	net, err := synth.Transit(1)
	require.NoError(t, err)
	return net
}

// sameAssignment compares two assignments' outcomes (not their timings)
// line by line, so that a difference reads briefly.
func sameAssignment(t *testing.T, want, got *match.Assignment, what string) {
	t.Helper()
	lines := func(a *match.Assignment) []string {
		var out []string
		for _, x := range a.Assigned {
			out = append(out, fmt.Sprintf("assigned %d %v %d %s %.9f", x.Student, x.Kind, x.Need, x.ProviderID, x.Score))
		}
		for _, x := range a.Unmet {
			d := x.Detail
			x.Detail = nil
			out = append(out, fmt.Sprintf("unmet %+v", x))
			if d != nil {
				out = append(out, fmt.Sprintf("unmet detail %+v", *d))
			}
		}
		for _, x := range a.Utilisation {
			x.Provider = directory.Listing{}
			out = append(out, fmt.Sprintf("pool %+v", x))
		}
		for _, x := range append(a.Gaps, a.InterestGaps...) {
			out = append(out, fmt.Sprintf("gap %+v", x))
		}
		out = append(out, fmt.Sprintf("objective %v", a.Totals.Objective))
		return out
	}
	w, g := lines(want), lines(got)
	for i := range min(len(w), len(g)) {
		require.Equal(t, w[i], g[i], "%s: line %d", what, i)
	}
	require.Equal(t, len(w), len(g), what)
}

// samePlans compares plans as their JSON, one plan at a time.
func samePlans(t *testing.T, want, got []*match.Plan, what string) {
	t.Helper()
	require.Equal(t, len(want), len(got), what)
	for i := range want {
		w, err := json.Marshal(want[i])
		require.NoError(t, err)
		g, err := json.Marshal(got[i])
		require.NoError(t, err)
		require.Equal(t, string(w), string(g), "%s: plan %d", what, i)
	}
}
