package transit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Summary is the distribution of travel times over the departure minutes
// of a window, as Conveyal R5 reports accessibility. Percentiles are
// nearest-rank over all Minutes, an unreached minute counting as
// Unreachable: Median is the ⌈n/2⌉-th smallest time, P90 the ⌈0.9 n⌉-th.
type Summary struct {
	Min, Median, P90 time.Duration // Unreachable when that rank is unreached
	Reachable        int           // minutes from which some journey (or a walk) reaches the place
	Minutes          int           // departure minutes in the window
}

// Summarize returns the Summary of per-minute travel times (Unreachable
// for unreached minutes), e.g. of TimesVia combined with a caller's own
// walk. It does not modify times. O(n log n).
func Summarize(times []time.Duration) Summary { return summarize(slices.Clone(times)) }

// summarize returns the Summary of times (reordered in place).
func summarize(times []time.Duration) Summary {
	s := Summary{Min: Unreachable, Median: Unreachable, P90: Unreachable, Minutes: len(times)}
	if len(times) == 0 {
		return s
	}
	slices.Sort(times)
	for _, t := range times {
		if t != Unreachable {
			s.Reachable++
		}
	}
	n := len(times)
	s.Min = times[0]
	s.Median = times[(n+1)/2-1]
	s.P90 = times[(9*n+9)/10-1]
	return s
}

// noTime marks an unreached stop-minute in a Profile.
const noTime = uint16(0xFFFF)

// MaxProfileTravel is the longest travel time a Profile keeps (65,534 s,
// about 18 h 12 min); longer ones count as unreached.
const MaxProfileTravel = time.Duration(noTime-1) * time.Second

// Profile holds, for every departure minute of a window, the travel time
// from one origin to every stop (Router.Range, Router.RangeFrom). A travel
// time counts from the departure minute, waiting at the origin included,
// as "leave now" does minute by minute; times past MaxProfileTravel count
// as unreached, and so do times past the window's MaxTravel. It stores 2
// bytes per minute for each stop reached in some minute, plus 8 bytes of
// index per such stop (Size counts both) — at most 139,560 + 9,304 bytes
// for CARTA's 1,163 stops and a 60-minute window, a third of that with a
// 45-minute MaxTravel — is immutable and safe for concurrent use. Reading
// a stop's times finds its row by binary search.
type Profile struct {
	r         *Router
	day       int32
	start     int32 // first departure, seconds from the service day's start
	base      time.Time
	minutes   int
	origin    orb.Point
	hasOrigin bool
	origins   []StopWalk
	stops     []int32  // stops reached in some minute, ascending
	rows      []int32  // row of stops[i] in times
	times     []uint16 // [row*minutes + minute]
	// lazy, for a profile composed by StopRanges, holds the least times
	// of stops and works out their rows on first read (rows, times nil).
	lazy *composed
}

// Range computes travel times from (lon, lat) to every stop for every
// departure minute of window w (Start, Start+1 min, … before End) with
// rRAPTOR: minutes are processed from the last to the first, reusing the
// labels of later minutes. The window's Date gives the service day; its
// Start and End are measured as GTFS times (from noon minus 12 h), may
// pass 24:00, and must satisfy 0 ≤ Start < End ≤ Start + MaxWindow;
// MaxTravel (≥ 0) bounds the travel times kept and searched (see Window).
// Errors: ErrBadWindow, ErrOutsideService, ctx's error.
//
// Cost: RAPTOR rounds only at minutes where a new trip becomes catchable
// at an origin stop (departure less the walk there), scanning from those
// stops; between them only the walk-only times change. Each run is
// cheaper than a fresh Depart as only improved labels propagate: about a
// millisecond of CPU for an hour on CARTA, a third of that with a
// 45-minute MaxTravel. Safe for concurrent use.
func (r *Router) Range(ctx context.Context, from orb.Point, w Window) (*Profile, error) {
	p, err := r.rangeRun(ctx, r.Access(from), w)
	if err != nil {
		return nil, err
	}
	p.origin, p.hasOrigin = from, true
	return p, nil
}

// RangeFrom is Range from a set of stops with their walking times, as
// DepartFrom. Without an origin point, To cannot count a walk straight to
// the destination.
func (r *Router) RangeFrom(ctx context.Context, origins []StopWalk, w Window) (*Profile, error) {
	if err := r.checkStops(origins, "origins"); err != nil {
		return nil, err
	}
	return r.rangeRun(ctx, slices.Clone(origins), w)
}

