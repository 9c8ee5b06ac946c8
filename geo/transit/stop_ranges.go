package transit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// StopRanges shares the work of range queries (RangeFrom) among many
// origins on one window: a cohort of homes whose walks reach the same
// stops. For each stop an origin walks to, it runs rRAPTOR once from that
// stop alone over the departures there, and keeps the earliest arrival by
// ride at every stop for each departure; the profile of a set of origins
// is then composed from those of its stops:
//
//	arrival(x, t) = min over origins (s, walk) of arrival_s(x, first departure at s ≥ t + walk)
//
// which holds because a journey's first ride boards at one origin stop,
// and waiting at s for the first departure there loses nothing. The
// composed Profile gives the same travel times as RangeFrom's for the
// same origins and window, stop by stop and minute by minute; it works
// them out when read: its stops and least times on the first Reached or
// StopMin, each stop's row on the first read of that stop (kept with the
// profile). LeastBounds, TimesViaWithin and RankVia read cheaper bounds
// first.
//
// Memory: per stop used, 2 bytes × departures there in the window
// (extended by the longest covered walk and MaxTravel) × stops reached
// within MaxTravel, plus 4 bytes per stop of the network
// (BenchmarkStopRanges reports the total). A StopRanges holds only stop
// indexes and times, nothing about the origins it served. A composed
// profile holds, besides the rows it reads (2 bytes a minute, in slabs
// of 32 rows), 12 bytes per departure at each origin stop and, once
// read for more than a few places, 8 bytes per network stop and 12 per
// stop its origins reach. Safe for concurrent use; each stop's run is
// done once, by the first goroutine that needs it.
type StopRanges struct {
	r       *Router
	w       Window
	day     int32
	start   int32 // first departure, seconds from the service day's start
	minutes int
	horizon int32
	maxWalk int32 // longest origin walk covered, seconds
	stops   []stopRangeEntry
}

type stopRangeEntry struct {
	mu   sync.Mutex
	done bool
	sr   stopRange
}

// stopRange is rRAPTOR from one stop: ev are the departure times there
// (seconds from the service day's start, ascending); ev[j] +
// arr[i*len(ev)+j] is the earliest arrival by ride at reach[i] when ready
// to board at ev[j]; reach lists the stops some departure reaches within
// the horizon.
type stopRange struct {
	ev    []int32
	reach []int32
	arr   []uint16 // ride time from ev[j], noTime when none within the horizon
	least []int32  // per reach: min over j of arr, the quickest ride
	index []int32  // per network stop: its place in reach, -1 when not there
}

// NewStopRanges prepares shared range queries over window w (as
// RangeFrom validates it) for origins whose walks are at most maxWalk;
// RangeFrom of origins with a longer walk runs the query alone. Errors:
// ErrBadWindow, ErrOutsideService. O(stops) memory up front; each stop's
// run is done on first use.
func (r *Router) NewStopRanges(w Window, maxWalk time.Duration) (*StopRanges, error) {
	if w.Start < 0 || w.End <= w.Start || w.End-w.Start > MaxWindow || w.MaxTravel < 0 {
		return nil, fmt.Errorf("%w: [%v, %v) max travel %v", ErrBadWindow, w.Start, w.End, w.MaxTravel)
	}
	if maxWalk < 0 || maxWalk > MaxWindow {
		return nil, fmt.Errorf("%w: max walk %v", ErrBadOptions, maxWalk)
	}
	day := dayOf(w.Date)
	if err := r.n.checkDay(day); err != nil {
		return nil, err
	}
	horizon := int32(noTime - 1)
	if w.MaxTravel > 0 && w.MaxTravel < MaxProfileTravel {
		horizon = int32(w.MaxTravel / time.Second)
	}
	return &StopRanges{
		r: r, w: w, day: day,
		start:   int32((w.Start + time.Second - 1) / time.Second),
		minutes: int((w.End - w.Start + time.Minute - 1) / time.Minute),
		horizon: horizon,
		maxWalk: int32(maxWalk / time.Second),
		stops:   make([]stopRangeEntry, len(r.n.stops)),
	}, nil
}

