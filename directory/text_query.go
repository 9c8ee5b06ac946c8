package directory

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// parsedQuery is a TextQuery's words after analysis.
type parsedQuery struct {
	words       []qword
	phrases     [][]int // indexes into words of each phrase of two or more words
	corrections []Correction
	unmatched   []string
}

// qword is one query word: its surface form and the terms it may match in
// each language, exact or through a typo correction.
type qword struct {
	surface string
	pos     int // position within its quoted segment, for phrases
	terms   [numLangs][]qterm
	cats    []uint8 // match level per category (0: none)
	idf     float64
	// lists counts the lists the word's row was filled from: postings of
	// its terms and members of its categories.
	lists int
}

// qterm is a term a word may match in one language.
type qterm struct {
	term  string
	id    int32 // in langPostings.dict, or -1
	fuzzy bool
}

// Match levels are weights in (0,1] scaled to 1…127, so that a level fits
// in a byte whose top bit stays free.
const maxLevel = 127

func level(w float64) uint8 {
	if w <= 0 {
		return 0
	}
	return uint8(max(1, math.Round(w*maxLevel)))
}

// parse analyses the words of a query. Words that are stop words in
// either language are dropped ("the", "de"): the other language would
// otherwise demand them.
func (t *textIndex) parse(words string, r *Ranking) (*parsedQuery, error) {
	words = strings.ToValidUTF8(words, " ")
	pq := &parsedQuery{}
	for si, seg := range strings.Split(words, `"`) {
		phrase := si%2 == 1
		surf := t.surface.Analyze([]byte(seg))
		var byPos [numLangs]map[int]string
		for l := range numLangs {
			byPos[l] = make(map[int]string)
			for _, tok := range t.analyzers[l].Analyze([]byte(seg)) {
				byPos[l][tok.Position] = string(tok.Term)
			}
		}
		var group []int
		for _, tok := range surf {
			en, okEN := byPos[langEN][tok.Position]
			es, okES := byPos[langES][tok.Position]
			if !okEN || !okES {
				continue
			}
			if len(pq.words) == MaxTextWords {
				return nil, fmt.Errorf("%w: more than %d words", ErrBadQuery, MaxTextWords)
			}
			w := qword{surface: string(tok.Term), pos: tok.Position}
			w.terms[langEN] = []qterm{{term: en, id: t.termID(langEN, en)}}
			w.terms[langES] = []qterm{{term: es, id: t.termID(langES, es)}}
			if phrase {
				group = append(group, len(pq.words))
			}
			pq.words = append(pq.words, w)
		}
		if len(group) > 1 {
			pq.phrases = append(pq.phrases, group)
		}
	}
	if len(pq.words) == 0 {
		return nil, ErrEmptyQuery
	}
	for i := range pq.words {
		w := &pq.words[i]
		if !t.known(w) {
			typos := t.lookupTypos(w.surface)
			for _, v := range typos {
				for l := range numLangs {
					for _, pt := range t.analyze(l, v) {
						if !slices.ContainsFunc(w.terms[l], func(q qterm) bool { return q.term == pt.term }) {
							w.terms[l] = append(w.terms[l], qterm{term: pt.term, id: t.termID(l, pt.term), fuzzy: true})
						}
					}
				}
			}
			if len(typos) > 0 {
				pq.corrections = append(pq.corrections, Correction{Word: w.surface, As: typos})
			}
		}
		w.cats = t.wordCats(w, r)
		if !t.known(w) && !slices.ContainsFunc(w.cats, func(l uint8) bool { return l > 0 }) {
			pq.unmatched = append(pq.unmatched, w.surface)
		}
	}
	return pq, nil
}

// termID returns the index of term in language l, or -1 when no live
// provider holds it.
func (t *textIndex) termID(l int, term string) int32 {
	lp := &t.lang[l]
	if id, ok := lp.id(term); ok && lp.list(id).live > 0 {
		return id
	}
	return -1
}

// known reports whether any of w's terms occurs in a provider's text or a
// category's label or synonyms.
func (t *textIndex) known(w *qword) bool {
	for l := range numLangs {
		for _, q := range w.terms[l] {
			if q.id >= 0 || len(t.catTerms[l][q.term]) > 0 {
				return true
			}
		}
	}
	return false
}

