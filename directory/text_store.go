package directory

import (
	"math"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/internal/spatial"
)

// Versions of the text index share storage as versions of a directory do
// (store.go). A layout (below) numbers the providers in cell
// order and stores each posting list flat; Directory.Apply then changes a
// version without renumbering:
//
//   - a provider whose text, categories and grid cell are unchanged
//     (seats, hours, a move within its cell) keeps its number;
//   - any other provider that leaves marks its number dead: the number
//     stays in the flat lists, which queries skip by its flag, and the
//     live counts of its terms, words and categories drop;
//   - any other provider that arrives takes a new number after every
//     existing one, appended to the copy-on-write tails of its lists.
//
// So a batch of c changes copies O(c) chunks of 64 entries and the chunk
// tables, not the index. Once dead and appended numbers pass an eighth
// of the live ones, the next Apply lays the index out afresh from its own
// lists (relayout, text_apply.go): O(n + postings), about once every n/8
// changes.

// Number flags (textIndex.flags).
const (
	numDead     = 1 << iota // the provider left; the number is in no live count
	numUnplaced             // the provider has no location
	numFresh                // Apply rewrote the record since the layout: hourBits do not hold it
)

// hourBits answers, for one hour of the week, whether each number laid
// out may be open at some moment of it — bit k%64 of word k/64, clear
// only when its record says for sure that it is not (quickRec's hour
// test) — so that a query with an opening time turns most closed
// providers away from a bit read, 12.5 KB for 100,000 providers, rather
// than from a record each. It covers the numbers below tail whose
// records are unchanged since the layout; Apply marks the ones it
// rewrites numFresh, and appended numbers lie past it. 168 bitmaps, n/8
// bytes each, built with the layout and shared by every version until
// the next.
type hourBits [7 * 24][]uint64

// newHourBits returns the bitmaps of recs, the records of numbers 0….
func newHourBits(recs []gridRec) *hourBits {
	hb := new(hourBits)
	words := (len(recs) + 63) / 64
	backing := make([]uint64, len(hb)*words)
	for h := range hb {
		hb[h] = backing[h*words : (h+1)*words : (h+1)*words]
	}
	for k := range recs {
		r := &recs[k]
		sure := r.Flags&mHoursKnown != 0 && r.Flags&(mAlways|mDefaultZone) == mDefaultZone
		for h := range hb {
			if !sure || r.Hours[h/64]&(1<<(h%64)) != 0 {
				hb[h][k/64] |= 1 << (k % 64)
			}
		}
	}
	return hb
}

// postList is the sorted list of numbers holding one term (or belonging
// to one category, without masks).
type postList struct {
	head  []int32 // numbers below textIndex.tail, sorted; dead ones included
	hmask []uint8 // field mask beside each head entry (nil for categories)
	tail  cowSlice[int32]
	tmask cowSlice[uint8]
	live  int32                // live numbers in the list
	field [numTextFields]int32 // live numbers holding the term in each field
}

// anyField returns the mask of the fields holding the term in a live
// provider.
func (p *postList) anyField() uint8 {
	var m uint8
	for f, c := range p.field {
		if c > 0 {
			m |= 1 << f
		}
	}
	return m
}

// tailFrom returns the index in p.tail of the first number ≥ k.
func (p *postList) tailFrom(k int32) int32 {
	return int32(sort.Search(int(p.tail.n), func(j int) bool { return *p.tail.at(int32(j)) >= k }))
}

// inRange counts the entries of p in [lo, hi), dead ones included.
func (p *postList) inRange(lo, hi int32) int {
	n := 0
	if len(p.head) > 0 && lo <= p.head[len(p.head)-1] {
		a := sort.Search(len(p.head), func(j int) bool { return p.head[j] >= lo })
		b := sort.Search(len(p.head), func(j int) bool { return p.head[j] >= hi })
		n += b - a
	}
	if p.tail.n > 0 && hi > *p.tail.at(0) {
		n += int(p.tailFrom(hi) - p.tailFrom(lo))
	}
	return n
}

