package directory_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

var (
	textDemoOnce sync.Once
	textDemo     *directory.Directory
	textDemoErr  error
)

// demoText returns the Chattanooga demo directory (real groceries,
// generated providers, the three region sets) built with its text index.
func demoText(t testing.TB) *directory.Directory {
	t.Helper()
	textDemoOnce.Do(func() { textDemo, textDemoErr = buildDemoText(nil) })
	require.NoError(t, textDemoErr)
	return textDemo
}

// buildDemoText builds the demo directory with a text index, plus extra
// providers.
func buildDemoText(extra []directory.Provider) (*directory.Directory, error) {
	provs, err := demo.Providers()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return nil, err
	}
	b := directory.NewBuilder()
	b.Location = loc
	b.TextIndex = true
	for _, set := range []string{demo.Neighborhoods, demo.ZipCodes, demo.CouncilDistricts} {
		rs, err := demo.Regions(set)
		if err != nil {
			return nil, err
		}
		b.AddRegions(set, rs)
	}
	for _, p := range append(provs, extra...) {
		b.Add(p)
	}
	return b.Build(context.Background())
}

// inCat returns the IDs of the placed providers in category code, sorted.
func inCat(d *directory.Directory, code string) []string {
	var out []string
	for p := range d.All() {
		if !p.Unplaced() && p.InCategory(code) {
			out = append(out, p.ID())
		}
	}
	return out
}

func hitIDs(res *directory.TextResults) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Provider.ID()
	}
	return out
}

// TestSearchTextExpectations checks, word by word, what a person would
// expect from the demo directory. Each expectation was worked out from
// the taxonomy's labels and synonyms and the providers' categories: all
// of a category's providers must be found (its synonyms apply to every
// provider in it), and with only set nothing else may be.
func TestSearchTextExpectations(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	tests := []struct {
		name       string
		words      string
		all        string // every provider of this category is a hit
		only       bool   // and every hit is in it
		top        string // the best hit is in this category
		suggest    string // first suggestion
		correction string // a correction of the form "word→as"
		unmatched  []string
		none       bool // no hits at all
	}{
		{name: "synonym", words: "eye glasses", all: "health.vision", only: true, suggest: "health.vision"},
		{name: "synonym one word", words: "eyeglasses", all: "health.vision", only: true, suggest: "health.vision"},
		{name: "food bank is a pantry", words: "food bank", all: "basic.food.pantry", top: "basic.food.pantry", suggest: "basic.food.pantry"},
		{name: "spanish comida finds all food", words: "comida", all: "basic.food", only: true, suggest: "basic.food"},
		{name: "spanish despensa", words: "despensa", all: "basic.food.pantry", only: true, suggest: "basic.food.pantry"},
		{name: "spanish ropa", words: "ropa", all: "basic.clothing", only: true, suggest: "basic.clothing"},
		{name: "spanish accents folded", words: "tutoria", all: "education.tutoring", only: true, suggest: "education.tutoring"},
		{name: "spanish plural", words: "tutorías", all: "education.tutoring", only: true, suggest: "education.tutoring"},
		{name: "spanish phrase", words: "salud mental", all: "health.mental", only: true, suggest: "health.mental"},
		{name: "english plural stem", words: "pantries", all: "basic.food.pantry", only: true},
		{name: "two word synonym", words: "winter coat", all: "basic.clothing", only: true, suggest: "basic.clothing"},
		{name: "typo", words: "tutorng", all: "education.tutoring", only: true, suggest: "education.tutoring", correction: "tutorng→tutoring"},
		{name: "typo transposed", words: "dentsit", all: "health.dental", only: true, suggest: "health.dental", correction: "dentsit→dentist"},
		{name: "typo dropped letter", words: "counselng", all: "health.mental", only: true, suggest: "health.mental", correction: "counselng→counseling"},
		{name: "unknown word ignored", words: "ropa xyzzyq", all: "basic.clothing", only: true, unmatched: []string{"xyzzyq"}},
		{name: "phrase in order", words: `"food bank"`, all: "basic.food.pantry", top: "basic.food.pantry"},
		{name: "phrase reversed finds none", words: `"bank food"`, none: true},
		{name: "words reversed still match", words: "bank food", all: "basic.food.pantry"},
		{name: "spanish phrase with stop word", words: `"banco de comida"`, all: "basic.food.pantry", only: true, suggest: "basic.food.pantry"},
		{name: "name words", words: "dental clinic", top: "health.dental"},
		{name: "homework help", words: "homework help", all: "education.tutoring", only: true, suggest: "education.tutoring"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := d.SearchText(directory.TextQuery{Words: tc.words, Query: directory.Query{Near: demo.Downtown}})
			require.NoError(t, err)
			got := hitIDs(res)
			if tc.none {
				assert.Empty(t, got, "%q", tc.words)
				return
			}
			require.NotEmpty(t, got, "%q", tc.words)
			if tc.all != "" {
				want := inCat(d, tc.all)
				require.NotEmpty(t, want)
				for _, id := range want {
					assert.Contains(t, got, id, "%q should find %s (%s)", tc.words, id, tc.all)
				}
				if tc.only {
					assert.ElementsMatch(t, want, got, "%q", tc.words)
				}
			}
			if tc.top != "" {
				assert.True(t, res.Hits[0].Provider.InCategory(tc.top), "%q: best hit %s %q is not in %s", tc.words, got[0], res.Hits[0].Provider.Name(), tc.top)
			}
			if tc.suggest != "" {
				require.NotEmpty(t, res.Suggestions, "%q", tc.words)
				assert.Equal(t, tc.suggest, res.Suggestions[0].Code, "%q: suggestions %v", tc.words, res.Suggestions)
			}
			if tc.correction != "" {
				word, as, _ := strings.Cut(tc.correction, "→")
				require.NotEmpty(t, res.Corrections, "%q", tc.words)
				assert.Equal(t, word, res.Corrections[0].Word)
				assert.Contains(t, res.Corrections[0].As, as)
			}
			assert.Equal(t, tc.unmatched, res.Unmatched)
		})
	}
}

