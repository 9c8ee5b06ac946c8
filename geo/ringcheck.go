package geo

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/paulmach/orb"
)

// Validity of a polygon, in the sense of OGC Simple Features with one
// relaxation, checked in O(n log n) for n vertices:
//
//   - every ring has at least 4 positions, the last equal to the first;
//   - every vertex is finite and in range (null island is allowed here);
//   - no ring has zero area (all its vertices on one line);
//   - no two edges of the polygon (same ring or different rings) cross
//     at a point inside both, or overlap along a stretch of line;
//   - where the boundary meets itself at a single point (a ring touching
//     itself or another ring at a vertex, or a vertex lying on another
//     edge), the pieces of boundary through that point must not cross
//     there. They may touch: an hourglass drawn as one ring whose two
//     triangles meet at their tips comes to the waist and turns back on
//     the side it came from. A figure eight drawn in one stroke passes
//     through its waist, with or without a vertex there, and is rejected;
//   - every hole lies inside the shell (touching it at points is allowed)
//     and inside no other hole.
//
// The relaxation: OGC forbids a ring from touching itself; real boundary
// files (and this package's even-odd containment) handle such a touch
// without ambiguity, so it is accepted. Repeated consecutive positions are
// accepted and ignored. Polygons of one MultiPolygon are checked one by
// one: they may overlap each other (Locate answers with their union).

// checkPolygon returns nil or a *CoordError naming the first problem found.
func checkPolygon(pi int, poly orb.Polygon) error {
	if len(poly) == 0 {
		return &CoordError{Polygon: pi, Ring: -1, Vertex: -1, Err: fmt.Errorf("%w: polygon has no rings", ErrEmptyGeometry)}
	}
	for ri, ring := range poly {
		if len(ring) < 4 {
			return &CoordError{Polygon: pi, Ring: ri, Vertex: -1, Err: fmt.Errorf("%w: %d", ErrBadRing, len(ring))}
		}
		for vi, pt := range ring {
			if err := validateCoords(pt); err != nil {
				return &CoordError{Polygon: pi, Ring: ri, Vertex: vi, Err: err}
			}
		}
		if ring[0] != ring[len(ring)-1] {
			first, last := ring[0], ring[len(ring)-1]
			return &CoordError{Polygon: pi, Ring: ri, Vertex: len(ring) - 1, Err: fmt.Errorf("%w: first (%g, %g), last (%g, %g)", ErrUnclosedRing, first[0], first[1], last[0], last[1])}
		}
		if collinear(ring) {
			return &CoordError{Polygon: pi, Ring: ri, Vertex: -1, Err: ErrZeroArea}
		}
	}
	if err := checkCrossings(poly); err != nil {
		err.Polygon = pi
		return err
	}
	if err := checkHoles(poly); err != nil {
		err.Polygon = pi
		return err
	}
	return nil
}

// collinear reports whether every vertex of r lies on one line (which
// includes a ring of one repeated point).
func collinear(r orb.Ring) bool {
	a := r[0]
	j := 1
	for j < len(r) && r[j] == a {
		j++
	}
	if j == len(r) {
		return true
	}
	b := r[j]
	for _, c := range r[j+1:] {
		if orient(a, b, c) != 0 {
			return false
		}
	}
	return true
}

// orient returns the sign of the cross product (b-a)×(c-a): +1 when c is to
// the left of the line a→b, -1 to the right, 0 on it. It is exact: a fast
// floating-point filter (Shewchuk's error bound) decides nearly every
// case, and rational arithmetic the rest.
func orient(a, b, c orb.Point) int {
	l := (a[0] - c[0]) * (b[1] - c[1])
	r := (a[1] - c[1]) * (b[0] - c[0])
	det := l - r
	const errBound = (3 + 16*0x1p-53) * 0x1p-53
	bound := errBound * math.Abs(l+r)
	if math.Abs(l+r) < math.Abs(l)+math.Abs(r) {
		bound = errBound * (math.Abs(l) + math.Abs(r))
	}
	if det > bound {
		return 1
	}
	if -det > bound {
		return -1
	}
	if det == 0 && l == 0 && r == 0 {
		// Exact zeros: both products vanish only when a factor does.
		return 0
	}
	return orientExact(a, b, c)
}