// listFromFlat returns a list whose head is docs (with masks, or nil).
func listFromFlat(docs []int32, mask []uint8) *postList {
	p := &postList{head: docs, hmask: mask, live: int32(len(docs))}
	for _, m := range mask {
		for f := range numTextFields {
			if m&(1<<f) != 0 {
				p.field[f]++
			}
		}
	}
	return p
}

// langPostings holds, for one language, the list of each term.
type langPostings struct {
	dict  map[string]int32 // term → index in terms, as laid out
	over  map[string]int32 // terms first seen since the layout
	terms cowSlice[*postList]
}

// id returns the index of term, live or not.
func (lp *langPostings) id(term string) (int32, bool) {
	if tid, ok := lp.dict[term]; ok {
		return tid, true
	}
	tid, ok := lp.over[term]
	return tid, ok
}

// list returns term tid's list.
func (lp *langPostings) list(tid int32) *postList { return *lp.terms.at(tid) }

// textVocab is the surface vocabulary for typo correction: every word
// (lower case, not stemmed) of the live providers' text, with how many
// live providers hold it. A word whose count falls to zero stays until
// the next layout but is never offered.
type textVocab struct {
	words cowSlice[string]
	count cowSlice[int32]
	index map[string]int32 // word → index, as laid out
	over  map[string]int32 // words first seen since the layout
	// dels maps each word and each form of it with one rune deleted to
	// the words it came from; delsOver does so for the words of over.
	dels     map[string][]int32
	delsOver map[string][]int32
}

// id returns the index of word w, live or not.
func (v *textVocab) id(w string) (int32, bool) {
	if i, ok := v.index[w]; ok {
		return i, true
	}
	i, ok := v.over[w]
	return i, ok
}

// fuzzy reports whether w is indexed for typo correction.
func fuzzy(w string) bool {
	return len(w) <= maxFuzzyBytes && utf8.RuneCountInString(w) >= minFuzzyRunes
}

// newVocab indexes words, each held by counts[i] live providers.
// Memory: at most maxFuzzyBytes+1 keys of at most maxFuzzyBytes bytes per
// word.
func newVocab(words []string, counts []int32) textVocab {
	v := textVocab{words: makeCow(words), count: makeCow(counts), index: make(map[string]int32, len(words))}
	v.dels = make(map[string][]int32, len(words)*4)
	for i, w := range words {
		v.index[w] = int32(i)
		if !fuzzy(w) {
			continue
		}
		for _, k := range deletions(w, true) {
			if l := v.dels[k]; len(l) == 0 || l[len(l)-1] != int32(i) {
				v.dels[k] = append(l, int32(i))
			}
		}
	}
	return v
}

// The text index numbers providers by the cells of the directory's
// spatial index (internal/spatial): the frame of its grid of all placed
// providers, cells row by row from the south-west, and within a cell in
// ID order; unplaced providers come last. The providers of one row of
// cells are then a contiguous run of numbers, a radius's box is a few
// runs, a ring of cells around a point is a few more, and postings
// (sorted by number) list neighbours next to each other, so a query
// walks memory in order instead of jumping about.

// textCells maps cells of the spatial index's frame to runs of numbers.
// It keeps its own copy of the frame it was laid out in: the directory's
// grid may be laid out afresh by a later Apply, and then the text index
// is too (textIndex.apply).
type textCells struct {
	spatial.Frame
	start  []int32 // start[c] is the first number of cell c; len NX·NY+1
	placed int32   // numbers ≥ placed are unplaced providers
}

