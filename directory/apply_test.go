package directory_test

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/synth"
)

var (
	applyN       = flag.Int("apply.n", 0, "providers of TestApplyEqualsFreshBuild (0: a size for the race detector or not)")
	applyChanges = flag.Int("apply.changes", 0, "changes of TestApplyEqualsFreshBuild (0: 10,000, or 2,000 under the race detector)")
)

// buildModel builds a directory of m's providers, with a text index
// when text is set.
func buildModel(t testing.TB, m *synth.Model, text bool) *directory.Directory {
	b := directory.NewBuilder()
	b.TextIndex = text
	d, err := m.Build(context.Background(), b)
	require.NoError(t, err)
	return d
}

func pick(m *synth.Model, rng *rand.Rand) string { return m.IDs[rng.IntN(len(m.IDs))] }

// applyQueries draws the queries both directories must answer alike:
// nearest-k with every filter, radius, several categories, streaming
// Nearby, and text.
func applyQueries(rng *rand.Rand, n int) ([]directory.Query, []directory.TextQuery) {
	cats := synth.Categories()
	parents := []string{"basic", "basic.food", "health", "education", "enrichment", "basic.housing"}
	var qs []directory.Query
	zone, _ := time.LoadLocation("America/New_York")
	for range n {
		q := directory.Query{Near: synth.Point(rng, 0), K: 1 + rng.IntN(20)}
		switch rng.IntN(4) {
		case 0:
			q.Categories = []string{parents[rng.IntN(len(parents))]}
		case 1, 2:
			q.Categories = []string{cats[rng.IntN(len(cats))]}
		case 3:
			q.Categories = []string{cats[rng.IntN(len(cats))], cats[rng.IntN(len(cats))]}
		}
		if rng.Float64() < 0.5 {
			q.OpenAt = time.Date(2026, 6, 1+rng.IntN(7), 7+rng.IntN(14), 15*rng.IntN(4), 0, 0, zone)
			q.UnknownHoursOK = rng.Float64() < 0.3
		}
		if rng.Float64() < 0.5 {
			q.Age = 3 + rng.IntN(18)
		}
		q.FreeOnly = rng.Float64() < 0.15
		q.Wheelchair = rng.Float64() < 0.15
		q.HasSeats = rng.Float64() < 0.3
		if rng.Float64() < 0.15 {
			q.Language = []string{"es", "en", "ar", "vi"}[rng.IntN(4)]
		}
		if rng.Float64() < 0.3 {
			q.Radius = geo.Meters(500 + rng.IntN(5000))
			if rng.Float64() < 0.5 {
				q.K = 0
			}
		}
		qs = append(qs, q)
	}
	words := []string{"food pantry", "tutoring", "dental clinic", "after school", "mental health", "clothing", "youth soccer", "housing help", "eye glases", "counseling"}
	var ts []directory.TextQuery
	for i := range n / 4 {
		tq := directory.TextQuery{Words: words[i%len(words)]}
		tq.Near = synth.Point(rng, 0)
		tq.K = 10
		if rng.Float64() < 0.5 {
			tq.Radius = geo.Meters(2000 + rng.IntN(8000))
		}
		if rng.Float64() < 0.3 {
			tq.Age = 5 + rng.IntN(12)
		}
		ts = append(ts, tq)
	}
	return qs, ts
}

// answers are a directory's answers to the queries, compared whole
// (providers by value).
type answers struct {
	Len     int
	IDs     []string
	Search  [][]directory.Result
	Nearby  [][]directory.Result
	Text    []*directory.TextResults
	Counts  map[string]int
	Samples []directory.Listing
}

