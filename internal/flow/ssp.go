package flow

import (
	"cmp"
	"context"
	"slices"
)

// state is the assignment and the dual prices shared by all components.
// Components touch disjoint entries, so workers never race.
//
// Dual feasibility kept at all times, with w' the (policy-adjusted) weight:
//
//	u[i] + price[j] ≥ w'(i,j) for every edge, u ≥ 0, price ≥ 0,
//
// and complementary slackness on the nodes added so far: an assigned edge
// is tight (u[i] = aw[i] − price[assign[i]], so u is never stored), an
// added but unassigned node has u = 0, and a pool that is not full has
// price 0. Together they certify optimality of the current assignment.
type state struct {
	p      *Problem
	pol    Policy
	unit   int64   // EquityFirst: S+1
	cap    []int32 // effective capacity (Unlimited → Left)
	occ    []int32 // seats taken per pool
	price  []int64 // dual price per pool
	head   []int32 // first occupant per pool, -1 when empty
	assign []int32 // pool per left node, -1 when none
	aw     []int64 // w' of the assigned edge
	next   []int32 // occupant list links per left node
	prev   []int32

	// Moves out of each pool: for every other pool j2 the occupant k whose
	// move j→j2 is cheapest, keyed by the price-free part aw[k] − w'(k,j2)
	// and sorted by j2, so a settled pool costs one relaxation per
	// neighbouring pool instead of one per occupant edge; drop[j] is the
	// occupant cheapest to unassign (key aw). Each entry also keeps the
	// runner-up, so a departure is absorbed by promoting it; a newcomer is
	// merged in. Only when an entry loses a winner whose runner-up is
	// unknown is the table emptied and marked dirty, and the next search
	// that settles the pool compiles it again from seg.
	tab   [][]entry
	drop  []entry
	dirty []bool
	// seg[j] holds the moves of every occupant of j in one block each
	// (a header, then one move per edge to another pool), so compiling
	// reads contiguous memory instead of chasing each occupant's edges.
	// Blocks of departed occupants are tombstoned and dropped by compile.
	seg   [][]move
	block []int32 // per left node: offset of its header in seg[assign]
}

// entry is one row of a move table: the best move (m) to pool m.j2 and
// the runner-up (key2, k2, e2). k2 is an occupant, noRunner when no other
// occupant has such a move, or unknownRunner.
type entry struct {
	m      move
	key2   int64
	k2, e2 int32
}

const (
	noRunner      = -1
	unknownRunner = -2
)

// offer merges the move (key, k, e) into x; an occupant with several
// edges to the same pool counts once, by its best.
func (x *entry) offer(key int64, k, e int32) {
	switch k { // a second edge of the same occupant to the same pool
	case x.m.k:
		if key < x.m.key {
			x.m.key, x.m.e = key, e
		}
		return
	case x.k2:
		if key < x.key2 {
			x.key2, x.e2 = key, e
		}
		if x.key2 < x.m.key {
			x.m.key, x.key2 = x.key2, x.m.key
			x.m.k, x.k2 = x.k2, x.m.k
			x.m.e, x.e2 = x.e2, x.m.e
		}
		return
	}
	switch {
	case key < x.m.key:
		x.key2, x.k2, x.e2 = x.m.key, x.m.k, x.m.e
		x.m.key, x.m.k, x.m.e = key, k, e
	case x.k2 == noRunner || (x.k2 >= 0 && key < x.key2):
		x.key2, x.k2, x.e2 = key, k, e
	}
}

// leave removes occupant k from x: alive is false when no occupant has
// the move any more, known false when the best move is now unknown.
func (x *entry) leave(k int32) (alive, known bool) {
	switch {
	case x.m.k == k:
		switch x.k2 {
		case noRunner:
			return false, true
		case unknownRunner:
			return false, false
		}
		x.m.key, x.m.k, x.m.e = x.key2, x.k2, x.e2
		x.k2 = unknownRunner
	case x.k2 == k:
		x.k2 = unknownRunner
	}
	return true, true
}

// move is one compiled pool-to-pool step: occupant k leaves for pool j2
// over edge e; the step's reduced cost is key − price[from] + price[j2].
type move struct {
	key  int64
	j2   int32
	k, e int32
}

