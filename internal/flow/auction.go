package flow

import (
	"context"
	"math"
)

// auction solves components by ε-scaling auction with similar objects
// (Bertsekas–Castañón), taken to exact optimality by integer scaling.
// Solve does not use it (see the package documentation: its reverse
// repair turns into a price war on contested instances); the tests run it
// beside shortest paths as a second exact method.
//
// Model. Every weight is multiplied by scale = 2·Left+1 (a = w'·scale).
// Left node i holds a profit λ[i]; right node j a price P[j] and a heap of
// its occupants keyed by the price each one pays (key = a − λ). ε-CS, kept
// after every step:
//
//	λ[i] ≥ a(i,j) − P[j] − ε  for every edge          (nobody envies by > ε)
//	λ[i] ≥ −ε; a bypassed (unassigned) node has λ[i] = −ε
//	key ≥ P[j] − ε for every occupant; λ + key = a on the assigned edge
//	P[j] ≥ 0, and P[j] = 0 when j has a free seat (checked at phase end)
//
// With u = λ+ε and P as duals of the b-matching LP these give
// total ≥ optimum − 2·Left·ε, so at ε = 1 the scaled total is within
// 2·Left < scale of the optimum: the assignment is exactly optimal.
//
// A phase forgets the assignment, keeps prices, and runs forward bids from
// a FIFO queue (a bidder offers its best minus second-best plus ε, evicting
// the cheapest occupant of a full pool) until every node is placed or
// bypassed. Pools that kept a price but not all seats then bid in reverse
// (taking the candidate that would pay most, at the second-highest offer
// minus ε, or dropping the price to 0), which only raises profits and
// lowers prices, so it terminates and restores the free-seat condition.
type auction struct {
	p     *Problem
	pol   Policy
	unit  int64   // EquityFirst: S+1
	cap   []int32 // effective capacity: min(Cap, degree)
	cnt   []int32
	price []int64
	hoff  []int32 // heap segment of pool j: hoff[j] .. hoff[j]+cap[j]
	hl    []int32 // occupant (left node) per heap slot
	hk    []int64 // its key
	tOff  []int32 // transpose: candidates of pool j are tL/tE[tOff[j]:tOff[j+1]]
	tL    []int32
	tE    []int32

	assign []int32 // pool, or -1 (bypassed / none)
	lambda []int64
	hpos   []int32 // slot of an assigned node inside its pool's heap
	queued []bool  // scratch for restart
}

func newAuction(p *Problem, pol Policy) *auction {
	r := len(p.Cap)
	a := &auction{
		p: p, pol: pol,
		cap:    make([]int32, r),
		cnt:    make([]int32, r),
		price:  make([]int64, r),
		hoff:   make([]int32, r),
		tOff:   make([]int32, r+1),
		tL:     make([]int32, len(p.To)),
		tE:     make([]int32, len(p.To)),
		assign: make([]int32, p.Left),
		lambda: make([]int64, p.Left),
		hpos:   make([]int32, p.Left),
		queued: make([]bool, p.Left),
	}
	if pol == EquityFirst {
		a.unit = p.equityUnit()
	}
	for _, j := range p.To {
		a.tOff[j+1]++
	}
	var slots int32
	for j, c := range p.Cap {
		deg := a.tOff[j+1]
		if c < 0 || c > deg {
			c = deg
		}
		a.cap[j] = c
		if c == 0 {
			a.price[j] = closed // nobody bids on a closed pool
		}
		a.hoff[j] = slots
		slots += c
		a.tOff[j+1] += a.tOff[j]
	}
	a.hl = make([]int32, slots)
	a.hk = make([]int64, slots)
	fill := make([]int32, r)
	copy(fill, a.tOff[:r])
	for i := 0; i < p.Left; i++ {
		a.assign[i] = -1
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			j := p.To[e]
			a.tL[fill[j]], a.tE[fill[j]] = int32(i), e
			fill[j]++
		}
	}
	return a
}

