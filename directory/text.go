package directory

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/wraparound/wraparound/geo"
)

// TextQuery asks for providers matching words, near a point, that pass the
// hard filters of Query. It reads as JSON with Query's fields inline:
//
//	{"words": "free eye glasses", "near": [-85.31, 35.04], "radius": 5000, "k": 10}
//
// Words are matched in English and in Spanish, with stemming ("pantries"
// finds "pantry"), against each provider's name, organization, description
// and keywords and against the labels and synonyms of its categories and
// their ancestors (so "eye glasses" finds vision care and "comida" finds
// every food provider). A word that is unknown to the directory is
// corrected when a known word is one edit away ("tutorng" → "tutoring").
// Words in double quotes form a phrase that must appear in that order in
// one field or one category label or synonym.
//
// Radius and K limit the results as for Search, except that both may be
// zero: then every match is returned. K keeps the K best by Score.
type TextQuery struct {
	// Words is what the person typed, at most MaxTextBytes bytes and
	// MaxTextWords words.
	Words string `json:"words"`
	Query
	// AnyWord returns providers matching any of the words; by default a
	// provider must match every word the directory knows (words found
	// nowhere are ignored and listed in TextResults.Unmatched).
	AnyWord bool `json:"any_word,omitempty"`
	// Ranking tunes relevance and its blend with distance; the zero value
	// is DefaultRanking.
	Ranking Ranking `json:"ranking,omitzero"`
}

// Limits on TextQuery.Words.
const (
	MaxTextBytes = 1024
	MaxTextWords = 32
)

// Ranking tunes how hits are scored. Each hit has a Relevance in [0,1]
// and a Proximity 1/(1 + Distance/DistanceScale) in (0,1]; its Score is
//
//	(Text·Relevance + Distance·Proximity) / (Text + Distance)
//
// Relevance is the share of the query's words a provider matches, each
// word weighted by its rarity (idf = ln(1 + n/(1+df)), n providers, df
// providers matching the word) and by where it matched: the best of the
// FieldWeights of the fields holding it, times Fuzzy when it matched only
// as a typo correction. Term frequency and field length are ignored: a
// listing that repeats "food" ten times is no more about food.
//
// The zero value is DefaultRanking. Zero fields of a non-zero Ranking
// take their default, except that Text and Distance are used as given
// once either is set ({Text: 1} ranks by relevance alone, ties by
// distance).
type Ranking struct {
	Text     float64 `json:"text,omitempty"`
	Distance float64 `json:"distance,omitempty"`
	// DistanceScale is the distance at which Proximity falls to 0.5.
	DistanceScale geo.Meters `json:"distance_scale,omitempty"`
	// Fuzzy multiplies the weight of a word matched only through a typo
	// correction, in (0,1].
	Fuzzy  float64      `json:"fuzzy,omitempty"`
	Fields FieldWeights `json:"fields,omitzero"`
}

// FieldWeights weigh a word by where it matched, each in [0,1]. The zero
// value means DefaultRanking's weights; in a non-zero value a field of
// weight 0 is not searched.
type FieldWeights struct {
	Name         float64 `json:"name,omitempty"`
	Organization float64 `json:"organization,omitempty"`
	Description  float64 `json:"description,omitempty"`
	Keywords     float64 `json:"keywords,omitempty"`
	// Categories weighs a match on the label or synonyms of one of the
	// provider's categories or their ancestors.
	Categories float64 `json:"categories,omitempty"`
}

// defaultRanking is what DefaultRanking returns.
var defaultRanking = Ranking{
	Text:          0.7,
	Distance:      0.3,
	DistanceScale: 2000,
	Fuzzy:         0.7,
	Fields:        FieldWeights{Name: 1, Organization: 0.6, Description: 0.5, Keywords: 0.8, Categories: 0.8},
}

// DefaultRanking returns the Ranking used for zero fields: relevance
// counts 0.7 and proximity 0.3, proximity halves at 2 km, a typo match
// counts 0.7 of an exact one, and a word counts fully in a name, 0.8 in
// keywords or a category, 0.6 in the organization and 0.5 in the
// description. It returns a fresh value each call.
func DefaultRanking() Ranking { return defaultRanking }

