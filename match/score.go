package match

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Candidate is one provider scored for one need or interest of a
// student. It holds no strings of its own and is passed by value;
// Prepared.Explain turns it into words.
type Candidate struct {
	// Provider is a read-only view of the provider.
	Provider directory.Listing `json:"provider"`
	// Item numbers the need or interest (see Prepared.Items).
	Item int `json:"item"`
	// Score is the weighted mean of the components that apply, in [0, 1].
	Score float64 `json:"score"`
	// Components holds each component's value in [0, 1]; 0 where it does
	// not apply (see Applies).
	Components [NumComponents]float64 `json:"components"`
	// Distance is the great-circle distance from where travel starts.
	Distance geo.Meters `json:"distance"`
	// Travel is the one-way travel time: on foot or by car an estimate
	// from the distance; by bus the timetable's door-to-door time over
	// the departure minutes of the window, as Config.Travel chooses
	// (the median by default).
	Travel time.Duration `json:"travel"`
	// By is how that trip is made: ModeWalk, ModeTransit, ModeCar or
	// ModeSchool. In transit mode a trip quicker on foot is ModeWalk.
	By TravelMode `json:"by"`

	mask     uint16
	level    int8                // category levels above the item's (0: the item's category or narrower)
	prov     *directory.Provider // what Provider views
	slot     int32               // the provider's slot in the matcher's directory version; -1 when unknown
	words    uint8               // tokens found in the provider's own listing
	catWords uint8               // tokens found only through its categories
	ntokens  uint8
	open     time.Duration // overlap of opening hours with the windows
	trip     trip
}

// trip is where a trip by bus was found: the window group, the
// departure minute whose travel time is the statistic (for its
// itinerary), and how many distinct trips an hour reach the provider
// within the limit.
type trip struct {
	group  int8
	minute int16
	rate   float32
}

// Applies reports whether component c counts in the candidate's score.
func (c *Candidate) Applies(comp Component) bool {
	return comp >= 0 && comp < NumComponents && c.mask&(1<<comp) != 0
}

// Constraint is a set of hard constraints, one bit each: what excludes a
// provider.
type Constraint uint16

// Hard constraints.
const (
	ConstraintCategory   Constraint = 1 << iota // not in the item's category or a broader one
	ConstraintAge                               // age limits exclude the student
	ConstraintGrade                             // grade limits exclude the student
	ConstraintFree                              // not free, and the family asked for free only
	ConstraintWheelchair                        // not wheelchair accessible, and the student needs it
	ConstraintExcluded                          // in Constraints.Exclude
	ConstraintResidency                         // restricted to residents of another region
	ConstraintSeats                             // no open seat
	ConstraintSchedule                          // known hours miss every availability window
	ConstraintTravel                            // beyond the travel time or distance limit, or no location
	numConstraints       = 10
)

var constraintNames = [numConstraints]string{"category", "age", "grade", "free", "wheelchair", "excluded", "residency", "seats", "schedule", "travel"}

// String names the constraints in the set, joined with "|" ("age|travel").
func (c Constraint) String() string {
	var parts []string
	for i := range numConstraints {
		if c&(1<<i) != 0 {
			parts = append(parts, constraintNames[i])
		}
	}
	return strings.Join(parts, "|")
}

// MarshalText implements encoding.TextMarshaler.
func (c Constraint) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Evaluate scores provider l for item as Plan would, or reports every
// hard constraint it breaks (then the Candidate is partly filled and must
// not be used). It answers a Navigator's "why not this one?" and is the
// reference the spatial search is tested against. l may come from this
// matcher's directory version (the usual case: O(windows + boarding
// stops), no allocation) or be any other provider's listing, evaluated
// as if it were in the directory (a deep copy, and a search for its
// stops). The zero Listing gives ErrBadProvider.
func (p *Prepared) Evaluate(item int, l directory.Listing) (Candidate, Constraint, error) {
	if item < 0 || item >= len(p.items) {
		return Candidate{}, 0, ErrBadItem
	}
	if l.IsZero() {
		return Candidate{}, 0, ErrBadProvider
	}
	idx, prov := p.m.own(l)
	c, viol := p.evaluateAt(item, idx, prov)
	return c, viol, nil
}

