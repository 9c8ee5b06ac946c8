package match

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/flow"
)

// Policy chooses how Assign shares limited seats among a cohort.
type Policy int

// Assignment policies. Each is exact for what it promises over the
// candidate graph (see AssignOptions.MaxCandidates).
const (
	// MaxTotal maximises the total weight Σ severity × ⌊score⌉ over the
	// assigned needs: exactly optimal over the candidate graph, solved as
	// a minimum-cost flow (internal/flow: successive shortest augmenting
	// paths over per-pool move tables, per connected component, the
	// components on all cores). A district can check it with any
	// min-cost-flow solver through Assignment.WriteDIMACS.
	MaxTotal Policy = iota
	// EquityFirst serves as many severity-3 needs as possible, then, among
	// those assignments, as many severity-2 needs, then severity-1, and
	// only then maximises the total weight (lexicographic; exact). It is
	// solved as MaxTotal with every edge of a severity-s need raised by
	// s·(S+1), S the sum over needs of their best edge weight, which no
	// amount of score can outweigh.
	EquityFirst
	// Stable is student-proposing deferred acceptance: each need proposes
	// to its candidates best score first; a full provider keeps the needs
	// it ranks highest — residents of its region first, then higher
	// severity, then a seeded lottery (Assignment.Lottery), then the
	// student's earlier need. The outcome has no blocking pair: no need
	// and candidate provider both prefer each other to what they got, and
	// no need is refused by a provider with a seat left. Among stable
	// outcomes it is the best for every need (student-optimal). It does
	// not maximise the total: it trades score for respecting priorities.
	Stable
	// Greedy is the baseline a coordinator would follow by hand: needs in
	// order of severity (highest first), then student order, each taking
	// its best candidate with a seat left. It is not optimal; it is the
	// yardstick for the others.
	Greedy
	numPolicies
)

var policyNames = [...]string{"maxtotal", "equityfirst", "stable", "greedy"}

// String returns "maxtotal", "equityfirst", "stable" or "greedy".
func (p Policy) String() string {
	if p < 0 || p >= numPolicies {
		return fmt.Sprintf("Policy(%d)", int(p))
	}
	return policyNames[p]
}

// MarshalText implements encoding.TextMarshaler.
func (p Policy) MarshalText() ([]byte, error) {
	if p < 0 || p >= numPolicies {
		return nil, ErrBadPolicy
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" is MaxTotal.
func (p *Policy) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = MaxTotal
		return nil
	}
	for i, n := range policyNames {
		if n == string(b) {
			*p = Policy(i)
			return nil
		}
	}
	return ErrBadPolicy
}

// PoolMode says how a provider's seats are shared among its categories.
type PoolMode int

// Seat pools.
const (
	// PoolPerProvider: one pool of Capacity − Enrolled seats shared by
	// every category the provider serves.
	PoolPerProvider PoolMode = iota
	// PoolPerCategory: one pool per category the provider lists, each
	// with Capacity − Enrolled seats (the directory has one capacity per
	// provider; it is read as per service). A need takes a seat in the
	// pool of the provider's category it matched: the need's category or
	// the narrowest listed one under it, else the nearest broader one.
	PoolPerCategory
)

// DefaultMaxCandidates is AssignOptions.MaxCandidates when zero.
const DefaultMaxCandidates = 20

// ScoreScale turns a score in [0, 1] into integer weight: a need of
// severity s served by a provider of score x weighs s·max(1, round(x·
// ScoreScale)). Integer weights make the optimum exact and reproducible by
// any min-cost-flow solver; scores closer than 1/ScoreScale tie.
const ScoreScale = 10000

// Progress phases of Assign, in order. The solve phases depend on the
// policy: "split" and "solve" for MaxTotal and EquityFirst (then
// "second-tier" when interests have candidates), "stable" for Stable,
// "greedy" for Greedy.
const (
	PhaseCandidates = "candidates" // scoring each student's candidates; done = share of students
	PhaseSplit      = flow.PhaseSplit
	PhaseSolve      = flow.PhaseSolve
	PhaseInterests  = flow.PhaseSecond // interests after needs; done = share placed
	PhaseStable     = "stable"
	PhaseGreedy     = "greedy"
	PhaseExplain    = "explain" // scoring and explaining the assigned pairs; done = share of students
)

// ErrBadPolicy is returned for an unknown Policy or PoolMode.
var ErrBadPolicy = errors.New("match: unknown assignment policy")