// TestSearchTextRanking checks the blend by hand: relevance in [0,1],
// score = (0.7 relevance + 0.3 proximity), proximity = 1/(1+d/2 km),
// sorted by score then distance then ID.
func TestSearchTextRanking(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	res, err := d.SearchText(directory.TextQuery{Words: "food pantry", Query: directory.Query{Near: demo.Downtown, K: 20}})
	require.NoError(t, err)
	require.Len(t, res.Hits, 20)
	for i, h := range res.Hits {
		assert.GreaterOrEqual(t, h.Relevance, 0.0)
		assert.LessOrEqual(t, h.Relevance, 1.0)
		assert.Equal(t, geo.Distance(demo.Downtown, h.Provider.Point()), h.Distance)
		prox := 1 / (1 + float64(h.Distance)/2000)
		assert.InDelta(t, 0.7*h.Relevance+0.3*prox, h.Score, 1e-9)
		if i > 0 {
			prev := res.Hits[i-1]
			ordered := prev.Score > h.Score || prev.Score == h.Score && (prev.Distance < h.Distance || prev.Distance == h.Distance && prev.Provider.ID() < h.Provider.ID())
			assert.True(t, ordered, "hit %d out of order", i)
		}
	}
	// A provider named for both words outranks one matching them only
	// through its category, at the same distance.
	top := res.Hits[0]
	assert.InDelta(t, 1.0, top.Relevance, 1e-9, "best hit %q", top.Provider.Name())

	// Text only: the blend {Text: 1} orders by relevance, then distance.
	res, err = d.SearchText(directory.TextQuery{Words: "food pantry", Query: directory.Query{Near: demo.Downtown}, Ranking: directory.Ranking{Text: 1}})
	require.NoError(t, err)
	for i := 1; i < len(res.Hits); i++ {
		a, b := res.Hits[i-1], res.Hits[i]
		assert.True(t, a.Relevance > b.Relevance || a.Relevance == b.Relevance && a.Distance <= b.Distance)
	}
}

