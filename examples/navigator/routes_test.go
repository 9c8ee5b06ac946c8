package main

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
)

// withoutShapes rewrites the CARTA feed without shapes.txt.
func withoutShapes(t *testing.T) []byte {
	t.Helper()
	feed := demo.CARTAFeed()
	zr, err := zip.NewReader(bytes.NewReader(feed), int64(len(feed)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "shapes.txt" {
			continue
		}
		r, err := f.Open()
		require.NoError(t, err)
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		_, err = io.Copy(w, r)
		require.NoError(t, err)
		r.Close()
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}

// TestRouteLines draws CARTA's routes from shapes.txt and, for a feed
// without it, from stop sequences: every route is drawn either way, and
// without shapes every vertex is a stop of the feed.
func TestRouteLines(t *testing.T) {
	t.Parallel()
	net, err := demo.Network()
	require.NoError(t, err)
	stops := map[orb.Point]bool{}
	for _, s := range net.Stops() {
		stops[s.Point] = true
	}
	shaped, err := routeLines(demo.CARTAFeed())
	require.NoError(t, err)
	plain, err := routeLines(withoutShapes(t))
	require.NoError(t, err)
	for name, fc := range map[string]int{"shapes": len(shaped.Features), "stops": len(plain.Features)} {
		assert.Equal(t, len(net.Routes()), fc, name)
	}
	onStop, total := 0, 0
	for _, f := range plain.Features {
		ml, ok := f.Geometry.(orb.MultiLineString)
		require.True(t, ok)
		for _, ls := range ml {
			for _, p := range ls {
				total++
				if stops[p] {
					onStop++
				}
			}
		}
	}
	// Simplification keeps a subset of the stops, nothing else.
	assert.Positive(t, total)
	assert.Equal(t, total, onStop)
	_, err = routeLines([]byte("not a zip"))
	assert.Error(t, err)
}
