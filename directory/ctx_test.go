package directory_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/ctxtest"
	"github.com/wraparound/wraparound/internal/synth"
)

// countdown cancels a call at its (n+1)-th look at the context.
func countdown(n int) *ctxtest.Countdown { return ctxtest.NewCountdown(n) }

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// cancelEverywhere calls f with a context cancelled at its first, second,
// third… look, until f gets through, and checks that every cancelled call
// returns context.Canceled and that after reports nothing changed. It
// returns how many looks cancelled f.
func cancelEverywhere(t *testing.T, f func(context.Context) error, after func(n int)) int {
	t.Helper()
	for n := 0; n < 1000; n++ {
		err := f(countdown(n))
		if err == nil {
			return n
		}
		require.ErrorIs(t, err, context.Canceled, "cancelled at look %d", n+1)
		after(n)
	}
	t.Fatal("still cancelled after 1000 looks at the context")
	return 0
}

// TestBuildCancelled checks that Build returns context.Canceled and no
// Directory when its context ends before or during the build, looks at
// it every few thousand providers (so a large build stops early), and
// leaves the Builder able to build the same directory afterwards.
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	const n = 9000
	b := directory.NewBuilder()
	for _, p := range synth.Providers(1, n) {
		b.Add(p)
	}
	d, err := b.Build(cancelled())
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, d)

	looks := cancelEverywhere(t, func(ctx context.Context) error {
		d, err := b.Build(ctx)
		if err != nil {
			assert.Nil(t, d)
		}
		return err
	}, func(int) {})
	// At least one look per 4,096 providers in each of the two passes
	// over them (validation, indexing), plus one on entry.
	perPass := (n + 4095) / 4096
	assert.GreaterOrEqual(t, looks, 1+2*perPass, "looks at the context while building %d providers", n)

	got, err := b.Build(t.Context())
	require.NoError(t, err)
	assert.Equal(t, n, got.Len())
	want := synth.Providers(1, n)
	i := 0
	for p := range got.All() {
		assert.Equal(t, want[i].ID, p.ID())
		i++
	}
}

// TestBuildTextCancelled checks that a Build with a text index stops
// with context.Canceled too, at any of its looks at the context.
func TestBuildTextCancelled(t *testing.T) {
	t.Parallel()
	b := directory.NewBuilder()
	b.TextIndex = true
	for _, p := range synth.Providers(2, 50) {
		b.Add(p)
	}
	looks := cancelEverywhere(t, func(ctx context.Context) error {
		d, err := b.Build(ctx)
		if err != nil {
			assert.Nil(t, d)
		}
		return err
	}, func(int) {})
	assert.Positive(t, looks)
}

// entries lists the names in folder dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestSaveCancelled checks that Save and SaveWith, cancelled before or at
// any of their looks at the context, return context.Canceled and leave
// the folder as it was: the old snapshot, unchanged and readable, and no
// half-written folder beside it. Once a Save gets through, the new
// snapshot is there.
func TestSaveCancelled(t *testing.T) {
	t.Parallel()
	old, next := tinyDir(t, 3, true), tinyDir(t, 5, true)
	parent := t.TempDir()
	dir := filepath.Join(parent, "snap")
	require.NoError(t, old.Save(t.Context(), dir))
	wantFiles := snapshotFiles(t, dir)
	unchanged := func(n int) {
		assert.Equal(t, []string{"snap"}, entries(t, parent), "cancelled at look %d", n+1)
		assert.Equal(t, wantFiles, snapshotFiles(t, dir), "cancelled at look %d", n+1)
		got, err := directory.Open(t.Context(), dir)
		require.NoError(t, err, "cancelled at look %d", n+1)
		assert.Equal(t, providersJSON(t, old), providersJSON(t, got), "cancelled at look %d", n+1)
	}

	assert.ErrorIs(t, next.Save(cancelled(), dir), context.Canceled)
	unchanged(-1)
	assert.ErrorIs(t, next.SaveWith(cancelled(), dir, directory.SaveOptions{}), context.Canceled)
	unchanged(-1)
	// A missing folder stays missing.
	missing := filepath.Join(t.TempDir(), "new")
	assert.ErrorIs(t, next.Save(cancelled(), missing), context.Canceled)
	assert.NoDirExists(t, missing)

	looks := cancelEverywhere(t, func(ctx context.Context) error { return next.Save(ctx, dir) }, unchanged)
	t.Logf("Save: %d looks", looks)
	assert.GreaterOrEqual(t, looks, 5, "looks at the context between the files Save writes")
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, next), providersJSON(t, got))
}

