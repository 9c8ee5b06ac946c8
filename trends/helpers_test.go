package trends_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// The grid world: a 4°×4° square at lon, lat ∈ [0, 4] cut three ways.
//
//	"a": 16 unit squares "a-<col><row>"
//	"b": 4 squares of 2×2 units "b-<col><row>", each exactly four "a" squares
//	"c": 3 vertical strips [0,1.5], [1.5,2.5], [2.5,4] that cut "a" squares
//
// Because the sets are rectangles, a test knows every point's regions by
// arithmetic, independently of geo.Regions.
func gridSets(t testing.TB) []trends.Set {
	t.Helper()
	rect := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}
	mk := func(name string, polys map[string]orb.Polygon, order []string) trends.Set {
		fc := geojson.NewFeatureCollection()
		for _, n := range order {
			f := geojson.NewFeature(polys[n])
			f.Properties["name"] = n
			fc.Append(f)
		}
		rs, err := geo.RegionsFromFeatures(fc, "name")
		require.NoError(t, err)
		return trends.Set{Name: name, Regions: rs}
	}
	a, b, c := map[string]orb.Polygon{}, map[string]orb.Polygon{}, map[string]orb.Polygon{}
	var ao, bo []string
	for x := 0; x < 4; x++ {
		for y := 0; y < 4; y++ {
			n := fmt.Sprintf("a-%d%d", x, y)
			a[n] = rect(float64(x), float64(y), float64(x+1), float64(y+1))
			ao = append(ao, n)
		}
	}
	for x := 0; x < 2; x++ {
		for y := 0; y < 2; y++ {
			n := fmt.Sprintf("b-%d%d", x, y)
			b[n] = rect(float64(2*x), float64(2*y), float64(2*x+2), float64(2*y+2))
			bo = append(bo, n)
		}
	}
	c["c-0"], c["c-1"], c["c-2"] = rect(0, 0, 1.5, 4), rect(1.5, 0, 2.5, 4), rect(2.5, 0, 4, 4)
	return []trends.Set{mk("a", a, ao), mk("b", b, bo), mk("c", c, []string{"c-0", "c-1", "c-2"})}
}

// gridRegions returns the region names of p in sets a, b, c by arithmetic,
// trends.OutsideName where p is outside the square. Points must not lie on
// a boundary.
func gridRegions(p orb.Point) [3]string {
	x, y := p[0], p[1]
	if x < 0 || x > 4 || y < 0 || y > 4 {
		return [3]string{trends.OutsideName, trends.OutsideName, trends.OutsideName}
	}
	cx, cy := int(math.Floor(x)), int(math.Floor(y))
	strip := "c-0"
	switch {
	case x > 2.5:
		strip = "c-2"
	case x > 1.5:
		strip = "c-1"
	}
	return [3]string{fmt.Sprintf("a-%d%d", cx, cy), fmt.Sprintf("b-%d%d", cx/2, cy/2), strip}
}

// smallTaxonomy has inner nodes with requests coded at them ("a", "a.y").
func smallTaxonomy(t testing.TB) *directory.Taxonomy {
	t.Helper()
	tax, err := directory.NewTaxonomy([]directory.Category{
		{Code: "a", Label: "A"}, {Code: "a.x", Label: "AX"}, {Code: "a.y", Label: "AY"},
		{Code: "a.y.p", Label: "AYP"}, {Code: "a.y.q", Label: "AYQ"},
		{Code: "b", Label: "B"}, {Code: "b.z", Label: "BZ"},
	})
	require.NoError(t, err)
	return tax
}

var smallCodes = []string{"a", "a.x", "a.y", "a.y.p", "a.y.q", "b", "b.z"}

// gridPoint returns a random point of unit square (x, y) kept 0.1 away from
// its edges and from the strip boundaries at 1.5 and 2.5.
func gridPoint(rng *rand.Rand, x, y int) orb.Point {
	for {
		p := orb.Point{float64(x) + 0.1 + 0.8*rng.Float64(), float64(y) + 0.1 + 0.8*rng.Float64()}
		if math.Abs(p[0]-1.5) > 0.05 && math.Abs(p[0]-2.5) > 0.05 {
			return p
		}
	}
}

// gridRequests draws n requests in year 2025 (UTC) with skewed squares,
// categories and months so that both large and small cells occur; about 3%
// fall outside the square.
func gridRequests(rng *rand.Rand, n int) []trends.Request {
	w := []float64{8, 1, 3, 1, 2, 1, 1, 5, 1, 1, 2, 1, 4, 1, 1, 3}
	cw := []float64{1, 6, 1, 3, 2, 2, 4}
	pick := func(ws []float64) int {
		var s float64
		for _, x := range ws {
			s += x
		}
		r := rng.Float64() * s
		for i, x := range ws {
			if r -= x; r < 0 {
				return i
			}
		}
		return len(ws) - 1
	}
	out := make([]trends.Request, n)
	for i := range out {
		var p orb.Point
		if rng.IntN(100) < 3 {
			p = orb.Point{5 + rng.Float64(), 5 + rng.Float64()}
		} else {
			sq := pick(w)
			p = gridPoint(rng, sq/4, sq%4)
		}
		m := time.Month(1 + min(11, int(12*rng.Float64()*rng.Float64()+6*rng.Float64())%12))
		out[i] = trends.Request{
			Time:     time.Date(2025, m, 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC),
			Point:    p,
			Category: smallCodes[pick(cw)],
			Outcome:  trends.Outcome(rng.IntN(4)),
		}
	}
	return out
}

// under reports whether code counts toward node ("" is every category).
func under(code, node string, exact bool) bool {
	if exact {
		return code == node
	}
	return node == "" || code == node || strings.HasPrefix(code, node+".")
}
