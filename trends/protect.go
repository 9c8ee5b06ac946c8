package trends

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// Suppression works one calendar year at a time, on every cell of the
// published lattice for that year at once:
//
//	bucket: 12 months, 4 quarters, 2 halves, the year   (19)
//	row:    the total, then every region of every set and each set's Outside
//	node:   all categories, every taxonomy node (its subtree), and for
//	        every inner node the requests coded exactly at it
//
// Every cell is a sum of atoms: month × region tuple (one region per set)
// × category code. Years never share a cell, so they are independent.
//
// A suppressed cell v is protected when there is a witness δ: a signed
// set of atoms, each holding at least one request, such that moving one
// request along δ (−1 at the negative atoms, +1 at the positive ones)
// changes v but changes no published cell. Then the data with δ applied
// is another non-negative table, consistent with everything published,
// in which v has a different value: no arithmetic on published figures —
// totals, adjacent buckets, parent minus children, one region set minus
// another — can recover v. Witnesses are products of at most one swap per
// dimension: two months, two region tuples, two categories (a 2×2×2 cube
// at most), or, as a last resort, the deletion of one request.
//
// Primary cells (1 ≤ count < K, or fewer than K distinct students) are
// visited smallest first; for each one not yet protected, the candidate
// witness that suppresses the least published count is chosen and its
// whole footprint suppressed. Every cell of a footprint is protected by
// that witness, so the pass ends with every suppressed cell protected.

const (
	yearBuckets = 19
	maxBases    = 6
	maxPartners = 6
)

// chainBuckets returns the year-relative bucket ids containing month m
// (0..11): the month, its quarter, its half and the year.
func chainBuckets(m int) [4]int { return [4]int{m, 12 + m/3, 16 + m/6, 18} }

// chainID returns the year and year-relative bucket id of bucket i of a
// chain kind.
func chainID(b Bucket, i int32) (year int32, id int) {
	switch b {
	case Month:
		y := int32(floorDiv(int64(i), 12))
		return y, int(i - y*12)
	case Quarter:
		y := int32(floorDiv(int64(i), 4))
		return y, 12 + int(i-y*4)
	case Half:
		y := int32(floorDiv(int64(i), 2))
		return y, 16 + int(i-y*2)
	}
	return i, 18
}

// bucketMonths returns the months (0..11) of year-relative bucket id.
func bucketMonths(id int) (lo, hi int) {
	switch {
	case id < 12:
		return id, id + 1
	case id < 16:
		return (id - 12) * 3, (id-12)*3 + 3
	case id < 18:
		return (id - 16) * 6, (id-16)*6 + 6
	}
	return 0, 12
}

// lattice maps rows and nodes of a store to dense ids.
type lattice struct {
	nrows, nnodes int
	rowOff        []int // per set: row id of region 0
	exact         []int // per code: node id of "exactly this code", or -1 for leaves
}

// lattice returns the store's lattice map, made once by New: it depends
// only on the region sets and the taxonomy. Read-only.
func (s *Store) lattice() *lattice { return &s.lat }

func (s *Store) newLattice() lattice {
	l := lattice{nrows: 1, rowOff: make([]int, len(s.sets)), exact: make([]int, len(s.codes))}
	for i := range s.sets {
		l.rowOff[i] = l.nrows
		l.nrows += int(s.radix[i])
	}
	l.nnodes = 1 + len(s.codes)
	for c := range s.codes {
		l.exact[c] = -1
		if int(s.subEnd[c]) > c+1 {
			l.exact[c] = l.nnodes
			l.nnodes++
		}
	}
	return l
}

// subNode is the node id of code c's subtree; node 0 is all categories.
func subNode(c int) int { return 1 + c }

// path returns the nodes containing code c: all, c's ancestors and c
// (subtrees), and c exactly when c is an inner node.
func (s *Store) path(l *lattice, c int, buf []int) []int {
	buf = append(buf[:0], 0)
	for a := c; a >= 0; a = int(s.parent[a]) {
		buf = append(buf, subNode(a))
	}
	if l.exact[c] >= 0 {
		buf = append(buf, l.exact[c])
	}
	return buf
}

