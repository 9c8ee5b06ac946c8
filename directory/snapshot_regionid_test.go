package directory_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// TestSnapshotKeepsRegionIDs: a region set named by its features' ids
// (counties by code, whose names repeat) reopens from a snapshot with the
// same names, ids and properties, and places providers as before.
func TestSnapshotKeepsRegionIDs(t *testing.T) {
	t.Parallel()
	const counties = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"47065","properties":{"name":"Hamilton"},"geometry":{"type":"Polygon","coordinates":[[[-85.4,35.0],[-85.3,35.0],[-85.3,35.1],[-85.4,35.1],[-85.4,35.0]]]}},
{"type":"Feature","id":13047,"properties":{"name":"Hamilton"},"geometry":{"type":"Polygon","coordinates":[[[-85.3,35.0],[-85.2,35.0],[-85.2,35.1],[-85.3,35.1],[-85.3,35.0]]]}}]}`
	rs, err := geo.ReadRegions(strings.NewReader(counties), geo.ByID)
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.AddRegions("counties", rs)
	b.Add(directory.Provider{ID: "a", Name: "Food Pantry", Categories: []string{"basic.food.pantry"}, Point: orb.Point{-85.25, 35.05}})
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	snap := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, d.Save(t.Context(), snap))
	got, err := directory.Open(t.Context(), snap)
	require.NoError(t, err)
	back, ok := got.Regions("counties")
	require.True(t, ok)
	require.Equal(t, rs.Len(), back.Len())
	for i, r := range rs.All() {
		g := back.All()[i]
		assert.Equal(t, r.Name, g.Name)
		assert.Equal(t, r.ID, g.ID)
		assert.Equal(t, r.Properties, g.Properties)
	}
	assert.Equal(t, []string{"47065", "13047"}, []string{back.All()[0].ID, back.All()[1].ID})
	l, ok := got.Provider("a")
	require.True(t, ok)
	assert.Equal(t, "13047", l.Regions()["counties"])
}
