package main

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"
)

// routeLines draws a GTFS feed's bus routes for the offline base map:
// one GeoJSON feature per route, a MultiLineString of its distinct trip
// shapes from shapes.txt, simplified to about 10 m; a feed without
// shapes.txt gets each route's distinct stop sequences joined by straight
// lines instead. transit.Network keeps neither shapes nor stop
// sequences, so the feed is read again here, once at startup.
func routeLines(feed []byte) (*geojson.FeatureCollection, error) {
	zr, err := zip.NewReader(bytes.NewReader(feed), int64(len(feed)))
	if err != nil {
		return nil, fmt.Errorf("gtfs: %w", err)
	}
	type route struct {
		id, name, long, color string
		shapes                []string
	}
	var routes []*route
	byID := map[string]*route{}
	err = eachRecord(zr, "routes.txt", func(get func(string) string) error {
		r := &route{id: get("route_id"), name: get("route_short_name"), long: get("route_long_name"), color: get("route_color")}
		if r.name == "" {
			r.name = r.long
		}
		routes = append(routes, r)
		byID[r.id] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	tripRoute := map[string]*route{}
	err = eachRecord(zr, "trips.txt", func(get func(string) string) error {
		r := byID[get("route_id")]
		if r == nil {
			return nil
		}
		tripRoute[get("trip_id")] = r
		if s := get("shape_id"); s != "" && !slices.Contains(r.shapes, s) {
			r.shapes = append(r.shapes, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	type pt = seqPoint
	lines := map[string][]pt{} // shape (or trip) → points
	err = eachRecord(zr, "shapes.txt", func(get func(string) string) error {
		lat, err1 := strconv.ParseFloat(get("shape_pt_lat"), 64)
		lon, err2 := strconv.ParseFloat(get("shape_pt_lon"), 64)
		seq, err3 := strconv.Atoi(get("shape_pt_sequence"))
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("shape %q: %w", get("shape_id"), err)
		}
		id := get("shape_id")
		lines[id] = append(lines[id], pt{seq, orb.Point{lon, lat}})
		return nil
	})
	if errors.Is(err, errNoFile) {
		// No shapes: each route's distinct stop sequences.
		if lines, err = stopSequences(zr, func(trip string) bool { return tripRoute[trip] != nil }); err != nil {
			return nil, err
		}
		for trip := range lines {
			r := tripRoute[trip]
			r.shapes = append(r.shapes, trip)
		}
		for _, r := range routes {
			slices.Sort(r.shapes)
		}
	} else if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	seen := map[string]bool{}
	for _, r := range routes {
		var ml orb.MultiLineString
		clear(seen)
		for _, s := range r.shapes {
			pts := lines[s]
			slices.SortStableFunc(pts, func(a, b pt) int { return cmp.Compare(a.seq, b.seq) })
			ls := make(orb.LineString, len(pts))
			for i, p := range pts {
				ls[i] = p.p
			}
			ls = simplify.DouglasPeucker(0.0001).LineString(ls)
			key := fmt.Sprint(ls)
			if len(ls) < 2 || seen[key] {
				continue
			}
			seen[key] = true
			ml = append(ml, ls)
		}
		if len(ml) == 0 {
			continue
		}
		f := geojson.NewFeature(ml)
		f.Properties["route"] = r.id
		f.Properties["name"] = r.name
		f.Properties["long_name"] = r.long
		if len(r.color) == 6 {
			f.Properties["color"] = "#" + strings.ToLower(r.color)
		}
		fc.Append(f)
	}
	return fc, nil
}

// seqPoint is a point of a shape or trip with its sequence number.
type seqPoint struct {
	seq int
	p   orb.Point
}

var errNoFile = errors.New("gtfs: file not in the feed")

// stopSequences returns, for each trip keep accepts, the points of its
// stops in order, keeping one trip per distinct sequence.
func stopSequences(zr *zip.Reader, keep func(trip string) bool) (map[string][]seqPoint, error) {
	type pt = seqPoint
	stops := map[string]orb.Point{}
	err := eachRecord(zr, "stops.txt", func(get func(string) string) error {
		lat, err1 := strconv.ParseFloat(get("stop_lat"), 64)
		lon, err2 := strconv.ParseFloat(get("stop_lon"), 64)
		if err1 == nil && err2 == nil {
			stops[get("stop_id")] = orb.Point{lon, lat}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	trips := map[string][]pt{}
	err = eachRecord(zr, "stop_times.txt", func(get func(string) string) error {
		trip := get("trip_id")
		p, ok := stops[get("stop_id")]
		if !ok || !keep(trip) {
			return nil
		}
		seq, err := strconv.Atoi(get("stop_sequence"))
		if err != nil {
			return fmt.Errorf("trip %q: stop_sequence: %w", trip, err)
		}
		trips[trip] = append(trips[trip], pt{seq, p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]pt{}
	seen := map[string]bool{}
	ids := make([]string, 0, len(trips))
	for id := range trips {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		pts := trips[id]
		slices.SortStableFunc(pts, func(a, b pt) int { return cmp.Compare(a.seq, b.seq) })
		key := fmt.Sprint(pts)
		if !seen[key] {
			seen[key] = true
			out[id] = pts
		}
	}
	return out, nil
}

// eachRecord calls fn for every record of the CSV file name in the feed,
// with a getter of its fields by column name ("" for a missing column).
func eachRecord(zr *zip.Reader, name string, fn func(get func(string) string) error) error {
	f, err := zr.Open(name)
	if err != nil {
		return fmt.Errorf("%w: %s", errNoFile, name)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("gtfs: %s: header: %w", name, err)
	}
	cols := map[string]int{}
	for i, h := range head {
		cols[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("gtfs: %s: %w", name, err)
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := fn(get); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("gtfs: %s line %d: %w", name, line, err)
		}
	}
}
