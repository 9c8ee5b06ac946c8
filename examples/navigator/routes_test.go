package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

// sampleFeed zips Google's sample GTFS feed, which has no shapes.txt.
func sampleFeed(t *testing.T) (feed []byte, dir string) {
	t.Helper()
	dir = filepath.Join("..", "..", "geo", "transit", "testdata", "gtfs-sample")
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		require.NoError(t, err)
		w, err := zw.Create(f.Name())
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return out.Bytes(), dir
}

// TestRouteLinesWithoutShapes draws a feed without shapes.txt from its
// stop sequences: every route with trips is drawn, and every vertex is
// one of the feed's stops as the transit package reads them. (CARTA's
// routes, drawn from shapes.txt, are checked against the network in
// TestListsEqualLibrary.)
func TestRouteLinesWithoutShapes(t *testing.T) {
	t.Parallel()
	feed, dir := sampleFeed(t)
	net, err := transit.ReadFS(context.Background(), os.DirFS(dir))
	require.NoError(t, err)
	stops := map[orb.Point]bool{}
	for _, s := range net.Stops() {
		stops[s.Point] = true
	}
	fc, err := routeLines(feed)
	require.NoError(t, err)
	served := map[string]bool{}
	for i := range net.Stops() {
		for _, r := range net.RoutesAt(i) {
			served[net.Routes()[r].ID] = true
		}
	}
	var drawn []string
	total := 0
	for _, f := range fc.Features {
		drawn = append(drawn, f.Properties.MustString("route"))
		ml, ok := f.Geometry.(orb.MultiLineString)
		require.True(t, ok)
		for _, ls := range ml {
			assert.GreaterOrEqual(t, len(ls), 2)
			for _, p := range ls {
				total++
				assert.True(t, stops[p], "vertex %v is not a stop", p)
			}
		}
	}
	assert.Len(t, drawn, len(served))
	for _, r := range drawn {
		assert.True(t, served[r], "route %s drawn but serves no stop", r)
	}
	assert.Positive(t, total)
	_, err = routeLines([]byte("not a zip"))
	assert.Error(t, err)
}