// layout numbers d's providers: t.order[k] is the slot of number k and
// t.rank its inverse. It fills t.cells, t.recs and t.flags, with no
// dead or appended numbers. O(n + cells).
func (t *textIndex) layout(d *Directory) {
	n := d.Len()
	g := &t.cells
	*g = textCells{}
	if grid := d.grids[""]; grid != nil && grid.N > 0 {
		g.Frame = grid.Frame
		// RingBound holds for points laid out in the frame: those in
		// its cells, and any clamped to an edge cell.
		top := math.Max(math.Abs(g.MinLat), math.Abs(g.MinLat+float64(g.NY)*g.CellLat))
		g.CosMax = math.Min(g.CosMax, math.Cos(top*math.Pi/180))
	}
	cells := g.NX * g.NY
	cellOf := make([]int32, n) // by position in ID order
	count := make([]int32, cells+1)
	for j, i := range d.order {
		p := d.prov(i)
		if p.Unplaced || cells == 0 {
			cellOf[j] = int32(cells)
			continue
		}
		c := int32(g.Cell(p.Point[0], p.Point[1]))
		g.CosMax = math.Min(g.CosMax, math.Cos(math.Abs(p.Point[1])*math.Pi/180))
		cellOf[j] = c
		count[c]++
	}
	g.start = make([]int32, cells+1)
	sum := int32(0)
	for c := 0; c < cells; c++ {
		g.start[c] = sum
		sum += count[c]
	}
	g.start[cells] = sum
	g.placed = sum
	next := slices.Clone(g.start)
	next = append(next, sum) // unplaced run
	order := make([]int32, n)
	rank := make([]int32, d.slots())
	for i := range rank {
		rank[i] = -1
	}
	for j, i := range d.order {
		c := cellOf[j]
		k := next[c]
		next[c]++
		order[k] = i
		rank[i] = k
	}
	recs := make([]gridRec, n)
	flags := make([]uint8, n)
	for k, i := range order {
		p := d.prov(i)
		recs[k] = d.gridRec(i)
		if p.Unplaced {
			flags[k] = numUnplaced
		}
	}
	t.order, t.rank, t.recs, t.flags = makeCow(order), makeCow(rank), makeCow(recs), makeCow(flags)
	t.hours = newHourBits(recs)
	t.n, t.tail, t.live, t.dead = int32(n), int32(n), int32(n), 0
}

// sameFrame reports whether g was laid out in the frame of grid (nil: no
// placed provider), so that its cells are the grid's.
func (g *textCells) sameFrame(grid *spatial.Grid) bool {
	if grid == nil || grid.N == 0 || len(grid.Cells) == 0 {
		return g.placed == 0 && g.NX == 0
	}
	f := grid.Frame
	f.CosMax = g.CosMax
	return f == g.Frame
}

// within reports whether p lies inside the cells (Frame.Cell clamps
// points outside them to the edge).
func (g *textCells) within(p orb.Point) bool {
	return g.placed > 0 && g.Within(p[0], p[1])
}

// cellXY returns the column and row of the cell holding p, clamped to the
// frame.
func (g *textCells) cellXY(p orb.Point) (int, int) {
	c := g.Cell(p[0], p[1])
	return c % g.NX, c / g.NX
}

// runs calls fn with each run [lo, hi) of numbers whose cells meet box.
func (g *textCells) runs(box orb.Bound, fn func(lo, hi int32)) {
	if g.placed == 0 || box.Max[0] < g.MinLon || box.Max[1] < g.MinLat ||
		box.Min[0] > g.MinLon+float64(g.NX)*g.CellLon || box.Min[1] > g.MinLat+float64(g.NY)*g.CellLat {
		return
	}
	x0, y0 := g.cellXY(box.Min)
	x1, y1 := g.cellXY(box.Max)
	for y := y0; y <= y1; y++ {
		lo, hi := g.start[y*g.NX+x0], g.start[y*g.NX+x1+1]
		if lo < hi {
			fn(lo, hi)
		}
	}
}

// count returns how many numbers the runs of box hold.
func (g *textCells) count(box orb.Bound) int {
	n := 0
	g.runs(box, func(lo, hi int32) { n += int(hi - lo) })
	return n
}
