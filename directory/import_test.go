package directory_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

var bigInputs = flag.Bool("directory.big", false, "run adversarial inputs at the sizes of issue 14 (a million bad rows)")

func TestBuildRequiresZone(t *testing.T) {
	t.Parallel()
	weekday, err := directory.ParseOpeningHours("Mo-Fr 09:00-17:00", "")
	require.NoError(t, err)
	base := directory.Provider{Name: "A", Categories: []string{"basic.food"}, Point: pt(-85.3, 35.04)}
	mk := func(id string, h directory.Hours) directory.Provider { p := base; p.ID = id; p.Hours = h; return p }

	b := directory.NewBuilder()
	b.Add(mk("no-zone", weekday))
	b.Add(mk("always", directory.Hours{Always: true}))
	b.Add(mk("unknown", directory.Hours{}))
	b.Add(mk("own-zone", directory.Hours{Zone: "America/Chicago", Week: weekday.Week}))
	b.Add(mk("no-zone-2", weekday))
	_, err = b.Build(t.Context())
	require.ErrorIs(t, err, directory.ErrNoZone)
	var ids []string
	for _, re := range recordErrors(err) {
		assert.Equal(t, "timezone", re.Field)
		ids = append(ids, re.ID)
	}
	assert.Equal(t, []string{"no-zone", "no-zone-2"}, ids, "the error names every provider affected")

	b.Location = nyc
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	p, _ := d.Provider("no-zone")
	assert.Equal(t, nyc, p.Hours().Location(), "hours without a zone take the builder's")
	assert.True(t, p.OpenAt(time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC)), "09:00 in New York")
	assert.False(t, p.OpenAt(time.Date(2026, 6, 1, 12, 59, 0, 0, time.UTC)))
	p, _ = d.Provider("own-zone")
	assert.Equal(t, "America/Chicago", p.Hours().Zone)

	// ReadOptions.Zone fills empty timezone fields; a given one wins.
	in := csvHeader + csvRow(map[int]string{6: "Mo-Fr 09:00-17:00"}) + csvRow(map[int]string{1: "p2", 6: "Mo-Fr 09:00-17:00", 7: "America/Denver"})
	provs, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Zone: "America/New_York"})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", provs[0].Hours.Zone)
	assert.Equal(t, "America/Denver", provs[1].Hours.Zone)
	_, err = directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Zone: "Eastern"})
	assert.ErrorIs(t, err, directory.ErrUnknownZone)
}

// TestCSVRoundTripOpenSlots writes a directory as CSV, reads it back and
// checks that every provider is open at exactly the same 15-minute slots
// of a week, compared instant by instant with OpenAt.
func TestCSVRoundTripOpenSlots(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	var ps []directory.Listing
	for p := range d.All() {
		ps = append(ps, p)
	}
	// Hours that stress the text form, in a directory whose default zone
	// they rely on.
	span := func(o, c float64) directory.Span {
		return directory.Span{Open: time.Duration(o * float64(hour)), Close: time.Duration(c * float64(hour))}
	}
	var week [7][]directory.Span
	week[1] = []directory.Span{span(10, 35)}              // past a full day
	week[2] = []directory.Span{span(9, 12), span(22, 30)} // morning, then overnight
	week[4] = []directory.Span{span(12, 33)}              // 21 hours, written explicitly
	week[5] = []directory.Span{span(0, 48)}               // two whole days
	week[6] = []directory.Span{span(23.25, 24)}           // to midnight exactly
	b := directory.NewBuilder()
	b.Location = nyc
	b.Add(directory.Provider{ID: "x", Name: "X", Categories: []string{"basic.food"}, Point: pt(-85.3, 35.04), Hours: directory.Hours{Week: week}})
	b.Add(directory.Provider{ID: "y", Name: "Y", Categories: []string{"basic.food"}, Point: pt(-85.3, 35.04), Hours: directory.Hours{Zone: "America/Los_Angeles", Week: week}})
	extra, err := b.Build(t.Context())
	require.NoError(t, err)
	for p := range extra.All() {
		ps = append(ps, p)
	}

	var buf bytes.Buffer
	require.NoError(t, directory.WriteCSV(&buf, slices.Values(ps)))
	back, err := directory.ReadCSV(t.Context(), &buf, directory.ReadOptions{Name: "round.csv"})
	require.NoError(t, err, "no default zone needed: WriteCSV names each provider's")
	require.Len(t, back, len(ps))
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range ps {
		q := back[i]
		require.Equal(t, p.ID(), q.ID)
		assert.Equal(t, p.Hours().Known(), q.Hours.Known(), p.ID())
		diff := 0
		for s := 0; s < 7*96; s++ {
			at := start.Add(time.Duration(s) * 15 * time.Minute)
			if p.Hours().OpenAt(at) != q.Hours.OpenAt(at) {
				diff++
			}
		}
		assert.Zero(t, diff, "%s: %q (%s) → %q (%s): %d slots differ", p.ID(), p.Hours().String(), p.Hours().Location(), q.Hours.String(), q.Hours.Zone, diff)
	}
}

