package geo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSelfIntersectionSaysWhere checks that a rejected boundary's error
// gives the point where it fails, worked out by hand, so that someone
// fixing a boundary file can find the fault: an end of the other edge,
// as was reported before, can lie far from it on a coarse boundary.
func TestSelfIntersectionSaysWhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		poly orb.Polygon
		want string
	}{
		{"bowtie", orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}, "at (2, 2)"},
		// The edge from (10, 2) down to (6, -2) cuts the bottom edge at
		// (8, 0), 8 units from the bottom edge's first end (0, 0).
		{"crossing far from every vertex", orb.Polygon{{{0, 0}, {10, 0}, {10, 2}, {6, -2}, {6, 4}, {0, 4}, {0, 0}}}, "at (8, 0)"},
		{"spike out and back", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {6, 4}, {4, 4}, {0, 4}, {0, 0}}}, "from (4, 4) to (6, 4)"},
		{"shared stretch of a long edge", orb.Polygon{{{0, 0}, {100, 0}, {100, 5}, {60, 5}, {60, 0}, {40, 0}, {40, -5}, {0, -5}, {0, 0}}}, "from (40, 0) to (60, 0)"},
		// (1, -2)–(0, 4) cuts the bottom edge where y = 0: a third of the
		// way up, at x = 1 - 1/3.
		{"second edge crossing", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {1, -2}, {0, 4}, {0, 0}}}, "at (0.6666666666666666, 0)"},
		// The boundary comes down from (4, 4) to the bottom edge at
		// (2, 0) and goes on below it.
		{"vertex on an edge, crossing it", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {2, -2}, {0, -2}, {0, 0}}}, "meets at a vertex and crosses ring 0 edge from vertex 0 at (2, 0)"},
		{"hole crossing the shell", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{3, 1}, {5, 1}, {5, 2}, {3, 2}, {3, 1}}}, "at (4, "},
		{"two edges leaving a vertex together", orb.Polygon{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {4, 0}, {0, 0}}}, "(4, 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPolygon(0, tc.poly)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrSelfIntersection)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "antimeridian")
		})
	}
}

// TestSelfIntersectionAntimeridianHint: an island ring drawn across the
// antimeridian (as world boundary files do unless split) jumps from
// -180° to 179°; the error says so and what to do.
func TestSelfIntersectionAntimeridianHint(t *testing.T) {
	t.Parallel()
	ring := orb.Ring{{-180, -16}, {-179.8, -16}, {-179.9, -16.5}, {-180, -16.5}, {179.4, -16.8}, {178.6, -16.6}, {180, -16}, {-180, -16}}
	err := checkPolygon(0, orb.Polygon{ring})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrSelfIntersection)
	assert.Contains(t, err.Error(), "antimeridian")
	// Read from a file, the error names the feature too.
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
	 {"type":"Feature","id":"242","properties":{"name":"islands"},"geometry":{"type":"MultiPolygon","coordinates":[[[[-180,-16],[-179.8,-16],[-179.9,-16.5],[-180,-16.5],[179.4,-16.8],[178.6,-16.6],[180,-16],[-180,-16]]]]}}]}`
	_, err = ReadRegions(strings.NewReader(doc), "name")
	var re *RegionError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Feature)
	assert.Equal(t, "islands", re.Name)
	assert.ErrorIs(t, err, ErrSelfIntersection)
	assert.Contains(t, err.Error(), "antimeridian")
	// The same island split at ±180° into two rings is accepted.
	west := orb.Ring{{-180, -16}, {-179.8, -16}, {-179.9, -16.5}, {-180, -16.5}, {-180, -16}}
	east := orb.Ring{{180, -16.5}, {179.4, -16.8}, {178.6, -16.6}, {180, -16}, {180, -16.5}}
	for i, r := range []orb.Ring{west, east} {
		assert.NoError(t, checkPolygon(i, orb.Polygon{r}))
	}
}

func TestUnclosedRingSaysBothEnds(t *testing.T) {
	t.Parallel()
	err := checkPolygon(0, orb.Polygon{{{-88.4, 37.424}, {-88, 37}, {-88, 38}, {-88.4, 37.425}}})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnclosedRing)
	assert.Contains(t, err.Error(), "first (-88.4, 37.424), last (-88.4, 37.425)")
}

var (
	reCross   = regexp.MustCompile(`edge from vertex (\d+) (crosses|meets at a vertex and crosses) ring (\d+) edge from vertex (\d+) at \(([^,]+), ([^)]+)\)`)
	reOverlap = regexp.MustCompile(`edge from vertex (\d+) overlaps ring (\d+) edge from vertex (\d+) from \(([^,]+), ([^)]+)\) to \(([^,]+), ([^)]+)\)`)
)

// distToSeg is the distance from p to segment a–b.
func distToSeg(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	u := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
	u = math.Max(0, math.Min(1, u))
	return math.Hypot(p[0]-a[0]-u*dx, p[1]-a[1]-u*dy)
}

// TestSelfIntersectionPointLiesOnBothEdges: over random rings, whenever
// two edges are reported crossing or overlapping, every point the error
// gives lies on both edges it names (within rounding), computed here from
// the ring's own vertices.
func TestSelfIntersectionPointLiesOnBothEdges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 5))
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		return v
	}
	edge := func(poly orb.Polygon, ring, from int) (orb.Point, orb.Point) {
		r := poly[ring]
		return r[from], r[from+1]
	}
	seen := map[string]int{}
	for it := 0; it < 3000; it++ {
		scale := math.Pow(10, float64(rng.IntN(4)-2))
		poly := orb.Polygon{randomRing(rng, 4+rng.IntN(8), 3+rng.IntN(8))}
		for i := range poly[0] {
			poly[0][i] = orb.Point{poly[0][i][0]*scale - 85.3, poly[0][i][1]*scale + 35.1}
		}
		poly[0][len(poly[0])-1] = poly[0][0]
		err := checkCrossings(poly)
		if err == nil {
			continue
		}
		var ce *CoordError
		require.True(t, errors.As(err, &ce))
		msg := err.Error()
		tol := 1e-9 * (1 + 100*scale)
		if m := reCross.FindStringSubmatch(msg); m != nil {
			seen[m[2]]++
			p := orb.Point{num(m[5]), num(m[6])}
			for _, e := range [][2]string{{"0", m[1]}, {m[3], m[4]}} {
				ri, _ := strconv.Atoi(e[0])
				vi, _ := strconv.Atoi(e[1])
				a, b := edge(poly, ri, vi)
				assert.LessOrEqual(t, distToSeg(p, a, b), tol, fmt.Sprintf("%s: %v off edge %v–%v", msg, p, a, b))
			}
		} else if m := reOverlap.FindStringSubmatch(msg); m != nil {
			seen["overlaps"]++
			for _, p := range []orb.Point{{num(m[4]), num(m[5])}, {num(m[6]), num(m[7])}} {
				for _, e := range [][2]string{{"0", m[1]}, {m[2], m[3]}} {
					ri, _ := strconv.Atoi(e[0])
					vi, _ := strconv.Atoi(e[1])
					a, b := edge(poly, ri, vi)
					assert.LessOrEqual(t, distToSeg(p, a, b), tol, fmt.Sprintf("%s: %v off edge %v–%v", msg, p, a, b))
				}
			}
		} else {
			seen["at a vertex"]++
		}
	}
	// Each kind of report was exercised.
	for _, k := range []string{"crosses", "meets at a vertex and crosses", "overlaps"} {
		assert.Positive(t, seen[k], k)
	}
	t.Log(seen)
}