// wordCats returns w's match level on each category.
func (t *textIndex) wordCats(w *qword, r *Ranking) []uint8 {
	out := make([]uint8, len(t.cats))
	for l := range numLangs {
		for _, q := range w.terms[l] {
			lv := level(r.Fields.Categories)
			if q.fuzzy {
				lv = level(r.Fields.Categories * r.Fuzzy)
			}
			for _, c := range t.catTerms[l][q.term] {
				out[c] = max(out[c], lv)
			}
		}
	}
	return out
}

// textScratch holds per-query working memory, reused through a pool.
type textScratch struct {
	// rows[w][doc] is the level at which word w matches provider doc
	// (0: no match); touched[w] lists the docs whose level is non-zero.
	rows    [][]uint8
	touched [][]int32
	seen    []bool
	catOK   []bool
	clock   []time.Duration
	facet   []int32
	matches []textMatch
	// Ranking by rings (Directory.rank).
	best         []textMatch
	ring, at, by []int32
	fill         []int32
}

func (t *textIndex) scratch(n, words int) *textScratch {
	s, _ := t.pool.Get().(*textScratch)
	if s == nil {
		s = &textScratch{seen: make([]bool, n), catOK: make([]bool, len(t.cats)), facet: make([]int32, len(t.cats))}
	}
	for len(s.rows) < words {
		s.rows = append(s.rows, make([]uint8, n))
		s.touched = append(s.touched, nil)
	}
	return s
}

// release clears what the query wrote and returns s to the pool.
func (t *textIndex) release(s *textScratch) {
	for w, list := range s.touched {
		row := s.rows[w]
		for _, doc := range list {
			row[doc] = 0
		}
		s.touched[w] = list[:0]
	}
	clear(s.matches)
	s.matches = s.matches[:0]
	clear(s.best)
	s.best = s.best[:0]
	t.pool.Put(s)
}

// fill computes each word's row from the postings and category lists and
// the word's idf.
//
// Only the numbers in runs are filled: the rest cannot be candidates. A
// word's df, for its idf, counts the entries of all its lists, so a
// provider matching a word through two terms or categories counts twice;
// the overcount is small and spares a pass over the whole lists.
func (t *textIndex) fill(s *textScratch, pq *parsedQuery, r *Ranking, runs [][2]int32) {
	fw := [numTextFields]float64{r.Fields.Name, r.Fields.Organization, r.Fields.Description, r.Fields.Keywords}
	// maskLevel[fuzzy][mask] is the best level among the fields in mask.
	var maskLevel [2][1 << numTextFields]uint8
	for m := range 1 << numTextFields {
		for f := range numTextFields {
			if m&(1<<f) != 0 {
				maskLevel[0][m] = max(maskLevel[0][m], level(fw[f]))
				maskLevel[1][m] = max(maskLevel[1][m], level(fw[f]*r.Fuzzy))
			}
		}
	}
	n := float64(t.live)
	for wi := range pq.words {
		w := &pq.words[wi]
		row, touched := s.rows[wi], s.touched[wi][:0]
		// add fills the row from p, at level ml[mask] (lv without masks).
		add := func(p *postList, ml *[1 << numTextFields]uint8, lv uint8) {
			for _, r := range runs {
				if r[0] < t.tail {
					list, masks := p.head, p.hmask
					j, _ := slices.BinarySearch(list, r[0])
					for ; j < len(list) && list[j] < r[1]; j++ {
						l := lv
						if ml != nil {
							l = ml[masks[j]]
						}
						if doc := list[j]; l > row[doc] {
							if row[doc] == 0 {
								touched = append(touched, doc)
							}
							row[doc] = l
						}
					}
				}
				if r[1] > t.tail && p.tail.n > 0 {
					for j := p.tailFrom(r[0]); j < p.tail.n; j++ {
						doc := *p.tail.at(j)
						if doc >= r[1] {
							break
						}
						l := lv
						if ml != nil {
							l = ml[*p.tmask.at(j)]
						}
						if l > row[doc] {
							if row[doc] == 0 {
								touched = append(touched, doc)
							}
							row[doc] = l
						}
					}
				}
			}
		}
		df := 0
		for l := range numLangs {
			lp := &t.lang[l]
			for _, q := range w.terms[l] {
				if q.id < 0 {
					continue
				}
				ml := &maskLevel[0]
				if q.fuzzy {
					ml = &maskLevel[1]
				}
				p := lp.list(q.id)
				if ml[p.anyField()] == 0 {
					continue // only in fields not searched
				}
				w.lists++
				df += int(p.live)
				add(p, ml, 0)
			}
		}
		for c, lv := range w.cats {
			if lv == 0 {
				continue
			}
			p := t.catDocs[c]
			w.lists++
			df += int(p.live)
			add(p, nil, lv)
		}
		s.touched[wi] = touched
		if df > 0 {
			w.idf = math.Log(1 + n/float64(1+df))
		}
	}
}

