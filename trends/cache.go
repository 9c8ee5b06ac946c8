package trends

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
)

// ErrTooLarge is wrapped by *LimitError.
var ErrTooLarge = errors.New("trends: over a memory limit")

// LimitError reports a query refused because answering it would hold more
// memory than a configured limit allows. Need is an estimate made before
// any allocation.
type LimitError struct {
	// Limit names the Config field: "MaxQueryBytes".
	Limit string
	// Max is the limit and Need the estimate, in bytes.
	Max, Need int64
	// What says what the memory would hold ("2,400 monthly buckets × 121
	// rows × 61 categories").
	What string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("trends: %s needs about %d bytes, over %s = %d", e.What, e.Need, e.Limit, e.Max)
}

func (e *LimitError) Unwrap() error { return ErrTooLarge }

// Defaults of the memory limits.
const (
	DefaultMaxQueryBytes = 256 << 20
	DefaultMaxCacheBytes = 512 << 20
)

func (s *Store) maxQueryBytes() int64 {
	if s.cfg.MaxQueryBytes > 0 {
		return s.cfg.MaxQueryBytes
	}
	return DefaultMaxQueryBytes
}

func (s *Store) maxCacheBytes() int64 {
	if s.cfg.MaxCacheBytes > 0 {
		return s.cfg.MaxCacheBytes
	}
	return DefaultMaxCacheBytes
}

// checkQuerySize refuses a query over nb buckets of kind b whose working
// memory — the table (a 16-byte cell per row and bucket, a period per
// bucket) plus, outside Suppress mode, the raw counts read (8 bytes per
// row, bucket and category of the subtree) — would exceed MaxQueryBytes.
func (s *Store) checkQuerySize(b Bucket, nb int64, nrow, nc int) error {
	per := int64(nrow+1)*16 + 64
	if s.cfg.Mode != Suppress {
		per += int64(nrow) * int64(nc) * 8
	}
	need := nb * per
	if max := s.maxQueryBytes(); need > max {
		return &LimitError{Limit: "MaxQueryBytes", Max: max, Need: need,
			What: fmt.Sprintf("a query of %d %s buckets × %d rows × %d categories", nb, b, nrow+1, nc)}
	}
	return nil
}

// yearState is one calendar year's part of the suppression lattice: the
// version of its data, bumped by every commit that adds to the year, and
// the suppression computed for some version. Years share no published
// cell, so a commit reruns the pass only for the years it touched, on
// their next query.
type yearState struct {
	version atomic.Uint64
	prot    atomic.Pointer[protected]
	used    atomic.Int64 // Store.tick at last use, for eviction
	mu      sync.Mutex   // held while the year's pass runs
}

// yearState returns the state of year y, creating it when create is set,
// else nil for a year without data.
func (s *Store) yearState(y int32, create bool) *yearState {
	if v, ok := s.years.Load(y); ok {
		return v.(*yearState)
	}
	if !create {
		return nil
	}
	v, _ := s.years.LoadOrStore(y, &yearState{})
	return v.(*yearState)
}

// protectedYear returns the suppressed lattice of year y, nil for a year
// without data (every cell 0). The hot path is lock-free: an atomic load
// of the cached lattice and of the year's version. When the year gained
// data since, one caller reruns the year's pass while other callers of
// the same year wait; other years are not blocked. Cached lattices are
// evicted, least recently used first, to keep them under MaxCacheBytes.
func (s *Store) protectedYear(ctx context.Context, y int32) (*protected, error) {
	st := s.yearState(y, false)
	if st == nil {
		return nil, nil
	}
	st.used.Store(s.tick.Add(1))
	ver := st.version.Load()
	if p := st.prot.Load(); p != nil && p.version == ver {
		return p, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	ver = st.version.Load()
	if p := st.prot.Load(); p != nil && p.version == ver {
		return p, nil
	}
	p, err := s.protect(ctx, y, ver)
	if err != nil {
		return nil, err
	}
	if old := st.prot.Swap(p); old != nil {
		s.cacheBytes.Add(-old.bytes())
	}
	if s.cacheBytes.Add(p.bytes()) > s.maxCacheBytes() {
		s.evict(st)
	}
	return p, nil
}

// evict drops cached lattices, least recently used first, until the cache
// is under MaxCacheBytes; keep is never dropped (a single year larger
// than the limit stays cached alone).
func (s *Store) evict(keep *yearState) {
	s.evictMu.Lock()
	defer s.evictMu.Unlock()
	var cached []*yearState
	s.years.Range(func(_, v any) bool {
		if st := v.(*yearState); st != keep && st.prot.Load() != nil {
			cached = append(cached, st)
		}
		return true
	})
	sort.Slice(cached, func(i, j int) bool { return cached[i].used.Load() < cached[j].used.Load() })
	max := s.maxCacheBytes()
	for _, st := range cached {
		if s.cacheBytes.Load() <= max {
			return
		}
		if p := st.prot.Swap(nil); p != nil {
			s.cacheBytes.Add(-p.bytes())
		}
	}
}

// CacheBytes returns the heap held by cached suppression lattices, at
// most Config.MaxCacheBytes plus one year's lattice.
func (s *Store) CacheBytes() int64 { return s.cacheBytes.Load() }
