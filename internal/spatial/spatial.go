// Package spatial is the one spatial index of a directory version,
// shared by package directory (nearest-k, radius, streaming and trip
// queries) and package match (plans and cohort matching): per category
// (with descendants) and for all placed providers, a uniform lon/lat grid
// of compact filter records stored cell by cell, visited in rings around
// a point with a proven lower bound of the distance to every cell not yet
// visited.
//
// A Grid is immutable once published: a new directory version copies the
// cell table and each cell it changes (see directory.Apply), so readers
// of older versions are never disturbed.
package spatial

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Rec is one provider's record in a grid: what the hard filters of
// queries and plans, and the bounds of match's scores, read without
// touching the provider. 64 bytes.
type Rec struct {
	Lon, Lat float64
	Slot     int32  // the provider's slot in its directory version
	Langs    uint32 // bit per language of LangBit; English set for providers listing none
	// Hours has bit h set when the provider is open at some moment of
	// hour-of-week h (Sunday 00:00 is 0) in its own zone.
	Hours              [3]uint64
	Headroom           float32 // share of seats free, 1 when capacity is unknown
	MinAge, MaxAge     uint8   // MaxAge 255: no upper limit
	MinGrade, MaxGrade int8    // the full range -1…12 without grade limits
	Flags              uint16
	Cost               uint8  // directory.Cost
	StopWalk           uint16 // walk to the nearest transit stop in meters, rounded down; math.MaxUint16 when none is near
}

// Rec flags.
const (
	Free             uint16 = 1 << iota // costs nothing
	Wheelchair                          // wheelchair accessible
	Seats                               // a seat is free or capacity is unknown
	HoursKnown                          // opening hours are known
	Always                              // open around the clock
	SlotsExact                          // the 15-minute slot mask is exact
	NeedsSlow                           // residency limit: check the provider itself
	EnglishByDefault                    // lists no language: taken to serve English
	Night                               // some span closes after midnight
	HasGrades                           // grade limits given
	DefaultZone      uint16 = 1 << 15   // hours in the directory's default zone
)

// Langs are the languages with their own bit in Rec.Langs; any other
// language sets bit 31.
var Langs = [...]string{"en", "es", "ar", "vi", "zh", "fr", "sw", "so", "ne", "my", "ko", "ru", "pt", "ht", "am", "ti", "fa", "ps", "uk", "hi"}

// OtherLang is the bit shared by languages not in Langs.
const OtherLang uint32 = 1 << 31

// LangBit returns the bit of language l.
func LangBit(l string) uint32 {
	for i, m := range Langs {
		if m == l {
			return 1 << i
		}
	}
	return OtherLang
}

// RecsPerCell is the density a grid's cells are sized for.
const RecsPerCell = 8

// Frame is the geometry of a grid: a uniform lon/lat grid of NX × NY
// cells numbered row by row from the south-west, cell (x, y) being
// y·NX + x. Points outside it belong to the nearest edge cell. A Frame
// is a plain value: an index that numbers things by cell (the text
// index) keeps a copy of the frame it was laid out in.
type Frame struct {
	MinLon, MinLat float64 // degrees
	CellLon        float64 // degrees
	CellLat        float64
	NX, NY         int
	// CosMax is the cosine of the largest |latitude| of any point laid
	// out in the frame; RingBound holds for such points only.
	CosMax float64
}

// Grid holds records in the cells of a uniform lon/lat grid.
type Grid struct {
	Frame
	// Cells are the records of each cell, row by row from the south-west.
	// A published cell has no spare capacity, so a new version that adds
	// to it copies it instead of writing into a shared array.
	Cells [][]Rec
	// Sums summarise each cell (Summarize), so that a selective query
	// passes over a cell none of whose records can match.
	Sums []CellSum
	// N counts the records; Built counts them when the cells were sized.
	N, Built int
	// Moved counts the cells a later version gave a slice of their own
	// since the records were last packed into one array.
	Moved int
}

// Packed returns g with its records copied into one array, cell after
// cell, as NewGrid lays them out: a version whose changes left cells
// scattered over the heap reads them from contiguous memory again.
// O(records).
func (g *Grid) Packed() *Grid {
	out := *g
	out.Moved = 0
	packed := make([]Rec, 0, g.N)
	out.Cells = make([][]Rec, len(g.Cells))
	for c, cell := range g.Cells {
		start := len(packed)
		packed = append(packed, cell...)
		out.Cells[c] = packed[start:len(packed):len(packed)]
	}
	return &out
}