// TestSaveWithFeedCancelled checks that SaveWith stops with
// context.Canceled while it reads the transit feed given, saving
// nothing.
func TestSaveWithFeedCancelled(t *testing.T) {
	t.Parallel()
	d, _ := sampleNetDir(t)
	feed := sampleZip(t)
	dir := filepath.Join(t.TempDir(), "snap")
	assert.ErrorIs(t, d.SaveWith(cancelled(), dir, directory.SaveOptions{TransitFeed: feed}), context.Canceled)
	assert.NoDirExists(t, dir)
	// Past the first look, the feed is being read.
	assert.ErrorIs(t, d.SaveWith(countdown(1), dir, directory.SaveOptions{TransitFeed: feed}), context.Canceled)
	assert.NoDirExists(t, dir)
	require.NoError(t, d.SaveWith(t.Context(), dir, directory.SaveOptions{TransitFeed: feed}))
	assert.Contains(t, snapshotFiles(t, dir), "transit.zip")
}

// TestOpenCancelled checks that Open and OpenWith, cancelled before or at
// any of their looks at the context, return context.Canceled and no
// Directory, never call setup when cancelled on entry, and leave the
// snapshot as it was.
func TestOpenCancelled(t *testing.T) {
	t.Parallel()
	d := tinyDir(t, 4, true)
	dir := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, d.Save(t.Context(), dir))
	wantFiles := snapshotFiles(t, dir)

	got, err := directory.Open(cancelled(), dir)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, got)
	called := false
	got, err = directory.OpenWith(cancelled(), dir, func(*directory.Builder) { called = true })
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, got)
	assert.False(t, called, "setup called after the context ended")

	for name, open := range map[string]func(context.Context) (*directory.Directory, error){
		"Open":     func(ctx context.Context) (*directory.Directory, error) { return directory.Open(ctx, dir) },
		"OpenWith": func(ctx context.Context) (*directory.Directory, error) { return directory.OpenWith(ctx, dir, nil) },
	} {
		looks := cancelEverywhere(t, func(ctx context.Context) error {
			got, err := open(ctx)
			if err != nil {
				assert.Nil(t, got, name)
			}
			return err
		}, func(n int) { assert.Equal(t, wantFiles, snapshotFiles(t, dir), "%s cancelled at look %d", name, n+1) })
		t.Logf("%s: %d looks", name, looks)
		assert.GreaterOrEqual(t, looks, 3, "%s: looks before and after checking the files, and while rebuilding", name)
	}
	got, err = directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, d), providersJSON(t, got))
}

// TestReadCancelled checks that ReadCSV and ReadGeoJSON return
// context.Canceled and no providers when their context ends before or
// at any of their looks at it, that they look every few thousand
// records, and that an uncancelled read gives every provider written.
func TestReadCancelled(t *testing.T) {
	t.Parallel()
	const n = 9000
	b := directory.NewBuilder()
	for _, p := range synth.Providers(3, n) {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	var csvData, geoData bytes.Buffer
	require.NoError(t, directory.WriteCSV(&csvData, d.All()))
	require.NoError(t, directory.WriteGeoJSON(&geoData, d.All()))

	for _, tc := range []struct {
		name string
		read func(context.Context, io.Reader, directory.ReadOptions) ([]directory.Provider, error)
		data []byte
	}{
		{"csv", directory.ReadCSV, csvData.Bytes()},
		{"geojson", directory.ReadGeoJSON, geoData.Bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := directory.ReadOptions{Name: "providers." + tc.name}
			got, err := tc.read(cancelled(), bytes.NewReader(tc.data), opts)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, got)
			looks := cancelEverywhere(t, func(ctx context.Context) error {
				got, err := tc.read(ctx, bytes.NewReader(tc.data), opts)
				if err != nil {
					assert.Nil(t, got)
				}
				return err
			}, func(int) {})
			assert.GreaterOrEqual(t, looks, 1+(n+4095)/4096, "looks while reading %d records", n)
			got, err = tc.read(t.Context(), bytes.NewReader(tc.data), opts)
			require.NoError(t, err)
			assert.Len(t, got, n)
		})
	}
}