// TestSearchTextErrors checks the typed errors.
func TestSearchTextErrors(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	near := directory.Query{Near: demo.Downtown}
	tests := []struct {
		name  string
		q     directory.TextQuery
		field string
		want  error
	}{
		{"empty", directory.TextQuery{Query: near}, "words", directory.ErrEmptyQuery},
		{"only punctuation", directory.TextQuery{Words: " ?!… — ", Query: near}, "words", directory.ErrEmptyQuery},
		{"english stop words", directory.TextQuery{Words: "the and of", Query: near}, "words", directory.ErrEmptyQuery},
		{"spanish stop words", directory.TextQuery{Words: "de la con", Query: near}, "words", directory.ErrEmptyQuery},
		{"too long", directory.TextQuery{Words: strings.Repeat("food ", 300), Query: near}, "words", directory.ErrBadQuery},
		{"too many words", directory.TextQuery{Words: strings.Repeat("food ", 40), Query: near}, "words", directory.ErrBadQuery},
		{"negative radius", directory.TextQuery{Words: "food", Query: directory.Query{Near: demo.Downtown, Radius: -1}}, "radius", directory.ErrBadRadius},
		{"absurd radius", directory.TextQuery{Words: "food", Query: directory.Query{Near: demo.Downtown, Radius: 1e9}}, "radius", directory.ErrBadRadius},
		{"unknown category", directory.TextQuery{Words: "food", Query: directory.Query{Near: demo.Downtown, Categories: []string{"basic.spaceships"}}}, "categories", directory.ErrUnknownCategory},
		{"unknown region", directory.TextQuery{Words: "food", Query: directory.Query{Near: demo.Downtown, Region: "zipcodes:99999"}}, "region", directory.ErrUnknownRegion},
		{"bad ranking", directory.TextQuery{Words: "food", Query: near, Ranking: directory.Ranking{Text: -1}}, "ranking", directory.ErrBadQuery},
		{"bad fuzzy", directory.TextQuery{Words: "food", Query: near, Ranking: directory.Ranking{Fuzzy: 2}}, "ranking", directory.ErrBadQuery},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := d.SearchText(tc.q)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var qe *directory.TextQueryError
			require.ErrorAs(t, err, &qe)
			assert.Equal(t, tc.field, qe.Field)
			assert.True(t, strings.HasPrefix(err.Error(), "directory: "), err.Error())
		})
	}
	t.Run("no text index", func(t *testing.T) {
		t.Parallel()
		plain, err := demo.Directory()
		require.NoError(t, err)
		_, err = plain.SearchText(directory.TextQuery{Words: "food", Query: near})
		assert.ErrorIs(t, err, directory.ErrNoTextIndex)
		assert.False(t, plain.HasTextIndex())
		assert.True(t, d.HasTextIndex())
	})
}

// textVocabulary is what random queries draw their words from: taxonomy
// words in both languages and words of the demo's names and descriptions.
var textVocabulary = []string{
	"food", "pantry", "comida", "free", "meal", "hot", "lunch", "groceries", "market", "snap",
	"shelter", "rent", "help", "eviction", "clothing", "coat", "winter", "ropa", "school", "supplies",
	"backpack", "bus", "clinic", "doctor", "dental", "dentist", "eye", "glasses", "vision", "counseling",
	"mental", "salud", "tutoring", "homework", "mentor", "after", "soccer", "art", "music", "coding",
	"camp", "summer", "job", "internship", "legal", "parenting", "benefits", "community", "center", "church",
	"children", "families", "walk-ins", "welcome", "despensa", "gratis", "abrigo", "familia", "supermarket", "produce",
}

