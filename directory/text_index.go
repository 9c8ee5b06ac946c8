package directory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The text index is a bleve index plus a read-optimised projection of it.
//
// bleve analyses and holds the text. Every provider is one bleve document
// whose text fields are indexed twice, once with bleve's English analyzer
// ("en": possessives, lower case, English stop words, Porter stemming) and
// once with its Spanish analyzer ("es": lower case, Spanish stop words,
// accent folding, light stemming), so that "pantries" meets "pantry" and
// "tutorías" meets "tutoría". Indexing every field in both languages
// rather than guessing each listing's language keeps mixed listings
// ("Despensa — free food") whole, and costs about twice the postings. A
// "words" field (lower case, no stemming) holds the surface vocabulary
// used to correct typos.
//
// Queries do not run through bleve's searcher: at n = 100,000 a bleve
// query over the ten fields costs milliseconds once common words match
// thousands of documents (BenchmarkBleveSearch), and its hits cannot be
// intersected cheaply with a place. Instead buildText and Open read
// bleve's postings back into plain sorted arrays (textIndex.lang),
// numbered in the cell order of the spatial index (text_store.go), which a query intersects with the
// grid cells around the place. Reading the postings back, rather than
// analysing the providers a second time, means a directory built in memory
// and one opened from disk hold exactly the same projection. Directory.Apply
// does not go back to bleve: it updates the projection of the new version
// from the changed providers' text, analysed token by token with the same
// analyzers (text_apply.go), sharing the rest with the old version
// (text_store.go); its answers equal a fresh build's. Category
// labels and synonyms are matched against the taxonomy (a few dozen
// entries) rather than read from bleve's "categories" fields, which are
// there for bleve's own queries.

// Logical text fields of a provider, as bits of a posting's field mask.
const (
	fieldName = iota
	fieldOrganization
	fieldDescription
	fieldKeywords
	numTextFields
)

var textFieldNames = [numTextFields]string{"name", "organization", "description", "keywords"}

// Languages the text is analysed in.
const (
	langEN = iota
	langES
	numLangs
)

// langNames name the languages in bleve field names ("name_en").
var langNames = [numLangs]string{en.AnalyzerName, es.AnalyzerName}

// langAnalyzers name the analyzers of each language: bleve's "en" and
// "es" analyzers with tokens cut to maxTokenBytes first.
var langAnalyzers = [numLangs]string{"wraparound_en", "wraparound_es"}

const (
	wordsField    = "words"
	wordsAnalyzer = "wraparound_words"
	catField      = "categories"
	truncFilter   = "wraparound_truncate"
)

// maxTokenBytes is the longest token indexed, in bytes; longer tokens
// (a pasted URL, a run of letters with no space) are cut to their first
// maxTokenBytes bytes (at a rune boundary), in providers' text and in
// queries alike, so that such a word is still found by its own spelling.
// Without the cut, bleve spends memory in proportion to the square of a
// token's length when reading its dictionary (some 1,400 bytes per byte
// of a 70 KB token).
const maxTokenBytes = 256

func init() {
	// A cut without allocation: bleve's truncate_token filter copies
	// every long token into runes first.
	err := registry.RegisterTokenFilter(truncFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return cutFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// cutFilter cuts tokens to maxTokenBytes.
type cutFilter struct{}

func (cutFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, tok := range ts {
		if len(tok.Term) > maxTokenBytes {
			n := maxTokenBytes
			for n > 0 && !utf8.RuneStart(tok.Term[n]) {
				n--
			}
			tok.Term = tok.Term[:n]
		}
	}
	return ts
}

// bleveField names the bleve field holding logical field f in language l.
func bleveField(f, l int) string { return textFieldNames[f] + "_" + langNames[l] }

// textMapping returns the bleve mapping of provider documents.
func textMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	analyzers := map[string][]string{
		wordsAnalyzer: {truncFilter, lowercase.Name},
		// As bleve's "en" and "es" analyzers (analysis/lang/en, es), with
		// the cut first.
		langAnalyzers[langEN]: {truncFilter, en.PossessiveName, lowercase.Name, en.StopName, porter.Name},
		langAnalyzers[langES]: {truncFilter, lowercase.Name, es.StopName, es.NormalizeName, es.LightStemmerName},
	}
	for _, name := range []string{wordsAnalyzer, langAnalyzers[langEN], langAnalyzers[langES]} {
		if err := im.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": analyzers[name],
		}); err != nil {
			return nil, err
		}
	}
	dm := bleve.NewDocumentStaticMapping()
	field := func(name, analyzer string) {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(name, fm)
	}
	for f := range numTextFields {
		for l := range numLangs {
			field(bleveField(f, l), langAnalyzers[l])
		}
	}
	for l := range numLangs {
		field(catField+"_"+langNames[l], langAnalyzers[l])
	}
	field(wordsField, wordsAnalyzer)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = langAnalyzers[langEN]
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}

