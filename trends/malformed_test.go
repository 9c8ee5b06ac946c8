package trends_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// TestMalformedQueries is the trends-query part of the malformed-input
// corpus: bad ranges, unknown names, huge bucket counts, NaN and
// infinities, zero and out-of-range times. Each case is refused with the
// named error, or its acceptance is asserted (want nil).
func TestMalformedQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sup, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t)})
	require.NoError(t, err)
	raw, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected, MaxQueryBytes: 4 << 20})
	require.NoError(t, err)
	noisy, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Noise, Budget: math.Inf(1), MaxQueryBytes: 4 << 20})
	require.NoError(t, err)
	for _, s := range []*trends.Store{sup, raw, noisy} {
		require.NoError(t, s.AddBatch(ctx, gridRequests(rand.New(rand.NewPCG(1, 1)), 300)))
	}
	d := func(y int) time.Time { return time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC) }
	var lim *trends.LimitError
	counts := []struct {
		name string
		s    *trends.Store
		q    trends.Query
		want error
	}{
		{"unknown set", sup, trends.Query{Set: "zz"}, trends.ErrUnknownRegionSet},
		{"empty set name", raw, trends.Query{}, trends.ErrUnknownRegionSet},
		{"unknown category", raw, trends.Query{Set: "a", Category: "a.nope"}, trends.ErrUnknownCategory},
		{"category with trailing dot", raw, trends.Query{Set: "a", Category: "a."}, trends.ErrUnknownCategory},
		{"exact without category", raw, trends.Query{Set: "a", Exact: true}, trends.ErrBadQuery},
		{"bucket 42", raw, trends.Query{Set: "a", Bucket: 42}, trends.ErrBadQuery},
		{"bucket 255 in suppress", sup, trends.Query{Set: "a", Bucket: 255}, trends.ErrBadQuery},
		{"To before From", raw, trends.Query{Set: "a", From: d(2025), To: d(2024)}, trends.ErrBadQuery},
		{"From in year 0", raw, trends.Query{Set: "a", From: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}, trends.ErrBadTime},
		{"To in year 10000", raw, trends.Query{Set: "a", To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, trends.ErrBadTime},
		{"To at the end of time", raw, trends.Query{Set: "a", To: time.Unix(math.MaxInt64/4, 0)}, trends.ErrBadTime},
		{"From at the start of time", raw, trends.Query{Set: "a", From: time.Unix(math.MinInt64/4, 0)}, trends.ErrBadTime},
		{"over 100,000 day buckets", raw, trends.Query{Set: "a", Bucket: trends.Day, From: d(1800), To: d(2200)}, trends.ErrBadQuery},
		{"100,000 months", raw, trends.Query{Set: "a", Bucket: trends.Month, From: d(1000), To: d(9000)}, trends.ErrTooLarge},
		{"99,000 noisy days", noisy, trends.Query{Set: "a", Bucket: trends.Day, From: d(1800), To: d(2070)}, trends.ErrTooLarge},
		{"weeks off the lattice", sup, trends.Query{Set: "a", Bucket: trends.Week}, trends.ErrOffLattice},
		{"days off the lattice", sup, trends.Query{Set: "a", Bucket: trends.Day}, trends.ErrOffLattice},
		{"zero From and To: the data's span", raw, trends.Query{Set: "a"}, nil},
		{"only To", raw, trends.Query{Set: "a", To: d(2025)}, nil},
		{"only From, after the data", raw, trends.Query{Set: "a", From: d(2030)}, trends.ErrBadQuery},
		{"a range with no data", raw, trends.Query{Set: "a", From: d(1990), To: d(1991)}, nil},
		{"5,000 suppressed years, mostly empty", sup, trends.Query{Set: "a", Bucket: trends.Year, From: d(2000), To: d(6999)}, nil},
		{"exact on a leaf", raw, trends.Query{Set: "a", Category: "a.x", Exact: true}, nil},
		{"one instant", sup, trends.Query{Set: "c", Bucket: trends.Year, From: d(2025), To: d(2025)}, nil},
	}
	for _, tc := range counts {
		t.Run("counts/"+tc.name, func(t *testing.T) {
			tab, err := tc.s.Counts(ctx, tc.q)
			if tc.want == nil {
				require.NoError(t, err)
				for _, row := range tab.Rows {
					assert.Len(t, row.Cells, len(tab.Periods))
				}
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assert.True(t, tab == nil, "no table with an error")
			if tc.want == trends.ErrTooLarge {
				require.ErrorAs(t, err, &lim)
				assert.Equal(t, "MaxQueryBytes", lim.Limit)
				assert.Greater(t, lim.Need, lim.Max)
			}
		})
	}
	at := d(2025)
	rising := []struct {
		name string
		s    *trends.Store
		q    trends.RisingQuery
		want error
	}{
		{"zero At", raw, trends.RisingQuery{Set: "a"}, trends.ErrBadQuery},
		{"At in year 20000", raw, trends.RisingQuery{Set: "a", At: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, trends.ErrBadTime},
		{"unknown set", raw, trends.RisingQuery{Set: "zz", At: at}, trends.ErrUnknownRegionSet},
		{"unknown category", raw, trends.RisingQuery{Set: "a", Category: "zz", At: at}, trends.ErrUnknownCategory},
		{"bad bucket", raw, trends.RisingQuery{Set: "a", Bucket: 9, At: at}, trends.ErrBadQuery},
		{"bad baseline", raw, trends.RisingQuery{Set: "a", At: at, Against: 7}, trends.ErrBadQuery},
		{"NaN alpha", raw, trends.RisingQuery{Set: "a", At: at, Alpha: math.NaN()}, trends.ErrBadQuery},
		{"infinite alpha", raw, trends.RisingQuery{Set: "a", At: at, Alpha: math.Inf(1)}, trends.ErrBadQuery},
		{"negative alpha", raw, trends.RisingQuery{Set: "a", At: at, Alpha: -0.1}, trends.ErrBadQuery},
		{"alpha 1", raw, trends.RisingQuery{Set: "a", At: at, Alpha: 1}, trends.ErrBadQuery},
		{"negative min volume", raw, trends.RisingQuery{Set: "a", At: at, MinVolume: -5}, trends.ErrBadQuery},
		{"weeks off the lattice", sup, trends.RisingQuery{Set: "a", Bucket: trends.Week, At: at}, trends.ErrOffLattice},
		{"a year of days against last year", raw, trends.RisingQuery{Set: "a", Bucket: trends.Day, Against: trends.LastYear, At: at}, nil},
		{"far from the data", sup, trends.RisingQuery{Set: "a", Bucket: trends.Year, At: d(9000)}, nil},
	}
	for _, tc := range rising {
		t.Run("rising/"+tc.name, func(t *testing.T) {
			_, err := tc.s.RisingNeeds(ctx, tc.q)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
	b := directory.NewBuilder()
	b.Taxonomy = smallTaxonomy(t)
	dir, err := b.Build(ctx)
	require.NoError(t, err)
	gaps := []struct {
		name string
		dir  *directory.Directory
		q    trends.GapQuery
		want error
	}{
		{"nil directory", nil, trends.GapQuery{Set: "a", At: at}, trends.ErrBadQuery},
		{"zero At", dir, trends.GapQuery{Set: "a"}, trends.ErrBadQuery},
		{"NaN Near", dir, trends.GapQuery{Set: "a", At: at, Near: geo.Meters(math.NaN())}, trends.ErrBadQuery},
		{"infinite Near", dir, trends.GapQuery{Set: "a", At: at, Near: geo.Meters(math.Inf(1))}, trends.ErrBadQuery},
		{"negative Near", dir, trends.GapQuery{Set: "a", At: at, Near: -1}, trends.ErrBadQuery},
		{"unknown set", dir, trends.GapQuery{Set: "zz", At: at}, trends.ErrUnknownRegionSet},
		{"unknown category", dir, trends.GapQuery{Set: "a", Category: "q", At: at}, trends.ErrUnknownCategory},
		{"At out of range", dir, trends.GapQuery{Set: "a", At: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}, trends.ErrBadTime},
		{"empty directory", dir, trends.GapQuery{Set: "a", At: at, Near: 1000}, nil},
	}
	for _, tc := range gaps {
		t.Run("gaps/"+tc.name, func(t *testing.T) {
			_, err := raw.SupplyGaps(ctx, tc.dir, tc.q)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
	t.Run("geojson/period out of range", func(t *testing.T) {
		tab, err := raw.Counts(ctx, trends.Query{Set: "a"})
		require.NoError(t, err)
		var buf bytes.Buffer
		assert.ErrorIs(t, tab.WriteGeoJSON(&buf, gridSets(t)[0].Regions, len(tab.Periods)), trends.ErrBadQuery)
		assert.ErrorIs(t, tab.WriteGeoJSON(&buf, gridSets(t)[0].Regions, -1), trends.ErrBadQuery)
		assert.ErrorIs(t, tab.WriteGeoJSON(&buf, gridSets(t)[1].Regions, 0), geo.ErrRegionNotFound)
	})
}

// heapNow is the bytes of heap objects, live or not yet swept.
func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeapDuring runs fn while sampling the heap every 200 µs and
// returns the peak growth over the heap before fn.
func peakHeapDuring(fn func()) uint64 {
	runtime.GC()
	base := heapNow()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if v := heapNow(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if v := heapNow(); v > peak.Load() {
		peak.Store(v)
	}
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// TestAdversarialQueriesStayBounded replays the memory blow-ups of issue
// 14 on the real neighborhoods and taxonomy, and asserts the peak heap
// growth stays within 10 × the input (a query is a few hundred bytes,
// the stores a few hundred kilobytes) plus a fixed overhead of 96 MiB
// (the suppressed pass measures 50–70 MiB depending on when the
// collector runs; uncapped, the 300 years' lattices would hold ~300 MB):
//
//   - a suppressed Year table over 2000–2299 with one request in every
//     year (a suppression pass per year; before, every year's lattice
//     stayed cached: 5.9 GB for 5,000 years), with MaxCacheBytes 16 MiB;
//   - 100,000 monthly buckets (refused by MaxQueryBytes before any
//     allocation; before, out of memory);
//   - a noise query over 100,000 daily buckets (refused; before, 3.7 GB
//     and 25 s).
func TestAdversarialQueriesStayBounded(t *testing.T) {
	const overhead = 96 << 20
	// A tight GC target makes the sampled heap follow the live heap
	// rather than the collector's slack.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	sets := []trends.Set{{Name: "hoods", Regions: hoods}}
	regs := hoods.All()
	ctx := context.Background()
	years := 300 // uncapped, their lattices would hold ~300 MB
	if testing.Short() {
		years = 100
	}
	var reqs []trends.Request
	for y := 2000; y < 2000+years; y++ {
		reqs = append(reqs, trends.Request{Time: time.Date(y, 5, 1, 12, 0, 0, 0, time.UTC),
			RegionSet: "hoods", Region: regs[y%len(regs)].Name, Category: "basic.food"})
	}
	sup, err := trends.New(trends.Config{Sets: sets, MaxCacheBytes: 16 << 20})
	require.NoError(t, err)
	require.NoError(t, sup.AddBatch(ctx, reqs))
	var tab *trends.Table
	grew := peakHeapDuring(func() {
		tab, err = sup.Counts(ctx, trends.Query{Set: "hoods", Bucket: trends.Year,
			From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(1999+years, 1, 1, 0, 0, 0, 0, time.UTC)})
	})
	require.NoError(t, err)
	require.Len(t, tab.Periods, years)
	tot, _ := tab.Row(trends.TotalName)
	for i, c := range tot.Cells {
		require.True(t, c.Suppressed, "year %d holds 1 request: withheld", 2000+i)
	}
	assert.LessOrEqual(t, grew, uint64(overhead), "suppressed years: heap grew %d bytes", grew)
	assert.LessOrEqual(t, sup.CacheBytes(), int64(16<<20)+4<<20)

	raw, err := trends.New(trends.Config{Sets: sets, Mode: trends.Unprotected})
	require.NoError(t, err)
	require.NoError(t, raw.AddBatch(ctx, reqs[:10]))
	noisy, err := trends.New(trends.Config{Sets: sets, Mode: trends.Noise})
	require.NoError(t, err)
	require.NoError(t, noisy.AddBatch(ctx, reqs[:10]))
	for _, tc := range []struct {
		name string
		s    *trends.Store
		q    trends.Query
	}{
		{"100,000 months", raw, trends.Query{Set: "hoods", Bucket: trends.Month,
			From: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(9332, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"100,000 noisy days", noisy, trends.Query{Set: "hoods", Bucket: trends.Day,
			From: time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2073, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		var err error
		grew := peakHeapDuring(func() { _, err = tc.s.Counts(ctx, tc.q) })
		assert.ErrorIs(t, err, trends.ErrTooLarge, tc.name)
		assert.LessOrEqual(t, grew, uint64(overhead), "%s: heap grew %d bytes", tc.name, grew)
	}
	assert.Zero(t, noisy.Spent(), "a refused release spends nothing")
}
