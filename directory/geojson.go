package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
)

// ReadGeoJSON reads providers from a GeoJSON FeatureCollection of Point
// features. Properties carry the fields named in CSVColumns (without
// latitude and longitude, which come from the geometry); list fields may be
// JSON arrays of strings or ";"-separated strings, numbers may be JSON
// numbers or strings.
//
// Each feature must have a "geometry" member: a Point with two
// coordinates [longitude, latitude] or three (the altitude is ignored),
// all JSON numbers, or null for an unplaced provider (as WriteGeoJSON
// writes unplaced and confidential ones). The input must be UTF-8.
//
// Every check Build makes on a record is made here too: each problem is a
// *RecordError naming the feature index, its line in the input, the
// property ("geometry" for coordinates) and the ID, every problem of a
// feature at once, joined with errors.Join and cut at MaxReportedErrors.
// On any error no providers are returned. The input is held in memory
// once; features are decoded one at a time.
//
// ReadGeoJSON looks at ctx after reading the input and every few
// thousand features; once ctx is done it returns ctx.Err() and no
// providers.
func ReadGeoJSON(ctx context.Context, r io.Reader, opts ReadOptions) ([]Provider, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rd, err := newReader(opts)
	if err != nil {
		return nil, err
	}
	rd.unit = "feature"
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("directory: reading %s: %w", opts.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lines := lineCounter{data: data, line: 1}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, &RecordError{File: opts.Name, Line: lines.at(off), Index: -1,
			Err: fmt.Errorf("%w: byte %d (0x%02x) is not UTF-8; save the file as UTF-8 (it may be Windows-1252)", ErrBadText, off+1, data[off])}
	}
	notJSON := func(off int64, err error) error {
		return &RecordError{File: opts.Name, Line: lines.at(int(off)), Index: -1, Err: fmt.Errorf("%w: not GeoJSON: %v", ErrBadValue, err)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err == nil {
			err = errors.New("not a JSON object")
		}
		return nil, notJSON(dec.InputOffset(), err)
	}
	var typ string
	var out []Provider
	features := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notJSON(dec.InputOffset(), err)
		}
		switch tok {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return nil, notJSON(dec.InputOffset(), err)
			}
		case "features":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				if err == nil {
					err = errors.New(`"features" is not an array`)
				}
				return nil, notJSON(dec.InputOffset(), err)
			}
			for i := 0; dec.More(); i++ {
				if err := ctxEvery(ctx, i); err != nil {
					return nil, err
				}
				var fr json.RawMessage
				if err := dec.Decode(&fr); err != nil {
					return nil, notJSON(dec.InputOffset(), err)
				}
				start := int(dec.InputOffset()) - len(fr)
				line := lines.at(start)
				features++
				before := rd.errs.len()
				var id string
				p := rd.feature(fr, func(field string, err error) {
					rd.errs.add(&RecordError{File: opts.Name, Line: line, Index: i, ID: id, Field: field, Err: err})
				}, &id, i)
				if rd.errs.len() > before {
					out = nil
				} else if rd.errs.len() == 0 {
					out = append(out, p)
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, notJSON(dec.InputOffset(), err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, notJSON(dec.InputOffset(), err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, notJSON(dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, notJSON(dec.InputOffset(), errors.New("data after the top-level object"))
	}
	if typ != "FeatureCollection" {
		return nil, &RecordError{File: opts.Name, Index: -1, Field: "type", Err: fmt.Errorf("%w: %q is not FeatureCollection", ErrBadValue, excerpt(typ))}
	}
	if err := rd.errs.err(); err != nil {
		return nil, err
	}
	if features == 0 {
		return nil, &RecordError{File: opts.Name, Index: -1, Err: ErrEmptyInput}
	}
	return out, nil
}

// lineCounter turns byte offsets, asked for in increasing order, into
// 1-based line numbers in one pass over the data.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (lc *lineCounter) at(off int) int {
	off = min(max(off, 0), len(lc.data))
	if off < lc.off {
		lc.off, lc.line = 0, 1
	}
	lc.line += bytes.Count(lc.data[lc.off:off], []byte{'\n'})
	lc.off = off
	return lc.line
}

// feature reads one GeoJSON feature into a provider, reporting every
// problem to fail.
func (rd *reader) feature(fr json.RawMessage, fail func(string, error), id *string, pos int) Provider {
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
		ID         any             `json:"id"`
	}
	dec := json.NewDecoder(bytes.NewReader(fr))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		fail("", fmt.Errorf("%w: feature is not a GeoJSON Feature object: %v", ErrBadValue, err))
		return Provider{}
	}
	var props map[string]any
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		pd := json.NewDecoder(bytes.NewReader(f.Properties))
		pd.UseNumber()
		if err := pd.Decode(&props); err != nil {
			fail("properties", fmt.Errorf("%w: properties are not a JSON object", ErrBadValue))
			return Provider{}
		}
	}
	if props == nil {
		props = map[string]any{}
	}
	if _, ok := props["id"]; !ok && f.ID != nil {
		props["id"] = f.ID
	}
	get := func(name string) (string, error) {
		v, ok := props[name]
		if !ok || v == nil {
			return "", nil
		}
		switch x := v.(type) {
		case string:
			return strings.TrimSpace(x), nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		case []any:
			parts := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return "", fmt.Errorf("%w: list item is %s, not a string", ErrBadValue, jsonKind(e))
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, ";"), nil
		}
		return "", fmt.Errorf("%w: %s where a string, number or list was expected", ErrBadValue, jsonKind(v))
	}
	if f.Type != "Feature" {
		fail("type", fmt.Errorf("%w: type %q is not Feature", ErrBadValue, excerpt(f.Type)))
	}
	lat, lon, geomErr := pointOf(f.Geometry)
	withGeom := func(name string) (string, error) {
		switch name {
		case "latitude":
			return lat, nil
		case "longitude":
			return lon, nil
		}
		return get(name)
	}
	p := rd.provider(withGeom, func(field string, err error) {
		if field == "latitude" || field == "longitude" {
			field = "geometry"
		}
		fail(field, err)
	}, id, pos)
	if geomErr != nil {
		fail("geometry", geomErr)
	}
	return p
}

