package directory

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// scorer computes a hit's Score from its relevance and distance, as
// Ranking defines it. Every score, and every bound of a score, goes
// through score, so that they round alike.
type scorer struct {
	text, dist, sum, scale float64
}

func newScorer(r *Ranking) scorer {
	return scorer{text: r.Text, dist: r.Distance, sum: r.Text + r.Distance, scale: float64(r.DistanceScale)}
}

// score returns (Text·rel + Distance·Proximity) / (Text + Distance).
// It is nondecreasing in rel and nonincreasing in dist, also as computed:
// each step (a quotient by a positive constant, a sum, a product with a
// weight ≥ 0, a reciprocal of a positive number) is monotone, and IEEE
// rounding to nearest is monotone.
func (sc *scorer) score(rel float64, dist geo.Meters) float64 {
	prox := 1 / (1 + float64(dist)/sc.scale)
	if sc.sum <= 0 {
		return 0
	}
	return (sc.text*rel + sc.dist*prox) / sc.sum
}

// rank moves the k best of ms (matches of a query without a radius,
// whose distances are not yet measured) to the front, sorted, with their
// distances and scores; what follows them is unspecified.
//
// With every match wanted (or a quarter of them or more, unless rings
// is set) it measures them all and sorts. Otherwise it visits the cells of the spatial index's frame in
// rings around near (spatial.Frame.Rings), measuring only the matches of
// each cell it visits, and stops once the k-th best so far beats every
// match not yet visited:
//
// Bound. Let lb be the bound the walk gives with a ring: every point laid
// out in a cell of that ring or a later one is at least lb from near
// (spatial.Frame.RingBound proves it; the text index's numbers below
// tail are laid out in its frame, and a number kept by Apply for a
// provider that moved stays within its cell). Each unvisited match m has
// rel(m) ≤ relMax, the largest relevance of all matches, and dist(m) ≥
// lb. Score is nondecreasing in rel and nonincreasing in distance
// (scorer.score), so score(m) ≤ B := score(relMax, lb'), where lb' is lb
// shrunk by far more than the rounding of RingBound and geo.Distance
// (relative 1e-9 and 1 µm), so that the computed dist(m) ≥ lb' as well.
// Hits are ordered by score, then distance, then ID (Directory.better),
// so m can beat the k-th hit h only if score(m) > score(h), or
// score(m) = score(h) and dist(m) ≤ dist(h). Hence when score(h) > B, or
// score(h) ≥ B and dist(h) < lb', no unvisited match beats h, and the k
// best so far are the k best of all. Numbers appended by Apply (≥ tail)
// lie anywhere and are measured first.
//
// Cost: O(m log m) to sort the m matches by number, then per cell
// visited a binary search, and a distance per match in those cells.
func (d *Directory) rank(ms []textMatch, k int, near orb.Point, r *Ranking, rings bool) {
	t := d.text
	sc := newScorer(r)
	measure := func(m *textMatch) {
		m.dist = geo.Distance(near, *t.points.at(m.doc))
		m.score = sc.score(m.rel, m.dist)
	}
	if k == 0 {
		return
	}
	if !rings && k >= len(ms)/4 {
		for i := range ms {
			measure(&ms[i])
		}
		d.topK(ms, k)
		return
	}
	relMax := 0.0
	for i := range ms {
		relMax = max(relMax, ms[i].rel)
	}
	slices.SortFunc(ms, func(a, b textMatch) int { return cmp.Compare(a.doc, b.doc) })
	best := make([]textMatch, 0, k+1)
	push := func(m textMatch) {
		if len(best) == k && !d.better(&m, &best[k-1]) {
			return
		}
		j := len(best)
		best = append(best, m)
		for j > 0 && d.better(&m, &best[j-1]) {
			best[j] = best[j-1]
			j--
		}
		best[j] = m
		if len(best) > k {
			best = best[:k]
		}
	}
	laid := sort.Search(len(ms), func(i int) bool { return ms[i].doc >= t.tail })
	for _, m := range ms[laid:] {
		measure(&m)
		push(m)
	}
	g := &t.cells
	done := func(lb float64) bool {
		if len(best) < k {
			return false
		}
		lb = math.Max(0, lb*(1-1e-9)-1e-6)
		bound := sc.score(relMax, geo.Meters(lb))
		h := &best[k-1]
		return h.score > bound || h.score >= bound && float64(h.dist) < lb
	}
	g.Rings(near, func(c int, lb float64) bool {
		if done(lb) {
			return false
		}
		if c < 0 {
			return true
		}
		lo, hi := g.start[c], g.start[c+1]
		if lo == hi {
			return true
		}
		j := sort.Search(laid, func(i int) bool { return ms[i].doc >= lo })
		for ; j < laid && ms[j].doc < hi; j++ {
			m := ms[j]
			measure(&m)
			push(m)
		}
		return true
	})
	copy(ms, best)
}