func newState(p *Problem, pol Policy) *state {
	r := len(p.Cap)
	st := &state{
		p:      p,
		pol:    pol,
		cap:    make([]int32, r),
		occ:    make([]int32, r),
		price:  make([]int64, r),
		head:   make([]int32, r),
		assign: make([]int32, p.Left),
		aw:     make([]int64, p.Left),
		next:   make([]int32, p.Left),
		prev:   make([]int32, p.Left),
		tab:    make([][]entry, r),
		dirty:  make([]bool, r),
		drop:   make([]entry, r),
		seg:    make([][]move, r),
		block:  make([]int32, p.Left),
	}
	if pol == EquityFirst {
		st.unit = p.equityUnit()
	}
	for j, c := range p.Cap {
		if c < 0 || int(c) > p.Left {
			c = int32(p.Left)
		}
		st.cap[j] = c
		st.head[j] = -1
		st.dirty[j] = true
		st.drop[j].m.k = -1
	}
	for i := range st.assign {
		st.assign[i] = -1
	}
	return st
}

// bonus returns what the policy adds to every edge of left node i.
func (st *state) bonus(i int32) int64 {
	return bonus(st.pol, st.p.tier(int(i)), st.unit)
}

// place puts left node k into pool j with adjusted weight w.
func (st *state) place(k, j int32, w int64) {
	st.assign[k] = j
	st.aw[k] = w
	st.prev[k] = -1
	st.next[k] = st.head[j]
	if h := st.head[j]; h >= 0 {
		st.prev[h] = k
	}
	st.head[j] = k
	st.occ[j]++
	if st.cap[j] < int32(st.p.Left) { // a pool that can fill up
		st.appendBlock(j, k)
	}
	if !st.dirty[j] {
		st.merge(j, k)
	}
}

// remove takes left node k out of its pool.
func (st *state) remove(k int32) {
	j := st.assign[k]
	if p := st.prev[k]; p >= 0 {
		st.next[p] = st.next[k]
	} else {
		st.head[j] = st.next[k]
	}
	if n := st.next[k]; n >= 0 {
		st.prev[n] = st.prev[k]
	}
	st.assign[k] = -1
	st.occ[j]--
	if st.cap[j] < int32(st.p.Left) {
		st.seg[j][st.block[k]].e = -1 // tombstone
	}
	if !st.dirty[j] {
		st.depart(j, k)
	}
}

// depart updates pool j's clean table for the departure of k.
func (st *state) depart(j, k int32) {
	if alive, known := st.drop[j].leave(k); !known {
		st.invalidate(j)
		return
	} else if !alive {
		st.drop[j].m.k = -1
	}
	t := st.tab[j]
	out := 0
	for x := range t {
		alive, known := t[x].leave(k)
		if !known {
			st.invalidate(j)
			return
		}
		if alive {
			t[out] = t[x]
			out++
		}
	}
	st.tab[j] = t[:out]
}

// appendBlock records the moves of k, just seated in j, in seg[j].
func (st *state) appendBlock(j, k int32) {
	p := st.p
	sg := st.seg[j]
	if len(sg) == cap(sg) && len(sg) > 0 {
		sg = st.compact(j)
	}
	h := len(sg)
	sg = append(sg, move{key: st.aw[k], k: k, e: k})
	base := st.aw[k] - st.bonus(k)
	for e := p.Start[k]; e < p.Start[k+1]; e++ {
		if j2 := p.To[e]; j2 != j {
			sg = append(sg, move{key: base - p.Weight[e], j2: j2, k: k, e: e})
		}
	}
	sg[h].j2 = -int32(len(sg) - h) // header: minus the block length
	st.block[k] = int32(h)
	st.seg[j] = sg
}

// compact drops the tombstoned blocks of seg[j] and returns it.
func (st *state) compact(j int32) []move {
	sg := st.seg[j]
	out := 0
	for h := 0; h < len(sg); {
		n := int(-sg[h].j2)
		if sg[h].e >= 0 {
			st.block[sg[h].k] = int32(out)
			out += copy(sg[out:], sg[h:h+n])
		}
		h += n
	}
	st.seg[j] = sg[:out]
	return st.seg[j]
}

// invalidate empties pool j's move table and marks it dirty.
func (st *state) invalidate(j int32) {
	st.tab[j] = st.tab[j][:0]
	st.dirty[j] = true
}