func (r *Router) rangeRun(ctx context.Context, origins []StopWalk, w Window) (*Profile, error) {
	if w.Start < 0 || w.End <= w.Start || w.End-w.Start > MaxWindow || w.MaxTravel < 0 {
		return nil, fmt.Errorf("%w: [%v, %v) max travel %v", ErrBadWindow, w.Start, w.End, w.MaxTravel)
	}
	day := dayOf(w.Date)
	if err := r.n.checkDay(day); err != nil {
		return nil, err
	}
	start := int32((w.Start + time.Second - 1) / time.Second)
	M := int((w.End - w.Start + time.Minute - 1) / time.Minute)
	horizon := int32(noTime - 1)
	if w.MaxTravel > 0 && w.MaxTravel < MaxProfileTravel {
		horizon = int32(w.MaxTravel / time.Second)
	}
	p := &Profile{r: r, day: day, start: start, base: r.n.dayBase(day), minutes: M, origins: origins}
	sc := r.pool.Get().(*scratch)
	defer r.pool.Put(sc)
	r.reset(sc, day, start, start+int32(M-1)*60)
	sc.parents = false // Journey reruns its minute
	sc.buf = sc.buf[:0]
	r.boardingEvents(sc, origins, start, M)
	K := r.maxRounds
	ready0 := sc.ready[0]
	for m := M - 1; m >= 0; m-- {
		t := start + int32(m)*60
		sc.bound = t + horizon + 1
		for _, o := range origins {
			if v := t + int32(o.Walk/time.Second); v < ready0[o.Stop] && v < sc.bound {
				ready0[o.Stop] = v
			}
		}
		// Between boarding events the ride labels stand: the same trips
		// are caught, only the walk to the origin stops starts later.
		// At an event only the patterns where a new trip is catchable at
		// an origin need scanning from it; the others catch what they
		// caught when last scanned, whose rides are already labelled.
		evs := sc.evSP[sc.evStart[m]:sc.evStart[m+1]]
		if len(evs) == 0 && m < M-1 {
			for _, o := range origins {
				p.update(sc, int32(o.Stop), m, horizon)
			}
			continue
		}
		for _, o := range origins {
			if ready0[o.Stop] != inf {
				sc.changedReady(0, int32(o.Stop))
				if m == M-1 {
					sc.mark(int32(o.Stop))
				}
			}
		}
		if m < M-1 {
			for _, i := range evs {
				if sp := r.sp[i]; ready0[r.patStops[r.pats[sp.pat].stop0+sp.pos]] != inf {
					sc.enqueue(sp)
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.rounds(ctx, sc); err != nil {
			return nil, err
		}
		for _, s := range sc.chRide[K] {
			sc.inRide[K][s] = false
			p.update(sc, s, m, horizon)
		}
		sc.chRide[K] = sc.chRide[K][:0]
		for _, o := range origins {
			p.update(sc, int32(o.Stop), m, horizon)
		}
	}
	for _, s := range sc.seen {
		p.flush(sc, s, -1, horizon)
	}
	p.index(sc)
	p.times = slices.Clone(sc.buf) // exact size: Size counts it
	return p, nil
}

// boardingEvents lists, per minute m of the window, the patterns at
// origin stops where a trip becomes catchable at m and not at m+1 (its
// departure less the walk to the stop falls in minute m), in sc.evStart
// and sc.evSP. Between
// such minutes rRAPTOR's ride labels cannot change. Trips whose pickup is
// refused count too, which only costs a scan. O(origins × patterns there
// × (log trips + departures in the window)).
func (r *Router) boardingEvents(sc *scratch, origins []StopWalk, start int32, M int) {
	sc.evPairs = sc.evPairs[:0]
	end := start + int32(M)*60
	for _, o := range origins {
		w := int32(o.Walk / time.Second)
		for i := r.spStart[o.Stop]; i < r.spStart[o.Stop+1]; i++ {
			sp := r.sp[i]
			p := &r.pats[sp.pat]
			T := p.nTrips
			row := r.dep[p.time0+sp.pos*T : p.time0+(sp.pos+1)*T]
			for _, sh := range sc.shifts[p.svc] {
				// Departures d with start ≤ d+sh−w < end.
				j, _ := slices.BinarySearch(row, start+w-sh)
				for ; j < len(row) && row[j]+sh-w < end; j++ {
					sc.evPairs = append(sc.evPairs, [2]int32{(row[j] + sh - w - start) / 60, i})
				}
			}
		}
	}
	sc.evStart = slices.Grow(sc.evStart[:0], M+1)[:M+1]
	clear(sc.evStart)
	for _, e := range sc.evPairs {
		sc.evStart[e[0]+1]++
	}
	for m := range M {
		sc.evStart[m+1] += sc.evStart[m]
	}
	sc.evSP = slices.Grow(sc.evSP[:0], len(sc.evPairs))[:len(sc.evPairs)]
	for i := len(sc.evPairs) - 1; i >= 0; i-- {
		e := sc.evPairs[i]
		sc.evStart[e[0]+1]--
		sc.evSP[sc.evStart[e[0]+1]] = e[1]
	}
	// evStart[m+1] now starts minute m; shift back.
	copy(sc.evStart, sc.evStart[1:])
	sc.evStart[M] = int32(len(sc.evPairs))
}

// update records stop s's label in force at minute m, min of its ride
// and access labels, writing out the minutes its previous label held.
func (p *Profile) update(sc *scratch, s int32, m int, horizon int32) {
	v := min(sc.ride[len(sc.ride)-1][s], sc.ready[0][s])
	if v == sc.cur[s] {
		return
	}
	if sc.cur[s] == inf && sc.row[s] < 0 {
		sc.seen = append(sc.seen, s)
	} else {
		p.flush(sc, s, m, horizon)
	}
	sc.cur[s], sc.top[s] = v, int32(m)
}

// flush writes stop s's label in force for the minutes after m up to its
// top, as travel times within horizon.
func (p *Profile) flush(sc *scratch, s int32, m int, horizon int32) {
	v := sc.cur[s]
	if v == inf {
		return
	}
	M := p.minutes
	for mm := int(sc.top[s]); mm > m; mm-- {
		d := v - (p.start + int32(mm)*60)
		if d > horizon {
			break // earlier minutes wait longer still
		}
		if sc.row[s] < 0 {
			n := len(sc.buf)
			sc.row[s] = int32(n / M)
			sc.buf = slices.Grow(sc.buf, M)[:n+M]
			for i := range sc.buf[n:] {
				sc.buf[n+i] = noTime
			}
		}
		sc.buf[int(sc.row[s])*M+mm] = uint16(d)
	}
}

// index lists the stops with a row, in stop order.
func (p *Profile) index(sc *scratch) {
	for _, s := range sc.seen {
		if sc.row[s] >= 0 {
			p.stops = append(p.stops, s)
		}
	}
	slices.Sort(p.stops)
	p.rows = make([]int32, len(p.stops))
	for i, s := range p.stops {
		p.rows[i] = sc.row[s]
	}
}

// rowOf returns the travel times of stop i, nil when it is never
// reached.
func (p *Profile) rowOf(i int) []uint16 {
	if p.lazy != nil {
		return p.lazy.row(p, int32(i))
	}
	j, ok := slices.BinarySearch(p.stops, int32(i))
	if !ok {
		return nil
	}
	r := int(p.rows[j])
	return p.times[r*p.minutes : (r+1)*p.minutes]
}

// Minutes returns the number of departure minutes.
func (p *Profile) Minutes() int { return p.minutes }

// Departure returns the departure time of minute m (0-based).
func (p *Profile) Departure(m int) time.Time {
	return p.base.Add(time.Duration(p.start+int32(m)*60) * time.Second)
}

// Size returns the bytes the profile's travel times take.
func (p *Profile) Size() int {
	n := 2*cap(p.times) + 4*(len(p.stops)+len(p.rows))
	if p.lazy != nil {
		n += p.lazy.size()
	}
	return n
}

func dur(v uint16) time.Duration {
	if v == noTime {
		return Unreachable
	}
	return time.Duration(v) * time.Second
}

// StopTimes appends to dst the travel time to stop i for each departure
// minute (Unreachable where none) and returns it; nil for i out of range.
// A stop counts as reached on foot from the origin or by alighting there.
func (p *Profile) StopTimes(i int, dst []time.Duration) []time.Duration {
	if i < 0 || i >= len(p.r.n.stops) {
		return nil
	}
	row := p.rowOf(i)
	if row == nil {
		for range p.minutes {
			dst = append(dst, Unreachable)
		}
		return dst
	}
	for _, v := range row {
		dst = append(dst, dur(v))
	}
	return dst
}

// Stop returns the summary of travel times to stop i; a zero Summary for
// i out of range.
func (p *Profile) Stop(i int) Summary {
	if i < 0 || i >= len(p.r.n.stops) {
		return Summary{}
	}
	return summarize(p.StopTimes(i, make([]time.Duration, 0, p.minutes)))
}

// Times returns the travel time to pt (lon, lat) for each departure
// minute: the best of a walk straight there (within MaxWalk, when the
// origin is a point) and a stop of Access(pt) plus the walk on; Unreachable
// where none.
func (p *Profile) Times(pt orb.Point) []time.Duration {
	out := p.TimesVia(p.r.Access(pt), nil)
	if p.hasOrigin {
		if w, ok := p.r.directWalk(p.origin, pt); ok {
			for m := range out {
				out[m] = min(out[m], time.Duration(w)*time.Second)
			}
		}
	}
	return out
}

// TimesVia appends to dst the travel time for each departure minute to a
// destination reached from the stops of egress (as Access returns for
// it), without a straight walk from the origin, and returns it. Stops out
// of range and negative walks are ignored. O(len(egress) × minutes).
func (p *Profile) TimesVia(egress []StopWalk, dst []time.Duration) []time.Duration {
	return p.TimesViaWithin(egress, math.MaxInt64, dst)
}

// TimesViaWithin is TimesVia for a caller that tells apart only the
// times within limit (a travel limit): those are exact, a time past it
// may come as Unreachable, and an egress stop none of whose times with
// the walk on can be within limit may be left unread — on a profile
// composed by StopRanges its row is then never worked out.
func (p *Profile) TimesViaWithin(egress []StopWalk, limit time.Duration, dst []time.Duration) []time.Duration {
	n := len(dst)
	for range p.minutes {
		dst = append(dst, Unreachable)
	}
	out := dst[n:]
	for _, e := range egress {
		if e.Stop < 0 || e.Stop >= len(p.r.n.stops) || e.Walk < 0 {
			continue
		}
		if p.lazy != nil {
			// A stop no origin reaches within the window's bound has no
			// row; one that cannot be within limit need not be read.
			if lb, ok := p.lazy.bound(p, int32(e.Stop)); !ok || lb > limit-e.Walk {
				continue
			}
		}
		for m, v := range p.rowOf(e.Stop) {
			if v != noTime {
				out[m] = min(out[m], time.Duration(v)*time.Second+e.Walk)
			}
		}
	}
	return dst
}

// To returns the summary of Times(pt).
func (p *Profile) To(pt orb.Point) Summary { return summarize(p.Times(pt)) }

// ToVia returns the summary of TimesVia(egress).
func (p *Profile) ToVia(egress []StopWalk) Summary { return summarize(p.TimesVia(egress, nil)) }

// ArriveBy answers "when must I leave to be at pt by by?" within the
// window: the latest departure minute whose earliest arrival at pt
// (Times) is no later than by, and false when no minute makes it.
// O(len(Access(pt)) × minutes).
func (p *Profile) ArriveBy(pt orb.Point, by time.Time) (int, bool) {
	times := p.Times(pt)
	for m := len(times) - 1; m >= 0; m-- {
		if times[m] != Unreachable && !p.Departure(m).Add(times[m]).After(by) {
			return m, true
		}
	}
	return 0, false
}

// Journey returns the itinerary of an earliest arrival at pt departing at
// minute m (0-based), as Arrivals.Journey; false when nothing reaches pt
// then or m is out of range. It reruns that minute without the window's
// MaxTravel, so it may return a journey longer than the bound.
func (p *Profile) Journey(pt orb.Point, m int) (Journey, bool) {
	if m < 0 || m >= p.minutes {
		return Journey{}, false
	}
	var origin *orb.Point
	if p.hasOrigin {
		origin = &p.origin
	}
	return p.r.journey(origin, p.origins, p.day, p.start+int32(m)*60, pt)
}

// StopMin returns the least travel time to stop i over the window's
// departure minutes, Unreachable when no minute reaches it or i is out of
// range: a lower bound for anything reached from that stop. O(minutes),
// no allocation.
func (p *Profile) StopMin(i int) time.Duration {
	if i < 0 || i >= len(p.r.n.stops) {
		return Unreachable
	}
	if p.lazy != nil {
		stops, mins := p.lazy.reached(p)
		if j, ok := slices.BinarySearch(stops, int32(i)); ok {
			return dur(mins[j])
		}
		return Unreachable
	}
	best := noTime
	for _, v := range p.rowOf(i) {
		best = min(best, v)
	}
	return dur(best)
}

// Reached returns the stops reached in some minute, ascending: the only
// ones whose StopMin is not Unreachable. The slice is shared: do not
// modify it.
func (p *Profile) Reached() []int32 {
	if p.lazy != nil {
		stops, _ := p.lazy.reached(p)
		return stops
	}
	return p.stops
}

// LeastBounds calls fn with stops and lower bounds on their least travel
// time over the window (StopMin), for pruning: every stop Reached comes
// at least once, with a bound no more than its StopMin. For a profile
// from Range or RangeFrom each reached stop comes once with its StopMin,
// O(stops reached × minutes). A profile composed by StopRanges lists
// each stop some origin reaches within the window's MaxTravel once, with
// the least over the origins of the walk there plus the quickest ride
// over the window's departures — so a bound may be below StopMin, and a
// stop may come that no minute reaches — worked out once in O(Σ over
// origins of stops reached from them), without working out a row.
// Callers should keep the least bound should a stop come more than once.
func (p *Profile) LeastBounds(fn func(stop int, least time.Duration)) {
	if p.lazy != nil {
		p.lazy.bounds(p, fn)
		return
	}
	for _, s := range p.stops {
		fn(int(s), p.StopMin(int(s)))
	}
}
