package directory

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// catGrid holds one category's placed providers (with descendants) as
// compact records sorted by the cell of a uniform lon/lat grid. A nearest-k
// query visits cells ring by ring around the query point, turns most
// rejects away from the record alone — contiguous memory, no queue — and
// stops once no unvisited cell can hold anything nearer than the k-th
// match. Selective queries (an age few programs take, at an hour few are
// open) visit many records, so how cheaply a record is rejected decides
// their cost.
type catGrid struct {
	minLon, minLat float64 // degrees
	cellLon        float64 // degrees
	cellLat        float64
	nx, ny         int
	cosMax         float64     // cos of the largest |latitude| the grid spans
	cells          [][]gridRec // records of each cell, packed in one array when built
	n              int         // records held
	built          int         // records when the geometry was chosen
}

type gridRec struct {
	lon, lat       float64
	i              int32 // provider slot
	minAge, maxAge uint8
	flags          uint16
	hours          [3]uint64 // bit h: open at some moment of hour-of-week h (local time)
}

// mDefaultZone marks hours in the directory's default zone, whose
// hour-of-week bits can be checked against the query's.
const mDefaultZone uint16 = 1 << 15

// recsPerCell is the grid's target density.
const recsPerCell = 8

func newCatGrid(d *Directory, members []int32) *catGrid {
	g := &catGrid{n: len(members), built: len(members)}
	if len(members) == 0 {
		return g
	}
	minLon, minLat := math.Inf(1), math.Inf(1)
	maxLon, maxLat := math.Inf(-1), math.Inf(-1)
	for _, i := range members {
		p := d.prov(i).Point
		minLon, maxLon = math.Min(minLon, p[0]), math.Max(maxLon, p[0])
		minLat, maxLat = math.Min(minLat, p[1]), math.Max(maxLat, p[1])
	}
	midCos := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	// Square cells (in meters) sized for recsPerCell records each.
	w := math.Max((maxLon-minLon)*midCos, 1e-6)
	h := math.Max(maxLat-minLat, 1e-6)
	cells := math.Max(1, float64(len(members))/recsPerCell)
	side := math.Sqrt(w * h / cells)
	g.cellLat = math.Max(side, 1e-5)
	g.cellLon = g.cellLat / midCos
	g.nx = int((maxLon-minLon)/g.cellLon) + 1
	g.ny = int((maxLat-minLat)/g.cellLat) + 1
	g.minLon, g.minLat = minLon, minLat
	g.cosMax = math.Cos(math.Max(math.Abs(minLat), math.Abs(maxLat)) * math.Pi / 180)
	cellOf := make([]int32, len(members))
	start := make([]int32, g.nx*g.ny+1)
	for k, i := range members {
		p := d.prov(i).Point
		c := g.cell(p[0], p[1])
		cellOf[k] = int32(c)
		start[c+1]++
	}
	for c := 1; c < len(start); c++ {
		start[c] += start[c-1]
	}
	recs := make([]gridRec, len(members))
	fill := append([]int32(nil), start[:len(start)-1]...)
	for k, i := range members {
		recs[fill[cellOf[k]]] = d.gridRec(i)
		fill[cellOf[k]]++
	}
	// Each cell's slice has no spare capacity, so a version that adds to
	// a cell copies it instead of writing into the shared array.
	g.cells = make([][]gridRec, g.nx*g.ny)
	for c := range g.cells {
		g.cells[c] = recs[start[c]:start[c+1]:start[c+1]]
	}
	return g
}

// gridRec returns the grid record of the provider in slot i.
func (d *Directory) gridRec(i int32) gridRec {
	m := d.metaAt(i)
	p := d.prov(i).Point
	r := gridRec{lon: p[0], lat: p[1], i: i, minAge: m.minAge, maxAge: m.maxAge, flags: m.flags, hours: m.hours}
	if m.loc == d.loc {
		r.flags |= mDefaultZone
	}
	return r
}

func (g *catGrid) cell(lon, lat float64) int {
	x := min(max(int((lon-g.minLon)/g.cellLon), 0), g.nx-1)
	y := min(max(int((lat-g.minLat)/g.cellLat), 0), g.ny-1)
	return y*g.nx + x
}

// ringBound is a lower bound of the great-circle distance from a point in
// (or clamped to) the center cell to any cell of Chebyshev ring r: such a
// cell is at least r-1 whole cells away in latitude or in longitude. Along
// a meridian the distance is R·Δφ; across longitudes, with both
// latitudes at most φmax in size, hav(d) ≥ cos²φmax·hav(Δλ), so
// d ≥ 2R·cos φmax·sin(Δλ/2).
// cosMax must be the cosine of the largest |latitude| of both the grid
// and the query point.
func (g *catGrid) ringBound(r int, cosMax float64) float64 {
	if r <= 1 {
		return 0
	}
	k := float64(r - 1)
	lat := float64(geo.EarthRadius) * k * g.cellLat * math.Pi / 180
	dl := math.Min(k*g.cellLon*math.Pi/180, math.Pi)
	lon := 2 * float64(geo.EarthRadius) * cosMax * math.Sin(dl/2)
	return math.Min(lat, lon)
}

