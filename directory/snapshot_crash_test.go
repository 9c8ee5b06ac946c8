package directory_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

var snapshotKills = flag.Int("snapshot.kills", 100, "processes killed in the middle of Save by TestSaveKilled")

// flagSet reports whether the flag name was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// errCrash stands for a crash in the middle of Save.
var errCrash = errors.New("crash")

// buildSmall builds n providers "s1"… with a text index and no region
// set, so that a Save takes milliseconds.
func buildSmall(n int) (*directory.Directory, error) {
	b := directory.NewBuilder()
	b.TextIndex = true
	names := []string{"Northside Food Pantry", "Eastgate Eye Clinic", "Tutoría Latina", "Westside Coat Closet", "Downtown Dental", "Riverside Pantry"}
	cats := []string{"basic.food.pantry", "health.vision", "education.tutoring", "basic.clothing", "health.dental", "basic.food.pantry"}
	for i := range n {
		b.Add(directory.Provider{
			ID: fmt.Sprintf("s%d", i+1), Name: names[i%len(names)], Categories: []string{cats[i%len(cats)]},
			Point: orb.Point{demo.Downtown[0] + 0.01*float64(i), demo.Downtown[1]},
		})
	}
	return b.Build(context.Background())
}

func smallDir(t testing.TB, n int) *directory.Directory {
	t.Helper()
	d, err := buildSmall(n)
	require.NoError(t, err)
	return d
}

// snapshotFiles returns the slash-separated paths of every file of the
// snapshot at dir, manifest included, sorted.
func snapshotFiles(t testing.TB, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	}))
	slices.Sort(out)
	return out
}

// requireBad checks that err is a *SnapshotError wrapping ErrBadSnapshot.
func requireBad(t *testing.T, err error, msgAndArgs ...any) *directory.SnapshotError {
	t.Helper()
	require.ErrorIs(t, err, directory.ErrBadSnapshot, msgAndArgs...)
	var se *directory.SnapshotError
	require.ErrorAs(t, err, &se, msgAndArgs...)
	return se
}

// TestSaveInterrupted stops a Save after each of its steps, as a crash
// would, and checks that the previous snapshot still opens with its own
// content until the new one is renamed into place; then a complete Save
// replaces it and removes every leftover.
func TestSaveInterrupted(t *testing.T) {
	// Not parallel: the save hook is global.
	old, next := smallDir(t, 3), smallDir(t, 4)
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	require.NoError(t, old.Save(t.Context(), dir))
	for _, tc := range []struct {
		step string
		want *directory.Directory
	}{
		{"taxonomy", old}, {"providers", old}, {"regions", old}, {"text", old}, {"sums", old},
		{"manifest", old}, {"aside", old}, {"swapped", next},
	} {
		t.Run(tc.step, func(t *testing.T) {
			restore := directory.SetSaveHook(func(s string) error {
				if s == tc.step {
					return errCrash
				}
				return nil
			})
			err := next.Save(t.Context(), dir)
			restore()
			require.ErrorIs(t, err, errCrash)
			got, err := directory.Open(t.Context(), dir)
			require.NoError(t, err)
			assert.Equal(t, providersJSON(t, tc.want), providersJSON(t, got))
		})
	}
	require.NoError(t, next.Save(t.Context(), dir))
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, next), providersJSON(t, got))
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, ents, 1, "leftovers of interrupted saves are removed")
	assert.Equal(t, "snap", ents[0].Name())
}

