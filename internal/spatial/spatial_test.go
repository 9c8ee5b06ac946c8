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
