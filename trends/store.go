package trends

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// Outcome is what came of a need request. The zero value is
// OutcomeUnknown (not yet recorded).
type Outcome uint8

// Outcomes.
const (
	OutcomeUnknown  Outcome = iota
	OutcomeReferred         // referred to a provider
	OutcomeServed           // the need was met
	OutcomeUnmet            // nobody could meet it
	numOutcomes
)

var outcomeNames = [...]string{"unknown", "referred", "served", "unmet"}

// String returns "unknown", "referred", "served" or "unmet".
func (o Outcome) String() string {
	if o < numOutcomes {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", uint8(o))
}

// Request is one need request as the caller knows it.
type Request struct {
	// Time is when the need was raised. It must not be zero. The store
	// keeps only the civil day (in Config.Location): time of day is
	// dropped at ingest.
	Time time.Time
	// Point is where the need is, (lon, lat): usually the family's home.
	// It is used unless RegionSet is set. A point outside every region
	// of a set is counted in that set's Outside row, not lost.
	Point orb.Point
	// RegionSet and Region place a request known only by region: Region
	// must name a region of the store's set RegionSet. For the other
	// sets, whose region cannot be known, the request counts as Outside.
	RegionSet string
	Region    string
	// Category is a taxonomy code ("basic.housing.rent"). A request counts
	// toward its category and every ancestor.
	Category string
	Outcome  Outcome
	// Student is an optional opaque key (a student ID, say) used only to
	// count distinct students for suppression. It is never stored: the
	// store keeps the first 8 bytes of HMAC-SHA256(Config.StudentKey,
	// Student).
	Student string
}

// Mode is how a Store protects what its queries return. The zero value is
// Suppress.
type Mode uint8

// Privacy modes. See THREATS.md for what each guarantees.
const (
	// Suppress answers on the fixed lattice (calendar months, quarters,
	// halves and years; the configured region sets; taxonomy nodes),
	// suppressing cells below K and enough complementary cells that no
	// suppressed cell can be recovered from anything else published.
	Suppress Mode = iota
	// Noise adds two-sided geometric noise (the discrete Laplace
	// mechanism) to every released table, for ε-differential privacy per
	// release at the level of one request.
	Noise
	// Unprotected returns exact counts. It is for the data owner's own
	// analysis inside its systems, never for publication.
	Unprotected
)

var modeNames = [...]string{"suppress", "noise", "unprotected"}

// String returns "suppress", "noise" or "unprotected".
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// Set is a named region set requests are assigned to.
type Set struct {
	Name    string
	Regions *geo.Regions
}

// Config configures a Store. The zero value of every field is useful
// except Sets, which must name at least one region set.
type Config struct {
	// Sets are the region sets every request is assigned to, in the
	// order tables list them. Names must be unique and non-empty.
	Sets []Set `json:"-"`
	// Taxonomy checks categories and rolls them up; nil means
	// directory.DefaultTaxonomy.
	Taxonomy *directory.Taxonomy `json:"-"`
	// Location is the time zone of the calendar buckets; nil means UTC.
	// Chattanooga is America/New_York.
	Location *time.Location `json:"-"`

	// Mode is the privacy mode of every query; the zero value is
	// Suppress.
	Mode Mode `json:"mode"`
	// K is the suppression threshold: in Suppress mode a cell counting
	// fewer than K requests, or fewer than K distinct students, is not
	// published. 0 means 10; negative values are an error. K = 1
	// suppresses nothing.
	K int `json:"k"`
	// Epsilon is the privacy-loss parameter ε of each release in Noise
	// mode; 0 means 1.0.
	Epsilon float64 `json:"epsilon"`
	// Budget is the total privacy loss ε the store may spend in Noise
	// mode, summed over every release (Counts, RisingNeeds, SupplyGaps
	// calls); a release past it is refused with a *BudgetError. 0 means
	// DefaultBudget (10). +Inf means no limit: for the data owner's own
	// analysis only, since unlimited releases average the noise away.
	Budget float64 `json:"budget,omitempty"`
	// NoiseSource is the random source of Noise mode. nil means a
	// ChaCha8 generator seeded from crypto/rand, which is what
	// publication needs: with a known seed the noise can be replayed and
	// removed. Give a seeded source only for tests and demonstrations.
	NoiseSource rand.Source `json:"-"`

	// StudentKey is the HMAC key for Request.Student; requests that carry
	// a Student are rejected when it is empty. The caller keeps it
	// secret; without it the stored hashes cannot be linked to students.
	StudentKey []byte `json:"-"`

	// MaxQueryBytes bounds the working memory of one query (the table
	// and the counts read for it); a query estimated above it is refused
	// with a *LimitError before anything is allocated. 0 means
	// DefaultMaxQueryBytes (256 MiB).
	MaxQueryBytes int64 `json:"max_query_bytes,omitempty"`
	// MaxCacheBytes bounds the suppression lattices cached per year
	// (Suppress mode), evicted least recently used first; an evicted
	// year is recomputed on its next query. 0 means
	// DefaultMaxCacheBytes (512 MiB).
	MaxCacheBytes int64 `json:"max_cache_bytes,omitempty"`
}

// Errors. Test with errors.Is.
var (
	ErrNoSets           = errors.New("trends: no region sets configured")
	ErrBadConfig        = errors.New("trends: invalid configuration")
	ErrNoTime           = errors.New("trends: time is zero")
	ErrBadTime          = errors.New("trends: time is outside the years 1 to 9999")
	ErrUnknownCategory  = errors.New("trends: unknown category")
	ErrBadPoint         = errors.New("trends: point is not a valid lon/lat")
	ErrUnknownRegionSet = errors.New("trends: unknown region set")
	ErrUnknownRegion    = errors.New("trends: unknown region")
	ErrBadOutcome       = errors.New("trends: invalid outcome")
	ErrNoStudentKey     = errors.New("trends: request has a student key but the store has no StudentKey")
	ErrOffLattice       = errors.New("trends: query is not on the published lattice")
	ErrBadQuery         = errors.New("trends: invalid query")
)

// RequestError reports a request that cannot be ingested. It names the
// request by its index in the batch and the field at fault, never by its
// content: requests hold personal data, so neither the message nor any
// error it wraps quotes a coordinate, a student key or a category
// the caller sent.
type RequestError struct {
	Index int    // zero-based position in the batch
	Field string // "time", "category", "point", "region_set", "region", "outcome", "student"
	Err   error
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("trends: request %d: %s: %v", e.Index, e.Field, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// Store holds need requests as rollups by region tuple × time bucket
// (day, week, month) × category × outcome. It is safe for any number of
// concurrent writers and readers: ingest resolves times, regions,
// categories and student hashes without a lock and then adds counters
// atomically under a shared lock; queries take the shared lock only
// while they copy counters out, and suppressed queries of cached years
// take no lock at all. Save (WriteTo) holds off commits only while it
// copies the counters to memory.
type Store struct {
	cfg      Config
	loc      *time.Location
	tax      *directory.Taxonomy
	k        int
	eps      float64
	codes    []string // taxonomy codes in sorted order: a subtree is a run
	codeIdx  map[string]uint16
	subEnd   []uint16 // subEnd[c]: one past the last code of c's subtree
	parent   []int32  // parent code index, -1 for roots
	sets     []Set
	locs     []*gridLocator // per set: point lookup (see locate.go)
	setIdx   map[string]int
	radix    []uint64 // mixed radix of region tuples: set s has radix[s] values
	regNames []map[string]int
	lat      lattice // the ids of the suppression lattice

	hasher sync.Pool // *studentHasher

	noiseMu  sync.Mutex
	noiseRng *rand.Rand
	budget   float64
	spent    float64 // ε spent, under noiseMu
	mark     logMark // the log prefix a saved store counts, under noiseMu

	// commitMu is held shared by every commit and exclusively by Save.
	commitMu sync.RWMutex

	// mu guards the shape of the rollups (tuples, blocks, rows): writers
	// hold it shared while they add to existing counters with atomic
	// operations, and exclusively only to create a tuple, block or row.
	mu       sync.RWMutex
	tupleOf  []int32          // dense tuple key → tuple id, when small enough
	tupleMap map[uint64]int32 // otherwise
	tupleReg []uint16         // tuple id × set → region index (n = Outside)
	roll     [3]kindRollup    // Day, Week, Month
	n        atomic.Int64

	distinctMu sync.Mutex
	distinct   map[atomKey]*satSet

	// years maps a year to its *yearState: its data version and cached
	// suppression. Read lock-free on the query path.
	years      sync.Map
	cacheBytes atomic.Int64 // heap held by cached suppressions
	tick       atomic.Int64 // use clock for eviction
	evictMu    sync.Mutex

	version atomic.Uint64
}

const (
	rollDay = iota
	rollWeek
	rollMonth
)

// slots per category in a rollup row. Day and week rows hold one counter
// per category: no query splits them by outcome, and at a quarter of the
// size a decade of day rows stays in a server's last-level cache while
// requests stream in. Month rows keep one counter per outcome, and one
// more counting requests that carry a student key.
const (
	slotsDayWeek = 1
	slotsMonth   = int(numOutcomes) + 1
	slotKeyed    = int(numOutcomes)
)

// New returns an empty Store.
func New(cfg Config) (*Store, error) {
	if len(cfg.Sets) == 0 {
		return nil, ErrNoSets
	}
	if cfg.K < 0 {
		return nil, fmt.Errorf("%w: K %d is negative", ErrBadConfig, cfg.K)
	}
	if cfg.Epsilon < 0 || math.IsNaN(cfg.Epsilon) || math.IsInf(cfg.Epsilon, 0) {
		return nil, fmt.Errorf("%w: Epsilon must be positive", ErrBadConfig)
	}
	if cfg.Budget < 0 || math.IsNaN(cfg.Budget) {
		return nil, fmt.Errorf("%w: Budget must not be negative", ErrBadConfig)
	}
	if cfg.MaxQueryBytes < 0 || cfg.MaxCacheBytes < 0 {
		return nil, fmt.Errorf("%w: memory limits must not be negative", ErrBadConfig)
	}
	if int(cfg.Mode) >= len(modeNames) {
		return nil, fmt.Errorf("%w: unknown mode %d", ErrBadConfig, cfg.Mode)
	}
	s := &Store{cfg: cfg, loc: cfg.Location, tax: cfg.Taxonomy, k: cfg.K, eps: cfg.Epsilon,
		setIdx: map[string]int{}}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.tax == nil {
		s.tax = directory.DefaultTaxonomy()
	}
	if s.k == 0 {
		s.k = 10
	}
	if s.eps == 0 {
		s.eps = 1
	}
	s.budget = cfg.Budget
	if s.budget == 0 {
		s.budget = DefaultBudget
	}
	cats := s.tax.All()
	if len(cats) >= 1<<13 {
		return nil, fmt.Errorf("%w: taxonomy has more than 8191 categories", ErrBadConfig)
	}
	s.codeIdx = make(map[string]uint16, len(cats))
	for i, c := range cats {
		s.codes = append(s.codes, c.Code)
		s.codeIdx[c.Code] = uint16(i)
	}
	s.subEnd = make([]uint16, len(cats))
	s.parent = make([]int32, len(cats))
	for i, c := range s.codes {
		j := i + 1
		for j < len(s.codes) && directory.IsUnder(s.codes[j], c) {
			j++
		}
		s.subEnd[i] = uint16(j)
		s.parent[i] = -1
		if p := directory.ParentCode(c); p != "" {
			s.parent[i] = int32(s.codeIdx[p])
		}
	}
	total := uint64(1)
	for i, set := range cfg.Sets {
		if set.Name == "" || set.Regions == nil || set.Regions.Len() == 0 {
			return nil, fmt.Errorf("%w: region set %d has no name or no regions", ErrBadConfig, i)
		}
		if set.Regions.Len() >= 1<<16-1 {
			return nil, fmt.Errorf("%w: region set %q has too many regions", ErrBadConfig, set.Name)
		}
		if _, dup := s.setIdx[set.Name]; dup {
			return nil, fmt.Errorf("%w: duplicate region set %q", ErrBadConfig, set.Name)
		}
		s.setIdx[set.Name] = i
		s.sets = append(s.sets, set)
		s.locs = append(s.locs, locatorOf(set.Regions))
		r := uint64(set.Regions.Len() + 1)
		s.radix = append(s.radix, r)
		names := make(map[string]int, set.Regions.Len())
		for _, reg := range set.Regions.All() {
			names[reg.Name] = reg.Index
		}
		s.regNames = append(s.regNames, names)
		if total > 1<<40 {
			total = 1 << 41
		} else {
			total *= r
		}
	}
	if total <= 1<<22 {
		s.tupleOf = make([]int32, total)
		for i := range s.tupleOf {
			s.tupleOf[i] = -1
		}
	} else {
		s.tupleMap = map[uint64]int32{}
	}
	for i := range s.roll {
		s.roll[i].slots = slotsDayWeek
	}
	s.roll[rollMonth].slots = slotsMonth
	if len(cfg.StudentKey) > 0 {
		key := append([]byte(nil), cfg.StudentKey...)
		s.hasher.New = func() any { return &studentHasher{h: hmac.New(sha256.New, key)} }
	}
	src := cfg.NoiseSource
	if src == nil {
		src = cryptoSeeded()
	}
	s.noiseRng = rand.New(src)
	s.lat = s.newLattice()
	return s, nil
}

// timeInRange reports whether t falls in the years 1 to 9999 (UTC, with a
// day of margin for any zone), the range the calendar arithmetic covers.
func timeInRange(t time.Time) bool {
	return !t.Before(minTime) && t.Before(maxTime)
}

var (
	minTime = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	minUnix = minTime.Unix()
	maxUnix = maxTime.Unix()
)

// Location returns the time zone of the store's calendar buckets.
func (s *Store) Location() *time.Location { return s.loc }

// Taxonomy returns the taxonomy the store checks categories against.
func (s *Store) Taxonomy() *directory.Taxonomy { return s.tax }

// Sets returns the names of the store's region sets in order.
func (s *Store) Sets() []string {
	out := make([]string, len(s.sets))
	for i, set := range s.sets {
		out[i] = set.Name
	}
	return out
}

// K returns the suppression threshold in effect.
func (s *Store) K() int { return s.k }

// Mode returns the store's privacy mode.
func (s *Store) Mode() Mode { return s.cfg.Mode }

// Epsilon returns ε per release in Noise mode.
func (s *Store) Epsilon() float64 { return s.eps }

// Len returns how many requests the store holds, as far as its Mode
// publishes that figure:
//
//   - Unprotected: the exact number ingested.
//   - Suppress: the sum of the published yearly totals (the Total row of
//     Year tables); a year whose total is withheld counts 0, so Len never
//     reveals a figure the lattice withholds. It costs the suppression
//     pass of every year not cached yet.
//   - Noise: -1. An exact total is not private and a noisy one would
//     spend privacy budget; ask Counts for a Year table instead.
func (s *Store) Len() int64 {
	switch s.cfg.Mode {
	case Unprotected:
		return s.n.Load()
	case Noise:
		return -1
	}
	var n int64
	for _, y := range s.sortedYears() {
		p, err := s.protectedYear(context.Background(), y)
		if err != nil {
			// A background context is never cancelled; an error here is
			// a resource limit, and publishing nothing is the safe answer.
			return 0
		}
		if c := p.cell(yearBuckets-1, 0, 0); !c.Suppressed {
			n += c.Count
		}
	}
	return n
}

type studentHasher struct {
	h   hash.Hash
	buf [sha256.Size]byte
}

func (sh *studentHasher) sum(key string) uint64 {
	sh.h.Reset()
	sh.h.Write([]byte(key))
	return binary.LittleEndian.Uint64(sh.h.Sum(sh.buf[:0]))
}

// prepared is a request resolved without the lock: buckets, region tuple
// key, category index, outcome and student hash.
type prepared struct {
	day, week, month int32
	key              uint64
	student          uint64
	code             uint16
	outcome          uint8
	keyed            bool
}

// prepare resolves r. z caches zone spans; sh hashes students (nil when
// the store has no key).
func (s *Store) prepare(r *Request, idx int, z *zoneCache, sh *studentHasher, out *prepared) error {
	if r.Time.IsZero() {
		return &RequestError{Index: idx, Field: "time", Err: ErrNoTime}
	}
	// timeInRange on seconds: the bounds are whole seconds, so this is
	// the same test without comparing time.Time values.
	if u := r.Time.Unix(); u < minUnix || u >= maxUnix {
		return &RequestError{Index: idx, Field: "time", Err: ErrBadTime}
	}
	c, ok := s.codeIdx[r.Category]
	if !ok {
		return &RequestError{Index: idx, Field: "category", Err: ErrUnknownCategory}
	}
	if r.Outcome >= numOutcomes {
		return &RequestError{Index: idx, Field: "outcome", Err: ErrBadOutcome}
	}
	var key uint64
	if r.RegionSet != "" {
		si, ok := s.setIdx[r.RegionSet]
		if !ok {
			return &RequestError{Index: idx, Field: "region_set", Err: ErrUnknownRegionSet}
		}
		ri, ok := s.regNames[si][r.Region]
		if !ok {
			return &RequestError{Index: idx, Field: "region", Err: ErrUnknownRegion}
		}
		for i := len(s.sets) - 1; i >= 0; i-- {
			v := s.radix[i] - 1
			if i == si {
				v = uint64(ri)
			}
			key = key*s.radix[i] + v
		}
	} else {
		if err := checkPoint(r.Point); err != nil {
			return &RequestError{Index: idx, Field: "point", Err: err}
		}
		for i := len(s.sets) - 1; i >= 0; i-- {
			v := s.locs[i].locate(s.sets[i].Regions, r.Point)
			if v < 0 {
				v = int(s.radix[i] - 1)
			}
			key = key*s.radix[i] + uint64(v)
		}
	}
	out.key = key
	out.code = c
	out.outcome = uint8(r.Outcome)
	out.keyed = false
	out.student = 0
	if r.Student != "" {
		if sh == nil {
			return &RequestError{Index: idx, Field: "student", Err: ErrNoStudentKey}
		}
		out.keyed = true
		out.student = sh.sum(r.Student)
	}
	out.day = z.day(r.Time)
	out.week = weekOfDay(out.day)
	out.month = monthOfDay(out.day)
	return nil
}

// Add ingests one request. See AddBatch.
func (s *Store) Add(r Request) error {
	z := zoneCache{loc: s.loc}
	var sh *studentHasher
	if s.hasher.New != nil {
		sh = s.hasher.Get().(*studentHasher)
		defer s.hasher.Put(sh)
	}
	var p prepared
	if err := s.prepare(&r, 0, &z, sh, &p); err != nil {
		return err
	}
	s.commit([]prepared{p})
	return nil
}

// chunk is how many requests a worker prepares between context checks and
// how many a parallel batch gives each worker at a time.
const chunk = 8192

var preparedPool = sync.Pool{New: func() any { b := make([]prepared, 0, chunk); return &b }}

// AddBatch ingests requests, all or none: when any request is bad, the
// errors of every bad request (*RequestError, joined with errors.Join,
// in index order) are returned and nothing is added. Requests are
// resolved in parallel (up to GOMAXPROCS goroutines, finished before
// return) when the batch is large, and committed under the write lock.
// Cost: one point-in-region lookup per request and region set, one HMAC
// when Student is set, and three counter increments. The lookup reads a
// grid of the region set (built once per *geo.Regions after it has
// placed 32,768 points, ~150 ms, and shared by every store using it);
// only points within a few metres of a boundary take the rtree search
// and point-in-polygon test, which every point takes before the grid
// exists. Both give the same answer as geo.Regions.LocateIndex.
func (s *Store) AddBatch(ctx context.Context, reqs []Request) error {
	workers := min(runtime.GOMAXPROCS(0), (len(reqs)+chunk-1)/chunk)
	if workers <= 1 {
		buf := preparedPool.Get().(*[]prepared)
		defer preparedPool.Put(buf)
		out, err := s.prepareRange(ctx, reqs, 0, (*buf)[:0])
		*buf = out[:0]
		if err != nil {
			return err
		}
		s.commit(out)
		return nil
	}
	// Parallel: each worker prepares whole chunks; the results are kept
	// per chunk so that the commit, and the errors, stay in input order.
	nch := (len(reqs) + chunk - 1) / chunk
	outs := make([][]prepared, nch)
	bufs := make([]*[]prepared, nch)
	errs := make([]error, nch)
	defer func() {
		for c, b := range bufs {
			if b != nil {
				*b = outs[c][:0]
				preparedPool.Put(b)
			}
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nch {
					return
				}
				lo, hi := c*chunk, min((c+1)*chunk, len(reqs))
				bufs[c] = preparedPool.Get().(*[]prepared)
				outs[c], errs[c] = s.prepareRange(ctx, reqs[lo:hi], lo, (*bufs[c])[:0])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	next.Store(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nch {
					return
				}
				s.commit(outs[c])
			}
		}()
	}
	wg.Wait()
	return nil
}

func (s *Store) prepareRange(ctx context.Context, reqs []Request, base int, out []prepared) ([]prepared, error) {
	z := zoneCache{loc: s.loc}
	var sh *studentHasher
	if s.hasher.New != nil {
		sh = s.hasher.Get().(*studentHasher)
		defer s.hasher.Put(sh)
	}
	var errs []error
	var p prepared
	for i := range reqs {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return out, err
			}
		}
		if err := s.prepare(&reqs[i], base+i, &z, sh, &p); err != nil {
			errs = append(errs, err)
			continue
		}
		if errs == nil {
			out = append(out, p)
		}
	}
	if errs != nil {
		return out, errors.Join(errs...)
	}
	return out, nil
}

// commit adds prepared requests to the rollups, the distinct-student
// sets and the log. Concurrent commits run in parallel: counters are
// added atomically under the shared lock, and the lock is taken
// exclusively only to create a missing tuple, block or row.
func (s *Store) commit(ps []prepared) {
	// Shared: commits run together; Save takes it exclusively for a
	// consistent snapshot.
	s.commitMu.RLock()
	defer s.commitMu.RUnlock()
	nc := len(s.codes)
	var years [4]int32
	ny := 0
	moreYears := map[int32]bool(nil)
	s.mu.RLock()
	for i := range ps {
		p := &ps[i]
		tid := s.lookupTuple(p.key)
		var d, w, m []uint32
		if tid >= 0 {
			d = s.roll[rollDay].find(p.day, tid)
			w = s.roll[rollWeek].find(p.week, tid)
			m = s.roll[rollMonth].find(p.month, tid)
		}
		if d == nil || w == nil || m == nil {
			// Rows never move once made, so they stay valid after the
			// exclusive section.
			s.mu.RUnlock()
			s.mu.Lock()
			tid = s.tuple(p.key)
			d = s.roll[rollDay].row(p.day, tid, nc)
			w = s.roll[rollWeek].row(p.week, tid, nc)
			m = s.roll[rollMonth].row(p.month, tid, nc)
			s.mu.Unlock()
			s.mu.RLock()
		}
		p.key = uint64(tid) // remembered for the distinct sets below
		atomic.AddUint32(&d[int(p.code)*slotsDayWeek], 1)
		atomic.AddUint32(&w[int(p.code)*slotsDayWeek], 1)
		atomic.AddUint32(&m[int(p.code)*slotsMonth+int(p.outcome)], 1)
		if p.keyed {
			atomic.AddUint32(&m[int(p.code)*slotsMonth+slotKeyed], 1)
		}
		y := int32(floorDiv(int64(p.month), 12))
		seen := false
		for _, x := range years[:ny] {
			if x == y {
				seen = true
				break
			}
		}
		if !seen {
			if ny < len(years) {
				years[ny] = y
				ny++
			} else {
				if moreYears == nil {
					moreYears = map[int32]bool{}
				}
				moreYears[y] = true
			}
		}
	}
	s.mu.RUnlock()
	if s.hasher.New != nil {
		s.distinctMu.Lock()
		for i := range ps {
			if p := &ps[i]; p.keyed {
				s.addDistinct(atomKey{month: p.month, tuple: int32(p.key), code: p.code}, p.student)
			}
		}
		s.distinctMu.Unlock()
	}
	s.n.Add(int64(len(ps)))
	for _, y := range years[:ny] {
		s.yearState(y, true).version.Add(1)
	}
	for y := range moreYears {
		s.yearState(y, true).version.Add(1)
	}
	s.version.Add(1)
}

// lookupTuple returns the id of an interned tuple key, or -1. The caller
// holds s.mu.
func (s *Store) lookupTuple(key uint64) int32 {
	if s.tupleOf != nil {
		return s.tupleOf[key]
	}
	if t, ok := s.tupleMap[key]; ok {
		return t
	}
	return -1
}

// tuple interns a region tuple key. The caller holds s.mu exclusively.
func (s *Store) tuple(key uint64) int32 {
	if s.tupleOf != nil {
		if t := s.tupleOf[key]; t >= 0 {
			return t
		}
	} else if t, ok := s.tupleMap[key]; ok {
		return t
	}
	t := int32(len(s.tupleReg) / len(s.sets))
	k := key
	for i := range s.sets {
		s.tupleReg = append(s.tupleReg, uint16(k%s.radix[i]))
		k /= s.radix[i]
	}
	if s.tupleOf != nil {
		s.tupleOf[key] = t
	} else {
		s.tupleMap[key] = t
	}
	return t
}

// ntuples returns the number of interned tuples. The caller holds s.mu.
func (s *Store) ntuples() int { return len(s.tupleReg) / len(s.sets) }

// kindRollup holds the counters of one bucket kind: one block per bucket,
// one row per region tuple, slots × categories counters per row.
type kindRollup struct {
	slots  int
	origin int32
	blocks []*block
}

type block struct{ rows [][]uint32 }

func (k *kindRollup) row(b int32, tid int32, ncodes int) []uint32 {
	if len(k.blocks) == 0 {
		k.origin = b
		k.blocks = []*block{{}}
	}
	if b < k.origin {
		grow := make([]*block, int(k.origin-b)+len(k.blocks))
		copy(grow[k.origin-b:], k.blocks)
		k.blocks, k.origin = grow, b
	}
	i := int(b - k.origin)
	for i >= len(k.blocks) {
		k.blocks = append(k.blocks, nil)
	}
	blk := k.blocks[i]
	if blk == nil {
		blk = &block{}
		k.blocks[i] = blk
	}
	for int(tid) >= len(blk.rows) {
		blk.rows = append(blk.rows, nil)
	}
	r := blk.rows[tid]
	if r == nil {
		r = make([]uint32, ncodes*k.slots)
		blk.rows[tid] = r
	}
	return r
}

// find returns the row of bucket b and tuple tid, or nil when it does not
// exist yet. The caller holds s.mu.
func (k *kindRollup) find(b int32, tid int32) []uint32 {
	blk := k.get(b)
	if blk == nil || int(tid) >= len(blk.rows) {
		return nil
	}
	return blk.rows[tid]
}

// get returns the block of bucket b, or nil. The caller holds s.mu.
func (k *kindRollup) get(b int32) *block {
	i := int64(b) - int64(k.origin)
	if i < 0 || i >= int64(len(k.blocks)) {
		return nil
	}
	return k.blocks[i]
}

// span returns the first and one-past-last bucket holding data.
func (k *kindRollup) span() (int32, int32) {
	return k.origin, k.origin + int32(len(k.blocks))
}

// atomKey names one month × region tuple × category cell, the unit the
// suppression works on.
type atomKey struct {
	month int32
	tuple int32
	code  uint16
}

// satSet holds up to k distinct student hashes: enough to tell whether a
// cell has at least k distinct students, which is all suppression needs.
type satSet struct{ h []uint64 }

func (s *Store) addDistinct(a atomKey, h uint64) {
	if s.distinct == nil {
		s.distinct = map[atomKey]*satSet{}
	}
	ss := s.distinct[a]
	if ss == nil {
		ss = &satSet{}
		s.distinct[a] = ss
	}
	ss.add(h, s.k)
}

func (ss *satSet) add(h uint64, k int) {
	if len(ss.h) >= k {
		return
	}
	for _, x := range ss.h {
		if x == h {
			return
		}
	}
	ss.h = append(ss.h, h)
}

// merge adds o's hashes to ss, stopping at k.
func (ss *satSet) merge(o []uint64, k int) {
	for _, h := range o {
		if len(ss.h) >= k {
			return
		}
		ss.add(h, k)
	}
}

// sortedYears returns the years holding data, ascending.
func (s *Store) sortedYears() []int32 {
	var ys []int32
	s.years.Range(func(k, _ any) bool {
		ys = append(ys, k.(int32))
		return true
	})
	sort.Slice(ys, func(i, j int) bool { return ys[i] < ys[j] })
	return ys
}