// textDocument returns the bleve document of provider p: its text fields
// in both languages, the labels and synonyms of its categories and their
// ancestors, and every word for the typo vocabulary.
func (d *Directory) textDocument(p *Provider) map[string]any {
	fields := textFields(p)
	doc := make(map[string]any, 2*numTextFields+3)
	for f, s := range fields {
		if s == "" {
			continue
		}
		for l := range numLangs {
			doc[bleveField(f, l)] = s
		}
	}
	catText := d.catText(p)
	for l := range numLangs {
		doc[catField+"_"+langNames[l]] = catText
	}
	// docText.read relies on this form.
	doc[wordsField] = strings.Join(append(fields[:], catText), " ; ")
	return doc
}

// textFields returns p's text fields, indexed by fieldName….
func textFields(p *Provider) [numTextFields]string {
	return [numTextFields]string{p.Name, p.Organization, p.Description, strings.Join(p.Keywords, " ; ")}
}

// catText returns the labels and synonyms of p's categories and their
// ancestors, as one text.
func (d *Directory) catText(p *Provider) string {
	var cats []string
	for _, code := range p.treeCodes() {
		if c, ok := d.tax.Lookup(code); ok {
			cats = append(cats, c.Label)
			cats = append(cats, c.Synonyms...)
		}
	}
	return strings.Join(cats, " ; ")
}

// textIndex is the projection of the bleve index that queries use. It is
// immutable once built; Directory.Apply makes a new one that shares what
// its changes do not touch (text_store.go).
type textIndex struct {
	mapping   *mapping.IndexMappingImpl
	analyzers [numLangs]analysis.Analyzer
	surface   analysis.Analyzer
	tokens    *tokenForms // shared by every version

	lang [numLangs]langPostings

	// vocab is the surface vocabulary (lower-cased words, not stemmed),
	// indexed for typo lookup.
	vocab textVocab

	// Categories: the analysed label and synonyms of each category
	// (indexed as in Taxonomy.All), which categories contain each term,
	// the categories (with ancestors) of each number, and the numbers of
	// each category (with descendants).
	cats     []catText
	catTerms [numLangs]map[string][]uint16
	catOff   []int32            // categories of number k < tail: catVals[catOff[k]:catOff[k+1]]
	catVals  []uint16           //
	tailCat  cowSlice[[]uint16] // categories of number k ≥ tail, at k-tail
	catDocs  []*postList
	catIdx   map[string]uint16

	// Internal numbering (see textCells): order[k] is the slot of
	// number k, rank its inverse (-1: none); recs[k] is its record in
	// the spatial index (the value its grids hold, Directory.gridRec),
	// kept in number order so that candidates, visited in that order,
	// are placed and turned away by the quick filters without touching
	// provider records or their metas; flags[k] says
	// whether it is dead or unplaced. Postings, rows and category lists
	// are by number. Numbers below tail were laid out in cell order;
	// numbers from tail to n were appended by Apply.
	cells textCells
	open  openIndex
	order cowSlice[int32]
	rank  cowSlice[int32]
	recs  cowSlice[gridRec]
	hours *hourBits
	flags cowSlice[uint8]
	n     int32 // numbers in use
	tail  int32 // first appended number
	live  int32 // live numbers: the directory's providers
	dead  int32 // dead numbers

	pool *sync.Pool // *textScratch
}

// slot returns the slot of number k.
func (t *textIndex) slot(k int32) int32 { return *t.order.at(k) }

// catText is one category's label and synonyms, analysed.
type catText struct {
	code    string
	label   string
	phrases []catPhrase
}

// catPhrase is a label or synonym analysed in one language.
type catPhrase struct {
	text  string
	lang  int
	terms []posTerm
	words []string // surface words, lower case
}

// posTerm is an analysed term with its 1-based position.
type posTerm struct {
	term string
	pos  int
}

