package trends_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// TestSupplyGaps checks shortfalls worked by hand.
//
//	providers: p1 a-00 a.x cap 5; p2 a-00 a.x cap 0 (unknown); p3 a-33
//	a.y.p cap 20 with 8 enrolled (12 free); p4 a-11 b.z cap 100 (other
//	category); p5 unplaced a.x; p6 a-11 a.x cap 4 with 6 enrolled
//	(over-enrolled: 0 free, known)
//	demand (category a, March 2025): a-00 12, a-11 7, a-33 3
//
// Near 0: a-00 12−5 = 7 (2 providers, 1 unknown); a-11 7−0 = 7 (1
// provider, full); a-33 3−12 = −9; every other square 0. Near 120 km (one
// grid step is about 111 km, a diagonal 157 km): p3 counts for a-33,
// a-23 and a-32 (12/3 = 4 each), p1 for a-00, a-01 and a-10 (5/3 each).
func TestSupplyGaps(t *testing.T) {
	t.Parallel()
	sets := gridSets(t)
	b := directory.NewBuilder()
	b.Taxonomy = smallTaxonomy(t)
	b.AddRegions("a", sets[0].Regions)
	for _, p := range []directory.Provider{
		{ID: "p1", Name: "One", Categories: []string{"a.x"}, Point: orb.Point{0.5, 0.5}, Capacity: 5},
		{ID: "p2", Name: "Two", Categories: []string{"a.x"}, Point: orb.Point{0.55, 0.55}},
		{ID: "p3", Name: "Three", Categories: []string{"a.y.p"}, Point: orb.Point{3.5, 3.5}, Capacity: 20, Enrolled: 8},
		{ID: "p6", Name: "Six", Categories: []string{"a.x"}, Point: orb.Point{1.5, 1.4}, Capacity: 4, Enrolled: 6},
		{ID: "p4", Name: "Four", Categories: []string{"b.z"}, Point: orb.Point{1.5, 1.5}, Capacity: 100},
		{ID: "p5", Name: "Five", Categories: []string{"a.x"}, Unplaced: true, Capacity: 50},
	} {
		b.Add(p)
	}
	dir, err := b.Build(t.Context())
	require.NoError(t, err)

	s, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	var reqs []trends.Request
	for _, d := range []struct {
		x, y int
		code string
		n    int
	}{{0, 0, "a.x", 12}, {1, 1, "a", 7}, {3, 3, "a.y.q", 3}, {2, 2, "b.z", 30}} {
		for range d.n {
			reqs = append(reqs, trends.Request{Time: time.Date(2025, 3, 1+rng.IntN(28), 9, 0, 0, 0, time.UTC),
				Point: gridPoint(rng, d.x, d.y), Category: d.code})
		}
	}
	require.NoError(t, s.AddBatch(context.Background(), reqs))
	at := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)

	rep, err := s.SupplyGaps(context.Background(), dir, trends.GapQuery{Set: "a", Category: "a", Bucket: trends.Month, At: at})
	require.NoError(t, err)
	require.Len(t, rep.Gaps, 16)
	assert.Equal(t, trends.Gap{Region: "a-00", Demand: 12, Capacity: 5, Providers: 2, UnknownCapacity: 1, Shortfall: 7}, rep.Gaps[0])
	assert.Equal(t, trends.Gap{Region: "a-11", Demand: 7, Providers: 1, Shortfall: 7}, rep.Gaps[1])
	assert.Equal(t, trends.Gap{Region: "a-33", Demand: 3, Capacity: 12, Providers: 1, Shortfall: -9}, rep.Gaps[15])
	assert.Equal(t, "a-01", rep.Gaps[2].Region, "zero shortfalls tie, ordered by name")

	near, err := s.SupplyGaps(context.Background(), dir, trends.GapQuery{Set: "a", Category: "a", Bucket: trends.Month, At: at, Near: 120_000})
	require.NoError(t, err)
	byName := map[string]trends.Gap{}
	var total float64
	for _, g := range near.Gaps {
		byName[g.Region] = g
		total += g.Capacity
	}
	assert.InDelta(t, 17, total, 1e-9, "split free capacity adds up to the city's")
	assert.InDelta(t, 4, byName["a-33"].Capacity, 1e-9)
	assert.InDelta(t, 4, byName["a-23"].Capacity, 1e-9)
	assert.InDelta(t, 4, byName["a-32"].Capacity, 1e-9)
	assert.Zero(t, byName["a-22"].Capacity)
	assert.InDelta(t, 5.0/3, byName["a-10"].Capacity, 1e-9)
	assert.Equal(t, 1, byName["a-10"].UnknownCapacity)
	assert.InDelta(t, 12-5.0/3, byName["a-00"].Shortfall, 1e-9)

	// In Suppress mode small demand is withheld and ranked last.
	sup, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t)})
	require.NoError(t, err)
	require.NoError(t, sup.AddBatch(context.Background(), reqs))
	srep, err := sup.SupplyGaps(context.Background(), dir, trends.GapQuery{Set: "a", Category: "a", Bucket: trends.Month, At: at})
	require.NoError(t, err)
	last := srep.Gaps[len(srep.Gaps)-1]
	assert.True(t, last.Suppressed)
	for _, g := range srep.Gaps {
		if g.Region == "a-11" || g.Region == "a-33" {
			assert.True(t, g.Suppressed, "%s has fewer than 10 requests", g.Region)
			assert.Zero(t, g.Demand)
		}
	}
	_, err = sup.SupplyGaps(context.Background(), nil, trends.GapQuery{Set: "a", At: at})
	assert.ErrorIs(t, err, trends.ErrBadQuery)
}

// TestSupplyGapsDegenerateRegion: a region whose ring has zero area (all
// points on a line) once made SupplyGaps crash. geo now refuses such a
// ring when the regions are read, naming it, so no store or gap report
// ever holds one.
func TestSupplyGapsDegenerateRegion(t *testing.T) {
	t.Parallel()
	fc := geojson.NewFeatureCollection()
	for _, r := range []struct {
		name string
		ring orb.Ring
	}{
		{"square", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
		{"flat", orb.Ring{{2, 0}, {3, 0}, {4, 0}, {2, 0}}},
	} {
		f := geojson.NewFeature(orb.Polygon{r.ring})
		f.Properties["name"] = r.name
		fc.Append(f)
	}
	_, err := geo.RegionsFromFeatures(fc, "name")
	require.ErrorIs(t, err, geo.ErrZeroArea)
	assert.Contains(t, err.Error(), `"flat"`)
}