func orientExact(a, b, c orb.Point) int {
	var ax, ay, bx, by, cx, cy big.Rat
	ax.SetFloat64(a[0])
	ay.SetFloat64(a[1])
	bx.SetFloat64(b[0])
	by.SetFloat64(b[1])
	cx.SetFloat64(c[0])
	cy.SetFloat64(c[1])
	var l, r, t big.Rat
	l.Mul(t.Sub(&ax, &cx), new(big.Rat).Sub(&by, &cy))
	r.Mul(t.Sub(&ay, &cy), new(big.Rat).Sub(&bx, &cx))
	return l.Cmp(&r)
}

// vref names one vertex of a polygon: ring and index in the ring.
type vref struct{ ring, idx int32 }

// chain is the boundary through a vertex: its previous and next distinct
// positions.
func chainAt(poly orb.Polygon, v vref) (prev, next orb.Point) {
	r := poly[v.ring]
	n := len(r) - 1 // positions without the closing repeat
	p := r[v.idx]
	i := int(v.idx)
	for k := 0; k < n; k++ {
		i = (i - 1 + n) % n
		if r[i] != p {
			prev = r[i]
			break
		}
	}
	i = int(v.idx)
	for k := 0; k < n; k++ {
		i = (i + 1) % n
		if r[i] != p {
			next = r[i]
			break
		}
	}
	return prev, next
}

// seg is one edge for the sweep, stored left endpoint first (smaller x,
// then smaller y). 56 bytes: the sweep's memory is O(n) with a small
// constant.
type seg struct {
	a, b    orb.Point
	ring    int32
	from    int32 // index of the edge's first vertex in its ring
	prio    uint32
	l, r    int32 // treap children, indexes into sweep.segs; -1 for none
	swapped bool  // a is the ring's vertex from+1, b the vertex from
}

// aIdx and bIdx return the ring indexes of the vertices at a and b.
func (s *seg) aIdx(poly orb.Polygon) int32 {
	if s.swapped {
		return s.next(poly)
	}
	return s.from
}

func (s *seg) bIdx(poly orb.Polygon) int32 {
	if s.swapped {
		return s.from
	}
	return s.next(poly)
}

// next is the ring index of the vertex after from (0 for the closing one).
func (s *seg) next(poly orb.Polygon) int32 {
	if int(s.from)+2 == len(poly[s.ring]) {
		return 0
	}
	return s.from + 1
}

// sweep is a Shamos–Hoey sweep: segments are kept ordered bottom to top
// along a vertical line moving left to right, and only neighbours in that
// order are tested, which finds a crossing if there is one in O(n log n).
// The order lives in a treap whose comparison reads the sweep position.
type sweep struct {
	poly  orb.Polygon
	segs  []seg
	x, y  float64 // current event point
	right bool    // comparing just right of x (inserting) or just left (deleting)
	cur   int32   // the segment being inserted, removed or searched for
	root  int32
	seed  uint32
	found *CoordError
}

// side compares segment n, which has the current event point p as an
// endpoint, with segment t along the sweep line: -1 when n is below t, +1
// above, 0 only for n itself or an exact overlap. It is exact (it only uses
// orient): every comparison the sweep makes has the segment being
// inserted, removed or searched for as n, so no y is ever interpolated.
// Where n and t meet at p, their directions decide: to the right of p when
// inserting, to the left when removing.
func (sw *sweep) side(n, t int32) int {
	if n == t {
		return 0
	}
	ns, ts := &sw.segs[n], &sw.segs[t]
	p := orb.Point{sw.x, sw.y}
	var o int
	if ts.a[0] == ts.b[0] {
		switch {
		case p[1] > ts.b[1]:
			o = 1
		case p[1] < ts.a[1]:
			o = -1
		}
	} else {
		o = orient(ts.a, ts.b, p)
	}
	if o == 0 {
		if sw.right {
			o = orient(p, ts.b, ns.b)
		} else {
			o = -orient(p, ts.a, ns.a)
		}
	}
	if o == 0 {
		o = cmp.Compare(n, t)
	}
	return o
}

