package trends_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

// writeLog logs reqs in batches of varied sizes through a Log beside
// store s, and returns the log's path.
func writeLog(t *testing.T, s *trends.Store, reqs []trends.Request) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "requests.log")
	l, err := s.OpenLog(path)
	require.NoError(t, err)
	for lo := 0; lo < len(reqs); {
		hi := min(len(reqs), lo+1+lo%997)
		require.NoError(t, l.AddBatch(context.Background(), reqs[lo:hi]))
		lo = hi
	}
	require.NoError(t, l.Close())
	return path
}

func replayFile(t *testing.T, cfg trends.Config, path string) (*trends.Store, trends.ReplayResult, error) {
	t.Helper()
	s, err := trends.New(cfg)
	require.NoError(t, err)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	res, err := s.Replay(context.Background(), f)
	return s, res, err
}

// TestReplayEqualsLiveStore: a store rebuilt from the log answers every
// table exactly as the live store that wrote it (Unprotected: all bucket
// kinds; Suppress: the lattice, distinct students included), and a bad
// batch is neither logged nor added.
func TestReplayEqualsLiveStore(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(31, 4000)
	for _, mode := range []trends.Mode{trends.Unprotected, trends.Suppress} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg := gridConfig(t, mode)
			live, err := trends.New(cfg)
			require.NoError(t, err)
			path := writeLog(t, live, reqs)
			l, err := live.OpenLog(path)
			require.NoError(t, err)
			bad := []trends.Request{reqs[0], {Category: "a"}}
			require.ErrorIs(t, l.AddBatch(context.Background(), bad), trends.ErrNoTime)
			require.NoError(t, l.Close())

			back, res, err := replayFile(t, cfg, path)
			require.NoError(t, err)
			assert.Equal(t, int64(len(reqs)), res.Requests)
			assert.Zero(t, res.TornBytes)
			assert.Equal(t, live.Len(), back.Len())
			assert.Equal(t, allTables(t, live), allTables(t, back))
		})
	}
}

// TestReplayIgnoresTornTail cuts the log inside its last frame at every
// offset of a sample, as a crash mid-write would: Replay keeps every
// whole frame and reports the torn bytes; OpenLog then cuts the tail and
// later batches replay after the whole frames.
func TestReplayIgnoresTornTail(t *testing.T) {
	t.Parallel()
	cfg := gridConfig(t, trends.Unprotected)
	reqs := keyedRequests(32, 600)
	live, err := trends.New(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "requests.log")
	l, err := live.OpenLog(path)
	require.NoError(t, err)
	require.NoError(t, l.AddBatch(context.Background(), reqs[:500]))
	require.NoError(t, l.Sync())
	st, err := os.Stat(path)
	require.NoError(t, err)
	whole := st.Size()
	require.NoError(t, l.AddBatch(context.Background(), reqs[500:]))
	require.NoError(t, l.Close())
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	for cut := whole + 1; cut < int64(len(full)); cut += 1 + (cut-whole)/3 {
		torn := filepath.Join(t.TempDir(), "torn.log")
		require.NoError(t, os.WriteFile(torn, full[:cut], 0o600))
		back, res, err := replayFile(t, cfg, torn)
		require.NoError(t, err, "cut at %d", cut)
		assert.Equal(t, int64(500), res.Requests, "cut at %d", cut)
		assert.Equal(t, cut-whole, res.TornBytes, "cut at %d", cut)
		assert.Equal(t, int64(500), back.Len())
	}
	// A flipped byte in the last frame is a torn tail too.
	flipped := append([]byte(nil), full...)
	flipped[len(flipped)-3] ^= 0x40
	torn := filepath.Join(t.TempDir(), "flipped.log")
	require.NoError(t, os.WriteFile(torn, flipped, 0o600))
	_, res, err := replayFile(t, cfg, torn)
	require.NoError(t, err)
	assert.Equal(t, int64(500), res.Requests)
	// OpenLog cuts the tail; a new batch follows the whole frames.
	again, err := trends.New(cfg)
	require.NoError(t, err)
	l, err = again.OpenLog(torn)
	require.NoError(t, err)
	require.NoError(t, l.AddBatch(context.Background(), reqs[500:]))
	require.NoError(t, l.Close())
	back, res, err := replayFile(t, cfg, torn)
	require.NoError(t, err)
	assert.Equal(t, int64(600), res.Requests)
	assert.Zero(t, res.TornBytes)
	assert.Equal(t, allTables(t, live), allTables(t, back))
}