// newTextIndex prepares an empty projection with the analyzers of m.
func newTextIndex(m *mapping.IndexMappingImpl) (*textIndex, error) {
	t := &textIndex{mapping: m}
	for l := range numLangs {
		t.analyzers[l] = m.AnalyzerNamed(langAnalyzers[l])
		if t.analyzers[l] == nil {
			return nil, fmt.Errorf("directory: bleve analyzer %q missing", langAnalyzers[l])
		}
	}
	t.surface = m.AnalyzerNamed(wordsAnalyzer)
	if t.surface == nil {
		return nil, fmt.Errorf("directory: bleve analyzer %q missing", wordsAnalyzer)
	}
	tf, err := newTokenForms(t)
	if err != nil {
		return nil, err
	}
	t.tokens = tf
	t.pool = new(sync.Pool)
	return t, nil
}

// analyze returns the terms of s in language l with their positions.
func (t *textIndex) analyze(l int, s string) []posTerm {
	toks := t.analyzers[l].Analyze([]byte(s))
	out := make([]posTerm, len(toks))
	for i, tok := range toks {
		out[i] = posTerm{term: string(tok.Term), pos: tok.Position}
	}
	return out
}

// buildText indexes every provider into an in-memory bleve index and
// projects it. The bleve index is closed afterwards: queries use the
// projection, and Save writes a fresh on-disk bleve index.
func (d *Directory) buildText(ctx context.Context) error {
	t, err := d.newText(ctx)
	if err != nil {
		return err
	}
	d.text = t
	return nil
}

// newText returns the text index of d's providers, built from scratch.
func (d *Directory) newText(ctx context.Context) (*textIndex, error) {
	m, err := textMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("directory: text index: %w", err)
	}
	defer idx.Close()
	if err := d.indexText(ctx, idx); err != nil {
		return nil, err
	}
	return d.projectText(idx, m)
}

// indexText feeds every provider to idx in batches, looking at ctx
// before each.
func (d *Directory) indexText(ctx context.Context, idx bleve.Index) error {
	const batchSize = 5000
	batch := idx.NewBatch()
	for p := range d.all() {
		if err := batch.Index(p.ID, d.textDocument(p)); err != nil {
			return fmt.Errorf("directory: text index: id %q: %w", p.ID, err)
		}
		if batch.Size() >= batchSize {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := idx.Batch(batch); err != nil {
				return fmt.Errorf("directory: text index: %w", err)
			}
			batch.Reset()
		}
	}
	if batch.Size() > 0 {
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("directory: text index: %w", err)
		}
	}
	return nil
}

