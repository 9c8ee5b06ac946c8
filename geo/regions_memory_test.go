package geo_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// combGeoJSON returns a one-feature FeatureCollection whose ring is a comb
// of about n vertices near Chattanooga: teeth 0.2° long, so every tooth's
// sides span the whole height (the shape that made the old band index
// quadratic).
func combGeoJSON(n int) []byte {
	teeth := max(1, (n-3)/4)
	const x0, y0, w, hgt = -85.5, 34.9, 0.5, 0.2
	d := w / float64(teeth)
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"comb"},"geometry":{"type":"Polygon","coordinates":[[`)
	pt := func(x, y float64) {
		b.WriteByte('[')
		b.WriteString(strconv.FormatFloat(x, 'f', 7, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 7, 64))
		b.WriteString("],")
	}
	pt(x0, y0)
	pt(x0+w, y0)
	for i := teeth; i >= 1; i-- {
		x := x0 + float64(i)*d
		pt(x, y0+hgt)
		pt(x-d/2, y0+hgt)
		pt(x-d/2, y0+0.001)
		pt(x-d, y0+0.001)
	}
	b.WriteString(`[-85.5000000,34.9000000]]]}}]}`)
	return b.Bytes()
}

// circleGeoJSON returns a one-feature FeatureCollection of one ring of
// about size bytes: a circle of many vertices.
func circleGeoJSON(size int) []byte {
	n := size / 24
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"circle"},"geometry":{"type":"Polygon","coordinates":[[`)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		fmt.Fprintf(&b, "[%.7f,%.7f],", -85.3+0.1*math.Cos(a), 35.0+0.1*math.Sin(a))
	}
	fmt.Fprintf(&b, "[%.7f,%.7f]]]}}]}", -85.3+0.1, 35.0)
	return b.Bytes()
}

const memChildEnv = "GEO_REGIONS_MEMORY_CHILD"

// TestRegionsMemoryChild runs in a subprocess started by
// TestRegionsMemoryBound, so that no other test's allocations count: it
// reads one adversarial input and prints the bytes allocated while reading.
func TestRegionsMemoryChild(t *testing.T) {
	spec := os.Getenv(memChildEnv)
	if spec == "" {
		t.Skip("run by TestRegionsMemoryBound")
	}
	kind, arg, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(arg)
	require.NoError(t, err)
	var input []byte
	switch kind {
	case "comb":
		input = combGeoJSON(n)
	case "circle":
		input = circleGeoJSON(n)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rs, err := geo.ReadRegions(bytes.NewReader(input), "name")
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, 1, rs.Len())
	runtime.KeepAlive(rs)
	fmt.Printf("input=%d alloc=%d\n", len(input), after.TotalAlloc-before.TotalAlloc)
}

// TestRegionsMemoryBound: reading adversarial regions allocates at most
// 10× the input's size plus 4 MiB. The bytes allocated during the read
// (TotalAlloc) bound the heap's peak growth from above, so the bound on
// them bounds the peak too, without sampling.
func TestRegionsMemoryBound(t *testing.T) {
	if os.Getenv(memChildEnv) != "" {
		t.Skip("in the child")
	}
	t.Parallel()
	exe, err := os.Executable()
	require.NoError(t, err)
	specs := []string{"comb:20000", "comb:80000", "circle:1000000"}
	if geo.RaceEnabled {
		specs = specs[:1] // the same code, ten times slower: one shape is enough there
	}
	for _, spec := range specs {
		t.Run(spec, func(t *testing.T) {
			cmd := exec.Command(exe, "-test.run=^TestRegionsMemoryChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), memChildEnv+"="+spec)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			var input, alloc int
			i := strings.Index(string(out), "input=")
			require.GreaterOrEqual(t, i, 0, "%s", out)
			_, err = fmt.Sscanf(string(out[i:]), "input=%d alloc=%d", &input, &alloc)
			require.NoError(t, err)
			t.Logf("%s: input %d bytes, allocated %d bytes (%.1f×)", spec, input, alloc, float64(alloc)/float64(input))
			assert.LessOrEqual(t, alloc, 10*input+4<<20, "%s: allocated %d for %d bytes of input", spec, alloc, input)
		})
	}
}

// TestRegionsTimeLinear: reading a comb of 80k vertices takes no more than
// about 4× (n log n: 4.5×; quadratic would be 16×) the time of a 20k one.
// The best of three runs is compared, with room for a loaded machine.
func TestRegionsTimeLinear(t *testing.T) {
	if testing.Short() || geo.RaceEnabled {
		t.Skip("times two large reads; timings under the race detector mean nothing")
	}
	small, large := combGeoJSON(20000), combGeoJSON(80000)
	best := func(in []byte) time.Duration {
		b := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			_, err := geo.ReadRegions(bytes.NewReader(in), "name")
			require.NoError(t, err)
			b = min(b, time.Since(start))
		}
		return b
	}
	ts, tl := best(small), best(large)
	t.Logf("comb 20k: %v, comb 80k: %v (%.1f×)", ts, tl, float64(tl)/float64(ts))
	assert.Less(t, float64(tl)/float64(ts), 10.0, "reading time grows faster than n log n")
}
