package directory_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// fuzzSnapshot saves, in dir, a small snapshot with every kind of file:
// two providers, a region set of two squares, a text index.
func fuzzSnapshot(t testing.TB, dir string) string {
	const squares = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[-85.4,35.0],[-85.3,35.0],[-85.3,35.1],[-85.4,35.1],[-85.4,35.0]]]}},
{"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[-85.3,35.0],[-85.2,35.0],[-85.2,35.1],[-85.3,35.1],[-85.3,35.0]]]}}]}`
	rs, err := geo.ReadRegions(strings.NewReader(squares), "name")
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.TextIndex = true
	b.AddRegions("areas", rs)
	b.Add(directory.Provider{ID: "a", Name: "Food Pantry", Categories: []string{"basic.food.pantry"}, Point: orb.Point{-85.35, 35.05}, ServiceAreas: []string{"East"}})
	b.Add(directory.Provider{ID: "b", Name: "Eye Clinic", Categories: []string{"health.vision"}, Point: orb.Point{-85.25, 35.05}})
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	snap := filepath.Join(dir, "snap")
	require.NoError(t, d.Save(t.Context(), snap))
	return snap
}

// FuzzOpenSnapshot replaces one file of a good snapshot with arbitrary
// bytes and opens it. Open must give a *SnapshotError wrapping
// ErrBadSnapshot, never a crash, and may load only the original bytes —
// or, when resum has the checksums rewritten over a file outside the text
// index (as a writer with a bug would), a directory that holds together.
func FuzzOpenSnapshot(f *testing.F) {
	base := fuzzSnapshot(f, f.TempDir())
	names := snapshotFiles(f, base)
	for i, n := range names {
		data, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(n)))
		require.NoError(f, err)
		f.Add(uint8(i), data, false)
		f.Add(uint8(i), data, true)
		f.Add(uint8(i), data[:len(data)/2], true)
		f.Add(uint8(i), []byte{}, false)
	}
	f.Add(uint8(0), []byte(`[{"id":"a","name":"A","categories":["basic"]}]`), true)
	f.Add(uint8(0), []byte(`{"type":"FeatureCollection","features":[]}`), true)
	f.Fuzz(func(t *testing.T, which uint8, data []byte, resum bool) {
		dir := filepath.Join(t.TempDir(), "snap")
		require.NoError(t, os.CopyFS(dir, os.DirFS(base)))
		name := names[int(which)%len(names)]
		p := filepath.Join(dir, filepath.FromSlash(name))
		orig, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		sealed := resum && name != "manifest.json" && !strings.HasPrefix(name, "text/")
		if sealed {
			body, err := directory.SnapshotManifest(dir)
			require.NoError(t, err)
			require.NoError(t, directory.ResealSnapshot(dir, body, true))
		}
		got, err := directory.Open(t.Context(), dir)
		if err != nil {
			require.Nil(t, got)
			requireBad(t, err)
			return
		}
		if !sealed {
			require.Equal(t, orig, data, "%s changed, yet the snapshot loaded", name)
		}
		n := 0
		for p := range got.All() {
			q, ok := got.Provider(p.ID())
			require.True(t, ok)
			require.Equal(t, p, q)
			n++
		}
		require.Equal(t, got.Len(), n)
	})
}
