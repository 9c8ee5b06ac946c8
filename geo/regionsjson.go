package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// The GeoJSON of region sets is decoded here rather than by orb/geojson for
// three reasons: orb reads a position into a [2]float64, so [35] silently
// becomes (35, 0); it copies every geometry's coordinates before decoding
// them; and its errors do not say which feature, ring or vertex is wrong.
// encoding/json still checks the whole document's syntax first, so number
// syntax is strict JSON: no hex floats, no NaN or Infinity literals, no
// leading '+' or '.'.

// rawCollection is a GeoJSON FeatureCollection as ReadRegions needs it.
type rawCollection struct {
	Type     string       `json:"type"`
	Features []rawFeature `json:"features"`
}

type rawFeature struct {
	Type       string         `json:"type"`
	ID         any            `json:"id"`
	Properties map[string]any `json:"properties"`
	Geometry   rawGeometry    `json:"geometry"`
}

// rawGeometry decodes a Polygon or MultiPolygon as it is read. A bad
// geometry does not stop the decoding of the collection: its problem is
// kept in err and reported with the feature's position.
type rawGeometry struct {
	null bool
	typ  string
	mp   orb.MultiPolygon
	err  error
}

// rawBytes keeps a view of a JSON value inside the document being decoded.
// encoding/json hands UnmarshalJSON a slice of its input; ReadRegions owns
// that input and never changes it, so the view stays valid (and no copy of
// the coordinates is made).
type rawBytes []byte

func (b *rawBytes) UnmarshalJSON(data []byte) error {
	*b = data
	return nil
}