// quick reports whether the provider of r may pass f; false only when it
// certainly fails.
func (f *filter) quickRec(r *gridRec) bool {
	q := f.q
	if r.flags&f.need != f.need {
		return false
	}
	if q.Age > 0 && (f.age < r.minAge || f.age > r.maxAge) {
		return false
	}
	if f.openHour >= 0 {
		switch {
		case r.flags&mHoursKnown == 0:
			return q.UnknownHoursOK
		case r.flags&(mAlways|mDefaultZone) == mDefaultZone:
			return r.hours[f.openHour/64]&(1<<(f.openHour%64)) != 0
		}
	}
	return true
}

// gridSearch returns the k nearest providers of g that pass f (within the
// radius when set), ties by ID, as Search orders them.
func (d *Directory) gridSearch(g *catGrid, f *filter, k int) []Result {
	near := f.q.Near
	radius := float64(f.q.Radius)
	type hit struct {
		dist float64
		i    int32
		stop *StopInfo
	}
	best := make([]hit, 0, k+1)
	cosMax := g.cosAt(near)
	worse := func(a, b hit) bool {
		return a.dist > b.dist || a.dist == b.dist && d.prov(a.i).ID > d.prov(b.i).ID
	}
	visit := func(cell []gridRec) {
		for ri := range cell {
			r := &cell[ri]
			if !f.quickRec(r) {
				continue
			}
			if len(best) == k {
				// A cheap lower bound first (see ringBound; sin x ≥ x − x³/6):
				// most records that pass the quick check are farther than
				// the k-th match and need no haversine.
				dLat := math.Abs(r.lat-near[1]) * math.Pi / 180
				x := math.Abs(r.lon-near[0]) * math.Pi / 360
				lb := math.Max(dLat, 2*cosMax*(x-x*x*x/6)) * float64(geo.EarthRadius)
				if lb > best[k-1].dist {
					continue
				}
			}
			dist := float64(geo.Distance(near, [2]float64{r.lon, r.lat}))
			if radius > 0 && dist > radius {
				continue
			}
			h := hit{dist: dist, i: r.i}
			if len(best) == k && !worse(best[k-1], h) {
				continue
			}
			if !f.keepAt(d, r.i) {
				continue
			}
			if f.transit != nil {
				s, ok := f.transit.check(d, r.i)
				if !ok {
					continue
				}
				h.stop = s
			}
			// Insert in order; drop the worst beyond k.
			j := len(best)
			best = append(best, h)
			for j > 0 && worse(best[j-1], h) {
				best[j] = best[j-1]
				j--
			}
			best[j] = h
			if len(best) > k {
				best = best[:k]
			}
		}
	}
	g.walk(near, func(cell []gridRec, lb float64) bool {
		if (len(best) == k && lb > best[k-1].dist) || (radius > 0 && lb > radius) {
			return false
		}
		visit(cell)
		return true
	})
	out := make([]Result, len(best))
	for j, h := range best {
		out[j] = Result{Provider: d.prov(h.i), Distance: geo.Meters(h.dist), Walk: geo.WalkTime(geo.Meters(h.dist)), Transit: h.stop}
	}
	return out
}

// cosAt returns the cosine of the largest |latitude| of the grid and p,
// as ringBound needs.
func (g *catGrid) cosAt(p orb.Point) float64 {
	return math.Min(g.cosMax, math.Cos(math.Abs(p[1])*math.Pi/180))
}

// walk visits g's cells in Chebyshev rings around near, calling fn with
// each non-empty cell and a lower bound of the distance from near to any
// record of the cell's ring or a later one; it stops when fn returns
// false or every cell was visited.
func (g *catGrid) walk(near orb.Point, fn func(cell []gridRec, lb float64) bool) {
	if len(g.cells) == 0 {
		return
	}
	cosMax := g.cosAt(near)
	cx := min(max(int((near[0]-g.minLon)/g.cellLon), 0), g.nx-1)
	cy := min(max(int((near[1]-g.minLat)/g.cellLat), 0), g.ny-1)
	maxR := max(cx, g.nx-1-cx, cy, g.ny-1-cy)
	for r := 0; r <= maxR; r++ {
		lb := g.ringBound(r, cosMax)
		for y := cy - r; y <= cy+r; y++ {
			if y < 0 || y >= g.ny {
				continue
			}
			row := g.cells[y*g.nx : (y+1)*g.nx]
			if y == cy-r || y == cy+r {
				for x := max(cx-r, 0); x <= min(cx+r, g.nx-1); x++ {
					if len(row[x]) > 0 && !fn(row[x], lb) {
						return
					}
				}
				continue
			}
			if x := cx - r; x >= 0 && len(row[x]) > 0 && !fn(row[x], lb) {
				return
			}
			if x := cx + r; r > 0 && x < g.nx && len(row[x]) > 0 && !fn(row[x], lb) {
				return
			}
		}
		// An empty ring still ends the walk once its bound is too far.
		if !fn(nil, g.ringBound(r+1, cosMax)) {
			return
		}
	}
}