// protected is one year's lattice after suppression.
type protected struct {
	version uint64
	l       lattice
	count   []int64 // [bucket][row][node]
	supp    []bool
}

// bytes is the heap the cached lattice holds.
func (p *protected) bytes() int64 { return int64(len(p.count))*9 + 256 }

func (p *protected) at(b, row, node int) int {
	return (b*p.l.nrows+row)*p.l.nnodes + node
}

type atom struct {
	m     int8
	t     int32
	c     uint16
	n     int64
	nokey int64
	h     []uint64
}

// yearAtoms copies year y's non-empty atoms out of the month rollups, in
// (month, tuple, code) order.
func (s *Store) yearAtoms(y int32) (atoms []atom, reg []uint16) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	nc := len(s.codes)
	for m := 0; m < 12; m++ {
		blk := s.roll[rollMonth].get(y*12 + int32(m))
		if blk == nil {
			continue
		}
		for t, row := range blk.rows {
			if row == nil {
				continue
			}
			for c := 0; c < nc; c++ {
				var n int64
				for o := 0; o < int(numOutcomes); o++ {
					n += int64(atomic.LoadUint32(&row[c*slotsMonth+o]))
				}
				if n == 0 {
					continue
				}
				a := atom{m: int8(m), t: int32(t), c: uint16(c), n: n, nokey: n - int64(atomic.LoadUint32(&row[c*slotsMonth+slotKeyed]))}
				if a.nokey < n {
					s.distinctMu.Lock()
					if ss := s.distinct[atomKey{month: y*12 + int32(m), tuple: int32(t), code: uint16(c)}]; ss != nil {
						a.h = append([]uint64(nil), ss.h...)
					}
					s.distinctMu.Unlock()
				}
				atoms = append(atoms, a)
			}
		}
	}
	reg = append([]uint16(nil), s.tupleReg...)
	return canonical(atoms, reg, len(s.sets))
}

// canonical renumbers tuples in the order of their region vectors and
// sorts atoms by (month, tuple, code). Tuple ids are assigned in ingest
// order, which concurrent writers make nondeterministic; suppression
// must depend on the data only.
func canonical(atoms []atom, reg []uint16, nsets int) ([]atom, []uint16) {
	nt := len(reg) / nsets
	order := make([]int32, nt)
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := reg[int(order[i])*nsets:int(order[i]+1)*nsets], reg[int(order[j])*nsets:int(order[j]+1)*nsets]
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	newID := make([]int32, nt)
	out := make([]uint16, len(reg))
	for n, old := range order {
		newID[old] = int32(n)
		copy(out[n*nsets:(n+1)*nsets], reg[int(old)*nsets:int(old+1)*nsets])
	}
	for i := range atoms {
		atoms[i].t = newID[atoms[i].t]
	}
	sort.Slice(atoms, func(i, j int) bool {
		a, b := &atoms[i], &atoms[j]
		if a.m != b.m {
			return a.m < b.m
		}
		if a.t != b.t {
			return a.t < b.t
		}
		return a.c < b.c
	})
	return atoms, out
}

// protector holds the state of one year's suppression.
type protector struct {
	s          *Store
	l          lattice
	reg        []uint16 // tuple × set → region
	nsets      int
	atoms      []atom
	idx        []int32 // (month·tuples + tuple)·codes + code → atom + 1, 0 when empty
	ntup       int
	byMT       map[[2]int32][]int32
	byMC       map[[2]int32][]int32
	byTC       map[[2]int32][]int32
	p          *protected
	prot       []bool
	monthStart [13]int
	paths      [][]int // per code: the nodes containing it (Store.path)
	tmp        []int
}

