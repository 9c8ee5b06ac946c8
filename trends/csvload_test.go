package trends_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

// exportCSV writes requests as a PostgreSQL export would: psql's
// timestamptz text for half the rows and RFC 3339 for the others, an
// extra id column, region rows with empty lon and lat.
func exportCSV(reqs []trends.Request) string {
	var b strings.Builder
	b.WriteString("id,requested_at,category,outcome,lon,lat,region_set,region,student\n")
	for i, r := range reqs {
		ts := r.Time.Format(time.RFC3339)
		if i%2 == 0 {
			ts = r.Time.UTC().Format("2006-01-02 15:04:05") + "+00"
		}
		lon, lat := fmt.Sprint(r.Point[0]), fmt.Sprint(r.Point[1])
		if r.RegionSet != "" {
			lon, lat = "", ""
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s,%s,%s,%s\n", i, ts, r.Category, r.Outcome, lon, lat, r.RegionSet, r.Region, r.Student)
	}
	return b.String()
}

// TestReadCSVEqualsAddBatch: the CSV export of a set of requests loads
// into the same tables as adding the requests directly.
func TestReadCSVEqualsAddBatch(t *testing.T) {
	t.Parallel()
	loadEqualsAddBatch(t, 41, func(s *trends.Store, reqs []trends.Request) (int, error) {
		return s.ReadCSV(context.Background(), strings.NewReader(exportCSV(reqs)))
	})
}

// loadEqualsAddBatch checks that load puts 2,500 keyed requests (drawn
// from seed, some placed by region instead of point) into the same
// tables as AddBatch, and counts them all.
func loadEqualsAddBatch(t *testing.T, seed uint64, load func(*trends.Store, []trends.Request) (int, error)) {
	t.Helper()
	reqs := keyedRequests(seed, 2500)
	for i := 0; i < len(reqs); i += 9 {
		reqs[i].RegionSet, reqs[i].Region = "b", fmt.Sprintf("b-%d%d", i%2, (i/2)%2)
	}
	cfg := gridConfig(t, trends.Unprotected)
	direct, err := trends.New(cfg)
	require.NoError(t, err)
	require.NoError(t, direct.AddBatch(context.Background(), reqs))
	loaded, err := trends.New(cfg)
	require.NoError(t, err)
	n, err := load(loaded, reqs)
	require.NoError(t, err)
	assert.Equal(t, len(reqs), n)
	assert.Equal(t, allTables(t, direct), allTables(t, loaded))
}

// TestReadCSVMalformed is the CSV part of the malformed-input corpus:
// each bad row is reported with its line and column, nothing is added,
// and no message quotes the row's values.
func TestReadCSVMalformed(t *testing.T) {
	t.Parallel()
	const head = "requested_at,category,outcome,lon,lat,region_set,region,student\n"
	const good = "2025-03-01T10:00:00-05:00,a.x,served,1.5,2.5,,,S-1\n"
	for _, tc := range []struct {
		name, csv string
		line      int
		column    string
		want      error
	}{
		{"time without offset", head + good + "2025-03-01 10:00:00,a.x,,1.2345678,2.3456789,,,\n", 3, "requested_at", nil},
		{"empty time", head + ",a.x,,1.2345678,2.3456789,,,\n", 2, "requested_at", trends.ErrNoTime},
		{"time out of range", head + "0000-03-01T10:00:00Z,a.x,,1.5,2.5,,,\n", 2, "requested_at", trends.ErrBadTime},
		{"unknown category", head + "2025-03-01T10:00:00Z,panic attacks after eviction,,1.5,2.5,,,\n", 2, "category", trends.ErrUnknownCategory},
		{"bad outcome", head + "2025-03-01T10:00:00Z,a.x,maybe,1.5,2.5,,,\n", 2, "outcome", trends.ErrBadOutcome},
		{"lon not a number", head + "2025-03-01T10:00:00Z,a.x,,east,2.3456789,,,\n", 2, "lon", trends.ErrBadPoint},
		{"lat not a number", head + "2025-03-01T10:00:00Z,a.x,,1.2345678,,,,\n", 2, "lat", trends.ErrBadPoint},
		{"NaN point", head + "2025-03-01T10:00:00Z,a.x,,NaN,2.3456789,,,\n", 2, "lon,lat", trends.ErrBadPoint},
		{"Inf point", head + "2025-03-01T10:00:00Z,a.x,,1.2345678,-Inf,,,\n", 2, "lon,lat", trends.ErrBadPoint},
		{"failed geocode", head + "2025-03-01T10:00:00Z,a.x,,0,0,,,\n", 2, "lon,lat", trends.ErrBadPoint},
		{"swapped point", head + "2025-03-01T10:00:00Z,a.x,,35.0632,-120.6597,,,\n", 2, "lon,lat", trends.ErrBadPoint},
		{"no place", head + "2025-03-01T10:00:00Z,a.x,,,,,,\n", 2, "lon", trends.ErrBadPoint},
		{"unknown region set", head + "2025-03-01T10:00:00Z,a.x,,,,zz,a-00,\n", 2, "region_set", trends.ErrUnknownRegionSet},
		{"unknown region", head + "2025-03-01T10:00:00Z,a.x,,,,a,a-99,\n", 2, "region", trends.ErrUnknownRegion},
		{"bare quote", head + good + "2025-03-01T10:00:00Z,a\"x,,1.5,2.5,,,\n", 3, "", nil},
		{"missing column", "requested_at,lon,lat\n2025-03-01T10:00:00Z,1.5,2.5\n", 1, "category", nil},
		{"duplicate column", "requested_at,category,category\n", 1, "category", nil},
		{"empty file", "", 1, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected, StudentKey: []byte("k")})
			require.NoError(t, err)
			n, err := s.ReadCSV(context.Background(), strings.NewReader(tc.csv))
			require.Error(t, err)
			assert.Zero(t, n)
			assert.Zero(t, s.Len(), "nothing added")
			var ce *trends.CSVError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.line, ce.Line)
			assert.Equal(t, tc.column, ce.Column)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assertNoPlanted(t, "CSV error", err.Error())
		})
	}
}

// TestReadCSVCapsErrors: 5,000 bad rows give 100 listed errors and a
// count, not 5,000 messages.
func TestReadCSVCapsErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("requested_at,category,lon,lat\n")
	rng := rand.New(rand.NewPCG(1, 1))
	for range 5000 {
		fmt.Fprintf(&b, "2025-03-01T10:00:00Z,nope,%g,%g\n", rng.Float64(), rng.Float64())
	}
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t)})
	require.NoError(t, err)
	_, err = s.ReadCSV(context.Background(), strings.NewReader(b.String()))
	require.ErrorIs(t, err, trends.ErrTooManyErrors)
	assert.Contains(t, err.Error(), "5000 bad rows")
	assert.Equal(t, 101, strings.Count(err.Error(), "\n")+1)
}
