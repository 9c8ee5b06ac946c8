package directory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/synth"
)

// rareWords are words no generated provider holds: providers carrying
// them come and go, so that the vocabulary gains and loses words.
var rareWords = []string{"zorblax", "quillofen", "marzipanic", "brontide", "velutinous"}

// rareWord returns the i-th rare word: few providers hold each.
func rareWord(i int) string {
	return fmt.Sprintf("%s%c", rareWords[i%len(rareWords)], 'a'+i/len(rareWords)%26)
}

// typo returns w with its last two letters swapped.
func typo(w string) string {
	b := []byte(w)
	b[len(b)-1], b[len(b)-2] = b[len(b)-2], b[len(b)-1]
	return string(b)
}

// rareProvider returns provider i, whose text holds rare word i.
func rareProvider(rng *rand.Rand, i int) directory.Provider {
	cats := synth.Categories()
	p := synth.Provider(rng, fmt.Sprintf("r%04d", i), cats[rng.IntN(len(cats))], "", synth.Point(rng, 0))
	w := rareWord(i)
	switch rng.IntN(3) {
	case 0:
		p.Name = w + " " + p.Name
	case 1:
		p.Description += " " + w + " días"
	default:
		p.Keywords = append(p.Keywords, w, rareWord(rng.IntN(i+1)))
	}
	return p
}

// textApplyQueries draws text queries that reach every part of the text
// index: rare and typo'd words, phrases, AnyWord, categories, opening
// hours, radius with and without K.
func textApplyQueries(rng *rand.Rand, n, rare int) []directory.TextQuery {
	words := []string{
		"food pantry", "tutoring", "%s", "%t", "%s tutoring", "%t",
		`"food pantry"`, "%s comida", "eye glases", "%t %s", "after school", "mental health",
		"counseling %s",
	}
	cats := synth.Categories()
	zone, _ := time.LoadLocation("America/New_York")
	var out []directory.TextQuery
	for i := range n {
		w := strings.ReplaceAll(words[i%len(words)], "%s", rareWord(rng.IntN(rare+1)))
		q := directory.TextQuery{Words: strings.ReplaceAll(w, "%t", typo(rareWord(rng.IntN(rare+1))))}
		q.Near = synth.Point(rng, 0)
		q.K = rng.IntN(3) * 5
		if rng.Float64() < 0.6 {
			q.Radius = geo.Meters(1000 + rng.IntN(9000))
		}
		q.AnyWord = rng.Float64() < 0.3
		if rng.Float64() < 0.3 {
			q.Categories = []string{cats[rng.IntN(len(cats))]}
		}
		if rng.Float64() < 0.3 {
			q.OpenAt = time.Date(2026, 6, 1+rng.IntN(7), 7+rng.IntN(14), 0, 0, 0, zone)
			q.UnknownHoursOK = rng.Float64() < 0.5
		}
		if rng.Float64() < 0.2 {
			q.Age = 5 + rng.IntN(12)
		}
		out = append(out, q)
	}
	return out
}

// textAnswers returns d's answers to qs with each way of enumerating
// candidates.
func textAnswers(t testing.TB, d *directory.Directory, qs []directory.TextQuery) []*directory.TextResults {
	var out []*directory.TextResults
	for _, q := range qs {
		for _, drive := range []int{directory.DriveAuto, directory.DriveWords, directory.DriveSpace} {
			r, err := directory.SearchTextWith(d, q, drive)
			require.NoError(t, err)
			out = append(out, r)
		}
	}
	return out
}

// TestTextApplyEqualsFreshBuild applies small batches, so that the text
// index is changed in place between relayouts, and checks after each
// that SearchText answers exactly as on a directory built afresh from the
// same providers (relevance and score floats included), that the version
// before answers as it did, and that a version forked from the same
// parent does too.
func TestTextApplyEqualsFreshBuild(t *testing.T) {
	n, batches, batch, queries := 1500, 16, 40, 26
	if raceEnabled || testing.Short() {
		n, batches, queries = 600, 8, 10
	}
	rng := rand.New(rand.NewPCG(8, 13))
	provs := synth.Providers(21, n)
	for i := range 10 {
		provs = append(provs, rareProvider(rng, i))
	}
	m := synth.NewModel(provs)
	d := buildModel(t, m, true)
	ctx := context.Background()
	var appended, relayouts int
	rare := 10
	for b := range batches {
		qs := textApplyQueries(rng, queries, rare)
		before := textAnswers(t, d, qs)
		var fork *synth.Model
		if b%5 == 2 {
			fork = m.Clone()
		}
		cs := m.Changes(rng, batch)
		for range 4 {
			if rng.IntN(2) == 0 {
				rare++
				p := rareProvider(rng, rare)
				m.Put(p)
				cs = append(cs, directory.Add(p))
			} else if id := fmt.Sprintf("r%04d", rng.IntN(rare+1)); m.Provs[id].ID != "" {
				m.Remove(id)
				cs = append(cs, directory.Remove(id))
			}
		}
		next, err := d.Apply(ctx, cs)
		require.NoError(t, err)
		if fork != nil {
			// Another version from d, with other changes.
			f, err := d.Apply(ctx, fork.Changes(rng, batch))
			require.NoError(t, err)
			want, got := textAnswers(t, buildModel(t, fork, true), qs), textAnswers(t, f, qs)
			for i := range want {
				require.Equal(t, want[i], got[i], "fork at batch %d: query %d %+v", b, i/3, qs[i/3])
			}
		}
		got, want := textAnswers(t, next, qs), textAnswers(t, buildModel(t, m, true), qs)
		for i := range want {
			require.Equal(t, want[i], got[i], "batch %d: query %d %+v", b, i/3, qs[i/3])
		}
		require.Equal(t, before, textAnswers(t, d, qs), "batch %d: old version changed by Apply", b)
		st := directory.TextLayout(next)
		if st.Appended > 0 || st.Dead > 0 {
			appended++
		} else {
			relayouts++
		}
		require.Equal(t, next.Len(), st.Live)
		d = next
	}
	// Both paths ran: answers from appended numbers and after a relayout.
	require.Positive(t, appended, "no batch was applied in place")
	require.Positive(t, relayouts, "no batch laid the index out afresh")
}

