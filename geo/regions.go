package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/tidwall/rtree"
)

// Region is one named area of a Regions set.
type Region struct {
	// Index is the region's position in its set, in the order of the
	// GeoJSON features it was read from.
	Index int
	// Name is the value of the naming property (for example the
	// neighborhood's name or the zip code).
	Name string
	// Geometry is the region's area. Polygons are stored as MultiPolygons
	// of one polygon.
	Geometry orb.MultiPolygon
	// Bound is the lon/lat bound of Geometry.
	Bound orb.Bound
	// Properties are the feature's other GeoJSON properties.
	Properties map[string]any
}

// Regions is an immutable set of named regions with fast point lookup. The
// zero value is an empty set. It is safe for concurrent use.
type Regions struct {
	regions []Region
	byName  map[string]int
	parts   []part
	index   rtree.RTreeG[int32] // bound of each polygon part → index into parts
}

// part is one polygon of a region, prepared for fast containment tests.
type part struct {
	region int32
	bound  orb.Bound
	// Edges of all rings (outer and holes) bucketed into horizontal bands:
	// a ray cast from a point only meets edges of the point's band.
	bandLo, bandH float64
	bands         [][]edge
}

type edge struct{ x0, y0, x1, y1 float64 }

// RegionError reports a GeoJSON feature that cannot be used as a region.
type RegionError struct {
	Feature int // zero-based index in the FeatureCollection
	Name    string
	Err     error
}

func (e *RegionError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("geo: region feature %d (%q): %v", e.Feature, e.Name, e.Err)
	}
	return fmt.Sprintf("geo: region feature %d: %v", e.Feature, e.Err)
}

func (e *RegionError) Unwrap() error { return e.Err }

// Errors wrapped by RegionError.
var (
	ErrNotPolygon     = errors.New("geo: geometry is not a Polygon or MultiPolygon")
	ErrNoName         = errors.New("geo: naming property missing or empty")
	ErrDuplicateName  = errors.New("geo: duplicate region name")
	ErrBadRing        = errors.New("geo: ring has fewer than 4 points")
	ErrNoFeatures     = errors.New("geo: feature collection has no features")
	ErrNotCollection  = errors.New("geo: not a GeoJSON FeatureCollection")
	ErrRegionNotFound = errors.New("geo: region not found")
)

// ReadRegions reads a GeoJSON FeatureCollection of Polygon and MultiPolygon
// features from r and names each region by the feature property nameProp
// (strings and numbers are accepted). Every bad feature is reported, joined
// with errors.Join; on any error no Regions is returned.
func ReadRegions(r io.Reader, nameProp string) (*Regions, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("geo: reading regions: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCollection, err)
	}
	return RegionsFromFeatures(fc, nameProp)
}

// RegionsFromFeatures builds Regions from a parsed FeatureCollection, as
// ReadRegions does.
func RegionsFromFeatures(fc *geojson.FeatureCollection, nameProp string) (*Regions, error) {
	if fc == nil || len(fc.Features) == 0 {
		return nil, ErrNoFeatures
	}
	rs := &Regions{byName: make(map[string]int, len(fc.Features))}
	var errs []error
	for i, f := range fc.Features {
		name := propString(f.Properties[nameProp])
		if name == "" {
			errs = append(errs, &RegionError{Feature: i, Err: fmt.Errorf("%w: %q", ErrNoName, nameProp)})
			continue
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			errs = append(errs, &RegionError{Feature: i, Name: name, Err: ErrNotPolygon})
			continue
		}
		if err := checkMultiPolygon(mp); err != nil {
			errs = append(errs, &RegionError{Feature: i, Name: name, Err: err})
			continue
		}
		if _, dup := rs.byName[name]; dup {
			errs = append(errs, &RegionError{Feature: i, Name: name, Err: ErrDuplicateName})
			continue
		}
		props := make(map[string]any, len(f.Properties))
		for k, v := range f.Properties {
			if k != nameProp {
				props[k] = v
			}
		}
		idx := len(rs.regions)
		rs.byName[name] = idx
		rs.regions = append(rs.regions, Region{Index: idx, Name: name, Geometry: mp, Bound: mp.Bound(), Properties: props})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for ri, reg := range rs.regions {
		for _, poly := range reg.Geometry {
			p := newPart(int32(ri), poly)
			rs.index.Insert(p.bound.Min, p.bound.Max, int32(len(rs.parts)))
			rs.parts = append(rs.parts, p)
		}
	}
	return rs, nil
}

func propString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int:
		return strconv.Itoa(x)
	}
	return ""
}

func checkMultiPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return ErrBadRing
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return fmt.Errorf("polygon %d: %w", pi, ErrBadRing)
		}
		for ri, ring := range poly {
			if len(ring) < 4 {
				return fmt.Errorf("polygon %d ring %d: %w", pi, ri, ErrBadRing)
			}
			for vi, pt := range ring {
				if err := validateCoords(pt); err != nil {
					return fmt.Errorf("polygon %d ring %d vertex %d: %w", pi, ri, vi, err)
				}
			}
		}
	}
	return nil
}

func newPart(region int32, poly orb.Polygon) part {
	p := part{region: region, bound: poly.Bound()}
	var edges []edge
	for _, ring := range poly {
		n := len(ring)
		for i := 0; i < n; i++ {
			a, b := ring[i], ring[(i+1)%n]
			if a == b {
				continue
			}
			edges = append(edges, edge{a[0], a[1], b[0], b[1]})
		}
	}
	nb := len(edges)/8 + 1
	p.bandLo = p.bound.Min[1]
	span := p.bound.Max[1] - p.bound.Min[1]
	if span <= 0 {
		nb = 1
		span = 1
	}
	p.bandH = span / float64(nb)
	p.bands = make([][]edge, nb)
	for _, e := range edges {
		lo, hi := p.band(math.Min(e.y0, e.y1)), p.band(math.Max(e.y0, e.y1))
		for b := lo; b <= hi; b++ {
			p.bands[b] = append(p.bands[b], e)
		}
	}
	return p
}