// less orders segments i and j along the sweep line; one of them is the
// segment the sweep is working on (sw.cur).
func (sw *sweep) less(i, j int32) bool {
	if i == sw.cur {
		return sw.side(i, j) < 0
	}
	return sw.side(j, i) > 0
}

func (sw *sweep) insert(n int32) {
	sw.seed = sw.seed*1664525 + 1013904223
	s := &sw.segs[n]
	s.prio, s.l, s.r = sw.seed, -1, -1
	sw.root = sw.ins(sw.root, n)
}

func (sw *sweep) ins(t, n int32) int32 {
	if t < 0 {
		return n
	}
	ts := &sw.segs[t]
	if sw.less(n, t) {
		ts.l = sw.ins(ts.l, n)
		if l := &sw.segs[ts.l]; l.prio > ts.prio {
			li := ts.l
			ts.l, l.r = l.r, t
			return li
		}
	} else {
		ts.r = sw.ins(ts.r, n)
		if r := &sw.segs[ts.r]; r.prio > ts.prio {
			ri := ts.r
			ts.r, r.l = r.l, t
			return ri
		}
	}
	return t
}

// remove takes n out of the tree. Rounding in yAt can, for nearly
// touching edges, make the ordered search miss n; then the whole tree is
// searched, so that the tree never keeps a finished segment.
func (sw *sweep) remove(n int32) {
	var found bool
	sw.root, found = sw.del(sw.root, n, true)
	if !found {
		sw.root, _ = sw.del(sw.root, n, false)
	}
}

// del removes n from the subtree t, following the order when ordered and
// visiting every node otherwise.
func (sw *sweep) del(t, n int32, ordered bool) (int32, bool) {
	if t < 0 {
		return -1, false
	}
	ts := &sw.segs[t]
	if t == n {
		return sw.merge(ts.l, ts.r), true
	}
	var found bool
	if !ordered || sw.less(n, t) {
		ts.l, found = sw.del(ts.l, n, ordered)
	}
	if !found && (!ordered || !sw.less(n, t)) {
		ts.r, found = sw.del(ts.r, n, ordered)
	}
	return t, found
}

func (sw *sweep) merge(a, b int32) int32 {
	if a < 0 {
		return b
	}
	if b < 0 {
		return a
	}
	if sa, sb := &sw.segs[a], &sw.segs[b]; sa.prio > sb.prio {
		sa.r = sw.merge(sa.r, b)
		return a
	} else {
		sb.l = sw.merge(a, sb.l)
		return b
	}
}

// below returns the greatest segment in the tree ordered before n, above
// the least after it; either may be -1.
func (sw *sweep) below(n int32) int32 {
	best := int32(-1)
	for t := sw.root; t >= 0; {
		if t != n && sw.less(t, n) {
			best, t = t, sw.segs[t].r
		} else {
			t = sw.segs[t].l
		}
	}
	return best
}

func (sw *sweep) above(n int32) int32 {
	best := int32(-1)
	for t := sw.root; t >= 0; {
		if t != n && sw.less(n, t) {
			best, t = t, sw.segs[t].l
		} else {
			t = sw.segs[t].r
		}
	}
	return best
}

// check tests two segments and records the first forbidden meeting.
func (sw *sweep) check(i, j int32) {
	if i < 0 || j < 0 || sw.found != nil {
		return
	}
	if err := meet(sw.poly, &sw.segs[i], &sw.segs[j]); err != nil {
		sw.found = err
	}
}