// closed is the price of a pool without seats: above any scaled weight
// (Validate keeps those below 2^60), so no bid ever reaches it.
const closed = int64(1) << 61

// worker scratch for the auction.
type auctionScratch struct {
	queue []int32
	pools []int32  // pools of the current component
	mark  []uint32 // component marker per pool
	epoch uint32
	work  []int32
}

func newAuctionScratch(r int) *auctionScratch {
	return &auctionScratch{mark: make([]uint32, r)}
}

// heap helpers over pool j's segment; order (key, left index).
func (a *auction) hless(x, y int32) bool {
	return a.hk[x] < a.hk[y] || (a.hk[x] == a.hk[y] && a.hl[x] < a.hl[y])
}

func (a *auction) hswap(x, y int32) {
	a.hl[x], a.hl[y] = a.hl[y], a.hl[x]
	a.hk[x], a.hk[y] = a.hk[y], a.hk[x]
	a.hpos[a.hl[x]] = x
	a.hpos[a.hl[y]] = y
}

func (a *auction) up(base, c int32) {
	for c > 0 {
		par := (c - 1) / 2
		if !a.hless(base+c, base+par) {
			return
		}
		a.hswap(base+c, base+par)
		c = par
	}
}

func (a *auction) down(base, c, n int32) {
	for {
		l := 2*c + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && a.hless(base+r, base+l) {
			m = r
		}
		if !a.hless(base+m, base+c) {
			return
		}
		a.hswap(base+c, base+m)
		c = m
	}
}

// insert seats left node i in pool j paying key.
func (a *auction) insert(j, i int32, key int64) {
	base, n := a.hoff[j], a.cnt[j]
	a.hl[base+n], a.hk[base+n] = i, key
	a.hpos[i] = base + n
	a.cnt[j] = n + 1
	a.assign[i] = j
	a.up(base, n)
}

// removeAt takes the occupant at heap slot s out of pool j.
func (a *auction) removeAt(j, s int32) int32 {
	base := a.hoff[j]
	n := a.cnt[j] - 1
	i := a.hl[s]
	a.cnt[j] = n
	a.assign[i] = -1
	if s != base+n {
		a.hswap(s, base+n)
		c := s - base
		a.down(base, c, n)
		a.up(base, c)
	}
	return i
}

// fullPrice sets the price of a full pool to the most its occupants allow.
func (a *auction) fullPrice(j int32, eps int64) {
	if a.cap[j] > 0 {
		a.price[j] = a.hk[a.hoff[j]] + eps
	}
}

// solveComponent runs the ε-scaling phases for one component.
func (a *auction) solveComponent(ctx context.Context, sc *auctionScratch, nodes []int32, tick func(int)) error {
	p := a.p
	scale := 2*int64(len(nodes)) + 1
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.mark)
		sc.epoch = 1
	}
	sc.pools = sc.pools[:0]
	var maxA, maxW int64
	for _, i := range nodes {
		b := bonus(a.pol, p.tier(int(i)), a.unit)
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			maxW = max(maxW, p.Weight[e])
			maxA = max(maxA, (p.Weight[e]+b)*scale)
			if j := p.To[e]; sc.mark[j] != sc.epoch {
				sc.mark[j] = sc.epoch
				sc.pools = append(sc.pools, j)
			}
		}
	}
	eps := max(maxW*scale>>epsShift, 1)
	done := ctx.Done()
	phases := int(math.Ceil(math.Log(float64(max(maxA, 2)))/math.Log(alpha))) + 1
	ticked := 0
	for phase := 0; ; phase++ {
		if err := a.phase(sc, nodes, scale, eps, phase == 0, done); err != nil {
			return ctx.Err()
		}
		if phaseHook != nil {
			phaseHook(a, nodes, scale, eps)
		}
		if t := len(nodes) * min(phase+1, phases) / phases; t > ticked {
			tick(t - ticked)
			ticked = t
		}
		if eps == 1 {
			break
		}
		eps = max(eps/alpha, 1)
	}
	tick(len(nodes) - ticked)
	return nil
}