// TestOpenNewestAside leaves two snapshots aside with the target missing,
// as badly timed kills can, and checks that Open reads the one with the
// higher sequence number whatever the folder names, and the older one
// once the newer is damaged.
func TestOpenNewestAside(t *testing.T) {
	// Not parallel: the save hook is global.
	v1, v2, v3 := smallDir(t, 3), smallDir(t, 4), smallDir(t, 5)
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	first := filepath.Join(t.TempDir(), "first")
	require.NoError(t, v1.Save(t.Context(), first))
	require.NoError(t, v1.Save(t.Context(), dir))
	require.NoError(t, v2.Save(t.Context(), dir))
	// v3 moves v2 aside and dies; an older snapshot lies aside too.
	restore := directory.SetSaveHook(func(s string) error {
		if s == "aside" {
			return errCrash
		}
		return nil
	})
	require.ErrorIs(t, v3.Save(t.Context(), dir), errCrash)
	restore()
	require.NoError(t, os.CopyFS(filepath.Join(root, ".snap.old-1"), os.DirFS(first)))
	_, err := os.Stat(dir)
	require.ErrorIs(t, err, fs.ErrNotExist)
	asides, err := filepath.Glob(filepath.Join(root, ".snap.old-*"))
	require.NoError(t, err)
	require.Len(t, asides, 2)
	seqOf := func(p string) uint64 {
		body, err := directory.SnapshotManifest(p)
		require.NoError(t, err)
		var m struct{ Seq uint64 }
		require.NoError(t, json.Unmarshal(body, &m))
		return m.Seq
	}
	slices.SortFunc(asides, func(a, b string) int { return int(seqOf(a)) - int(seqOf(b)) })
	older, newer := asides[0], asides[1]
	assert.Equal(t, []uint64{1, 2}, []uint64{seqOf(older), seqOf(newer)})
	for _, names := range [][2]string{{".snap.old-a", ".snap.old-b"}, {".snap.old-b", ".snap.old-a"}} {
		o, n := filepath.Join(root, names[0]), filepath.Join(root, names[1])
		require.NoError(t, os.Rename(older, older+"~"))
		require.NoError(t, os.Rename(newer, newer+"~"))
		require.NoError(t, os.Rename(older+"~", o))
		require.NoError(t, os.Rename(newer+"~", n))
		older, newer = o, n
		got, err := directory.Open(t.Context(), dir)
		require.NoError(t, err, "names %v", names)
		assert.Equal(t, providersJSON(t, v2), providersJSON(t, got), "names %v", names)
		assert.Equal(t, uint64(2), directory.SnapshotSeq(got))
	}
	// Damage the newer: Open reads the newest complete one.
	require.NoError(t, os.Truncate(filepath.Join(newer, "providers.json"), 10))
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, v1), providersJSON(t, got))
	// Damage both: a clean error.
	require.NoError(t, os.Truncate(filepath.Join(older, "text", "store", "root.bolt"), 100))
	_, err = directory.Open(t.Context(), dir)
	se := requireBad(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, dir, se.Dir)
	// A complete Save numbers past everything it found, and clears up.
	require.NoError(t, v3.Save(t.Context(), dir))
	got, err = directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, v3), providersJSON(t, got))
	assert.Equal(t, uint64(3), directory.SnapshotSeq(got))
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	assert.Len(t, ents, 1)
}

// TestSaveDropsOlderAsides checks that a Save removes, before anything
// else, the snapshots left aside that are older than the one in place —
// Open would never read them — so that kills cannot pile them up.
func TestSaveDropsOlderAsides(t *testing.T) {
	// Not parallel: the save hook is global.
	v1, v2, v3 := smallDir(t, 3), smallDir(t, 4), smallDir(t, 5)
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	require.NoError(t, v1.Save(t.Context(), dir))
	crashAt := func(step string) func() {
		return directory.SetSaveHook(func(s string) error {
			if s == step {
				return errCrash
			}
			return nil
		})
	}
	restore := crashAt("swapped") // v2 in place, v1 still aside
	require.ErrorIs(t, v2.Save(t.Context(), dir), errCrash)
	restore()
	asides, err := filepath.Glob(filepath.Join(root, ".snap.old-*"))
	require.NoError(t, err)
	require.Len(t, asides, 1)
	restore = crashAt("aside") // v2 moved aside, v3 not yet in place
	require.ErrorIs(t, v3.Save(t.Context(), dir), errCrash)
	restore()
	asides2, err := filepath.Glob(filepath.Join(root, ".snap.old-*"))
	require.NoError(t, err)
	require.Len(t, asides2, 1, "v1 was removed before v2 went aside")
	assert.NotEqual(t, asides, asides2)
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, providersJSON(t, v2), providersJSON(t, got))
}