// randomTextQuery draws words and filters.
func randomTextQuery(rng *rand.Rand, d *directory.Directory) directory.TextQuery {
	n := 1 + rng.IntN(2)
	if rng.IntN(6) == 0 {
		n = 3
	}
	words := make([]string, n)
	for i := range words {
		words[i] = textVocabulary[rng.IntN(len(textVocabulary))]
	}
	q := directory.TextQuery{Words: strings.Join(words, " "), AnyWord: rng.IntN(5) == 0}
	q.Near = orb.Point{demo.Downtown[0] + (rng.Float64()-0.5)*0.14, demo.Downtown[1] + (rng.Float64()-0.5)*0.1}
	switch rng.IntN(4) {
	case 0:
		q.Radius = geo.Meters(500 + rng.Float64()*6000)
	case 1:
		q.Radius = geo.Meters(500 + rng.Float64()*6000)
		q.K = 1 + rng.IntN(10)
	case 2:
		q.K = 1 + rng.IntN(10)
	}
	if rng.IntN(3) == 0 {
		all := d.Taxonomy().All()
		q.Categories = []string{all[rng.IntN(len(all))].Code}
		if rng.IntN(4) == 0 {
			q.Categories = append(q.Categories, all[rng.IntN(len(all))].Code)
		}
	}
	if rng.IntN(3) == 0 {
		q.OpenAt = time.Date(2026, 6, 1+rng.IntN(7), rng.IntN(24), rng.IntN(4)*15, 0, 0, time.UTC)
		q.UnknownHoursOK = rng.IntN(3) == 0
	}
	if rng.IntN(6) == 0 {
		q.Age = rng.IntN(19)
	}
	if rng.IntN(6) == 0 {
		q.Language = []string{"en", "es", "vi"}[rng.IntN(3)]
	}
	q.FreeOnly = rng.IntN(6) == 0
	q.Wheelchair = rng.IntN(6) == 0
	if rng.IntN(8) == 0 {
		q.Region = "zipcodes:" + []string{"37402", "37403", "37404", "37405", "37406", "37407", "37408", "37410"}[rng.IntN(8)]
	}
	return q
}

// analyzers returns bleve's English and Spanish analyzers, for the
// independent matcher.
func analyzers(t testing.TB) [2]analysis.Analyzer {
	m := mapping.NewIndexMapping()
	a := [2]analysis.Analyzer{m.AnalyzerNamed("en"), m.AnalyzerNamed("es")}
	require.NotNil(t, a[0])
	require.NotNil(t, a[1])
	return a
}

func termSet(a analysis.Analyzer, s string) map[string]bool {
	out := map[string]bool{}
	for _, tok := range a.Analyze([]byte(s)) {
		out[string(tok.Term)] = true
	}
	return out
}

var (
	bruteOnce   sync.Once
	bruteDir    *directory.Directory
	bruteTexts  [][2]map[string]bool
	brutePlaced []directory.Listing
)

// bruteTerms returns the English and Spanish terms of every provider's
// text and category labels and synonyms, in ID order, computed once.
func bruteTerms(t testing.TB, d *directory.Directory) ([][2]map[string]bool, []directory.Listing) {
	bruteOnce.Do(func() {
		an := analyzers(t)
		bruteDir = d
		for p := range d.All() {
			parts := []string{p.Name(), p.Organization(), p.Description(), strings.Join(p.Keywords(), " ; ")}
			for _, c := range p.Categories() {
				for code := c; code != ""; code = directory.ParentCode(code) {
					cat, _ := d.Taxonomy().Lookup(code)
					parts = append(parts, cat.Label)
					parts = append(parts, cat.Synonyms...)
				}
			}
			all := strings.Join(parts, " ; ")
			bruteTexts = append(bruteTexts, [2]map[string]bool{termSet(an[0], all), termSet(an[1], all)})
			brutePlaced = append(brutePlaced, p)
		}
	})
	require.Same(t, bruteDir, d, "bruteTerms serves one directory")
	return bruteTexts, brutePlaced
}