// merge adds the moves of k, just seated in pool j, to j's clean table.
func (st *state) merge(j, k int32) {
	p := st.p
	ak := st.aw[k]
	if d := &st.drop[j]; d.m.k < 0 {
		*d = entry{m: move{key: ak, j2: -1, k: k, e: k}, k2: noRunner}
	} else {
		d.offer(ak, k, k)
	}
	base := ak - st.bonus(k)
	t := st.tab[j]
	for e := p.Start[k]; e < p.Start[k+1]; e++ {
		j2 := p.To[e]
		if j2 == j {
			continue
		}
		key := base - p.Weight[e]
		lo, hi := 0, len(t)
		for lo < hi {
			h := int(uint(lo+hi) >> 1)
			if t[h].m.j2 < j2 {
				lo = h + 1
			} else {
				hi = h
			}
		}
		if lo < len(t) && t[lo].m.j2 == j2 {
			t[lo].offer(key, k, e)
			continue
		}
		t = slices.Insert(t, lo, entry{m: move{key: key, j2: j2, k: k, e: e}, k2: noRunner})
	}
	st.tab[j] = t
}

// compile rebuilds pool j's move table from seg[j] (see state.tab).
// O(occupant edges); ties keep the earliest block and edge.
func (st *state) compile(sp *search, j int32) {
	t := st.tab[j][:0]
	sp.tstamp++
	if sp.tstamp == 0 {
		clear(sp.tmark)
		sp.tstamp = 1
	}
	ts := sp.tstamp
	d := entry{m: move{k: -1}, k2: noRunner}
	for _, m := range st.compact(j) {
		if m.j2 < 0 { // header of occupant m.k
			if d.m.k < 0 {
				d.m = move{key: m.key, j2: -1, k: m.k, e: m.k}
			} else {
				d.offer(m.key, m.k, m.k)
			}
			continue
		}
		j2 := m.j2
		if sp.tmark[j2] != ts {
			sp.tmark[j2] = ts
			sp.tpos[j2] = int32(len(t))
			t = append(t, entry{m: m, k2: noRunner})
		} else {
			t[sp.tpos[j2]].offer(m.key, m.k, m.e)
		}
	}
	slices.SortFunc(t, func(a, b entry) int { return cmp.Compare(a.m.j2, b.m.j2) })
	st.tab[j], st.drop[j], st.dirty[j] = t, d, false
}

// search is one worker's Dijkstra scratch space, sized to the right nodes.
type search struct {
	dist     []int64
	predLeft []int32 // left node whose edge reached the pool
	predEdge []int32 // that edge
	mark     []uint32
	epoch    uint32 // mark[j] == epoch: reached; epoch+1: settled
	heap     []item
	settled  []int32
	tmark    []uint32 // compile scratch: tmark[j2] == tstamp: in table at tpos[j2]
	tpos     []int32
	tstamp   uint32
}

type item struct {
	d int64
	j int32
}

func newSearch(r int) *search {
	return &search{
		dist:     make([]int64, r),
		predLeft: make([]int32, r),
		predEdge: make([]int32, r),
		mark:     make([]uint32, r),
		tmark:    make([]uint32, r),
		tpos:     make([]int32, r),
	}
}

// checkEvery is how many node additions or heap pops pass between checks
// of ctx.
const checkEvery = 1024

// solveComponent adds the component's left nodes one by one.
func (st *state) solveComponent(ctx context.Context, sp *search, nodes []int32, tick func(int)) error {
	// Heaviest first (EquityFirst: highest tier first, then heaviest), ties
	// by index. Any order reaches the optimum; this one keeps searches
	// short: early nodes mostly find free seats, and a later node's search
	// is bounded by its own best value, which is small.
	nodes = slices.Clone(nodes)
	key := make([]int64, 0, len(nodes))
	for _, i := range nodes {
		var m int64
		for e := st.p.Start[i]; e < st.p.Start[i+1]; e++ {
			m = max(m, st.p.Weight[e])
		}
		key = append(key, m+st.bonus(i))
	}
	idx := make([]int32, len(nodes))
	for k := range idx {
		idx[k] = int32(k)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if key[a] != key[b] {
			return cmp.Compare(key[b], key[a])
		}
		return cmp.Compare(nodes[a], nodes[b])
	})
	ordered := make([]int32, len(nodes))
	for k, x := range idx {
		ordered[k] = nodes[x]
	}
	nodes = ordered
	done := ctx.Done()
	for n, i := range nodes {
		if n%checkEvery == checkEvery-1 {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
			tick(checkEvery)
		}
		if !st.add(sp, i, done) {
			return ctx.Err()
		}
	}
	tick(len(nodes) % checkEvery)
	return nil
}

// Terminal kinds of an augmenting path.
const (
	termSelf = iota // the new node stays unassigned
	termPool        // a free seat
	termDrop        // an occupant is unassigned
)

