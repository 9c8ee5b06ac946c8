package trends_test

import (
	"bytes"
	"context"
	"errors"
	"math"
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
		var buf bytes.Buffer
		_, err := fuzzStores[2].WriteTo(&buf)
		require.NoError(t, err)
		fuzzFile = buf.Bytes()
		path := t.(interface{ TempDir() string }).TempDir() + "/requests.log"
		s, err := trends.New(gridConfig(t, trends.Unprotected))
		require.NoError(t, err)
		l, err := s.OpenLog(path)
		require.NoError(t, err)
		require.NoError(t, l.AddBatch(context.Background(), reqs[:50]))
		require.NoError(t, l.AddBatch(context.Background(), reqs[50:60]))
		require.NoError(t, l.Close())
		fuzzLog, err = os.ReadFile(path)
		require.NoError(t, err)
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

// FuzzReadStore feeds arbitrary bytes to ReadStore. Invariants: no
// panic; a store that loads writes back to the same bytes (so nothing
// was silently changed) and loads again.
func FuzzReadStore(f *testing.F) {
	fuzzFixtures(f)
	f.Add(fuzzFile)
	f.Add(fuzzFile[:len(fuzzFile)/2])
	f.Add([]byte("WRAPTRND"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := gridConfig(t, trends.Unprotected)
		s, err := trends.ReadStore(bytes.NewReader(data), cfg)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		_, err = s.WriteTo(&buf)
		require.NoError(t, err)
		require.Equal(t, data, buf.Bytes())
	})
}

// FuzzReplay feeds arbitrary bytes to Replay. Invariants: no panic; the
// requests replayed are exactly what the store then holds.
func FuzzReplay(f *testing.F) {
	fuzzFixtures(f)
	f.Add(fuzzLog)
	f.Add(fuzzLog[:len(fuzzLog)-7])
	f.Add(fuzzLog[:48])
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := trends.New(gridConfig(t, trends.Unprotected))
		require.NoError(t, err)
		res, _ := s.Replay(context.Background(), bytes.NewReader(data))
		require.Equal(t, res.Requests, s.Len())
	})
}