// TestStaleSavesRemoved plants the folders a killed Save leaves and checks
// that Open and Save remove them, and nothing else.
func TestStaleSavesRemoved(t *testing.T) {
	t.Parallel()
	d := smallDir(t, 3)
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	require.NoError(t, d.Save(t.Context(), dir))
	plant := func() {
		for _, n := range []string{".snap.saving-123", ".snap.saving-456/text"} {
			require.NoError(t, os.MkdirAll(filepath.Join(root, n), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, n, "providers.json"), []byte("[{"), 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(root, "unrelated.txt"), []byte("keep"), 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(root, ".other.saving-1"), 0o755))
	}
	names := func() []string {
		ents, err := os.ReadDir(root)
		require.NoError(t, err)
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	plant()
	_, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.Equal(t, []string{".other.saving-1", "snap", "unrelated.txt"}, names())
	plant()
	require.NoError(t, d.Save(t.Context(), dir))
	assert.Equal(t, []string{".other.saving-1", "snap", "unrelated.txt"}, names())
}

// TestSaveRefusesOtherFolders checks that Save replaces only a missing,
// empty or snapshot folder, and deletes nothing else.
func TestSaveRefusesOtherFolders(t *testing.T) {
	t.Parallel()
	d := tinyDir(t, 3, false)
	tests := []struct {
		name  string
		setup func(path string) error
		ok    bool
	}{
		{"missing", func(string) error { return nil }, true},
		{"empty folder", func(p string) error { return os.Mkdir(p, 0o755) }, true},
		{"damaged snapshot", func(p string) error {
			if err := d.Save(t.Context(), p); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(p, "manifest.json"), []byte("{"), 0o644)
		}, true},
		{"snapshot without manifest", func(p string) error {
			if err := d.Save(t.Context(), p); err != nil {
				return err
			}
			return os.Remove(filepath.Join(p, "manifest.json"))
		}, true},
		{"a user's folder", func(p string) error {
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(p, "thesis.docx"), []byte("years of work"), 0o644)
		}, false},
		{"a snapshot with an extra file", func(p string) error {
			if err := d.Save(t.Context(), p); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(p, "notes.txt"), []byte("mine"), 0o644)
		}, false},
		{"a file", func(p string) error { return os.WriteFile(p, []byte("data"), 0o644) }, false},
		{"a symbolic link", func(p string) error {
			if err := os.Mkdir(p+"-target", 0o755); err != nil {
				return err
			}
			return os.Symlink(p+"-target", p)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "data")
			require.NoError(t, tc.setup(p))
			before := listTree(t, filepath.Dir(p))
			err := d.Save(t.Context(), p)
			if tc.ok {
				require.NoError(t, err)
				got, err := directory.Open(t.Context(), p)
				require.NoError(t, err)
				assert.Equal(t, providersJSON(t, d), providersJSON(t, got))
				return
			}
			require.ErrorIs(t, err, directory.ErrNotSnapshot)
			var se *directory.SnapshotError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, p, se.Dir)
			assert.Equal(t, before, listTree(t, filepath.Dir(p)), "nothing changed")
		})
	}
}

// listTree returns every path under root with its size or link target.
func listTree(t *testing.T, root string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %v %d", p, fi.Mode(), fi.Size()))
		return nil
	}))
	return out
}

// editManifest rewrites the manifest of dir through edit and seals it
// again (with resum, also the sums of the files not in text/).
func editManifest(dir string, resum bool, edit func(m map[string]any)) error {
	body, err := directory.SnapshotManifest(dir)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	edit(m)
	if body, err = json.Marshal(m); err != nil {
		return err
	}
	return directory.ResealSnapshot(dir, body, resum)
}

// files returns the manifest's file list for editing.
func files(m map[string]any) []any { return m["files"].([]any) }

func fileEntry(m map[string]any, path string) map[string]any {
	for _, f := range files(m) {
		if f.(map[string]any)["path"] == path {
			return f.(map[string]any)
		}
	}
	panic("no file " + path)
}

