package transit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// Errors of the router. Test with errors.Is.
var (
	// ErrBadOptions marks RouterOptions with a negative or out-of-range
	// field; the error names the field.
	ErrBadOptions = errors.New("transit: invalid router options")
	// ErrNegativeWalk marks a negative walking time in a StopWalk.
	ErrNegativeWalk = errors.New("transit: negative walk")
	// ErrOutsideService marks a query date outside the feed's service
	// dates (Stats.First to Stats.Last), or a network without service.
	ErrOutsideService = errors.New("transit: date outside the feed's service dates")
	// ErrBadWindow marks a departure window that is empty, inverted,
	// starts before 00:00 or spans more than MaxWindow.
	ErrBadWindow = errors.New("transit: invalid departure window")
)

// Router defaults: what the zero RouterOptions mean.
const (
	DefaultMaxWalk      geo.Meters = 800              // walking distance to the first stop and from the last
	DefaultTransferWalk geo.Meters = 400              // walking distance between stops when changing vehicles
	DefaultMinTransfer             = time.Minute      // slack added to every transfer
	DefaultMaxTransfers            = 3                // transfers, so up to 4 rides
	MaxWindow                      = 24 * time.Hour   // longest departure window Range accepts
	maxTransfersCap                = 15               // MaxTransfers above this is refused
	maxWalkCap          geo.Meters = 10_000           // MaxWalk and TransferWalk above this are refused
	maxSlackCap                    = 2 * time.Hour    // MinTransfer above this is refused
	dayS                           = int32(24 * 3600) // seconds in a day without a clock change
)

// RouterOptions tunes a Router. The zero value means the defaults (the
// Default… constants); negative values and values past the documented
// caps are an ErrBadOptions. Distances are walking distances
// (great-circle × geo.DetourFactor), as NearbyStops measures them.
type RouterOptions struct {
	// MaxWalk bounds the walk from the origin to the first stop, from the
	// last stop to a destination point, and a walk straight from origin to
	// destination; 0 means 800 m; at most 10 km.
	MaxWalk geo.Meters `json:"max_walk,omitempty"`
	// TransferWalk bounds a walk between two stops when changing
	// vehicles; 0 means 400 m; at most 10 km.
	TransferWalk geo.Meters `json:"transfer_walk,omitempty"`
	// MinTransfer is the slack added to every transfer, on top of the
	// walk (transfers.txt may override it); 0 means 1 minute; at most 2 h.
	MinTransfer time.Duration `json:"min_transfer,omitempty"`
	// MaxTransfers caps the changes of vehicle in a journey; 0 means 3
	// (up to 4 rides); at most 15.
	MaxTransfers int `json:"max_transfers,omitempty"`
}

