package transit

import (
	"context"
	"fmt"
	"slices"
	"sync"
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
// composed Profile equals RangeFrom's for the same origins and window,
// stop by stop and minute by minute (its rows are stored in stop order).
//
// Memory: per stop used, 4 bytes × departures there in the window
// (extended by the longest covered walk and MaxTravel) × stops reached;
// for a 45-minute MaxTravel on a city network, tens of kilobytes per
// stop. A StopRanges holds only stop indexes and times, nothing about the
// origins it served. Safe for concurrent use; each stop's run is done
// once, by the first goroutine that needs it.
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
// (seconds from the service day's start, ascending); arr[i*len(ev)+j] is
// the earliest arrival by ride at reach[i] when ready to board at ev[j],
// inf when none within ev[j] + horizon.
type stopRange struct {
	ev    []int32
	reach []int32
	arr   []int32
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

// Window returns the window the ranges cover.
func (sr *StopRanges) Window() Window { return sr.w }

// RangeFrom returns the profile of a range query from origins over the
// window: the same travel times as Router.RangeFrom(ctx, origins,
// sr.Window()). Origins with a walk past the covered one make it run the
// query alone. Cost: the first use of each origin stop runs rRAPTOR from
// it (about the cost of one RangeFrom); then O(Σ over origins of stops
// reached × departures there + minutes). Errors as RangeFrom's.
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
	out.arr = make([]int32, len(out.reach)*J)
	for i := range out.arr {
		out.arr[i] = inf
	}
	// changes run from the last departure to the first: apply each at its
	// departure and carry it down to earlier ones.
	for _, c := range changes {
		i, _ := slices.BinarySearch(out.reach, c.stop)
		row := out.arr[i*J : (i+1)*J]
		for jj := int(c.j); jj >= 0 && c.v < row[jj]; jj-- {
			row[jj] = c.v
		}
	}
	return nil
}

// composeScratch is reusable memory for compose.
type composeScratch struct {
	slot  []int32 // per stop: row in best, -1 when none
	used  []int32 // stops with a row, in first-use order
	best  []int32 // [row*minutes + m]: earliest arrival, inf when none
	jOf   []int32 // per minute: first departure index at or after it
	times []uint16
}

var composePool sync.Pool

// compose builds the profile of origins from their stops' ranges.
func (sr *StopRanges) compose(origins []StopWalk, ranges []*stopRange) *Profile {
	r := sr.r
	M := sr.minutes
	sc, _ := composePool.Get().(*composeScratch)
	if sc == nil || len(sc.slot) != len(r.n.stops) {
		sc = &composeScratch{slot: make([]int32, len(r.n.stops))}
		for i := range sc.slot {
			sc.slot[i] = -1
		}
	}
	defer composePool.Put(sc)
	sc.used, sc.best = sc.used[:0], sc.best[:0]
	rowOf := func(x int32) []int32 {
		k := sc.slot[x]
		if k < 0 {
			k = int32(len(sc.used))
			sc.slot[x] = k
			sc.used = append(sc.used, x)
			n := len(sc.best)
			sc.best = slices.Grow(sc.best, M)[:n+M]
			for i := range sc.best[n:] {
				sc.best[n+i] = inf
			}
		}
		return sc.best[int(k)*M : int(k+1)*M]
	}
	sc.jOf = slices.Grow(sc.jOf[:0], M)[:M]
	for oi, o := range origins {
		w := int32(o.Walk / time.Second)
		// On foot to the origin stop itself.
		if w <= sr.horizon {
			row := rowOf(int32(o.Stop))
			for m := range M {
				if v := sr.start + int32(m)*60 + w; v < row[m] {
					row[m] = v
				}
			}
		}
		rg := ranges[oi]
		J := len(rg.ev)
		if J == 0 {
			continue
		}
		// Runs of minutes that catch the same first departure.
		j := 0
		for m := range M {
			t := sr.start + int32(m)*60 + w
			for j < J && rg.ev[j] < t {
				j++
			}
			sc.jOf[m] = int32(j)
		}
		for i, x := range rg.reach {
			arr := rg.arr[i*J : (i+1)*J]
			var row []int32
			for m0 := 0; m0 < M; {
				jj := sc.jOf[m0]
				m1 := m0 + 1
				for m1 < M && sc.jOf[m1] == jj {
					m1++
				}
				if int(jj) < J {
					if v := arr[jj]; v != inf {
						if row == nil {
							row = rowOf(x)
						}
						for m := m0; m < m1; m++ {
							row[m] = min(row[m], v)
						}
					}
				}
				m0 = m1
			}
		}
	}
	// Rows in stop order, each kept when some minute is within the
	// horizon.
	slices.Sort(sc.used)
	p := &Profile{r: r, day: sr.day, start: sr.start, base: r.n.dayBase(sr.day), minutes: M, origins: slices.Clone(origins)}
	sc.times = sc.times[:0]
	for _, x := range sc.used {
		row := sc.best[int(sc.slot[x])*M : int(sc.slot[x]+1)*M]
		n := len(sc.times)
		any := false
		for m, v := range row {
			t := noTime
			if v != inf {
				if d := v - (sr.start + int32(m)*60); d <= sr.horizon {
					t, any = uint16(d), true
				}
			}
			sc.times = append(sc.times, t)
		}
		if !any {
			sc.times = sc.times[:n]
			continue
		}
		p.stops = append(p.stops, x)
		p.rows = append(p.rows, int32(n/M))
	}
	for _, x := range sc.used {
		sc.slot[x] = -1
	}
	p.times = slices.Clone(sc.times)
	p.stops, p.rows = slices.Clip(p.stops), slices.Clip(p.rows)
	return p
}