// meet classifies how two edges meet: nil when they do not, or only at a
// shared vertex, or where a vertex of one lies on the other and the
// boundary through that vertex does not cross the other edge.
func meet(poly orb.Polygon, s, t *seg) *CoordError {
	if s.b[0] < t.a[0] || t.b[0] < s.a[0] ||
		math.Max(s.a[1], s.b[1]) < math.Min(t.a[1], t.b[1]) || math.Max(t.a[1], t.b[1]) < math.Min(s.a[1], s.b[1]) {
		return nil
	}
	d1, d2 := orient(s.a, s.b, t.a), orient(s.a, s.b, t.b)
	d3, d4 := orient(t.a, t.b, s.a), orient(t.a, t.b, s.b)
	// crossing names where the edges meet (where is the meeting itself,
	// not an end of either edge: on a long edge of a coarse boundary an
	// end can lie hundreds of kilometres from the fault).
	crossing := func(why, where string) *CoordError {
		hint := ""
		if math.Abs(s.b[0]-s.a[0]) > 180 || math.Abs(t.b[0]-t.a[0]) > 180 {
			// A ring drawn across the antimeridian jumps from one side of
			// the map to the other; in lon/lat that edge crosses the ring.
			hint = "; an edge spans more than 180° of longitude: a ring crossing the antimeridian must be split there into polygons of a MultiPolygon"
		}
		return &CoordError{Ring: int(s.ring), Vertex: int(s.from), Err: fmt.Errorf("%w: edge from vertex %d %s ring %d edge from vertex %d %s%s",
			ErrSelfIntersection, s.from, why, t.ring, t.from, where, hint)}
	}
	if d1*d2 < 0 && d3*d4 < 0 {
		x := crossPoint(s.a, s.b, t.a, t.b)
		return crossing("crosses", fmt.Sprintf("at (%g, %g)", x[0], x[1]))
	}
	if d1 == 0 && d2 == 0 {
		// Collinear: overlapping along a stretch is forbidden; meeting
		// end to end is a touch at a vertex.
		lo, hi := lexMax(s.a, t.a), lexMin(s.b, t.b)
		if lexLess(lo, hi) {
			return crossing("overlaps", fmt.Sprintf("from (%g, %g) to (%g, %g)", lo[0], lo[1], hi[0], hi[1]))
		}
		return nil
	}
	// A vertex of one edge on the inside of the other: the boundary
	// through that vertex must stay on one side of the other edge.
	touch := func(e *seg, v orb.Point, atB bool, other *seg) *CoordError {
		if v == other.a || v == other.b || !onSegment(v, other) {
			return nil
		}
		vi := e.aIdx(poly)
		if atB {
			vi = e.bIdx(poly)
		}
		prev, next := chainAt(poly, vref{e.ring, vi})
		if orient(other.a, other.b, prev)*orient(other.a, other.b, next) < 0 {
			return crossing("meets at a vertex and crosses", fmt.Sprintf("at (%g, %g)", v[0], v[1]))
		}
		return nil
	}
	for _, c := range []struct {
		d     int
		e     *seg
		v     orb.Point
		atB   bool
		other *seg
	}{{d1, t, t.a, false, s}, {d2, t, t.b, true, s}, {d3, s, s.a, false, t}, {d4, s, s.b, true, t}} {
		if c.d == 0 {
			if err := touch(c.e, c.v, c.atB, c.other); err != nil {
				return err
			}
		}
	}
	return nil
}

