package geo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// fc wraps features into a FeatureCollection.
func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// feat is a feature named name with the given geometry JSON.
func feat(name, geometry string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"name":%q},"geometry":%s}`, name, geometry)
}

func poly(rings ...string) string {
	return `{"type":"Polygon","coordinates":[` + strings.Join(rings, ",") + `]}`
}

const (
	square      = `[[0,0],[4,0],[4,4],[0,4],[0,0]]`
	squareCW    = `[[0,0],[0,4],[4,4],[4,0],[0,0]]`
	innerHole   = `[[1,1],[2,1],[2,2],[1,2],[1,1]]`
	farSquare   = `[[10,10],[11,10],[11,11],[10,11],[10,10]]`
	goodFeature = `{"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}}`
)

// pos is where a problem must be reported: feature index and, inside the
// geometry, polygon, ring and vertex (-1: not applicable; -2: no
// CoordError expected).
type pos struct{ feature, polygon, ring, vertex int }

func TestReadRegionsMalformed(t *testing.T) {
	t.Parallel()
	noGeom := pos{0, -2, -2, -2}
	cases := []struct {
		name  string
		input string
		want  error // nil: accepted, then check runs
		at    *pos  // nil: no RegionError expected (whole-document problem)
		// wantText, when set, must appear in the message.
		wantText string
		check    func(t *testing.T, rs *geo.Regions)
	}{
		{name: "not JSON", input: `{"type":`, want: geo.ErrNotCollection, wantText: "byte 8"},
		{name: "features is a string", input: `{"type":"FeatureCollection","features":"x"}`, want: geo.ErrNotCollection, wantText: `"features" is a JSON string`},
		{name: "JSON array", input: `[1,2]`, want: geo.ErrNotCollection},
		{name: "a Feature, not a collection", input: goodFeature, want: geo.ErrNotCollection},
		{name: "trailing garbage", input: fc(goodFeature) + `]`, want: geo.ErrNotCollection},
		{name: "no features", input: fc(), want: geo.ErrNoFeatures},
		{name: "features null", input: `{"type":"FeatureCollection","features":null}`, want: geo.ErrNoFeatures},
		{name: "hex float", input: fc(feat("a", poly(`[[0x1p-2,0],[4,0],[4,4],[0,0]]`))), want: geo.ErrNotCollection, wantText: "byte 132"},
		{name: "NaN literal", input: fc(feat("a", poly(`[[NaN,0],[4,0],[4,4],[0,0]]`))), want: geo.ErrNotCollection},
		{name: "feature of another type", input: fc(`{"type":"Thing","properties":{"name":"a"},"geometry":` + poly(square) + `}`), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "name missing", input: fc(`{"type":"Feature","properties":{},"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom},
		{name: "name empty", input: fc(feat("", poly(square))), want: geo.ErrNoName, at: &noGeom},
		{name: "properties null", input: fc(`{"type":"Feature","properties":null,"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom},
		{name: "name a boolean", input: fc(`{"type":"Feature","properties":{"name":true},"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom, wantText: `"name" is a boolean, want a string or a number`},
		{name: "name null", input: fc(`{"type":"Feature","properties":{"name":null},"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom, wantText: `"name" is null`},
		{name: "name an object", input: fc(`{"type":"Feature","properties":{"name":{"en":"Alton Park"}},"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom, wantText: `"name" is an object`},
		{name: "name an array", input: fc(`{"type":"Feature","properties":{"name":["a"]},"geometry":` + poly(square) + `}`), want: geo.ErrNoName, at: &noGeom, wantText: `"name" is an array`},
		{name: "duplicate name", input: fc(feat("a", poly(square)), feat("a", poly(farSquare))), want: geo.ErrDuplicateName, at: &pos{1, -2, -2, -2}},
		{name: "null geometry", input: fc(feat("a", `null`)), want: geo.ErrEmptyGeometry, at: &noGeom},
		{name: "no geometry member", input: fc(`{"type":"Feature","properties":{"name":"a"}}`), want: geo.ErrEmptyGeometry, at: &noGeom},
		{name: "Point", input: fc(feat("a", `{"type":"Point","coordinates":[-85.3,35]}`)), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "LineString", input: fc(feat("a", `{"type":"LineString","coordinates":[[0,0],[1,1]]}`)), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "GeometryCollection", input: fc(feat("a", `{"type":"GeometryCollection","geometries":[`+poly(square)+`]}`)), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "unknown type", input: fc(feat("a", `{"type":"Circle","coordinates":[0,0]}`)), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "geometry not an object", input: fc(feat("a", `[1,2]`)), want: geo.ErrNotPolygon, at: &noGeom},
		{name: "Polygon without coordinates", input: fc(feat("a", `{"type":"Polygon"}`)), want: geo.ErrEmptyGeometry, at: &noGeom},
		{name: "Polygon with no rings", input: fc(feat("a", `{"type":"Polygon","coordinates":[]}`)), want: geo.ErrEmptyGeometry, at: &pos{0, 0, -1, -1}},
		{name: "MultiPolygon with no polygons", input: fc(feat("a", `{"type":"MultiPolygon","coordinates":[]}`)), want: geo.ErrEmptyGeometry, at: &pos{0, -1, -1, -1}},
		{name: "MultiPolygon with an empty polygon", input: fc(feat("a", `{"type":"MultiPolygon","coordinates":[[`+square+`],[]]}`)), want: geo.ErrEmptyGeometry, at: &pos{0, 1, -1, -1}},
		{name: "coordinates an object", input: fc(feat("a", `{"type":"Polygon","coordinates":{"x":1}}`)), want: geo.ErrBadCoordinates, at: &pos{0, 0, -1, -1}},
		{name: "too shallow: a ring for a polygon", input: fc(feat("a", `{"type":"Polygon","coordinates":`+square+`}`)), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 0}},
		{name: "empty ring", input: fc(feat("a", poly(`[]`))), want: geo.ErrBadRing, at: &pos{0, 0, 0, -1}},
		{name: "ring of 3 positions", input: fc(feat("a", poly(`[[0,0],[4,0],[0,0]]`))), want: geo.ErrBadRing, at: &pos{0, 0, 0, -1}},
		{name: "unclosed ring", input: fc(feat("a", poly(`[[0,0],[4,0],[4,4],[0,4]]`))), want: geo.ErrUnclosedRing, at: &pos{0, 0, 0, 3}},
		{name: "position of one number", input: fc(feat("a", poly(`[[0,0],[35],[4,4],[0,0]]`))), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 1}},
		{name: "position of four numbers", input: fc(feat("a", poly(`[[0,0],[4,0,1,2],[4,4],[0,0]]`))), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 1}},
		{name: "empty position", input: fc(feat("a", poly(`[[0,0],[4,0],[],[0,0]]`))), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 2}},
		{name: "position holds a string", input: fc(feat("a", poly(`[[0,0],[4,"0"],[4,4],[0,0]]`))), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 1}},
		{name: "number too large", input: fc(feat("a", poly(`[[0,0],[4,1e400],[4,4],[0,0]]`))), want: geo.ErrBadCoordinates, at: &pos{0, 0, 0, 1}},
		{name: "latitude out of range", input: fc(feat("a", poly(`[[0,0],[4,95],[4,4],[0,0]]`))), want: geo.ErrLatitude, at: &pos{0, 0, 0, 1}},
		{name: "longitude out of range", input: fc(feat("a", poly(`[[0,0],[200,0],[4,4],[0,0]]`))), want: geo.ErrLongitude, at: &pos{0, 0, 0, 1}},
		{name: "latitude and longitude swapped", input: fc(feat("a", poly(`[[35.0,-85.1],[35.1,-85.1],[35.1,-95.3],[35.0,-85.1]]`))), want: geo.ErrLikelySwapped, at: &pos{0, 0, 0, 2}},
		{name: "zero area: collinear", input: fc(feat("a", poly(`[[0,0],[1,1],[3,3],[0,0]]`))), want: geo.ErrZeroArea, at: &pos{0, 0, 0, -1}},
		{name: "zero area: one point", input: fc(feat("a", poly(`[[1,1],[1,1],[1,1],[1,1]]`))), want: geo.ErrZeroArea, at: &pos{0, 0, 0, -1}},
		{name: "bowtie", input: fc(feat("a", poly(`[[0,0],[4,4],[4,0],[0,4],[0,0]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, 0, -2}},
		{name: "spike out and back", input: fc(feat("a", poly(`[[0,0],[4,0],[4,4],[6,4],[4,4],[0,4],[0,0]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, 0, -2}},
		{name: "figure eight crossing at a vertex", input: fc(feat("a", poly(`[[0,0],[2,2],[4,4],[4,0],[2,2],[0,4],[0,0]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, 0, 1}},
		{name: "accepted: hourglass touching at a vertex", input: fc(feat("a", poly(`[[0,0],[2,2],[0,4],[4,4],[2,2],[4,0],[0,0]]`))),
			check: func(t *testing.T, rs *geo.Regions) {
				// Two triangles meeting at their tips: the boundary comes
				// to (2, 2) and turns back on the side it came from.
				assertIn(t, rs, orb.Point{2, 3.5}, "a")
				assertIn(t, rs, orb.Point{2, 0.5}, "a")
				assertIn(t, rs, orb.Point{2, 2}, "a")
				assertOut(t, rs, orb.Point{0.5, 2})
				assertOut(t, rs, orb.Point{3.5, 2})
			}},
		{name: "accepted: clover of three lobes meeting at one vertex", input: fc(feat("a", poly(`[[5,5],[9,4],[9,6],[5,5],[6,9],[4,9],[5,5],[1,6],[1,4],[5,5]]`))),
			check: func(t *testing.T, rs *geo.Regions) {
				assertIn(t, rs, orb.Point{8, 5}, "a")
				assertIn(t, rs, orb.Point{5, 8}, "a")
				assertIn(t, rs, orb.Point{2, 5}, "a")
				assertOut(t, rs, orb.Point{7, 7})
				assertOut(t, rs, orb.Point{5, 3})
			}},
		{name: "clover whose stroke crosses at its centre", input: fc(feat("a", poly(`[[5,5],[9,4],[9,6],[5,5],[4,9],[6,9],[5,5],[1,6],[1,4],[5,5]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, 0, -2}},
		{name: "vertex on an edge, crossing it", input: fc(feat("a", poly(`[[0,0],[4,0],[4,4],[2,0],[1,-2],[0,4],[0,0]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, 0, -2}},
		{name: "vertex on an edge, touching it", input: fc(feat("a", poly(`[[0,0],[4,0],[4,4],[2,0],[0,4],[0,0]]`))), want: nil,
			check: func(t *testing.T, rs *geo.Regions) {
				assertIn(t, rs, orb.Point{0.5, 1}, "a")
				assertIn(t, rs, orb.Point{3.5, 1}, "a")
				assertOut(t, rs, orb.Point{2, 3})
			}},
		{name: "hole outside the shell", input: fc(feat("a", poly(square, farSquare))), want: geo.ErrHoleOutside, at: &pos{0, 0, 1, -1}},
		{name: "hole inside another hole", input: fc(feat("a", poly(`[[0,0],[10,0],[10,10],[0,10],[0,0]]`, `[[1,1],[8,1],[8,8],[1,8],[1,1]]`, `[[2,2],[3,2],[3,3],[2,3],[2,2]]`))), want: geo.ErrNestedHole, at: &pos{0, 0, 2, -1}},
		{name: "hole crossing the shell", input: fc(feat("a", poly(square, `[[3,1],[5,1],[5,2],[3,2],[3,1]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, -2, -2}},
		{name: "hole sharing an edge with the shell", input: fc(feat("a", poly(square, `[[0,1],[1,1],[1,2],[0,2],[0,1]]`))), want: geo.ErrSelfIntersection, at: &pos{0, 0, -2, -2}},
		{name: "hole touching the shell at a vertex", input: fc(feat("a", poly(square, `[[0,0],[2,1],[1,2],[0,0]]`))), want: nil,
			check: func(t *testing.T, rs *geo.Regions) {
				assertOut(t, rs, orb.Point{1, 1})
				assertIn(t, rs, orb.Point{3, 3}, "a")
			}},
		{name: "MultiPolygon: second polygon bad", input: fc(feat("a", `{"type":"MultiPolygon","coordinates":[[`+square+`],[[[10,10],[11,10],[11,11],[10,11]]]]}`)), want: geo.ErrUnclosedRing, at: &pos{0, 1, 0, 3}},
		{name: "error on a later feature", input: fc(feat("a", poly(square)), feat("b", poly(farSquare)), feat("c", poly(`[[0,0],[1,0],[0,0]]`))), want: geo.ErrBadRing, at: &pos{2, 0, 0, -1}},
		// Documented acceptances.
		{name: "accepted: altitude dropped", input: fc(feat("a", poly(`[[0,0,100],[4,0,100],[4,4,100],[0,4,100],[0,0,100]]`))),
			check: func(t *testing.T, rs *geo.Regions) {
				r, _ := rs.ByName("a")
				assert.Equal(t, orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, r.Geometry[0][0])
			}},
		{name: "accepted: (0, 0) as a vertex", input: fc(feat("a", poly(`[[-1,-1],[1,-1],[1,1],[0,0],[-1,1],[-1,-1]]`))),
			check: func(t *testing.T, rs *geo.Regions) { assertIn(t, rs, orb.Point{0, -0.5}, "a") }},
		{name: "accepted: repeated positions", input: fc(feat("a", poly(`[[0,0],[0,0],[4,0],[4,0],[4,4],[0,4],[0,0]]`))),
			check: func(t *testing.T, rs *geo.Regions) {
				assertIn(t, rs, orb.Point{2, 2}, "a")
				r, _ := rs.ByName("a")
				assert.Len(t, r.Geometry[0][0], 7, "input never changed")
			}},
		{name: "accepted: clockwise shell", input: fc(feat("a", poly(squareCW, innerHole))),
			check: func(t *testing.T, rs *geo.Regions) {
				assertIn(t, rs, orb.Point{3, 3}, "a")
				assertOut(t, rs, orb.Point{1.5, 1.5})
			}},
		{name: "accepted: numeric name", input: fc(`{"type":"Feature","properties":{"zip":37402},"geometry":` + poly(square) + `}`),
			check: func(t *testing.T, rs *geo.Regions) {}},
		{name: "accepted: overlapping polygons of one MultiPolygon", input: fc(feat("a", `{"type":"MultiPolygon","coordinates":[[`+square+`],[[[2,2],[6,2],[6,6],[2,6],[2,2]]]]}`)),
			check: func(t *testing.T, rs *geo.Regions) {
				assertIn(t, rs, orb.Point{3, 3}, "a")
				assertIn(t, rs, orb.Point{5, 5}, "a")
				assert.Equal(t, []int{0}, rs.LocateAll(orb.Point{3, 3}))
			}},
	}
	require.GreaterOrEqual(t, len(cases), 30)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prop := "name"
			if strings.Contains(tc.input, `"zip"`) {
				prop = "zip"
			}
			rs, err := geo.ReadRegions(strings.NewReader(tc.input), prop)
			if tc.want == nil {
				require.NoError(t, err, "input %s", tc.input)
				require.NotNil(t, rs)
				if tc.check != nil {
					tc.check(t, rs)
				}
				// RegionsFromFeatures accepts what orb can parse of it too.
				if parsed, err := geojson.UnmarshalFeatureCollection([]byte(tc.input)); err == nil {
					rs2, err := geo.RegionsFromFeatures(parsed, prop)
					require.NoError(t, err)
					assert.Equal(t, rs.Len(), rs2.Len())
				}
				return
			}
			require.Error(t, err, "input %s", tc.input)
			assert.Nil(t, rs)
			assert.ErrorIs(t, err, tc.want, "input %s", tc.input)
			if tc.wantText != "" {
				assert.Contains(t, err.Error(), tc.wantText)
			}
			if tc.at == nil {
				var re *geo.RegionError
				assert.False(t, errors.As(err, &re), "a whole-document problem has no feature: %v", err)
				return
			}
			var re *geo.RegionError
			require.ErrorAs(t, err, &re, "input %s", tc.input)
			assert.Equal(t, tc.at.feature, re.Feature, "feature: %v", err)
			var ce *geo.CoordError
			if tc.at.polygon == -2 {
				assert.False(t, errors.As(err, &ce), "no position inside the geometry expected: %v", err)
				return
			}
			require.ErrorAs(t, err, &ce, "input %s", tc.input)
			assert.Equal(t, tc.at.polygon, ce.Polygon, "polygon: %v", err)
			if tc.at.ring != -2 {
				assert.Equal(t, tc.at.ring, ce.Ring, "ring: %v", err)
			}
			if tc.at.vertex != -2 {
				assert.Equal(t, tc.at.vertex, ce.Vertex, "vertex: %v", err)
			}
		})
	}
}

func assertIn(t *testing.T, rs *geo.Regions, p orb.Point, name string) {
	t.Helper()
	r, ok := rs.Locate(p)
	if assert.True(t, ok, "%v must be inside %q", p, name) {
		assert.Equal(t, name, r.Name)
	}
}

func assertOut(t *testing.T, rs *geo.Regions, p orb.Point) {
	t.Helper()
	_, ok := rs.Locate(p)
	assert.False(t, ok, "%v must be outside every region", p)
}

// TestReadRegionsCapsProblems: 150 bad features give 100 problems and a
// last error stating the total.
func TestReadRegionsCapsProblems(t *testing.T) {
	t.Parallel()
	var fs []string
	for i := range 150 {
		fs = append(fs, feat(fmt.Sprint("r", i), poly(`[[0,0],[1,0],[0,0]]`)))
	}
	_, err := geo.ReadRegions(strings.NewReader(fc(fs...)), "name")
	require.Error(t, err)
	assert.ErrorIs(t, err, geo.ErrTooManyProblems)
	assert.ErrorIs(t, err, geo.ErrBadRing)
	assert.Contains(t, err.Error(), "150 in all, the first 100 shown")
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok)
	assert.Len(t, joined.Unwrap(), geo.MaxRegionProblems+1)
}
