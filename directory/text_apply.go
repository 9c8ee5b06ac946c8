package directory

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// apply returns the text index of next, a version made by Apply from
// old: removed are the slots whose old providers left (or changed), added
// the slots whose new providers arrived (or changed). t is not modified.
//
// A changed provider whose text, categories and grid cell are unchanged
// keeps its number and only its point and hours are rewritten; any other
// leaving provider's number dies and any other arriving provider takes a
// new number (text_store.go). The text of each provider that leaves or
// arrives is analysed again, token by token through tokenForms, as bleve
// analyses it. Cost for c changes: their tokens, O(c) chunks of 64
// entries and the chunk tables (O(n/64) words) copied; plus a relayout,
// O(n + postings), once dead and appended numbers pass an eighth of the
// live ones (or the directory's grid was laid out afresh, which takes
// as many changes as it has records), so O(1) amortized per change.
func (t *textIndex) apply(ctx context.Context, old, next *Directory, removed, added []int32) (*textIndex, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := t.edit(next)
	arriving := make(map[int32]bool, len(added))
	for _, s := range added {
		arriving[s] = true
	}
	kept := make(map[int32]bool)
	for j, s := range removed {
		if j%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		op, k := old.prov(s), *t.rank.at(s)
		if arriving[s] {
			if np := next.prov(s); t.keeps(k, op, np) {
				e.refresh(k, np)
				kept[s] = true
				continue
			}
		}
		if err := e.kill(k, op); err != nil {
			// The analysis here and bleve's disagree (FuzzTextAnalysis
			// looks for such text): build from scratch rather than keep
			// an index that differs from a fresh one.
			return next.newText(ctx)
		}
	}
	for j, s := range added {
		if j%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if !kept[s] {
			e.add(s, next.prov(s))
		}
	}
	nt := e.done()
	// Relayout when the directory's grid was laid out afresh, so that
	// the text index keeps numbering by its cells.
	if nt.dead+(nt.n-nt.tail) > nt.live/8+64 || !nt.cells.sameFrame(next.grids[""]) {
		return nt.relayout(ctx, next)
	}
	return nt, nil
}

// keeps reports whether number k, laid out for provider op, may stand for
// np: same text and categories, and the same grid cell (any place for an
// appended number, which every radius query visits).
func (t *textIndex) keeps(k int32, op, np *Provider) bool {
	if op.Name != np.Name || op.Organization != np.Organization || op.Description != np.Description ||
		!slices.Equal(op.Keywords, np.Keywords) || !slices.Equal(op.Categories, np.Categories) ||
		op.Unplaced != np.Unplaced {
		return false
	}
	if op.Unplaced || op.Point == np.Point || k >= t.tail {
		return true
	}
	g := &t.cells
	if !g.within(np.Point) {
		return false
	}
	ox, oy := g.cellXY(op.Point)
	nx, ny := g.cellXY(np.Point)
	return ox == nx && oy == ny
}

// textEdit makes a new version of a textIndex, copying what it changes.
type textEdit struct {
	t, nt *textIndex
	next  *Directory
	doc   docText

	order, rank            *cowEdit[int32]
	recs                   *cowEdit[gridRec]
	flags, zoneOf          *cowEdit[uint8]
	tailCat                *cowEdit[[]uint16]
	spanRef                *cowEdit[spanRef]
	spans                  []openSpan // the new block of intervals
	terms                  [numLangs]*cowEdit[*postList]
	termEd                 [numLangs]map[int32]*listEdit
	catEd                  map[uint16]*listEdit
	words                  *cowEdit[string]
	counts                 *cowEdit[int32]
	dictOver               [numLangs]bool // lang over map copied
	wordOver, delsOverCopy bool
}

// listEdit is a list being changed: a copy of it and, once something is
// appended, edits of its tails.
type listEdit struct {
	p     *postList
	tail  *cowEdit[int32]
	tmask *cowEdit[uint8]
	masks bool
}

