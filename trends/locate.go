package trends

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// A regionGrid answers geo.Regions.LocateIndex for most points with one
// or two array reads. It divides the bound of a region set into cells; a
// cell that no polygon edge comes near (within a margin far above
// rounding error) lies wholly inside the same regions, so every point in
// it has one answer. A cell an edge comes near is split into gridSub ×
// gridSub subcells treated alike, and only points in subcells an edge
// comes near take the exact polygon test. Over Chattanooga's 119
// neighborhoods the 2^17 cells (256 KB, cells of about 60 m) have 6%
// split (4 MB of subcells of about 4 m), and 0.43% of the area is left
// to the exact test. Placing a point costs ~35 ns against ~350 ns for
// the exact test (BenchmarkRegionLocate, 2 loaded cores).
//
// The answer of an unmarked (sub)cell is the exact test's own answer at
// the centre of some unmarked (sub)cell it connects to without crossing
// an edge, so the two never disagree (TestRegionGridEqualsLocate checks
// it on random points, vertices and points on and beside edges).
type regionGrid struct {
	minX, minY float64
	maxX, maxY float64
	invW, invH float64
	nx, ny     int
	outside    uint16   // the value of no region: the set's Len
	cells      []uint16 // region index, outside, outside+1+subgrid number, or gridEdge
	subs       []uint16 // gridSub² values per split cell: region, outside or gridEdge
}

const (
	gridCells = 1 << 17         // target number of cells of a grid
	gridSub   = 16              // subcells a side of a split cell
	gridSplit = uint32(1) << 31 // while building: split, low bits its subgrid
	gridEdge  = uint16(0xFFFF)  // a subcell value: the exact test decides
	gridNear  = ^uint32(0)      // while building: an edge is near
)

// raster is a grid of w × h cells over [minX, minX+nx·w] × [minY, …].
type raster struct {
	minX, minY float64
	w, h       float64
	nx, ny     int
}

// markEdge calls mark for every cell whose box, widened by eps, the
// segment a–b meets (and perhaps a few more): row by row, the part of the
// segment inside the row's band, widened, gives a range of columns,
// widened too.
func (r raster) markEdge(a, b orb.Point, eps float64, mark func(ix, iy int)) {
	clamp := func(i, n int) int { return max(0, min(n-1, i)) }
	ylo, yhi := math.Min(a[1], b[1])-eps, math.Max(a[1], b[1])+eps
	iy0 := clamp(int(math.Floor((ylo-r.minY)/r.h)), r.ny)
	iy1 := clamp(int(math.Floor((yhi-r.minY)/r.h)), r.ny)
	pad := eps + r.w*1e-6 // the clipped ends carry rounding too
	for iy := iy0; iy <= iy1; iy++ {
		blo := r.minY + float64(iy)*r.h - eps
		bhi := r.minY + float64(iy+1)*r.h + eps
		xa, xb := a[0], b[0]
		if a[1] != b[1] {
			// Clip the segment to the band's y range.
			t0 := (blo - a[1]) / (b[1] - a[1])
			t1 := (bhi - a[1]) / (b[1] - a[1])
			if t0 > t1 {
				t0, t1 = t1, t0
			}
			t0, t1 = math.Max(t0, 0), math.Min(t1, 1)
			xa = a[0] + t0*(b[0]-a[0])
			xb = a[0] + t1*(b[0]-a[0])
		}
		if xa > xb {
			xa, xb = xb, xa
		}
		ix0 := clamp(int(math.Floor((xa-pad-r.minX)/r.w)), r.nx)
		ix1 := clamp(int(math.Floor((xb+pad-r.minX)/r.w)), r.nx)
		for ix := ix0; ix <= ix1; ix++ {
			mark(ix, iy)
		}
	}
}

// center returns the centre of cell (ix, iy).
func (r raster) center(ix, iy int) orb.Point {
	return orb.Point{r.minX + (float64(ix)+0.5)*r.w, r.minY + (float64(iy)+0.5)*r.h}
}

