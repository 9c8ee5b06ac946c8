package spatial

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// TestWalkBound checks Walk against brute force: every record is visited
// once, and the bound given with a cell (and after each ring) is at most
// the distance of every record visited from then on, for query points
// inside the grid and far outside it, and for records added outside the
// grid's first bound (as a later version does).
func TestWalkBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]Rec, 2000)
	for i := range recs {
		recs[i] = Rec{Lon: -85.4 + rng.Float64()*0.3, Lat: 34.95 + rng.Float64()*0.3, Slot: int32(i)}
	}
	g := NewGrid(recs)
	// Records outside the bound land in edge cells, as Apply adds them.
	for i := range 50 {
		r := Rec{Lon: -86 + rng.Float64()*2, Lat: 34 + rng.Float64()*2, Slot: int32(len(recs) + i)}
		c := g.Cell(r.Lon, r.Lat)
		g.Cells[c] = append(g.Cells[c], r)
		g.Sums[c] = Summarize(g.Cells[c])
		g.CosMax = min(g.CosMax, cosDeg(r.Lat))
		g.N++
	}
	for q := range 300 {
		near := orb.Point{-85.4 + rng.Float64()*0.3, 34.95 + rng.Float64()*0.3}
		if q%5 == 0 {
			near = orb.Point{-87 + rng.Float64()*4, 33 + rng.Float64()*4}
		}
		seen := map[int32]bool{}
		lastLB := 0.0
		g.Walk(near, func(cell []Rec, _ *CellSum, lb float64) bool {
			require.GreaterOrEqual(t, lb, lastLB-1e-9, "bounds never decrease")
			lastLB = lb
			for _, r := range cell {
				d := float64(geo.Distance(near, orb.Point{r.Lon, r.Lat}))
				require.LessOrEqual(t, lb, d+1e-6, "query %d: bound %v above distance %v", q, lb, d)
				require.False(t, seen[r.Slot])
				seen[r.Slot] = true
			}
			return true
		})
		require.Len(t, seen, g.N)
	}
}

func cosDeg(lat float64) float64 {
	return NewGrid([]Rec{{Lat: lat}}).CosMax
}

// TestRingsVisitEveryCellOnce checks Frame.Rings against the definition
// of a Chebyshev ring: every cell is visited exactly once, in rings of
// nondecreasing distance max(|Δx|, |Δy|) from the (clamped) center cell,
// each ring closed by a call with c = -1, with the ring's bound; for
// frames of one cell, one row, one column and many, and points inside
// and outside.
func TestRingsVisitEveryCellOnce(t *testing.T) {
	frames := []struct {
		name string
		f    Frame
	}{
		{"one cell", Frame{MinLon: -85, MinLat: 35, CellLon: 0.01, CellLat: 0.01, NX: 1, NY: 1, CosMax: 0.8}},
		{"one row", Frame{MinLon: -85, MinLat: 35, CellLon: 0.01, CellLat: 0.01, NX: 9, NY: 1, CosMax: 0.8}},
		{"one column", Frame{MinLon: -85, MinLat: 35, CellLon: 0.01, CellLat: 0.01, NX: 1, NY: 7, CosMax: 0.8}},
		{"many", Frame{MinLon: -85, MinLat: 35, CellLon: 0.012, CellLat: 0.01, NX: 13, NY: 8, CosMax: 0.8}},
		{"empty", Frame{}},
	}
	points := []orb.Point{{-84.97, 35.03}, {-85, 35}, {-90, 30}, {-80, 40}, {-84.99, 36}}
	for _, fc := range frames {
		for _, p := range points {
			t.Run(fc.name, func(t *testing.T) {
				f := fc.f
				seen := map[int]int{}
				ring, lastRing := 0, -1
				cx, cy := 0, 0
				if f.NX > 0 {
					c := f.Cell(p[0], p[1])
					cx, cy = c%f.NX, c/f.NX
				}
				cosMax := f.CosAt(p)
				f.Rings(p, func(c int, lb float64) bool {
					if c < 0 {
						require.Equal(t, f.RingBound(ring+1, cosMax), lb, "bound after ring %d", ring)
						ring++
						return true
					}
					seen[c]++
					x, y := c%f.NX, c/f.NX
					r := max(x-cx, cx-x, y-cy, cy-y)
					require.Equal(t, ring, r, "cell (%d, %d) from (%d, %d)", x, y, cx, cy)
					require.GreaterOrEqual(t, r, lastRing)
					lastRing = r
					require.Equal(t, f.RingBound(r, cosMax), lb)
					return true
				})
				require.Len(t, seen, f.NX*f.NY)
				for c, n := range seen {
					require.Equal(t, 1, n, "cell %d", c)
				}
			})
		}
	}
}
