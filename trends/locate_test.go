package trends

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

// TestRegionGridEqualsLocate checks the grid against the exact test
// (geo.Regions.LocateIndex) it stands in for: on uniform points over
// the bound and beyond it, on every vertex, on points along every edge,
// and on points a hair off vertices and edges, where a wrongly unmarked
// cell would show. The sets: Chattanooga's neighborhoods and zip codes,
// and a synthetic one with overlapping regions, a hole, a region smaller
// than a cell and a region touching another at one vertex.
func TestRegionGridEqualsLocate(t *testing.T) {
	t.Parallel()
	synthetic := func() *geo.Regions {
		rect := func(x0, y0, x1, y1 float64) orb.Ring {
			return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
		}
		polys := []orb.Polygon{
			{rect(-85.3, 35.0, -85.1, 35.2), rect(-85.25, 35.05, -85.2, 35.1)}, // with a hole
			{rect(-85.2, 35.1, -85.0, 35.3)},                                   // overlaps the first
			{rect(-85.2401, 35.0701, -85.24, 35.0702)},                         // inside the hole, < 1 cell
			{{{-85.0, 35.3}, {-84.9, 35.3}, {-84.9, 35.4}, {-85.0, 35.3}}},     // touches the second at a vertex
			{{{-85.3, 35.2}, {-85.1, 35.25}, {-85.28, 35.21}, {-85.3, 35.2}}},  // a thin sliver
		}
		fc := geojson.NewFeatureCollection()
		for i, p := range polys {
			f := geojson.NewFeature(p)
			f.Properties["name"] = string(rune('a' + i))
			fc.Append(f)
		}
		rs, err := geo.RegionsFromFeatures(fc, "name")
		require.NoError(t, err)
		return rs
	}
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		rs   *geo.Regions
	}{{"neighborhoods", hoods}, {"zipcodes", zips}, {"synthetic", synthetic()}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newRegionGrid(tc.rs)
			rng := rand.New(rand.NewPCG(7, 19))
			var pts []orb.Point
			w, h := g.maxX-g.minX, g.maxY-g.minY
			nrand := 200_000
			if raceOn {
				nrand = 20_000
			}
			for range nrand {
				pts = append(pts, orb.Point{g.minX - 0.05*w + 1.1*w*rng.Float64(), g.minY - 0.05*h + 1.1*h*rng.Float64()})
			}
			for _, r := range tc.rs.All() {
				for _, poly := range r.Geometry {
					for _, ring := range poly {
						for i, v := range ring {
							pts = append(pts, v)
							for _, d := range []float64{1e-12, 1e-9, 1e-7} {
								pts = append(pts, orb.Point{v[0] + d, v[1]}, orb.Point{v[0] - d, v[1] + d}, orb.Point{v[0], v[1] - d})
							}
							if i > 0 {
								a := ring[i-1]
								f := rng.Float64()
								e := orb.Point{a[0] + f*(v[0]-a[0]), a[1] + f*(v[1]-a[1])}
								pts = append(pts, e, orb.Point{e[0] + 1e-9, e[1]}, orb.Point{e[0], e[1] - 1e-9})
							}
						}
					}
				}
			}
			// Cell corners and the bound's own corners.
			for _, q := range []orb.Point{{g.minX, g.minY}, {g.maxX, g.maxY}, {g.minX, g.maxY}, {g.maxX, g.minY}} {
				pts = append(pts, q)
			}
			split, near := 0, 0
			for _, c := range g.cells {
				if c > g.outside && c != gridEdge {
					split++
				}
			}
			for _, c := range g.subs {
				if c == gridEdge {
					near++
				}
			}
			bad := 0
			for _, p := range pts {
				want := tc.rs.LocateIndex(p)
				if got := g.locate(tc.rs, p); got != want {
					bad++
					if bad < 10 {
						t.Errorf("point %v: grid %d, exact %d", p, got, want)
					}
				}
			}
			assert.Zero(t, bad, "of %d points", len(pts))
			// The share of the area left to the exact test.
			exact := float64(near) / float64(len(g.cells)*gridSub*gridSub)
			t.Logf("%d×%d cells, %.1f%% split, %.2f%% of the area left to the exact test, %d points checked",
				g.nx, g.ny, 100*float64(split)/float64(len(g.cells)), 100*exact, len(pts))
			// The grid must spare the exact test for most points, or it
			// is no use.
			assert.Less(t, exact, 0.02)
		})
	}
}

// TestGridLocatorSwitch checks that a locator answers exactly before and
// after its grid is built, and that the grid is built once the
// threshold is crossed.
func TestGridLocatorSwitch(t *testing.T) {
	t.Parallel()
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	l := &gridLocator{}
	rng := rand.New(rand.NewPCG(3, 4))
	b := hoods.All()[0].Bound
	for _, r := range hoods.All() {
		b = b.Union(r.Bound)
	}
	for i := range gridAfter + 1000 {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if got, want := l.locate(hoods, p), hoods.LocateIndex(p); got != want {
			t.Fatalf("point %d %v: locator %d, exact %d", i, p, got, want)
		}
	}
	require.NotNil(t, l.ready.Load())
	require.Same(t, locatorOf(hoods), locatorOf(hoods))
	require.False(t, math.IsNaN(l.ready.Load().invW))
}

// BenchmarkRegionLocate: placing a point in Chattanooga's neighborhoods
// by the grid, beside the exact test it stands in for (the baseline).
// The points are uniform over the neighborhoods' bound, 2^20 of them
// visited in a seeded random order, so that the grid is read as ingest
// reads it: without locality.
func BenchmarkRegionLocate(b *testing.B) {
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(b, err)
	g := newRegionGrid(hoods)
	rng := rand.New(rand.NewPCG(5, 6))
	pts := make([]orb.Point, 1<<20)
	for i := range pts {
		pts[i] = orb.Point{g.minX + rng.Float64()*(g.maxX-g.minX), g.minY + rng.Float64()*(g.maxY-g.minY)}
	}
	for _, tc := range []struct {
		name   string
		locate func(orb.Point) int
	}{{"exact", hoods.LocateIndex}, {"grid", func(p orb.Point) int { return g.locate(hoods, p) }}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i, sum := 0, 0
			for b.Loop() {
				sum += tc.locate(pts[i])
				i = (i + 1) & (len(pts) - 1)
			}
			_ = sum
		})
	}
}