// run enumerates candidates, applies every test and scores the matches.
// Candidates come from the postings of the rarest word (the union of all
// words' postings with AnyWord), or from the grid cells of the radius's
// box when a radius is set and the cells hold fewer providers. Each
// candidate is tested in order of cost: words (a byte per word), category,
// distance, then the provider's own filters, transit and phrases.
func (d *Directory) run(s *textScratch, pq *parsedQuery, f *filter, q *TextQuery, r *Ranking, drive int) []textMatch {
	t := d.text
	near, radius := q.Near, q.Radius
	// Candidates are numbers in the runs of the radius's box (everything
	// without a radius) that are in the driving lists: the lists of the
	// word with fewest candidates in the box (of every word with AnyWord),
	// or the members of the one category filtered on, or the whole box,
	// whichever holds fewest.
	var box orb.Bound
	var runs [][2]int32
	if radius > 0 {
		box = geo.BoundAround(near, radius)
		t.cells.runs(box, func(lo, hi int32) { runs = append(runs, [2]int32{lo, hi}) })
		if t.n > t.tail {
			runs = append(runs, [2]int32{t.tail, t.n}) // appended numbers lie anywhere
		}
	} else {
		runs = [][2]int32{{0, t.n}}
	}
	t.fill(s, pq, r, runs)
	var active []int // words found somewhere
	idfSum := 0.0
	for wi := range pq.words {
		if pq.words[wi].lists > 0 {
			active = append(active, wi)
			idfSum += pq.words[wi].idf
		}
	}
	if len(active) == 0 {
		return nil
	}
	for _, g := range pq.phrases {
		for _, wi := range g {
			if pq.words[wi].lists == 0 {
				return nil // a phrase with an unknown word cannot match
			}
		}
	}
	// The driver: a word's row entries (touched lists hold exactly the
	// in-box numbers matching the word), the one filtered category's
	// members in the box, or the whole box.
	const (
		byWord = iota
		byCat
		byBox
	)
	by, driver, best := byWord, active[0], 0
	if q.AnyWord {
		for _, wi := range active {
			best += len(s.touched[wi])
		}
	} else {
		best = len(s.touched[driver])
		for _, wi := range active {
			if c := len(s.touched[wi]); c < best {
				best, driver = c, wi
			}
		}
	}
	var catList *postList
	if len(f.cats) == 1 {
		if ci, ok := t.catIndex(f.cats[0]); ok {
			catList = t.catDocs[ci]
			if c := inRuns(catList, runs); c < best {
				by, best = byCat, c
			}
		}
	}
	if radius > 0 {
		if c := t.cells.count(box) + int(t.n-t.tail); c < best {
			by = byBox
		}
	}
	switch drive {
	case driveWords:
		by, driver = byWord, active[0]
	case driveSpace:
		by = byBox
	}
	// catOK marks the categories a provider may have to pass the
	// category filter (nil: no filter).
	var catOK []bool
	if len(f.cats) > 0 {
		catOK = s.catOK
		for ci := range t.cats {
			catOK[ci] = slices.ContainsFunc(f.cats, func(c string) bool { return t.cats[ci].code == c })
		}
	}
	rows := s.rows
	sc := newScorer(r)
	recs, flags := &t.recs, &t.flags
	// Skip filter.keepAt (a filter record read) when the index evaluated
	// every filter set.
	useKeep := needsKeep(&q.Query)
	// keepAt checks opening hours itself, from the filter record: the
	// index's copy of them (openAt) is read only when keepAt is not.
	var clk *openClock
	if !q.OpenAt.IsZero() && !useKeep {
		c := t.open.clock(q.OpenAt, q.UnknownHoursOK, s.clock)
		s.clock, clk = c.at, &c
	}
	var open []uint64
	if f.openHour >= 0 && f.openHour < len(t.hours) {
		open = t.hours[f.openHour]
	}
	out := s.matches[:0]
	eval := func(k int32) {
		rel := 0.0
		if q.AnyWord {
			for _, wi := range active {
				rel += pq.words[wi].idf * float64(rows[wi][k])
			}
			if rel == 0 {
				return
			}
		} else {
			for _, wi := range active {
				lv := rows[wi][k]
				if lv == 0 {
					return
				}
				rel += pq.words[wi].idf * float64(lv)
			}
		}
		fl := *flags.at(k)
		if fl&(numDead|numUnplaced) != 0 {
			return
		}
		if open != nil && k < t.tail && fl&numFresh == 0 && open[k/64]&(1<<(k%64)) == 0 {
			return // closed at that hour
		}
		// The spatial index's record turns away most providers failing
		// the flags, language, age or hour of the week (quickRec).
		rec := recs.at(k)
		if radius > 0 && !(rec.Lon >= box.Min[0] && rec.Lon <= box.Max[0] && rec.Lat >= box.Min[1] && rec.Lat <= box.Max[1]) {
			return // in a cell that overhangs the radius's box
		}
		if !f.quickRec(rec) {
			return
		}
		if catOK != nil {
			in := false
			for _, c := range t.docCats(k) {
				if catOK[c] {
					in = true
					break
				}
			}
			if !in {
				return
			}
		}
		keep := useKeep
		if clk != nil {
			open, sure := t.open.openAt(k, clk)
			if !open {
				return
			}
			keep = keep || !sure
		}
		// Without a radius the distance only ranks: rank measures it
		// for the matches it needs.
		dist := geo.Meters(-1)
		if radius > 0 {
			if dist = geo.Distance(near, orb.Point{rec.Lon, rec.Lat}); dist > radius {
				return
			}
		}
		i := t.slot(k)
		if keep && !f.keepAt(d, i) {
			return
		}
		var stop *StopInfo
		if f.transit != nil {
			st, ok := f.transit.check(d, i)
			if !ok {
				return
			}
			stop = st
		}
		for _, g := range pq.phrases {
			if !d.hasPhrase(k, pq, g) {
				return
			}
		}
		// Summing in a different order than idfSum can land a full match
		// a rounding error above 1.
		rel = min(rel/(idfSum*maxLevel), 1)
		m := textMatch{doc: k, dist: dist, rel: rel, stop: stop}
		if radius > 0 {
			m.score = sc.score(rel, dist)
		}
		out = append(out, m)
	}
	switch {
	case by == byBox:
		for _, r := range runs {
			for k := r[0]; k < r[1]; k++ {
				eval(k)
			}
		}
	case by == byCat:
		for _, r := range runs {
			if r[0] < t.tail {
				list := catList.head
				j, _ := slices.BinarySearch(list, r[0])
				for ; j < len(list) && list[j] < r[1]; j++ {
					eval(list[j])
				}
			}
			if r[1] > t.tail {
				tl := &catList.tail
				for j := catList.tailFrom(r[0]); j < tl.n && *tl.at(j) < r[1]; j++ {
					eval(*tl.at(j))
				}
			}
		}
	case q.AnyWord:
		seen := s.seen
		for _, wi := range active {
			for _, k := range s.touched[wi] {
				if !seen[k] {
					seen[k] = true
					eval(k)
				}
			}
		}
		for _, wi := range active {
			for _, k := range s.touched[wi] {
				seen[k] = false
			}
		}
	default:
		// Candidates in number order, so that their records and rows are
		// read front to back: a short list sorted, a long one read off
		// the word's row, eight numbers a load.
		list := s.touched[driver]
		span := 0
		for _, r := range runs {
			span += int(r[1] - r[0])
		}
		if len(list) < span/512 {
			slices.Sort(list)
			for _, k := range list {
				eval(k)
			}
			break
		}
		row := rows[driver]
		for _, r := range runs {
			nonZero(row, r[0], r[1], func(k int32) {
				eval(k)
			})
		}
	}
	s.matches = out
	return out
}

