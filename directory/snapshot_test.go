package directory_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

// providersJSON encodes every provider, for comparing directories.
func providersJSON(t testing.TB, d *directory.Directory) string {
	var b strings.Builder
	for p := range d.All() {
		data, err := json.Marshal(p)
		require.NoError(t, err)
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// sameAnswers checks that a and b answer random text and spatial queries
// identically.
func sameAnswers(t *testing.T, a, b *directory.Directory, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 60 {
		q := randomTextQuery(rng, a)
		ra, errA := a.SearchText(q)
		rb, errB := b.SearchText(q)
		require.Equal(t, errA, errB)
		if errA != nil {
			continue
		}
		require.Equal(t, ra.Total, rb.Total, "%+v", q)
		require.Equal(t, len(ra.Hits), len(rb.Hits))
		for i := range ra.Hits {
			assert.Equal(t, ra.Hits[i].Provider.ID, rb.Hits[i].Provider.ID)
			assert.Equal(t, ra.Hits[i].Score, rb.Hits[i].Score)
			assert.Equal(t, ra.Hits[i].Relevance, rb.Hits[i].Relevance)
			assert.Equal(t, ra.Hits[i].Distance, rb.Hits[i].Distance)
		}
		assert.Equal(t, ra.Facets, rb.Facets)
		assert.Equal(t, ra.Suggestions, rb.Suggestions)
		assert.Equal(t, ra.Corrections, rb.Corrections)
		assert.Equal(t, ra.Unmatched, rb.Unmatched)

		sq := q.Query
		if sq.K == 0 && sq.Radius == 0 {
			sq.K = 5
		}
		sa, errA := a.Search(sq)
		sb, errB := b.Search(sq)
		require.Equal(t, errA, errB)
		assert.Equal(t, resultIDs(sa), resultIDs(sb))
	}
}

func TestSaveOpen(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	dir := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, d.Save(dir))

	got, err := directory.Open(dir)
	require.NoError(t, err)
	assert.True(t, got.HasTextIndex())
	assert.Equal(t, d.Len(), got.Len())
	assert.Equal(t, d.Location().String(), got.Location().String())
	assert.Equal(t, d.RegionSets(), got.RegionSets())
	assert.Equal(t, d.Taxonomy().All(), got.Taxonomy().All())
	assert.Equal(t, providersJSON(t, d), providersJSON(t, got))
	for _, set := range d.RegionSets() {
		ra, _ := d.Regions(set)
		rb, ok := got.Regions(set)
		require.True(t, ok)
		require.Equal(t, ra.Len(), rb.Len())
		for i, r := range ra.All() {
			assert.Equal(t, r.Name, rb.All()[i].Name)
			assert.Equal(t, r.Geometry, rb.All()[i].Geometry)
		}
	}
	sameAnswers(t, d, got, 5)
}

func TestSaveWithoutTextIndex(t *testing.T) {
	t.Parallel()
	plain := tinyDir(t, 5, false)
	dir := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, plain.Save(dir))
	got, err := directory.Open(dir)
	require.NoError(t, err)
	assert.False(t, got.HasTextIndex())
	assert.Equal(t, providersJSON(t, plain), providersJSON(t, got))
	_, err = got.SearchText(directory.TextQuery{Words: "food"})
	assert.ErrorIs(t, err, directory.ErrNoTextIndex)
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	good := filepath.Join(t.TempDir(), "good")
	require.NoError(t, d.Save(good))
	tests := []struct {
		name  string
		spoil func(dir string) error
	}{
		{"missing folder", func(dir string) error { return os.RemoveAll(dir) }},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, "manifest.json")) }},
		{"future format", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"format": 99}`), 0o644)
		}},
		{"truncated providers", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "providers.json"), []byte(`[{"id": "x"`), 0o644)
		}},
		{"no text index", func(dir string) error { return os.RemoveAll(filepath.Join(dir, "text")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "snap")
			require.NoError(t, os.CopyFS(dir, os.DirFS(good)))
			require.NoError(t, tc.spoil(dir))
			_, err := directory.Open(dir)
			assert.ErrorIs(t, err, directory.ErrBadSnapshot)
		})
	}
}

// errCrash stands for a crash in the middle of Save.
var errCrash = errors.New("crash")

// TestSaveInterrupted stops a Save after each of its steps, as a crash
// would, and checks that the previous snapshot still opens with its own
// content; then a complete Save replaces it.
func TestSaveInterrupted(t *testing.T) {
	// Not parallel: the save hook is global.
	old, next := tinyDir(t, 3, true), tinyDir(t, 4, true)
	extra, _ := next.Provider("t4")
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	require.NoError(t, old.Save(dir))
	for _, step := range []string{"taxonomy", "providers", "regions", "text", "manifest", "aside"} {
		t.Run(step, func(t *testing.T) {
			restore := directory.SetSaveHook(func(s string) error {
				if s == step {
					return errCrash
				}
				return nil
			})
			err := next.Save(dir)
			restore()
			require.ErrorIs(t, err, errCrash)
			got, err := directory.Open(dir)
			require.NoError(t, err)
			assert.Equal(t, old.Len(), got.Len())
			_, ok := got.Provider(extra.ID)
			assert.False(t, ok, "the new snapshot leaked into the old one")
		})
	}
	require.NoError(t, next.Save(dir))
	got, err := directory.Open(dir)
	require.NoError(t, err)
	assert.Equal(t, next.Len(), got.Len())
	_, ok := got.Provider(extra.ID)
	assert.True(t, ok)
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, ents, 1, "leftovers of interrupted saves are removed")
	assert.Equal(t, "snap", ents[0].Name())
}

// tinyDir builds a directory of n providers "t1"… with a region set.
func tinyDir(t testing.TB, n int, text bool) *directory.Directory {
	t.Helper()
	d, err := buildTiny(n, text)
	require.NoError(t, err)
	return d
}

func buildTiny(n int, text bool) (*directory.Directory, error) {
	zips, err := demo.Regions(demo.ZipCodes)
	if err != nil {
		return nil, err
	}
	b := directory.NewBuilder()
	b.TextIndex = text
	b.AddRegions(demo.ZipCodes, zips)
	names := []string{"Northside Food Pantry", "Eastgate Eye Clinic", "Tutoría Latina", "Westside Coat Closet", "Downtown Dental"}
	cats := []string{"basic.food.pantry", "health.vision", "education.tutoring", "basic.clothing", "health.dental"}
	for i := range n {
		b.Add(directory.Provider{
			ID: fmt.Sprintf("t%d", i+1), Name: names[i%len(names)], Categories: []string{cats[i%len(cats)]},
			Point: orb.Point{demo.Downtown[0] + 0.01*float64(i), demo.Downtown[1]},
		})
	}
	return b.Build()
}

const saveChildEnv = "WRAPAROUND_SAVE_CHILD_DIR"

// TestSaveKilled kills a process in the middle of saving (SIGKILL, at a
// random moment) and checks that a complete snapshot — the old or the
// new — opens afterwards.
func TestSaveKilled(t *testing.T) {
	if dir := os.Getenv(saveChildEnv); dir != "" {
		saveForever(dir)
		return
	}
	t.Parallel()
	old := demoText(t)
	root := t.TempDir()
	dir := filepath.Join(root, "snap")
	require.NoError(t, old.Save(dir))
	rng := rand.New(rand.NewPCG(1, 2))
	runs := 3
	for i := range runs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveKilled$", "-test.count=1")
		cmd.Env = append(os.Environ(), saveChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		// Wait until the child has built its directory and starts
		// saving, then kill it a little later.
		sc := bufio.NewScanner(out)
		for sc.Scan() && sc.Text() != "saving" {
		}
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		cmd.Wait()

		got, err := directory.Open(dir)
		require.NoError(t, err, "run %d", i)
		switch got.Len() {
		case old.Len():
		case 4:
			// The new snapshot, text index included.
			res, err := got.SearchText(directory.TextQuery{Words: "eye clinic", Query: directory.Query{Near: demo.Downtown}})
			require.NoError(t, err)
			assert.Equal(t, []string{"t2"}, hitIDs(res))
		default:
			t.Errorf("run %d: %d providers", i, got.Len())
		}
	}
}

// saveForever is the child process of TestSaveKilled: it saves a small
// directory over the demo one, again and again, until killed.
func saveForever(dir string) {
	d, err := buildTiny(4, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("saving")
	for {
		if err := d.Save(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