// add inserts left node i and restores optimality by one shortest
// augmenting path. It returns false only when done is closed mid-search.
func (st *state) add(sp *search, i int32, done <-chan struct{}) bool {
	p := st.p
	lo, hi := p.Start[i], p.Start[i+1]
	bi := st.bonus(i)
	// u0: the best net value of i (ties: lowest pool), or 0 when no edge
	// is worth more than staying unassigned.
	var u0 int64
	bestE := int32(-1)
	for e := lo; e < hi; e++ {
		v := p.Weight[e] + bi - st.price[p.To[e]]
		if v > u0 || (v == u0 && bestE >= 0 && p.To[e] < p.To[bestE]) {
			u0, bestE = v, e
		}
	}
	if bestE < 0 {
		return true // every option is worth ≤ 0: stays unassigned with u = 0
	}
	if j := p.To[bestE]; st.occ[j] < st.cap[j] {
		st.place(i, j, p.Weight[bestE]+bi) // tight edge, pool price is 0
		return true
	}

	// Dijkstra over pools from i. Distances are reduced costs, ≥ 0.
	sp.epoch += 2
	if sp.epoch < 2 { // wrapped: clear marks
		clear(sp.mark)
		sp.epoch = 2
	}
	ep := sp.epoch
	sp.heap = sp.heap[:0]
	sp.settled = sp.settled[:0]
	best, kind, termAt := u0, termSelf, i // Δ and where it is reached
	relax := func(j int32, d int64, k, e int32) {
		if d >= best {
			return
		}
		switch m := sp.mark[j]; {
		case m == ep+1:
			return
		case m == ep && sp.dist[j] <= d:
			return
		}
		sp.mark[j] = ep
		sp.dist[j], sp.predLeft[j], sp.predEdge[j] = d, k, e
		sp.push(item{d, j})
	}
	for e := lo; e < hi; e++ {
		j := p.To[e]
		relax(j, u0+st.price[j]-p.Weight[e]-bi, i, e)
	}
	pops := 0
	for len(sp.heap) > 0 {
		it := sp.pop()
		j, d := it.j, it.d
		if sp.mark[j] != ep || sp.dist[j] != d {
			continue // stale or settled
		}
		if d >= best {
			break
		}
		if pops++; pops%checkEvery == 0 {
			select {
			case <-done:
				return false
			default:
			}
		}
		if st.occ[j] < st.cap[j] {
			best, kind, termAt = d, termPool, j
			break
		}
		sp.mark[j] = ep + 1
		sp.settled = append(sp.settled, j)
		if st.dirty[j] {
			st.compile(sp, j)
		}
		pj := st.price[j]
		if dr := &st.drop[j].m; dr.k >= 0 && d+dr.key-pj < best {
			best, kind, termAt = d+dr.key-pj, termDrop, dr.k
		}
		base := d - pj
		for x := range st.tab[j] {
			m := &st.tab[j][x].m
			relax(m.j2, base+m.key+st.price[m.j2], m.k, m.e)
		}
	}

	// Dual update: settled pools rise by Δ − d; occupants' u follow
	// implicitly; i's u becomes u0 − Δ.
	for _, j := range sp.settled {
		st.price[j] += best - sp.dist[j]
	}
	// Augment.
	var j int32
	switch kind {
	case termSelf:
		return true
	case termPool:
		j = termAt
	case termDrop:
		j = st.assign[termAt]
		st.remove(termAt)
	}
	for {
		k, e := sp.predLeft[j], sp.predEdge[j]
		old := st.assign[k]
		if old >= 0 {
			st.remove(k)
		}
		st.place(k, j, p.Weight[e]+st.bonus(k))
		if k == i {
			return true
		}
		j = old
	}
}

func (sp *search) push(it item) {
	h := append(sp.heap, it)
	c := len(h) - 1
	for c > 0 {
		par := (c - 1) / 2
		if !less(h[c], h[par]) {
			break
		}
		h[c], h[par] = h[par], h[c]
		c = par
	}
	sp.heap = h
}

func (sp *search) pop() item {
	h := sp.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	c := 0
	for {
		l := 2*c + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(h[r], h[l]) {
			m = r
		}
		if !less(h[m], h[c]) {
			break
		}
		h[c], h[m] = h[m], h[c]
		c = m
	}
	sp.heap = h
	return top
}

func less(a, b item) bool { return a.d < b.d || (a.d == b.d && a.j < b.j) }

// result collects the assignment with true weights.
func (st *state) result() Result {
	p := st.p
	res := Result{Assign: st.assign}
	for i, j := range st.assign {
		if j < 0 {
			continue
		}
		res.Total += st.aw[i] - st.bonus(int32(i))
		res.Objective += st.aw[i]
		res.Served[p.tier(i)]++
	}
	return res
}
