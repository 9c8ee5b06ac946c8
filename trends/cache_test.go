package trends_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

// publishAll returns every table of the grid store's lattice over
// 2024–2025: each set, node and chain bucket.
func publishAll(t *testing.T, s *trends.Store) []*trends.Table {
	t.Helper()
	var out []*trends.Table
	for _, set := range []string{"a", "b", "c"} {
		for _, nd := range gridNodes {
			for _, b := range []trends.Bucket{trends.Month, trends.Quarter, trends.Half, trends.Year} {
				tab, err := s.Counts(context.Background(), trends.Query{Set: set, Category: nd.code, Exact: nd.exact, Bucket: b,
					From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
				require.NoError(t, err)
				out = append(out, tab)
			}
		}
	}
	return out
}

// twoYears draws grid requests over 2024 and 2025.
func twoYears(seed uint64, n int) []trends.Request {
	reqs := gridRequests(rand.New(rand.NewPCG(seed, 5)), n)
	for i := range reqs {
		if i%2 == 0 {
			reqs[i].Time = reqs[i].Time.AddDate(-1, 0, 0)
		}
	}
	return reqs
}

// TestIncrementalSuppressionEqualsFullPass: after an ingest into 2025
// only, the cached 2024 lattice is reused (not recomputed), 2025 is
// recomputed, and every published table equals that of a store that
// ingested everything at once and ran one full pass per year.
func TestIncrementalSuppressionEqualsFullPass(t *testing.T) {
	t.Parallel()
	first, later := twoYears(1, 1500), gridRequests(rand.New(rand.NewPCG(2, 2)), 300)
	cfg := trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5}
	inc, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, inc.AddBatch(context.Background(), first))
	publishAll(t, inc)
	y24, y25 := trends.CachedYear(inc, 2024), trends.CachedYear(inc, 2025)
	require.NotNil(t, y24)
	require.NotNil(t, y25)
	require.NoError(t, inc.AddBatch(context.Background(), later))
	got := publishAll(t, inc)
	assert.Same(t, y24, trends.CachedYear(inc, 2024), "2024 gained nothing: its pass is not rerun")
	assert.NotSame(t, y25, trends.CachedYear(inc, 2025), "2025 gained data: its pass is rerun")

	full, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, full.AddBatch(context.Background(), append(append([]trends.Request(nil), first...), later...)))
	assert.Equal(t, publishAll(t, full), got)
}

// TestSuppressedQueriesRunConcurrently: eight readers query a suppressed
// store while a writer ingests; every reader's table is one a sequential
// store publishes for some prefix of the ingest (checked at the end for
// the full data), and -race sees no race on the lock-free path.
func TestSuppressedQueriesRunConcurrently(t *testing.T) {
	t.Parallel()
	reqs := twoYears(3, 2000)
	cfg := trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5}
	s, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(context.Background(), reqs[:1000]))
	var wg sync.WaitGroup
	for r := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				_, err := s.Counts(context.Background(), trends.Query{Set: []string{"a", "b", "c"}[(r+i)%3], Bucket: trends.Quarter,
					From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)})
				assert.NoError(t, err)
			}
		}()
	}
	for i := 1000; i < len(reqs); i += 100 {
		require.NoError(t, s.AddBatch(context.Background(), reqs[i:i+100]))
	}
	wg.Wait()
	seq, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, seq.AddBatch(context.Background(), reqs))
	assert.Equal(t, publishAll(t, seq), publishAll(t, s))
}

// TestSuppressionCacheIsBounded ingests one request a year over 300
// years, queries them all, and checks that the cache stays under its
// limit plus one year's lattice while answers stay right (K = 1
// publishes every count: each year holds exactly 1).
func TestSuppressionCacheIsBounded(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 1, MaxCacheBytes: limit})
	require.NoError(t, err)
	var reqs []trends.Request
	for y := 1800; y < 2100; y++ {
		reqs = append(reqs, trends.Request{Time: time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC), RegionSet: "a", Region: "a-00", Category: "a.x"})
	}
	require.NoError(t, s.AddBatch(context.Background(), reqs))
	tab, err := s.Counts(context.Background(), trends.Query{Set: "a", Bucket: trends.Year})
	require.NoError(t, err)
	require.Len(t, tab.Periods, 300)
	tot, _ := tab.Row(trends.TotalName)
	for i, c := range tot.Cells {
		assert.Equal(t, trends.Cell{Count: 1}, c, "year %d", 1800+i)
	}
	one := trends.CachedYear(s, 2099)
	require.NotNil(t, one)
	assert.LessOrEqual(t, s.CacheBytes(), int64(limit)*2, "cache %d bytes, limit %d", s.CacheBytes(), limit)
	assert.Nil(t, trends.CachedYear(s, 1800), "the least recently used year was evicted")
	assert.Equal(t, int64(300), s.Len(), fmt.Sprint("Len sums the published yearly totals"))
}
