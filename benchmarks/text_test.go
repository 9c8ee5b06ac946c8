package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/oracle"
	"github.com/wraparound/wraparound/internal/synth"
)

var (
	textOnce sync.Once
	textDir  *directory.Directory
	textErr  error
)

// textDirectory returns the 100,000-provider synthetic directory with its
// text index, built once.
func textDirectory(tb testing.TB) *directory.Directory {
	textOnce.Do(func() {
		textDir, textErr = buildText(synth.Providers(1, 100_000))
	})
	require.NoError(tb, textErr)
	return textDir
}

func buildText(provs []directory.Provider) (*directory.Directory, error) {
	b := directory.NewBuilder()
	b.TextIndex = true
	for _, p := range provs {
		b.Add(p)
	}
	return b.Build(context.Background())
}

// textCase is a benchmark query: words typed by a person and the category
// they filter by.
type textCase struct {
	words string
	cat   string
}

var textCases = []textCase{
	{"food pantry", "basic.food"},
	{"free groceries", "basic.food"},
	{"comida gratis", "basic.food"},
	{"eye glasses", "health.vision"},
	{"winter coat", "basic.clothing"},
	{"counseling", "health.mental"},
	{"dentist", "health.dental"},
	{"hot meal", "basic.food.meals"},
	{"rent help", "basic.housing"},
	{"school supplies", "basic"},
}

// textQueries draws n queries of the old mix: a case, a point of the
// provider mixture, a 5 km radius, its category, open at 09:30–17:30 on a
// weekday, the best 10.
func textQueries(n int) []directory.TextQuery {
	rng := rand.New(rand.NewPCG(4, 4))
	et := time.FixedZone("EDT", -4*3600)
	out := make([]directory.TextQuery, n)
	for i := range out {
		c := textCases[rng.IntN(len(textCases))]
		out[i] = directory.TextQuery{
			Words: c.words,
			Query: directory.Query{
				Near:       synth.Point(rng, 0),
				Radius:     5000,
				K:          10,
				Categories: []string{c.cat},
				OpenAt:     time.Date(2026, 6, 2+rng.IntN(5), 9+rng.IntN(9), 30, 0, 0, et),
			},
		}
	}
	return out
}

// leafWords are what a person types looking for a leaf category of the
// synthetic directory, in English and Spanish.
var leafWords = map[string][]string{
	"basic.food.pantry":     {"food pantry", "food box", "comida gratis", "canned goods"},
	"basic.food.meals":      {"hot meal", "free lunch", "soup kitchen"},
	"basic.food.groceries":  {"groceries", "fresh produce", "SNAP"},
	"basic.housing.shelter": {"shelter", "safe place to sleep", "emergency housing"},
	"basic.housing.rent":    {"rent help", "eviction", "deposit"},
	"basic.utilities":       {"electric bill", "utility assistance", "water bill"},
	"basic.clothing":        {"winter coat", "school uniform", "ropa"},
	"basic.supplies":        {"school supplies", "backpack"},
	"basic.transportation":  {"bus pass", "rides"},
	"health.primary":        {"doctor", "sports physical", "vaccines"},
	"health.dental":         {"dentist", "teeth cleaning"},
	"health.vision":         {"eye glasses", "eye exam"},
	"health.mental":         {"counseling", "therapy", "anxiety"},
	"health.substance":      {"vaping", "recovery"},
	"education.tutoring":    {"math tutoring", "homework help", "reading"},
	"education.mentoring":   {"mentor", "role model"},
	"education.afterschool": {"after school", "youth center"},
	"education.early":       {"preschool", "daycare", "pre-k"},
	"education.college":     {"FAFSA", "scholarships", "college application"},
	"enrichment.sports":     {"soccer", "basketball", "swimming", "fútbol"},
	"enrichment.arts":       {"art classes", "dance", "theater"},
	"enrichment.music":      {"piano lessons", "guitar", "choir"},
	"enrichment.stem":       {"robotics", "coding", "science"},
	"enrichment.summer":     {"summer camp", "campamento"},
	"work.jobs":             {"summer job", "part-time", "trabajo"},
	"work.internships":      {"internship", "apprenticeship"},
	"family.legal":          {"lawyer", "immigration"},
	"family.parenting":      {"parenting class", "support group"},
	"family.benefits":       {"SNAP", "TennCare", "Medicaid"},
}

