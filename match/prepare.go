package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Prepared is a student compiled for matching: validated, with the
// availability windows, the timetable travel times from home for each of
// them (transit mode) and each item's words worked out once. Plan uses
// it; cohort matching uses it to score many candidate providers per
// student without repeating that work.
//
// A Prepared is immutable and safe for concurrent use. It keeps
// references to the student's slices: do not modify them while it is in
// use.
type Prepared struct {
	m        *Matcher
	origin   orb.Point
	og       gpt // origin, for distLB
	mode     TravelMode
	limit    time.Duration
	maxDist  geo.Meters // 0: none
	radius   geo.Meters // no provider farther can be within the limits
	age      int
	grade    int
	hasGrade bool
	langs    []string
	free     bool
	wheel    bool
	exclude  []string // sorted
	resident map[string]string
	windows  []pwindow
	winTotal time.Duration
	groups   []tgroup
	items    []pitem
	hot      hotFilter
	// env bounds timetable travel by distance (see travelBound): the
	// stops reached within the limit, nearest the origin first.
	env envelope
	// noService is set in transit mode when no bus leaves a stop within
	// walking distance of home in any window.
	noService bool
	// tmax bounds the transit component of a trip by bus (see
	// transitBound).
	tmax float64
	// stopLB, in transit mode with a profile, is per stop a lower bound
	// on the least travel time there over every group and minute,
	// seconds (+Inf where none): stopBound's per-provider bound.
	stopLB []float32
}

// pwindow is one availability window on one day.
type pwindow struct {
	day        time.Weekday
	start, end time.Duration
	group      int // index in groups, -1 without transit
}

// tgroup gathers the windows of days with the same transit services and
// the same hours (weekday windows usually are), so that their timetable
// travel times are computed once: one range query from home over the
// window, on the plan week's date of the first such day.
type tgroup struct {
	days       Days
	date       time.Time
	start, end time.Duration
	sig        int // index of the day's services in Matcher.daySigs
	// prof holds the travel time from home to every stop for each
	// departure minute of the window; nil when no bus can be caught
	// near home.
	prof *routed
	// departures counts the departures from the stops near home from the
	// window's start until its end plus the travel limit: no more
	// distinct trips can leave home in the window.
	departures int
}

// pitem is a compiled need or interest.
type pitem struct {
	Item
	label  string
	tokens []string
	// levels are the ancestors of the category with providers listed
	// directly under them, nearest first, with their distance in levels.
	levels []ancestor
	mask   uint16                 // applicable components
	wsum   float64                // Σ weights of applicable components
	w      [NumComponents]float64 // weights, zero where not applicable
}

type ancestor struct {
	code string
	up   int
}

