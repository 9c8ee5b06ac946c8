package transit

import (
	"cmp"
	"slices"
)

// linkBlocks sets each trip's continuation from the trips' blocks (block
// indexes, -1 for none): among the trips of one block and one service
// that run on a timetable (not frequencies.txt) and call at two stops or
// more, ordered by first departure then feed order, a trip continues as
// the next one when that one leaves from the trip's last stop no earlier
// than the trip arrives there. O(T log T) in the trips T.
func (n *Network) linkBlocks(block []int32) {
	var ts []int32
	for t, b := range block {
		if b >= 0 && n.callStart[t+1]-n.callStart[t] >= 2 && n.freqStart[t+1] == n.freqStart[t] {
			ts = append(ts, int32(t))
		}
	}
	if len(ts) < 2 {
		return
	}
	first := func(t int32) call { return n.calls[n.callStart[t]] }
	last := func(t int32) call { return n.calls[n.callStart[t+1]-1] }
	slices.SortFunc(ts, func(a, b int32) int {
		return cmp.Or(cmp.Compare(block[a], block[b]), cmp.Compare(n.tripSvc[a], n.tripSvc[b]),
			cmp.Compare(first(a).t, first(b).t), cmp.Compare(a, b))
	})
	for i := 1; i < len(ts); i++ {
		a, b := ts[i-1], ts[i]
		if block[a] != block[b] || n.tripSvc[a] != n.tripSvc[b] {
			continue
		}
		if first(b).stop == last(a).stop && first(b).t >= last(a).arr {
			if n.cont == nil {
				n.cont = make([]int32, len(block))
				for t := range n.cont {
					n.cont[t] = -1
				}
			}
			n.cont[a] = b
			n.nCont++
		}
	}
}

// continuation returns the trip that trip t continues as, or -1.
func (n *Network) continuation(t int32) int32 {
	if n.cont == nil {
		return -1
	}
	return n.cont[t]
}

// linkContinuations maps each pattern trip to the pattern trip its
// vehicle continues as. Only timetabled trips have continuations, and
// each appears in exactly one pattern.
func (r *Router) linkContinuations() {
	if r.n.cont == nil {
		return
	}
	at := make([]stopPat, len(r.n.tripSvc)) // original trip → pattern, trip in it
	for pi, p := range r.pats {
		for j, t := range r.tripOf[p.trip0 : p.trip0+p.nTrips] {
			at[t] = stopPat{pat: int32(pi), pos: int32(j)}
		}
	}
	r.cont = make([]stopPat, len(r.tripOf))
	for pt, t := range r.tripOf {
		r.cont[pt] = stopPat{pat: -1}
		if c := r.n.continuation(t); c >= 0 {
			r.cont[pt] = at[c]
		}
	}
}

// resetSeats readies sc's continuation state for nSh shifts per service.
func (r *Router) resetSeats(sc *scratch, nSh int32) {
	for _, i := range sc.seatTouched {
		sc.seatRound[i] = 0
	}
	K2 := 2 * int32(len(sc.ride))
	for _, i := range sc.reachTouched {
		clear(sc.reach[i*K2 : (i+1)*K2])
	}
	sc.seatTouched, sc.reachTouched = sc.seatTouched[:0], sc.reachTouched[:0]
	sc.seatQ, sc.seats = sc.seatQ[:0], sc.seats[:0]
	if nSh > sc.nSh {
		sc.seatRound = make([]int32, int(nSh)*len(r.tripOf))
		sc.reach = make([]int32, int(nSh)*len(r.pats)*int(K2))
	}
	sc.nSh = max(sc.nSh, nSh)
}

// reachFrom enters the continuations of the trips of pattern pi (shift si,
// sh seconds) a rider of round k can board before its last stop: trip m,
// the earliest, and every later one (a rider may wait for it). Those an
// earlier round or an earlier scan entered are left out.
func (r *Router) reachFrom(sc *scratch, k int, pi, m, si, sh int32) {
	p := &r.pats[pi]
	row := sc.reachRow(pi, si)
	prev := earliest(row[:len(row)/2], k, p.nTrips)
	if m >= prev {
		return
	}
	row[k] = m + 1
	T := p.nTrips
	arr := r.arr[p.time0+(p.nStops-1)*T : p.time0+p.nStops*T]
	for j := m; j < prev; j++ {
		// Later trips arrive no earlier: past the bound, so do their
		// continuations.
		if arr[j]+sh >= sc.bound {
			break
		}
		r.continueFrom(sc, k, pi, j, si, sh, -1)
	}
}