// NewGrid lays out recs in cells sized for RecsPerCell records each; the
// records of a cell keep the order given.
func NewGrid(recs []Rec) *Grid {
	g := &Grid{N: len(recs), Built: len(recs)}
	if len(recs) == 0 {
		return g
	}
	minLon, minLat := math.Inf(1), math.Inf(1)
	maxLon, maxLat := math.Inf(-1), math.Inf(-1)
	for i := range recs {
		r := &recs[i]
		minLon, maxLon = math.Min(minLon, r.Lon), math.Max(maxLon, r.Lon)
		minLat, maxLat = math.Min(minLat, r.Lat), math.Max(maxLat, r.Lat)
	}
	midCos := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	// Square cells (in meters) sized for RecsPerCell records each.
	w := math.Max((maxLon-minLon)*midCos, 1e-6)
	h := math.Max(maxLat-minLat, 1e-6)
	cells := math.Max(1, float64(len(recs))/RecsPerCell)
	side := math.Sqrt(w * h / cells)
	g.CellLat = math.Max(side, 1e-5)
	g.CellLon = g.CellLat / midCos
	g.NX = int((maxLon-minLon)/g.CellLon) + 1
	g.NY = int((maxLat-minLat)/g.CellLat) + 1
	g.MinLon, g.MinLat = minLon, minLat
	g.CosMax = math.Cos(math.Max(math.Abs(minLat), math.Abs(maxLat)) * math.Pi / 180)
	start := make([]int32, g.NX*g.NY+1)
	cellOf := make([]int32, len(recs))
	for k := range recs {
		c := g.Cell(recs[k].Lon, recs[k].Lat)
		cellOf[k] = int32(c)
		start[c+1]++
	}
	for c := 1; c < len(start); c++ {
		start[c] += start[c-1]
	}
	packed := make([]Rec, len(recs))
	fill := append([]int32(nil), start[:len(start)-1]...)
	for k := range recs {
		packed[fill[cellOf[k]]] = recs[k]
		fill[cellOf[k]]++
	}
	g.Cells = make([][]Rec, g.NX*g.NY)
	g.Sums = make([]CellSum, g.NX*g.NY)
	for c := range g.Cells {
		g.Cells[c] = packed[start[c]:start[c+1]:start[c+1]]
		g.Sums[c] = Summarize(g.Cells[c])
	}
	return g
}

// CellSum is the union of what a cell's records let a filter check: a
// query none of whose filters any record passes skips the cell.
type CellSum struct {
	Hours          [3]uint64 // union of Hours over records in the default zone with known, not round-the-clock hours
	Langs          uint32    // union of Langs
	Flags          uint16    // union of Flags
	MinAge, MaxAge uint8     // least MinAge, greatest MaxAge
	// OtherHours is set when some record's opening cannot be read from
	// Hours: hours in another zone, or open around the clock.
	OtherHours bool
	// Unknown is set when some record's hours are unknown.
	Unknown bool
}

// Summarize returns the summary of a cell's records.
func Summarize(cell []Rec) CellSum {
	s := CellSum{MinAge: math.MaxUint8}
	for i := range cell {
		r := &cell[i]
		s.Langs |= r.Langs
		s.Flags |= r.Flags
		s.MinAge = min(s.MinAge, r.MinAge)
		s.MaxAge = max(s.MaxAge, r.MaxAge)
		switch {
		case r.Flags&HoursKnown == 0:
			s.Unknown = true
		case r.Flags&(Always|DefaultZone) != DefaultZone:
			s.OtherHours = true
		default:
			for w := range s.Hours {
				s.Hours[w] |= r.Hours[w]
			}
		}
	}
	return s
}

// Cell returns the cell of (lon, lat), clamped to the grid: a point
// outside it belongs to the nearest edge cell.
func (g *Frame) Cell(lon, lat float64) int {
	x := min(max(int((lon-g.MinLon)/g.CellLon), 0), g.NX-1)
	y := min(max(int((lat-g.MinLat)/g.CellLat), 0), g.NY-1)
	return y*g.NX + x
}

// CosAt returns the cosine of the largest |latitude| of the grid and p,
// as RingBound needs.
func (g *Frame) CosAt(p orb.Point) float64 {
	return math.Min(g.CosMax, math.Cos(math.Abs(p[1])*math.Pi/180))
}

// RingBound is a lower bound of the great-circle distance from a point in
// (or clamped to) the center cell to any record of a cell of Chebyshev
// ring r: such a cell is at least r-1 whole cells away in latitude or in
// longitude. Along a meridian the distance is R·Δφ; across longitudes,
// with both latitudes at most φmax in size, hav(d) ≥ cos²φmax·hav(Δλ), so
// d ≥ 2R·cos φmax·sin(Δλ/2). Clamping keeps the bound: two points whose
// clamped cells are k apart on an axis are at least k-1 cells apart on
// it, since every cell between them is whole. cosMax must be CosAt of
// the query point.
func (g *Frame) RingBound(r int, cosMax float64) float64 {
	if r <= 1 {
		return 0
	}
	k := float64(r - 1)
	lat := float64(geo.EarthRadius) * k * g.CellLat * math.Pi / 180
	dl := math.Min(k*g.CellLon*math.Pi/180, math.Pi)
	lon := 2 * float64(geo.EarthRadius) * cosMax * math.Sin(dl/2)
	return math.Min(lat, lon)
}

