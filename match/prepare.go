package match

import (
	"errors"
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
// origin's transit stops, the windows' departure rates and each item's
// words worked out once. Plan uses it; cohort matching uses it to score
// many candidate providers per student without repeating that work.
//
// A Prepared is immutable and safe for concurrent use. It keeps
// references to the student's slices: do not modify them while it is in
// use.
type Prepared struct {
	m        *Matcher
	origin   orb.Point
	og       gpt // origin, for distLB
	mode     Mode
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
	// bounders are the boarding stops of every group that travelBound
	// needs: those no other stop beats at every distance.
	bounders []bounder
	// tmax bounds the transit component of a trip by bus: the best
	// boarding stop's departures against transit.HighFrequency.
	tmax float64
}

// bounder is a boarding stop as travelBound sees it.
type bounder struct {
	cost time.Duration // walk and wait
	dist geo.Meters    // great-circle from the origin
}

// pwindow is one availability window on one day.
type pwindow struct {
	day        time.Weekday
	start, end time.Duration
	group      int // index in groups, -1 without transit
}

// tgroup gathers the windows whose stops have the same departure rates
// (weekday windows usually do), so that a transit estimate is made once
// per group.
type tgroup struct {
	rates   []float64
	days    Days
	start   time.Duration
	end     time.Duration
	origins []ostop // boarding stops, least cost first
}

// ostop is a boarding stop near the origin.
type ostop struct {
	stop int32
	pt   orb.Point
	g    gpt           // pt, for fastRide
	dist geo.Meters    // great-circle from the origin
	walk time.Duration // walking time from the origin
	wait time.Duration // half the headway
	rate float64
}

func (o *ostop) cost() time.Duration { return o.walk + o.wait }

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

// Prepare validates s and compiles it for matching. Bad fields are
// reported as *FieldError values joined with errors.Join; no error quotes
// the student's data.
func (m *Matcher) Prepare(s Student) (*Prepared, error) {
	var errs []error
	bad := func(field string, err, cause error) {
		errs = append(errs, &FieldError{Field: field, Err: err, Cause: cause})
	}
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
	}
	if s.HasGrade && (s.Grade < directory.GradePreK || s.Grade > 12) {
		bad("grade", ErrOutOfRange, nil)
	}
	for i, l := range s.Languages {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l || strings.IndexFunc(l, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			bad(index("languages", i), ErrBadLanguage, nil)
		}
	}
	if len(s.Needs)+len(s.Interests) == 0 {
		bad("needs", ErrNothingToMatch, nil)
	}
	if len(s.Needs)+len(s.Interests) > MaxItems {
		bad("needs", ErrTooMany, nil)
	}
	for i, n := range s.Needs {
		f := index("needs", i)
		m.checkCategory(f, n.Category, bad)
		if n.Severity < MinSeverity || n.Severity > MaxSeverity {
			bad(f+".severity", ErrOutOfRange, nil)
		}
		if len(n.Words) > MaxWords {
			bad(f+".words", ErrTooLong, nil)
		}
	}
	for i, n := range s.Interests {
		f := index("interests", i)
		m.checkCategory(f, n.Category, bad)
		if len(n.Words) > MaxWords {
			bad(f+".words", ErrTooLong, nil)
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
	}
	if d := float64(c.MaxDistance); d < 0 || math.IsNaN(d) || d > float64(directory.MaxRadius) {
		bad("constraints.max_distance", ErrOutOfRange, nil)
	}
	for i, w := range c.Availability {
		f := index("constraints.availability", i)
		if w.Days&EveryDay == 0 || w.Days&^EveryDay != 0 {
			bad(f+".days", ErrBadDays, nil)
		}
		if w.Start < 0 || w.End > 24*time.Hour || w.End <= w.Start {
			bad(f, ErrBadWindow, nil)
		}
	}
	for i, id := range c.Exclude {
		if id == "" {
			bad(index("constraints.exclude", i), ErrMissing, nil)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

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
		p.resident = make(map[string]string, len(sets))
		for _, set := range sets {
			name := ""
			if rs, ok := m.cat.Regions(set); ok {
				if reg, ok := rs.Locate(s.Home); ok {
					name = reg.Name
				}
			}
			p.resident[set] = name
		}
	}
	p.compileWindows(c.Availability)
	p.compileHot()
	p.radius = p.searchRadius()
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

// compileWindows expands the availability windows to days, maps each onto
// a date of the plan week for transit, and finds the boarding stops.
func (p *Prepared) compileWindows(ws []Window) {
	net := p.m.net
	for _, w := range ws {
		for _, d := range dayOrder {
			if w.Days.Has(d) {
				p.windows = append(p.windows, pwindow{day: d, start: w.Start, end: w.End, group: -1})
				p.winTotal += w.End - w.Start
			}
		}
	}
	if p.mode != ModeTransit {
		return
	}
	tw := p.windows
	if len(tw) == 0 {
		// Any time: estimate for a weekday afternoon.
		tw = []pwindow{{day: time.Wednesday, start: 15 * time.Hour, end: 18 * time.Hour, group: -1}}
	}
	for i := range tw {
		w := &tw[i]
		off := (int(w.day) + 6) % 7
		date := p.m.week.AddDate(0, 0, off)
		rates := net.DeparturesPerHour(transit.Window{Date: date, Start: w.start, End: w.end})
		if len(rates) == 0 {
			continue // a network without stops
		}
		g := slices.IndexFunc(p.groups, func(g tgroup) bool {
			return g.start == w.start && g.end == w.end && (&g.rates[0] == &rates[0] || slices.Equal(g.rates, rates))
		})
		if g == -1 {
			p.groups = append(p.groups, tgroup{rates: rates, start: w.start, end: w.end})
			g = len(p.groups) - 1
		}
		p.groups[g].days |= 1 << w.day
		w.group = g
	}
	if len(p.windows) == 0 {
		p.windows = nil // the default transit window is not an availability window
	}
	walk := p.m.cfg.StopWalk
	for gi := range p.groups {
		g := &p.groups[gi]
		for s, wd := range net.NearbyStops(p.origin, walk) {
			r := g.rates[s]
			if r <= 0 {
				continue
			}
			g.origins = append(g.origins, ostop{
				stop: int32(s),
				pt:   net.Stops()[s].Point,
				g:    newGpt(net.Stops()[s].Point),
				dist: geo.Distance(p.origin, net.Stops()[s].Point),
				walk: geo.WalkTime(wd / geo.DetourFactor),
				wait: halfHeadway(r),
				rate: r,
			})
		}
		slices.SortFunc(g.origins, func(a, b ostop) int {
			if a.cost() != b.cost() {
				return int(a.cost() - b.cost())
			}
			return int(a.stop - b.stop)
		})
		if len(g.origins) > BoardingStops {
			g.origins = g.origins[:BoardingStops]
		}
	}
	p.compileBounders()
}

// compileBounders keeps, of the boarding stops of all groups, those
// travelBound needs: a stop with no less walk and wait than another and
// no farther from the origin can never give a smaller bound (the ride
// over what remains of r only grows as the stop nears the origin), so
// dropping it leaves every bound exactly as it was.
func (p *Prepared) compileBounders() {
	n := 0
	for gi := range p.groups {
		n += len(p.groups[gi].origins)
	}
	if n == 0 {
		return
	}
	all := make([]bounder, 0, n)
	rate := 0.0
	for gi := range p.groups {
		for _, o := range p.groups[gi].origins {
			all = append(all, bounder{cost: o.cost(), dist: o.dist})
			rate = max(rate, o.rate)
		}
	}
	p.tmax = min(1, rate/transit.HighFrequency)
	// Least cost first, and among equal costs the farthest first: a stop
	// is needed only if it is farther than every one before it.
	slices.SortFunc(all, func(a, b bounder) int {
		if a.cost != b.cost {
			return int(a.cost - b.cost)
		}
		return -cmpMeters(a.dist, b.dist)
	})
	p.bounders = all[:0]
	for _, b := range all {
		if len(p.bounders) == 0 || b.dist > p.bounders[len(p.bounders)-1].dist {
			p.bounders = append(p.bounders, b)
		}
	}
}

func cmpMeters(a, b geo.Meters) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// halfHeadway is the mean wait for a bus running rate times an hour.
func halfHeadway(rate float64) time.Duration {
	return time.Duration(math.Round(1800/rate)) * time.Second
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
		reach := p.m.cfg.StopWalk / geo.DetourFactor
		for _, g := range p.groups {
			for _, o := range g.origins {
				if o.cost() <= L {
					r = max(r, o.dist+reach+geo.Meters((L-o.cost()).Seconds()*BusSpeed/geo.DetourFactor))
				}
			}
		}
	}
	r += 1 // meters of slack against rounding
	if p.maxDist > 0 {
		r = min(r, p.maxDist)
	}
	return min(r, directory.MaxRadius)
}

// travelBound is a lower bound on the travel time to any provider at
// great-circle distance r: exact on foot and by car; for transit, the
// least walk-and-wait at a boarding stop plus the ride over what the
// triangle inequality leaves of r once both walks to stops are at their
// longest. Non-decreasing in r.
func (p *Prepared) travelBound(r geo.Meters) time.Duration {
	switch p.mode {
	case ModeCar, ModeSchool:
		return carTime(r)
	}
	best := geo.WalkTime(r)
	if p.mode != ModeTransit {
		return best
	}
	if best > p.walkOnly() {
		// Too far to walk all the way; without a bus the trip fails,
		// which any bound allows.
		best = time.Duration(math.MaxInt64)
	}
	reach := p.m.cfg.StopWalk / geo.DetourFactor
	for _, o := range p.bounders {
		ride := max(0, r-o.dist-reach)
		t := o.cost + rideTime(ride) - time.Second
		if t < best {
			best = t
		}
	}
	return max(best, 0)
}

// stopBound is a lower bound on the travel time to a provider at
// distance at least r whose nearest transit stop is a walk of at least
// sw meters (NearStop.Walk): on foot as travelBound; by bus, for an
// alighting stop a straight x ≥ sw/DetourFactor from the provider, the
// ride from boarding stop o is at least r − o.dist − x and the walk
// from the stop takes x × DetourFactor / WalkSpeed, a sum that only
// grows with x (walking is slower than riding), so x = sw/DetourFactor
// bounds it; less a second and a hundredth for the two roundings to the
// second. Never below travelBound's bus part by more than that slack.
func (p *Prepared) stopBound(r geo.Meters, sw uint16) time.Duration {
	best := math.Inf(1)
	if wt := geo.WalkTime(r); wt <= p.walkOnly() {
		best = wt.Seconds()
	}
	x := float64(sw) / geo.DetourFactor
	walk := float64(sw) / geo.WalkSpeed
	for _, o := range p.bounders {
		ride := max(0, float64(r-o.dist)-x)
		best = min(best, o.cost.Seconds()+ride*geo.DetourFactor/BusSpeed+walk-1.01)
	}
	if best >= float64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(max(0, best) * float64(time.Second))
}

// transitBound bounds the transit component of any provider at distance
// at least dl: 1 (a walk scores 1) unless walking that far takes longer
// than walkOnly, when the trip is by bus from a boarding stop departing
// no more often than the best one.
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

// rideTime is the in-vehicle time over great-circle distance d.
func rideTime(d geo.Meters) time.Duration {
	return time.Duration(math.Round(rideSecs(d))) * time.Second
}

// rideSecs is the in-vehicle time over d in seconds, unrounded.
func rideSecs(d geo.Meters) float64 {
	return float64(d) * geo.DetourFactor / BusSpeed
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
			if m.direct[a] > 0 {
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
// item arguments of Top, Candidates, Evaluate and Unmet take them.
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