// Validate reports every bad field of s as a *FieldError, joined with
// errors.Join, as Prepare and Plan would, without quoting the student's
// data; nil when s can be matched. It is cheap: no travel is computed.
func (m *Matcher) Validate(s Student) error {
	var errs []error
	bad := func(field string, err, cause error) {
		errs = append(errs, &FieldError{Field: field, Err: err, Cause: cause})
	}
	// allow states the rule a field broke.
	allow := func(rule string) { errs[len(errs)-1].(*FieldError).Allowed = rule }
	c := &s.Constraints
	if err := geo.ValidatePoint(s.Home); err != nil {
		bad("home", ErrBadLocation, geoCause(err))
	}
	if s.School != nil {
		if err := geo.ValidatePoint(*s.School); err != nil {
			bad("school", ErrBadLocation, geoCause(err))
		}
	}
	if s.Age < 0 || s.Age > 130 {
		bad("age", ErrOutOfRange, nil)
		allow("0 (unknown) to 130 years")
	}
	if s.HasGrade && (s.Grade < directory.GradePreK || s.Grade > 12) {
		bad("grade", ErrOutOfRange, nil)
		allow("-1 (pre-K), 0 (kindergarten) to 12")
	}
	for i, l := range s.Languages {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l || strings.IndexFunc(l, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			bad(index("languages", i), ErrBadLanguage, nil)
			allow(`a 2- or 3-letter lower-case ISO 639 code, e.g. "en", "es"`)
		}
	}
	if len(s.Needs)+len(s.Interests) == 0 {
		bad("needs", ErrNothingToMatch, nil)
	}
	if len(s.Needs)+len(s.Interests) > MaxItems {
		bad("needs", ErrTooMany, nil)
		allow(fmt.Sprintf("at most %d needs and interests together", MaxItems))
	}
	for i, n := range s.Needs {
		f := index("needs", i)
		m.checkCategory(f, n.Category, bad)
		if n.Severity < MinSeverity || n.Severity > MaxSeverity {
			bad(f+".severity", ErrOutOfRange, nil)
			allow(fmt.Sprintf("%d to %d", MinSeverity, MaxSeverity))
		}
		if len(n.Words) > MaxWords {
			bad(f+".words", ErrTooLong, nil)
			allow(fmt.Sprintf("at most %d bytes", MaxWords))
		}
	}
	for i, n := range s.Interests {
		f := index("interests", i)
		m.checkCategory(f, n.Category, bad)
		if len(n.Words) > MaxWords {
			bad(f+".words", ErrTooLong, nil)
			allow(fmt.Sprintf("at most %d bytes", MaxWords))
		}
	}
	strengths := 0
	for _, w := range s.Strengths {
		strengths += len(w)
	}
	if strengths > MaxWords {
		bad("strengths", ErrTooLong, nil)
	}
	if c.Mode < 0 || c.Mode >= numModes {
		bad("constraints.mode", ErrBadMode, nil)
	}
	if c.Mode == ModeSchool && s.School == nil {
		bad("school", ErrMissing, nil)
	}
	if c.Mode == ModeTransit && m.net == nil {
		bad("constraints.mode", ErrNoTransit, nil)
	}
	if c.MaxTravel < 0 || c.MaxTravel > MaxTravelLimit {
		bad("constraints.max_travel", ErrOutOfRange, nil)
		allow(fmt.Sprintf("0 (the mode's default) to %v", MaxTravelLimit))
	}
	if d := float64(c.MaxDistance); d < 0 || math.IsNaN(d) || d > float64(directory.MaxRadius) {
		bad("constraints.max_distance", ErrOutOfRange, nil)
		allow(fmt.Sprintf("0 (none) to %.0f m", float64(directory.MaxRadius)))
	}
	for i, w := range c.Availability {
		f := index("constraints.availability", i)
		if w.Days&EveryDay == 0 || w.Days&^EveryDay != 0 {
			bad(f+".days", ErrBadDays, nil)
		}
		if w.Start < 0 || w.End > 24*time.Hour || w.End <= w.Start {
			bad(f, ErrBadWindow, nil)
			allow("start ≥ 0, end ≤ 24h, end after start")
		}
	}
	for i, id := range c.Exclude {
		if id == "" {
			bad(index("constraints.exclude", i), ErrMissing, nil)
		}
	}
	return errors.Join(errs...)
}

// Prepare validates s and compiles it for matching. Bad fields are
// reported as *FieldError values joined with errors.Join; no error quotes
// the student's data. In transit mode it runs one timetable range query
// from home per group of availability windows (see the package
// documentation), which is most of its cost; it returns ctx's error if
// ctx ends first.
func (m *Matcher) Prepare(ctx context.Context, s Student) (*Prepared, error) {
	return m.prepare(ctx, s, true)
}