func (s *Store) protect(ctx context.Context, y int32, ver uint64) (*protected, error) {
	atoms, reg := s.yearAtoms(y)
	l := *s.lattice()
	p := &protected{version: ver, l: l}
	ncell := yearBuckets * l.nrows * l.nnodes
	p.count = make([]int64, ncell)
	p.supp = make([]bool, ncell)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	pr := &protector{s: s, l: l, reg: reg, nsets: len(s.sets), atoms: atoms, p: p, prot: grow(&sc.prot, ncell),
		byMT: map[[2]int32][]int32{}, byMC: map[[2]int32][]int32{}, byTC: map[[2]int32][]int32{}}
	pr.paths = make([][]int, len(s.codes))
	for c := range s.codes {
		pr.paths[c] = s.path(&l, c, nil)
	}
	for m, i := 0, 0; m <= 12; m++ {
		for i < len(atoms) && int(atoms[i].m) < m {
			i++
		}
		pr.monthStart[m] = i
	}
	pr.ntup = len(reg) / len(s.sets)
	pr.idx = grow(&sc.idx, 12*pr.ntup*len(s.codes))
	nokey := grow(&sc.nokey, ncell)
	var sets map[int]*satSet
	for i := range atoms {
		a := &atoms[i]
		pr.idx[(int(a.m)*pr.ntup+int(a.t))*len(s.codes)+int(a.c)] = int32(i) + 1
		pr.byMT[[2]int32{int32(a.m), a.t}] = append(pr.byMT[[2]int32{int32(a.m), a.t}], int32(a.c))
		pr.byMC[[2]int32{int32(a.m), int32(a.c)}] = append(pr.byMC[[2]int32{int32(a.m), int32(a.c)}], a.t)
		pr.byTC[[2]int32{a.t, int32(a.c)}] = append(pr.byTC[[2]int32{a.t, int32(a.c)}], int32(a.m))
		pr.forCells(a, func(cell int) {
			p.count[cell] += a.n
			nokey[cell] += a.nokey
			if len(a.h) > 0 && nokey[cell] < int64(s.k) {
				if sets == nil {
					sets = map[int]*satSet{}
				}
				ss := sets[cell]
				if ss == nil {
					ss = &satSet{}
					sets[cell] = ss
				}
				ss.merge(a.h, s.k)
			}
		})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Primary suppression.
	k := int64(s.k)
	var primary []int
	for cell, n := range p.count {
		if n == 0 {
			continue
		}
		small := n < k
		if !small && nokey[cell] < k {
			d := nokey[cell]
			if ss := sets[cell]; ss != nil {
				d += int64(len(ss.h))
			}
			small = d < k
		}
		if small {
			p.supp[cell] = true
			primary = append(primary, cell)
		}
	}
	sort.SliceStable(primary, func(i, j int) bool { return p.count[primary[i]] < p.count[primary[j]] })
	// Complementary suppression.
	for i, cell := range primary {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if pr.prot[cell] {
			continue
		}
		w, ok := pr.bestWitness(cell)
		if !ok {
			// Unreachable: a primary cell holds an atom, whose deletion
			// is always a witness. Suppress defensively anyway.
			continue
		}
		pr.apply(w)
	}
	return p, nil
}

// scratch holds a suppression pass's working arrays between passes, so
// that a run of passes (a query over many years) does not churn the heap.
type scratch struct {
	prot  []bool
	idx   []int32
	nokey []int64
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// grow returns (*buf)[:n] zeroed, reallocating only when too small.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
		return *buf
	}
	*buf = (*buf)[:n]
	clear(*buf)
	return *buf
}

// forCells calls f for every cell containing atom a.
func (pr *protector) forCells(a *atom, f func(cell int)) {
	path := pr.paths[a.c]
	for _, b := range chainBuckets(int(a.m)) {
		for _, node := range path {
			f(pr.p.at(b, 0, node))
			for si := 0; si < pr.nsets; si++ {
				f(pr.p.at(b, pr.l.rowOff[si]+int(pr.reg[int(a.t)*pr.nsets+si]), node))
			}
		}
	}
}

// witness is a product of swaps: base atom (m, t, c) and optional
// partners m2, t2, c2 (-1 when that dimension is not varied). With no
// partner it deletes one request of the base atom.
type witness struct {
	m, m2 int
	t, t2 int32
	c, c2 int
}

func (pr *protector) nonzero(m int, t int32, c int) bool {
	return pr.idx[(m*pr.ntup+int(t))*len(pr.s.codes)+c] != 0
}

