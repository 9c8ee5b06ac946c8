package match

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/spatial"
)

// Matcher proposes providers of one directory version for students'
// needs and interests. It is a view: it reads the version's own spatial
// index and providers and copies neither, so New costs O(categories) (and
// the timetable router's build, with transit), and Rebase follows a
// later version for the cost of what changed. It is immutable and safe
// for any number of goroutines.
type Matcher struct {
	cat     *directory.Directory
	src     *spatial.Source
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
	// stopPts are the network's stops with their latitude's cosine, for
	// the distance bounds of the transit envelope.
	stopPts []gpt
	// catText is each category's label and synonyms, lower case, for the
	// words component.
	catText map[string]string

	// lazy holds what a version builds on first use: the word index of
	// providers' own listings and the phone-only providers.
	lazy *lazyIndexes
	// scratch holds *envScratch values for Prepared.compileEnvelope.
	scratch *sync.Pool
	// profiles caches timetable range queries (shared by the copies
	// cohort matching makes and by rebased matchers).
	profiles *profileCache
}

// lazyIndexes are built once per directory version, when first needed.
type lazyIndexes struct {
	ownOnce  sync.Once
	own      ownIndex    // words of providers' own listings, for interests' ranking
	ownBuilt atomic.Bool // own is ready
	// phoneOnly are the providers without a location that give a phone
	// number: offered to call when nothing fits within reach.
	phoneOnce sync.Once
	phoneOnly []int32
}

// New returns a Matcher over dir with configuration cfg (see Config for
// the defaults of its zero fields). It reads the directory's own index
// and copies no provider: O(categories). With a transit network it uses
// the directory's timetable router for its options, which the first
// matcher with those options builds (tens of milliseconds for a
// metro-sized network) and later ones share. The word index of providers' own
// listings (for interests named in words) is built on the first plan
// that needs it, in O(providers); the phone-only providers likewise. It
// returns ctx.Err() and no Matcher when ctx is done first.
func New(ctx context.Context, dir *directory.Directory, cfg Config) (*Matcher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := cfg.resolve(dir.TransitReach()); err != nil {
		return nil, err
	}
	m := &Matcher{
		scratch: &sync.Pool{New: func() any { return new(envScratch) }},
		cat:     dir,
		src:     spatial.Of(dir),
		cfg:     cfg,
		weights: cfg.Weights.array(),
		tax:     dir.Taxonomy(),
		net:     dir.Transit(),
		catText: map[string]string{},
		lazy:    new(lazyIndexes),
	}
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

// Rebase returns a Matcher like m over next, a later version of m's
// directory (from Directory.Apply), sharing m's configuration, router
// and caches: O(1), plus, once m has built its word index of listings,
// that index's update for the changed providers. It
// refuses a directory of another taxonomy or transit network
// (ErrOutOfRange): build a new Matcher for those.
func (m *Matcher) Rebase(next *directory.Directory) (*Matcher, error) {
	if next.Taxonomy() != m.tax || next.Transit() != m.net || next.TransitReach() != m.cat.TransitReach() {
		return nil, &FieldError{Field: "directory", Err: ErrOutOfRange, Allowed: "a version of the same directory (same taxonomy and transit network)"}
	}
	r := *m
	r.cat, r.src = next, spatial.Of(next)
	r.lazy = new(lazyIndexes)
	if m.lazy.ownBuilt.Load() {
		// Follow the word index along the changes rather than rebuild it
		// on the next interest.
		if slots, ok := r.src.Changed(m.src.Version); ok {
			own := m.lazy.own.update(slots, m.prov, r.prov)
			r.lazy.ownOnce.Do(func() { r.lazy.own = own })
			r.lazy.ownBuilt.Store(true)
		}
	}
	return &r, nil
}

// Directory returns the directory version m reads.
func (m *Matcher) Directory() *directory.Directory { return m.cat }

// prov returns the provider in slot i, nil for an empty slot.
func (m *Matcher) prov(i int32) *directory.Provider {
	p, _ := m.src.Provider(i).(*directory.Provider)
	return p
}

// slots returns the number of provider slots of the version.
func (m *Matcher) slots() int32 { return m.src.Slots }

// stopsAt returns the transit stops near the provider in slot i.
func (m *Matcher) stopsAt(i int32) []directory.NearStop {
	s, _ := m.src.Stops(i).(*[]directory.NearStop)
	if s == nil {
		return nil
	}
	return *s
}

// view returns the read-only listing of a provider of the version.
func (m *Matcher) view(p *directory.Provider) directory.Listing {
	if p == nil {
		return directory.Listing{}
	}
	return spatial.View(p).(directory.Listing)
}

// own returns the slot and provider l views when l is a listing of m's
// directory version, else -1 and a deep copy of l's provider.
func (m *Matcher) own(l directory.Listing) (int32, *directory.Provider) {
	if i, ok := m.src.SlotOf(l.ID()); ok {
		if p := m.prov(i); p != nil && m.view(p) == l {
			return i, p
		}
	}
	c := l.Provider()
	return -1, &c
}

// slotOf returns prov's slot, or -1 when prov is not the version's own
// provider value (a copy, or one from another version).
func (m *Matcher) slotOf(prov *directory.Provider) int32 {
	if i, ok := m.src.SlotOf(prov.ID); ok && m.prov(i) == prov {
		return i
	}
	return -1
}

// candSlot returns the slot of c's provider.
func (m *Matcher) candSlot(c *Candidate) int32 {
	if c.slot >= 0 && m.prov(c.slot) == c.prov {
		return c.slot
	}
	return m.slotOf(c.prov)
}

// ownIndex returns the word index of the providers' own listings.
func (m *Matcher) ownIndex() *ownIndex {
	m.lazy.ownOnce.Do(func() {
		m.lazy.own = buildOwnIndex(m)
		m.lazy.ownBuilt.Store(true)
	})
	return &m.lazy.own
}

// phoneOnly returns the slots of the providers without a location that
// give a phone number, in ID order.
func (m *Matcher) phoneOnly() []int32 {
	m.lazy.phoneOnce.Do(func() {
		for p := range m.cat.Unplaced() {
			if i, _ := m.own(p); i >= 0 && p.Phone() != "" {
				m.lazy.phoneOnly = append(m.lazy.phoneOnly, i)
			}
		}
	})
	return m.lazy.phoneOnly
}

// compileTransit builds the timetable router, picks the plan week and
// numbers its days by their services.
func (m *Matcher) compileTransit() error {
	r, err := m.src.Router(transit.RouterOptions{MaxWalk: m.cfg.StopWalk, MaxTransfers: m.cfg.MaxTransfers})
	if err != nil {
		return &FieldError{Field: "config", Err: ErrOutOfRange, Cause: err}
	}
	m.router = r
	m.profiles = newProfileCache(m.cfg.ProfileCache)
	m.stopPts = make([]gpt, len(m.net.Stops()))
	for i, st := range m.net.Stops() {
		m.stopPts[i] = newGpt(st.Point)
	}
	week := m.cfg.Week
	if week.IsZero() {
		week = m.net.TypicalWeek()
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
