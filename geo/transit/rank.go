package transit

import (
	"slices"
	"sync"
	"time"
)

// Ranked is what a caller bounded by a travel limit needs of the travel
// times to one destination over a window's departure minutes (RankVia).
type Ranked struct {
	// Time is the travel time of the asked rank among the minutes
	// (0-based, smallest first); Unreachable when it is past the limit.
	Time time.Duration
	// Minute is the first departure minute whose travel time is Time.
	Minute int
	// Arrivals counts the arrival times (departure plus travel) of the
	// minutes whose travel time is within the limit, a new one wherever
	// it differs from the last such minute's: the trips that serve the
	// window when every arrival is by a different one. Arrivals never
	// come earlier for a later departure when the limit is no more than
	// the window's MaxTravel, so these are the distinct arrivals; with a
	// larger limit a stop's times past MaxTravel are unreached and an
	// arrival may come back.
	Arrivals int
}

// RankVia returns the rank-th smallest (0-based) of the travel times to
// a destination reached from the stops of egress (TimesVia), its first
// minute, and the arrivals within limit (Ranked), counting every time
// past limit as Unreachable: what TimesVia and a selection give, in one
// pass. The egress stops are read in order of a lower bound on their
// times (walk on included), and reading stops once the bound reaches the
// latest time so far, as no later stop can improve a minute within the
// limit; on a profile composed by StopRanges a stop's row is then never
// worked out. rank is clamped to the minutes. Stops out of
// range and negative walks are ignored. O(egress × (log egress +
// minutes)) at most; safe for concurrent use.
func (p *Profile) RankVia(egress []StopWalk, limit time.Duration, rank int) Ranked {
	r, _ := p.RankViaAtMost(egress, limit, rank, limit)
	return r
}

// RankViaAtMost is RankVia for a caller who needs the rank-th time only
// when it is at most atMost (taken as limit when more): false when it is
// past atMost, then with nothing else worked out but a Time past atMost. It first reads only the stops whose bound
// is within atMost — no later stop can bring a minute within it — and
// counts the minutes within atMost; only when there are enough does it
// read the rest, as RankVia. A search that knows the time a place must
// beat to make its list thus skips the stops of places that cannot.
func (p *Profile) RankViaAtMost(egress []StopWalk, limit time.Duration, rank int, atMost time.Duration) (Ranked, bool) {
	sc, _ := rankPool.Get().(*rankScratch)
	if sc == nil {
		sc = new(rankScratch)
	}
	defer rankPool.Put(sc)

	// Egress stops whose walk on and least time are within the limit,
	// by that bound.
	sc.eg = sc.eg[:0]
	for _, e := range egress {
		if e.Stop < 0 || e.Stop >= len(p.r.n.stops) || e.Walk < 0 || e.Walk > limit {
			continue
		}
		lb := time.Duration(0)
		if p.lazy != nil {
			b, ok := p.lazy.bound(p, int32(e.Stop))
			if !ok {
				continue
			}
			lb = b
		}
		if lb+e.Walk <= limit {
			sc.eg = append(sc.eg, rankEgress{key: lb + e.Walk, e: e})
		}
	}
	// By bound, then stop: an insertion sort, as a place has a few stops.
	eg := sc.eg
	for i := 1; i < len(eg); i++ {
		for j := i; j > 0 && (eg[j].key < eg[j-1].key || eg[j].key == eg[j-1].key && eg[j].e.Stop < eg[j-1].e.Stop); j-- {
			eg[j], eg[j-1] = eg[j-1], eg[j]
		}
	}

	M := p.minutes
	out := slices.Grow(sc.out[:0], M)[:M]
	sc.out = out
	for m := range out {
		out[m] = Unreachable
	}
	if M > 0 {
		rank = min(max(rank, 0), M-1)
	}
	atMost = min(atMost, limit)
	checked := atMost == limit // nothing to check first
	latest := Unreachable      // the latest time so far, Unreachable while a minute is
	for _, g := range sc.eg {
		if !checked && g.key > atMost {
			// Every minute within atMost is known: enough of them?
			checked = true
			if !enoughWithin(out, atMost, rank) {
				return Ranked{Time: Unreachable, Minute: -1}, false
			}
		}
		if latest <= limit && g.key >= latest {
			break // no minute can come earlier
		}
		row := p.rowOf(g.e.Stop)
		if row == nil {
			continue
		}
		// A time v of the row counts when v s + walk is within the
		// limit: v ≤ vmax, which noTime never is.
		walk := g.e.Walk
		vmax := uint16(min(int64((limit-walk)/time.Second), int64(noTime)-1))
		hi := time.Duration(0)
		for m, v := range row[:M] {
			o := out[m]
			if v <= vmax {
				o = min(o, time.Duration(v)*time.Second+walk)
				out[m] = o
			}
			hi = max(hi, o)
		}
		latest = hi
	}

	if !checked && !enoughWithin(out, atMost, rank) {
		return Ranked{Time: Unreachable, Minute: -1}, false
	}
	res := Ranked{Time: Unreachable, Minute: -1}
	if M == 0 {
		return res, false
	}
	sc.sel = append(sc.sel[:0], out...)
	res.Time = kth(sc.sel, rank)
	res.Minute = slices.Index(out, res.Time)
	last := time.Duration(-1)
	for m, v := range out {
		if v == Unreachable {
			continue
		}
		if a := time.Duration(m)*time.Minute + v; a != last {
			res.Arrivals++
			last = a
		}
	}
	return res, res.Time <= atMost
}

// enoughWithin reports whether more than rank of the times are within
// atMost: whether the rank-th smallest is.
func enoughWithin(times []time.Duration, atMost time.Duration, rank int) bool {
	n := 0
	for _, v := range times {
		if v <= atMost {
			n++
		}
	}
	return n > rank
}

// rankEgress is an egress stop with a lower bound on its times, walk on.
type rankEgress struct {
	key time.Duration
	e   StopWalk
}

// rankScratch is reusable memory for RankVia.
type rankScratch struct {
	eg       []rankEgress
	out, sel []time.Duration
}

var rankPool sync.Pool

// kth returns the k-th smallest of xs (0-based), reordering xs: Hoare's
// selection, O(len(xs)) expected, where sorting a window's departure
// minutes for every destination would cost several times more.
func kth(xs []time.Duration, k int) time.Duration {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		// Median of three as the pivot keeps sorted runs (common: travel
		// times often rise or fall through a window) linear.
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}