// fillRow gives every run of cells of row that are not gridNear one value:
// that of a cell in the run already known (known[ix] set: row[ix] holds
// its value; known may be nil), else that
// of a cell whose neighbour in the row above (prev, nil for the first
// row) is not gridNear, else the exact test at the centre of the run's
// first cell. Cells joined without crossing a near cell have the same
// answer, which is why one value serves the run.
func fillRow(row, prev []uint32, known []bool, exact func(ix int) uint32) {
	for lo := 0; lo < len(row); {
		if row[lo] == gridNear {
			lo++
			continue
		}
		hi := lo
		for hi < len(row) && row[hi] != gridNear {
			hi++
		}
		v, ok := uint32(0), false
		for ix := lo; ix < hi && !ok && known != nil; ix++ {
			if known[ix] {
				v, ok = row[ix], true
			}
		}
		for ix := lo; ix < hi && !ok && prev != nil; ix++ {
			if prev[ix] != gridNear {
				v, ok = prev[ix], true
			}
		}
		if !ok {
			v = exact(lo)
		}
		for ix := lo; ix < hi; ix++ {
			row[ix] = v
		}
		lo = hi
	}
}

// newRegionGrid builds the grid of rs. It costs O(cells + subcells of
// split cells + the cells the edges cross) plus an exact lookup for each
// run of cells that the rows above do not reach.
func newRegionGrid(rs *geo.Regions) *regionGrid {
	regs := rs.All()
	b := regs[0].Bound
	for _, r := range regs[1:] {
		b = b.Union(r.Bound)
	}
	outside := uint32(rs.Len())
	g := &regionGrid{outside: uint16(outside), minX: b.Min[0], minY: b.Min[1], maxX: b.Max[0], maxY: b.Max[1]}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	// Cells about square in degrees, gridCells in all.
	g.nx, g.ny = 1, 1
	if w > 0 && h > 0 {
		g.nx = max(1, min(gridCells, int(math.Sqrt(gridCells*w/h))))
		g.ny = max(1, gridCells/g.nx)
	}
	// A set whose bound has no width or height has no area: every cell
	// is near an edge, so the width only has to be non-zero.
	cw, ch := max(w/float64(g.nx), 1e-9), max(h/float64(g.ny), 1e-9)
	g.invW, g.invH = 1/cw, 1/ch
	coarse := raster{minX: g.minX, minY: g.minY, w: cw, h: ch, nx: g.nx, ny: g.ny}
	// The margin covers the rounding of the cell index and of the exact
	// test: 10^-10 of the coordinates' magnitude (about 10^6 times the
	// spacing of doubles there), still far below a metre.
	scale := math.Max(math.Max(math.Abs(b.Min[0]), math.Abs(b.Max[0])), math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1])))
	eps := math.Max(scale, 1) * 1e-10
	edges := func(r raster, mark func(ix, iy int)) {
		for _, reg := range regs {
			for _, poly := range reg.Geometry {
				for _, ring := range poly {
					for i := 1; i < len(ring); i++ {
						r.markEdge(ring[i-1], ring[i], eps, mark)
					}
				}
			}
		}
	}
	exactAt := func(p orb.Point) uint32 {
		if i := rs.LocateIndex(p); i >= 0 {
			return uint32(i)
		}
		return outside
	}

	// Cells.
	cells := make([]uint32, g.nx*g.ny)
	edges(coarse, func(ix, iy int) { cells[iy*g.nx+ix] = gridNear })
	for iy := 0; iy < g.ny; iy++ {
		var prev []uint32
		if iy > 0 {
			prev = cells[(iy-1)*g.nx : iy*g.nx]
		}
		fillRow(cells[iy*g.nx:(iy+1)*g.nx], prev, nil, func(ix int) uint32 { return exactAt(coarse.center(ix, iy)) })
	}
	var split int
	for i, v := range cells {
		if v == gridNear {
			cells[i] = gridSplit | uint32(split)
			split++
		}
	}

	// Subcells of split cells, on a virtual fine grid of the whole bound.
	const n2 = gridSub * gridSub
	g.subs = make([]uint16, split*n2)
	fine := raster{minX: g.minX, minY: g.minY, w: cw / gridSub, h: ch / gridSub, nx: g.nx * gridSub, ny: g.ny * gridSub}
	subAt := func(fx, fy int) (uint32, int) {
		return cells[(fy/gridSub)*g.nx+fx/gridSub], (fy%gridSub)*gridSub + fx%gridSub
	}
	edges(fine, func(fx, fy int) {
		if c, k := subAt(fx, fy); c&gridSplit != 0 {
			g.subs[int(c&^gridSplit)*n2+k] = gridEdge
		}
	})
	row, prev := make([]uint32, fine.nx), make([]uint32, fine.nx)
	known := make([]bool, fine.nx)
	for fy := 0; fy < fine.ny; fy++ {
		ky := fy % gridSub
		crow := cells[(fy/gridSub)*g.nx : (fy/gridSub+1)*g.nx]
		for cx, c := range crow {
			r, kn := row[cx*gridSub:(cx+1)*gridSub], known[cx*gridSub:(cx+1)*gridSub]
			if c&gridSplit == 0 {
				for k := range r {
					r[k], kn[k] = c, true
				}
				continue
			}
			sub := g.subs[int(c&^gridSplit)*n2+ky*gridSub:][:gridSub]
			for k := range r {
				r[k], kn[k] = 0, false
				if sub[k] == gridEdge {
					r[k] = gridNear
				}
			}
		}
		p := prev
		if fy == 0 {
			p = nil
		}
		fillRow(row, p, known, func(fx int) uint32 { return exactAt(fine.center(fx, fy)) })
		for cx, c := range crow {
			if c&gridSplit == 0 {
				continue
			}
			sub := g.subs[int(c&^gridSplit)*n2+ky*gridSub:][:gridSub]
			for k, v := range row[cx*gridSub : (cx+1)*gridSub] {
				if v != gridNear {
					sub[k] = uint16(v)
				}
			}
		}
		row, prev = prev, row
	}
	// Pack the cells in 16 bits, so that the grid stays in a core's
	// cache: split cells numbered from outside+1; any past 16 bits
	// (never with real boundaries) are left to the exact test.
	base := outside + 1
	g.cells = make([]uint16, len(cells))
	for i, v := range cells {
		switch {
		case v&gridSplit == 0:
			g.cells[i] = uint16(v)
		case base+v&^gridSplit < uint32(gridEdge):
			g.cells[i] = uint16(base + v&^gridSplit)
		default:
			g.cells[i] = gridEdge
		}
	}
	return g
}

