package geo_test

import (
	"bytes"
	"math"
	"runtime"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

// FuzzReadRegions: ReadRegions never panics, allocates at most 10× its
// input plus 4 MiB, and every set it accepts locates points as an
// independent even-odd test (orb's planar package) does, at samples near
// each vertex and on a grid over each bound.
func FuzzReadRegions(f *testing.F) {
	hoods, err := demo.RegionsGeoJSON(demo.Neighborhoods)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(hoods)
	for _, s := range []string{
		fc(feat("a", poly(square))),
		fc(feat("a", poly(square, innerHole)), feat("b", poly(farSquare))),
		fc(feat("a", poly(`[[0,0],[2,2],[0,4],[4,4],[2,2],[4,0],[0,0]]`))),
		fc(feat("a", poly(`[[0,0],[4,0],[4,4],[2,0],[0,4],[0,0]]`))),
		fc(feat("a", poly(`[[0,0],[4,4],[4,0],[0,4],[0,0]]`))),
		fc(feat("a", `{"type":"MultiPolygon","coordinates":[[`+square+`],[[[2,2],[6,2],[6,6],[2,6],[2,2]]]]}`)),
		fc(feat("a", poly(`[[0,0,1],[4,0,1],[4,4,1],[0,0,1]]`))),
		fc(feat("a", poly(`[[0,0],[35],[4,4],[0,0]]`))),
		fc(feat("a", poly(square, farSquare))),
		`{"type":"FeatureCollection","features":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rs, err := geo.ReadRegions(bytes.NewReader(data), "name")
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(10*len(data)+4<<20) {
			t.Fatalf("allocated %d bytes for %d bytes of input", alloc, len(data))
		}
		if err != nil {
			if rs != nil || err.Error() == "" {
				t.Fatalf("error %v with a set %v", err, rs)
			}
			return
		}
		if rs.Len() == 0 {
			t.Fatal("accepted an empty set")
		}
		checks := 0
		for i, r := range rs.All() {
			if got, ok := rs.ByName(r.Name); !ok || got.Index != i {
				t.Fatalf("ByName(%q) = %v, %v", r.Name, got.Index, ok)
			}
			c := rs.Centroid(i)
			if !rs.Contains(i, c) {
				t.Fatalf("region %d: Centroid %v is not inside", i, c)
			}
			for _, p := range samples(r) {
				if checks++; checks > 2000 {
					return
				}
				want := planar.MultiPolygonContains(r.Geometry, p)
				if got := rs.Contains(i, p); got != want {
					t.Fatalf("region %d: Contains(%v) = %v, even-odd says %v", i, p, got, want)
				}
				all := rs.LocateAll(p)
				in := false
				for _, j := range all {
					in = in || j == i
				}
				if in != want {
					t.Fatalf("region %d: LocateAll(%v) = %v, even-odd says %v", i, p, all, want)
				}
			}
		}
	})
}

// samples returns points to test containment at: near each vertex, a
// tenth of the way toward the middle of its neighbours (inside the corner
// for a convex vertex, outside for a reflex one), and a 5×5 grid over the
// bound. Points exactly on a boundary are left out: there this package
// counts a hole's edge as inside the region and orb as outside.
func samples(r geo.Region) []orb.Point {
	var out []orb.Point
	for _, poly := range r.Geometry {
		for _, ring := range poly {
			for i := 0; i+2 < len(ring) && len(out) < 200; i++ {
				a, b, c := ring[i], ring[i+1], ring[i+2]
				mid := orb.Point{(a[0] + c[0]) / 2, (a[1] + c[1]) / 2}
				out = append(out, orb.Point{b[0] + (mid[0]-b[0])/10, b[1] + (mid[1]-b[1])/10})
			}
		}
	}
	b := r.Bound
	for i := 0; i <= 4; i++ {
		for j := 0; j <= 4; j++ {
			out = append(out, orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*float64(i)/4, b.Min[1] + (b.Max[1]-b.Min[1])*float64(j)/4})
		}
	}
	w := 0
	for _, p := range out {
		if !onBoundary(r.Geometry, p) {
			out[w] = p
			w++
		}
	}
	return out[:w]
}

// onBoundary reports whether p lies on an edge of mp, or so near one that
// rounding could put it on either side.
func onBoundary(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				if p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) || p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) {
					continue
				}
				cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
				scale := math.Abs(b[0]-a[0])*math.Abs(p[1]-a[1]) + math.Abs(b[1]-a[1])*math.Abs(p[0]-a[0])
				if math.Abs(cross) <= 1e-12*scale {
					return true
				}
			}
		}
	}
	return false
}
