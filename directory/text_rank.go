package directory

import (
	"math"
	"slices"

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
// is set) it measures them all and sorts. Otherwise it takes the matches
// ring by ring around near — the Chebyshev rings of cells of the spatial
// index's frame, as spatial.Frame.Rings visits them — measuring the
// matches of each ring, and stops once the k-th best so far beats every
// match of the rings left:
//
// Bound. Let lb = RingBound(r) for ring r. Every point whose cell (its
// own, or the edge cell it is clamped to) lies in ring r or a later one
// is at least lb from near (spatial.Frame.RingBound proves it for points
// of latitude at most acos(CosMax) in size, which the layout makes of
// every number below tail: textIndex.layout lowers CosMax to the
// frame's edges and to every point laid out, and a number kept by Apply
// for a provider that moved stays within its cell). Each match m of ring
// r or later has rel(m) ≤ relMax, the largest relevance of all matches,
// and dist(m) ≥ lb. Score is nondecreasing in rel and nonincreasing in
// distance (scorer.score), so score(m) ≤ B := score(relMax, lb'), where
// lb' is lb shrunk by far more than the rounding of RingBound and
// geo.Distance (relative 1e-9 and 1 µm), so that the computed dist(m) ≥
// lb' as well. Hits are ordered by score, then distance, then ID
// (Directory.better), so m can beat the k-th hit h only if score(m) >
// score(h), or score(m) = score(h) and dist(m) ≤ dist(h). Hence when
// score(h) > B, or score(h) ≥ B and dist(h) < lb', no match of the rings
// left beats h, and the k best so far are the k best of all. Numbers
// appended by Apply (≥ tail) may lie anywhere, outside the frame's
// latitudes too, and are measured first.
//
// Cost: O(m + rings) to bucket the m matches by ring (a cell lookup
// each, no trigonometry), and a distance for each match of the rings
// taken.
func (d *Directory) rank(s *textScratch, ms []textMatch, k int, near orb.Point, r *Ranking, rings bool) {
	t := d.text
	sc := newScorer(r)
	measure := func(m *textMatch) {
		r := t.recs.at(m.doc)
		m.dist = geo.Distance(near, orb.Point{r.Lon, r.Lat})
		m.score = sc.score(m.rel, m.dist)
	}
	if k == 0 {
		return
	}
	g := &t.cells
	if !rings && k >= len(ms)/4 || g.NX == 0 {
		for i := range ms {
			measure(&ms[i])
		}
		d.topK(ms, k)
		return
	}
	best := s.best[:0]
	push := func(m *textMatch) {
		if len(best) == k && !d.better(m, &best[k-1]) {
			return
		}
		j := len(best)
		best = append(best, *m)
		for j > 0 && d.better(m, &best[j-1]) {
			best[j] = best[j-1]
			j--
		}
		best[j] = *m
		if len(best) > k {
			best = best[:k]
		}
	}
	// Bucket the laid-out matches by ring: by[at[r]:at[r+1]] are the
	// indexes in ms of ring r's.
	relMax := 0.0
	ring := s.ring[:0]
	cx, cy := g.cellXY(near)
	maxR := max(cx, g.NX-1-cx, cy, g.NY-1-cy, 0)
	at := slices.Grow(s.at[:0], maxR+2)[:maxR+2]
	clear(at)
	for i := range ms {
		m := &ms[i]
		relMax = max(relMax, m.rel)
		if m.doc >= t.tail {
			measure(m)
			push(m)
			ring = append(ring, -1)
			continue
		}
		p := t.recs.at(m.doc)
		x, y := g.cellXY(orb.Point{p.Lon, p.Lat})
		rr := int32(max(x-cx, cx-x, y-cy, cy-y))
		ring = append(ring, rr)
		at[rr+1]++
	}
	for r := 1; r < len(at); r++ {
		at[r] += at[r-1]
	}
	by := slices.Grow(s.by[:0], int(at[len(at)-1]))[:at[len(at)-1]]
	fill := slices.Grow(s.fill[:0], len(at))[:len(at)]
	copy(fill, at)
	for i, rr := range ring {
		if rr >= 0 {
			by[fill[rr]] = int32(i)
			fill[rr]++
		}
	}
	cosMax := g.CosAt(near)
	for r := 0; r <= maxR; r++ {
		if len(best) == k {
			lb := math.Max(0, g.RingBound(r, cosMax)*(1-1e-9)-1e-6)
			bound := sc.score(relMax, geo.Meters(lb))
			if h := &best[k-1]; h.score > bound || h.score >= bound && float64(h.dist) < lb {
				break
			}
		}
		for _, i := range by[at[r]:at[r+1]] {
			m := &ms[i]
			measure(m)
			push(m)
		}
	}
	copy(ms, best)
	s.best, s.ring, s.at, s.by, s.fill = best, ring, at, by, fill
}