// nonZero calls fn with each k in [lo, hi) where row[k] is not 0, in
// order.
func nonZero(row []uint8, lo, hi int32, fn func(k int32)) {
	k := lo
	for ; k < hi && k&7 != 0; k++ {
		if row[k] != 0 {
			fn(k)
		}
	}
	for ; k+8 <= hi; k += 8 {
		if binary.LittleEndian.Uint64(row[k:]) == 0 {
			continue
		}
		for j := k; j < k+8; j++ {
			if row[j] != 0 {
				fn(j)
			}
		}
	}
	for ; k < hi; k++ {
		if row[k] != 0 {
			fn(k)
		}
	}
}

// inRuns counts the entries of p that fall in runs.
func inRuns(p *postList, runs [][2]int32) int {
	n := 0
	for _, r := range runs {
		n += p.inRange(r[0], r[1])
	}
	return n
}

// hasPhrase reports whether provider i holds the words of group g at
// consecutive positions (gaps left by stop words kept) in one of its
// fields or one label or synonym of its categories, in either language.
func (d *Directory) hasPhrase(k int32, pq *parsedQuery, g []int) bool {
	t := d.text
	for _, c := range t.docCats(k) {
		for _, ph := range t.cats[c].phrases {
			if phraseIn(ph.terms, pq, g, ph.lang) {
				return true
			}
		}
	}
	p := d.prov(t.slot(k))
	for _, text := range [...]string{p.Name, p.Organization, p.Description, strings.Join(p.Keywords, " ; ")} {
		if text == "" {
			continue
		}
		for l := range numLangs {
			if phraseIn(t.analyze(l, text), pq, g, l) {
				return true
			}
		}
	}
	return false
}

