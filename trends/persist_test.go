package trends_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

func gridConfig(t testing.TB, mode trends.Mode) trends.Config {
	return trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: mode, K: 5, StudentKey: []byte("district secret")}
}

// keyedRequests are two years of grid requests, most with a student key.
func keyedRequests(seed uint64, n int) []trends.Request {
	reqs := twoYears(seed, n)
	for i := range reqs {
		if i%5 != 0 {
			reqs[i].Student = fmt.Sprintf("STU-%05d", i%700)
		}
	}
	return reqs
}

// allTables reads every bucket kind of every set and node in
// Unprotected mode (days and weeks included), or the published lattice
// in Suppress mode.
func allTables(t *testing.T, s *trends.Store) []*trends.Table {
	t.Helper()
	if s.Mode() == trends.Suppress {
		return publishAll(t, s)
	}
	var out []*trends.Table
	for _, set := range []string{"a", "b", "c"} {
		for _, nd := range gridNodes {
			for _, b := range []trends.Bucket{trends.Day, trends.Week, trends.Month, trends.Quarter, trends.Half, trends.Year} {
				tab, err := s.Counts(context.Background(), trends.Query{Set: set, Category: nd.code, Exact: nd.exact, Bucket: b})
				require.NoError(t, err)
				out = append(out, tab)
			}
		}
	}
	return out
}

// TestSaveOpenRoundTrip: a saved and reopened store answers every table
// as the original does (Suppress: the whole lattice, distinct-student
// suppression included; Unprotected: every bucket kind), keeps the
// spent budget, and refuses a configuration that differs.
func TestSaveOpenRoundTrip(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(11, 3000)
	for _, mode := range []trends.Mode{trends.Suppress, trends.Unprotected, trends.Noise} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg := gridConfig(t, mode)
			s, err := trends.New(cfg)
			require.NoError(t, err)
			require.NoError(t, s.AddBatch(context.Background(), reqs))
			path := filepath.Join(t.TempDir(), "trends.store")
			if mode == trends.Noise {
				_, err := s.Counts(context.Background(), trends.Query{Set: "a"})
				require.NoError(t, err)
			}
			require.NoError(t, s.Save(path))
			got, err := trends.Open(t.Context(), path, cfg)
			require.NoError(t, err)
			assert.Equal(t, s.Len(), got.Len())
			assert.Equal(t, s.Spent(), got.Spent())
			if mode != trends.Noise {
				assert.Equal(t, allTables(t, s), allTables(t, got))
			}
			// Saving the reopened store gives the same bytes.
			var a, b bytes.Buffer
			_, err = s.WriteTo(&a)
			require.NoError(t, err)
			_, err = got.WriteTo(&b)
			require.NoError(t, err)
			assert.Equal(t, a.Bytes(), b.Bytes())
		})
	}
	s, err := trends.New(gridConfig(t, trends.Suppress))
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(context.Background(), reqs[:100]))
	path := filepath.Join(t.TempDir(), "trends.store")
	require.NoError(t, s.Save(path))
	for name, edit := range map[string]func(*trends.Config){
		"other K":           func(c *trends.Config) { c.K = 7 },
		"other key":         func(c *trends.Config) { c.StudentKey = []byte("another") },
		"no key":            func(c *trends.Config) { c.StudentKey = nil },
		"other sets":        func(c *trends.Config) { c.Sets = c.Sets[:2] },
		"other zone":        func(c *trends.Config) { c.Location = newYork(t) },
		"other set order":   func(c *trends.Config) { c.Sets[0], c.Sets[1] = c.Sets[1], c.Sets[0] },
		"default taxonomy":  func(c *trends.Config) { c.Taxonomy = nil },
		"mode may differ ✓": nil,
	} {
		cfg := gridConfig(t, trends.Suppress)
		if edit == nil {
			cfg.Mode = trends.Unprotected
			got, err := trends.Open(t.Context(), path, cfg)
			require.NoError(t, err, name)
			assert.Equal(t, int64(100), got.Len())
			continue
		}
		edit(&cfg)
		_, err := trends.Open(t.Context(), path, cfg)
		assert.ErrorIs(t, err, trends.ErrMismatch, name)
	}
}