// bruteText returns, by a plain scan, the IDs of the placed providers
// within the radius that pass q's filters and match its words: each word
// (dropped when a stop word in either language) must appear, analysed in
// English or in Spanish, in the provider's text or its categories' labels
// and synonyms (any word with AnyWord). Words found in no provider are
// ignored. It returns nil when the query has only stop words.
func bruteText(t testing.TB, d *directory.Directory, q directory.TextQuery) []string {
	an := analyzers(t)
	type word struct{ en, es string }
	var words []word
	es := map[int]string{}
	for _, tok := range an[1].Analyze([]byte(q.Words)) {
		es[tok.Position] = string(tok.Term)
	}
	for _, tok := range an[0].Analyze([]byte(q.Words)) {
		if s, ok := es[tok.Position]; ok {
			words = append(words, word{string(tok.Term), s})
		}
	}
	if len(words) == 0 {
		return nil
	}
	texts, placed := bruteTerms(t, d)
	known := make([]bool, len(words))
	// Words found in no provider are ignored.
	for i, w := range words {
		for _, tx := range texts {
			if tx[0][w.en] || tx[1][w.es] {
				known[i] = true
				break
			}
		}
	}
	out := []string{}
	for i, p := range placed {
		if p.Unplaced() || q.Radius > 0 && geo.Distance(q.Near, p.Point()) > q.Radius || !passesQuery(p, q.Query) {
			continue
		}
		matched, missed := 0, 0
		for j, w := range words {
			if !known[j] {
				continue
			}
			if texts[i][0][w.en] || texts[i][1][w.es] {
				matched++
			} else {
				missed++
			}
		}
		if matched > 0 && (q.AnyWord || missed == 0) {
			out = append(out, p.ID())
		}
	}
	slices.Sort(out)
	return out
}

// TestSearchTextMatchesBruteForce runs random word + filter queries and
// checks against an independent scan: the matches are exactly the
// scan's (so no hit breaks a filter and none is missed), the K best are
// the best of them, facets equal a recount of every match, and each
// candidate driver gives the same answer.
func TestSearchTextMatchesBruteForce(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	rng := rand.New(rand.NewPCG(7, 11))
	n := 300
	if testing.Short() {
		n = 80
	}
	for i := range n {
		q := randomTextQuery(rng, d)
		t.Run(fmt.Sprintf("%d_%s", i, strings.ReplaceAll(q.Words, " ", "_")), func(t *testing.T) {
			want := bruteText(t, d, q)
			all := q
			all.K = 0
			res, err := d.SearchText(all)
			if want == nil {
				// Only stop words.
				require.ErrorIs(t, err, directory.ErrEmptyQuery)
				return
			}
			require.NoError(t, err)
			got := hitIDs(res)
			slices.Sort(got)
			assert.Equal(t, want, got, "query %+v", q)
			assert.Equal(t, len(want), res.Total)
			for _, h := range res.Hits {
				assert.True(t, passesQuery(h.Provider, q.Query), "%s breaks a filter", h.Provider.ID())
			}

			// Facets: recount every match under its categories and
			// their ancestors.
			recount := map[string]int{}
			for _, h := range res.Hits {
				seen := map[string]bool{}
				for _, c := range h.Provider.Categories() {
					for code := c; code != ""; code = directory.ParentCode(code) {
						if !seen[code] {
							seen[code] = true
							recount[code]++
						}
					}
				}
			}
			facets := map[string]int{}
			for _, f := range res.Facets {
				facets[f.Code] = f.Count
			}
			assert.Equal(t, recount, facets)

			// The K best are the first K of all matches, and facets
			// still count every match.
			top, err := d.SearchText(q)
			require.NoError(t, err)
			k := len(res.Hits)
			if q.K > 0 && q.K < k {
				k = q.K
			}
			assert.Equal(t, hitIDs(res)[:k], hitIDs(top))
			assert.Equal(t, res.Facets, top.Facets)
			assert.Equal(t, res.Total, top.Total)

			for _, drive := range []int{directory.DriveWords, directory.DriveSpace} {
				other, err := directory.SearchTextWith(d, q, drive)
				require.NoError(t, err)
				assert.Equal(t, top, other, "drive %d", drive)
			}
		})
	}
}

// TestSearchTextConcurrent runs queries from several goroutines (run
// with -race).
func TestSearchTextConcurrent(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	rng := rand.New(rand.NewPCG(3, 3))
	qs := make([]directory.TextQuery, 40)
	want := make([][]string, len(qs))
	for i := range qs {
		qs[i] = randomTextQuery(rng, d)
		res, err := d.SearchText(qs[i])
		require.NoError(t, err)
		want[i] = hitIDs(res)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range qs {
				j := (i + g*7) % len(qs)
				res, err := d.SearchText(qs[j])
				if assert.NoError(t, err) {
					assert.Equal(t, want[j], hitIDs(res))
				}
			}
		})
	}
	wg.Wait()
}