// phraseIn reports whether terms (in position order) contain the phrase g
// in language l.
func phraseIn(terms []posTerm, pq *parsedQuery, g []int, l int) bool {
	first := &pq.words[g[0]]
	for k, pt := range terms {
		if !wordHas(first, l, pt.term) {
			continue
		}
		ok := true
		for _, wi := range g[1:] {
			w := &pq.words[wi]
			want := pt.pos + w.pos - first.pos
			found := false
			for _, o := range terms[k+1:] {
				if o.pos > want {
					break
				}
				if o.pos == want && wordHas(w, l, o.term) {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func wordHas(w *qword, l int, term string) bool {
	for _, q := range w.terms[l] {
		if q.term == term {
			return true
		}
	}
	return false
}

// suggest returns the categories whose label or a synonym is covered by
// the query's words.
func (t *textIndex) suggest(pq *parsedQuery) []Suggestion {
	type cand struct {
		Suggestion
		exact bool
		depth int
	}
	var cs []cand
	surf := make(map[string]bool, len(pq.words))
	for _, w := range pq.words {
		surf[w.surface] = true
	}
	for _, ct := range t.cats {
		var best *cand
		for _, ph := range ct.phrases {
			covered := map[int]bool{}
			ok := true
			for _, pt := range ph.terms {
				hit := false
				for wi := range pq.words {
					if wordHas(&pq.words[wi], ph.lang, pt.term) {
						covered[wi] = true
						hit = true
					}
				}
				if !hit {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			exact := true
			for _, w := range ph.words {
				if !surf[w] {
					exact = false
					break
				}
			}
			c := cand{Suggestion: Suggestion{Code: ct.code, Label: ct.label, Phrase: ph.text, Words: len(covered)}, exact: exact, depth: Depth(ct.code)}
			if best == nil || c.Words > best.Words || c.Words == best.Words && c.exact && !best.exact {
				best = &c
			}
		}
		if best != nil {
			cs = append(cs, *best)
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		switch {
		case a.Words != b.Words:
			return b.Words - a.Words
		case a.exact != b.exact:
			if a.exact {
				return -1
			}
			return 1
		case a.depth != b.depth:
			return b.depth - a.depth
		}
		return strings.Compare(a.Code, b.Code)
	})
	out := make([]Suggestion, len(cs))
	for i, c := range cs {
		out[i] = c.Suggestion
	}
	return out
}