// crossPoint returns where segments a–b and c–d, which cross at a point
// inside both, meet (rounded to float64; clamped to a–b's box so that
// rounding never puts it beyond the edge).
func crossPoint(a, b, c, d orb.Point) orb.Point {
	rx, ry := b[0]-a[0], b[1]-a[1]
	sx, sy := d[0]-c[0], d[1]-c[1]
	den := rx*sy - ry*sx
	if den == 0 {
		return a
	}
	u := ((c[0]-a[0])*sy - (c[1]-a[1])*sx) / den
	u = math.Max(0, math.Min(1, u))
	return orb.Point{a[0] + u*rx, a[1] + u*ry}
}

func onSegment(p orb.Point, s *seg) bool {
	return p[0] >= math.Min(s.a[0], s.b[0]) && p[0] <= math.Max(s.a[0], s.b[0]) &&
		p[1] >= math.Min(s.a[1], s.b[1]) && p[1] <= math.Max(s.a[1], s.b[1])
}

func lexLess(p, q orb.Point) bool { return p[0] < q[0] || (p[0] == q[0] && p[1] < q[1]) }

func lexMax(p, q orb.Point) orb.Point {
	if lexLess(p, q) {
		return q
	}
	return p
}

func lexMin(p, q orb.Point) orb.Point {
	if lexLess(p, q) {
		return p
	}
	return q
}