// TestTextApplySaveOpen saves a version made by Apply, with appended and
// dead numbers, and checks that the snapshot opens to the same answers.
func TestTextApplySaveOpen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	provs := synth.Providers(22, 800)
	for i := range 5 {
		provs = append(provs, rareProvider(rng, i))
	}
	m := synth.NewModel(provs)
	d := buildModel(t, m, true)
	cs := m.Changes(rng, 30)
	p := rareProvider(rng, 9)
	m.Put(p)
	m.Remove("r0001")
	cs = append(cs, directory.Add(p), directory.Remove("r0001"))
	next, err := d.Apply(context.Background(), cs)
	require.NoError(t, err)
	st := directory.TextLayout(next)
	require.Positive(t, st.Appended)
	require.Positive(t, st.Dead)
	dir := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, next.Save(context.Background(), dir))
	opened, err := directory.Open(context.Background(), dir)
	require.NoError(t, err)
	require.True(t, opened.HasTextIndex())
	qs := textApplyQueries(rng, 30, 9)
	want, got, reopened := textAnswers(t, buildModel(t, m, true), qs), textAnswers(t, next, qs), textAnswers(t, opened, qs)
	for i := range want {
		require.Equal(t, want[i], got[i], "applied: query %d %+v", i/3, qs[i/3])
		require.Equal(t, want[i], reopened[i], "opened: query %d %+v", i/3, qs[i/3])
	}
}

// FuzzTextAnalysis checks that Apply's token-by-token analysis of a
// provider's text gives exactly the terms and words bleve's analyzers
// give for its document (the independent computation), on text meant to
// find where they could part: apostrophes, accents, combining marks at
// field starts, joiners, scripts without spaces, numbers, long tokens.
func FuzzTextAnalysis(f *testing.F) {
	seeds := [][3]string{
		{"O'Neil's Café", "niños’s tutorías — free food", "WIC ; SNAP"},
		{"\u0301abc déf", "e.g. 3.14 a_b x.y 1,000", "\u200dzwj"},
		{"👩‍👩‍👧 family", "日本語のテキスト", "İstanbul ΣΊΣΥΦΟΣ"},
		{strings.Repeat("a", 300) + "é", "the and de la", "don't can't l'école"},
		{"", "", ""},
		{"ab\u0308c", "קפה ג'ורג'", "\ufeffbom"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	b := directory.NewBuilder()
	b.TextIndex = true
	base := synth.Providers(5, 1)[0]
	b.Add(base)
	d, err := b.Build(context.Background())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, name, desc, kw string) {
		p := base
		p.ID = "fuzz"
		p.Name, p.Description, p.Keywords = name, desc, strings.Split(kw, ";")
		if _, err := d.Apply(context.Background(), []directory.Change{directory.Add(p)}); err != nil {
			return // text a directory refuses (not UTF-8, control characters)
		}
		if msg := directory.TextAnalysisMismatch(d, &p); msg != "" {
			t.Fatalf("name %q description %q keywords %q: %s", name, desc, kw, msg)
		}
	})
}

// TestTextApplyManyHours applies many small batches of new hours and
// seats, which keep every number, so that the text index's blocks of
// opening intervals are merged on the way, and checks that opening-hour
// queries answer as on a fresh build.
func TestTextApplyManyHours(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := synth.NewModel(synth.Providers(23, 300))
	d := buildModel(t, m, true)
	ctx := context.Background()
	for range 80 {
		var cs []directory.Change
		for range 3 {
			id := pick(m, rng)
			p := m.Provs[id]
			p.Hours = synth.Hours(rng)
			m.Provs[id] = p
			cs = append(cs, directory.SetHours(id, p.Hours))
		}
		next, err := d.Apply(ctx, cs)
		require.NoError(t, err)
		d = next
	}
	st := directory.TextLayout(d)
	require.Zero(t, st.Dead+st.Appended, "new hours renumbered providers")
	qs := textApplyQueries(rng, 40, 0)
	for i := range qs {
		if qs[i].OpenAt.IsZero() {
			qs[i].OpenAt = time.Date(2026, 6, 2, 16, 30, 0, 0, time.UTC)
		}
	}
	want, got := textAnswers(t, buildModel(t, m, true), qs), textAnswers(t, d, qs)
	for i := range want {
		require.Equal(t, want[i], got[i], "query %d %+v", i/3, qs[i/3])
	}
	for day := range 7 {
		at := time.Date(2026, 6, 1+day, 17, 0, 0, 0, time.UTC)
		require.Empty(t, directory.OpenDisagreements(d, at, false), "at %v", at)
	}
}