// footprint calls f for every cell whose value w changes.
func (pr *protector) footprint(w witness, f func(cell int)) {
	var bs []int
	var bsBuf [8]int
	if w.m2 < 0 {
		b := chainBuckets(w.m)
		bs = append(bsBuf[:0], b[:]...)
	} else {
		b1, b2 := chainBuckets(w.m), chainBuckets(w.m2)
		bs = bsBuf[:0]
		for i := range b1 {
			if b1[i] != b2[i] {
				bs = append(bs, b1[i], b2[i])
			}
		}
	}
	var rows []int
	var rowBuf [16]int
	rows = rowBuf[:0]
	if w.t2 < 0 {
		rows = append(rows, 0)
		for si := 0; si < pr.nsets; si++ {
			rows = append(rows, pr.l.rowOff[si]+int(pr.reg[int(w.t)*pr.nsets+si]))
		}
	} else {
		for si := 0; si < pr.nsets; si++ {
			r1, r2 := pr.reg[int(w.t)*pr.nsets+si], pr.reg[int(w.t2)*pr.nsets+si]
			if r1 != r2 {
				rows = append(rows, pr.l.rowOff[si]+int(r1), pr.l.rowOff[si]+int(r2))
			}
		}
	}
	p1 := pr.paths[w.c]
	nodes := p1
	if w.c2 >= 0 {
		p2 := pr.paths[w.c2]
		nodes = symDiff(p1, p2, pr.tmp[:0])
		pr.tmp = nodes
	}
	for _, b := range bs {
		for _, r := range rows {
			for _, n := range nodes {
				f(pr.p.at(b, r, n))
			}
		}
	}
}