func (o RouterOptions) withDefaults() (RouterOptions, error) {
	var errs []error
	bad := func(field string, v any) {
		errs = append(errs, fmt.Errorf("%w: %s %v", ErrBadOptions, field, v))
	}
	if o.MaxWalk < 0 || o.MaxWalk > maxWalkCap || math.IsNaN(float64(o.MaxWalk)) {
		bad("MaxWalk", o.MaxWalk)
	}
	if o.TransferWalk < 0 || o.TransferWalk > maxWalkCap || math.IsNaN(float64(o.TransferWalk)) {
		bad("TransferWalk", o.TransferWalk)
	}
	if o.MinTransfer < 0 || o.MinTransfer > maxSlackCap {
		bad("MinTransfer", o.MinTransfer)
	}
	if o.MaxTransfers < 0 || o.MaxTransfers > maxTransfersCap {
		bad("MaxTransfers", o.MaxTransfers)
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	if o.MaxWalk == 0 {
		o.MaxWalk = DefaultMaxWalk
	}
	if o.TransferWalk == 0 {
		o.TransferWalk = DefaultTransferWalk
	}
	if o.MinTransfer == 0 {
		o.MinTransfer = DefaultMinTransfer
	}
	if o.MaxTransfers == 0 {
		o.MaxTransfers = DefaultMaxTransfers
	}
	return o, nil
}

// pattern is a set of trips with the same service, route, stops and
// pickup/drop-off rules, none overtaking another: trips are sorted by
// departure and every stop's times are non-decreasing across them.
type pattern struct {
	svc, route    int32
	stop0, nStops int32 // patStops[stop0 : stop0+nStops]
	time0         int32 // dep, arr: [time0 + pos*nTrips + trip]
	trip0, nTrips int32 // tripOf[trip0 : trip0+nTrips]
	lastArr       int32 // latest arrival of any trip, seconds
	firstDep      int32 // earliest departure of any trip, seconds
	monotone      bool  // every trip's arrivals are non-decreasing along the stops
}

type stopPat struct{ pat, pos int32 }

type foot struct {
	to, dur int32 // dur: seconds from alighting to being ready to board
}

// Router answers earliest-arrival and departure-window questions on a
// Network's timetable with RAPTOR (Delling, Pajor, Werneck 2012). Build
// one with NewRouter; it is immutable and safe for concurrent use by any
// number of goroutines.
type Router struct {
	n    *Network
	opts RouterOptions

	pats      []pattern
	patStops  []int32
	noPick    []bool // per pattern stop
	noDrop    []bool
	dep, arr  []int32
	tripOf    []int32 // original trip of each pattern trip
	spStart   []int32 // sp[spStart[s]:spStart[s+1]]: patterns calling at stop s
	sp        []stopPat
	fpStart   []int32 // fp[fpStart[s]:fpStart[s+1]]: transfers from stop s
	fp        []foot
	cont      []stopPat // per pattern trip: the pattern and trip it continues as (pos: trip), pat -1 for none; nil when none does
	slack     int32
	maxWalk   geo.Meters
	maxRounds int   // rides
	maxTime   int32 // latest time of any trip, seconds

	pool sync.Pool
}

// NewRouter prepares a router over n: it groups trips into patterns
// (expanding frequencies.txt trips into one trip per headway), indexes
// the patterns at each stop and precomputes the transfers between stops
// within opts.TransferWalk plus the feed's transfers.txt rules.
// O(stop times × log + stops × k) for k stops within the transfer walk;
// tens of milliseconds for a city feed.
func NewRouter(n *Network, opts RouterOptions) (*Router, error) {
	if n == nil {
		return nil, fmt.Errorf("%w: nil network", ErrBadOptions)
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Router{n: n, opts: o, slack: int32(o.MinTransfer / time.Second), maxWalk: o.MaxWalk,
		maxRounds: o.MaxTransfers + 1}
	r.buildPatterns()
	r.buildFootpaths()
	r.pool.New = func() any { return r.newScratch() }
	return r, nil
}

// Options returns the options in force, defaults filled in.
func (r *Router) Options() RouterOptions { return r.opts }

// Network returns the network the router was built on.
func (r *Router) Network() *Network { return r.n }

// tripRun is one trip of the timetable: an original trip, shifted by off
// seconds when it is one run of a frequency-based trip.
type tripRun struct {
	trip, off int32
}

func (r *Router) buildPatterns() {
	n := r.n
	groups := map[string][]tripRun{}
	var keys []string
	var kb []byte
	for t := range n.tripSvc {
		calls := n.calls[n.callStart[t]:n.callStart[t+1]]
		if len(calls) < 2 {
			continue
		}
		kb = kb[:0]
		kb = binary.LittleEndian.AppendUint32(kb, uint32(n.tripSvc[t]))
		kb = binary.LittleEndian.AppendUint32(kb, uint32(n.tripRoute[t]))
		for _, c := range calls {
			flags := uint32(0)
			if c.noPickup {
				flags |= 1 << 30
			}
			if c.noDrop {
				flags |= 1 << 31
			}
			kb = binary.LittleEndian.AppendUint32(kb, uint32(c.stop)|flags)
		}
		k := string(kb)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		fs := n.freqs[n.freqStart[t]:n.freqStart[t+1]]
		if len(fs) == 0 {
			groups[k] = append(groups[k], tripRun{int32(t), 0})
			continue
		}
		base := calls[0].t
		for _, f := range fs {
			for st := f.start; st < f.end; st += f.headway {
				groups[k] = append(groups[k], tripRun{int32(t), st - base})
			}
		}
	}
	depOf := func(tr tripRun, pos int) int32 {
		return n.calls[n.callStart[tr.trip]+int32(pos)].t + tr.off
	}
	arrOf := func(tr tripRun, pos int) int32 {
		return n.calls[n.callStart[tr.trip]+int32(pos)].arr + tr.off
	}
	for _, k := range keys {
		runs := groups[k]
		t0 := runs[0].trip
		calls := n.calls[n.callStart[t0]:n.callStart[t0+1]]
		ns := len(calls)
		slices.SortFunc(runs, func(a, b tripRun) int {
			for pos := range ns {
				if d := depOf(a, pos) - depOf(b, pos); d != 0 {
					return int(d)
				}
			}
			return int(a.trip - b.trip)
		})
		// Split into FIFO sub-patterns: each run joins the first whose
		// last run it does not overtake anywhere.
		var subs [][]tripRun
		for _, tr := range runs {
			placed := false
			for i, sub := range subs {
				last := sub[len(sub)-1]
				ok := true
				for pos := range ns {
					if depOf(tr, pos) < depOf(last, pos) || arrOf(tr, pos) < arrOf(last, pos) {
						ok = false
						break
					}
				}
				if ok {
					subs[i] = append(sub, tr)
					placed = true
					break
				}
			}
			if !placed {
				subs = append(subs, []tripRun{tr})
			}
		}
		for _, sub := range subs {
			p := pattern{
				svc: n.tripSvc[t0], route: n.tripRoute[t0],
				stop0: int32(len(r.patStops)), nStops: int32(ns),
				time0: int32(len(r.dep)), trip0: int32(len(r.tripOf)), nTrips: int32(len(sub)),
			}
			for _, c := range calls {
				r.patStops = append(r.patStops, c.stop)
				r.noPick = append(r.noPick, c.noPickup)
				r.noDrop = append(r.noDrop, c.noDrop)
			}
			p.monotone, p.firstDep = true, inf
			for pos := range ns {
				for _, tr := range sub {
					r.dep = append(r.dep, depOf(tr, pos))
					p.firstDep = min(p.firstDep, depOf(tr, pos))
					a := arrOf(tr, pos)
					r.arr = append(r.arr, a)
					p.lastArr = max(p.lastArr, a)
					if pos > 0 && a < arrOf(tr, pos-1) {
						p.monotone = false
					}
				}
			}
			for _, tr := range sub {
				r.tripOf = append(r.tripOf, tr.trip)
			}
			r.pats = append(r.pats, p)
			r.maxTime = max(r.maxTime, p.lastArr)
		}
	}
	r.linkContinuations()
	// Patterns at each stop.
	r.spStart = make([]int32, len(n.stops)+1)
	for _, p := range r.pats {
		for _, s := range r.patStops[p.stop0 : p.stop0+p.nStops] {
			r.spStart[s+1]++
		}
	}
	for i := 1; i < len(r.spStart); i++ {
		r.spStart[i] += r.spStart[i-1]
	}
	r.sp = make([]stopPat, r.spStart[len(n.stops)])
	fill := slices.Clone(r.spStart[:len(n.stops)])
	for pi, p := range r.pats {
		for pos, s := range r.patStops[p.stop0 : p.stop0+p.nStops] {
			r.sp[fill[s]] = stopPat{int32(pi), int32(pos)}
			fill[s]++
		}
	}
}

// served reports whether some pattern calls at stop s.
func (r *Router) served(s int) bool { return r.spStart[s+1] > r.spStart[s] }

func walkSeconds(a, b orb.Point) int32 {
	return int32(geo.WalkTime(geo.Distance(a, b)) / time.Second)
}

func (r *Router) buildFootpaths() {
	n := r.n
	type pair struct{ from, to int32 }
	type rule struct {
		transfer
		level int // stops the rule names itself rather than by their station: 0 to 2
	}
	// A rule naming a station applies to each of its stops; a rule
	// naming the stops themselves overrides it, and among rules naming
	// as many stops the later in the feed wins. Rules naming entrances,
	// nodes or boarding areas say nothing about riders changing vehicles.
	var children map[int32][]int32
	for _, t := range n.transfers {
		if n.stops[t.from].LocationType == LocationStation || n.stops[t.to].LocationType == LocationStation {
			children = map[int32][]int32{}
			for i, st := range n.stops {
				if st.LocationType != LocationStop || st.Parent == "" {
					continue
				}
				if p, ok := n.stopIdx[st.Parent]; ok {
					children[p] = append(children[p], int32(i))
				}
			}
			break
		}
	}
	stopsOf := func(s int32) ([]int32, int) {
		switch n.stops[s].LocationType {
		case LocationStop:
			return []int32{s}, 1
		case LocationStation:
			return children[s], 0
		}
		return nil, 0
	}
	rules := map[pair]rule{}
	rulesFrom := map[int32][]int32{} // destinations of rules from a stop, in feed order
	for _, t := range n.transfers {
		froms, lf := stopsOf(t.from)
		tos, lt := stopsOf(t.to)
		for _, a := range froms {
			for _, b := range tos {
				k := pair{a, b}
				old, dup := rules[k]
				if dup && old.level > lf+lt {
					continue
				}
				if !dup {
					rulesFrom[a] = append(rulesFrom[a], b)
				}
				rules[k] = rule{transfer{from: a, to: b, typ: t.typ, min: t.min}, lf + lt}
			}
		}
	}
	r.fpStart = make([]int32, len(n.stops)+1)
	var buf []foot
	for s := range n.stops {
		buf = buf[:0]
		st := n.stops[s]
		if st.LocationType == LocationStop && r.served(s) {
			add := func(to int32, explicit bool) {
				if !r.served(int(to)) {
					return
				}
				w := walkSeconds(st.Point, n.stops[to].Point)
				f := foot{to: to, dur: w + r.slack}
				if t, ok := rules[pair{int32(s), to}]; ok {
					switch t.typ {
					case TransferForbidden:
						return
					case TransferTimed:
						f.dur = w
					case TransferMinTime:
						f.dur = t.min
					}
				} else if explicit {
					return
				}
				buf = append(buf, f)
			}
			for to := range n.NearbyStops(st.Point, r.opts.TransferWalk) {
				add(int32(to), false)
			}
			for _, to := range rulesFrom[int32(s)] {
				d := geo.WalkDistance(geo.Distance(st.Point, n.stops[to].Point))
				if d > r.opts.TransferWalk {
					add(to, true) // beyond the walk, but the feed names it
				}
			}
			slices.SortFunc(buf, func(a, b foot) int { return int(a.to - b.to) })
		}
		r.fp = append(r.fp, buf...)
		r.fpStart[s+1] = int32(len(r.fp))
	}
}

// StopWalk is a stop and the walking time to or from it.
type StopWalk struct {
	Stop int           // index in Network.Stops
	Walk time.Duration // walking time, geo.WalkTime of the great-circle distance
}

// Access returns the stops served by some trip whose walking distance
// from p (lon, lat) is within Options().MaxWalk, with their walking times,
// ordered by stop index. It serves for access from an origin and for
// egress to a destination alike. Cost: an rtree search, O(log stops + k).
func (r *Router) Access(p orb.Point) []StopWalk {
	var out []StopWalk
	for s := range r.n.NearbyStops(p, r.maxWalk) {
		if r.served(s) {
			out = append(out, StopWalk{Stop: s, Walk: geo.WalkTime(geo.Distance(p, r.n.stops[s].Point))})
		}
	}
	slices.SortFunc(out, func(a, b StopWalk) int { return a.Stop - b.Stop })
	return out
}

// WalkTime returns the time to walk from a to b (geo.WalkTime of the
// great-circle distance) and true when the walking distance is within
// Options().MaxWalk — the walk To and Times count besides riding. Callers
// of DepartFrom and RangeFrom use it to add a home's own walk.
func (r *Router) WalkTime(a, b orb.Point) (time.Duration, bool) {
	w, ok := r.directWalk(a, b)
	return time.Duration(w) * time.Second, ok
}

// directWalk returns the walking seconds from a to b, or false past MaxWalk.
func (r *Router) directWalk(a, b orb.Point) (int32, bool) {
	d := geo.Distance(a, b)
	if geo.WalkDistance(d) > r.maxWalk {
		return 0, false
	}
	return int32(geo.WalkTime(d) / time.Second), true
}

func (r *Router) checkStops(sw []StopWalk, what string) error {
	var errs []error
	for i, s := range sw {
		if s.Stop < 0 || s.Stop >= len(r.n.stops) {
			errs = append(errs, fmt.Errorf("%w: %s[%d]: stop index %d of %d", ErrUnknownStop, what, i, s.Stop, len(r.n.stops)))
		} else if s.Walk < 0 {
			errs = append(errs, fmt.Errorf("%w: %s[%d]: %v", ErrNegativeWalk, what, i, s.Walk))
		} else if s.Walk > MaxWindow {
			errs = append(errs, fmt.Errorf("%w: %s[%d]: walk %v longer than a day", ErrBadOptions, what, i, s.Walk))
		}
	}
	return errors.Join(errs...)
}

// dayBase returns the start of the service day: noon minus 12 h of the
// civil date day in the network's zone.
func (n *Network) dayBase(day int32) time.Time {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, n.loc).Add(-12 * time.Hour)
}

func (n *Network) checkDay(day int32) error {
	if !n.hasSpan || day < n.first || day > n.last {
		d := time.Unix(int64(day)*86400, 0).UTC().Format(time.DateOnly)
		if !n.hasSpan {
			return fmt.Errorf("%w: %s: the network has no service", ErrOutsideService, d)
		}
		return fmt.Errorf("%w: %s not in %s to %s", ErrOutsideService, d,
			n.dayTime(n.first).Format(time.DateOnly), n.dayTime(n.last).Format(time.DateOnly))
	}
	return nil
}