// prepare is Prepare; without search it leaves out the transit envelope
// and its search radius, which only searches need (they bound what they
// have not scored yet): such a Prepared scores given providers, exactly
// as the whole one would, and must not search.
func (m *Matcher) prepare(ctx context.Context, s Student, search bool) (*Prepared, error) {
	if err := m.Validate(s); err != nil {
		return nil, err
	}
	c := &s.Constraints

	p := &Prepared{
		m:        m,
		origin:   s.Home,
		mode:     c.Mode,
		limit:    c.MaxTravel,
		maxDist:  c.MaxDistance,
		age:      s.Age,
		grade:    s.Grade,
		hasGrade: s.HasGrade,
		langs:    s.Languages,
		free:     c.FreeOnly,
		wheel:    c.Wheelchair,
		exclude:  slices.Sorted(slices.Values(c.Exclude)),
	}
	if p.mode == ModeSchool {
		p.origin = *s.School
	}
	p.og = newGpt(p.origin)
	if p.limit == 0 {
		p.limit = DefaultMaxTravel(p.mode)
	}
	if sets := m.cat.RegionSets(); len(sets) > 0 {
		// Residency is decided by home; outside every region of a set
		// the student is a resident of none of them ("").
		p.resident = m.cat.RegionsAt(s.Home)
		for _, set := range sets {
			if _, ok := p.resident[set]; !ok {
				p.resident[set] = ""
			}
		}
	}
	if err := p.compileWindows(ctx, c.Availability); err != nil {
		return nil, err
	}
	p.compileHot()
	if search || p.mode != ModeTransit {
		if p.mode == ModeTransit {
			p.compileEnvelope()
		}
		p.radius = p.searchRadius()
	} else {
		// No search: a provider's own trip decides (travel), never the
		// radius's shortcut.
		p.radius = directory.MaxRadius
		if p.maxDist > 0 {
			p.radius = min(p.radius, p.maxDist)
		}
	}
	p.compileItems(&s)
	return p, nil
}