// TestOpenMalformed spoils a good snapshot in one way per case and checks
// that Open gives a *SnapshotError wrapping ErrBadSnapshot that names the
// file at fault. Cases marked resealed rewrite the checksums after the
// damage, as a buggy or hostile writer would, to reach the checks behind
// them.
func TestOpenMalformed(t *testing.T) {
	t.Parallel()
	d := tinyDir(t, 4, true)
	good := filepath.Join(t.TempDir(), "good")
	require.NoError(t, d.Save(t.Context(), good))
	write := func(name, data string) func(string) error {
		return func(dir string) error { return os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644) }
	}
	edit := func(resum bool, fn func(m map[string]any)) func(string) error {
		return func(dir string) error { return editManifest(dir, resum, fn) }
	}
	// resealed writes a file and seals the manifest over it.
	resealed := func(name, data string) func(string) error {
		return func(dir string) error {
			if err := write(name, data)(dir); err != nil {
				return err
			}
			return editManifest(dir, true, func(map[string]any) {})
		}
	}
	tests := []struct {
		name  string
		spoil func(dir string) error
		file  string // SnapshotError.File
	}{
		{"missing folder", os.RemoveAll, ""},
		{"folder is a file", func(dir string) error {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			return os.WriteFile(dir, []byte("x"), 0o644)
		}, "manifest.json"},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, "manifest.json")) }, "manifest.json"},
		{"empty manifest", write("manifest.json", ""), "manifest.json"},
		{"manifest is a folder", func(dir string) error {
			if err := os.Remove(filepath.Join(dir, "manifest.json")); err != nil {
				return err
			}
			return os.Mkdir(filepath.Join(dir, "manifest.json"), 0o755)
		}, "manifest.json"},
		{"unsealed manifest", write("manifest.json", `{"format": 2}`), "manifest.json"},
		{"format 1 manifest", write("manifest.json", `{"format":1,"location":"UTC","providers":4,"text":true}`), "manifest.json"},
		{"huge manifest", write("manifest.json", strings.Repeat(" ", 5<<20)), "manifest.json"},
		{"seal of another body", func(dir string) error {
			data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				return err
			}
			i := strings.Index(string(data), `"seq":`) + len(`"seq":`)
			data[i]++ // seq 1 → 2, seal unchanged
			return os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644)
		}, "manifest.json"},
		{"future format", edit(false, func(m map[string]any) { m["format"] = 99 }), "manifest.json"},
		{"old text format", edit(false, func(m map[string]any) { m["text_format"] = 1 }), "manifest.json"},
		{"unknown field", edit(false, func(m map[string]any) { m["extra"] = true }), "manifest.json"},
		{"negative providers", edit(false, func(m map[string]any) { m["providers"] = -1 }), "manifest.json"},
		{"path outside", edit(false, func(m map[string]any) { fileEntry(m, "taxonomy.json")["path"] = "../taxonomy.json" }), "manifest.json"},
		{"absolute path", edit(false, func(m map[string]any) { fileEntry(m, "taxonomy.json")["path"] = "/etc/passwd" }), "manifest.json"},
		{"path listed twice", edit(false, func(m map[string]any) { m["files"] = append(files(m), files(m)[0]) }), "manifest.json"},
		{"negative size", edit(false, func(m map[string]any) { fileEntry(m, "taxonomy.json")["size"] = -1 }), "manifest.json"},
		{"upper-case checksum", edit(false, func(m map[string]any) {
			e := fileEntry(m, "taxonomy.json")
			e["sha256"] = strings.ToUpper(e["sha256"].(string))
		}), "manifest.json"},
		{"short checksum", edit(false, func(m map[string]any) { fileEntry(m, "taxonomy.json")["sha256"] = "abc" }), "manifest.json"},
		{"providers not listed", edit(false, func(m map[string]any) {
			m["files"] = slices.DeleteFunc(files(m), func(f any) bool { return f.(map[string]any)["path"] == "providers.json" })
		}), "manifest.json"},
		{"region set not listed", edit(false, func(m map[string]any) { m["region_sets"] = []string{"zipcodes", "more"} }), "manifest.json"},
		{"text files without text", edit(false, func(m map[string]any) { m["text"] = false; delete(m, "text_format") }), "manifest.json"},
		{"text without files", edit(false, func(m map[string]any) {
			m["files"] = slices.DeleteFunc(files(m), func(f any) bool { return strings.HasPrefix(f.(map[string]any)["path"].(string), "text/") })
		}), "manifest.json"},
		{"listed file missing", func(dir string) error { return os.Remove(filepath.Join(dir, "taxonomy.json")) }, "taxonomy.json"},
		{"no text index", func(dir string) error { return os.RemoveAll(filepath.Join(dir, "text")) }, "text/index_meta.json"},
		{"extra file", write("notes.txt", "x"), "notes.txt"},
		{"extra file in text", write("text/store/extra.zap", "x"), "text/store/extra.zap"},
		{"extra folder", func(dir string) error {
			if err := os.Mkdir(filepath.Join(dir, "more"), 0o755); err != nil {
				return err
			}
			return write("more/x", "x")(dir)
		}, "more/x"},
		{"truncated providers", write("providers.json", `[{"id": "x"`), "providers.json"},
		{"other providers, same size", func(dir string) error {
			p := filepath.Join(dir, "providers.json")
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, []byte(strings.Replace(string(data), "t1", "t9", 1)), 0o644)
		}, "providers.json"},
		{"providers a link", func(dir string) error {
			p := filepath.Join(dir, "providers.json")
			if err := os.Rename(p, p+".real"); err != nil {
				return err
			}
			return os.Symlink(p+".real", p)
		}, "providers.json"},
		{"truncated bolt", func(dir string) error { return os.Truncate(filepath.Join(dir, "text", "store", "root.bolt"), 4096) }, "text/store/root.bolt"},
		{"resealed: providers not JSON", resealed("providers.json", "[{"), "providers.json"},
		{"resealed: data after providers", resealed("providers.json", "[] []"), "providers.json"},
		{"resealed: too few providers", resealed("providers.json", "[]"), "providers.json"},
		{"resealed: invalid provider", resealed("providers.json", `[{"id":"a","name":"A","categories":["no.such"]},{"id":"b"},{"id":"c"},{"id":"d"}]`), "providers.json"},
		{"resealed: taxonomy not JSON", resealed("taxonomy.json", "{"), "taxonomy.json"},
		{"resealed: taxonomy invalid", resealed("taxonomy.json", `[{"code":""}]`), "taxonomy.json"},
		{"resealed: regions not GeoJSON", resealed("regions/0.geojson", "[]"), "regions/0.geojson"},
		{"resealed: regions unnamed", resealed("regions/0.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`), "regions/0.geojson"},
		{"resealed: unknown zone", edit(false, func(m map[string]any) { m["location"] = "Mars/Olympus_Mons" }), "manifest.json"},
		{"resealed: no zone", edit(false, func(m map[string]any) { m["location"] = "" }), "manifest.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "snap")
			require.NoError(t, os.CopyFS(dir, os.DirFS(good)))
			require.NoError(t, tc.spoil(dir))
			got, err := directory.Open(t.Context(), dir)
			require.Nil(t, got)
			se := requireBad(t, err)
			assert.Equal(t, dir, se.Dir)
			assert.Equal(t, tc.file, se.File, "%v", err)
		})
	}
}

