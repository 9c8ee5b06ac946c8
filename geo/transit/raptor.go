package transit

import (
	"context"
	"math"
	"time"
)

const inf = int32(math.MaxInt32)

// rideParent says how a ride label was reached: on pattern pat's trip
// boarded at position board and left at alight, in round round. When
// seat > 0 the rider did not board: they stayed on from the ride
// scratch.seats[seat-1] as the vehicle continued as this trip (board 0).
type rideParent struct {
	pat, trip, board, alight, shift int32
	round                           int32
	seat                            int32
}

// seatEntry is a pattern trip a rider reached staying on board: trip of
// pattern pat in shift sc.shifts[svc][si], with the ride that led there
// (index in scratch.seats, -1 when parents are not kept).
type seatEntry struct{ pat, trip, si, rec int32 }

// seatRec is a ride a rider stayed on through its last stop: pattern
// pat's trip shifted by shift, in round round; boarded from a ready label
// of round−1 when prev < 0, else itself reached seated from the ride
// scratch.seats[prev] (and so ridden from position 0).
type seatRec struct{ pat, trip, shift, round, prev int32 }

// readyParent says how a ready-to-board label was reached: by a transfer
// from the ride label of stop from in round round, or (from < 0) on foot
// from the origin.
type readyParent struct {
	from, round int32
}

// scratch is the per-query state of RAPTOR, reused through a sync.Pool.
// ride[k][s] is the earliest arrival at s by a ride with at most k rides;
// ready[k][s] the earliest time a rider with at most k rides done can
// board at s (access walk for k = 0; after a transfer for k ≥ 1).
type scratch struct {
	ride, ready [][]int32
	rideP       [][]rideParent
	readyP      [][]readyParent
	marked      []bool
	markList    []int32
	improved    []bool
	impList     []int32
	queue       []int32 // per pattern: earliest marked position, -1 when not queued
	queueHi     []int32 // per pattern: latest marked position, when queued
	qList       []int32
	shifts      [][]int32 // per service: seconds from the query day's start to the running days' starts
	tmin        int32     // earliest departure of the query, seconds
	bound       int32     // target pruning: labels at or past it are useless
	egress      []StopWalk
	parents     bool // keep rideP and readyP (for journeys; a range query needs none)

	// chRide[k] lists the stops whose ride[k] label changed since round
	// k+1 last copied it (inRide[k] flags them); chReady likewise. A
	// round copies only those, so its cost follows the stops touched.
	chRide, chReady [][]int32
	inRide, inReady [][]bool

	// Range output: per stop, the label in force (cur, inf when none)
	// since minute top; row is its row in the profile or -1; seen lists
	// the stops with cur or row set.
	cur, top, row []int32
	seen          []int32
	buf           []uint16 // the profile's rows while they are written

	// Boarding events of a range query: evSP[evStart[m]:evStart[m+1]]
	// are the patterns at origin stops (indexes in Router.sp) where a trip
	// becomes catchable at minute m; evPairs is scratch for building them.
	evStart []int32
	evSP    []int32
	evPairs [][2]int32

	// Stay-on-board continuations (Router.cont), for nSh shifts per
	// service: seatRound[pt*nSh+si] is the lowest round in which pattern
	// trip pt of shift si was reached seated, 0 for none;
	// reach[(pat*nSh+si)*2(K+1)+k] is 1 + the earliest trip of the pattern
	// and shift whose continuations round k entered, 0 for none, and
	// reach[…+K+1+k] 1 + the earliest one round k rode seated. They only
	// decrease while labels persist (a query, or a range query's minutes),
	// so an entry they cover is dominated. The touched lists reset them.
	nSh                       int32
	seatRound, reach          []int32
	seatTouched, reachTouched []int32
	seatQ, seatCur            []seatEntry // entries of the round not yet scanned
	seats                     []seatRec   // when parents are kept
}

func (r *Router) newScratch() any {
	ns, K := len(r.n.stops), r.maxRounds
	sc := &scratch{
		ride: make([][]int32, K+1), ready: make([][]int32, K+1),
		rideP: make([][]rideParent, K+1), readyP: make([][]readyParent, K+1),
		marked: make([]bool, ns), improved: make([]bool, ns),
		queue: make([]int32, len(r.pats)), queueHi: make([]int32, len(r.pats)),
		shifts: make([][]int32, len(r.n.services)),
		chRide: make([][]int32, K+1), chReady: make([][]int32, K+1),
		inRide: make([][]bool, K+1), inReady: make([][]bool, K+1),
		cur: make([]int32, ns), top: make([]int32, ns), row: make([]int32, ns),
	}
	for k := range K + 1 {
		sc.ride[k] = make([]int32, ns)
		sc.ready[k] = make([]int32, ns)
		sc.rideP[k] = make([]rideParent, ns)
		sc.readyP[k] = make([]readyParent, ns)
		sc.inRide[k] = make([]bool, ns)
		sc.inReady[k] = make([]bool, ns)
	}
	fill(sc.cur)
	for i := range sc.row {
		sc.row[i] = -1
	}
	for i := range sc.queue {
		sc.queue[i] = -1
	}
	return sc
}

