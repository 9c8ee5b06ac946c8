package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

// TestLoadFromFlags loads the service from files instead of the embedded
// demo — a GTFS feed, a regions GeoJSON, a directory snapshot, an HSDS
// folder — and checks each is what the service then serves.
func TestLoadFromFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the data several times; run without -short")
	}
	t.Parallel()
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.zip")
	require.NoError(t, os.WriteFile(feed, demo.CARTAFeed(), 0o644))
	zips, err := demo.RegionsGeoJSON(demo.ZipCodes)
	require.NoError(t, err)
	regions := filepath.Join(dir, "zips.geojson")
	require.NoError(t, os.WriteFile(regions, zips, 0o644))
	ctx := context.Background()
	opts := testOptions(t)

	// A feed and regions from files: one region set, named "regions".
	d, err := load(ctx, opts("-gtfs", feed, "-regions", regions, "-regions-name", "zip_code"))
	require.NoError(t, err)
	assert.Equal(t, []string{"regions"}, d.sets)
	want, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	assert.Equal(t, want.Len(), d.regions["regions"].Len())
	assert.Equal(t, len(d.net.Routes()), 14)

	// A snapshot of the demo directory.
	snap := filepath.Join(dir, "snapshot")
	demoDir, err := demo.Directory()
	require.NoError(t, err)
	require.NoError(t, demoDir.Save(ctx, snap))
	d, err = load(ctx, opts("-snapshot", snap))
	require.NoError(t, err)
	assert.Equal(t, demoDir.Len(), d.dir.Len())
	assert.NotNil(t, d.dir.Transit())

	// An HSDS folder: the package's sample CSV export.
	d, err = load(ctx, opts("-hsds", filepath.Join("..", "..", "directory", "hsds", "testdata", "csv")))
	require.NoError(t, err)
	assert.Positive(t, d.dir.Len())
	assert.Empty(t, d.attribution, "no demo credit for a district's own data")

	// Missing files are errors, not panics.
	for _, args := range [][]string{{"-gtfs", filepath.Join(dir, "none.zip")}, {"-regions", filepath.Join(dir, "none.geojson")}, {"-snapshot", filepath.Join(dir, "none")}, {"-hsds", filepath.Join(dir, "none")}} {
		_, err := load(ctx, opts(args...))
		assert.Error(t, err, "%v", args)
	}
}

// TestLoadLenient: a regions file with one crossing boundary among good
// ones is refused as it is and loaded with -lenient, the bad feature
// logged, left out of the set and of the map's GeoJSON.
func TestLoadLenient(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo directory twice; run without -short")
	}
	t.Parallel()
	dir := t.TempDir()
	regions := filepath.Join(dir, "regions.geojson")
	require.NoError(t, os.WriteFile(regions, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"North"},"geometry":{"type":"Polygon","coordinates":[[[-85.40,35.05],[-85.20,35.05],[-85.20,35.15],[-85.40,35.15],[-85.40,35.05]]]}},
{"type":"Feature","properties":{"name":"Bowtie"},"geometry":{"type":"Polygon","coordinates":[[[-85.40,34.95],[-85.20,35.05],[-85.20,34.95],[-85.40,35.05],[-85.40,34.95]]]}},
{"type":"Feature","properties":{"name":"South"},"geometry":{"type":"Polygon","coordinates":[[[-85.40,34.90],[-85.20,34.90],[-85.20,34.95],[-85.40,34.95],[-85.40,34.90]]]}}]}`), 0o644))
	ctx := context.Background()
	opts := testOptions(t)
	_, err := load(ctx, opts("-regions", regions))
	require.ErrorIs(t, err, geo.ErrSelfIntersection)

	d, err := load(ctx, opts("-regions", regions, "-lenient"))
	require.NoError(t, err)
	rs := d.regions["regions"]
	require.Equal(t, 2, rs.Len())
	assert.Equal(t, "North", rs.All()[0].Name)
	assert.Equal(t, "South", rs.All()[1].Name)
	require.Len(t, d.skipped, 1)
	assert.Contains(t, d.skipped[0], "Bowtie")
	served, err := geo.ReadRegions(bytes.NewReader(d.regionJSON["regions"]), "name")
	require.NoError(t, err, "the map's GeoJSON holds the regions kept")
	assert.Equal(t, 2, served.Len())
}

// testOptions returns a parser of flags for load, with no generated
// requests.
func testOptions(t *testing.T) func(args ...string) options {
	return func(args ...string) options {
		o, err := parse(append(args, "-requests", "0"), io.Discard)
		require.NoError(t, err)
		return o
	}
}
