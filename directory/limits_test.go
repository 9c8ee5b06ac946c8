package directory_test

import (
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

// TestSearchNothingPlaced queries a directory whose providers all lack a
// location, as an HSDS folder whose location IDs never resolve gives:
// every spatial query answers nothing, none panics.
func TestSearchNothingPlaced(t *testing.T) {
	t.Parallel()
	b := directory.NewBuilder()
	b.TextIndex = true
	b.Add(directory.Provider{ID: "phone", Name: "Food line", Categories: []string{"basic.food.pantry"}, Unplaced: true})
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	empty, err := directory.NewBuilder().Build(t.Context())
	require.NoError(t, err)
	for name, d := range map[string]*directory.Directory{"unplaced only": d, "empty": empty} {
		for _, q := range []directory.Query{
			{Near: demo.Downtown, K: 5},
			{Near: demo.Downtown, K: directory.MaxK},
			{Near: demo.Downtown, K: 5, Categories: []string{"basic.food"}},
			{Near: demo.Downtown, K: 5, Categories: []string{"basic.food", "health"}},
			{Near: demo.Downtown, Radius: 1000},
		} {
			got, err := d.Search(q)
			require.NoError(t, err, "%s: %+v", name, q)
			assert.Empty(t, got, "%s: %+v", name, q)
			seq, err := d.Nearby(q)
			require.NoError(t, err)
			for r := range seq {
				t.Errorf("%s: Nearby yielded %s", name, r.Provider.ID())
			}
		}
	}
	res, err := d.SearchText(directory.TextQuery{Words: "food", Query: directory.Query{Near: demo.Downtown, K: 5}})
	require.NoError(t, err)
	assert.Empty(t, res.Hits)
}

// TestKBounds checks that K is bounded for Search, Nearby and
// SearchText alike, and that MaxK itself is accepted.
func TestKBounds(t *testing.T) {
	t.Parallel()
	d := tinyDir(t, 5, true)
	for _, tc := range []struct {
		k  int
		ok bool
	}{
		{0, true}, {1, true}, {directory.MaxK, true},
		{directory.MaxK + 1, false}, {math.MaxInt, false}, {math.MaxInt32, false}, {-1, false}, {math.MinInt, false},
	} {
		q := directory.Query{Near: demo.Downtown, K: tc.k, Radius: 50_000}
		got, err := d.Search(q)
		_, errN := d.Nearby(q)
		res, errT := d.SearchText(directory.TextQuery{Words: "clinic", Query: q})
		if tc.ok {
			require.NoError(t, err, "k=%d", tc.k)
			want := 5 // every provider lies within 50 km
			if tc.k > 0 {
				want = min(tc.k, 5)
			}
			assert.Len(t, got, want, "k=%d", tc.k)
			require.NoError(t, errN)
			require.NoError(t, errT)
			assert.Equal(t, []string{"t2"}, hitIDs(res))
			continue
		}
		assert.ErrorIs(t, err, directory.ErrBadK, "k=%d", tc.k)
		assert.ErrorIs(t, errN, directory.ErrBadK, "k=%d", tc.k)
		assert.ErrorIs(t, errT, directory.ErrBadK, "k=%d", tc.k)
		var qe *directory.TextQueryError
		require.ErrorAs(t, errT, &qe)
		assert.Equal(t, "k", qe.Field)
	}
}

// allocated returns the bytes fn allocates, counted by the runtime:
// an upper bound of how much fn raises the peak heap.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestLongWordMemory indexes a provider whose description is one 70 KB
// word. Before tokens were cut and typo deletions bounded, a 20 KB word
// took 651 MB and 70 KB ran out of memory, in Build and again in Open.
// Now each of Build, Save and Open allocates at most 10 bytes per byte of
// the word beyond what the same provider with a short word costs, plus
// 256 KiB — and the total allocation bounds the peak heap from above.
func TestLongWordMemory(t *testing.T) {
	// Not parallel: TotalAlloc counts every goroutine's allocations.
	const n = 70_000
	costs := func(word string) (build, save, open uint64) {
		var d *directory.Directory
		build = allocated(func() {
			b := directory.NewBuilder()
			b.TextIndex = true
			b.Add(directory.Provider{ID: "x", Name: "Pantry", Description: word, Categories: []string{"basic.food.pantry"}, Point: demo.Downtown})
			var err error
			d, err = b.Build(t.Context())
			require.NoError(t, err)
		})
		dir := filepath.Join(t.TempDir(), "snap")
		save = allocated(func() { require.NoError(t, d.Save(t.Context(), dir)) })
		open = allocated(func() {
			got, err := directory.Open(t.Context(), dir)
			require.NoError(t, err)
			res, err := got.SearchText(directory.TextQuery{Words: "pantry", Query: directory.Query{Near: demo.Downtown}})
			require.NoError(t, err)
			require.Equal(t, 1, res.Total)
		})
		return build, save, open
	}
	b0, s0, o0 := costs("groceries")
	b1, s1, o1 := costs(strings.Repeat("ab", n/2))
	perByte := uint64(10)
	if raceEnabled {
		// sync.Pool keeps nothing under the race detector, so bleve's
		// reused buffers are allocated afresh and counted again.
		perByte = 20
	}
	limit := func(base uint64) uint64 { return base + perByte*n + 256<<10 }
	t.Logf("allocated for a %d-byte word: build %d (short word %d), save %d (%d), open %d (%d)", n, b1, b0, s1, s0, o1, o0)
	assert.LessOrEqual(t, b1, limit(b0), "build")
	assert.LessOrEqual(t, s1, limit(s0), "save")
	assert.LessOrEqual(t, o1, limit(o0), "open")
}

// TestLongWordFound checks that a word longer than the indexed cut is
// still found by its own spelling, and that a word near it in spelling
// is not taken for it.
func TestLongWordFound(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("wrap", 100) // 400 bytes
	other := strings.Repeat("wrap", 50) + strings.Repeat("x", 200)
	b := directory.NewBuilder()
	b.TextIndex = true
	b.Add(directory.Provider{ID: "long", Name: "Pantry", Keywords: []string{long}, Categories: []string{"basic.food.pantry"}, Point: demo.Downtown})
	b.Add(directory.Provider{ID: "other", Name: "Pantry", Keywords: []string{other}, Categories: []string{"basic.food.pantry"}, Point: orb.Point{demo.Downtown[0] + 0.01, demo.Downtown[1]}})
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	res, err := d.SearchText(directory.TextQuery{Words: long, Query: directory.Query{Near: demo.Downtown}})
	require.NoError(t, err)
	assert.Equal(t, []string{"long"}, hitIDs(res))
	assert.Empty(t, res.Unmatched)
	// One letter changed: a typo of a word this long is not corrected.
	typo := "x" + long[1:]
	res, err = d.SearchText(directory.TextQuery{Words: typo + " pantry", Query: directory.Query{Near: demo.Downtown}})
	require.NoError(t, err)
	assert.Empty(t, res.Corrections)
	assert.Equal(t, []string{typo[:256]}, res.Unmatched, "reported as indexed: cut to 256 bytes")
}