// reset clears the labels and fixes the service days for departures from
// t0 to t1 seconds after the start of service day day.
func (r *Router) reset(sc *scratch, day, t0, t1 int32) {
	for k := range sc.ride {
		fill(sc.ride[k])
		fill(sc.ready[k])
		for _, s := range sc.chRide[k] {
			sc.inRide[k][s] = false
		}
		for _, s := range sc.chReady[k] {
			sc.inReady[k][s] = false
		}
		sc.chRide[k], sc.chReady[k] = sc.chRide[k][:0], sc.chReady[k][:0]
	}
	for _, s := range sc.seen {
		sc.cur[s], sc.row[s] = inf, -1
	}
	sc.seen = sc.seen[:0]
	// A query cut short (ctx done) may leave marks behind.
	for _, s := range sc.markList {
		sc.marked[s] = false
	}
	for _, s := range sc.impList {
		sc.improved[s] = false
	}
	for _, p := range sc.qList {
		sc.queue[p] = -1
	}
	sc.markList, sc.impList, sc.qList = sc.markList[:0], sc.impList[:0], sc.qList[:0]
	sc.tmin, sc.bound, sc.egress, sc.parents = t0, inf, nil, true
	base := r.n.dayBase(day)
	kmin := (t0-r.maxTime)/dayS - 2
	kmax := t1/dayS + 2
	if r.cont != nil {
		r.resetSeats(sc, kmax-kmin+1)
	}
	for s := range sc.shifts {
		sc.shifts[s] = sc.shifts[s][:0]
	}
	for k := kmin; k <= kmax; k++ {
		sh := int32(r.n.dayBase(day+k).Sub(base) / time.Second)
		for s := range sc.shifts {
			if r.n.runs(int32(s), day+k) {
				sc.shifts[s] = append(sc.shifts[s], sh)
			}
		}
	}
}

func fill(a []int32) {
	for i := range a {
		a[i] = inf
	}
}

// access sets the round-0 labels of origins departing at t.
func (r *Router) access(sc *scratch, origins []StopWalk, t int32) {
	for _, o := range origins {
		v := t + int32(o.Walk/time.Second)
		if v < sc.ready[0][o.Stop] && v < sc.bound {
			sc.ready[0][o.Stop] = v
			if sc.parents {
				sc.readyP[0][o.Stop] = readyParent{from: -1}
			}
			sc.mark(int32(o.Stop))
			sc.changedReady(0, int32(o.Stop))
		}
	}
}

// enqueue queues sp's pattern for scanning from sp's position.
func (sc *scratch) enqueue(sp stopPat) {
	q := sc.queue[sp.pat]
	if q < 0 {
		sc.qList = append(sc.qList, sp.pat)
		sc.queue[sp.pat], sc.queueHi[sp.pat] = sp.pos, sp.pos
	} else {
		sc.queue[sp.pat] = min(q, sp.pos)
		sc.queueHi[sp.pat] = max(sc.queueHi[sp.pat], sp.pos)
	}
}

func (sc *scratch) changedRide(k int, s int32) {
	if !sc.inRide[k][s] {
		sc.inRide[k][s] = true
		sc.chRide[k] = append(sc.chRide[k], s)
	}
}

func (sc *scratch) changedReady(k int, s int32) {
	if !sc.inReady[k][s] {
		sc.inReady[k][s] = true
		sc.chReady[k] = append(sc.chReady[k], s)
	}
}

func (sc *scratch) mark(s int32) {
	if !sc.marked[s] {
		sc.marked[s] = true
		sc.markList = append(sc.markList, s)
	}
}

