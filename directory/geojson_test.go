package directory_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

func TestGeoJSONRoundTrip(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, directory.WriteGeoJSON(&buf, d.All()))
	back, err := directory.ReadGeoJSON(t.Context(), &buf, directory.ReadOptions{Name: "demo.geojson"})
	require.NoError(t, err)
	require.Len(t, back, d.Len())
	for _, p := range back {
		orig, ok := d.Provider(p.ID)
		require.True(t, ok)
		assert.Equal(t, orig.Name(), p.Name)
		assert.Equal(t, orig.Categories(), p.Categories)
		assert.Equal(t, orig.Point(), p.Point)
		assert.Equal(t, orig.Hours().String(), p.Hours.String())
		assert.Equal(t, orig.Eligibility(), p.Eligibility)
		assert.Equal(t, orig.Cost(), p.Cost)
		assert.Equal(t, orig.Capacity(), p.Capacity)
		assert.Equal(t, orig.Languages(), p.Languages)
		assert.Equal(t, orig.Attributes(), p.Attributes)
	}
}

func TestGeoJSONConfidential(t *testing.T) {
	t.Parallel()
	p := directory.Provider{ID: "s1", Name: "Safe House", Categories: []string{"basic.housing.shelter"},
		Point: pt(-85.3, 35.05), Confidential: true, Address: directory.Address{Street: "12 Hidden Ln", City: "Chattanooga"}}
	var buf bytes.Buffer
	require.NoError(t, directory.WriteGeoJSON(&buf, func(yield func(directory.Listing) bool) { yield(directory.ListingOf(p)) }))
	out := buf.String()
	assert.NotContains(t, out, "-85.3")
	assert.NotContains(t, out, "Hidden")
	assert.Contains(t, out, `"geometry":null`)
	var csvBuf bytes.Buffer
	require.NoError(t, directory.WriteCSV(&csvBuf, slices.Values([]directory.Listing{directory.ListingOf(p)})))
	assert.NotContains(t, csvBuf.String(), "-85.3")
	assert.NotContains(t, csvBuf.String(), "Hidden")
}

func TestReadGeoJSONErrors(t *testing.T) {
	t.Parallel()
	feature := func(geom, props string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + geom + `,"properties":` + props + `}]}`
	}
	okProps := `{"id":"a","name":"A","categories":["basic.food"]}`
	cases := []struct {
		name  string
		in    string
		want  error
		field string
	}{
		{"not JSON", `{"type":`, directory.ErrBadValue, ""},
		{"not a collection", `{"type":"Feature"}`, directory.ErrBadValue, "type"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, directory.ErrEmptyInput, ""},
		{"polygon geometry", feature(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, okProps), directory.ErrBadLocation, "geometry"},
		{"latitude out of range", feature(`{"type":"Point","coordinates":[-85,95]}`, okProps), geo.ErrLatitude, "geometry"},
		{"swapped", feature(`{"type":"Point","coordinates":[35.04,-85.3]}`, okProps), geo.ErrLikelySwapped, "geometry"},
		{"number where list expected", feature(`{"type":"Point","coordinates":[-85.3,35]}`, `{"id":"a","name":"A","categories":[7]}`), directory.ErrBadValue, "categories"},
		{"object property", feature(`{"type":"Point","coordinates":[-85.3,35]}`, `{"id":"a","name":{"en":"A"},"categories":"basic.food"}`), directory.ErrBadValue, "name"},
		{"missing name", feature(`{"type":"Point","coordinates":[-85.3,35]}`, `{"id":"a","categories":"basic.food"}`), directory.ErrMissingName, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(tc.in), directory.ReadOptions{Name: "f.geojson"})
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, tc.want)
			var re *directory.RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.field, re.Field, "%v", err)
		})
	}
	// Numbers may come as JSON numbers; a null geometry is an unplaced provider.
	got, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(feature(`null`, `{"id":7,"name":"A","categories":"basic.food","capacity":25}`)), directory.ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, "7", got[0].ID)
	assert.Equal(t, 25, got[0].Capacity)
	assert.True(t, got[0].Unplaced)
	assert.True(t, json.Valid([]byte(feature(`null`, okProps))))
}