// writeText writes the bleve index of d's providers to the new folder
// path with bleve's offline builder, stopping with ctx.Err() once ctx is
// done.
func (d *Directory) writeText(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m, err := textMapping()
	if err != nil {
		return err
	}
	b, err := bleve.NewBuilder(path, m, map[string]any{"batchSize": 5000})
	if err != nil {
		return fmt.Errorf("directory: text index: %w", err)
	}
	i := 0
	for p := range d.all() {
		// Not at 0, looked at above: bleve's offline builder cannot
		// close empty.
		if i > 0 {
			if err := ctxEvery(ctx, i); err != nil {
				b.Close()
				return err
			}
		}
		i++
		if err := b.Index(p.ID, d.textDocument(p)); err != nil {
			b.Close()
			return fmt.Errorf("directory: text index: id %q: %w", p.ID, err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("directory: text index: %w", err)
	}
	return nil
}

// projectText reads idx's postings into a textIndex for d.
func (d *Directory) projectText(idx bleve.Index, m *mapping.IndexMappingImpl) (*textIndex, error) {
	t, err := newTextIndex(m)
	if err != nil {
		return nil, err
	}
	ai, err := idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("directory: text index: %w", err)
	}
	r, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("directory: text index: %w", err)
	}
	defer r.Close()

	t.layout(d)
	// bleve's internal document IDs → our numbers.
	docOf := make(map[string]int32, d.Len())
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("directory: text index: %w", err)
	}
	for {
		id, err := dr.Next()
		if err != nil {
			dr.Close()
			return nil, fmt.Errorf("directory: text index: %w", err)
		}
		if id == nil {
			break
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			dr.Close()
			return nil, fmt.Errorf("directory: text index: %w", err)
		}
		i, ok := d.ids.get(ext)
		if !ok {
			dr.Close()
			return nil, fmt.Errorf("%w: text index holds unknown provider %q", ErrBadSnapshot, ext)
		}
		docOf[string(id)] = *t.rank.at(i)
	}
	dr.Close()
	if len(docOf) != d.Len() {
		return nil, fmt.Errorf("%w: text index holds %d providers, directory %d", ErrBadSnapshot, len(docOf), d.Len())
	}

	ctx := context.Background()
	for l := range numLangs {
		lp := &t.lang[l]
		lp.dict = make(map[string]int32)
		var entries [][]uint64 // per term: doc<<8 | field
		for f := range numTextFields {
			field := bleveField(f, l)
			fd, err := r.FieldDict(field)
			if err != nil {
				return nil, fmt.Errorf("directory: text index: %w", err)
			}
			var tfd bindex.TermFieldDoc
			for {
				de, err := fd.Next()
				if err != nil {
					fd.Close()
					return nil, fmt.Errorf("directory: text index: %w", err)
				}
				if de == nil {
					break
				}
				tid, ok := lp.dict[de.Term]
				if !ok {
					tid = int32(len(entries))
					lp.dict[de.Term] = tid
					entries = append(entries, nil)
				}
				tfr, err := r.TermFieldReader(ctx, []byte(de.Term), field, false, false, false)
				if err != nil {
					fd.Close()
					return nil, fmt.Errorf("directory: text index: %w", err)
				}
				for {
					got, err := tfr.Next(&tfd)
					if err != nil {
						tfr.Close()
						fd.Close()
						return nil, fmt.Errorf("directory: text index: %w", err)
					}
					if got == nil {
						break
					}
					doc, ok := docOf[string(got.ID)]
					if !ok {
						tfr.Close()
						fd.Close()
						return nil, fmt.Errorf("%w: posting for unknown document", ErrBadSnapshot)
					}
					entries[tid] = append(entries[tid], uint64(doc)<<8|uint64(f))
				}
				tfr.Close()
			}
			fd.Close()
		}
		t.setPostings(l, lp.dict, entries)
	}

	// Surface vocabulary for typo correction.
	fd, err := r.FieldDict(wordsField)
	if err != nil {
		return nil, fmt.Errorf("directory: text index: %w", err)
	}
	var words []string
	var counts []int32
	for {
		de, err := fd.Next()
		if err != nil {
			fd.Close()
			return nil, fmt.Errorf("directory: text index: %w", err)
		}
		if de == nil {
			break
		}
		words = append(words, de.Term)
		counts = append(counts, int32(de.Count))
	}
	fd.Close()
	t.vocab = newVocab(words, counts)
	t.buildCategories(d)
	t.buildOpen(d)
	return t, nil
}

// setPostings sets language l's lists from dict and the entries of each
// term, doc<<8 | field, in any order (entries is consumed).
func (t *textIndex) setPostings(l int, dict map[string]int32, entries [][]uint64) {
	lists := make([]*postList, len(entries))
	for tid, es := range entries {
		slices.Sort(es)
		docs := make([]int32, 0, len(es))
		mask := make([]uint8, 0, len(es))
		for _, e := range es {
			doc, bit := int32(e>>8), uint8(1)<<(e&0xff)
			if n := len(docs); n > 0 && docs[n-1] == doc {
				mask[n-1] |= bit
				continue
			}
			docs = append(docs, doc)
			mask = append(mask, bit)
		}
		lists[tid] = listFromFlat(docs, mask)
		entries[tid] = nil
	}
	t.lang[l] = langPostings{dict: dict, terms: makeCow(lists)}
}

// minFuzzyRunes is the shortest word corrected for typos: shorter words
// have too many neighbours one edit away.
const minFuzzyRunes = 4

// maxFuzzyBytes is the longest word, in bytes, indexed for typo
// correction and corrected in a query. A word is indexed under each of
// its one-rune deletions, which costs the square of its length (a 20 KB
// "word" pasted from a document would take 400 MB); words this long are
// not words a person mistypes. Longer words are still indexed and found
// exactly, only not through a typo.
const maxFuzzyBytes = 64

// maxTypos bounds the corrections of one query word: the vocabulary
// words one edit away, in lexical order, beyond which a word is too
// ambiguous for more corrections to help.
const maxTypos = 16

// deletions returns w (when self) and every string made by deleting one
// rune of w.
func deletions(w string, self bool) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs)+1)
	if self {
		out = append(out, w)
	}
	buf := make([]rune, 0, len(rs))
	for i := range rs {
		buf = append(append(buf[:0], rs[:i]...), rs[i+1:]...)
		out = append(out, string(buf))
	}
	return out
}