// evaluateOwn is Evaluate for a provider of the matcher's version.
func (p *Prepared) evaluateOwn(item int, prov *directory.Provider) (Candidate, Constraint, error) {
	if item < 0 || item >= len(p.items) {
		return Candidate{}, 0, ErrBadItem
	}
	c, viol := p.evaluateAt(item, p.m.slotOf(prov), prov)
	return c, viol, nil
}

// evaluateAt evaluates prov, in slot idx (-1: none), for item.
func (p *Prepared) evaluateAt(item int, idx int32, prov *directory.Provider) (Candidate, Constraint) {
	var c Candidate
	d := geo.Meters(0)
	if !prov.Unplaced {
		d = geo.Distance(p.origin, prov.Point)
	}
	viol, _ := p.evaluate(&p.items[item], idx, prov, d, levelUnknown, -1, -1, evalAll, &c)
	c.Item = item
	return c, viol
}

// levelOf returns how many levels above code prov's nearest listing is:
// 0 for code or a descendant, 1 for its parent…, -1 when unrelated.
func levelOf(prov *directory.Provider, code string) int {
	best := -1
	for _, pc := range prov.Categories {
		if directory.IsUnder(pc, code) {
			return 0
		}
		if directory.IsUnder(code, pc) {
			up := directory.Depth(code) - directory.Depth(pc)
			if best < 0 || up < best {
				best = up
			}
		}
	}
	return best
}

// Ways to evaluate a provider.
const (
	evalFirst = iota // score it, returning at the first broken constraint
	evalAll          // score it and report every broken constraint
	evalWhy          // only report every broken constraint: no score
)

// levelUnknown asks evaluate to work out the provider's category level.
const levelUnknown = -2

