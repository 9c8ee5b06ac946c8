package directory

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The text index numbers providers in its own order, by grid cell: the
// placed providers' bound is cut into square-ish cells, cells are taken
// row by row (south to north, west to east), and within a cell providers
// keep ID order; unplaced providers come last. Then the providers of one
// row of cells are a contiguous run of numbers, a radius's box is a few
// runs, and postings (sorted by number) list neighbours next to each
// other, so a query walks memory in order instead of jumping about.

// textGrid maps boxes to runs of internal numbers.
type textGrid struct {
	min        orb.Point // south-west corner of cell (0, 0)
	cell       float64   // cell size in degrees
	cols, rows int
	start      []int32 // start[c] is the first number in cell c; len cols*rows+1
	placed     int32   // numbers ≥ placed are unplaced providers
}

// maxGridCells bounds the grid's memory (4 bytes a cell).
const maxGridCells = 1 << 20

// layout numbers d's providers: t.order[k] is the slot of number k and
// t.rank its inverse. It fills t.grid, t.points and t.flags, with no dead
// or appended numbers.
func (t *textIndex) layout(d *Directory) {
	n := d.Len()
	var b orb.Bound
	first := true
	placed := 0
	for _, i := range d.order {
		p := d.prov(i)
		if p.Unplaced {
			continue
		}
		placed++
		if first {
			b, first = orb.Bound{Min: p.Point, Max: p.Point}, false
		} else {
			b = b.Extend(p.Point)
		}
	}
	g := &t.grid
	g.min = b.Min
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	// About 16 providers a cell, cells at least ~100 m, at most
	// maxGridCells of them.
	g.cell = math.Max(math.Sqrt(w*h*16/math.Max(1, float64(placed))), 0.001)
	for {
		g.cols = int(w/g.cell) + 1
		g.rows = int(h/g.cell) + 1
		if g.cols*g.rows <= maxGridCells {
			break
		}
		g.cell *= 1.5
	}
	cells := g.cols * g.rows
	cellOf := make([]int32, n) // by position in ID order
	count := make([]int32, cells+1)
	for j, i := range d.order {
		p := d.prov(i)
		if p.Unplaced {
			cellOf[j] = int32(cells)
			continue
		}
		cx, cy := g.cellXY(p.Point)
		c := int32(cy*g.cols + cx)
		cellOf[j] = c
		count[c]++
	}
	g.start = make([]int32, cells+1)
	sum := int32(0)
	for c := 0; c < cells; c++ {
		g.start[c] = sum
		sum += count[c]
	}
	g.start[cells] = sum
	g.placed = sum
	next := slices.Clone(g.start)
	next = append(next, sum) // unplaced run
	order := make([]int32, n)
	rank := make([]int32, d.slots())
	for i := range rank {
		rank[i] = -1
	}
	for j, i := range d.order {
		c := cellOf[j]
		k := next[c]
		next[c]++
		order[k] = i
		rank[i] = k
	}
	points := make([]orb.Point, n)
	flags := make([]uint8, n)
	for k, i := range order {
		p := d.prov(i)
		points[k] = p.Point
		if p.Unplaced {
			flags[k] = numUnplaced
		}
	}
	t.order, t.rank, t.points, t.flags = makeCow(order), makeCow(rank), makeCow(points), makeCow(flags)
	t.n, t.tail, t.live, t.dead = int32(n), int32(n), int32(n), 0
}

// within reports whether p lies inside the grid's cells (cellXY clamps
// points outside them to the edge).
func (g *textGrid) within(p orb.Point) bool {
	return g.placed > 0 && p[0] >= g.min[0] && p[1] >= g.min[1] &&
		p[0] < g.min[0]+float64(g.cols)*g.cell && p[1] < g.min[1]+float64(g.rows)*g.cell
}

// cellXY returns the column and row of the cell holding p, clamped to the
// grid.
func (g *textGrid) cellXY(p orb.Point) (int, int) {
	cx := int(math.Floor((p[0] - g.min[0]) / g.cell))
	cy := int(math.Floor((p[1] - g.min[1]) / g.cell))
	return min(max(cx, 0), g.cols-1), min(max(cy, 0), g.rows-1)
}

// runs calls fn with each run [lo, hi) of numbers whose cells meet box.
func (g *textGrid) runs(box orb.Bound, fn func(lo, hi int32)) {
	if g.placed == 0 || box.Max[0] < g.min[0] || box.Max[1] < g.min[1] {
		return
	}
	x0, y0 := g.cellXY(box.Min)
	x1, y1 := g.cellXY(box.Max)
	if box.Min[0] > g.min[0]+float64(g.cols)*g.cell || box.Min[1] > g.min[1]+float64(g.rows)*g.cell {
		return
	}
	for y := y0; y <= y1; y++ {
		lo, hi := g.start[y*g.cols+x0], g.start[y*g.cols+x1+1]
		if lo < hi {
			fn(lo, hi)
		}
	}
}

// count returns how many numbers the runs of box hold.
func (g *textGrid) count(box orb.Bound) int {
	n := 0
	g.runs(box, func(lo, hi int32) { n += int(hi - lo) })
	return n
}