// resolve fills zero fields from DefaultRanking and checks ranges.
func (r Ranking) resolve() (Ranking, error) {
	def := defaultRanking
	if r.Text == 0 && r.Distance == 0 {
		r.Text, r.Distance = def.Text, def.Distance
	}
	if r.DistanceScale == 0 {
		r.DistanceScale = def.DistanceScale
	}
	if r.Fuzzy == 0 {
		r.Fuzzy = def.Fuzzy
	}
	if r.Fields == (FieldWeights{}) {
		r.Fields = def.Fields
	}
	bad := func(v float64) bool { return math.IsNaN(v) || v < 0 || math.IsInf(v, 0) }
	fw := r.Fields
	switch {
	case bad(r.Text) || bad(r.Distance):
		return r, fmt.Errorf("%w: ranking weights %v, %v", ErrBadQuery, r.Text, r.Distance)
	case bad(float64(r.DistanceScale)) || r.DistanceScale <= 0:
		return r, fmt.Errorf("%w: distance scale %v", ErrBadQuery, float64(r.DistanceScale))
	case bad(r.Fuzzy) || r.Fuzzy > 1:
		return r, fmt.Errorf("%w: fuzzy weight %v", ErrBadQuery, r.Fuzzy)
	}
	for _, w := range []float64{fw.Name, fw.Organization, fw.Description, fw.Keywords, fw.Categories} {
		if bad(w) || w > 1 {
			return r, fmt.Errorf("%w: field weight %v", ErrBadQuery, w)
		}
	}
	return r, nil
}

// TextHit is one provider found by SearchText.
type TextHit struct {
	// Result carries the provider, its distance from Query.Near and the
	// walking time.
	Result
	// Relevance is how well the words matched, in [0,1] (see Ranking).
	Relevance float64 `json:"relevance"`
	// Score blends Relevance and proximity, in [0,1]; hits are sorted by
	// it (see Ranking).
	Score float64 `json:"score"`
}

// TextResults is the answer to a TextQuery.
type TextResults struct {
	// Hits are the best matches, highest Score first, ties by distance
	// then ID; at most Query.K when K is set.
	Hits []TextHit
	// Total counts every match in the area before the K cut.
	Total int
	// Facets count the matches (all Total of them) per category, each
	// provider counted once under each of its categories and their
	// ancestors; sorted by count, most first, ties by code.
	Facets []Facet
	// Suggestions are the categories the words were understood as: those
	// with a label or synonym whose every word is among the query's.
	// Best first: most query words covered, exact wording before stems
	// and typo corrections, deeper (more specific) categories first, then
	// by code.
	Suggestions []Suggestion
	// Corrections lists the typos corrected, in query order.
	Corrections []Correction
	// Unmatched lists the query words found nowhere in the directory,
	// even after typo correction; they were ignored.
	Unmatched []string
}

// Facet is the number of matches in one category and its descendants.
type Facet struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Suggestion is a category the query's words name.
type Suggestion struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Phrase is the label or synonym that matched ("eye glasses").
	Phrase string `json:"phrase"`
	// Words is how many of the query's words the phrase covers.
	Words int `json:"words"`
}

// Correction is a query word read as other words one edit away.
type Correction struct {
	Word string   `json:"word"`
	As   []string `json:"as"`
}

// Errors of text queries.
var (
	ErrNoTextIndex = errors.New("directory: directory has no text index")
	ErrEmptyQuery  = errors.New("directory: no searchable words in query")
)

// TextQueryError reports a TextQuery that cannot be run: which field is
// at fault ("words", "radius", "categories", "ranking"…) and why. It wraps
// ErrEmptyQuery, ErrBadQuery, ErrBadRadius, ErrUnknownCategory and the
// other query errors; test with errors.Is.
type TextQueryError struct {
	Field string
	Err   error
}

func (e *TextQueryError) Error() string {
	return fmt.Sprintf("directory: text query: field %q: %s", e.Field, strings.TrimPrefix(e.Err.Error(), "directory: "))
}

func (e *TextQueryError) Unwrap() error { return e.Err }

// queryField names the Query field an error from compile is about.
func queryField(err error) string {
	switch {
	case errors.Is(err, ErrBadRadius):
		return "radius"
	case errors.Is(err, ErrBadK):
		return "k"
	case errors.Is(err, ErrUnknownCategory):
		return "categories"
	case errors.Is(err, ErrUnknownRegion):
		return "region"
	case errors.Is(err, ErrNoTransit):
		return "transit"
	}
	return "query"
}

// HasTextIndex reports whether the directory was built with a text index
// (Builder.TextIndex) or opened from a snapshot that has one.
func (d *Directory) HasTextIndex() bool { return d.text != nil }

