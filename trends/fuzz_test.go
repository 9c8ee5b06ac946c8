package trends_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

var (
	fuzzOnce   sync.Once
	fuzzStores [3]*trends.Store
	fuzzFile   []byte
	fuzzLog    []byte
	fuzzCfg    trends.Config
)

// fuzzFixtures builds one small store per mode (2024–2025 grid data) and
// a saved store file and request log to seed the file fuzzers.
func fuzzFixtures(t testing.TB) {
	fuzzOnce.Do(func() {
		reqs := keyedRequests(51, 600)
		for i, mode := range []trends.Mode{trends.Suppress, trends.Noise, trends.Unprotected} {
			cfg := gridConfig(t, mode)
			cfg.Budget = math.Inf(1)
			cfg.MaxQueryBytes = 8 << 20
			s, err := trends.New(cfg)
			require.NoError(t, err)
			require.NoError(t, s.AddBatch(context.Background(), reqs))
			fuzzStores[i] = s
		}
		// A small store keeps the seed file small (about 2 KB), which the
		// fuzzing engine mutates far faster than a large one.
		small, err := trends.New(gridConfig(t, trends.Unprotected))
		require.NoError(t, err)
		require.NoError(t, small.AddBatch(context.Background(), reqs[:40]))
		var buf bytes.Buffer
		_, err = small.WriteTo(&buf)
		require.NoError(t, err)
		fuzzFile = buf.Bytes()
		path := t.(interface{ TempDir() string }).TempDir() + "/requests.log"
		s, err := trends.New(gridConfig(t, trends.Unprotected))
		require.NoError(t, err)
		l, err := s.OpenLog(path)
		require.NoError(t, err)
		require.NoError(t, l.AddBatch(context.Background(), reqs[:20]))
		require.NoError(t, l.AddBatch(context.Background(), reqs[20:25]))
		require.NoError(t, l.Close())
		fuzzLog, err = os.ReadFile(path)
		require.NoError(t, err)
		fuzzCfg = gridConfig(t, trends.Unprotected)
	})
}

// FuzzQueryRange asks Counts and RisingNeeds for arbitrary bucket ranges
// (any instants, from the start of time to its end), bucket kinds, modes
// and categories. Invariants: no panic; an answer has one cell per
// period in every row, periods in order and adjacent; Unprotected rows
// sum to the total; an error is one of the package's errors.
func FuzzQueryRange(f *testing.F) {
	fuzzFixtures(f)
	day := int64(86400)
	jan24 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for _, seed := range []struct {
		from, to    int64
		bucket, mod uint8
		cat         uint8
	}{
		{jan24, jan24 + 700*day, 0, 0, 0}, {jan24, jan24 + 40*day, 1, 2, 3}, {0, 0, 2, 2, 1},
		{math.MinInt64, math.MaxInt64, 3, 0, 2}, {jan24, jan24 - day, 4, 1, 0}, {-62135596800, 253402300799, 5, 2, 6},
	} {
		f.Add(seed.from, seed.to, seed.bucket, seed.mod, seed.cat)
	}
	f.Fuzz(func(t *testing.T, from, to int64, bucket, mod, cat uint8) {
		s := fuzzStores[int(mod)%3]
		nodes := append([]string{""}, smallCodes...)
		q := trends.Query{Set: []string{"a", "b", "c"}[int(cat)%3], Category: nodes[int(cat)%len(nodes)], Bucket: trends.Bucket(bucket % 8)}
		if from != 0 {
			q.From = time.Unix(from, 0)
		}
		if to != 0 {
			q.To = time.Unix(to, 0)
		}
		tab, err := s.Counts(context.Background(), q)
		if err != nil {
			require.True(t, isTrendsError(err), "unexpected error %v", err)
			require.Nil(t, tab)
		} else {
			for _, row := range tab.Rows {
				require.Len(t, row.Cells, len(tab.Periods))
			}
			for i := 1; i < len(tab.Periods); i++ {
				require.Equal(t, tab.Periods[i-1].End, tab.Periods[i].Start)
			}
			if s.Mode() == trends.Unprotected {
				for i := range tab.Periods {
					var sum int64
					for _, row := range tab.Rows[:len(tab.Rows)-1] {
						sum += row.Cells[i].Count
					}
					require.Equal(t, tab.Rows[len(tab.Rows)-1].Cells[i].Count, sum)
				}
			}
		}
		_, err = s.RisingNeeds(context.Background(), trends.RisingQuery{Set: q.Set, Category: q.Category, Bucket: q.Bucket,
			At: q.From, Against: trends.Baseline(cat % 3)})
		if err != nil {
			require.True(t, isTrendsError(err), "unexpected error %v", err)
		}
	})
}