func (g *rawGeometry) UnmarshalJSON(data []byte) error {
	*g = rawGeometry{}
	if string(data) == "null" {
		g.null = true
		return nil
	}
	var obj struct {
		Type        string   `json:"type"`
		Coordinates rawBytes `json:"coordinates"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		g.err = fmt.Errorf("%w: geometry is not a GeoJSON object", ErrNotPolygon)
		return nil
	}
	g.typ = obj.Type
	depth := 0
	switch obj.Type {
	case "Polygon":
		depth = 3
	case "MultiPolygon":
		depth = 4
	default:
		g.err = fmt.Errorf("%w: type %q", ErrNotPolygon, obj.Type)
		return nil
	}
	if len(obj.Coordinates) == 0 || string(obj.Coordinates) == "null" {
		g.err = fmt.Errorf("%w: %s has no coordinates", ErrEmptyGeometry, obj.Type)
		return nil
	}
	p := coordParser{data: obj.Coordinates}
	mp, err := p.parse(depth)
	if err != nil {
		g.err = err
		return nil
	}
	g.mp = mp
	return nil
}

// coordParser reads the coordinates array of a Polygon (depth 3) or a
// MultiPolygon (depth 4) from JSON that encoding/json has already found
// well formed. It allocates each ring once it knows its length, so memory
// is the positions' 16 bytes each plus the slices' headers.
type coordParser struct {
	data []byte
	off  int
	// Position of the value being read, for errors.
	poly, ring, vertex int
}

func (p *coordParser) skipSpace() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\n', '\r':
			p.off++
		default:
			return
		}
	}
}

// open consumes '[' and reports whether the array is empty (consuming its
// ']' too).
func (p *coordParser) open(what string) (empty bool, err error) {
	p.skipSpace()
	if p.off >= len(p.data) || p.data[p.off] != '[' {
		return false, p.errorf("%w: %s is not an array", ErrBadCoordinates, what)
	}
	p.off++
	p.skipSpace()
	if p.off < len(p.data) && p.data[p.off] == ']' {
		p.off++
		return true, nil
	}
	return false, nil
}

// next consumes ',' (more elements: true) or ']' (end: false).
func (p *coordParser) next(what string) (bool, error) {
	p.skipSpace()
	if p.off < len(p.data) {
		switch p.data[p.off] {
		case ',':
			p.off++
			return true, nil
		case ']':
			p.off++
			return false, nil
		}
	}
	return false, p.errorf("%w: malformed %s", ErrBadCoordinates, what)
}

func (p *coordParser) errorf(format string, args ...any) error {
	return &CoordError{Polygon: p.poly, Ring: p.ring, Vertex: p.vertex, Err: fmt.Errorf(format, args...)}
}

func (p *coordParser) parse(depth int) (orb.MultiPolygon, error) {
	if depth == 3 {
		poly, err := p.polygon()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.off != len(p.data) {
			return nil, p.errorf("%w: trailing data", ErrBadCoordinates)
		}
		return orb.MultiPolygon{poly}, nil
	}
	p.poly, p.ring, p.vertex = 0, -1, -1
	empty, err := p.open("MultiPolygon coordinates")
	if err != nil || empty {
		if err == nil {
			err = &CoordError{Polygon: -1, Ring: -1, Vertex: -1, Err: fmt.Errorf("%w: MultiPolygon has no polygons", ErrEmptyGeometry)}
		}
		return nil, err
	}
	var mp orb.MultiPolygon
	for {
		poly, err := p.polygon()
		if err != nil {
			return nil, err
		}
		mp = append(mp, poly)
		more, err := p.next("MultiPolygon coordinates")
		if err != nil {
			return nil, err
		}
		if !more {
			return mp, nil
		}
		p.poly++
	}
}

func (p *coordParser) polygon() (orb.Polygon, error) {
	p.ring, p.vertex = -1, -1
	empty, err := p.open("polygon")
	if err != nil {
		return nil, err
	}
	if empty {
		return nil, p.errorf("%w: polygon has no rings", ErrEmptyGeometry)
	}
	var poly orb.Polygon
	for p.ring = 0; ; p.ring++ {
		r, err := p.readRing()
		if err != nil {
			return nil, err
		}
		poly = append(poly, r)
		more, err := p.next("polygon")
		if err != nil {
			return nil, err
		}
		if !more {
			p.ring = -1
			return poly, nil
		}
	}
}

// readRing reads one ring. It counts the positions first (a cheap scan
// for the ring's closing bracket is not possible without parsing, so it
// parses twice: once to count, once to fill an exactly sized slice).
func (p *coordParser) readRing() (orb.Ring, error) {
	p.vertex = -1
	start := p.off
	n, err := p.ringPositions(nil)
	if err != nil {
		return nil, err
	}
	r := make(orb.Ring, 0, n)
	p.off = start
	if _, err := p.ringPositions(&r); err != nil {
		return nil, err
	}
	return r, nil
}

// ringPositions reads a ring's positions, appending them to dst when it is
// not nil, and returns how many there were.
func (p *coordParser) ringPositions(dst *orb.Ring) (int, error) {
	empty, err := p.open("ring")
	if err != nil || empty {
		if err == nil {
			err = p.errorf("%w: ring has no positions", ErrBadRing)
		}
		return 0, err
	}
	for p.vertex = 0; ; p.vertex++ {
		pt, err := p.position()
		if err != nil {
			return 0, err
		}
		if dst != nil {
			*dst = append(*dst, pt)
		}
		more, err := p.next("ring")
		if err != nil {
			return 0, err
		}
		if !more {
			n := p.vertex + 1
			p.vertex = -1
			return n, nil
		}
	}
}

// position reads [lon, lat] or [lon, lat, altitude]; the altitude is
// dropped (regions are flat). One number, or more than three, is an error.
func (p *coordParser) position() (orb.Point, error) {
	empty, err := p.open("position")
	if err != nil {
		return orb.Point{}, err
	}
	if empty {
		return orb.Point{}, p.errorf("%w: position has no numbers", ErrBadCoordinates)
	}
	var pt orb.Point
	for i := 0; ; i++ {
		v, err := p.number()
		if err != nil {
			return orb.Point{}, err
		}
		if i < 2 {
			pt[i] = v
		}
		more, err := p.next("position")
		if err != nil {
			return orb.Point{}, err
		}
		if !more {
			if i < 1 {
				return orb.Point{}, p.errorf("%w: position has 1 number, want longitude and latitude", ErrBadCoordinates)
			}
			if i > 2 {
				return orb.Point{}, p.errorf("%w: position has %d numbers, want 2 (or 3 with an altitude)", ErrBadCoordinates, i+1)
			}
			return pt, nil
		}
	}
}

// number reads one JSON number. A number too large for a float64 is an
// error, not ±Inf.
func (p *coordParser) number() (float64, error) {
	p.skipSpace()
	start := p.off
	for p.off < len(p.data) {
		c := p.data[p.off]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.off++
			continue
		}
		break
	}
	tok := p.data[start:p.off]
	if len(tok) == 0 {
		return 0, p.errorf("%w: position holds something other than a number", ErrBadCoordinates)
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, p.errorf("%w: number too large", ErrBadCoordinates)
		}
		return 0, p.errorf("%w: not a number", ErrBadCoordinates)
	}
	return v, nil
}