// buildCategories analyses the taxonomy's labels and synonyms and records
// the categories of every provider.
func (t *textIndex) buildCategories(d *Directory) {
	all := d.tax.All()
	t.cats = make([]catText, len(all))
	for l := range numLangs {
		t.catTerms[l] = make(map[string][]uint16)
	}
	catIdx := make(map[string]uint16, len(all))
	t.catIdx = catIdx
	for ci, c := range all {
		catIdx[c.Code] = uint16(ci)
		ct := catText{code: c.Code, label: c.Label}
		for _, text := range append([]string{c.Label}, c.Synonyms...) {
			words := surfaceWords(t.surface, text)
			for l := range numLangs {
				terms := t.analyze(l, text)
				if len(terms) == 0 {
					continue
				}
				ct.phrases = append(ct.phrases, catPhrase{text: text, lang: l, terms: terms, words: words})
				for _, pt := range terms {
					if l := t.catTerms[l][pt.term]; len(l) > 0 && l[len(l)-1] == uint16(ci) {
						continue
					}
					t.catTerms[l][pt.term] = append(t.catTerms[l][pt.term], uint16(ci))
				}
			}
		}
		t.cats[ci] = ct
	}
	t.setDocCats(d)
}

// setDocCats records the categories of every number and the numbers of
// every category, from d's providers.
func (t *textIndex) setDocCats(d *Directory) {
	docs := make([][]int32, len(t.cats))
	t.catOff = make([]int32, t.n+1)
	t.catVals = nil
	for k := range t.n {
		start := len(t.catVals)
		if *t.flags.at(k)&numDead == 0 {
			for _, code := range d.prov(t.slot(k)).treeCodes() {
				if ci, ok := t.catIdx[code]; ok {
					t.catVals = append(t.catVals, ci)
					docs[ci] = append(docs[ci], k)
				}
			}
			slices.Sort(t.catVals[start:])
		}
		t.catOff[k+1] = int32(len(t.catVals))
	}
	t.tailCat = cowSlice[[]uint16]{}
	t.catDocs = make([]*postList, len(t.cats))
	for ci, list := range docs {
		t.catDocs[ci] = listFromFlat(list, nil)
	}
}

// catIndex returns the index in t.cats of category code.
func (t *textIndex) catIndex(code string) (uint16, bool) {
	ci, ok := t.catIdx[code]
	return ci, ok
}

// docCats returns the categories (with ancestors) of number k, as indexes
// into t.cats.
func (t *textIndex) docCats(k int32) []uint16 {
	if k < t.tail {
		return t.catVals[t.catOff[k]:t.catOff[k+1]]
	}
	return *t.tailCat.at(k - t.tail)
}

// surfaceWords returns the lower-cased words of s.
func surfaceWords(a analysis.Analyzer, s string) []string {
	toks := a.Analyze([]byte(s))
	out := make([]string, len(toks))
	for i, tok := range toks {
		out[i] = string(tok.Term)
	}
	return out
}

// lookupTypos returns the vocabulary words within one edit (insertion,
// deletion, substitution or transposition of adjacent runes) of w, sorted,
// at most maxTypos of them (the first in lexical order). Words shorter
// than minFuzzyRunes or longer than maxFuzzyBytes are not corrected.
func (t *textIndex) lookupTypos(w string) []string {
	if len(w) > maxFuzzyBytes || utf8.RuneCountInString(w) < minFuzzyRunes {
		return nil
	}
	seen := map[int32]bool{}
	var out []string
	v := &t.vocab
	for _, k := range deletions(w, true) {
		for _, list := range [2][]int32{v.dels[k], v.delsOver[k]} {
			for _, vi := range list {
				if seen[vi] {
					continue
				}
				seen[vi] = true
				if *v.count.at(vi) == 0 {
					continue // no live provider holds it
				}
				if word := *v.words.at(vi); word != w && withinOneEdit(w, word) {
					out = append(out, word)
				}
			}
		}
	}
	sort.Strings(out)
	if len(out) > maxTypos {
		out = out[:maxTypos]
	}
	return out
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent runes.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		diff := -1
		for i := range ra {
			if ra[i] != rb[i] {
				if diff >= 0 {
					// Second difference: only an adjacent transposition.
					return diff == i-1 && ra[diff] == rb[i] && ra[i] == rb[diff] && string(ra[i+1:]) == string(rb[i+1:])
				}
				diff = i
			}
		}
		return true
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}