// pointOf reads a feature's geometry: a Point of 2 or 3 JSON numbers gives
// its latitude and longitude as text; null gives "", "" (unplaced).
func pointOf(raw json.RawMessage) (lat, lon string, err error) {
	if len(raw) == 0 {
		return "", "", fmt.Errorf("%w: the feature has no geometry member; use null for a provider without a place", ErrBadLocation)
	}
	if string(raw) == "null" {
		return "", "", nil
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return "", "", fmt.Errorf("%w: geometry is not a GeoJSON object", ErrBadLocation)
	}
	if g.Type != "Point" {
		if g.Type == "" {
			return "", "", fmt.Errorf("%w: geometry has no type", ErrBadLocation)
		}
		return "", "", fmt.Errorf("%w: geometry is %s, not Point", ErrBadLocation, excerpt(g.Type))
	}
	if len(g.Coordinates) == 0 || string(g.Coordinates) == "null" {
		return "", "", fmt.Errorf("%w: Point has no coordinates", ErrBadLocation)
	}
	var cs []json.RawMessage
	if err := json.Unmarshal(g.Coordinates, &cs); err != nil {
		return "", "", fmt.Errorf("%w: Point coordinates are not an array", ErrBadLocation)
	}
	if len(cs) < 2 || len(cs) > 3 {
		return "", "", fmt.Errorf("%w: Point has %d coordinates; want [longitude, latitude] and an optional altitude", ErrBadLocation, len(cs))
	}
	for i, c := range cs {
		if len(c) == 0 || !(c[0] == '-' || isDigit(c[0])) {
			return "", "", fmt.Errorf("%w: Point coordinate %d is %s, not a number", ErrBadLocation, i+1, jsonKindRaw(c))
		}
	}
	return string(cs[1]), string(cs[0]), nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func jsonKindRaw(c json.RawMessage) string {
	if len(c) == 0 {
		return "empty"
	}
	switch c[0] {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "not a number"
}

// WriteGeoJSON writes providers as a GeoJSON FeatureCollection of points
// whose properties are the fields ReadGeoJSON reads, so the two round-trip.
// Unplaced providers, and confidential ones, are written with a null
// geometry; confidential ones also lose their street address.
func WriteGeoJSON(w io.Writer, providers iter.Seq[Listing]) error {
	fc := geojson.NewFeatureCollection()
	for l := range providers {
		p := l.p
		if p == nil {
			continue
		}
		var f *geojson.Feature
		if p.Unplaced || p.Confidential {
			f = &geojson.Feature{Type: "Feature"}
		} else {
			f = geojson.NewFeature(p.Point)
		}
		props := geojson.Properties{}
		for k, v := range fieldsOf(p) {
			if v == "" || k == "latitude" || k == "longitude" {
				continue
			}
			switch k {
			case "categories", "languages", "keywords", "attributes", "service_areas":
				props[k] = splitList(v)
			default:
				props[k] = v
			}
		}
		f.Properties = props
		fc.Append(f)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