// AssignOptions tune Assign. The zero value is useful: MaxTotal, one pool
// per provider, DefaultMaxCandidates candidates per need, lottery seed 0,
// the catalog's first region set, all cores.
type AssignOptions struct {
	Policy Policy   `json:"policy"`
	Pools  PoolMode `json:"pools"`
	// MaxCandidates bounds the candidates of each need: its best
	// providers by score (Prepared.Top) among those meeting every hard
	// constraint and with a seat open before assignment; 0 means
	// DefaultMaxCandidates, at most MaxK. The bound makes the problem
	// smaller and changes it: every policy is exact over this candidate
	// graph, not over all eligible providers. A need left unmet although
	// an eligible provider beyond its bound kept a seat is reported as
	// UnmetBeyondCandidates, so the bound's effect is visible.
	MaxCandidates int `json:"max_candidates,omitempty"`
	// Seed draws the Stable lottery.
	Seed uint64 `json:"seed,omitempty"`
	// SkipInterests leaves interests out: only needs are assigned. By
	// default interests are assigned as a second, lower tier: they take
	// the seats needs leave, never one a need could use (see Assign).
	SkipInterests bool `json:"skip_interests,omitempty"`
	// RegionSet names the catalog's region set (directory.Builder's
	// AddRegions) used for Stable's residency priority and to report
	// unmet needs by region; "" means the first. A catalog without region
	// sets gives every student region "".
	RegionSet string `json:"region_set,omitempty"`
	// Workers bounds the goroutines scoring candidates; 0 means
	// GOMAXPROCS.
	Workers int `json:"workers,omitempty"`
	// Progress, when not nil, is called with a phase (Phase…) and the
	// fraction of it done, in [0, 1] and non-decreasing within a phase.
	// Calls are serialised but may come from any goroutine; keep it
	// quick.
	Progress func(phase string, done float64) `json:"-"`
}

// Assignment is the outcome of Assign.
type Assignment struct {
	Policy Policy   `json:"policy"`
	Pools  PoolMode `json:"pools"`
	// Assigned lists the served needs and interests by student, then
	// kind (needs first), then index.
	Assigned []Assigned `json:"assigned"`
	// Unmet lists the needs and interests left without a provider by
	// student, then kind, then index, each with its reason.
	Unmet []UnmetNeed `json:"unmet"`
	// Utilisation has one entry per seat pool some need or interest had
	// as a candidate, by provider ID then category. Providers none could
	// use are left out.
	Utilisation []PoolUse `json:"utilisation"`
	// Gaps counts the unmet needs by category, region and reason, most
	// needs first (then category, region, reason): the supply-gap signal
	// for trends.
	Gaps []CoverageGap `json:"gaps"`
	// InterestGaps counts the unmet interests likewise (Severity 0).
	InterestGaps []CoverageGap `json:"interest_gaps,omitempty"`
	// Lottery holds, for Stable, each student's lottery rank (0 draws
	// first), so that a family can check the tie-breaking; nil otherwise.
	Lottery []int  `json:"lottery,omitempty"`
	Totals  Totals `json:"totals"`

	inst *instance
}

// Assigned is one served need or interest.
type Assigned struct {
	// Student indexes the students given to Assign; Need indexes its
	// Needs, or its Interests when Kind is KindInterest.
	Student int      `json:"student"`
	Kind    ItemKind `json:"kind"`
	Need    int      `json:"need"`
	// Category is the item's; Severity the need's, 0 for an interest.
	Category string `json:"category"`
	Severity int    `json:"severity"`
	// Provider is a read-only view of the provider.
	Provider directory.Listing `json:"-"`
	// ProviderID is Provider.ID.
	ProviderID string `json:"provider_id"`
	// Pool indexes Assignment.Utilisation.
	Pool int `json:"pool"`
	// Rank is the provider's place in the need's candidate list (0: the
	// need's best provider).
	Rank int `json:"rank"`
	// Score is the single-student score of the pair (as Plan gives it);
	// Weight its integer weight, severity × scaled score (ScoreScale; an
	// interest weighs as severity 1).
	Score  float64 `json:"score"`
	Weight int64   `json:"weight"`
	// Explanation gives the score's reasons in words, as Plan does.
	Explanation string `json:"explanation"`
}

// UnmetReason says why a need got no provider.
type UnmetReason int

// Reasons a need is unmet.
const (
	// UnmetNoProvider: no provider meets the student's hard constraints
	// (Detail says which constraint excluded the most).
	UnmetNoProvider UnmetReason = iota
	// UnmetFull: every provider meeting the constraints is full — already
	// before assignment, or its seats went to other needs.
	UnmetFull
	// UnmetBeyondCandidates: the need's candidates all filled up, but an
	// eligible provider beyond AssignOptions.MaxCandidates kept a seat; a
	// larger bound could serve it.
	UnmetBeyondCandidates
	// NumUnmetReasons is the number of reasons: the length of the
	// per-reason counts of Totals.
	NumUnmetReasons
)