// Size returns the bytes the stop runs done so far hold. It locks each
// stop in turn: O(stops).
func (sr *StopRanges) Size() int {
	n := 0
	for i := range sr.stops {
		e := &sr.stops[i]
		e.mu.Lock()
		n += 4*(len(e.sr.ev)+len(e.sr.reach)+len(e.sr.least)+len(e.sr.index)) + 2*len(e.sr.arr)
		e.mu.Unlock()
	}
	return n
}

// Window returns the window the ranges cover.
func (sr *StopRanges) Window() Window { return sr.w }

// RangeFrom returns the profile of a range query from origins over the
// window: the same travel times as Router.RangeFrom(ctx, origins,
// sr.Window()). Origins with a walk past the covered one make it run the
// query alone. Cost: the first use of each origin stop runs rRAPTOR from
// it (about the cost of one RangeFrom); then O(origins), the rest being
// worked out as the profile is read (a row: O(departures + minutes ×
// origins reaching the stop)). Errors as RangeFrom's.
func (sr *StopRanges) RangeFrom(ctx context.Context, origins []StopWalk) (*Profile, error) {
	r := sr.r
	if err := r.checkStops(origins, "origins"); err != nil {
		return nil, err
	}
	for _, o := range origins {
		if int32(o.Walk/time.Second) > sr.maxWalk || o.Walk%time.Second != 0 {
			return r.rangeRun(ctx, slices.Clone(origins), sr.w)
		}
	}
	ranges := make([]*stopRange, len(origins))
	for i, o := range origins {
		s, err := sr.stop(ctx, o.Stop)
		if err != nil {
			return nil, err
		}
		ranges[i] = s
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return sr.compose(origins, ranges), nil
}

// stop returns stop s's range, running it on first use. A run cut short
// by ctx is not kept: the next caller runs it again.
func (sr *StopRanges) stop(ctx context.Context, s int) (*stopRange, error) {
	e := &sr.stops[s]
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.done {
		if err := sr.r.runStopRange(ctx, sr, int32(s), &e.sr); err != nil {
			e.sr = stopRange{}
			return nil, err
		}
		e.done = true
	}
	return &e.sr, nil
}

// runStopRange fills out with rRAPTOR from stop s alone, over every
// departure from s from the window's start until the last departure
// minute plus the longest covered walk, and the first departure after.
// A departure with pickup refused counts too: an extra departure only
// costs a run. The labels of departure ev[j] are exact up to ev[j] +
// horizon (target pruning beyond), all that any origin departing at or
// before ev[j] can use.
func (r *Router) runStopRange(ctx context.Context, sr *StopRanges, s int32, out *stopRange) error {
	lo := sr.start
	hi := sr.start + int32(sr.minutes-1)*60 + sr.maxWalk
	sc := r.pool.Get().(*scratch)
	defer r.pool.Put(sc)
	r.reset(sc, sr.day, lo, hi+sr.horizon)
	sc.parents = false
	var ev []int32
	next := inf
	for i := r.spStart[s]; i < r.spStart[s+1]; i++ {
		sp := r.sp[i]
		p := &r.pats[sp.pat]
		T := p.nTrips
		row := r.dep[p.time0+sp.pos*T : p.time0+(sp.pos+1)*T]
		for _, sh := range sc.shifts[p.svc] {
			j, _ := slices.BinarySearch(row, lo-sh)
			for ; j < len(row) && row[j]+sh <= hi; j++ {
				ev = append(ev, row[j]+sh)
			}
			if j < len(row) {
				next = min(next, row[j]+sh)
			}
		}
	}
	if next != inf {
		ev = append(ev, next)
	}
	slices.Sort(ev)
	ev = slices.Compact(ev)
	out.ev = ev
	if len(ev) == 0 {
		return nil
	}
	K := r.maxRounds
	type change struct{ j, stop, v int32 }
	var changes []change
	ready0 := sc.ready[0]
	for j := len(ev) - 1; j >= 0; j-- {
		d := ev[j]
		sc.bound = d + sr.horizon + 1
		if d < ready0[s] {
			ready0[s] = d
			sc.changedReady(0, s)
			sc.mark(s)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.rounds(ctx, sc); err != nil {
			return err
		}
		ride := sc.ride[K]
		for _, x := range sc.chRide[K] {
			sc.inRide[K][x] = false
			changes = append(changes, change{int32(j), x, ride[x]})
		}
		sc.chRide[K] = sc.chRide[K][:0]
	}
	// Dense table, stop-major: row i holds reach[i]'s arrival for each
	// departure; a label set at departure j holds for every earlier one
	// until improved.
	for _, c := range changes {
		out.reach = append(out.reach, c.stop)
	}
	slices.Sort(out.reach)
	out.reach = slices.Clip(slices.Compact(out.reach))
	J := len(ev)
	abs := make([]int32, len(out.reach)*J)
	fill(abs)
	// changes run from the last departure to the first: apply each at its
	// departure and carry it down to earlier ones.
	for _, c := range changes {
		i, _ := slices.BinarySearch(out.reach, c.stop)
		row := abs[i*J : (i+1)*J]
		for jj := int(c.j); jj >= 0 && c.v < row[jj]; jj-- {
			row[jj] = c.v
		}
	}
	// Kept as ride times from each departure, 2 bytes each: a ride past
	// the horizon is of no use to any origin (the time from home is at
	// least the ride), so it is dropped, and so are stops with no other.
	n := 0
	out.arr = make([]uint16, 0, len(abs))
	for i, x := range out.reach {
		least := inf
		row := abs[i*J : (i+1)*J]
		for j, a := range row {
			if a != inf && a-ev[j] <= sr.horizon {
				least = min(least, a-ev[j])
			}
		}
		if least == inf {
			continue
		}
		for j, a := range row {
			v := noTime
			if a != inf && a-ev[j] <= sr.horizon {
				v = uint16(a - ev[j])
			}
			out.arr = append(out.arr, v)
		}
		out.reach[n] = x
		out.least = append(out.least, least)
		n++
	}
	out.reach = slices.Clip(out.reach[:n])
	out.arr = slices.Clip(out.arr)
	out.least = slices.Clip(out.least)
	out.index = make([]int32, len(r.n.stops))
	for i := range out.index {
		out.index[i] = -1
	}
	for i, x := range out.reach {
		out.index[x] = int32(i)
	}
	return nil
}

// composed is the lazy part of a Profile made by StopRanges: the ranges
// of its origins' stops, from which a stop's row of travel times is
// worked out on first read and kept.
type composed struct {
	sr     *StopRanges
	ranges []*stopRange // per origin
	once   sync.Once    // sets stops and mins
	stops  []int32      // reached in some minute, ascending
	mins   []uint16     // per stop: least travel time
	lbOnce sync.Once    // sets lb and lbUsed
	lb     []int32      // per network stop: bound's lower bound, horizon+1 when none
	lbUsed []int32      // stops with a bound within the horizon, in first-seen order
	head   []int32      // per network stop: its first link, -1 when no origin's run reaches it
	linked atomic.Bool  // lb, lbUsed, head and links are set
	reads  atomic.Int32 // bounds read one by one so far
	links  []reachLink  // the origins whose runs reach each stop within the horizon
	mu     sync.Mutex
	spans  [][]span   // per origin: the minutes catching each departure first, ascending; made on the first row
	slot   []int32    // per network stop: 1 + its row in buf, 0 unread, -1 unreached
	slabs  [][]uint16 // rows, slabRows to a slab: a slab never moves
	nrows  int32
	tt     []int32 // scratch of row: per minute, the earliest arrival
}

// runs calls fn for each departure index j of rg and the minutes m0..m1
// of the window whose first departure at the stop, walking w seconds
// there, is ev[j]; ascending. O(departures).
func (sr *StopRanges) runs(rg *stopRange, w int32, fn func(j, m0, m1 int)) {
	M := sr.minutes
	m0 := 0
	for j, d := range rg.ev {
		if m0 >= M {
			return
		}
		num := d - w - sr.start
		if num < 0 {
			continue
		}
		m1 := min(M-1, int(num/60))
		if m1 < m0 {
			continue
		}
		fn(j, m0, m1)
		m0 = m1 + 1
	}
}

// minScratch is reusable memory for composed.reached.
type minScratch struct {
	best []int32 // per stop: least travel time so far, inf when none
	used []int32
}

var minPool sync.Pool

// compose makes the profile of origins from their stops' ranges; its
// stops, least times and rows are worked out when first read.
func (sr *StopRanges) compose(origins []StopWalk, ranges []*stopRange) *Profile {
	p := &Profile{r: sr.r, day: sr.day, start: sr.start, base: sr.r.n.dayBase(sr.day), minutes: sr.minutes, origins: slices.Clone(origins)}
	p.lazy = &composed{sr: sr, ranges: ranges}
	return p
}

// reached works out the stops reached and their least times: O(Σ over
// origins of stops reached × departures there).
func (c *composed) reached(p *Profile) ([]int32, []uint16) {
	c.once.Do(func() {
		sr := c.sr
		ns := len(sr.r.n.stops)
		sc, _ := minPool.Get().(*minScratch)
		if sc == nil || len(sc.best) != ns {
			sc = &minScratch{best: make([]int32, ns)}
			fill(sc.best)
		}
		defer minPool.Put(sc)
		sc.used = sc.used[:0]
		lower := func(x, v int32) {
			if sc.best[x] == inf {
				sc.used = append(sc.used, x)
			}
			sc.best[x] = min(sc.best[x], v)
		}
		for oi, o := range p.origins {
			w := int32(o.Walk / time.Second)
			if w <= sr.horizon {
				lower(int32(o.Stop), w)
			}
			rg := c.ranges[oi]
			J := len(rg.ev)
			// A run's least travel time is at its last minute: the
			// arrival holds while the departure from home gets later.
			sr.runs(rg, w, func(j, _, m1 int) {
				t := sr.start + int32(m1)*60
				for i, x := range rg.reach {
					if v := rg.arr[i*J+j]; v != noTime {
						if d := rg.ev[j] + int32(v) - t; d <= sr.horizon {
							lower(x, d)
						}
					}
				}
			})
		}
		slices.Sort(sc.used)
		c.stops = make([]int32, len(sc.used))
		c.mins = make([]uint16, len(sc.used))
		for i, x := range sc.used {
			c.stops[i], c.mins[i] = x, uint16(sc.best[x])
			sc.best[x] = inf
		}
	})
	return c.stops, c.mins
}

// bounds calls fn once with each stop some origin may reach within the
// horizon and a lower bound on its travel time: the least, over the
// origins, of the walk to the origin stop plus the quickest ride from it
// over the window's departures. O(Σ over origins of stops reached from
// them) on first use, then O(stops listed).
func (c *composed) bounds(p *Profile, fn func(stop int, least time.Duration)) {
	lb, used := c.lower(p)
	for _, x := range used {
		fn(int(x), time.Duration(lb[x])*time.Second)
	}
}

// bound returns a lower bound on stop x's travel times, false when no
// origin reaches it within the horizon: O(1) after the first use.
func (c *composed) bound(p *Profile, x int32) (time.Duration, bool) {
	H := c.sr.horizon
	var v int32
	if c.linked.Load() || c.reads.Add(1) > lazyReads {
		lb, _ := c.lower(p)
		v = lb[x]
	} else {
		// A profile read for a few places (an explanation) finds the
		// bounds of their stops alone, in O(origins) each.
		v = H + 1
		c.reaching(p, x, func(oi, i int32) {
			rg := c.ranges[oi]
			v = min(v, rg.least[i]+int32(p.origins[oi].Walk/time.Second))
		})
		for _, o := range p.origins {
			if w := int32(o.Walk / time.Second); int32(o.Stop) == x && w <= H {
				v = min(v, w)
			}
		}
	}
	return time.Duration(v) * time.Second, v <= H
}

// lazyReads is how many stops a composed profile reads one by one before
// it lists, once, every stop's bound and the origins reaching it.
const lazyReads = 64

// reaching calls fn for each origin whose run reaches x within the
// horizon from some departure, with x's place in its reach: from the
// lists once made (lower), else by a look in each origin's run.
func (c *composed) reaching(p *Profile, x int32, fn func(origin, i int32)) {
	if c.linked.Load() {
		for l := c.head[x]; l >= 0; l = c.links[l].next {
			fn(c.links[l].origin, c.links[l].i)
		}
		return
	}
	H := c.sr.horizon
	for oi, o := range p.origins {
		rg := c.ranges[oi]
		if rg.index == nil {
			continue // no departure: nothing reached
		}
		if i := rg.index[x]; i >= 0 && rg.least[i] != inf && rg.least[i]+int32(o.Walk/time.Second) <= H {
			fn(int32(oi), i)
		}
	}
}

// lower works out, once, every stop's lower bound (bounds): per network
// stop the least over origins of the walk there plus the quickest ride,
// horizon+1 where none is within the horizon, and the stops with one.
func (c *composed) lower(p *Profile) ([]int32, []int32) {
	c.lbOnce.Do(func() {
		H := c.sr.horizon
		lb := make([]int32, len(c.sr.r.n.stops))
		head := make([]int32, len(c.sr.r.n.stops))
		for i := range lb {
			lb[i], head[i] = H+1, -1
		}
		var used []int32
		n := 0
		for _, rg := range c.ranges {
			n += len(rg.reach)
		}
		links := make([]reachLink, 0, n)
		for oi, o := range p.origins {
			w := int32(o.Walk / time.Second)
			if x := int32(o.Stop); w <= H {
				if lb[x] > H {
					used = append(used, x)
				}
				lb[x] = min(lb[x], w)
			}
			rg := c.ranges[oi]
			least := rg.least[:len(rg.reach)]
			for i, x := range rg.reach {
				v := least[i]
				if v == inf || v+w > H {
					continue
				}
				if lb[x] > H {
					used = append(used, x)
				}
				lb[x] = min(lb[x], v+w)
				links = append(links, reachLink{origin: int32(oi), i: int32(i), next: head[x]})
				head[x] = int32(len(links) - 1)
			}
		}
		c.lb, c.lbUsed, c.head, c.links = lb, used, head, links
		c.linked.Store(true)
	})
	return c.lb, c.lbUsed
}

// reachLink says that origin's run reaches a stop within the horizon
// from some departure, at place i of its reach; next links the stop's
// other origins (-1 ends).
type reachLink struct{ origin, i, next int32 }

// row returns stop x's travel times for each minute, working them out on
// first read; nil when no minute reaches x. The earliest arrival at x
// from minute m is the least, over the origins, of the arrival of the
// departure caught first there; the travel time is that less the
// minute, or a walk straight to x when x is an origin stop. Each origin
// lowers whole stretches of minutes at once, one per trip caught:
// O(minutes × origins reaching x + their departures), the minutes in
// plain loops.
func (c *composed) row(p *Profile, x int32) []uint16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	sr := c.sr
	M, H := sr.minutes, sr.horizon
	if c.slot == nil {
		c.slot = make([]int32, len(sr.r.n.stops))
	}
	switch k := c.slot[x]; {
	case k < 0:
		return nil
	case k > 0:
		return c.rowAt(k-1, M)
	}
	if c.spans == nil {
		n := 0
		for _, rg := range c.ranges {
			n += len(rg.ev)
		}
		all := make([]span, 0, n) // at most one span per departure
		c.spans = make([][]span, len(p.origins))
		for oi, o := range p.origins {
			k := len(all)
			sr.runs(c.ranges[oi], int32(o.Walk/time.Second), func(j, m0, m1 int) {
				all = append(all, span{int32(j), int32(m0), int32(m1 + 1)})
			})
			c.spans[oi] = all[k:len(all):len(all)]
		}
	}
	if c.tt == nil {
		c.tt = make([]int32, M)
	}
	tt := c.tt
	for m := range tt {
		tt[m] = inf
	}
	walk := H + 1 // the shortest walk straight to x
	for _, o := range p.origins {
		if int32(o.Stop) == x {
			walk = min(walk, int32(o.Walk/time.Second))
		}
	}
	// The origins whose runs reach x within H.
	if c.reads.Add(1) > lazyReads {
		c.lower(p)
	}
	c.reaching(p, x, func(oi, i int32) {
		rg := c.ranges[oi]
		J := len(rg.ev)
		arr := rg.arr[int(i)*J : int(i+1)*J]
		ev := rg.ev[:J]
		// Consecutive departures with the same arrival (the same trip
		// caught, waiting for it) make one stretch of minutes, filled at
		// once; departures with no arrival within H leave theirs.
		var m0, m1, a int32 = 0, 0, inf
		for _, d := range c.spans[oi] {
			v := arr[d.j]
			if v == noTime {
				continue
			}
			if b := ev[d.j] + int32(v); b != a || d.m0 != m1 {
				lowerTo(tt[m0:m1], a)
				m0, a = d.m0, b
			}
			m1 = d.m1
		}
		lowerTo(tt[m0:m1], a)
	})
	// To travel times: a time past H is unreached (a later origin's
	// arrival is no earlier, so the least decides). inf less a minute's
	// start stays past H.
	n := c.nrows
	if int(n/slabRows) == len(c.slabs) {
		c.slabs = append(c.slabs, make([]uint16, slabRows*M))
	}
	row := c.rowAt(n, M)
	reached := false
	t := sr.start
	for m, a := range tt[:M] {
		v := noTime
		if d := min(walk, a-t); d <= H {
			v, reached = uint16(d), true
		}
		row[m] = v
		t += 60
	}
	if !reached {
		c.slot[x] = -1
		return nil
	}
	c.nrows++
	c.slot[x] = n + 1
	return row
}

// span is a stretch of departure minutes [m0, m1) whose first departure
// at an origin stop, walking there, is its run's departure j.
type span struct{ j, m0, m1 int32 }

// lowerTo lowers each of xs to at most v.
func lowerTo(xs []int32, v int32) {
	for k, x := range xs {
		xs[k] = min(x, v)
	}
}

// slabRows is the rows of a composed profile's slab: the rows a profile
// reads grow by whole slabs, never copied.
const slabRows = 32

// rowAt returns row n of the slabs, of M minutes.
func (c *composed) rowAt(n int32, M int) []uint16 {
	off := int(n%slabRows) * M
	return c.slabs[n/slabRows][off : off+M : off+M]
}

// size is the bytes held: the rows read so far and what reading them
// keeps.
func (c *composed) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 2*slabRows*c.sr.minutes*len(c.slabs) + 4*(len(c.slot)+len(c.tt))
	for _, sp := range c.spans {
		n += 12 * len(sp)
	}
	if c.linked.Load() {
		n += 4*(len(c.lb)+len(c.lbUsed)+len(c.head)) + 12*len(c.links)
	}
	return n
}
