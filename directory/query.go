package directory

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/spatial"
)

// Query asks for providers near a point that pass hard filters. The zero
// value of each filter field means "no filter".
type Query struct {
	// Near is the point distances are measured from, (lon, lat).
	Near orb.Point `json:"near"`
	// Radius limits the great-circle distance from Near; 0 means no limit.
	Radius geo.Meters `json:"radius,omitempty"`
	// K limits Search to the K nearest matches; 0 means all within Radius.
	// At least one of Radius, K and Serves must be set for Search. K is at
	// most MaxK.
	K int `json:"k,omitempty"`

	// Categories keeps providers in any of these categories or their
	// descendants.
	Categories []string `json:"categories,omitempty"`
	// OpenAt keeps providers open at this instant in their own time zone.
	// Providers with unknown hours are dropped unless UnknownHoursOK.
	OpenAt         time.Time `json:"open_at,omitzero"`
	UnknownHoursOK bool      `json:"unknown_hours_ok,omitempty"`
	// Age keeps providers whose age limits admit a person of this age in
	// years; 0 means not given.
	Age int `json:"age,omitempty"`
	// Grade keeps providers whose grade limits admit this grade (GradePreK,
	// GradeK, 1…12) when HasGrade is set.
	Grade    int  `json:"grade,omitempty"`
	HasGrade bool `json:"has_grade,omitempty"`
	// Language keeps providers that serve this ISO 639-1 language.
	Language string `json:"language,omitempty"`
	// FreeOnly keeps providers whose Cost is CostFree.
	FreeOnly bool `json:"free_only,omitempty"`
	// Wheelchair keeps wheelchair-accessible providers.
	Wheelchair bool `json:"wheelchair,omitempty"`
	// HasSeats keeps providers with a free seat or unknown capacity.
	HasSeats bool `json:"has_seats,omitempty"`
	// Region keeps providers located inside a region, named "set:name"
	// ("neighborhoods:Highland Park"), from a set given to the Builder.
	Region string `json:"region,omitempty"`
	// ResidentOf is the student's home region per set, ("zipcodes" →
	// "37404"); when set, providers restricted to residents of another
	// region are dropped.
	ResidentOf map[string]string `json:"resident_of,omitempty"`
	// Exclude lists provider IDs to leave out (already tried, declined).
	Exclude []string `json:"exclude,omitempty"`
	// Transit keeps providers near a well-served transit stop; it needs a
	// directory built with a transit network.
	Transit *TransitFilter `json:"transit,omitempty"`
	// Serves keeps the providers that serve the place Near, whatever the
	// distance: those with a Provider.ServiceAreas entry naming a region,
	// of any region set the directory was built with, that contains Near
	// (boundary as geo.Regions.Locate). An entry names a region as
	// "set:name" ("zipcodes:37404") or by the bare name ("37404",
	// "Highland Park"), compared without case and surrounding spaces;
	// entries naming no region of the directory ("Hamilton County" with
	// no county set, free text) never match. Result.ServiceArea says
	// which area matched. Radius and K still apply when set; Serves alone
	// is enough of a limit for Search. Providers without a location are
	// never returned, as for every spatial query. Cost: one region lookup
	// per set, then a check of each candidate's service areas; with K
	// and few serving providers, every placed provider of the categories
	// may be visited. A directory without region sets gives ErrBadQuery.
	Serves bool `json:"serves,omitempty"`
	// Trip keeps providers reachable by public transit from Near within
	// a time, leaving in a window, from the timetable (see TripFilter);
	// Search only.
	Trip *TripFilter `json:"trip,omitempty"`
}

// Result is one provider found by a query.
type Result struct {
	// Provider is a read-only view of the provider found.
	Provider Listing
	// Distance is the great-circle distance from Query.Near.
	Distance geo.Meters
	// Walk estimates the time to walk there (geo.WalkTime).
	Walk time.Duration
	// Transit describes the provider's best transit stop for the query's
	// window; nil unless the query had a Transit filter.
	Transit *StopInfo
	// ServiceArea names the region, as "set:name" ("zipcodes:37404"), by
	// which the provider serves Query.Near; set only when the query asked
	// for Serves.
	ServiceArea string
	// Trip is how the provider is reached by transit; set only when the
	// query had a Trip filter.
	Trip *TripInfo
}

// Errors about queries.
var (
	ErrNoLimit       = errors.New("directory: query needs a radius, k or serves")
	ErrBadRadius     = errors.New("directory: radius out of range")
	ErrBadK          = errors.New("directory: k out of range")
	ErrUnknownRegion = errors.New("directory: unknown region")
	ErrBadQuery      = errors.New("directory: bad query")
)