func (t *textIndex) edit(next *Directory) *textEdit {
	nt := new(textIndex)
	*nt = *t
	nt.pool = new(sync.Pool)
	nt.catDocs = slices.Clone(t.catDocs)
	e := &textEdit{t: t, nt: nt, next: next, catEd: map[uint16]*listEdit{}}
	e.order, e.rank = t.order.edit(), t.rank.edit()
	e.recs = t.recs.edit()
	e.flags, e.zoneOf = t.flags.edit(), t.open.zoneOf.edit()
	e.tailCat, e.spanRef = t.tailCat.edit(), t.open.ref.edit()
	for l := range numLangs {
		e.terms[l] = t.lang[l].terms.edit()
		e.termEd[l] = map[int32]*listEdit{}
	}
	e.words, e.counts = t.vocab.words.edit(), t.vocab.count.edit()
	for e.rank.s.n < next.slots() {
		e.rank.push(-1)
	}
	return e
}

// list returns the edit of term tid of language l.
func (e *textEdit) list(l int, tid int32) *listEdit {
	le := e.termEd[l][tid]
	if le == nil {
		cp := **e.terms[l].s.at(tid)
		le = &listEdit{p: &cp, masks: true}
		e.termEd[l][tid] = le
	}
	return le
}

// cat returns the edit of category ci's list.
func (e *textEdit) cat(ci uint16) *listEdit {
	le := e.catEd[ci]
	if le == nil {
		cp := *e.nt.catDocs[ci]
		le = &listEdit{p: &cp}
		e.catEd[ci] = le
	}
	return le
}

// push appends number k, with field mask m, to the list.
func (le *listEdit) push(k int32, m uint8) {
	if le.tail == nil {
		le.tail = le.p.tail.edit()
		if le.masks {
			le.tmask = le.p.tmask.edit()
		}
	}
	le.tail.push(k)
	if le.masks {
		le.tmask.push(m)
	}
	le.p.live++
	for f := range numTextFields {
		if m&(1<<f) != 0 {
			le.p.field[f]++
		}
	}
}

// drop takes a number with field mask m out of the live counts.
func (le *listEdit) drop(m uint8) {
	le.p.live--
	for f := range numTextFields {
		if m&(1<<f) != 0 {
			le.p.field[f]--
		}
	}
}

func (le *listEdit) done() *postList {
	if le.tail != nil {
		le.p.tail = le.tail.done()
		if le.masks {
			le.p.tmask = le.tmask.done()
		}
	}
	return le.p
}

// hours returns the zone of np's hours and where its intervals go: in
// the block this edit adds.
func (e *textEdit) hours(np *Provider) (uint8, spanRef) {
	start := len(e.spans)
	z, spans := e.nt.open.hoursOf(&np.Hours, e.spans)
	e.spans = spans
	if len(spans) == start {
		return z | zoneOwn, spanRef{}
	}
	return z | zoneOwn, spanRef{start: int32(start), end: int32(len(spans)), block: uint16(len(e.t.open.blocks))}
}

// refresh rewrites the record and hours of number k, kept for np.
func (e *textEdit) refresh(k int32, np *Provider) {
	e.recs.set(k, e.next.gridRec(*e.order.s.at(k)))
	e.flags.set(k, *e.flags.s.at(k)|numFresh)
	z, ref := e.hours(np)
	e.zoneOf.set(k, z)
	e.spanRef.set(k, ref)
}

// kill marks number k, laid out for provider op, dead. It fails if op's
// analysed text is not in the index, which only a difference between
// tokenForms and bleve's analysis would cause.
func (e *textEdit) kill(k int32, op *Provider) error {
	nt := e.nt
	e.flags.set(k, *e.flags.s.at(k)|numDead)
	e.rank.set(*e.order.s.at(k), -1)
	nt.live--
	nt.dead++
	e.doc.read(e.t.tokens, e.next, op)
	for l := range numLangs {
		lp := &e.t.lang[l]
		for term, m := range e.doc.terms[l] {
			tid, ok := lp.id(term)
			if !ok {
				return fmt.Errorf("directory: text index lacks a term of provider %q", excerpt(op.ID))
			}
			e.list(l, tid).drop(m)
		}
	}
	for w := range e.doc.words {
		vi, ok := nt.vocab.id(w)
		if !ok {
			return fmt.Errorf("directory: text index lacks a word of provider %q", excerpt(op.ID))
		}
		e.counts.set(vi, *e.counts.s.at(vi)-1)
	}
	for _, ci := range e.t.docCats(k) {
		e.cat(ci).drop(0)
	}
	return nil
}