// reachRow returns the reach row of pattern pi in shift si, marking it
// touched.
func (sc *scratch) reachRow(pi, si int32) []int32 {
	K2 := 2 * int32(len(sc.ride))
	ri := pi*sc.nSh + si
	row := sc.reach[ri*K2 : (ri+1)*K2]
	if !slices.ContainsFunc(row, func(v int32) bool { return v != 0 }) {
		sc.reachTouched = append(sc.reachTouched, ri)
	}
	return row
}

// earliest returns the earliest trip a reach row's rounds up to k hold,
// or none when they hold none.
func earliest(rounds []int32, k int, none int32) int32 {
	e := none
	for _, v := range rounds[:k+1] {
		if v != 0 {
			e = min(e, v-1)
		}
	}
	return e
}

// continueFrom enters, for round k, the continuation of trip j of pattern
// pi (shift si, sh seconds) for a rider on it through its last stop; rec
// is the seats record of how the rider reached j seated, -1 when they
// boarded it.
func (r *Router) continueFrom(sc *scratch, k int, pi, j, si, sh, rec int32) {
	c := r.cont[r.pats[pi].trip0+j]
	if c.pat < 0 {
		return
	}
	q := &r.pats[c.pat]
	dep := r.dep[q.time0+c.pos] + sh
	if dep >= sc.bound {
		return
	}
	// A rider of round k−1 ready to board there in time got the same
	// trip, or an earlier one, and its continuations, in a scan of round
	// k or earlier (that label's stop was marked, the pattern scanned).
	if !r.noPick[q.stop0] && sc.ready[k-1][r.patStops[q.stop0]] <= dep {
		return
	}
	i := (q.trip0+c.pos)*sc.nSh + si
	switch s := sc.seatRound[i]; {
	case s != 0 && s <= int32(k):
		return
	case s == 0:
		sc.seatTouched = append(sc.seatTouched, i)
	}
	sc.seatRound[i] = int32(k)
	next := int32(-1)
	if sc.parents {
		sc.seats = append(sc.seats, seatRec{pat: pi, trip: j, shift: sh, round: int32(k), prev: rec})
		next = int32(len(sc.seats) - 1)
	}
	sc.seatQ = append(sc.seatQ, seatEntry{pat: c.pat, trip: c.pos, si: si, rec: next})
}

// scanSeated rides the trip of e from its first stop for riders who
// stayed on board, improving round k's ride labels, then enters its own
// continuation. When an earlier trip of the pattern was ridden seated in
// round k or before, it arrives no later anywhere: only the continuation
// is new.
func (r *Router) scanSeated(sc *scratch, k int, e seatEntry) {
	p := &r.pats[e.pat]
	T, n := p.nTrips, p.nStops
	sh := sc.shifts[p.svc][e.si]
	row := sc.reachRow(e.pat, e.si)
	seated := row[len(row)/2:]
	if earliest(seated, k, p.nTrips) < e.trip {
		r.continueFrom(sc, k, e.pat, e.trip, e.si, sh, e.rec)
		return
	}
	if v := seated[k]; v == 0 || e.trip < v-1 {
		seated[k] = e.trip + 1
	}
	ride := sc.ride[k]
	for i := int32(1); i < n; i++ {
		a := r.arr[p.time0+i*T+e.trip] + sh
		if a >= sc.bound {
			if p.monotone {
				return
			}
			continue
		}
		s := r.patStops[p.stop0+i]
		if r.noDrop[p.stop0+i] || a >= ride[s] {
			continue
		}
		sc.label(k, s, a, rideParent{pat: e.pat, trip: e.trip, board: 0, alight: i, shift: sh, round: int32(k), seat: e.rec + 1})
	}
	r.continueFrom(sc, k, e.pat, e.trip, e.si, sh, e.rec)
}