func symDiff(a, b, out []int) []int {
	has := func(s []int, v int) bool {
		for _, x := range s {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, v := range a {
		if !has(b, v) {
			out = append(out, v)
		}
	}
	for _, v := range b {
		if !has(a, v) {
			out = append(out, v)
		}
	}
	return out
}

// cost returns the published count a witness would suppress, and whether
// its footprint contains target.
func (pr *protector) cost(w witness, target int) (int64, bool) {
	var c int64
	hit := false
	pr.footprint(w, func(cell int) {
		if cell == target {
			hit = true
		}
		if !pr.p.supp[cell] {
			c += pr.p.count[cell]
		}
	})
	return c, hit
}

func (pr *protector) apply(w witness) {
	pr.footprint(w, func(cell int) {
		pr.p.supp[cell] = true
		pr.prot[cell] = true
	})
}

// bestWitness finds the cheapest witness whose footprint holds target.
func (pr *protector) bestWitness(target int) (witness, bool) {
	l := &pr.l
	b := target / (l.nrows * l.nnodes)
	row := target / l.nnodes % l.nrows
	node := target % l.nnodes
	set := -1
	region := 0
	if row > 0 {
		for si := pr.nsets - 1; si >= 0; si-- {
			if row >= l.rowOff[si] {
				set, region = si, row-l.rowOff[si]
				break
			}
		}
	}
	inNode := func(c int) bool {
		switch {
		case node == 0:
			return true
		case node <= len(pr.s.codes):
			lo := node - 1
			return c >= lo && c < int(pr.s.subEnd[lo])
		}
		return l.exact[c] == node
	}
	onPath := func(c int) bool {
		for _, n := range pr.paths[c] {
			if n == node {
				return true
			}
		}
		return false
	}
	mlo, mhi := bucketMonths(b)
	// Base atoms inside the target cell.
	var bases []int32
	for m := mlo; m < mhi && len(bases) < maxBases; m++ {
		for i := pr.monthStart[m]; i < pr.monthStart[m+1]; i++ {
			a := &pr.atoms[i]
			if set >= 0 && int(pr.reg[int(a.t)*pr.nsets+set]) != region {
				continue
			}
			if !inNode(int(a.c)) {
				continue
			}
			bases = append(bases, int32(i))
			if len(bases) >= maxBases {
				break
			}
		}
	}
	best, bestCost, found := witness{}, int64(-1), false
	try := func(w witness) bool {
		c, hit := pr.cost(w, target)
		if !hit {
			return false
		}
		if !found || c < bestCost {
			best, bestCost, found = w, c, true
		}
		return c == 0
	}
	for _, ai := range bases {
		a := &pr.atoms[ai]
		m, t, c := int(a.m), a.t, int(a.c)
		// Partner months outside the target's bucket, nearest first.
		var ms []int
		for _, m2 := range pr.byTC[[2]int32{t, int32(c)}] {
			if int(m2) < mlo || int(m2) >= mhi {
				ms = append(ms, int(m2))
			}
		}
		sort.SliceStable(ms, func(i, j int) bool { return monthDist(m, ms[i]) < monthDist(m, ms[j]) })
		ms = ms[:min(len(ms), maxPartners)]
		// Partner tuples differing in the target's set, fewest other
		// differences first.
		var ts []int32
		if set >= 0 {
			for _, t2 := range pr.byMC[[2]int32{int32(m), int32(c)}] {
				if pr.reg[int(t2)*pr.nsets+set] != pr.reg[int(t)*pr.nsets+set] {
					ts = append(ts, t2)
				}
			}
			sort.SliceStable(ts, func(i, j int) bool { return pr.tupleDist(t, ts[i]) < pr.tupleDist(t, ts[j]) })
			ts = ts[:min(len(ts), maxPartners)]
		}
		// Partner codes outside the target's node, closest first.
		var cs []int
		for _, c2 := range pr.byMT[[2]int32{int32(m), t}] {
			if !onPath(int(c2)) {
				cs = append(cs, int(c2))
			}
		}
		sort.SliceStable(cs, func(i, j int) bool { return pr.codeDist(c, cs[i]) < pr.codeDist(c, cs[j]) })
		cs = cs[:min(len(cs), maxPartners)]

		if try(witness{m: m, m2: -1, t: t, t2: -1, c: c, c2: -1}) {
			return best, true
		}
		for mi := -1; mi < len(ms); mi++ {
			m2 := -1
			if mi >= 0 {
				m2 = ms[mi]
			}
			for ti := -1; ti < len(ts); ti++ {
				t2 := int32(-1)
				if ti >= 0 {
					t2 = ts[ti]
				}
				for ci := -1; ci < len(cs); ci++ {
					if mi < 0 && ti < 0 && ci < 0 {
						continue
					}
					c2 := -1
					if ci >= 0 {
						c2 = cs[ci]
					}
					if !pr.cubeNonzero(m, m2, t, t2, c, c2) {
						continue
					}
					if try(witness{m: m, m2: m2, t: t, t2: t2, c: c, c2: c2}) {
						return best, true
					}
				}
			}
		}
	}
	return best, found
}

// cubeNonzero reports whether every atom of the witness holds a request.
func (pr *protector) cubeNonzero(m, m2 int, t, t2 int32, c, c2 int) bool {
	msv := [2]int{m, m2}
	tsv := [2]int32{t, t2}
	csv := [2]int{c, c2}
	for i := 0; i < 2; i++ {
		if msv[i] < 0 {
			continue
		}
		for j := 0; j < 2; j++ {
			if tsv[j] < 0 {
				continue
			}
			for k := 0; k < 2; k++ {
				if csv[k] < 0 {
					continue
				}
				if !pr.nonzero(msv[i], tsv[j], csv[k]) {
					return false
				}
			}
		}
	}
	return true
}

func monthDist(a, b int) int {
	ba, bb := chainBuckets(a), chainBuckets(b)
	d := 0
	for i := range ba {
		if ba[i] != bb[i] {
			d++
		}
	}
	return d
}

func (pr *protector) tupleDist(a, b int32) int {
	d := 0
	for si := 0; si < pr.nsets; si++ {
		if pr.reg[int(a)*pr.nsets+si] != pr.reg[int(b)*pr.nsets+si] {
			d++
		}
	}
	return d
}

// codeDist is the number of nodes on exactly one of the two codes'
// paths, counted without building the difference.
func (pr *protector) codeDist(a, b int) int {
	p1, p2 := pr.paths[a], pr.paths[b]
	d := 0
	for _, v := range p1 {
		if !slices.Contains(p2, v) {
			d++
		}
	}
	for _, v := range p2 {
		if !slices.Contains(p1, v) {
			d++
		}
	}
	return d
}
