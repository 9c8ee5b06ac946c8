package directory_test

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
)

// zipFolder returns the files of a folder as a zip archive.
func zipFolder(t *testing.T, dir string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	require.NoError(t, zw.AddFS(os.DirFS(dir)))
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestSaveTransitFeed saves the demo directory with CARTA's feed and
// checks that the opened directory has the same network and answers
// transit queries as the original, without OpenWith.
func TestSaveTransitFeed(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	require.NotNil(t, d.Transit())
	dir := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, d.SaveWith(t.Context(), dir, directory.SaveOptions{TransitFeed: demo.CARTAFeed()}))
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	require.NotNil(t, got.Transit())
	assert.Equal(t, d.Transit().Stats(), got.Transit().Stats())
	assert.Equal(t, d.Transit().Stops(), got.Transit().Stops())
	for p := range d.All() {
		q, ok := got.Provider(p.ID())
		require.True(t, ok)
		assert.Equal(t, d.StopsNear(p), got.StopsNear(q), p.ID())
	}
	w := transit.Window{Date: time.Date(2026, 6, 6, 0, 0, 0, 0, nyc), Start: 9 * hour, End: 12 * hour}
	q := directory.Query{Near: demo.Downtown, Radius: 3000, Categories: []string{"basic.food"},
		Transit: &directory.TransitFilter{MaxWalk: 400, MinPerHour: 2, Window: w}}
	want, err := d.Search(q)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	res, err := got.Search(q)
	require.NoError(t, err)
	require.Equal(t, resultIDs(want), resultIDs(res))
	for i := range want {
		assert.Equal(t, *want[i].Transit, *res[i].Transit)
	}

	// Without the feed, the network is not saved, as before.
	small, sample := sampleNetDir(t)
	plain := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, small.Save(t.Context(), plain))
	got, err = directory.Open(t.Context(), plain)
	require.NoError(t, err)
	assert.Nil(t, got.Transit())
	assert.NotContains(t, snapshotFiles(t, plain), "transit.zip")

	// A network given to OpenWith wins over the saved one.
	withFeed := filepath.Join(t.TempDir(), "feed")
	require.NoError(t, small.SaveWith(t.Context(), withFeed, directory.SaveOptions{TransitFeed: sampleZip(t)}))
	other, err := demo.Network()
	require.NoError(t, err)
	got, err = directory.OpenWith(t.Context(), withFeed, func(b *directory.Builder) { b.Transit = other })
	require.NoError(t, err)
	assert.Same(t, other, got.Transit())
	got, err = directory.Open(t.Context(), withFeed)
	require.NoError(t, err)
	assert.Equal(t, sample.Stats(), got.Transit().Stats())
}

// sampleNetDir returns a small directory built with the network of
// Google's sample feed, and that network.
func sampleNetDir(t *testing.T) (*directory.Directory, *transit.Network) {
	sample, err := transit.Load(t.Context(), filepath.Join("..", "geo", "transit", "testdata", "gtfs-sample"))
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.Transit = sample
	for p := range tinyDir(t, 3, false).All() {
		b.Add(p.Provider())
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d, sample
}

func sampleZip(t *testing.T) []byte {
	return zipFolder(t, filepath.Join("..", "geo", "transit", "testdata", "gtfs-sample"))
}

// TestSaveTransitFeedRefused checks that SaveWith refuses a feed that is
// not the directory's network, and that Open refuses a saved feed that
// does not give the network saved.
func TestSaveTransitFeedRefused(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	other := sampleZip(t)
	for _, tc := range []struct {
		name string
		d    *directory.Directory
		feed []byte
		want error
	}{
		{"no network", tinyDir(t, 3, false), demo.CARTAFeed(), directory.ErrNoTransit},
		{"another feed", d, other, directory.ErrBadValue},
		{"not a zip", d, []byte("GTFS"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "snap")
			err := tc.d.SaveWith(t.Context(), dir, directory.SaveOptions{TransitFeed: tc.feed})
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			_, err = os.Stat(dir)
			assert.ErrorIs(t, err, fs.ErrNotExist, "nothing saved")
		})
	}
	// A snapshot whose feed was swapped, checksums rewritten.
	dir := filepath.Join(t.TempDir(), "snap")
	withNet, sample := sampleNetDir(t)
	require.NoError(t, withNet.SaveWith(t.Context(), dir, directory.SaveOptions{TransitFeed: other}))
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, sample.Stats(), got.Transit().Stats())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "transit.zip"), demo.CARTAFeed(), 0o644))
	body, err := directory.SnapshotManifest(dir)
	require.NoError(t, err)
	require.NoError(t, directory.ResealSnapshot(dir, body, true))
	_, err = directory.Open(t.Context(), dir)
	se := requireBad(t, err)
	assert.Equal(t, "transit.zip", se.File)
	assert.True(t, slices.Contains(snapshotFiles(t, dir), "transit.zip"))
}