// errStopped signals a closed done channel inside a phase.
var errStopped = context.Canceled

// restart keeps the previous phase's assignment and queues only the nodes
// that break ε-CS at the new, smaller ε: occupants paying less than their
// pool's price − ε, and nodes that envy another option by more than ε.
// Full pools then get the highest price their occupants allow, which a
// forward bid needs (it must exceed the cheapest occupant's key).
func (a *auction) restart(sc *auctionScratch, nodes []int32, scale, eps int64) {
	p := a.p
	sc.queue = sc.queue[:0]
	for _, j := range sc.pools {
		base := a.hoff[j]
		for a.cnt[j] > 0 && a.hk[base] < a.price[j]-eps {
			k := a.removeAt(j, base)
			a.queued[k] = true
			sc.queue = append(sc.queue, k)
		}
		if a.cnt[j] == a.cap[j] {
			a.fullPrice(j, eps)
		}
	}
	for _, i := range nodes {
		if a.queued[i] {
			continue
		}
		own := a.assign[i]
		if own < 0 {
			a.lambda[i] = -eps
		}
		lam := a.lambda[i]
		ok := lam >= -eps
		if ok {
			b := bonus(a.pol, p.tier(int(i)), a.unit)
			for e := p.Start[i]; e < p.Start[i+1]; e++ {
				if j := p.To[e]; j != own && (p.Weight[e]+b)*scale-a.price[j]-eps > lam {
					ok = false
					break
				}
			}
		}
		if !ok {
			if own >= 0 {
				a.removeAt(own, a.hpos[i])
			}
			sc.queue = append(sc.queue, i)
		}
	}
	for _, k := range sc.queue {
		a.queued[k] = false
	}
}