// Walk visits g's cells in Chebyshev rings around near, calling fn with
// each non-empty cell, its summary and a lower bound (meters) of the
// distance from near to any record of the cell's ring or a later one;
// after each ring it calls fn with no records and the bound of the next
// ring. It stops when fn returns false or every cell was visited.
func (g *Grid) Walk(near orb.Point, fn func(cell []Rec, sum *CellSum, lb float64) bool) {
	if len(g.Cells) == 0 {
		return
	}
	g.Rings(near, func(c int, lb float64) bool {
		if c < 0 {
			return fn(nil, nil, lb)
		}
		return len(g.Cells[c]) == 0 || fn(g.Cells[c], &g.Sums[c], lb)
	})
}

// Rings visits every cell of f in Chebyshev rings around near, the
// walk behind Grid.Walk: fn gets each cell c (empty or not) of ring r
// with lb = RingBound(r), a lower bound (meters) of the distance from
// near to any point laid out in a cell of ring r or a later one; after
// each ring it gets c = -1 and the bound of the next ring. Within a ring
// cells come row by row, south to north. It stops when fn returns false
// or every cell was visited: O(cells visited).
func (f *Frame) Rings(near orb.Point, fn func(c int, lb float64) bool) {
	if f.NX <= 0 || f.NY <= 0 {
		return
	}
	cosMax := f.CosAt(near)
	cx := min(max(int((near[0]-f.MinLon)/f.CellLon), 0), f.NX-1)
	cy := min(max(int((near[1]-f.MinLat)/f.CellLat), 0), f.NY-1)
	maxR := max(cx, f.NX-1-cx, cy, f.NY-1-cy)
	for r := 0; r <= maxR; r++ {
		lb := f.RingBound(r, cosMax)
		for y := cy - r; y <= cy+r; y++ {
			if y < 0 || y >= f.NY {
				continue
			}
			row := y * f.NX
			if y == cy-r || y == cy+r {
				for x := max(cx-r, 0); x <= min(cx+r, f.NX-1); x++ {
					if !fn(row+x, lb) {
						return
					}
				}
				continue
			}
			if x := cx - r; x >= 0 && !fn(row+x, lb) {
				return
			}
			if x := cx + r; r > 0 && x < f.NX && !fn(row+x, lb) {
				return
			}
		}
		if !fn(-1, f.RingBound(r+1, cosMax)) {
			return
		}
	}
}

// Within reports whether (lon, lat) lies inside f's cells rather than
// clamped to an edge cell.
func (f *Frame) Within(lon, lat float64) bool {
	return f.NX > 0 && f.NY > 0 && lon >= f.MinLon && lat >= f.MinLat &&
		lon < f.MinLon+float64(f.NX)*f.CellLon && lat < f.MinLat+float64(f.NY)*f.CellLat
}

// All calls fn for every record, cell by cell; fn returns false to stop.
func (g *Grid) All(fn func(r *Rec) bool) {
	for _, cell := range g.Cells {
		for i := range cell {
			if !fn(&cell[i]) {
				return
			}
		}
	}
}

// Source is one directory version's index as package match reads it.
type Source struct {
	// Grid returns the grid of a category (with descendants), or of all
	// placed providers for ""; nil when the category has none.
	Grid func(code string) *Grid
	// Slots is the number of provider slots, occupied or not.
	Slots int32
	// Provider returns the *directory.Provider in a slot, nil for an
	// empty slot.
	Provider func(slot int32) any
	// Stops returns a *[]directory.NearStop of a slot (nil without
	// transit); the slice is shared.
	Stops func(slot int32) any
	// SlotOf returns the slot of a provider ID.
	SlotOf func(id string) (int32, bool)
	// Direct counts the providers listing a code itself.
	Direct func(code string) int
	// Version is the directory version's Version.
	Version uint64
	// Changed returns the slots changed since an earlier version of the
	// same lineage; false when the record of the steps is gone.
	Changed func(from uint64) ([]int32, bool)
	// Router returns the directory's timetable router with the given
	// options, built once and shared by its versions.
	Router func(opts transit.RouterOptions) (*transit.Router, error)
}

// Of returns the index of a *directory.Directory, nil for anything
// else. Package directory sets it; match is its only reader.
var Of func(dir any) *Source

// View returns the read-only directory.Listing of a *directory.Provider
// that a Source handed out. Package directory sets it; match uses it to
// hand out listings, never the providers the index reads.
var View func(p any) any