// TestSavedFileHoldsNoStudentField scans the bytes of a saved store for
// the planted student keys (as text), the points' coordinates (as text
// and as float64 bits) and the unkeyed SHA-256 prefix of a key: none may
// appear. Only keyed 8-byte hashes are stored.
func TestSavedFileHoldsNoStudentField(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(12, 2000)
	s, err := trends.New(gridConfig(t, trends.Suppress))
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(context.Background(), reqs))
	path := filepath.Join(t.TempDir(), "trends.store")
	require.NoError(t, s.Save(path))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	for i, r := range reqs[:300] {
		if r.Student != "" {
			require.False(t, bytes.Contains(raw, []byte(r.Student)), "request %d: student key on disk", i)
		}
		for _, v := range r.Point {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			require.False(t, bytes.Contains(raw, b[:]), "request %d: coordinate bits on disk", i)
			require.False(t, bytes.Contains(raw, []byte(fmt.Sprint(v))), "request %d: coordinate text on disk", i)
		}
	}
	assert.False(t, bytes.Contains(raw, []byte("district secret")), "the HMAC key is never saved")
}

// TestCorruptFilesAreRefused: 50 single-byte flips at random offsets and
// 50 truncations at random lengths of a saved store. Every one must be
// refused with ErrCorrupt — 0 garbage loads, 0 crashes — and the intact
// file must still open.
func TestCorruptFilesAreRefused(t *testing.T) {
	t.Parallel()
	cfg := gridConfig(t, trends.Unprotected)
	s, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(context.Background(), keyedRequests(13, 2000)))
	var buf bytes.Buffer
	_, err = s.WriteTo(&buf)
	require.NoError(t, err)
	good := buf.Bytes()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 5))
	garbage := 0
	for i := range 100 {
		bad := append([]byte(nil), good...)
		what := ""
		if i < 50 {
			off := rng.IntN(len(bad))
			bad[off] ^= byte(1 + rng.IntN(255))
			what = fmt.Sprintf("flip at %d", off)
		} else {
			n := rng.IntN(len(bad))
			bad = bad[:n]
			what = fmt.Sprintf("truncated to %d", n)
		}
		path := filepath.Join(dir, fmt.Sprintf("bad-%d", i))
		require.NoError(t, os.WriteFile(path, bad, 0o600))
		got, err := trends.Open(t.Context(), path, cfg)
		if err == nil || got != nil {
			garbage++
			t.Errorf("%s: loaded", what)
			continue
		}
		assert.ErrorIs(t, err, trends.ErrCorrupt, what)
		var fe *trends.FileError
		assert.ErrorAs(t, err, &fe, what)
		_, err = trends.ReadStore(t.Context(), bytes.NewReader(bad), cfg)
		assert.ErrorIs(t, err, trends.ErrCorrupt, "%s (reader)", what)
	}
	assert.Zero(t, garbage)
	_, err = trends.ReadStore(t.Context(), bytes.NewReader(good), cfg)
	require.NoError(t, err)
}

const saveChildEnv = "TRENDS_SAVE_CHILD"