// add gives slot s, holding np, a new number.
func (e *textEdit) add(s int32, np *Provider) {
	nt := e.nt
	k := nt.n
	nt.n++
	nt.live++
	e.order.push(s)
	e.rank.set(s, k)
	e.recs.push(e.next.gridRec(s))
	var fl uint8
	if np.Unplaced {
		fl = numUnplaced
	}
	e.flags.push(fl)
	z, ref := e.hours(np)
	e.zoneOf.push(z)
	e.spanRef.push(ref)
	var cats []uint16
	for _, code := range np.treeCodes() {
		if ci, ok := nt.catIdx[code]; ok {
			cats = append(cats, ci)
		}
	}
	slices.Sort(cats)
	e.tailCat.push(cats)
	for _, ci := range cats {
		e.cat(ci).push(k, 0)
	}
	e.doc.read(e.t.tokens, e.next, np)
	for l := range numLangs {
		lp := &nt.lang[l]
		for term, m := range e.doc.terms[l] {
			tid, ok := lp.id(term)
			if !ok {
				if !e.dictOver[l] {
					lp.over = cloneMap(lp.over)
					e.dictOver[l] = true
				}
				tid = e.terms[l].push(&postList{})
				lp.over[term] = tid
			}
			e.list(l, tid).push(k, m)
		}
	}
	v := &nt.vocab
	for w := range e.doc.words {
		vi, ok := v.id(w)
		if !ok {
			if !e.wordOver {
				v.over = cloneMap(v.over)
				e.wordOver = true
			}
			vi = e.words.push(w)
			e.counts.push(0)
			v.over[w] = vi
			if fuzzy(w) {
				if !e.delsOverCopy {
					v.delsOver = cloneMap(v.delsOver)
					e.delsOverCopy = true
				}
				for _, key := range deletions(w, true) {
					if l := v.delsOver[key]; len(l) == 0 || l[len(l)-1] != vi {
						v.delsOver[key] = append(l[:len(l):len(l)], vi)
					}
				}
			}
		}
		e.counts.set(vi, *e.counts.s.at(vi)+1)
	}
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// done returns the new version.
func (e *textEdit) done() *textIndex {
	nt := e.nt
	nt.order, nt.rank = e.order.done(), e.rank.done()
	nt.recs = e.recs.done()
	nt.flags = e.flags.done()
	nt.tailCat = e.tailCat.done()
	nt.open.zoneOf, nt.open.ref = e.zoneOf.done(), e.spanRef.done()
	if len(e.spans) > 0 {
		o := &nt.open
		o.blocks = append(o.blocks[:len(o.blocks):len(o.blocks)], e.spans)
		if len(o.blocks) > maxSpanBlocks {
			ref, all := o.merged(nt.n)
			o.ref, o.blocks = ref, [][]openSpan{nil, all}
		}
	}
	for l := range numLangs {
		for tid, le := range e.termEd[l] {
			e.terms[l].set(tid, le.done())
		}
		nt.lang[l].terms = e.terms[l].done()
	}
	for ci, le := range e.catEd {
		nt.catDocs[ci] = le.done()
	}
	nt.vocab.words, nt.vocab.count = e.words.done(), e.counts.done()
	return nt
}

// relayout returns t laid out afresh for next (whose providers t
// indexes): numbers in cell order, flat lists without dead numbers,
// vocabulary without dead words. It reads t's own lists, not bleve: O(n +
// postings).
func (t *textIndex) relayout(ctx context.Context, next *Directory) (*textIndex, error) {
	nt := &textIndex{
		mapping: t.mapping, analyzers: t.analyzers, surface: t.surface, tokens: t.tokens,
		cats: t.cats, catTerms: t.catTerms, catIdx: t.catIdx, pool: new(sync.Pool),
	}
	nt.layout(next)
	remap := make([]int32, t.n) // old number → new, -1: dead
	for k := range t.n {
		remap[k] = -1
		if *t.flags.at(k)&numDead == 0 {
			remap[k] = *nt.rank.at(t.slot(k))
		}
	}
	// Every live list, old: the terms of each language, then the
	// categories.
	var olds []*postList
	var dicts [numLangs]map[string]int32
	for l := range numLangs {
		lp := &t.lang[l]
		dicts[l] = make(map[string]int32, len(lp.dict)+len(lp.over))
		for _, m := range []map[string]int32{lp.dict, lp.over} {
			for term, tid := range m {
				if p := lp.list(tid); p.live > 0 {
					dicts[l][term] = int32(len(olds))
					olds = append(olds, p)
				}
			}
		}
	}
	firstCat := len(olds)
	olds = append(olds, t.catDocs...)
	news, err := transpose(ctx, olds, remap, nt.n)
	if err != nil {
		return nil, err
	}
	base := int32(0)
	for l := range numLangs {
		for term, j := range dicts[l] {
			dicts[l][term] = j - base
		}
		nt.lang[l] = langPostings{dict: dicts[l], terms: makeCow(news[base : int(base)+len(dicts[l])])}
		base += int32(len(dicts[l]))
	}
	nt.catDocs = news[firstCat:]
	for _, p := range nt.catDocs {
		p.hmask = nil
	}
	nt.catOff = make([]int32, nt.n+1)
	nt.catVals = make([]uint16, 0, len(t.catVals))
	old := make([]int32, nt.n) // new number → old
	for k, nk := range remap {
		if nk >= 0 {
			old[nk] = int32(k)
		}
	}
	for nk, k := range old {
		nt.catVals = append(nt.catVals, t.docCats(k)...)
		nt.catOff[nk+1] = int32(len(nt.catVals))
	}
	nt.buildOpen(next)

	var words []string
	v := &t.vocab
	for _, m := range []map[string]int32{v.index, v.over} {
		for w, vi := range m {
			if *v.count.at(vi) > 0 {
				words = append(words, w)
			}
		}
	}
	slices.Sort(words)
	counts := make([]int32, len(words))
	for j, w := range words {
		vi, _ := v.id(w)
		counts[j] = *v.count.at(vi)
	}
	nt.vocab = newVocab(words, counts)
	return nt, nil
}

// tokenForms analyses provider text for Apply exactly as bleve's
// analyzers of the text mapping do, faster: the three analyzers share
// bleve's unicode tokenizer and then apply token filters that each map
// one token to one term or drop it (cut, possessive, lower case, stop
// words, stemming), so a text is tokenized once and each distinct token's
// terms are computed once and kept. Safe for concurrent use.
type tokenForms struct {
	tok     analysis.Tokenizer
	filters [numLangs + 1][]analysis.TokenFilter // languages, then surface
	mu      sync.Mutex
	forms   map[string]termForm
}

// termForm is a token's term in each language and its surface word;
// ok false where a filter dropped it (a stop word).
type termForm struct {
	term [numLangs + 1]string
	ok   [numLangs + 1]bool
}

// maxTokenForms bounds the tokens kept: past it the store starts afresh.
const maxTokenForms = 1 << 17

func newTokenForms(t *textIndex) (*tokenForms, error) {
	tf := &tokenForms{forms: map[string]termForm{}}
	as := [numLangs + 1]analysis.Analyzer{}
	copy(as[:], t.analyzers[:])
	as[numLangs] = t.surface
	for i, a := range as {
		da, ok := a.(*analysis.DefaultAnalyzer)
		if !ok || len(da.CharFilters) > 0 {
			return nil, fmt.Errorf("directory: text analyzer %d is not a plain token filter chain", i)
		}
		if _, ok := da.Tokenizer.(*unicode.UnicodeTokenizer); !ok {
			return nil, fmt.Errorf("directory: text analyzer %d does not use the unicode tokenizer", i)
		}
		tf.tok = da.Tokenizer
		tf.filters[i] = da.TokenFilters
	}
	return tf, nil
}

// form returns the terms of tok. tf.mu is held.
func (tf *tokenForms) form(tok *analysis.Token) termForm {
	if f, ok := tf.forms[string(tok.Term)]; ok {
		return f
	}
	var f termForm
	for i, chain := range tf.filters {
		one := analysis.TokenStream{&analysis.Token{
			Term: bytes.Clone(tok.Term), Start: tok.Start, End: tok.End,
			Position: tok.Position, Type: tok.Type, KeyWord: tok.KeyWord,
		}}
		for _, filter := range chain {
			one = filter.Filter(one)
		}
		if len(one) == 1 {
			f.term[i], f.ok[i] = string(one[0].Term), true
		}
	}
	if len(tf.forms) >= maxTokenForms {
		clear(tf.forms)
	}
	tf.forms[string(tok.Term)] = f
	return f
}

// docText is one provider's analysed text: the field mask of each term
// in each language, and its surface words. Its maps are reused.
type docText struct {
	terms [numLangs]map[string]uint8
	words map[string]struct{}
}

// read analyses p's text as bleve analyses textDocument(p).
func (dt *docText) read(tf *tokenForms, d *Directory, p *Provider) {
	for l := range numLangs {
		if dt.terms[l] == nil {
			dt.terms[l] = map[string]uint8{}
		}
		clear(dt.terms[l])
	}
	if dt.words == nil {
		dt.words = map[string]struct{}{}
	}
	clear(dt.words)
	fields := textFields(p)
	cats := d.catText(p)
	// The words field joins the fields and category text with " ; ",
	// where every token ends: its words are those of the parts, unless a
	// part is not UTF-8 (keywords are not checked), where bleve's
	// tokenizer stops; then the joined text is tokenized as bleve does.
	valid := utf8.ValidString(cats)
	for _, s := range fields {
		valid = valid && utf8.ValidString(s)
	}
	tf.mu.Lock()
	defer tf.mu.Unlock()
	for f, s := range fields {
		for _, tok := range tf.tok.Tokenize([]byte(s)) {
			form := tf.form(tok)
			for l := range numLangs {
				if form.ok[l] {
					dt.terms[l][form.term[l]] |= 1 << f
				}
			}
			if valid && form.ok[numLangs] {
				dt.words[form.term[numLangs]] = struct{}{}
			}
		}
	}
	words := cats
	if !valid {
		words = strings.Join(append(fields[:], cats), " ; ")
	}
	for _, tok := range tf.tok.Tokenize([]byte(words)) {
		if form := tf.form(tok); form.ok[numLangs] {
			dt.words[form.term[numLangs]] = struct{}{}
		}
	}
}

// transpose returns the lists olds hold, renumbered by remap (-1: drop),
// flat and sorted. Rather than sort each list, it gathers every entry
// under its new number and reads the numbers back in order: two linear
// passes over the entries.
func transpose(ctx context.Context, olds []*postList, remap []int32, n int32) ([]*postList, error) {
	each := func(p *postList, fn func(nk int32, m uint8)) {
		for j, k := range p.head {
			if nk := remap[k]; nk >= 0 {
				var m uint8
				if p.hmask != nil {
					m = p.hmask[j]
				}
				fn(nk, m)
			}
		}
		for j := range p.tail.n {
			if nk := remap[*p.tail.at(j)]; nk >= 0 {
				var m uint8
				if p.tmask.n > 0 {
					m = *p.tmask.at(j)
				}
				fn(nk, m)
			}
		}
	}
	off := make([]int32, n+1)
	start := make([]int, len(olds)+1)
	for li, p := range olds {
		c := 0
		each(p, func(nk int32, _ uint8) { off[nk+1]++; c++ })
		start[li+1] = start[li] + c
	}
	total := start[len(olds)]
	for k := range n {
		off[k+1] += off[k]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fwd := make([]uint64, total) // list<<8 | mask, by new number
	at := slices.Clone(off[:n])
	for li, p := range olds {
		each(p, func(nk int32, m uint8) {
			fwd[at[nk]] = uint64(li)<<8 | uint64(m)
			at[nk]++
		})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	docs := make([]int32, total)
	masks := make([]uint8, total)
	fill := slices.Clone(start[:len(olds)])
	for k := range n {
		for _, e := range fwd[off[k]:off[k+1]] {
			li := e >> 8
			docs[fill[li]], masks[fill[li]] = k, uint8(e)
			fill[li]++
		}
	}
	out := make([]*postList, len(olds))
	for li := range olds {
		a, b := start[li], start[li+1]
		out[li] = listFromFlat(docs[a:b:b], masks[a:b:b])
	}
	return out, nil
}
