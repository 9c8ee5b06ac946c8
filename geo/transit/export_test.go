package transit

import (
	"context"
	"time"
)

// RangePlain is the range query without its shortcuts: RAPTOR rounds at
// every minute of the window, no travel bound, a row for every stop. The
// tests compare Range with it and the benchmarks time it beside Range.
func (r *Router) RangePlain(ctx context.Context, origins []StopWalk, w Window) (*Profile, error) {
	if err := r.checkStops(origins, "origins"); err != nil {
		return nil, err
	}
	day := dayOf(w.Date)
	if err := r.n.checkDay(day); err != nil {
		return nil, err
	}
	start := int32((w.Start + time.Second - 1) / time.Second)
	M := int((w.End - w.Start + time.Minute - 1) / time.Minute)
	ns := len(r.n.stops)
	p := &Profile{r: r, day: day, start: start, base: r.n.dayBase(day), minutes: M, origins: origins,
		times: make([]uint16, ns*M), stops: make([]int32, ns), rows: make([]int32, ns)}
	for s := range ns {
		p.stops[s], p.rows[s] = int32(s), int32(s)
	}
	sc := r.pool.Get().(*scratch)
	defer r.pool.Put(sc)
	r.reset(sc, day, start, start+int32(M-1)*60)
	K := r.maxRounds
	for m := M - 1; m >= 0; m-- {
		t := start + int32(m)*60
		r.access(sc, origins, t)
		if err := r.rounds(ctx, sc); err != nil {
			return nil, err
		}
		ride, acc := sc.ride[K], sc.ready[0]
		for s := range ns {
			v := min(ride[s], acc[s])
			enc := noTime
			if v != inf && v-t < int32(noTime) {
				enc = uint16(v - t)
			}
			p.times[s*M+m] = enc
		}
	}
	return p, nil
}

// MaxWindows is the bound of the DeparturesPerHour memo.
const MaxWindows = maxWindows

// MemoLen returns the number of windows the DeparturesPerHour memo holds.
func (n *Network) MemoLen() int { return n.windows.len() }

// MemoHolds reports whether the DeparturesPerHour memo holds window w.
func (n *Network) MemoHolds(w Window) bool {
	n.windows.mu.Lock()
	defer n.windows.mu.Unlock()
	_, ok := n.windows.m[keyOf(w)]
	return ok
}

// Kth is kth, the selection RankVia uses.
var Kth = kth
