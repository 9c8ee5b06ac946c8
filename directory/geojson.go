package directory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ReadGeoJSON reads providers from a GeoJSON FeatureCollection of Point
// features. Properties carry the fields named in CSVColumns (without
// latitude and longitude, which come from the geometry); list fields may be
// JSON arrays or ";"-separated strings, numbers may be JSON numbers or
// strings. A feature with a null geometry is an unplaced provider. Errors
// name the feature index, property and ID, joined with errors.Join; on any
// error no providers are returned.
func ReadGeoJSON(r io.Reader, opts ReadOptions) ([]Provider, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("directory: reading %s: %w", opts.Name, err)
	}
	var raw struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &RecordError{File: opts.Name, Index: -1, Err: fmt.Errorf("%w: not JSON: %v", ErrBadValue, err)}
	}
	if raw.Type != "FeatureCollection" {
		return nil, &RecordError{File: opts.Name, Index: -1, Field: "type", Err: fmt.Errorf("%w: %q is not FeatureCollection", ErrBadValue, raw.Type)}
	}
	if len(raw.Features) == 0 {
		return nil, &RecordError{File: opts.Name, Index: -1, Err: ErrEmptyInput}
	}
	var out []Provider
	var errs []error
	for i, fr := range raw.Features {
		p, field, err := featureProvider(fr, opts)
		if err != nil {
			errs = append(errs, &RecordError{File: opts.Name, Index: i, ID: p.ID, Field: field, Err: err})
			continue
		}
		out = append(out, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func featureProvider(fr json.RawMessage, opts ReadOptions) (Provider, string, error) {
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
		ID         any             `json:"id"`
	}
	if err := json.Unmarshal(fr, &f); err != nil {
		return Provider{}, "", fmt.Errorf("%w: feature is not a JSON object: %v", ErrBadValue, err)
	}
	props := f.Properties
	if props == nil {
		props = map[string]any{}
	}
	if _, ok := props["id"]; !ok && f.ID != nil {
		props["id"] = f.ID
	}
	var typeErr error
	var typeField string
	get := func(name string) string {
		v, ok := props[name]
		if !ok || v == nil {
			return ""
		}
		switch x := v.(type) {
		case string:
			return strings.TrimSpace(x)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(x)
		case []any:
			parts := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					typeErr, typeField = fmt.Errorf("%w: list item %v is not a string", ErrBadValue, e), name
					return ""
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, ";")
		}
		typeErr, typeField = fmt.Errorf("%w: unexpected %T", ErrBadValue, v), name
		return ""
	}
	var lat, lon string
	if len(f.Geometry) > 0 && string(f.Geometry) != "null" {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			return Provider{ID: get("id")}, "geometry", fmt.Errorf("%w: %v", ErrBadLocation, err)
		}
		pt, ok := g.Geometry().(orb.Point)
		if !ok {
			return Provider{ID: get("id")}, "geometry", fmt.Errorf("%w: geometry is %s, not Point", ErrBadLocation, g.Geometry().GeoJSONType())
		}
		lon = strconv.FormatFloat(pt[0], 'f', -1, 64)
		lat = strconv.FormatFloat(pt[1], 'f', -1, 64)
	}
	withGeom := func(name string) string {
		switch name {
		case "latitude":
			return lat
		case "longitude":
			return lon
		}
		return get(name)
	}
	p, field, err := providerFromFields(withGeom, opts)
	if typeErr != nil {
		return p, typeField, typeErr
	}
	if field == "latitude" || field == "longitude" {
		field = "geometry"
	}
	return p, field, err
}

// WriteGeoJSON writes providers as a GeoJSON FeatureCollection of points
// whose properties are the fields ReadGeoJSON reads, so the two round-trip.
// Unplaced providers, and confidential ones, are written with a null
// geometry; confidential ones also lose their street address.
func WriteGeoJSON(w io.Writer, providers iter.Seq[*Provider]) error {
	fc := geojson.NewFeatureCollection()
	for p := range providers {
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