// SearchText finds the placed providers matching q's words within
// q.Radius of q.Near that pass q's filters, scored by Ranking, with
// category facets and suggestions. Providers without a location are never
// returned.
//
// Cost: analysing the words (microseconds); then, for each word, a pass
// over its postings inside the cells of the spatial index that meet the
// radius's box (every cell without a radius); then the candidates — the
// in-box providers of the rarest word, of the filtered category, or of
// the whole box, whichever are fewest — in number order, each tested in
// order of cost: a byte per word, with an opening time a bit of that
// hour's bitmap (hourBits), its spatial index record (flags, languages,
// ages, hour of the week), its categories, distance (with a radius),
// and its opening hours: from the filter record (filter.keepAt) when the
// query sets other filters that need it, else from the index's copy. Every match counts in Total and the
// facets. With a radius the K best are kept with a bounded insertion;
// without one the matches are taken ring by ring around Near and only
// those of the rings taken are measured and scored, stopping once the
// K-th beats what any later ring could hold (Directory.rank). At n =
// 100,000 the district mix (85% without a radius) takes under a
// millisecond a query, some 30 times less than a substring scan (see
// BenchmarkTextSearch in package benchmarks).
// SearchText is safe for concurrent use.
func (d *Directory) SearchText(q TextQuery) (*TextResults, error) {
	if q.Trip != nil {
		return nil, fmt.Errorf("%w: a trip filter is answered by Search only", ErrBadQuery)
	}
	return d.searchText(&q, driveAuto)
}

// Ways of enumerating candidates (see Directory.run); tests force each.
const (
	driveAuto = iota
	driveWords
	driveSpace
	// driveRings, or'ed in, makes rank walk rings whatever k.
	driveRings = 1 << 4
)

func (d *Directory) searchText(q *TextQuery, drive int) (*TextResults, error) {
	t := d.text
	if t == nil {
		return nil, ErrNoTextIndex
	}
	if len(q.Words) > MaxTextBytes {
		return nil, &TextQueryError{Field: "words", Err: fmt.Errorf("%w: words longer than %d bytes", ErrBadQuery, MaxTextBytes)}
	}
	rank, err := q.Ranking.resolve()
	if err != nil {
		return nil, &TextQueryError{Field: "ranking", Err: err}
	}
	f, err := d.compile(&q.Query)
	if err != nil {
		return nil, &TextQueryError{Field: queryField(err), Err: err}
	}
	pq, err := t.parse(q.Words, &rank)
	if err != nil {
		return nil, &TextQueryError{Field: "words", Err: err}
	}
	s := t.scratch(int(t.n), len(pq.words))
	defer t.release(s)
	res := &TextResults{Corrections: pq.corrections, Unmatched: pq.unmatched}
	res.Suggestions = t.suggest(pq)
	matches := d.run(s, pq, f, q, &rank, drive&^driveRings)
	res.Total = len(matches)
	res.Facets = t.facets(s, matches)
	k := q.K
	if k <= 0 || k > len(matches) {
		k = len(matches)
	}
	if q.Radius > 0 {
		d.topK(matches, k)
	} else {
		d.rank(s, matches, k, q.Near, &rank, drive&driveRings != 0)
	}
	res.Hits = make([]TextHit, k)
	for i, m := range matches[:k] {
		res.Hits[i] = TextHit{
			Result:    Result{Provider: listing(d.prov(t.slot(m.doc))), Distance: m.dist, Walk: geo.WalkTime(m.dist), Transit: m.stop},
			Relevance: m.rel,
			Score:     m.score,
		}
		if f.serves != nil {
			res.Hits[i].ServiceArea = f.serves.match(res.Hits[i].Provider.p)
		}
	}
	return res, nil
}

// textMatch is a provider that passed every test, before ranking.
type textMatch struct {
	doc   int32
	dist  geo.Meters
	rel   float64
	score float64
	stop  *StopInfo
}

// better orders matches by score, then distance, then ID.
func (d *Directory) better(a, b *textMatch) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.dist != b.dist {
		return a.dist < b.dist
	}
	t := d.text
	return d.prov(t.slot(a.doc)).ID < d.prov(t.slot(b.doc)).ID
}

// topK moves the k best matches, sorted, to the front of ms.
func (d *Directory) topK(ms []textMatch, k int) {
	cmp := func(a, b textMatch) int {
		if d.better(&a, &b) {
			return -1
		}
		if d.better(&b, &a) {
			return 1
		}
		return 0
	}
	if k >= len(ms)/4 {
		slices.SortFunc(ms, cmp)
		return
	}
	// Keep the best k sorted at the front; insert each better one.
	slices.SortFunc(ms[:k], cmp)
	for i := k; i < len(ms); i++ {
		if !d.better(&ms[i], &ms[k-1]) {
			continue
		}
		m := ms[i]
		j, _ := slices.BinarySearchFunc(ms[:k], m, cmp)
		copy(ms[j+1:k], ms[j:k-1])
		ms[j] = m
	}
}

// facets counts matches per category, ancestors included.
func (t *textIndex) facets(s *textScratch, ms []textMatch) []Facet {
	counts := s.facet
	for _, m := range ms {
		for _, c := range t.docCats(m.doc) {
			counts[c]++
		}
	}
	var out []Facet
	for ci, n := range counts {
		if n > 0 {
			out = append(out, Facet{Code: t.cats[ci].code, Label: t.cats[ci].label, Count: int(n)})
			counts[ci] = 0
		}
	}
	slices.SortFunc(out, func(a, b Facet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}