func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"eye glasses", "comida", `"food bank"`, "tutorng", "", `"`, `""`, "the", "de la",
		"\xff\xfe", "ñandú café", "a\"b\"c\"d", strings.Repeat("x", 40), "🍎 food", "food\x00bank"} {
		f.Add(s, uint8(0))
	}
	d := demoText(f)
	f.Fuzz(func(t *testing.T, words string, flags uint8) {
		q := directory.TextQuery{Words: words, AnyWord: flags&1 != 0, Query: directory.Query{Near: demo.Downtown}}
		if flags&2 != 0 {
			q.Radius = 3000
		}
		if flags&4 != 0 {
			q.Categories = []string{"basic.food"}
		}
		res, err := d.SearchText(q)
		if err != nil {
			var qe *directory.TextQueryError
			if !errors.As(err, &qe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, h := range res.Hits {
			if q.Radius > 0 && h.Distance > q.Radius {
				t.Fatalf("hit %s at %v beyond radius", h.Provider.ID(), h.Distance)
			}
			if len(q.Categories) > 0 && !h.Provider.InCategory("basic.food") {
				t.Fatalf("hit %s not in basic.food", h.Provider.ID())
			}
			if h.Relevance < 0 || h.Relevance > 1 || h.Score < 0 || h.Score > 1 {
				t.Fatalf("hit %s relevance %v score %v", h.Provider.ID(), h.Relevance, h.Score)
			}
		}
	})
}

// TestOpenIndexMatchesHours checks the text index's copy of opening hours
// against Hours.OpenAt, instant by instant: the demo's real OSM hours,
// plus hours in other zones, spans past midnight (Saturday's into
// Sunday), around the clock and unknown, across both DST changes.
func TestOpenIndexMatchesHours(t *testing.T) {
	t.Parallel()
	h := func(zone string, spans map[time.Weekday][]directory.Span) directory.Hours {
		out := directory.Hours{Zone: zone}
		for d, s := range spans {
			out.Week[d] = s
		}
		return out
	}
	hr := func(x float64) time.Duration { return time.Duration(x * float64(time.Hour)) }
	extra := []directory.Provider{
		{ID: "x-night-sat", Hours: h("America/New_York", map[time.Weekday][]directory.Span{time.Saturday: {{Open: hr(20), Close: hr(31)}}})},
		{ID: "x-chicago", Hours: h("America/Chicago", map[time.Weekday][]directory.Span{time.Monday: {{Open: hr(9), Close: hr(17.5)}}, time.Sunday: {{Open: hr(23.25), Close: hr(26)}}})},
		{ID: "x-utc", Hours: h("UTC", map[time.Weekday][]directory.Span{time.Wednesday: {{Open: hr(0), Close: hr(24)}}})},
		{ID: "x-default-zone", Hours: h("", map[time.Weekday][]directory.Span{time.Sunday: {{Open: hr(1), Close: hr(3)}}, time.Friday: {{Open: hr(8), Close: hr(8) + time.Nanosecond}}})},
		{ID: "x-always", Hours: directory.Hours{Always: true}},
		{ID: "x-unknown"},
	}
	for i := range extra {
		extra[i].Name = "Hours " + extra[i].ID
		extra[i].Categories = []string{"basic.food.meals"}
		extra[i].Point = demo.Downtown
	}
	d, err := buildDemoText(extra)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 9))
	var instants []time.Time
	for _, base := range []time.Time{
		time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),  // spring forward in the U.S.
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), // fall back
		time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC),  // a Saturday
	} {
		for m := -24 * 60; m < 3*24*60; m += 15 {
			instants = append(instants, base.Add(time.Duration(m)*time.Minute))
		}
	}
	for range 500 {
		instants = append(instants, time.Unix(1_767_225_600+rng.Int64N(365*24*3600), rng.Int64N(1e9)))
	}
	for _, at := range instants {
		for _, ok := range []bool{false, true} {
			if bad := directory.OpenDisagreements(d, at, ok); len(bad) > 0 {
				t.Fatalf("at %v (unknown ok %v): index and Hours.OpenAt disagree on %v", at, ok, bad)
			}
		}
	}
}