// checkCrossings finds edges that cross or overlap, and vertices where the
// boundary passes through itself. O(n log n) time for n vertices, and 64
// bytes of memory per edge.
func checkCrossings(poly orb.Polygon) *CoordError {
	n := 0
	for _, r := range poly {
		n += len(r) - 1
	}
	sw := &sweep{poly: poly, segs: make([]seg, 0, n), root: -1, seed: 0x9e3779b9}
	for ri, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if a == b {
				continue
			}
			s := seg{a: a, b: b, ring: int32(ri), from: int32(i), l: -1, r: -1}
			if lexLess(b, a) {
				s.a, s.b, s.swapped = b, a, true
			}
			sw.segs = append(sw.segs, s)
		}
	}
	// An event is a segment index times two, plus one at its right end.
	events := make([]int32, 0, 2*len(sw.segs))
	for i := range sw.segs {
		events = append(events, int32(2*i), int32(2*i+1))
	}
	at := func(e int32) orb.Point {
		if e&1 == 0 {
			return sw.segs[e>>1].a
		}
		return sw.segs[e>>1].b
	}
	slices.SortFunc(events, func(e, f int32) int {
		p, q := at(e), at(f)
		if c := cmp.Compare(p[0], q[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(p[1], q[1]); c != 0 {
			return c
		}
		// At one point, ends come before starts.
		if c := cmp.Compare(f&1, e&1); c != 0 {
			return c
		}
		return cmp.Compare(e, f)
	})
	for i := 0; i < len(events) && sw.found == nil; {
		p := at(events[i])
		sw.x, sw.y = p[0], p[1]
		j := i
		sw.right = false
		for ; j < len(events) && events[j]&1 == 1 && at(events[j]) == p; j++ {
			s := events[j] >> 1
			sw.cur = s
			lo, hi := sw.below(s), sw.above(s)
			sw.remove(s)
			sw.check(lo, hi)
		}
		sw.right = true
		for ; j < len(events) && at(events[j]) == p; j++ {
			s := events[j] >> 1
			sw.cur = s
			sw.insert(s)
			sw.check(s, sw.below(s))
			sw.check(s, sw.above(s))
		}
		i = j
	}
	if sw.found != nil {
		return sw.found
	}
	sw.segs, events = nil, nil
	return checkVertexChains(poly)
}

// checkVertexChains looks at every position the boundary visits more than
// once and rejects it when two pieces of boundary cross there: around the
// point, the directions of each piece (in and out) must nest like
// brackets. O(n log n).
func checkVertexChains(poly orb.Polygon) *CoordError {
	n := 0
	for _, r := range poly {
		n += len(r) - 1
	}
	occs := make([]vref, 0, n)
	for ri, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			if i > 0 && r[i] == r[i-1] {
				continue
			}
			if i+2 == len(r) && r[i] == r[0] {
				continue
			}
			occs = append(occs, vref{int32(ri), int32(i)})
		}
	}
	pt := func(v vref) orb.Point { return poly[v.ring][v.idx] }
	slices.SortFunc(occs, func(a, b vref) int {
		p, q := pt(a), pt(b)
		if c := cmp.Compare(p[0], q[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(p[1], q[1]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ring, b.ring); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
	// A ray is the direction from the shared point to a neighbour, compared
	// exactly: first by half-plane (upper, counterclockwise from +x, then
	// lower), then by orientation.
	type ray struct {
		to    orb.Point
		half  int
		chain int
	}
	var rays []ray
	var stack []int
	for i := 0; i < len(occs); {
		j := i + 1
		for j < len(occs) && pt(occs[j]) == pt(occs[i]) {
			j++
		}
		if j-i > 1 {
			p := pt(occs[i])
			rays = rays[:0]
			for k := i; k < j; k++ {
				prev, next := chainAt(poly, occs[k])
				rays = append(rays, ray{prev, halfPlane(p, prev), k}, ray{next, halfPlane(p, next), k})
			}
			angle := func(a, b ray) int {
				if a.half != b.half {
					return a.half - b.half
				}
				return -orient(p, a.to, b.to)
			}
			slices.SortFunc(rays, angle)
			stack = stack[:0]
			for k, r := range rays {
				if k > 0 && angle(r, rays[k-1]) == 0 && r.chain != rays[k-1].chain {
					v := occs[r.chain]
					return &CoordError{Ring: int(v.ring), Vertex: int(v.idx), Err: fmt.Errorf("%w: two edges leave vertex %d (%g, %g) in the same direction", ErrSelfIntersection, v.idx, p[0], p[1])}
				}
				if len(stack) > 0 && stack[len(stack)-1] == r.chain {
					stack = stack[:len(stack)-1]
					continue
				}
				stack = append(stack, r.chain)
			}
			if len(stack) > 0 {
				v := occs[stack[0]]
				return &CoordError{Ring: int(v.ring), Vertex: int(v.idx), Err: fmt.Errorf("%w: the boundary crosses itself at vertex %d (%g, %g)", ErrSelfIntersection, v.idx, p[0], p[1])}
			}
		}
		i = j
	}
	return nil
}

// halfPlane is 0 for a direction from p to q in the upper half plane
// (angles [0, π)) and 1 for the lower one.
func halfPlane(p, q orb.Point) int {
	if q[1] > p[1] || (q[1] == p[1] && q[0] > p[0]) {
		return 0
	}
	return 1
}

// checkHoles rejects a hole outside its shell or inside another hole. It
// tests one point of each hole that is not on another ring (a vertex, or
// failing that an edge's midpoint) by ray casting through a band index of
// the polygon's edges.
func checkHoles(poly orb.Polygon) *CoordError {
	if len(poly) < 2 {
		return nil
	}
	ix := newPart(-1, poly, true)
	for h := 1; h < len(poly); h++ {
		ring := poly[h]
		decided := false
		probe := func(q orb.Point) *CoordError {
			onOther, inShell, inHoles := ix.probe(q, int32(h))
			if onOther {
				return nil
			}
			decided = true
			switch {
			case !inShell:
				return &CoordError{Ring: h, Vertex: -1, Err: ErrHoleOutside}
			case inHoles:
				return &CoordError{Ring: h, Vertex: -1, Err: ErrNestedHole}
			}
			return nil
		}
		for i := 0; i+1 < len(ring) && !decided; i++ {
			if err := probe(ring[i]); err != nil {
				return err
			}
		}
		for i := 0; i+1 < len(ring) && !decided; i++ {
			if err := probe(orb.Point{(ring[i][0] + ring[i+1][0]) / 2, (ring[i][1] + ring[i+1][1]) / 2}); err != nil {
				return err
			}
		}
	}
	return nil
}