// TestReplayRefusesDamage: a damaged frame followed by more frames, a
// log of another configuration and a file that is not a log are errors.
func TestReplayRefusesDamage(t *testing.T) {
	t.Parallel()
	cfg := gridConfig(t, trends.Unprotected)
	live, err := trends.New(cfg)
	require.NoError(t, err)
	path := writeLog(t, live, keyedRequests(33, 3000))
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	mid := append([]byte(nil), full...)
	mid[80] ^= 1
	require.NoError(t, os.WriteFile(path, mid, 0o600))
	_, _, err = replayFile(t, cfg, path)
	assert.ErrorIs(t, err, trends.ErrCorrupt)
	var fe *trends.FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, int64(64), fe.Offset, "the first frame starts after the 64-byte header")

	require.NoError(t, os.WriteFile(path, full, 0o600))
	other := gridConfig(t, trends.Unprotected)
	other.StudentKey = []byte("another key")
	_, _, err = replayFile(t, other, path)
	assert.ErrorIs(t, err, trends.ErrMismatch)
	s, err := trends.New(cfg)
	require.NoError(t, err)
	_, err = s.Replay(context.Background(), strings.NewReader("not a log at all, just some text"))
	assert.ErrorIs(t, err, trends.ErrCorrupt)
	_, err = s.OpenLog(path + ".missing/dir")
	assert.Error(t, err)
}

// TestLogHoldsNoStudentField scans a log's bytes for planted student keys
// and the points' coordinates (text and float64 bits).
func TestLogHoldsNoStudentField(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(34, 1500)
	s, err := trends.New(gridConfig(t, trends.Unprotected))
	require.NoError(t, err)
	raw, err := os.ReadFile(writeLog(t, s, reqs))
	require.NoError(t, err)
	for i, r := range reqs[:300] {
		if r.Student != "" {
			require.False(t, bytes.Contains(raw, []byte(r.Student)), "request %d: student key in the log", i)
		}
		for _, v := range r.Point {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			require.False(t, bytes.Contains(raw, b[:]), "request %d: coordinate bits in the log", i)
		}
	}
}

// TestCheckpointRestart: a service ingests through a log, checkpoints,
// ingests more, and restarts (Open the store, Replay the log): the
// restarted store equals the live one, with no batch lost or counted
// twice — also when the crash came between saving the store and
// emptying the log, where Replay skips the frames the store counts.
func TestCheckpointRestart(t *testing.T) {
	t.Parallel()
	cfg := gridConfig(t, trends.Unprotected)
	reqs := keyedRequests(35, 3000)
	for _, crashBeforeEmptying := range []bool{false, true} {
		dir := t.TempDir()
		storePath, logPath := filepath.Join(dir, "trends.store"), filepath.Join(dir, "requests.log")
		live, err := trends.New(cfg)
		require.NoError(t, err)
		l, err := live.OpenLog(logPath)
		require.NoError(t, err)
		require.NoError(t, l.AddBatch(context.Background(), reqs[:1000]))
		require.NoError(t, l.AddBatch(context.Background(), reqs[1000:1800]))
		if crashBeforeEmptying {
			require.NoError(t, trends.SaveMarkedOnly(l, storePath))
		} else {
			require.NoError(t, l.Checkpoint(storePath))
		}
		require.NoError(t, l.AddBatch(context.Background(), reqs[1800:]))
		require.NoError(t, l.Close())

		back, err := trends.Open(t.Context(), storePath, cfg)
		require.NoError(t, err)
		f, err := os.Open(logPath)
		require.NoError(t, err)
		res, err := back.Replay(context.Background(), f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, int64(1200), res.Requests, "crash before emptying: %v", crashBeforeEmptying)
		if crashBeforeEmptying {
			assert.Equal(t, int64(1800), res.Skipped)
		} else {
			assert.Zero(t, res.Skipped)
		}
		assert.Equal(t, live.Len(), back.Len())
		assert.Equal(t, allTables(t, live), allTables(t, back))
		// A fresh store (no saved mark) replays the whole log.
		fresh, res2, err := replayFile(t, cfg, logPath)
		require.NoError(t, err)
		assert.Zero(t, res2.Skipped)
		assert.Equal(t, res2.Requests, fresh.Len())
	}
}