// districtTextQueries draws n text queries of the district mix: the
// mix's query (home, category, local time, age, filters; the 10 best)
// with words typed for the leaf its category was drawn from.
func districtTextQueries(tb testing.TB, seed uint64, n int) []directory.TextQuery {
	mix := districtQueries(tb, seed, n)
	rng := rand.New(rand.NewPCG(seed, 0x7e47))
	out := make([]directory.TextQuery, n)
	for i, m := range mix {
		words := leafWords[m.leaf]
		require.NotEmpty(tb, words, "words for %s", m.leaf)
		out[i] = directory.TextQuery{Words: words[rng.IntN(len(words))], Query: m.Query}
	}
	return out
}

// scanner is the baseline: every provider's text lower-cased once, then
// a plain scan that checks distance, the hard filters (scanKeeps, from
// the public fields) and that every word is a substring of the text.
type scanner struct {
	d    *directory.Directory
	text []string
	prov []directory.Listing
}

func newScanner(d *directory.Directory) *scanner {
	s := &scanner{d: d}
	tax := d.Taxonomy()
	for p := range d.All() {
		parts := []string{p.Name(), p.Organization(), p.Description()}
		parts = append(parts, p.Keywords()...)
		seen := map[string]bool{}
		for _, c := range p.Categories() {
			for code := c; code != ""; code = directory.ParentCode(code) {
				if seen[code] {
					continue
				}
				seen[code] = true
				cat, _ := tax.Lookup(code)
				parts = append(parts, cat.Label)
				parts = append(parts, cat.Synonyms...)
			}
		}
		s.text = append(s.text, strings.ToLower(strings.Join(parts, " | ")))
		s.prov = append(s.prov, p)
	}
	return s
}

// search returns the K nearest matches (all with K 0) and the number of
// matches.
func (s *scanner) search(q directory.TextQuery) ([]directory.Result, int) {
	words := strings.Fields(strings.ToLower(q.Words))
	var out []directory.Result
next:
	for i, p := range s.prov {
		if p.Unplaced() {
			continue
		}
		dist := geo.Distance(q.Near, p.Point())
		if q.Radius > 0 && dist > q.Radius {
			continue
		}
		if !scanKeeps(p, &q.Query) {
			continue
		}
		for _, w := range words {
			if !strings.Contains(s.text[i], w) {
				continue next
			}
		}
		out = append(out, directory.Result{Provider: p, Distance: dist})
	}
	slices.SortFunc(out, func(a, b directory.Result) int {
		if a.Distance != b.Distance {
			if a.Distance < b.Distance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Provider.ID(), b.Provider.ID())
	})
	total := len(out)
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	return out, total
}

func BenchmarkTextIndex(b *testing.B) {
	provs := synth.Providers(1, 100_000)
	b.Run("n=100000", func(b *testing.B) {
		// The baseline: the same Build without the text index.
		start := time.Now()
		plain := directory.NewBuilder()
		for _, p := range provs {
			plain.Add(p)
		}
		_, err := plain.Build(context.Background())
		require.NoError(b, err)
		plainSecs := time.Since(start).Seconds()
		b.ReportAllocs()
		var d *directory.Directory
		for b.Loop() {
			var err error
			d, err = buildText(provs)
			require.NoError(b, err)
		}
		dir := filepath.Join(b.TempDir(), "snap")
		start = time.Now()
		require.NoError(b, d.Save(context.Background(), dir))
		saveSecs := time.Since(start).Seconds()
		start = time.Now()
		_, err = directory.Open(context.Background(), dir)
		require.NoError(b, err)
		b.ReportMetric(time.Since(start).Seconds(), "s-open-snapshot")
		b.ReportMetric(saveSecs, "s-save-snapshot")
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, "text")))/(1<<20), "MB-bleve-on-disk")
		b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "MB-snapshot")
		b.ReportMetric(plainSecs, "s-build-without-text")
	})
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	require.NoError(tb, err)
	return n
}

// BenchmarkTextSearch times SearchText for the 10 best on both mixes and
// the substring scan on the district mix; each query is timed once per
// pass through its mix (p50, p90, p99 beside the mean), matches/op is the
// mean number of matches.
func BenchmarkTextSearch(b *testing.B) {
	d := textDirectory(b)
	mixes := []struct {
		name    string
		queries []directory.TextQuery
	}{
		{"old", textQueries(mixSize)},
		{"district", districtTextQueries(b, 4, mixSize)},
	}
	for _, mix := range mixes {
		b.Run("n=100000/index/mix="+mix.name, func(b *testing.B) {
			hits, calls := 0, 0
			timeEach(b, len(mix.queries), func(i int) error {
				res, err := d.SearchText(mix.queries[i])
				if err == nil {
					hits += res.Total
				}
				calls++
				return err
			})
			b.ReportMetric(float64(hits)/float64(calls), "matches/op")
		})
	}
	district := mixes[1].queries
	b.Run("n=100000/scan/mix=district", func(b *testing.B) {
		s := newScanner(d)
		hits, calls := 0, 0
		timeEach(b, len(district), func(i int) error {
			_, total := s.search(district[i])
			hits += total
			calls++
			return nil
		})
		b.ReportMetric(float64(hits)/float64(calls), "matches/op")
	})
}

