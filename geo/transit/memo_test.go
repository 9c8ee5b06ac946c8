package transit_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

// TestWindowMemoEvicts asks for three times more distinct windows than the
// memo holds, from several goroutines, and checks every answer against
// Departures (counted per stop without the memo), that the memo never
// holds more than its bound, and that a window evicted long ago is
// answered correctly again.
func TestWindowMemoEvicts(t *testing.T) {
	t.Parallel()
	n, err := readFeed(minimalFeed())
	require.NoError(t, err)
	day := n.Date(2026, 3, 4) // a Wednesday
	windowOf := func(k int) transit.Window {
		// Distinct windows: start k seconds after 07:00, 30 minutes long,
		// so some contain the 08:00 departure of S1 and some not.
		start := 7*time.Hour + time.Duration(k)*time.Second
		return transit.Window{Date: day, Start: start, End: start + 30*time.Minute + time.Duration(k%7)*time.Minute}
	}
	total := 3 * transit.MaxWindows
	check := func(k int) {
		w := windowOf(k)
		rates := n.DeparturesPerHour(w)
		for i := range n.Stops() {
			want := float64(n.Departures(i, w)) / w.Hours()
			if rates[i] != want {
				t.Errorf("window %d stop %d: rate %v, want %v", k, i, rates[i], want)
			}
		}
	}
	var wg sync.WaitGroup
	const workers = 4
	for g := range workers {
		wg.Go(func() {
			for k := g; k < total; k += workers {
				check(k)
				if l := n.MemoLen(); l > transit.MaxWindows {
					t.Errorf("memo holds %d windows, bound %d", l, transit.MaxWindows)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, transit.MaxWindows, n.MemoLen())
	// Eviction, not a full memo that stops caching: after a memo's worth
	// of new windows, asked one at a time, those are held and none asked
	// before them is (which of the concurrent ones were the last to come
	// in depends on how the goroutines ran).
	for k := total; k < total+transit.MaxWindows; k++ {
		check(k)
	}
	assert.True(t, n.MemoHolds(windowOf(total)), "new window cached")
	assert.True(t, n.MemoHolds(windowOf(total+transit.MaxWindows-1)), "latest window cached")
	assert.False(t, n.MemoHolds(windowOf(0)), "first window evicted")
	assert.False(t, n.MemoHolds(windowOf(total-1)), "last concurrent window evicted")
	// Window 0 was evicted long ago; it is computed again, correctly.
	check(0)
	s1, ok := n.StopIndex("S1")
	require.True(t, ok)
	// By hand: window 0 is 07:00–07:30, before S1's only departure (08:00).
	assert.Zero(t, n.DeparturesPerHour(windowOf(0))[s1])
	// Window 3600 is 08:00–08:32 (3600 mod 7 = 2 extra minutes): one
	// departure in 32 minutes, 60/32 per hour.
	assert.InDelta(t, 60.0/32, n.DeparturesPerHour(windowOf(3600))[s1], 1e-12)
}