func isTrendsError(err error) bool {
	for _, e := range []error{trends.ErrBadQuery, trends.ErrBadTime, trends.ErrTooLarge, trends.ErrOffLattice,
		trends.ErrUnknownCategory, trends.ErrUnknownRegionSet, trends.ErrBudget} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// FuzzReadStore feeds arbitrary bytes to ReadStore, as they are and
// with the header's length and checksums recomputed so that the body
// decoder sees arbitrary bodies too. Invariants: no panic; a store that
// loads writes back to the same bytes (nothing silently changed).
func FuzzReadStore(f *testing.F) {
	fuzzFixtures(f)
	f.Add(fuzzFile)
	f.Add(fuzzFile[:len(fuzzFile)/2])
	f.Add([]byte("WRAPTRND"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fixed := append([]byte(nil), data...)
		if len(fixed) >= 32 {
			binary.LittleEndian.PutUint64(fixed[16:], uint64(len(fixed)-32))
			binary.LittleEndian.PutUint32(fixed[24:], crc32.Checksum(fixed[32:], crc32.MakeTable(crc32.Castagnoli)))
			binary.LittleEndian.PutUint32(fixed[28:], crc32.Checksum(fixed[:28], crc32.MakeTable(crc32.Castagnoli)))
		}
		for _, in := range [][]byte{data, fixed} {
			s, err := trends.ReadStore(t.Context(), bytes.NewReader(in), fuzzCfg)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			_, err = s.WriteTo(&buf)
			require.NoError(t, err)
			require.Equal(t, in, buf.Bytes())
		}
	})
}

// FuzzReplay feeds arbitrary bytes to Replay. Invariants: no panic; the
// requests replayed are exactly what the store then holds.
func FuzzReplay(f *testing.F) {
	fuzzFixtures(f)
	f.Add(fuzzLog)
	f.Add(fuzzLog[:len(fuzzLog)-7])
	f.Add(fuzzLog[:64])
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := trends.New(fuzzCfg)
		require.NoError(t, err)
		res, _ := s.Replay(context.Background(), bytes.NewReader(data))
		require.Equal(t, res.Requests, s.Len())
	})
}

// TestMutatedFilesNeverCrash mutates 1 to 4 bytes of a saved store's
// body 1,000 times (200 with -short or -race) and recomputes its checksums, so that the decoder
// (not the checksum) meets each mutation; likewise for the frames of a
// request log. Invariants as in the fuzzers: no panic, a store that
// loads writes back the same bytes, a replay holds what it reports.
// (This found a negative counter index that checksums had hidden from
// the fuzzers.)
func TestMutatedFilesNeverCrash(t *testing.T) {
	t.Parallel()
	fuzzFixtures(t)
	rng := rand.New(rand.NewPCG(1, 2))
	tab := crc32.MakeTable(crc32.Castagnoli)
	rounds := 1000
	if testing.Short() || raceEnabled {
		rounds = 200
	}
	loaded := 0
	for range rounds {
		in := append([]byte(nil), fuzzFile...)
		for range 1 + rng.IntN(4) {
			in[32+rng.IntN(len(in)-32)] = byte(rng.IntN(256))
		}
		binary.LittleEndian.PutUint32(in[24:], crc32.Checksum(in[32:], tab))
		binary.LittleEndian.PutUint32(in[28:], crc32.Checksum(in[:28], tab))
		s, err := trends.ReadStore(t.Context(), bytes.NewReader(in), fuzzCfg)
		if err != nil {
			if !errors.Is(err, trends.ErrMismatch) { // a mutated fingerprint
				require.ErrorIs(t, err, trends.ErrCorrupt)
			}
			continue
		}
		loaded++
		var buf bytes.Buffer
		_, err = s.WriteTo(&buf)
		require.NoError(t, err)
		require.Equal(t, in, buf.Bytes())
	}
	t.Logf("%d of %d mutated bodies were well formed", loaded, rounds)
	for range rounds {
		in := append([]byte(nil), fuzzLog...)
		for range 1 + rng.IntN(4) {
			in[64+rng.IntN(len(in)-64)] = byte(rng.IntN(256))
		}
		// Recompute every frame's checksum over its (mutated) payload.
		for off := 64; off+8 <= len(in); {
			n := int(binary.LittleEndian.Uint32(in[off:]))
			if n > len(in)-off-8 {
				break
			}
			binary.LittleEndian.PutUint32(in[off+4:], crc32.Checksum(in[off+8:off+8+n], tab))
			off += 8 + n
		}
		s, err := trends.New(fuzzCfg)
		require.NoError(t, err)
		res, _ := s.Replay(context.Background(), bytes.NewReader(in))
		require.Equal(t, res.Requests, s.Len())
	}
}