// evaluate fills c for prov at great-circle distance d and returns the
// constraints it breaks (see the eval… ways). lvl is levelOf(prov,
// pi.Category) when the caller knows it (a search reading the category's
// own list knows it is 0), else levelUnknown; tb is travelBound(d) when
// the caller has it, else negative. When cut ≥ 0 and the score cannot
// reach cut it returns pruned, skipping the costly parts (words, travel)
// whenever a bound allows.
func (p *Prepared) evaluate(pi *pitem, idx int32, prov *directory.Provider, d geo.Meters, lvl int, tb time.Duration, cut float64, how int, c *Candidate) (viol Constraint, pruned bool) {
	c.prov, c.Provider, c.slot = prov, p.m.view(prov), idx
	c.Distance = d
	c.mask = pi.mask
	if lvl == levelUnknown {
		lvl = levelOf(prov, pi.Category)
	}
	if lvl < 0 {
		// Not a candidate at all: nothing else is worth checking.
		return ConstraintCategory, false
	}
	c.level = int8(lvl)
	e := &prov.Eligibility
	if p.age > 0 && !e.AgeOK(p.age) {
		viol |= ConstraintAge
	}
	if p.hasGrade && !e.GradeOK(p.grade) {
		viol |= ConstraintGrade
	}
	if p.free && prov.Cost != directory.CostFree {
		viol |= ConstraintFree
	}
	if p.wheel && !prov.Wheelchair {
		viol |= ConstraintWheelchair
	}
	if len(p.exclude) > 0 {
		if _, found := slices.BinarySearch(p.exclude, prov.ID); found {
			viol |= ConstraintExcluded
		}
	}
	if r := e.Residency; r != "" && p.resident != nil {
		set, name, _ := strings.Cut(r, ":")
		if home, ok := p.resident[set]; ok && home != name {
			viol |= ConstraintResidency
		}
	}
	if !p.m.cfg.IncludeFull && !prov.HasSeats() {
		viol |= ConstraintSeats
	}
	// Beyond the search radius no trip can be within the limits.
	far := prov.Unplaced || d > p.radius || (p.maxDist > 0 && d > p.maxDist)
	if far {
		viol |= ConstraintTravel
	}
	if viol != 0 && how == evalFirst {
		return viol, false
	}

	// Schedule: overlap with the windows, and the transit groups of the
	// windows in which the provider is open.
	groups := uint32(math.MaxUint32)
	if len(p.windows) > 0 {
		c.open = 0
		if prov.Hours.Known() {
			groups = 0
			for i := range p.windows {
				w := &p.windows[i]
				if o := prov.Hours.Overlap(w.day, w.start, w.end); o > 0 {
					c.open += o
					if w.group >= 0 {
						groups |= 1 << w.group
					}
				}
			}
			if c.open == 0 {
				viol |= ConstraintSchedule
				if how == evalFirst {
					return viol, false
				}
			}
			c.Components[Schedule] = float64(c.open) / float64(p.winTotal)
		} else {
			c.Components[Schedule] = 0.5
		}
	}
	if how == evalWhy {
		if !far && p.travelBound(d) <= p.limit {
			if t, _ := p.travel(idx, prov, d, groups, &c.trip, p.limit); t > p.limit {
				viol |= ConstraintTravel
			}
		} else if !far {
			viol |= ConstraintTravel
		}
		return viol, false
	}

	// The components that cost little, then an upper bound with words at
	// their best and travel at its bound.
	c.Components[Language] = p.language(prov)
	c.Components[Specificity] = 1 / float64(1+lvl)
	c.Components[Capacity] = headroom(prov)
	c.Components[Cost] = costScore(prov.Cost)
	atMost := p.limit // the longest trip that can still beat cut
	if cut >= 0 && pi.wsum > 0 {
		if tb < 0 {
			tb = p.travelBound(d)
		}
		L := p.limit.Seconds()
		ub := pi.w[Transit]*p.transitBound(d) + pi.w[Words] + pi.w[Travel]*(1-min(1, tb.Seconds()/L))
		for comp := Schedule; comp < Words; comp++ {
			ub += pi.w[comp] * c.Components[comp]
		}
		if ub/pi.wsum+1e-9 < cut {
			return viol, true
		}
		if len(pi.tokens) > 0 {
			p.scoreWords(pi, prov, c)
			ub -= pi.w[Words] * (1 - c.Components[Words])
			if ub/pi.wsum+1e-9 < cut {
				return viol, true
			}
		}
		if p.mode == ModeTransit && pi.w[Travel] > 0 {
			// With a trip of T seconds the score is at most ub less
			// w·(T − tb)/L: past tb + L·(ub/wsum + 10⁻⁹ − cut)·wsum/w it
			// cannot reach cut. A second more covers rounding.
			t := min(tb.Seconds(), L) + L*(ub/pi.wsum+1e-9-cut)*pi.wsum/pi.w[Travel] + 1
			if t < L {
				atMost = secs(t)
			}
		}
	} else if len(pi.tokens) > 0 {
		p.scoreWords(pi, prov, c)
	}

	// Travel.
	if !far {
		c.Travel, c.By = p.travel(idx, prov, d, groups, &c.trip, atMost)
		if c.Travel > atMost && atMost < p.limit {
			// Within the limit or not, too slow to beat cut.
			return viol, true
		}
		if c.Travel > p.limit {
			viol |= ConstraintTravel
		}
	}
	if viol != 0 {
		return viol, false
	}
	c.Components[Travel] = 1 - c.Travel.Seconds()/p.limit.Seconds()
	if p.mode == ModeTransit {
		if c.By == ModeWalk {
			c.Components[Transit] = 1
		} else {
			c.Components[Transit] = min(1, float64(c.trip.rate)/transit.HighFrequency)
		}
	}
	sum := 0.0
	for comp := Component(0); comp < NumComponents; comp++ {
		if pi.w[comp] > 0 {
			sum += pi.w[comp] * c.Components[comp]
		} else {
			c.Components[comp] = 0
		}
	}
	if pi.wsum > 0 {
		c.Score = sum / pi.wsum
	}
	return 0, false
}

func (p *Prepared) scoreWords(pi *pitem, prov *directory.Provider, c *Candidate) {
	own, cat := p.m.matchWords(pi.tokens, prov)
	c.words, c.catWords, c.ntokens = uint8(own), uint8(cat), uint8(len(pi.tokens))
	c.Components[Words] = (float64(own) + CategoryWordCredit*float64(cat)) / float64(len(pi.tokens))
}