// TestTextSearchMatchesScan checks the index against the substring scan
// on both mixes: both obey every filter and the radius, and every
// provider holding each query word as a whole word — which the scan finds
// and stemming cannot lose — is matched by the index. Queries without a
// radius get 5 km, as all matches are asked for.
func TestTextSearchMatchesScan(t *testing.T) {
	n := 20_000
	if short() {
		n = 5_000
	}
	d, err := buildText(synth.Providers(2, n))
	require.NoError(t, err)
	s := newScanner(d)
	for _, mix := range []struct {
		name    string
		queries []directory.TextQuery
	}{
		{"mix=old", textQueries(64)},
		{"mix=district", districtTextQueries(t, 9, 64)},
	} {
		checked := 0
		for i, q := range mix.queries {
			t.Run(fmt.Sprint(mix.name, "/", i, q.Words), func(t *testing.T) {
				q.K = 0
				if q.Radius == 0 {
					q.Radius = 5000
				}
				res, err := d.SearchText(q)
				require.NoError(t, err)
				got := map[string]bool{}
				for _, h := range res.Hits {
					got[h.Provider.ID()] = true
					assert.True(t, scanKeeps(h.Provider, &q.Query), "index hit %s breaks a filter", h.Provider.ID())
					assert.LessOrEqual(t, h.Distance, q.Radius)
				}
				scan, _ := s.search(q)
				words := strings.Fields(strings.ToLower(q.Words))
				for _, r := range scan {
					if hasWholeWords(r.Provider, d.Taxonomy(), words) {
						checked++
						assert.True(t, got[r.Provider.ID()], "scan found %s (%q), index did not", r.Provider.ID(), r.Provider.Name())
					}
				}
			})
		}
		assert.Positive(t, checked, "%s: no scan match to check the index against", mix.name)
	}
}

// hasWholeWords reports whether every word is a whole word of p's text.
func hasWholeWords(p directory.Listing, tax *directory.Taxonomy, words []string) bool {
	parts := []string{p.Name(), p.Organization(), p.Description()}
	parts = append(parts, p.Keywords()...)
	for _, c := range p.Categories() {
		for code := c; code != ""; code = directory.ParentCode(code) {
			cat, _ := tax.Lookup(code)
			parts = append(parts, cat.Label)
			parts = append(parts, cat.Synonyms...)
		}
	}
	toks := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(strings.Join(parts, " ")), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		toks[f] = true
	}
	for _, w := range words {
		if !toks[w] {
			return false
		}
	}
	return true
}

// TestTextRankMatchesExhaustive checks the K best of district queries
// without a radius — ranked ring by ring with an early stop — against an
// exhaustive ranking of every match (the answer with K 0), scored here
// from the Ranking formula with distances from the providers' points: same
// providers in the same order, same scores and distances, same Total and
// Facets. On the 100,000-provider directory (20,000 in short mode).
func TestTextRankMatchesExhaustive(t *testing.T) {
	var d *directory.Directory
	n := 400
	if short() {
		var err error
		d, err = buildText(synth.Providers(3, 20_000))
		require.NoError(t, err)
		n = 100
	} else {
		d = textDirectory(t)
	}
	rng := rand.New(rand.NewPCG(5, 17))
	walked := 0
	for i, q := range districtTextQueries(t, 12, n) {
		q.Radius = 0
		q.K = 1 + rng.IntN(20)
		all := q
		all.K = 0
		every, err := d.SearchText(all)
		require.NoError(t, err)
		want := oracle.TextTopK(q, every, q.K)
		got, err := d.SearchText(q)
		require.NoError(t, err)
		if every.Total > 4*q.K {
			walked++
		}
		require.Equal(t, len(want), len(got.Hits), "query %d %+v", i, q)
		for j := range want {
			require.Equal(t, want[j].Provider.ID(), got.Hits[j].Provider.ID(), "query %d %+v: hit %d", i, q, j)
			require.Equal(t, want[j].Score, got.Hits[j].Score, "query %d: hit %d score", i, j)
			require.Equal(t, want[j].Distance, got.Hits[j].Distance, "query %d: hit %d distance", i, j)
		}
		require.Equal(t, every.Total, got.Total)
		require.Equal(t, every.Facets, got.Facets)
	}
	assert.Greater(t, walked, n/2, "too few queries ranked by rings")
}