func answer(t testing.TB, d *directory.Directory, qs []directory.Query, ts []directory.TextQuery, sample []string) answers {
	a := answers{Len: d.Len(), Counts: map[string]int{}}
	for p := range d.All() {
		a.IDs = append(a.IDs, p.ID())
	}
	for _, q := range qs {
		rs, err := d.Search(q)
		require.NoError(t, err)
		a.Search = append(a.Search, rs)
		q.K = 0
		if q.Radius == 0 {
			q.Radius = 3000
		}
		seq, err := d.Nearby(q)
		require.NoError(t, err)
		var near []directory.Result
		for r := range seq {
			near = append(near, r)
			if len(near) == 15 {
				break
			}
		}
		// Nearby leaves the order of equal distances open.
		slices.SortFunc(near, func(x, y directory.Result) int {
			if x.Distance != y.Distance {
				if x.Distance < y.Distance {
					return -1
				}
				return 1
			}
			return strings.Compare(x.Provider.ID(), y.Provider.ID())
		})
		a.Nearby = append(a.Nearby, near)
	}
	if d.HasTextIndex() {
		for _, tq := range ts {
			r, err := d.SearchText(tq)
			require.NoError(t, err)
			a.Text = append(a.Text, r)
		}
	}
	for _, c := range d.Taxonomy().All() {
		a.Counts[c.Code] = d.CategoryCount(c.Code)
	}
	for _, id := range sample {
		p, _ := d.Provider(id)
		a.Samples = append(a.Samples, p)
	}
	return a
}

// TestApplyEqualsFreshBuild applies random batches of changes and checks,
// after every batch, that the new version answers every query as a
// directory built afresh from the same providers, and that the version
// before it still gives its own answers.
func TestApplyEqualsFreshBuild(t *testing.T) {
	n, changes, batch := 20_000, 10_000, 1_000
	if raceEnabled || testing.Short() {
		n, changes, batch = 3_000, 2_000, 250
	}
	if *applyN > 0 {
		n = *applyN
	}
	if *applyChanges > 0 {
		changes = *applyChanges
	}
	text := true
	m := synth.NewModel(synth.Providers(11, n))
	d := buildModel(t, m, text)
	rng := rand.New(rand.NewPCG(5, 5))
	ctx := context.Background()
	for done := 0; done < changes; done += batch {
		qs, ts := applyQueries(rng, 60)
		sample := []string{pick(m, rng), pick(m, rng), "q0000001", "p000001"}
		before := answer(t, d, qs, ts, sample)
		cs := m.Changes(rng, batch)
		next, err := d.Apply(ctx, cs)
		require.NoError(t, err)
		fresh := buildModel(t, m, text)
		got, want := answer(t, next, qs, ts, sample), answer(t, fresh, qs, ts, sample)
		require.Equal(t, want.Len, got.Len, "after %d changes", done+batch)
		require.Equal(t, want.IDs, got.IDs, "after %d changes", done+batch)
		for i := range qs {
			require.Equal(t, want.Search[i], got.Search[i], "after %d changes: search %d %+v", done+batch, i, qs[i])
			require.Equal(t, want.Nearby[i], got.Nearby[i], "after %d changes: nearby %d %+v", done+batch, i, qs[i])
		}
		for i := range ts {
			require.Equal(t, want.Text[i], got.Text[i], "after %d changes: text %d %+v", done+batch, i, ts[i])
		}
		require.Equal(t, want.Counts, got.Counts)
		require.Equal(t, want.Samples, got.Samples)
		// The old version is untouched.
		require.Equal(t, before, answer(t, d, qs, ts, sample), "old version changed by Apply")
		d = next
	}
}

func TestApplyRejectsWholeBatch(t *testing.T) {
	m := synth.NewModel(synth.Providers(3, 200))
	d := buildModel(t, m, false)
	good := synth.Providers(4, 1)[0]
	good.ID = "new-1"
	bad := good
	bad.ID = "new-2"
	bad.Categories = []string{"basic.food.pantri"}
	cs := []directory.Change{
		directory.Add(good),
		directory.Remove("p000007"),
		directory.Add(bad),
		directory.Remove("nope"),
		directory.Enroll("p000009", -1_000_000),
		directory.SetSeats("p000010", -1, 0),
		directory.Add(good), // duplicate of change 0
		{Op: 99, ID: "p000011"},
	}
	next, err := d.Apply(context.Background(), cs)
	require.Nil(t, next)
	require.Error(t, err)
	var ces []*directory.ChangeError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *directory.ChangeError
		require.True(t, errors.As(e, &ce), "%v", e)
		ces = append(ces, ce)
	}
	at := func(i int) []int {
		var out []int
		for _, ce := range ces {
			if ce.Index == i {
				out = append(out, i)
			}
		}
		return out
	}
	require.Empty(t, at(0))
	require.Empty(t, at(1))
	require.NotEmpty(t, at(2))
	require.NotEmpty(t, at(3))
	require.NotEmpty(t, at(4))
	require.NotEmpty(t, at(5))
	require.NotEmpty(t, at(6))
	require.NotEmpty(t, at(7))
	require.ErrorIs(t, err, directory.ErrUnknownCategory)
	require.ErrorIs(t, err, directory.ErrNoProvider)
	require.ErrorIs(t, err, directory.ErrDuplicateID)
	require.Contains(t, err.Error(), `directory: change 2 (add "new-2"): field "categories"`)
	// Nothing was applied.
	_, ok := d.Provider("new-1")
	require.False(t, ok)
	_, ok = d.Provider("p000007")
	require.True(t, ok)
	require.Equal(t, 200, d.Len())
}