func index(field string, i int) string {
	return field + "[" + itoa(i) + "]"
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// geoCause returns the geo sentinel behind err, so that the error says
// what is wrong without the coordinates geo's messages quote.
func geoCause(err error) error {
	if errors.Is(err, geo.ErrLikelySwapped) {
		return swapped{}
	}
	for _, s := range []error{geo.ErrNotFinite, geo.ErrNullIsland, geo.ErrLatitude, geo.ErrLongitude} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// swapped is geo's swapped-coordinates error without the coordinates: it
// is both geo.ErrLikelySwapped and geo.ErrLatitude.
type swapped struct{}

func (swapped) Error() string   { return geo.ErrLikelySwapped.Error() }
func (swapped) Unwrap() []error { return []error{geo.ErrLikelySwapped, geo.ErrLatitude} }

func (m *Matcher) checkCategory(f, code string, bad func(string, error, error)) {
	if code == "" {
		bad(f+".category", ErrMissing, nil)
		return
	}
	if _, ok := m.tax.Lookup(code); !ok {
		bad(f+".category", ErrUnknownCategory, directory.ErrUnknownCategory)
	}
}

// compileWindows expands the availability windows to days and, in
// transit mode, maps each onto the plan week's date of that day, groups
// days with the same services and hours, and runs one range query from
// home per group.
func (p *Prepared) compileWindows(ctx context.Context, ws []WeeklyWindow) error {
	m := p.m
	for _, w := range ws {
		for _, d := range dayOrder {
			if w.Days.Has(d) {
				p.windows = append(p.windows, pwindow{day: d, start: w.Start, end: w.End, group: -1})
				p.winTotal += w.End - w.Start
			}
		}
	}
	if p.mode != ModeTransit {
		return nil
	}
	tw := p.windows
	if len(tw) == 0 {
		// Any time: leaving after school on a weekday.
		tw = []pwindow{{day: time.Wednesday, start: 15*time.Hour + 30*time.Minute, end: 16*time.Hour + 30*time.Minute, group: -1}}
	}
	for i := range tw {
		w := &tw[i]
		off := (int(w.day) + 6) % 7
		g := slices.IndexFunc(p.groups, func(g tgroup) bool {
			return g.sig == m.daySigs[off] && g.start == w.start && g.end == w.end
		})
		if g == -1 {
			p.groups = append(p.groups, tgroup{date: m.week.AddDate(0, 0, off), start: w.start, end: w.end, sig: m.daySigs[off]})
			g = len(p.groups) - 1
		}
		p.groups[g].days |= 1 << w.day
		w.group = g
	}
	if len(p.windows) == 0 {
		p.windows = nil // the default transit window is not an availability window
	}
	access := m.router.Access(p.origin)
	p.noService = true
	for gi := range p.groups {
		g := &p.groups[gi]
		for _, a := range access {
			g.departures += m.net.Departures(a.Stop, transit.Window{Date: g.date, Start: g.start + a.Walk, End: g.end + p.limit})
		}
		if g.departures == 0 {
			continue // no bus to catch: walking only
		}
		p.noService = false
		// Trips longer than the limit are never used: the router need not
		// follow them (times within it are exact).
		prof, err := m.profiles.get(ctx, m.router, access, transit.Window{Date: g.date, Start: g.start, End: g.end, MaxTravel: p.limit})
		if err != nil {
			return err
		}
		g.prof = prof
		rate := float64(g.departures) / (g.end - g.start).Hours()
		p.tmax = max(p.tmax, min(1, rate/transit.HighFrequency))
	}
	return nil
}

// envelope is a lower bound on the timetable travel time to any place at
// great-circle distance r from the origin. A trip by bus ends with a walk
// from some stop s, reached no sooner than a[s] (a lower bound on the
// least travel time to s over every group and departure minute,
// transit.Profile.LeastBounds) and at least r − d[s] from the
// place (d[s] the stop's distance from the origin), so it takes at least
//
//	min over s of a[s] + c·max(0, r − d[s])
//
// with c the seconds a meter of straight line takes on foot. Every term
// has the same slope, so with the stops sorted by d the minimum is the
// smaller of a suffix minimum of a (stops at least r away) and c·r plus a
// prefix minimum of a − c·d (stops nearer): O(log stops) per bound.
type envelope struct {
	d      []geo.Meters
	a      []float64 // a[i], seconds
	sufA   []float64 // min a[j] over j ≥ i, seconds
	preACD []float64 // min a[j] − c·d[j] over j ≤ i, seconds
	minA   float64
	// first[b] is the first stop at least b·envStep away: bound's
	// search starts there.
	first []int32
}

// envStep is the width of the envelope's distance buckets.
const envStep geo.Meters = 64

// walkSecsPerMeter is c: straight-line meters to walking seconds.
const walkSecsPerMeter = geo.DetourFactor / geo.WalkSpeed

// envScratch is reusable memory for compileEnvelope.
type envScratch struct {
	best []float64 // per stop, for the envelope
	keys []uint64  // the envelope's stops, distance and time packed
}

func (p *Prepared) compileEnvelope() {
	lim := p.limit.Seconds()
	net := p.m.net
	sc := p.m.scratch.Get().(*envScratch)
	defer p.m.scratch.Put(sc)
	if cap(sc.best) < len(net.Stops()) {
		sc.best = make([]float64, len(net.Stops()))
	}
	best := sc.best[:len(net.Stops())]
	for i := range best {
		best[i] = math.Inf(1)
	}
	for gi := range p.groups {
		g := &p.groups[gi]
		if g.prof == nil {
			continue
		}
		// Lower bounds on the least times serve as well as the times:
		// the envelope only bounds.
		g.prof.LeastBounds(func(s int, least time.Duration) {
			if least != transit.Unreachable {
				best[s] = min(best[s], least.Seconds())
			}
		})
	}
	// Each stop within the limit as one sortable key: its distance from
	// the origin in whole centimeters, rounded up, above its least time
	// in whole seconds. A distance no less than the stop's keeps every
	// term of the envelope a lower bound (and the reach an upper one).
	keys := sc.keys[:0]
	p.stopLB = make([]float32, len(best))
	for s, a := range best {
		// Exact: the bounds are whole seconds, far below 2²⁴.
		p.stopLB[s] = float32(a)
		if a <= lim {
			cm := math.Ceil(float64(distUB(&p.og, &p.m.stopPts[s])) * 100)
			keys = append(keys, uint64(cm)<<32|uint64(a))
		}
	}
	// Sorted by distance, then time, so the envelope does not depend on
	// the map's order.
	slices.Sort(keys)
	sc.keys = keys
	e := &p.env
	e.minA = math.Inf(1)
	n := len(keys)
	e.d = make([]geo.Meters, n)
	e.a = make([]float64, n)
	e.sufA = make([]float64, n)
	e.preACD = make([]float64, n)
	for i, k := range keys {
		d, a := geo.Meters(float64(k>>32)/100), float64(k&(1<<32-1))
		e.d[i], e.a[i] = d, a
		v := a - walkSecsPerMeter*float64(d)
		if i > 0 {
			v = min(v, e.preACD[i-1])
		}
		e.preACD[i] = v
		e.minA = min(e.minA, a)
	}
	for i := n - 1; i >= 0; i-- {
		e.sufA[i] = e.a[i]
		if i+1 < n {
			e.sufA[i] = min(e.sufA[i], e.sufA[i+1])
		}
	}
	if n > 0 {
		e.first = make([]int32, int(e.d[n-1]/envStep)+1)
		i := 0
		for b := range e.first {
			for i < n && e.d[i] < geo.Meters(b)*envStep {
				i++
			}
			e.first[b] = int32(i)
		}
	}
}

// bound returns the envelope at r in seconds, +Inf without stops.
func (e *envelope) bound(r geo.Meters) float64 {
	// The first stop at least r away: from the first of r's bucket.
	i := len(e.d)
	if b := int(r / envStep); r >= 0 && b < len(e.first) {
		i = int(e.first[b])
		for i < len(e.d) && e.d[i] < r {
			i++
		}
	}
	b := math.Inf(1)
	if i < len(e.d) {
		b = e.sufA[i]
	}
	if i > 0 {
		b = min(b, walkSecsPerMeter*float64(r)+e.preACD[i-1])
	}
	return b
}

// reach returns the farthest great-circle distance from the origin a bus
// trip can end within limit seconds: a stop reached in a[s] plus the walk
// on, no longer than the limit left nor maxWalk (walking distance).
func (e *envelope) reach(limit float64, maxWalk geo.Meters) geo.Meters {
	var r geo.Meters
	for i, d := range e.d {
		left := limit - e.a[i]
		if left < 0 {
			continue
		}
		r = max(r, d+min(maxWalk/geo.DetourFactor, geo.Meters(left/walkSecsPerMeter)))
	}
	return r
}

// searchRadius is the great-circle distance beyond which no provider can
// be reached within the limits: the largest r with travelBound(r) within
// the limit.
func (p *Prepared) searchRadius() geo.Meters {
	L := p.limit
	var r geo.Meters
	switch p.mode {
	case ModeCar, ModeSchool:
		r = geo.Meters(L.Seconds() * CarSpeed / geo.DetourFactor)
	default:
		r = geo.WalkReach(min(L, p.walkOnly()))
		if p.mode == ModeTransit {
			r = max(r, p.env.reach(L.Seconds()+boundSlack, p.m.cfg.StopWalk))
		}
	}
	r += 1 // meters of slack against rounding
	if p.maxDist > 0 {
		r = min(r, p.maxDist)
	}
	return min(r, directory.MaxRadius)
}

// boundSlack covers the roundings to the second of the router's walking
// times and of the stops' walking distances to the meter.
const boundSlack = 2.0

// travelBound is a lower bound on the travel time to any provider at
// great-circle distance r: exact on foot and by car; in transit mode the
// smaller of the walk (when walking is allowed that far) and the
// envelope of timetable travel times. Non-decreasing in r.
func (p *Prepared) travelBound(r geo.Meters) time.Duration {
	switch p.mode {
	case ModeCar, ModeSchool:
		return carTime(r)
	}
	best := geo.WalkTime(r)
	if p.mode != ModeTransit {
		return best
	}
	b := math.Inf(1)
	if best <= p.walkOnly() {
		b = best.Seconds()
	}
	b = min(b, p.env.bound(r)-boundSlack)
	return secs(b)
}

// stopBound is a lower bound on the travel time to a provider at
// distance at least r whose nearest transit stop is a walk of at least
// sw meters (NearStop.Walk): on foot as travelBound; by bus, the
// envelope at r, and no less than the quickest stop plus that walk.
//
// With the record's stops (Prepared.stopLB known), the trip by bus is
// also no quicker than the best of its egress stops — those travel
// uses — each a lower bound on the least time there plus the walk on:
// exact in whole seconds, it needs no slack. That part reads the
// provider's stops, so it is taken only when egress is set: search asks
// for it only for records the cheaper bound has not already ruled out.
func (p *Prepared) stopBound(r geo.Meters, rc *rec, egress bool) time.Duration {
	b := math.Inf(1)
	if wt := geo.WalkTime(r); wt <= p.walkOnly() {
		b = wt.Seconds()
	}
	bus := max(p.env.bound(r), p.env.minA+float64(rc.StopWalk)/geo.WalkSpeed) - boundSlack
	if egress && p.stopLB != nil && bus < b {
		// (When the walk bounds lower, the stops cannot raise the result.)
		eg := math.Inf(1)
		for _, ns := range p.m.stopsAt(rc.Slot) {
			if ns.Walk > p.m.cfg.StopWalk {
				break
			}
			eg = min(eg, float64(p.stopLB[ns.Stop])+geo.WalkTime(ns.Walk/geo.DetourFactor).Seconds())
		}
		bus = max(bus, eg)
	}
	return secs(min(b, bus))
}

// secs converts a bound in seconds to a Duration, saturating at the
// largest Duration for +Inf.
func secs(b float64) time.Duration {
	if b >= float64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(max(0, b) * float64(time.Second))
}

// transitBound bounds the transit component of any provider at distance
// at least dl: 1 (a walk scores 1) unless walking that far takes longer
// than walkOnly, when the trip is by bus and no more distinct trips can
// leave in a window than buses leave the stops near home.
func (p *Prepared) transitBound(dl geo.Meters) float64 {
	if p.mode == ModeTransit && geo.WalkTime(dl) > p.walkOnly() {
		return p.tmax
	}
	return 1
}

// walkOnly is the longest trip taken on foot in transit mode: the limit,
// but no more than DefaultMaxTravel(ModeWalk).
func (p *Prepared) walkOnly() time.Duration {
	if p.mode != ModeTransit {
		return p.limit
	}
	return min(p.limit, DefaultMaxTravel(ModeWalk))
}

func carTime(r geo.Meters) time.Duration {
	return time.Duration(math.Round(float64(r)*geo.DetourFactor/CarSpeed)) * time.Second
}

// compileItems numbers the needs and interests and works out, for each,
// its words, broader categories to search and applicable weights.
func (p *Prepared) compileItems(s *Student) {
	m := p.m
	var strengths []string
	for _, w := range s.Strengths {
		strengths = append(strengths, tokenize(w)...)
	}
	add := func(it Item, extra []string) {
		pi := pitem{Item: it}
		if c, ok := m.tax.Lookup(it.Category); ok {
			pi.label = c.Label
		}
		pi.tokens = append(tokenize(it.Words), extra...)
		pi.tokens = slices.Compact(sortedCopy(pi.tokens))
		for up, a := 1, directory.ParentCode(it.Category); a != ""; up, a = up+1, directory.ParentCode(a) {
			if m.src.Direct(a) > 0 {
				pi.levels = append(pi.levels, ancestor{code: a, up: up})
			}
		}
		for c := Component(0); c < NumComponents; c++ {
			w := m.weights[c]
			switch c {
			case Transit:
				if p.mode != ModeTransit {
					w = 0
				}
			case Schedule:
				if len(p.windows) == 0 {
					w = 0
				}
			case Language:
				if len(p.langs) == 0 {
					w = 0
				}
			case Words:
				if len(pi.tokens) == 0 {
					w = 0
				}
			}
			if w > 0 {
				pi.mask |= 1 << c
				pi.w[c] = w
				pi.wsum += w
			}
		}
		p.items = append(p.items, pi)
	}
	for i, n := range s.Needs {
		add(Item{Kind: KindNeed, Index: i, Category: n.Category, Severity: n.Severity, Words: n.Words}, nil)
	}
	for i, n := range s.Interests {
		add(Item{Kind: KindInterest, Index: i, Category: n.Category, Words: n.Words}, strengths)
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Items returns the student's needs and then interests, numbered as the
// item arguments of Top, Candidates, Evaluate and Diagnose take them.
func (p *Prepared) Items() []Item {
	out := make([]Item, len(p.items))
	for i := range p.items {
		out[i] = p.items[i].Item
	}
	return out
}

// Radius returns the great-circle distance from where travel starts
// beyond which no provider can be within the student's limits.
func (p *Prepared) Radius() geo.Meters { return p.radius }
