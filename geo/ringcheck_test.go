package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteCrossings is checkCrossings by testing every pair of edges: O(n²),
// the reference the sweep must agree with.
func bruteCrossings(poly orb.Polygon) *CoordError {
	var segs []*seg
	for ri, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if a == b {
				continue
			}
			s := &seg{a: a, b: b, ring: int32(ri), from: int32(i)}
			if lexLess(b, a) {
				s.a, s.b, s.swapped = b, a, true
			}
			segs = append(segs, s)
		}
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			if err := meet(poly, segs[i], segs[j]); err != nil {
				return err
			}
		}
	}
	return checkVertexChains(poly)
}

// randomRing returns a closed ring of n random vertices on a small integer
// grid: many collinear triples, shared vertices and touching edges.
func randomRing(rng *rand.Rand, n, grid int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for range n {
		r = append(r, orb.Point{float64(rng.IntN(grid)), float64(rng.IntN(grid))})
	}
	return append(r, r[0])
}

func TestSweepAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	var bad, good int
	for it := 0; it < sweepIters; it++ {
		n := 3 + rng.IntN(9)
		poly := orb.Polygon{randomRing(rng, n, 2+rng.IntN(6))}
		if rng.IntN(3) == 0 {
			poly = append(poly, randomRing(rng, 3+rng.IntN(4), 6))
		}
		want := bruteCrossings(poly) != nil
		got := checkCrossings(poly)
		require.Equal(t, want, got != nil, "polygon %v: sweep says %v", poly, got)
		if want {
			bad++
		} else {
			good++
		}
	}
	// Both outcomes must be well represented for the comparison to mean
	// anything.
	assert.Greater(t, bad, sweepIters/20)
	assert.Greater(t, good, sweepIters/20)
}

// TestSweepAgreesWithBruteForceDecimal repeats the comparison on a grid
// of decimal degrees near Chattanooga, whose values are not exact in
// binary: the orientation filter and the sweep's ordering meet rounding.
func TestSweepAgreesWithBruteForceDecimal(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 17))
	var bad, good int
	for it := 0; it < sweepIters/2; it++ {
		poly := orb.Polygon{decimalRing(rng, 3+rng.IntN(12), 2+rng.IntN(6))}
		if rng.IntN(3) == 0 {
			poly = append(poly, decimalRing(rng, 3+rng.IntN(4), 6))
		}
		want := bruteCrossings(poly) != nil
		got := checkCrossings(poly)
		require.Equal(t, want, got != nil, "polygon %v: sweep says %v", poly, got)
		if want {
			bad++
		} else {
			good++
		}
	}
	assert.Greater(t, bad, sweepIters/40)
	assert.Greater(t, good, sweepIters/40)
}

func decimalRing(rng *rand.Rand, n, grid int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for range n {
		r = append(r, orb.Point{-85.3 + 0.001*float64(rng.IntN(grid)), 35.1 + 0.001*float64(rng.IntN(grid))})
	}
	return append(r, r[0])
}

// TestStarPolygonsAreSimple: vertices sorted by angle around a centre form
// a simple polygon, so every one must pass; a second method (the pairwise
// check) agrees.
func TestStarPolygonsAreSimple(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 5))
	for it := 0; it < sweepIters/100; it++ {
		n := 3 + rng.IntN(200)
		r := starRing(rng, n)
		poly := orb.Polygon{r}
		require.Nil(t, bruteCrossings(poly), "star %d", it)
		require.Nil(t, checkCrossings(poly), "star %d", it)
		require.NoError(t, checkPolygon(0, poly), "star %d", it)
	}
}

func starRing(rng *rand.Rand, n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * 3.141592653589793 * (float64(i) + 0.5*rng.Float64()) / float64(n)
		rad := 0.2 + rng.Float64()
		r = append(r, orb.Point{-85.3 + rad*cos(a), 35 + rad*sin(a)})
	}
	return append(r, r[0])
}

func TestOrientExact(t *testing.T) {
	t.Parallel()
	// Nearly collinear points where the naive product is wrong: the
	// filter must hand them to exact arithmetic.
	a := orb.Point{0.5, 0.5}
	b := orb.Point{12, 12}
	for i := 0; i < 200; i++ {
		c := orb.Point{24 + float64(i)*0x1p-50, 24}
		want := orientExact(a, b, c)
		assert.Equal(t, want, orient(a, b, c), "c %v", c)
	}
	assert.Equal(t, 0, orient(orb.Point{0, 0}, orb.Point{1, 1}, orb.Point{3, 3}))
	assert.Equal(t, 1, orient(orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0, 1}))
	assert.Equal(t, -1, orient(orb.Point{0, 0}, orb.Point{0, 1}, orb.Point{1, 0}))
}

func cos(a float64) float64 { return math.Cos(a) }
func sin(a float64) float64 { return math.Sin(a) }

// sweepIters is the number of random polygons the sweep is compared on.
var sweepIters = func() int {
	if raceEnabled {
		return 4000
	}
	return 20000
}()