func (p *part) band(y float64) int {
	b := int((y - p.bandLo) / p.bandH)
	if b < 0 {
		return 0
	}
	if b >= len(p.bands) {
		return len(p.bands) - 1
	}
	return b
}

// contains reports whether pt is inside the polygon (even-odd rule over the
// outer ring and its holes). Points on an edge count as inside.
func (p *part) contains(pt orb.Point) bool {
	x, y := pt[0], pt[1]
	in := false
	for _, e := range p.bands[p.band(y)] {
		// On-edge test: collinear and within the segment's box.
		if (x-e.x0)*(e.y1-e.y0) == (y-e.y0)*(e.x1-e.x0) &&
			x >= math.Min(e.x0, e.x1) && x <= math.Max(e.x0, e.x1) &&
			y >= math.Min(e.y0, e.y1) && y <= math.Max(e.y0, e.y1) {
			return true
		}
		if (e.y0 > y) != (e.y1 > y) {
			xi := e.x0 + (y-e.y0)*(e.x1-e.x0)/(e.y1-e.y0)
			if x < xi {
				in = !in
			}
		}
	}
	return in
}

// Len returns the number of regions.
func (rs *Regions) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.regions)
}

// All returns the regions in their original order. The slice is shared:
// do not modify it.
func (rs *Regions) All() []Region {
	if rs == nil {
		return nil
	}
	return rs.regions
}

// ByName returns the region with the given name.
func (rs *Regions) ByName(name string) (Region, bool) {
	if rs == nil {
		return Region{}, false
	}
	i, ok := rs.byName[name]
	if !ok {
		return Region{}, false
	}
	return rs.regions[i], true
}

// Locate returns the region that contains p. Points on a boundary are
// considered in. Where regions overlap, the one that comes first in the
// set wins. It costs an rtree lookup plus an exact point-in-polygon test
// over the edges of one latitude band of each candidate polygon.
func (rs *Regions) Locate(p orb.Point) (Region, bool) {
	i := rs.LocateIndex(p)
	if i < 0 {
		return Region{}, false
	}
	return rs.regions[i], true
}

// LocateIndex is Locate returning the region's Index, or -1 when no region
// contains p. It does not allocate.
func (rs *Regions) LocateIndex(p orb.Point) int {
	if rs == nil {
		return -1
	}
	best := int32(-1)
	rs.index.Search(p, p, func(_, _ [2]float64, pi int32) bool {
		pt := &rs.parts[pi]
		if best >= 0 && pt.region >= best {
			return true
		}
		if pt.contains(p) {
			best = pt.region
		}
		return true
	})
	return int(best)
}

// LocateAll returns the indexes of every region that contains p, in
// ascending order. Use it for sets whose regions overlap.
func (rs *Regions) LocateAll(p orb.Point) []int {
	if rs == nil {
		return nil
	}
	var out []int
	rs.index.Search(p, p, func(_, _ [2]float64, pi int32) bool {
		pt := &rs.parts[pi]
		if pt.contains(p) {
			out = append(out, int(pt.region))
		}
		return true
	})
	sort.Ints(out)
	// A region made of several polygons may be found more than once.
	w := 0
	for i, v := range out {
		if i == 0 || v != out[w-1] {
			out[w] = v
			w++
		}
	}
	return out[:w]
}

// Contains reports whether region i contains p.
func (rs *Regions) Contains(i int, p orb.Point) bool {
	if rs == nil || i < 0 || i >= len(rs.regions) {
		return false
	}
	if !rs.regions[i].Bound.Contains(p) {
		return false
	}
	found := false
	rs.index.Search(p, p, func(_, _ [2]float64, pi int32) bool {
		pt := &rs.parts[pi]
		if int(pt.region) == i && pt.contains(p) {
			found = true
			return false
		}
		return true
	})
	return found
}

// Centroid returns a representative point of region i: the area-weighted
// centroid of its largest polygon when that lies inside the region,
// otherwise a point inside found by scanning its bound.
func (rs *Regions) Centroid(i int) orb.Point {
	reg := rs.regions[i]
	var largest orb.Polygon
	var area float64
	for _, poly := range reg.Geometry {
		if a := math.Abs(ringArea(poly[0])); a > area {
			area, largest = a, poly
		}
	}
	c := ringCentroid(largest[0])
	if rs.Contains(i, c) {
		return c
	}
	b := largest.Bound()
	for n := 4; n <= 256; n *= 2 {
		for yi := 1; yi < n; yi++ {
			for xi := 1; xi < n; xi++ {
				q := orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*float64(xi)/float64(n), b.Min[1] + (b.Max[1]-b.Min[1])*float64(yi)/float64(n)}
				if rs.Contains(i, q) {
					return q
				}
			}
		}
	}
	return largest[0][0]
}

func ringArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i < len(r)-1; i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

func ringCentroid(r orb.Ring) orb.Point {
	var cx, cy, a float64
	for i := 0; i < len(r)-1; i++ {
		f := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
		cx += (r[i][0] + r[i+1][0]) * f
		cy += (r[i][1] + r[i+1][1]) * f
		a += f
	}
	if a == 0 {
		return r[0]
	}
	return orb.Point{cx / (3 * a), cy / (3 * a)}
}