func TestErrorListCap(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	in.WriteString(csvHeader)
	const n = 2500
	for i := range n {
		fmt.Fprintf(&in, "p%d,,basic.food,35,-85,,,,,,,,\n", i) // no name
	}
	_, err := directory.ReadCSV(t.Context(), strings.NewReader(in.String()), directory.ReadOptions{Name: "many.csv"})
	require.Error(t, err)
	assert.Equal(t, n, directory.ProblemCount(err))
	list := err.(interface{ Unwrap() []error }).Unwrap()
	require.Len(t, list, directory.MaxReportedErrors+1)
	assert.ErrorIs(t, list[directory.MaxReportedErrors], directory.ErrMoreProblems)
	assert.Contains(t, list[directory.MaxReportedErrors].Error(), "and 2,400 more problems")
	assert.ErrorIs(t, list[0], directory.ErrMissingName)

	// Build cuts its list the same way.
	b := directory.NewBuilder()
	for i := range 150 {
		b.Add(directory.Provider{ID: fmt.Sprint(i), Categories: []string{"basic.food"}, Point: pt(-85.3, 35.04)})
	}
	_, err = b.Build(t.Context())
	assert.Equal(t, 150, directory.ProblemCount(err))
	assert.Len(t, err.(interface{ Unwrap() []error }).Unwrap(), directory.MaxReportedErrors+1)

	assert.Equal(t, 0, directory.ProblemCount(nil))
	assert.Equal(t, 1, directory.ProblemCount(errors.New("x")))
}

func TestBuildReportsEveryProblem(t *testing.T) {
	t.Parallel()
	b := directory.NewBuilder()
	b.Location = nyc
	b.Add(directory.Provider{ID: "a\x00", Name: "Caf\xe9", Categories: []string{"basic.food.caviar"}, Point: pt(-85.3, 135),
		Languages: []string{"Spanish"}, Eligibility: directory.Eligibility{MinAge: 12, MaxAge: 8}})
	_, err := b.Build(t.Context())
	require.Error(t, err)
	var fields []string
	for _, re := range recordErrors(err) {
		assert.Equal(t, 0, re.Index)
		fields = append(fields, re.Field)
	}
	assert.Equal(t, []string{"id", "name", "categories", "point", "eligibility.age", "languages"}, fields, "%v", err)
	assert.Contains(t, err.Error(), `use "es"`)
	assert.NotContains(t, err.Error(), "\x00")
}

// peakHeap runs f and returns the largest heap growth over the heap before
// it, sampled every millisecond, and f's duration.
func peakHeap(f func()) (uint64, time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	peak := base
	var mu sync.Mutex
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapAlloc)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	t0 := time.Now()
	f()
	el := time.Since(t0)
	close(stop)
	<-done
	runtime.ReadMemStats(&ms)
	mu.Lock()
	defer mu.Unlock()
	return max(peak, ms.HeapAlloc) - base, el
}

// TestAdversarialMemory bounds peak heap on hostile inputs: at most ten
// times the input plus a fixed 32 MB. It is not parallel, so that other
// tests' allocations do not count. Many bad rows run 100,000 rows here (20,000 under -race or -short);
// -directory.big runs the million.
func TestAdversarialMemory(t *testing.T) {
	rows := 100_000
	if raceEnabled || testing.Short() {
		rows = 20_000
	}
	if *bigInputs {
		rows = 1_000_000
	}
	var bad strings.Builder
	bad.WriteString(csvHeader)
	for i := range rows {
		fmt.Fprintf(&bad, "p%d,A,basic.food,95,-85,Mo 25:00-26:00,,x,,,,,\n", i)
	}
	word := strings.Repeat("w", 70<<10)
	cases := []struct {
		name  string
		in    string
		check func(t *testing.T, err error)
	}{
		{fmt.Sprintf("%d bad rows", rows), bad.String(), func(t *testing.T, err error) {
			assert.Equal(t, 3*rows, directory.ProblemCount(err))
			assert.Less(t, len(err.Error()), 64<<10)
		}},
		{"1 MB hours field", csvHeader + csvRow(map[int]string{6: strings.Repeat("Mo 09:00-10:00,", 1<<20/15)}), func(t *testing.T, err error) {
			assert.ErrorIs(t, err, directory.ErrHoursTooLong)
			assert.Less(t, len(err.Error()), 400)
		}},
		{"70 KB word in every field", csvHeader + csvRow(map[int]string{1: word, 2: word, 3: word, 6: word, 13: word}), func(t *testing.T, err error) {
			assert.ErrorIs(t, err, directory.ErrUnknownCategory)
			assert.Less(t, len(err.Error()), 4<<10, "errors quote excerpts, not the word")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			peak, el := peakHeap(func() {
				_, err = directory.ReadCSV(t.Context(), strings.NewReader(tc.in), directory.ReadOptions{Name: "hostile.csv"})
			})
			require.Error(t, err)
			tc.check(t, err)
			limit := uint64(10*len(tc.in)) + 32<<20
			t.Logf("input %d bytes, peak heap growth %d bytes, %v", len(tc.in), peak, el)
			assert.LessOrEqual(t, peak, limit, "peak heap growth")
		})
	}
}