// TestApplyVersions checks that versions fork and record what changed.
func TestApplyVersions(t *testing.T) {
	m := synth.NewModel(synth.Providers(3, 300))
	d := buildModel(t, m, false)
	ctx := context.Background()
	a, err := d.Apply(ctx, []directory.Change{directory.Enroll("p000001", 1)})
	require.NoError(t, err)
	b, err := d.Apply(ctx, []directory.Change{directory.Remove("p000002")})
	require.NoError(t, err)
	c, err := a.Apply(ctx, []directory.Change{directory.SetSeats("p000003", 5, 5)})
	require.NoError(t, err)
	require.NotEqual(t, a.Version(), b.Version())
	ids, ok := c.ChangedSince(d.Version())
	require.True(t, ok)
	slices.Sort(ids)
	require.Equal(t, []string{"p000001", "p000003"}, ids)
	ids, ok = b.ChangedSince(d.Version())
	require.True(t, ok)
	require.Equal(t, []string{"p000002"}, ids)
	_, ok = b.ChangedSince(a.Version())
	require.False(t, ok, "b does not descend from a")
	p1a, _ := a.Provider("p000001")
	p1d, _ := d.Provider("p000001")
	require.Equal(t, p1d.Enrolled()+1, p1a.Enrolled())
	_, ok = b.Provider("p000002")
	require.False(t, ok)
	_, ok = a.Provider("p000002")
	require.True(t, ok)

	l := directory.NewLive(d)
	_, err = l.Apply(ctx, []directory.Change{directory.Remove("p000004")})
	require.NoError(t, err)
	_, ok = l.Load().Provider("p000004")
	require.False(t, ok)
	_, err = l.Apply(ctx, []directory.Change{directory.Remove("p000004")})
	require.ErrorIs(t, err, directory.ErrNoProvider)
	require.Equal(t, 299, l.Load().Len())
}

// TestSaveOpenAppliedVersion saves a version made by Apply and checks that
// opening it gives the same answers, text included.
func TestSaveOpenAppliedVersion(t *testing.T) {
	m := synth.NewModel(synth.Providers(13, 1500))
	d := buildModel(t, m, true)
	rng := rand.New(rand.NewPCG(2, 2))
	next, err := d.Apply(context.Background(), m.Changes(rng, 400))
	require.NoError(t, err)
	dir := t.TempDir() + "/snap"
	require.NoError(t, next.Save(context.Background(), dir))
	got, err := directory.Open(context.Background(), dir)
	require.NoError(t, err)
	qs, ts := applyQueries(rng, 40)
	sample := []string{pick(m, rng), "q0000001"}
	require.Equal(t, answer(t, next, qs, ts, sample), answer(t, got, qs, ts, sample))
}

// TestApplyRejectsBadListText checks that a keyword (or other list
// field) that is not UTF-8 is refused, by Build and by Apply alike.
func TestApplyRejectsBadListText(t *testing.T) {
	m := synth.NewModel(synth.Providers(3, 50))
	d := buildModel(t, m, true)
	p := synth.Providers(4, 1)[0]
	p.ID = "bad-kw"
	p.Keywords = []string{"ok", "caf\xe9"}
	_, err := d.Apply(context.Background(), []directory.Change{directory.Add(p)})
	require.ErrorIs(t, err, directory.ErrBadText)
	require.Contains(t, err.Error(), `field "keywords"`)
	b := directory.NewBuilder()
	b.Add(p)
	_, err = b.Build(context.Background())
	require.ErrorIs(t, err, directory.ErrBadText)
}