var unmetReasonNames = [...]string{"no-provider", "full", "beyond-candidates"}

// String returns "no-provider", "full" or "beyond-candidates".
func (r UnmetReason) String() string {
	if r < 0 || r >= NumUnmetReasons {
		return fmt.Sprintf("UnmetReason(%d)", int(r))
	}
	return unmetReasonNames[r]
}

// MarshalText implements encoding.TextMarshaler.
func (r UnmetReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmetNeed is one need or interest left without a provider.
type UnmetNeed struct {
	// Student, Kind, Need, Category and Severity are as in Assigned.
	Student  int      `json:"student"`
	Kind     ItemKind `json:"kind"`
	Need     int      `json:"need"`
	Category string   `json:"category"`
	Severity int      `json:"severity"`
	// Region is the student's home region in the region set (see
	// AssignOptions.RegionSet); "" outside all of them.
	Region string      `json:"region"`
	Reason UnmetReason `json:"reason"`
	// Candidates is how many candidates the need had (0 unless Reason is
	// UnmetFull or UnmetBeyondCandidates).
	Candidates int `json:"candidates"`
	// Detail, for UnmetNoProvider, is Prepared.Diagnose's account: the
	// constraint that excluded the most providers of the category, with
	// counts and an explanation.
	Detail *UnmetDiagnosis `json:"detail,omitempty"`
}

// PoolUse is one seat pool's use.
type PoolUse struct {
	// Provider is a read-only view of the provider.
	Provider   directory.Listing `json:"-"`
	ProviderID string            `json:"provider_id"`
	// Category is the pool's category with PoolPerCategory, else "".
	Category string `json:"category,omitempty"`
	// Seats is the number of seats open before assignment (Capacity −
	// Enrolled), -1 when unlimited.
	Seats int `json:"seats"`
	// Assigned is how many needs were given a seat.
	Assigned int `json:"assigned"`
	// Demand is how many needs had the pool among their candidates.
	Demand int `json:"demand"`
	// InterestsAssigned and InterestDemand count interests likewise.
	InterestsAssigned int `json:"interests_assigned,omitempty"`
	InterestDemand    int `json:"interest_demand,omitempty"`
}

// Utilisation returns the share of seats taken, (Assigned +
// InterestsAssigned)/Seats, 0 for an unlimited or seatless pool.
func (u PoolUse) Utilisation() float64 {
	if u.Seats <= 0 {
		return 0
	}
	return float64(u.Assigned+u.InterestsAssigned) / float64(u.Seats)
}

// CoverageGap counts unmet needs of one category in one region for one
// reason: a hole in what a cohort assignment could cover. (trends.Gap is
// another thing: a region's supply against its recorded demand.)
type CoverageGap struct {
	Category string      `json:"category"`
	Region   string      `json:"region"`
	Reason   UnmetReason `json:"reason"`
	Needs    int         `json:"needs"`
	// BySeverity counts them by severity (index 1–3).
	BySeverity [MaxSeverity + 1]int `json:"by_severity"`
}

// Totals sums up an Assignment. Every field but Students and Interests
// is about needs only; Interests sums up the interests.
type Totals struct {
	Students int `json:"students"`
	Needs    int `json:"needs"`
	Assigned int `json:"assigned"`
	Unmet    int `json:"unmet"`
	// NeedsBySeverity and AssignedBySeverity count by severity (index
	// 1–3).
	NeedsBySeverity    [MaxSeverity + 1]int `json:"needs_by_severity"`
	AssignedBySeverity [MaxSeverity + 1]int `json:"assigned_by_severity"`
	// UnmetByReason counts unmet needs by UnmetReason.
	UnmetByReason [NumUnmetReasons]int `json:"unmet_by_reason"`
	// Pools and Edges size the candidate graph: seat pools and
	// (need, pool) candidate pairs.
	Pools int `json:"pools"`
	Edges int `json:"edges"`
	// Weight is Σ Assigned.Weight; Score is Σ severity × Assigned.Score.
	Weight int64   `json:"weight"`
	Score  float64 `json:"score"`
	// Objective is the policy's objective: Weight for MaxTotal, Stable
	// and Greedy; for EquityFirst Weight + Σ over assigned needs of
	// severity·(S+1) (see EquityFirst). WriteDIMACS writes an instance
	// whose minimum cost is −Objective for MaxTotal and EquityFirst, and
	// at most −Objective for Stable and Greedy (they are not optimal).
	Objective int64 `json:"objective"`
	// Interests sums up the interests, assigned after the needs.
	Interests KindTotals `json:"interests,omitzero"`
}

// KindTotals sums up one kind of item of an Assignment.
type KindTotals struct {
	// Items is how many there are, Assigned and Unmet how many were
	// served or not.
	Items    int `json:"items"`
	Assigned int `json:"assigned"`
	Unmet    int `json:"unmet"`
	// UnmetByReason counts the unmet ones by UnmetReason.
	UnmetByReason [NumUnmetReasons]int `json:"unmet_by_reason"`
	// Edges counts their (item, pool) candidate pairs.
	Edges int `json:"edges"`
	// Weight is Σ Assigned.Weight over them; Score Σ Assigned.Score.
	Weight int64   `json:"weight"`
	Score  float64 `json:"score"`
}

// WriteDIMACS writes the needs' candidate graph (interests are left out)
// as a DIMACS minimum-cost-flow
// problem ("p min"): node i+1 is the i-th need (students in order, each
// one's needs in order) with supply 1, then one node per pool of
// Utilisation (in order), then a sink; an arc of capacity 1 and cost
// −weight per candidate pair (EquityFirst: weight + severity·(S+1)), an
// arc of cost 0 from each need to the sink (unmet) and one per pool to the
// sink with its seats. Any standard solver's optimal cost is −Objective
// for MaxTotal and EquityFirst; for Stable and Greedy the MaxTotal
// instance is written, whose optimum bounds their Objective. Only numbers
// are written, nothing about students. O(edges).
func (a *Assignment) WriteDIMACS(w io.Writer) error {
	if a.inst == nil {
		return ErrBadPolicy
	}
	pol := flow.MaxTotal
	if a.Policy == EquityFirst {
		pol = flow.EquityFirst
	}
	return flow.WriteDIMACS(w, a.inst.needs(), pol)
}

// CohortError reports a bad student of a cohort by its index; Err is the
// student's validation error (*FieldError values joined), which never
// quotes the student's data.
type CohortError struct {
	Student int
	Err     error
}

func (e *CohortError) Error() string {
	return fmt.Sprintf("match: cohort student %d: %v", e.Student, e.Err)
}

// Unwrap returns Err.
func (e *CohortError) Unwrap() error { return e.Err }

// maxCohortErrors bounds the students Assign reports as bad.
const maxCohortErrors = 20

// Assign matches a whole cohort at once: every need of every student gets
// at most one provider, no provider gets more needs than it has seats
// (Capacity − Enrolled; unknown capacity is unlimited), and the policy
// decides who gets the scarce seats.
//
// Interests (unless AssignOptions.SkipInterests) are a second, lower
// tier with the same candidates rule, weighing as severity-1 needs: they
// take seats only as far as the needs' outcome allows. For MaxTotal and
// EquityFirst the needs get exactly the policy's optimum and, among all
// such optima, the interests the largest total weight (lexicographic,
// flow.SolveTiers); Stable ranks every need above every interest at
// every pool, and Greedy takes all needs before any interest.
//
// Each need's candidates are its AssignOptions.MaxCandidates best
// providers by the single-student score, among those meeting every hard
// constraint with a seat open (so cohort and per-student answers agree on
// what is good); a pair weighs severity × round(score·ScoreScale). Every
// need not assigned is reported with a true reason.
//
// Work: candidate scoring runs on Workers goroutines in chunks of
// students, merged in student order, so the result depends only on the
// input and AssignOptions (the Seed for Stable), never on scheduling;
// then the policy's solver, then explanations of the assigned pairs (in
// parallel again). The Matcher's Config.IncludeFull does not matter:
// Assign counts seats itself. Students by transit share the timetable
// work: each stop near some home is routed from once per window
// (transit.StopRanges), shared by every student and by both the
// candidate and the explanation phase, and a student's travel times are
// composed from the runs of the stops near home as candidates need them
// — the same times as a student routed alone (Plan).
//
// Memory per candidate edge (item, pool): 12 bytes kept with the
// Assignment for WriteDIMACS (pool index and weight), 8 more while the
// scoring workers' buffers wait to be merged (freed chunk by chunk as
// they are), and the solver's own (flow: up to 24 per edge of a seated
// item in a pool with a seat limit; with interests, a copy of the kept
// edges for the second tier). A worker holds one student's Prepared at a
// time, with the travel-time rows its candidates read (2 bytes per
// departure minute each). The shared per-stop runs take 2 bytes per
// departure at a stop and stop reached from it within the travel limit,
// plus 4 bytes per network stop, kept until Assign returns. Per item
// about 40 bytes of bookkeeping, and per served item its Assigned entry
// with the explanation's text (about 300 bytes). On the benchmark
// (300,000 needs, 4.7 million edges, 30% of students by bus on a
// synthetic network) the heap peaks near 800 MB; at state scale (1,000,000 students × 3 needs on 100,000
// providers, 58 million edges) near 4.8 GB.
//
// Cancelling ctx stops all work promptly; Assign then returns ctx's error
// and no assignment. A bad student fails the whole call with a
// *CohortError per bad student (at most 20, joined) naming fields by
// index, never their values. Students with nothing to assign (no needs,
// and no interests or SkipInterests) are allowed, are not validated and
// take no seats. Safe for concurrent use.
func (m *Matcher) Assign(ctx context.Context, students []Student, opts AssignOptions) (*Assignment, error) {
	if opts.Policy < 0 || opts.Policy >= numPolicies || (opts.Pools != PoolPerProvider && opts.Pools != PoolPerCategory) {
		return nil, ErrBadPolicy
	}
	if opts.MaxCandidates == 0 {
		opts.MaxCandidates = DefaultMaxCandidates
	}
	if opts.MaxCandidates < 0 || opts.MaxCandidates > MaxK {
		return nil, &FieldError{Field: "config.max_candidates", Err: ErrOutOfRange}
	}
	if opts.Workers < 0 {
		return nil, &FieldError{Field: "config.workers", Err: ErrOutOfRange}
	}
	if opts.RegionSet == "" {
		if sets := m.cat.RegionSets(); len(sets) > 0 {
			opts.RegionSet = sets[0]
		}
	} else if !slices.Contains(m.cat.RegionSets(), opts.RegionSet) {
		return nil, &FieldError{Field: "config.region_set", Err: ErrOutOfRange}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &progress{fn: opts.Progress}
	inst, err := m.buildInstance(ctx, students, &opts, rep)
	if err != nil {
		return nil, err
	}
	defer inst.release(m)
	a := &Assignment{Policy: opts.Policy, Pools: opts.Pools, inst: inst}
	var res flow.Result
	switch opts.Policy {
	case MaxTotal, EquityFirst:
		pol := flow.MaxTotal
		if opts.Policy == EquityFirst {
			pol = flow.EquityFirst
		}
		res, err = flow.SolveTiers(ctx, &inst.prob, inst.nNeeds, pol, rep.report)
	case Greedy:
		rep.report(PhaseGreedy, 0)
		res, err = flow.Greedy(ctx, &inst.prob)
		rep.report(PhaseGreedy, 1)
	case Stable:
		var lottery []int
		res, lottery, err = inst.stable(ctx, opts.Seed, rep)
		a.Lottery = lottery
	}
	if err != nil {
		return nil, err
	}
	if err := m.finish(ctx, a, students, res, &opts, rep); err != nil {
		return nil, err
	}
	return a, nil
}

// progress serialises Progress calls and keeps fractions non-decreasing
// within a phase.
type progress struct {
	mu    sync.Mutex
	fn    func(string, float64)
	phase string
	last  float64
}

func (r *progress) report(phase string, done float64) {
	if r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if phase == r.phase && done <= r.last {
		return
	}
	r.phase, r.last = phase, min(max(done, 0), 1)
	r.fn(phase, r.last)
}

// sortGaps orders gaps most needs first, then by category, region and
// reason.
func sortGaps(gs []CoverageGap) {
	slices.SortFunc(gs, func(a, b CoverageGap) int {
		return cmp.Or(cmp.Compare(b.Needs, a.Needs), cmp.Compare(a.Category, b.Category),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Reason, b.Reason))
	})
}

// Enrollments returns the seats the assignment takes as directory
// changes, one directory.Enroll per provider given at least one student
// (needs and interests, over all its pools), by provider ID. Apply them
// to the directory version matched against, then Rebase the matcher, so
// that the next assignment sees the seats taken:
//
//	next, err := dir.Apply(ctx, a.Enrollments())
//	m, err = m.Rebase(next)
func (a *Assignment) Enrollments() []directory.Change {
	taken := map[string]int{}
	for _, u := range a.Utilisation {
		if n := u.Assigned + u.InterestsAssigned; n > 0 {
			taken[u.ProviderID] += n
		}
	}
	ids := make([]string, 0, len(taken))
	for id := range taken {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]directory.Change, len(ids))
	for i, id := range ids {
		out[i] = directory.Enroll(id, taken[id])
	}
	return out
}