// TestSaveKilled kills a process (SIGKILL) at 100 random points of Save
// (20 with -short or -race): each child reads the new store from a file the test
// prepared, prints "saving" and saves it over a file holding the old
// store, again and again, until killed after a random delay. Four
// children run at a time on separate files. After every kill the file
// must open and be either the old store or the new one, whole: 0
// garbage loads, 0 failed opens.
func TestSaveKilled(t *testing.T) {
	if env := os.Getenv(saveChildEnv); env != "" {
		src, dst, _ := strings.Cut(env, "|")
		f, err := os.Open(src)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		next, err := trends.ReadStore(t.Context(), f, gridConfig(t, trends.Unprotected))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("saving")
		for {
			if err := next.Save(dst); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
	}
	t.Parallel()
	cfg := gridConfig(t, trends.Unprotected)
	old, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, old.AddBatch(context.Background(), keyedRequests(21, 1000)))
	next, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, next.AddBatch(context.Background(), keyedRequests(22, 8000)))
	dir := t.TempDir()
	src := filepath.Join(dir, "next.store")
	require.NoError(t, next.Save(src))
	runs := 100
	if testing.Short() || raceEnabled {
		runs = 20
	}
	const workers = 4
	type outcome struct {
		run int
		n   int64
		err error
	}
	results := make(chan outcome, runs)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(9, uint64(w)))
			path := filepath.Join(dir, fmt.Sprintf("w%d", w), "trends.store")
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				results <- outcome{err: err}
				return
			}
			for i := w; i < runs; i += workers {
				if err := old.Save(path); err != nil {
					results <- outcome{run: i, err: err}
					continue
				}
				cmd := exec.Command(os.Args[0], "-test.run=^TestSaveKilled$", "-test.count=1")
				cmd.Env = append(os.Environ(), saveChildEnv+"="+src+"|"+path)
				out, err := cmd.StdoutPipe()
				if err == nil {
					err = cmd.Start()
				}
				if err != nil {
					results <- outcome{run: i, err: err}
					continue
				}
				sc := bufio.NewScanner(out)
				for sc.Scan() && sc.Text() != "saving" {
				}
				time.Sleep(time.Duration(rng.IntN(8_000)) * time.Microsecond)
				cmd.Process.Kill()
				cmd.Wait()
				got, err := trends.Open(t.Context(), path, cfg)
				if err != nil {
					results <- outcome{run: i, err: err}
					continue
				}
				results <- outcome{run: i, n: got.Len()}
			}
		}()
	}
	wg.Wait()
	close(results)
	counts := map[int64]int{}
	for r := range results {
		require.NoError(t, r.err, "run %d: the file must stay loadable", r.run)
		require.Contains(t, []int64{old.Len(), next.Len()}, r.n, "run %d", r.run)
		counts[r.n]++
	}
	require.Equal(t, runs, counts[old.Len()]+counts[next.Len()])
	for w := range workers {
		left, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("w%d", w), ".trends.store.tmp-*"))
		assert.LessOrEqual(t, len(left), 1, "Save clears leftovers of killed saves")
	}
	t.Logf("after %d kills: %d old, %d new", runs, counts[old.Len()], counts[next.Len()])
}

// TestOpenCancelled checks that Open and ReadStore return
// context.Canceled and no Store when their context has ended, whether
// before they start or while they read, and that the file is still
// readable afterwards.
func TestOpenCancelled(t *testing.T) {
	t.Parallel()
	cfg := gridConfig(t, trends.Suppress)
	s, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(t.Context(), keyedRequests(12, 500)))
	path := filepath.Join(t.TempDir(), "trends.store")
	require.NoError(t, s.Save(path))
	var buf bytes.Buffer
	_, err = s.WriteTo(&buf)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err := trends.Open(ctx, path, cfg)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, got)
	got, err = trends.ReadStore(ctx, bytes.NewReader(buf.Bytes()), cfg)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, got)

	// A reader that ends the context once read: the look after reading
	// catches it.
	ctx, cancel = context.WithCancel(t.Context())
	got, err = trends.ReadStore(ctx, cancelOnEOF{bytes.NewReader(buf.Bytes()), cancel}, cfg)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, got)

	got, err = trends.Open(t.Context(), path, cfg)
	require.NoError(t, err)
	assert.Equal(t, s.Len(), got.Len())
}

// cancelOnEOF is a reader that calls cancel when it reaches the end.
type cancelOnEOF struct {
	r      *bytes.Reader
	cancel context.CancelFunc
}

func (c cancelOnEOF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.r.Len() == 0 {
		c.cancel()
	}
	return n, err
}

// TestOpenVersion1 opens a store saved in the first file format (day and
// week rows split by outcome; testdata/store-v1.trends was saved by that
// release from these very requests) and checks it answers every table as
// a store ingesting the same requests today, and is saved again in the
// current format with the same answers.
func TestOpenVersion1(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(11, 3000)
	for i := range reqs {
		reqs[i].Outcome = trends.Outcome(i % 4)
	}
	cfg := gridConfig(t, trends.Unprotected)
	want, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, want.AddBatch(context.Background(), reqs))

	raw, err := os.ReadFile(filepath.Join("testdata", "store-v1.trends"))
	require.NoError(t, err)
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(raw[8:12]), "the fixture is a version 1 file")
	got, err := trends.Open(t.Context(), filepath.Join("testdata", "store-v1.trends"), cfg)
	require.NoError(t, err)
	assert.Equal(t, want.Len(), got.Len())
	assert.Equal(t, allTables(t, want), allTables(t, got))

	var a, b bytes.Buffer
	_, err = want.WriteTo(&a)
	require.NoError(t, err)
	_, err = got.WriteTo(&b)
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes(), "saved again in the current format")
	assert.Equal(t, uint32(2), binary.LittleEndian.Uint32(b.Bytes()[8:12]))
	assert.Less(t, b.Len(), len(raw), "day and week rows no longer split by outcome")
}
