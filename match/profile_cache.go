package match

import (
	"container/list"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// DefaultProfileCache is the memory, in bytes, a Matcher keeps for
// timetable range queries when Config.ProfileCache is zero: 64 MiB, some
// 450 hour-long windows on a city network of 1,200 stops.
const DefaultProfileCache = 64 << 20

// profileCache keeps the range queries of recent origins, so that a
// student planned again (a Navigator changing a need) and students whose
// homes reach the same stops with the same walks share one run. Assign
// uses a cache of its own that composes profiles from shared per-stop
// runs instead (rangeCache). It is
// keyed by the access stops with their walking times and the window, and
// evicts the least recently used profiles beyond its byte budget. Only
// stop indexes and times are kept: nothing that names a student.
type profileCache struct {
	mu     sync.Mutex
	budget int
	used   int
	lru    *list.List // of *profileEntry, most recent first
	byKey  map[string]*list.Element
	// ranges, when set, composes every profile from per-stop ranges
	// shared by all origins (cohort matching: see rangeCache) instead of
	// running and caching one query per origin.
	ranges *rangeSet
}

// rangeSet holds the shared per-stop ranges of one cohort assignment,
// one transit.StopRanges per window (date, hours and travel limit).
type rangeSet struct {
	mu      sync.Mutex
	maxWalk time.Duration
	byWin   map[transit.Window]*rangeEntry
}

type rangeEntry struct {
	once sync.Once
	sr   *transit.StopRanges
	err  error
}

// rangeCache returns a cache for one cohort assignment: profiles are
// composed from per-stop range runs shared by every student and every
// phase (candidates, then explanations), so that no stop is routed from
// twice and no student's profile is kept beyond its use. Origins walking
// farther than the router's MaxWalk (none, from Access) are routed alone.
func rangeCache(r *transit.Router) *profileCache {
	walk := geo.WalkTime(r.Options().MaxWalk/geo.DetourFactor) + time.Second
	return &profileCache{lru: list.New(), byKey: map[string]*list.Element{},
		ranges: &rangeSet{maxWalk: walk, byWin: map[transit.Window]*rangeEntry{}}}
}

// of returns the shared ranges of window w, made on first use.
func (rs *rangeSet) of(r *transit.Router, w transit.Window) (*transit.StopRanges, error) {
	rs.mu.Lock()
	e, ok := rs.byWin[w]
	if !ok {
		e = &rangeEntry{}
		rs.byWin[w] = e
	}
	rs.mu.Unlock()
	e.once.Do(func() { e.sr, e.err = r.NewStopRanges(w, rs.maxWalk) })
	return e.sr, e.err
}

type profileEntry struct {
	key  string
	once sync.Once
	prof *routed
	err  error
	size int
}

// routed is a range profile with what plans derive from it, computed
// once however many plans share it: the itineraries explained so far.
type routed struct {
	*transit.Profile
	journeys sync.Map // journeyKey → journeyEntry
}

func newRouted(prof *transit.Profile) *routed {
	return &routed{Profile: prof}
}

// journey returns the itinerary to prov leaving at minute, rebuilt once
// per profile: Explain and Legs of every plan sharing it read the same.
func (r *routed) journey(prov *directory.Provider, minute int16) (transit.Journey, bool) {
	key := journeyKey{minute: minute, prov: prov}
	if v, ok := r.journeys.Load(key); ok {
		e := v.(journeyEntry)
		return e.j, e.ok
	}
	j, ok := r.Journey(prov.Point, int(minute))
	r.journeys.Store(key, journeyEntry{j, ok})
	return j, ok
}

// journeyKey and journeyEntry memoize routed.journey.
type journeyKey struct {
	minute int16
	prov   *directory.Provider
}

type journeyEntry struct {
	j  transit.Journey
	ok bool
}

func newProfileCache(budget int) *profileCache {
	return &profileCache{budget: budget, lru: list.New(), byKey: map[string]*list.Element{}}
}

func profileKey(access []transit.StopWalk, w transit.Window) string {
	var b strings.Builder
	b.Grow(16 + 10*len(access))
	b.WriteString(w.Date.Format(time.DateOnly))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(int64(w.Start/time.Second), 10))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(int64(w.End/time.Second), 10))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(int64(w.MaxTravel/time.Second), 10))
	for _, a := range access {
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(a.Stop))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(int64(a.Walk/time.Second), 10))
	}
	return b.String()
}

// get returns the profile of a range query from access over w, computing
// it once however many goroutines ask at the same time. A failed run
// (ctx ended) is not kept.
func (c *profileCache) get(ctx context.Context, r *transit.Router, access []transit.StopWalk, w transit.Window) (*routed, error) {
	if c != nil && c.ranges != nil {
		sr, err := c.ranges.of(r, w)
		if err != nil {
			return nil, err
		}
		prof, err := sr.RangeFrom(ctx, access)
		if err != nil {
			return nil, err
		}
		return newRouted(prof), nil
	}
	if c == nil || c.budget <= 0 {
		prof, err := r.RangeFrom(ctx, access, w)
		if err != nil {
			return nil, err
		}
		return newRouted(prof), nil
	}
	key := profileKey(access, w)
	c.mu.Lock()
	el, ok := c.byKey[key]
	if ok {
		c.lru.MoveToFront(el)
	} else {
		el = c.lru.PushFront(&profileEntry{key: key})
		c.byKey[key] = el
	}
	e := el.Value.(*profileEntry)
	c.mu.Unlock()

	e.once.Do(func() {
		var prof *transit.Profile
		prof, e.err = r.RangeFrom(ctx, access, w)
		if e.err == nil {
			e.prof = newRouted(prof)
			e.size = prof.Size() + len(key) + 128
		}
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.err != nil {
		if cur, ok := c.byKey[key]; ok && cur == el {
			c.lru.Remove(el)
			delete(c.byKey, key)
		}
		return nil, e.err
	}
	if !ok {
		c.used += e.size
		for c.used > c.budget && c.lru.Len() > 1 {
			last := c.lru.Back()
			le := last.Value.(*profileEntry)
			if le == e {
				break
			}
			c.lru.Remove(last)
			delete(c.byKey, le.key)
			c.used -= le.size
		}
	}
	return e.prof, nil
}