// TestSnapshotCorruption flips one byte (50 times) and truncates one file
// (50 times) of a saved snapshot, each at a random file and offset, and
// checks that every Open gives a clean error: no garbage load, no crash
// (a crash would end this test process).
func TestSnapshotCorruption(t *testing.T) {
	t.Parallel()
	d := tinyDir(t, 4, true)
	good := filepath.Join(t.TempDir(), "good")
	require.NoError(t, d.Save(t.Context(), good))
	names := snapshotFiles(t, good)
	rng := rand.New(rand.NewPCG(14, 14))
	hit := map[string]int{}
	for i := range 100 {
		dir := filepath.Join(t.TempDir(), "snap")
		require.NoError(t, os.CopyFS(dir, os.DirFS(good)))
		name := names[rng.IntN(len(names))]
		hit[name]++
		p := filepath.Join(dir, filepath.FromSlash(name))
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		var what string
		if i < 50 {
			at := rng.IntN(len(data))
			data[at] ^= byte(1 + rng.IntN(255))
			what = fmt.Sprintf("flip %s at %d", name, at)
		} else {
			n := rng.IntN(len(data))
			data = data[:n]
			what = fmt.Sprintf("truncate %s to %d", name, n)
		}
		require.NoError(t, os.WriteFile(p, data, 0o644))
		got, err := directory.Open(t.Context(), dir)
		require.Nil(t, got, what)
		requireBad(t, err, what)
	}
	t.Logf("files damaged: %v", hit)
	assert.Len(t, hit, len(names), "every file was damaged at least once")
}