// MaxK is the largest Query.K: a person reads a few dozen results, and a
// bound keeps a query's memory small (a K of a billion would otherwise
// allocate gigabytes before the first match). Larger values are rejected
// with ErrBadK.
const MaxK = 1000

// MaxRadius is the largest radius a query may ask for: 500 km, far beyond
// any trip to a local service, so larger values are taken to be mistakes.
const MaxRadius geo.Meters = 500_000

// filter is a Query compiled for fast checks.
type filter struct {
	q          *Query
	cats       []string
	region     *geo.Regions
	regionSet  string
	regionName string
	exclude    map[string]struct{}
	transit    *transitCheck
	serves     *servedAreas // nil unless Query.Serves

	// The OpenAt instant as a wall clock in the zone last seen; nearly all
	// providers share one zone, so this saves a conversion per candidate.
	openLoc  *time.Location
	openWD   time.Weekday
	openTOD  time.Duration
	openSlot int

	openHour int // hour of the week of OpenAt in the records' zone (recZone); -1 without OpenAt

	need    uint16 // meta flags a provider must have
	age     uint8
	langBit uint32
}

// compile validates q and prepares its filters.
func (d *Directory) compile(q *Query) (*filter, error) {
	if err := geo.ValidatePoint(q.Near); err != nil {
		return nil, fmt.Errorf("%w: near: %w", ErrBadQuery, err)
	}
	if q.Radius < 0 || q.Radius > MaxRadius || math.IsNaN(float64(q.Radius)) {
		return nil, fmt.Errorf("%w: %v", ErrBadRadius, float64(q.Radius))
	}
	if q.K < 0 || q.K > MaxK {
		return nil, fmt.Errorf("%w: %d, want 0 to %d", ErrBadK, q.K, MaxK)
	}
	if q.Age < 0 || q.Age > 130 {
		return nil, fmt.Errorf("%w: age %d", ErrBadQuery, q.Age)
	}
	if q.HasGrade && (q.Grade < GradePreK || q.Grade > 12) {
		return nil, fmt.Errorf("%w: grade %d", ErrBadQuery, q.Grade)
	}
	f := &filter{q: q, age: clampAge(q.Age), openHour: -1}
	if !q.OpenAt.IsZero() {
		wd, tod := localClock(q.OpenAt, d.recZone)
		f.openHour = int(wd)*24 + int(tod/time.Hour)
	}
	if q.FreeOnly {
		f.need |= mFree
	}
	if q.Wheelchair {
		f.need |= mWheel
	}
	if q.HasSeats {
		f.need |= mSeats
	}
	if q.Language != "" {
		f.langBit = langBit(q.Language)
	}
	for _, c := range q.Categories {
		if err := d.tax.Check(c); err != nil {
			return nil, err
		}
	}
	f.cats = minimalCodes(q.Categories)
	if q.Region != "" {
		set, name, _ := strings.Cut(q.Region, ":")
		rs, ok := d.regionSet[set]
		if !ok {
			return nil, fmt.Errorf("%w: set %q", ErrUnknownRegion, set)
		}
		if _, ok := rs.ByName(name); !ok {
			return nil, fmt.Errorf("%w: %q in set %q", ErrUnknownRegion, name, set)
		}
		f.region, f.regionSet, f.regionName = rs, set, name
	}
	if len(q.Exclude) > 0 {
		f.exclude = make(map[string]struct{}, len(q.Exclude))
		for _, id := range q.Exclude {
			f.exclude[id] = struct{}{}
		}
	}
	if q.Transit != nil {
		tc, err := d.compileTransit(q.Transit)
		if err != nil {
			return nil, err
		}
		f.transit = tc
	}
	if q.Serves {
		if len(d.regionNames) == 0 {
			return nil, fmt.Errorf("%w: serves: the directory has no region sets to place service areas", ErrBadQuery)
		}
		f.serves = d.servedAt(q.Near)
	}
	return f, nil
}