// rounds runs RAPTOR's rounds from the marked stops. Labels only
// improve, so it serves both a single departure (after reset) and each
// earlier minute of a range query (rRAPTOR: labels of later departures
// stay valid, as one can wait at the origin).
func (r *Router) rounds(ctx context.Context, sc *scratch) error {
	K := r.maxRounds
	for k := 1; k <= K; k++ {
		ride, prevRide, ready, prevReady := sc.ride[k], sc.ride[k-1], sc.ready[k], sc.ready[k-1]
		// Labels of round k are never above those of round k−1, so only
		// those changed in round k−1 since the last copy can pass down.
		for _, s := range sc.chRide[k-1] {
			sc.inRide[k-1][s] = false
			if prevRide[s] < ride[s] {
				ride[s] = prevRide[s]
				if sc.parents {
					sc.rideP[k][s] = sc.rideP[k-1][s]
				}
				sc.changedRide(k, s)
			}
		}
		sc.chRide[k-1] = sc.chRide[k-1][:0]
		for _, s := range sc.chReady[k-1] {
			sc.inReady[k-1][s] = false
			if prevReady[s] < ready[s] {
				ready[s] = prevReady[s]
				if sc.parents {
					sc.readyP[k][s] = sc.readyP[k-1][s]
				}
				sc.changedReady(k, s)
			}
		}
		sc.chReady[k-1] = sc.chReady[k-1][:0]
		if len(sc.markList) == 0 && len(sc.qList) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, s := range sc.markList {
			sc.marked[s] = false
			for _, sp := range r.sp[r.spStart[s]:r.spStart[s+1]] {
				sc.enqueue(sp)
			}
		}
		sc.markList = sc.markList[:0]
		for _, pi := range sc.qList {
			pos := sc.queue[pi]
			sc.queue[pi] = -1
			p := &r.pats[pi]
			for si, sh := range sc.shifts[p.svc] {
				// Trips of days that end before the query or start
				// past the bound cannot help.
				if sh+p.lastArr >= sc.tmin && sh+p.firstDep < sc.bound {
					r.scan(sc, k, pi, pos, sc.queueHi[pi], int32(si))
				}
			}
		}
		sc.qList = sc.qList[:0]
		// Riders staying on as their vehicles continue, in waves: a
		// continuation reached seated may continue in turn.
		for len(sc.seatQ) > 0 {
			q := sc.seatQ
			sc.seatQ = sc.seatCur[:0]
			for _, e := range q {
				r.scanSeated(sc, k, e)
			}
			sc.seatCur = q
		}
		if sc.egress != nil {
			for _, e := range sc.egress {
				if v := ride[e.Stop]; v != inf {
					sc.bound = min(sc.bound, v+int32(e.Walk/time.Second)+1)
				}
			}
		}
		for _, s := range sc.impList {
			sc.improved[s] = false
			t := ride[s]
			for _, f := range r.fp[r.fpStart[s]:r.fpStart[s+1]] {
				if v := t + f.dur; v < ready[f.to] && v < sc.bound {
					ready[f.to] = v
					if sc.parents {
						sc.readyP[k][f.to] = readyParent{from: s, round: int32(k)}
					}
					sc.mark(f.to)
					sc.changedReady(k, f.to)
				}
			}
		}
		sc.impList = sc.impList[:0]
	}
	for _, s := range sc.markList {
		sc.marked[s] = false
	}
	sc.markList = sc.markList[:0]
	// Nothing reads round K's ready labels again but the output.
	for _, s := range sc.chReady[K] {
		sc.inReady[K][s] = false
	}
	sc.chReady[K] = sc.chReady[K][:0]
	return nil
}

// scan rides pattern pi's trips shifted by sh seconds from position from,
// boarding where round k−1 left riders ready and improving round k's
// ride labels. Past last, the latest marked position, boarding yields
// only rides already labelled (those stops' ready labels were scanned
// before), so on a pattern whose arrivals never decrease along the stops
// the scan stops once nothing is boarded or the trip arrives at or past
// the bound. The trips a rider could board before the last stop then enter
// their continuations (reachFrom).
func (r *Router) scan(sc *scratch, k int, pi, from, last, si int32) {
	p := &r.pats[pi]
	sh := sc.shifts[p.svc][si]
	T, n := p.nTrips, p.nStops
	stops := r.patStops[p.stop0 : p.stop0+n]
	noPick := r.noPick[p.stop0 : p.stop0+n]
	noDrop := r.noDrop[p.stop0 : p.stop0+n]
	dep := r.dep[p.time0 : p.time0+n*T]
	arr := r.arr[p.time0 : p.time0+n*T]
	ride, ready := sc.ride[k], sc.ready[k-1]
	cur, board := int32(-1), int32(0)
	for i := from; i < n; i++ {
		if i > last && p.monotone && (cur < 0 || arr[i*T+cur]+sh >= sc.bound) {
			return // no trip, or past the bound: its continuation too
		}
		s := stops[i]
		if cur >= 0 && !noDrop[i] {
			if a := arr[i*T+cur] + sh; a < ride[s] && a < sc.bound {
				sc.label(k, s, a, rideParent{pat: pi, trip: cur, board: board, alight: i, shift: sh, round: int32(k)})
			}
		}
		rt := ready[s]
		if noPick[i] || rt == inf || i == n-1 {
			continue // boarding at the last stop rides nowhere
		}
		hi := T
		if cur >= 0 {
			if rt > dep[i*T+cur]+sh {
				continue
			}
			hi = cur
		}
		// First trip in [0, hi) departing at or after rt.
		row := dep[i*T : i*T+hi]
		want := rt - sh
		lo, up := int32(0), hi
		for lo < up {
			m := int32(uint32(lo+up) >> 1)
			if row[m] < want {
				lo = m + 1
			} else {
				up = m
			}
		}
		if lo < hi {
			cur, board = lo, i
		}
	}
	if cur >= 0 && r.cont != nil {
		r.reachFrom(sc, k, pi, cur, si, sh)
	}
}

// label lowers stop s's ride label of round k to a, reached as par says
// (kept when parents are), and marks s improved.
func (sc *scratch) label(k int, s, a int32, par rideParent) {
	sc.ride[k][s] = a
	if sc.parents {
		sc.rideP[k][s] = par
	}
	if !sc.improved[s] {
		sc.improved[s] = true
		sc.impList = append(sc.impList, s)
	}
	sc.changedRide(k, s)
}