const saveChildEnv = "WRAPAROUND_SAVE_CHILD_DIR"

// campaignVersion is the directory the child of TestSaveKilled saves as
// sequence number seq: 3 providers for the first snapshot, then 4 and 6
// by turns, so that the sequence number says which content is right.
func campaignVersion(seq uint64) (*directory.Directory, error) {
	switch {
	case seq <= 1:
		return buildSmall(3)
	case seq%2 == 0:
		return buildSmall(4)
	}
	return buildSmall(6)
}

// TestSaveKilled kills a process in the middle of saving (SIGKILL, at a
// random moment), snapshotKills times, and checks after each kill that
// Open returns the newest complete snapshot: never one older than the
// last Save the child reported done, and with exactly the content saved
// under its sequence number. Each kill costs a process start and a few
// Saves (some 0.1 s, several times more under the race detector); -short
// and -race run 20 unless -snapshot.kills is given, -snapshot.kills=1000
// runs a longer campaign.
func TestSaveKilled(t *testing.T) {
	if dir := os.Getenv(saveChildEnv); dir != "" {
		saveForever(dir)
		return
	}
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	first, err := campaignVersion(1)
	require.NoError(t, err)
	require.NoError(t, first.Save(t.Context(), dir))
	want := map[uint64]string{}
	for _, seq := range []uint64{1, 2, 3} {
		v, err := campaignVersion(seq)
		require.NoError(t, err)
		want[seq] = providersJSON(t, v)
	}
	wantFor := func(seq uint64) string {
		if seq <= 1 {
			return want[1]
		}
		return want[2+seq%2] // even: 2, odd: 3
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var lastSeq uint64 = 1
	// Kill within the first few Saves, which take several times longer
	// under the race detector.
	maxDelay := 80_000 // µs
	if raceEnabled {
		maxDelay *= 5
	}
	kills := *snapshotKills
	if testing.Short() || raceEnabled && !flagSet("snapshot.kills") {
		kills = min(kills, 20)
	}
	for i := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveKilled$", "-test.count=1")
		cmd.Env = append(os.Environ(), saveChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		// Wait until the child has built its directories and starts
		// saving, then kill it a little later, at any point of a Save.
		sc := bufio.NewScanner(out)
		for sc.Scan() && sc.Text() != "saving" {
		}
		done := make(chan uint64)
		go func() {
			var last uint64
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
					last, _ = strconv.ParseUint(n, 10, 64)
				}
			}
			done <- last
		}()
		time.Sleep(time.Duration(rng.IntN(maxDelay)) * time.Microsecond)
		require.NoError(t, cmd.Process.Kill())
		reported := <-done
		cmd.Wait()

		got, err := directory.Open(t.Context(), dir)
		require.NoError(t, err, "kill %d", i)
		seq := directory.SnapshotSeq(got)
		require.GreaterOrEqual(t, seq, max(lastSeq, reported), "kill %d: an older snapshot than the last one saved", i)
		require.Equal(t, wantFor(seq), providersJSON(t, got), "kill %d: seq %d", i, seq)
		res, err := got.SearchText(directory.TextQuery{Words: "pantry", Query: directory.Query{Near: demo.Downtown}})
		require.NoError(t, err)
		assert.Equal(t, got.CategoryCount("basic.food.pantry"), res.Total, "kill %d: text index of another version", i)
		lastSeq = seq
	}
	t.Logf("%d kills; %d snapshots completed", kills, lastSeq-1)
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(ents), 2, "at most the snapshot and one aside: %v", ents)
}

// saveForever is the child process of TestSaveKilled: it saves the
// version due at each sequence number, again and again, until killed,
// printing "saved N" after each Save returns.
func saveForever(dir string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	d, err := directory.Open(context.Background(), dir)
	if err != nil {
		fail(err)
	}
	seq := directory.SnapshotSeq(d)
	versions := map[uint64]*directory.Directory{}
	for _, s := range []uint64{seq + 1, seq + 2} {
		if versions[s%2], err = campaignVersion(s); err != nil {
			fail(err)
		}
	}
	fmt.Println("saving")
	for {
		seq++
		if err := versions[seq%2].Save(context.Background(), dir); err != nil {
			fail(err)
		}
		fmt.Println("saved", seq)
	}
}