// phase runs one forward pass and the reverse repair at ε = eps.
func (a *auction) phase(sc *auctionScratch, nodes []int32, scale, eps int64, first bool, done <-chan struct{}) error {
	p := a.p
	if first {
		for _, j := range sc.pools {
			a.cnt[j] = 0
		}
		sc.queue = append(sc.queue[:0], nodes...)
		for _, i := range nodes {
			a.assign[i] = -1
		}
	} else {
		a.restart(sc, nodes, scale, eps)
	}
	ops := 0
	for q := 0; q < len(sc.queue); q++ {
		if ops++; ops%checkEvery == 0 {
			select {
			case <-done:
				return errStopped
			default:
			}
		}
		i := sc.queue[q]
		b := bonus(a.pol, p.tier(int(i)), a.unit)
		bestV, secondV := int64(0), -closed
		bestE := int32(-1)
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			v := (p.Weight[e]+b)*scale - a.price[p.To[e]]
			if v > bestV {
				secondV = bestV
				bestV, bestE = v, e
			} else if v > secondV {
				secondV = v
			}
		}
		if bestE < 0 {
			a.lambda[i] = -eps // bypass
			continue
		}
		j := p.To[bestE]
		lam := secondV - eps
		a.lambda[i] = lam
		key := (p.Weight[bestE]+b)*scale - lam
		if a.cnt[j] < a.cap[j] {
			a.insert(j, i, key)
			if a.cnt[j] == a.cap[j] {
				a.fullPrice(j, eps)
			}
			continue
		}
		k := a.replaceMin(j, i, key) // the cheapest occupant leaves
		sc.queue = append(sc.queue, k)
		a.fullPrice(j, eps)
		if len(sc.queue) > 4*len(nodes) && q > len(sc.queue)/2 {
			// Compact the processed prefix so the queue stays bounded.
			n := copy(sc.queue, sc.queue[q+1:])
			sc.queue = sc.queue[:n]
			q = -1
		}
	}

	// Reverse repair: pools with a price and a free seat.
	sc.work = sc.work[:0]
	if eps > 1 {
		// Before the last phase the state only seeds the next one, whose
		// restart requeues every node that envies a repriced pool.
		for _, j := range sc.pools {
			if a.cnt[j] < a.cap[j] {
				a.price[j] = 0
			}
		}
		return nil
	}
	for _, j := range sc.pools {
		if a.cnt[j] < a.cap[j] && a.price[j] > 0 {
			sc.work = append(sc.work, j)
		}
	}
	for w := 0; w < len(sc.work); w++ {
		if ops++; ops%checkEvery == 0 {
			select {
			case <-done:
				return errStopped
			default:
			}
		}
		j := sc.work[w]
		if a.cnt[j] >= a.cap[j] || a.price[j] == 0 {
			continue
		}
		beta, beta2 := -closed, -closed // below any offer; no overflow when ε is subtracted
		bestL, bestE := int32(-1), int32(-1)
		for t := a.tOff[j]; t < a.tOff[j+1]; t++ {
			l := a.tL[t]
			k := a.assign[l]
			if k == j {
				continue
			}
			if k >= 0 {
				// An occupant paying more than its pool's price + ε would
				// envy its own pool once pulled out; let it pay just that.
				s := a.hpos[l]
				if over := a.hk[s] - a.price[k] - eps; over > 0 {
					a.lambda[l] += over
					a.hk[s] -= over
					a.up(a.hoff[k], s-a.hoff[k])
				}
			}
			e := a.tE[t]
			v := (p.Weight[e]+bonus(a.pol, p.tier(int(l)), a.unit))*scale - a.lambda[l]
			if v > beta {
				beta2 = beta
				beta, bestL, bestE = v, l, e
			} else if v > beta2 {
				beta2 = v
			}
		}
		// Taking bestL at newP ≤ beta − ε raises its profit by ≥ ε and
		// leaves it content with all its other options.
		if bestL < 0 || beta <= eps {
			a.price[j] = 0
			continue
		}
		newP := max(beta2-eps, 0)
		if k := a.assign[bestL]; k >= 0 {
			a.removeAt(k, a.hpos[bestL])
			if a.price[k] > 0 {
				sc.work = append(sc.work, k)
			}
		}
		a.lambda[bestL] = (p.Weight[bestE]+bonus(a.pol, p.tier(int(bestL)), a.unit))*scale - newP
		a.price[j] = newP
		a.insert(j, bestL, newP)
		if a.cnt[j] == a.cap[j] {
			a.fullPrice(j, eps)
		} else {
			sc.work = append(sc.work, j)
		}
		if len(sc.work) > 4*len(sc.pools)+16 && w > len(sc.work)/2 {
			n := copy(sc.work, sc.work[w+1:])
			sc.work = sc.work[:n]
			w = -1
		}
	}
	return nil
}

// replaceMin seats i in the full pool j in place of its cheapest occupant
// and returns that occupant. The caller guarantees key > the cheapest key
// (a full pool's price is its cheapest key + ε and bids exceed the price).
func (a *auction) replaceMin(j, i int32, key int64) int32 {
	base := a.hoff[j]
	k := a.hl[base]
	a.assign[k] = -1
	a.hl[base], a.hk[base] = i, key
	a.hpos[i] = base
	a.assign[i] = j
	a.down(base, 0, a.cnt[j])
	return k
}

// result collects the assignment with true weights.
func (a *auction) result() Result {
	p := a.p
	res := Result{Assign: a.assign}
	for i, j := range a.assign {
		if j < 0 {
			continue
		}
		var w int64
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			if p.To[e] == j {
				w = max(w, p.Weight[e])
			}
		}
		res.Total += w
		res.Objective += w + bonus(a.pol, p.tier(i), a.unit)
		res.Served[p.tier(i)]++
	}
	return res
}

var phaseHook func(a *auction, nodes []int32, scale, eps int64)

// Scaling schedule, chosen by measurement on the 300,000-node benchmark:
// start at ε = scale·maxW/2^16 (a fraction of one weight unit, since
// scores are fine-grained) and divide by 8 per phase. Starting at the
// largest weight instead took 6–25× longer: early coarse phases overprice
// pools that then stay half-empty.
const (
	epsShift = 16
	alpha    = 8
)
