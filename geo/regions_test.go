package geo_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

func TestLocateMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for _, set := range []string{demo.Neighborhoods, demo.ZipCodes, demo.CouncilDistricts} {
		t.Run(set, func(t *testing.T) {
			rs, err := demo.Regions(set)
			require.NoError(t, err)
			var b orb.Bound
			for i, r := range rs.All() {
				if i == 0 {
					b = r.Bound
				} else {
					b = b.Union(r.Bound)
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			hits := 0
			points := 5000
			if geo.RaceEnabled {
				points = 1500
			}
			for n := 0; n < points; n++ {
				p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
				want := -1
				var all []int
				for i, r := range rs.All() {
					if r.Bound.Contains(p) && planar.MultiPolygonContains(r.Geometry, p) {
						if want < 0 {
							want = i
						}
						all = append(all, i)
					}
				}
				got := rs.LocateIndex(p)
				require.Equal(t, want, got, "point %v", p)
				if want >= 0 {
					hits++
					assert.Equal(t, all, rs.LocateAll(p), "point %v", p)
					assert.True(t, rs.Contains(want, p))
				}
			}
			assert.Greater(t, hits, points/10, "too few random points fell in a region to be a fair test")
		})
	}
}

// TestDemoRegionsLoad: Chattanooga's three boundary files pass every check
// and keep their feature counts (the city's neighborhood file includes a
// "Test Shape" triangle, a valid polygon that package demo leaves out when
// it places providers), and every region contains its own centroid.
func TestDemoRegionsLoad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		set  string
		want int
	}{{demo.Neighborhoods, 119}, {demo.ZipCodes, 22}, {demo.CouncilDistricts, 9}} {
		rs, err := demo.Regions(tc.set)
		require.NoError(t, err, tc.set)
		assert.Equal(t, tc.want, rs.Len(), tc.set)
		for i := range rs.All() {
			assert.True(t, rs.Contains(i, rs.Centroid(i)), "%s region %d", tc.set, i)
		}
		if tc.set == demo.Neighborhoods {
			_, ok := rs.ByName("Test Shape")
			assert.True(t, ok)
		}
	}
}

// TestRegionsFromFeaturesNumericNames: features built in Go may carry
// their name as any numeric type, not only the float64 a JSON decoder
// gives; each is named by its decimal digits.
func TestRegionsFromFeaturesNumericNames(t *testing.T) {
	t.Parallel()
	names := []any{"Alton Park", float64(37404), int(3), int64(47065), int32(-2), uint16(7), uint64(1 << 40), float32(1.5)}
	want := []string{"Alton Park", "37404", "3", "47065", "-2", "7", "1099511627776", "1.5"}
	fc := geojson.NewFeatureCollection()
	for i, n := range names {
		x := float64(i)
		f := geojson.NewFeature(orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}})
		f.Properties["name"] = n
		fc.Append(f)
	}
	rs, err := geo.RegionsFromFeatures(fc, "name")
	require.NoError(t, err)
	for i, w := range want {
		r, ok := rs.ByName(w)
		if assert.True(t, ok, "name %v (%T) must be %q", names[i], names[i], w) {
			assert.Equal(t, i, r.Index)
		}
		got, ok := rs.Locate(orb.Point{float64(i) + 0.5, 0.5})
		require.True(t, ok)
		assert.Equal(t, w, got.Name)
	}
}

// countiesByID are two counties of one name in different states, keyed by
// their codes as boundary files of counties are: one id a string with a
// leading zero, one a number.
const countiesByID = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"04015","properties":{"name":"Washington","state":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
 {"type":"Feature","id":13303,"properties":{"name":"Washington","state":"B"},"geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,2],[2,2],[2,0]]]}},
 {"type":"Feature","id":"x","properties":{"name":"Hamilton","state":"B"},"geometry":{"type":"Polygon","coordinates":[[[0,2],[4,2],[4,3],[0,3],[0,2]]]}}]}`

func TestRegionsByID(t *testing.T) {
	t.Parallel()
	parsed, err := geojson.UnmarshalFeatureCollection([]byte(countiesByID))
	require.NoError(t, err)
	fromFeatures, err := geo.RegionsFromFeatures(parsed, geo.ByID)
	require.NoError(t, err)
	read, err := geo.ReadRegions(strings.NewReader(countiesByID), geo.ByID)
	require.NoError(t, err)
	for _, rs := range []*geo.Regions{read, fromFeatures} {
		for _, tc := range []struct {
			p      orb.Point
			name   string
			county string
			state  string
		}{{orb.Point{1, 1}, "04015", "Washington", "A"}, {orb.Point{3, 1}, "13303", "Washington", "B"}, {orb.Point{1, 2.5}, "x", "Hamilton", "B"}} {
			r, ok := rs.Locate(tc.p)
			require.True(t, ok, "%v", tc.p)
			assert.Equal(t, tc.name, r.Name)
			assert.Equal(t, tc.name, r.ID)
			// Naming by id keeps every property, "name" included.
			assert.Equal(t, map[string]any{"name": tc.county, "state": tc.state}, r.Properties)
		}
	}

	// Named by "name", the repeated county name is rejected; its id is
	// kept when names are unique.
	_, err = geo.ReadRegions(strings.NewReader(countiesByID), "name")
	assert.ErrorIs(t, err, geo.ErrDuplicateName)
	unique := strings.Replace(countiesByID, `"Washington","state":"B"`, `"Washington B","state":"B"`, 1)
	rs, err := geo.ReadRegions(strings.NewReader(unique), "name")
	require.NoError(t, err)
	r, ok := rs.ByName("Washington B")
	require.True(t, ok)
	assert.Equal(t, "13303", r.ID)

	// By id, a feature without one, or with a boolean one, is named in
	// the error.
	for _, tc := range []struct{ id, msg string }{{``, `feature "id"`}, {`"id":true,`, `feature "id" is a boolean`}} {
		doc := `{"type":"FeatureCollection","features":[{"type":"Feature",` + tc.id + `"properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`
		_, err := geo.ReadRegions(strings.NewReader(doc), geo.ByID)
		assert.ErrorIs(t, err, geo.ErrNoName)
		assert.ErrorContains(t, err, tc.msg)
	}
}

// TestRegionFeatureRoundTrip: a set written back feature by feature
// (Region.Feature) and read again is the same set, named by a property
// or by id.
func TestRegionFeatureRoundTrip(t *testing.T) {
	t.Parallel()
	unique := strings.Replace(countiesByID, `"Washington","state":"B"`, `"Washington B","state":"B"`, 1)
	for _, tc := range []struct{ doc, nameProp string }{{unique, "name"}, {countiesByID, geo.ByID}} {
		rs, err := geo.ReadRegions(strings.NewReader(tc.doc), tc.nameProp)
		require.NoError(t, err)
		fc := geojson.NewFeatureCollection()
		for _, r := range rs.All() {
			fc.Append(r.Feature(tc.nameProp))
		}
		raw, err := fc.MarshalJSON()
		require.NoError(t, err)
		again, err := geo.ReadRegions(bytes.NewReader(raw), tc.nameProp)
		require.NoError(t, err, "%s", raw)
		assert.Equal(t, rs.All(), again.All(), "named by %q", tc.nameProp)
	}
}
