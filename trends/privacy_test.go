package trends_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// planted are values that appear only in the requests a test sends: a
// student key, the digits of home coordinates and a family's words put
// where a category belongs. None may come back in any error or export.
var planted = []string{"STU-PLANTED-4711", "120.6597", "35.0632", "1.2345678", "2.3456789", "panic attacks after eviction"}

func assertNoPlanted(t *testing.T, what, s string) {
	t.Helper()
	for _, p := range planted {
		assert.NotContains(t, s, p, "%s quotes a student field", what)
	}
}

// TestErrorsNeverQuoteStudentFields sends requests whose every personal
// field is bad in a way the store reports, and checks that the errors —
// each one and the joined whole — name the request and field but quote
// none of the values. The swapped-coordinate case is the one issue 14
// reproduced ("latitude -120.6597, longitude 35.0632").
func TestErrorsNeverQuoteStudentFields(t *testing.T) {
	t.Parallel()
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected})
	require.NoError(t, err)
	when := time.Date(2025, 5, 5, 12, 0, 0, 0, time.UTC)
	bad := []trends.Request{
		{Time: when, Point: orb.Point{35.0632, -120.6597}, Category: "a", Student: "STU-PLANTED-4711"},
		{Time: when, Point: orb.Point{235.0632, 1.2345678}, Category: "a"},
		{Time: when, Point: orb.Point{math.NaN(), 2.3456789}, Category: "a"},
		{Time: when, Point: orb.Point{1.2345678, 2.3456789}, Category: "panic attacks after eviction"},
		{Time: when, RegionSet: "a", Region: "panic attacks after eviction", Category: "a"},
		{Time: when, RegionSet: "panic attacks after eviction", Region: "a-00", Category: "a"},
		{Point: orb.Point{1.2345678, 2.3456789}, Category: "a", Student: "STU-PLANTED-4711"},
	}
	err = s.AddBatch(context.Background(), bad)
	require.Error(t, err)
	assertNoPlanted(t, "joined error", err.Error())
	assert.ErrorIs(t, err, geo.ErrLikelySwapped, "the reason stays testable")
	assert.ErrorIs(t, err, geo.ErrNotFinite)
	for i, r := range bad {
		err := s.Add(r)
		require.Error(t, err, "request %d", i)
		assertNoPlanted(t, fmt.Sprintf("error of request %d", i), err.Error())
		for e := err; e != nil; e = unwrapOne(e) {
			assertNoPlanted(t, fmt.Sprintf("wrapped error of request %d", i), e.Error())
		}
	}
}

func unwrapOne(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok {
		return u.Unwrap()
	}
	return nil
}

// TestExportsCarryNoStudentFields fills stores in every mode with
// requests carrying planted student keys and home coordinates, then
// checks that no table, report, CSV, GeoJSON or JSON output contains
// them.
func TestExportsCarryNoStudentFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range []trends.Mode{trends.Suppress, trends.Noise, trends.Unprotected} {
		t.Run(mode.String(), func(t *testing.T) {
			sets := gridSets(t)
			s, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: mode, K: 3,
				StudentKey: []byte("secret"), NoiseSource: rand.NewPCG(1, 2)})
			require.NoError(t, err)
			reqs := gridRequests(rand.New(rand.NewPCG(4, 4)), 400)
			for i := range reqs {
				reqs[i].Student = "STU-PLANTED-4711"
				if i%7 == 0 {
					reqs[i].Point = orb.Point{1.2345678, 2.3456789}
				}
			}
			require.NoError(t, s.AddBatch(ctx, reqs))
			tab, err := s.Counts(ctx, trends.Query{Set: "a", Bucket: trends.Quarter})
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, tab.WriteCSV(&buf))
			require.NoError(t, tab.WriteGeoJSON(&buf, sets[0].Regions, 0))
			js, err := json.Marshal(tab)
			require.NoError(t, err)
			buf.Write(js)
			rep, err := s.RisingNeeds(ctx, trends.RisingQuery{Set: "a", Bucket: trends.Quarter,
				At: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), MinVolume: 1})
			require.NoError(t, err)
			require.NoError(t, rep.WriteCSV(&buf))
			js, err = json.Marshal(rep)
			require.NoError(t, err)
			buf.Write(js)
			assertNoPlanted(t, "exports", buf.String())
		})
	}
}

// TestLenPublishesNothingBelowK: a suppressed store holding fewer than K
// requests reports 0, not the exact figure; a noise store reports -1;
// only an unprotected store reports the exact count.
func TestLenPublishesNothingBelowK(t *testing.T) {
	t.Parallel()
	when := time.Date(2025, 5, 5, 12, 0, 0, 0, time.UTC)
	three := []trends.Request{
		{Time: when, Point: orb.Point{0.5, 0.5}, Category: "a"},
		{Time: when, Point: orb.Point{1.5, 0.5}, Category: "a"},
		{Time: when.AddDate(-1, 0, 0), Point: orb.Point{0.5, 0.5}, Category: "b"},
	}
	for _, tc := range []struct {
		mode trends.Mode
		want int64
	}{{trends.Suppress, 0}, {trends.Noise, -1}, {trends.Unprotected, 3}} {
		s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: tc.mode})
		require.NoError(t, err)
		require.NoError(t, s.AddBatch(context.Background(), three))
		assert.Equal(t, tc.want, s.Len(), tc.mode.String())
	}
	// With 10 requests in 2025 and 5 in 2024, Suppress publishes 2025's
	// total only.
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t)})
	require.NoError(t, err)
	for range 5 {
		require.NoError(t, s.AddBatch(context.Background(), three))
	}
	assert.Equal(t, int64(10), s.Len(), "2025 holds 10 (published), 2024 holds 5 (withheld)")
}