// minimalCodes drops codes that lie under another code of the list.
func minimalCodes(codes []string) []string {
	var out []string
	for i, c := range codes {
		covered := false
		for j, o := range codes {
			if i != j && IsUnder(c, o) && (c != o || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// setClock caches the OpenAt instant's wall clock in loc.
func (f *filter) setClock(loc *time.Location) {
	f.openLoc = loc
	f.openWD, f.openTOD = localClock(f.q.OpenAt, loc)
	f.openSlot = int(f.openWD)*96 + int(f.openTOD/(15*time.Minute))
}

// keep reports whether p passes every filter but distance.
func (f *filter) keep(p *Provider) bool {
	q := f.q
	// With one category the grid searched holds only that category.
	if len(f.cats) > 1 && !inAny(p, f.cats) {
		return false
	}
	if q.FreeOnly && p.Cost != CostFree {
		return false
	}
	if q.Wheelchair && !p.Wheelchair {
		return false
	}
	if q.HasSeats && !p.HasSeats() {
		return false
	}
	if q.Age > 0 && !p.Eligibility.AgeOK(q.Age) {
		return false
	}
	if q.HasGrade && !p.Eligibility.GradeOK(q.Grade) {
		return false
	}
	if q.Language != "" && !p.SpeaksLanguage(q.Language) {
		return false
	}
	if f.exclude != nil {
		if _, ok := f.exclude[p.ID]; ok {
			return false
		}
	}
	if f.region != nil && p.Regions[f.regionSet] != f.regionName {
		return false
	}
	if f.serves != nil && f.serves.match(p) == "" {
		return false
	}
	if r := p.Eligibility.Residency; r != "" && len(q.ResidentOf) > 0 {
		set, name, _ := strings.Cut(r, ":")
		if home, ok := q.ResidentOf[set]; ok && home != name {
			return false
		}
	}
	if !q.OpenAt.IsZero() {
		if !p.Hours.Known() {
			if !q.UnknownHoursOK {
				return false
			}
		} else if !p.Hours.Always {
			if loc := p.Hours.Location(); loc != f.openLoc {
				f.setClock(loc)
			}
			if !p.Hours.openLocal(f.openWD, f.openTOD) {
				return false
			}
		}
	}
	return true
}

// grid returns the grid to search for f's categories: the category's own
// grid for one category, the grid of the categories' nearest common
// ancestor for several, the grid of all providers otherwise. ok is false
// when no provider can match.
func (d *Directory) grid(f *filter) (g *catGrid, ok bool) {
	switch len(f.cats) {
	case 0:
		g = d.grids[""]
		return g, g != nil
	case 1:
		g = d.grids[f.cats[0]]
		return g, g != nil && d.catSum[f.cats[0]].possible(f)
	}
	lca := f.cats[0]
	for _, c := range f.cats[1:] {
		for lca != "" && !IsUnder(c, lca) {
			lca = ParentCode(lca)
		}
	}
	g = d.grids[lca]
	return g, g != nil
}

// Nearby streams the placed providers that pass q's filters in order of
// distance from q.Near (ties in any order), up to q.Radius when it is set.
// q.K is ignored: stop iterating when you have enough. The grid is
// visited ring by ring; a match is yielded once no unvisited cell can
// hold a nearer one, so the first results arrive without scanning the
// directory.
func (d *Directory) Nearby(q Query) (iter.Seq[Result], error) {
	if q.Trip != nil {
		return nil, fmt.Errorf("%w: a trip filter is answered by Search only", ErrBadQuery)
	}
	f, err := d.compile(&q)
	if err != nil {
		return nil, err
	}
	if f.serves != nil {
		if f.serves.none() {
			return func(func(Result) bool) {}, nil
		}
		return func(yield func(Result) bool) {
			d.nearby(f, func(r Result) bool {
				r.ServiceArea = f.serves.match(r.Provider.p)
				return yield(r)
			})
		}, nil
	}
	return func(yield func(Result) bool) { d.nearby(f, yield) }, nil
}

func (d *Directory) nearby(f *filter, yield func(Result) bool) {
	g, ok := d.grid(f)
	if !ok {
		return
	}
	near := f.q.Near
	radius := float64(f.q.Radius)
	// Records found so far wait in a heap until no unvisited cell can
	// hold anything nearer.
	var h nearHeap
	emit := func(upTo float64) bool {
		for len(h) > 0 && h[0].dist <= upTo {
			c := h.pop()
			var stop *StopInfo
			if f.transit != nil {
				s, ok := f.transit.check(d, c.i)
				if !ok {
					continue
				}
				stop = s
			}
			if !yield(Result{Provider: listing(d.prov(c.i)), Distance: geo.Meters(c.dist), Walk: geo.WalkTime(geo.Meters(c.dist)), Transit: stop}) {
				return false
			}
		}
		return true
	}
	more := true
	g.Walk(near, func(cell []gridRec, sum *spatial.CellSum, lb float64) bool {
		if radius > 0 && lb > radius {
			return false
		}
		if !emit(lb) {
			more = false
			return false
		}
		if sum == nil || !f.quickCell(sum) {
			return true
		}
		for ri := range cell {
			r := &cell[ri]
			if !f.quickRec(r) {
				continue
			}
			dist := float64(geo.Distance(near, [2]float64{r.Lon, r.Lat}))
			if radius > 0 && dist > radius {
				continue
			}
			if !f.keepAt(d, r.Slot) {
				continue
			}
			h.push(nearItem{dist: dist, i: r.Slot})
		}
		return true
	})
	if more {
		emit(math.Inf(1))
	}
}

// nearItem is a record waiting in a nearHeap.
type nearItem struct {
	dist float64
	i    int32
}

// nearHeap is a binary min-heap by distance.
type nearHeap []nearItem

func (h *nearHeap) push(x nearItem) {
	*h = append(*h, x)
	a := *h
	for j := len(a) - 1; j > 0; {
		p := (j - 1) / 2
		if a[p].dist <= a[j].dist {
			break
		}
		a[p], a[j] = a[j], a[p]
		j = p
	}
}

func (h *nearHeap) pop() nearItem {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	for j := 0; ; {
		l, m := 2*j+1, j
		if l < n && a[l].dist < a[m].dist {
			m = l
		}
		if l+1 < n && a[l+1].dist < a[m].dist {
			m = l + 1
		}
		if m == j {
			break
		}
		a[j], a[m] = a[m], a[j]
		j = m
	}
	*h = a
	return top
}

// Search returns the providers that pass q's filters, nearest first, ties
// broken by ID: the q.K nearest within q.Radius when K is set, else all
// within q.Radius. The K nearest are exact great-circle nearest
// neighbours, not an artefact of lon/lat boxes.
func (d *Directory) Search(q Query) ([]Result, error) {
	if q.Trip != nil {
		return d.searchTrip(q)
	}
	if q.K == 0 && q.Radius == 0 && !q.Serves {
		return nil, ErrNoLimit
	}
	f, err := d.compile(&q)
	if err != nil {
		return nil, err
	}
	if f.serves != nil && f.serves.none() {
		return nil, nil
	}
	var out []Result
	switch {
	case q.K > 0 && len(f.cats) <= 1:
		code := ""
		if len(f.cats) == 1 {
			code = f.cats[0]
		}
		g, ok := d.grid(f)
		if !ok || g != d.grids[code] {
			// No placed provider in the category (or at all).
			return nil, nil
		}
		out = d.gridSearch(g, f, q.K)
	case q.K == 0 && q.Radius == 0:
		// Serves alone: every serving provider, in distance order.
		d.nearby(f, func(r Result) bool {
			out = append(out, r)
			return true
		})
	case len(f.cats) <= 1:
		out = d.collect(f, q.K)
	default:
		// Several unrelated categories: search each category's own tree
		// and merge, which beats filtering a larger common tree.
		for _, c := range f.cats {
			sub := *f
			sub.cats = []string{c}
			out = append(out, d.collect(&sub, q.K)...)
		}
		slices.SortFunc(out, compareResults)
		out = slices.CompactFunc(out, func(a, b Result) bool { return a.Provider == b.Provider })
	}
	slices.SortFunc(out, compareResults)
	if q.K > 0 && len(out) > q.K {
		out = out[:q.K]
	}
	if f.serves != nil {
		for i := range out {
			out[i].ServiceArea = f.serves.match(out[i].Provider.p)
		}
	}
	return out, nil
}

// collect gathers the k nearest providers that pass f (all within the
// radius when k is 0), plus any tied with the k-th, so that ties can be
// broken by ID.
func (d *Directory) collect(f *filter, k int) []Result {
	var out []Result
	cut := math.Inf(1)
	d.nearby(f, func(r Result) bool {
		if float64(r.Distance) > cut {
			return false
		}
		out = append(out, r)
		if k > 0 && len(out) == k {
			cut = float64(r.Distance)
		}
		return true
	})
	return out
}

func inAny(p *Provider, cats []string) bool {
	for _, c := range cats {
		if p.InCategory(c) {
			return true
		}
	}
	return false
}

func compareResults(a, b Result) int {
	switch {
	case a.Distance < b.Distance:
		return -1
	case a.Distance > b.Distance:
		return 1
	}
	return strings.Compare(a.Provider.p.ID, b.Provider.p.ID)
}