// travel returns the one-way trip to prov at distance d; groups masks
// the transit groups of windows in which prov is open. A trip that cannot
// be made returns a time past the limit (transit.Unreachable); so may a
// bus trip past atMost (at most the limit), which the caller only needs
// to know is past it.
func (p *Prepared) travel(idx int32, prov *directory.Provider, d geo.Meters, groups uint32, tr *trip, atMost time.Duration) (time.Duration, TravelMode) {
	switch p.mode {
	case ModeCar, ModeSchool:
		return carTime(d), p.mode
	case ModeWalk:
		return geo.WalkTime(d), ModeWalk
	}
	walk := geo.WalkTime(d)
	best := transit.Unreachable
	if len(p.groups) > 0 {
		var stops []directory.NearStop
		if idx >= 0 {
			stops = p.m.stopsAt(idx)
		} else {
			stops = p.m.cat.StopsNear(p.m.view(prov))
		}
		var ebuf [32]transit.StopWalk
		egress := ebuf[:0]
		for _, ns := range stops {
			if ns.Walk > p.m.cfg.StopWalk {
				break
			}
			egress = append(egress, transit.StopWalk{Stop: ns.Stop, Walk: geo.WalkTime(ns.Walk / geo.DetourFactor)})
		}
		if len(egress) > 0 {
			for gi := range p.groups {
				g := &p.groups[gi]
				if groups&(1<<gi) == 0 || g.prof == nil {
					continue
				}
				t, minute, rate := p.stat(g, egress, atMost)
				if t < best {
					best = t
					*tr = trip{group: int8(gi), minute: int16(minute), rate: float32(rate)}
				}
			}
		}
	}
	if walk <= best && walk <= p.walkOnly() {
		*tr = trip{} // whatever bus trip was timed, the walk is taken
		return walk, ModeWalk
	}
	return best, ModeTransit
}

// stat returns Config.Travel of the travel times via egress over the
// departure minutes of g, the first minute with that time, and the
// trips an hour that arrive within the limit: the distinct arrivals,
// less one for the trip the window's edges share out (at least one), per
// hour of window, which is exact for a regular headway. Arrivals never
// come earlier for a later departure, so a new trip starts wherever the
// arrival changes. A time past atMost (at most the limit) comes as
// transit.Unreachable.
func (p *Prepared) stat(g *tgroup, egress []transit.StopWalk, atMost time.Duration) (time.Duration, int, float64) {
	n := g.prof.Minutes()
	var k int
	switch p.m.cfg.Travel {
	case StatMin:
		k = 0
	case StatP90:
		k = (9*n+9)/10 - 1
	default:
		k = (n+1)/2 - 1
	}
	r, ok := g.prof.RankViaAtMost(egress, p.limit, k, atMost)
	if !ok {
		return transit.Unreachable, -1, 0
	}
	trips := r.Arrivals
	if trips > 1 {
		trips--
	}
	return r.Time, r.Minute, float64(trips) / (g.end - g.start).Hours()
}

// language scores the family's languages: 1 when the provider serves the
// first, 0.5 when it serves another, 0 otherwise.
func (p *Prepared) language(prov *directory.Provider) float64 {
	for i, l := range p.langs {
		if prov.SpeaksLanguage(l) {
			if i == 0 {
				return 1
			}
			return 0.5
		}
	}
	return 0
}

// headroom is the share of seats open; 1 when capacity is unknown, which
// matching treats as unlimited.
func headroom(prov *directory.Provider) float64 {
	if prov.Capacity <= 0 {
		return 1
	}
	return max(0, float64(prov.Capacity-prov.Enrolled)/float64(prov.Capacity))
}

// costScore: free 1, sliding scale 0.6, unknown 0.4, fee 0.2.
func costScore(c directory.Cost) float64 {
	switch c {
	case directory.CostFree:
		return 1
	case directory.CostSlidingScale:
		return 0.6
	case directory.CostFee:
		return 0.2
	}
	return 0.4
}
