package match

import (
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Catalog is what matching reads from a provider directory.
// *directory.Directory implements it.
type Catalog interface {
	// All yields every provider.
	All() iter.Seq[*directory.Provider]
	// StopsNear returns a provider's transit stops, nearest first.
	StopsNear(p *directory.Provider) []directory.NearStop
	// Transit returns the transit network, or nil.
	Transit() *transit.Network
	// TransitReach is the walk within which StopsNear records stops.
	TransitReach() geo.Meters
	Taxonomy() *directory.Taxonomy
	RegionSets() []string
	Regions(set string) (*geo.Regions, bool)
}

// Matcher proposes providers of a Catalog for students' needs and
// interests. It is immutable after New and safe for any number of
// goroutines.
type Matcher struct {
	cat     Catalog
	cfg     Config
	weights [NumComponents]float64
	tax     *directory.Taxonomy
	net     *transit.Network
	router  *transit.Router
	week    time.Time // Monday of the plan week, midnight in the network's zone
	// daySigs numbers the plan week's days (Monday first) by the set of
	// services running on them: days with the same number have the same
	// timetable.
	daySigs [7]int
	// direct counts providers listing each code itself (not through a
	// descendant): ancestors with none need no search of their own.
	direct map[string]int
	// catText is each category's label and synonyms, lower case, for the
	// words component.
	catText map[string]string

	provs    []*directory.Provider
	stops    [][]directory.NearStop // per provider, nearest first
	ordinal  map[*directory.Provider]int32
	index    map[string]*catIndex
	grid     grid
	langBits map[string]uint8
	own      ownIndex // words of providers' own listings, for interests' ranking
	// phoneOnly are the providers without a location that give a phone
	// number: offered to call when nothing fits within reach.
	phoneOnly []int32
	// scratch holds *travelScratch values for Prepared.travel.
	scratch *sync.Pool
	// profiles caches timetable range queries (shared by the copies
	// cohort matching makes).
	profiles *profileCache
}

// New returns a Matcher over cat with configuration cfg (see Config for
// the defaults of its zero fields). It reads every provider once and
// builds its own index of them: O(n log n) time and about 64 bytes per
// provider and category level (some 20 MB for 100,000 providers). The
// catalog must not change afterwards.
//
// New looks at ctx every few thousand providers and before each index it
// builds; once ctx is done it returns ctx.Err() and no Matcher.
func New(ctx context.Context, cat Catalog, cfg Config) (*Matcher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := cfg.resolve(cat.TransitReach()); err != nil {
		return nil, err
	}
	m := &Matcher{
		scratch: &sync.Pool{New: func() any { return new(travelScratch) }},
		cat:     cat,
		cfg:     cfg,
		weights: cfg.Weights.array(),
		tax:     cat.Taxonomy(),
		net:     cat.Transit(),
		direct:  map[string]int{},
		catText: map[string]string{},
	}
	m.ordinal = map[*directory.Provider]int32{}
	for p := range cat.All() {
		if len(m.provs)%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		m.ordinal[p] = int32(len(m.provs))
		m.provs = append(m.provs, p)
		m.stops = append(m.stops, cat.StopsNear(p))
		for _, c := range p.Categories {
			m.direct[c]++
		}
		if p.Unplaced && p.Phone != "" {
			m.phoneOnly = append(m.phoneOnly, int32(len(m.provs)-1))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.buildIndex()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.own = buildOwnIndex(m.provs)
	for _, c := range m.tax.All() {
		m.catText[c.Code] = strings.ToLower(c.Label + " | " + strings.Join(c.Synonyms, " | "))
	}
	if m.net != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := m.compileTransit(); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// ctxCheckEvery is how many providers New reads between looks at its
// context.
const ctxCheckEvery = 4096

// compileTransit builds the timetable router, picks the plan week and
// numbers its days by their services.
func (m *Matcher) compileTransit() error {
	r, err := transit.NewRouter(m.net, transit.RouterOptions{MaxWalk: m.cfg.StopWalk, MaxTransfers: m.cfg.MaxTransfers})
	if err != nil {
		return &FieldError{Field: "config", Err: ErrOutOfRange, Cause: err}
	}
	m.router = r
	m.profiles = newProfileCache(m.cfg.ProfileCache)
	week := m.cfg.Week
	if week.IsZero() {
		week = m.net.BusiestWeek()
	}
	y, mo, d := week.Date()
	day := time.Date(y, mo, d, 0, 0, 0, 0, m.net.Location())
	off := (int(day.Weekday()) + 6) % 7 // back to Monday
	m.week = time.Date(y, mo, d-off, 0, 0, 0, 0, m.net.Location())
	first, last := m.net.Stats().First, m.net.Stats().Last
	if !m.cfg.Week.IsZero() && (m.week.AddDate(0, 0, 6).Before(first) || m.week.After(last)) {
		return &FieldError{Field: "config.week", Err: ErrOutOfRange, Cause: transit.ErrOutsideService,
			Allowed: "a date from " + first.Format(time.DateOnly) + " to " + last.Format(time.DateOnly)}
	}
	m.cfg.Week = m.week
	var sigs []string
	for i := range m.daySigs {
		sig := strings.Join(m.net.ServicesOn(m.week.AddDate(0, 0, i)), "\x00")
		j := slices.Index(sigs, sig)
		if j < 0 {
			sigs = append(sigs, sig)
			j = len(sigs) - 1
		}
		m.daySigs[i] = j
	}
	return nil
}

// Config returns the configuration in use, defaults filled in: Week is
// the Monday of the plan week.
func (m *Matcher) Config() Config { return m.cfg }

// Plan is the answer for one student: for each need and interest, the
// best providers with their scores and explanations, or why none fits.
type Plan struct {
	// Items follow the student's needs, in order, then interests.
	Items []ItemPlan `json:"items"`
	// Notes say what limits the whole plan (NoteNoService).
	Notes []string `json:"notes,omitempty"`
}

// NoteNoService is a Plan note in transit mode when no bus leaves a stop
// within walking distance of home in any of the family's windows: every
// trip proposed is on foot.
const NoteNoService = "no bus leaves a stop within walking distance of home in the family's windows: only places within walking distance are proposed"

// ItemPlan is the part of a Plan for one need or interest.
type ItemPlan struct {
	Item Item `json:"item"`
	// Label is the category's label ("Vision care and eye glasses").
	Label string `json:"label"`
	// Matches are the best providers, highest score first, ties broken
	// by provider ID; at most Config.K.
	Matches []Match `json:"matches"`
	// Call lists, when no provider within reach fits, up to K providers
	// with no location but a phone number that meet every other hard
	// constraint (by provider ID): the family can call them.
	Call []Match `json:"call,omitempty"`
	// Unmet is set when no provider fits, not even by phone: the
	// constraint that excluded the most candidates, and counts.
	Unmet *UnmetDiagnosis `json:"unmet,omitempty"`
}

// Match is one proposed provider with its score and why.
type Match struct {
	Candidate
	// Reasons explain each component that applies, in the order of the
	// explanation text.
	Reasons []Reason `json:"reasons"`
	// Explanation is the reasons in words for a Navigator, joined with
	// "; ".
	Explanation string `json:"explanation"`
	// Legs are how to get there, leg by leg (Prepared.Legs); Family
	// renders them for the family.
	Legs []Leg `json:"legs,omitempty"`
}

// UnmetItems lists the needs and interests that no provider fits.
func (p *Plan) UnmetItems() []UnmetDiagnosis {
	var out []UnmetDiagnosis
	for _, it := range p.Items {
		if it.Unmet != nil {
			out = append(out, *it.Unmet)
		}
	}
	return out
}

// Plan proposes, for each need and interest of s, the Config.K best
// providers that meet every hard constraint, scored and explained; for
// those no provider fits, it reports the constraint that excluded the
// most candidates. Same input, same plan: ties are broken by provider ID.
//
// Cost: per item, a best-first walk of the category's spatial index that
// stops as soon as no farther provider can beat the K-th best (see the
// package documentation), so a plan of five items over 100,000 providers
// takes well under a millisecond. An unmet item costs a pass over its
// category. Safe for concurrent use. It returns ctx's error if ctx ends
// first, and a *FieldError (joined with others) for a bad student.
func (m *Matcher) Plan(ctx context.Context, s Student) (*Plan, error) {
	pr, err := m.Prepare(ctx, s)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Items: make([]ItemPlan, len(pr.items))}
	if pr.noService {
		plan.Notes = append(plan.Notes, NoteNoService)
	}
	var buf []Candidate
	for i := range pr.items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		buf, err = pr.Top(ctx, i, m.cfg.K, buf[:0])
		if err != nil {
			return nil, err
		}
		ip := ItemPlan{Item: pr.items[i].Item, Label: pr.items[i].label, Matches: make([]Match, len(buf))}
		for j := range buf {
			reasons := pr.Explain(&buf[j])
			ip.Matches[j] = Match{Candidate: buf[j], Reasons: reasons, Explanation: joinReasons(reasons), Legs: pr.Legs(&buf[j])}
		}
		if len(buf) == 0 {
			ip.Call = pr.callable(i, m.cfg.K)
		}
		if len(buf) == 0 && len(ip.Call) == 0 {
			u, err := pr.Diagnose(ctx, i)
			if err != nil {
				return nil, err
			}
			ip.Unmet = &u
		}
		plan.Items[i] = ip
	}
	return plan, nil
}