// locate returns rs.LocateIndex(p), rs the set g was built from. p must
// be finite.
func (g *regionGrid) locate(rs *geo.Regions, p orb.Point) int {
	x, y := p[0], p[1]
	if x < g.minX || x > g.maxX || y < g.minY || y > g.maxY {
		return -1
	}
	fx, fy := (x-g.minX)*g.invW, (y-g.minY)*g.invH
	ix, iy := min(int(fx), g.nx-1), min(int(fy), g.ny-1)
	v := g.cells[iy*g.nx+ix]
	switch {
	case v < g.outside:
		return int(v)
	case v == g.outside:
		return -1
	case v == gridEdge:
		return rs.LocateIndex(p)
	}
	sx := min(int((fx-float64(ix))*gridSub), gridSub-1)
	sy := min(int((fy-float64(iy))*gridSub), gridSub-1)
	v = g.subs[int(v-g.outside-1)*gridSub*gridSub+sy*gridSub+sx]
	switch v {
	case g.outside:
		return -1
	case gridEdge:
		return rs.LocateIndex(p)
	}
	return int(v)
}

// gridLocator resolves points in one region set: by the exact test until
// the set has located gridAfter points, then by a grid built once and
// shared by every store over the same *geo.Regions (a set is immutable).
// It holds no reference to the set, so that the cache below does not
// keep sets alive.
type gridLocator struct {
	seen  atomic.Int64
	once  sync.Once
	ready atomic.Pointer[regionGrid]
}

// gridAfter is how many points a region set locates before its grid is
// built: small stores never pay for one.
const gridAfter = 1 << 15

// grids maps a *geo.Regions, held weakly, to its *gridLocator; an entry
// is removed when its Regions is collected.
var grids sync.Map

func locatorOf(rs *geo.Regions) *gridLocator {
	key := weak.Make(rs)
	if l, ok := grids.Load(key); ok {
		return l.(*gridLocator)
	}
	l, loaded := grids.LoadOrStore(key, &gridLocator{})
	if !loaded {
		runtime.AddCleanup(rs, func(k weak.Pointer[geo.Regions]) { grids.Delete(k) }, key)
	}
	return l.(*gridLocator)
}

// locate returns rs.LocateIndex(p), rs the set l was made for. p must
// be finite.
func (l *gridLocator) locate(rs *geo.Regions, p orb.Point) int {
	if g := l.ready.Load(); g != nil {
		return g.locate(rs, p)
	}
	if l.seen.Add(1) == gridAfter {
		// Built by the one caller that crosses the threshold; the others
		// go on with the exact test meanwhile.
		l.once.Do(func() { l.ready.Store(newRegionGrid(rs)) })
	}
	return rs.LocateIndex(p)
}
