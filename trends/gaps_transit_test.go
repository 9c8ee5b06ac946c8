package trends_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/trends"
)

// TestSupplyGapsByTransit sets Chattanooga's food demand by neighborhood
// against the food a family reaches by bus within 30 minutes of the
// neighborhood's center on a Saturday morning, and checks every
// neighborhood's figures against a brute force: one single-departure
// router run per minute from every center, the walk on from each stop
// near each provider, the median over the minutes.
func TestSupplyGapsByTransit(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(t, err)
	st, err := trends.New(trends.Config{Sets: []trends.Set{{Name: "hoods", Regions: hoods}}, Location: loc, Mode: trends.Unprotected})
	require.NoError(t, err)
	at := time.Date(2026, time.June, 10, 12, 0, 0, 0, loc)
	for i := range hoods.Len() {
		for range 1 + i%7 {
			require.NoError(t, st.Add(trends.Request{Time: at, Point: hoods.Centroid(i), Category: "basic.food"}))
		}
	}
	net := d.Transit()
	w := transit.Window{Date: net.Date(2026, time.June, 13), Start: 10 * time.Hour, End: 10*time.Hour + 15*time.Minute}
	within := 30 * time.Minute
	rep, err := st.SupplyGaps(context.Background(), d, trends.GapQuery{Set: "hoods", Category: "basic.food", Bucket: trends.Month, At: at,
		Transit: &trends.TransitSupply{Within: within, Window: w}})
	require.NoError(t, err)

	// Brute force.
	r, err := transit.NewRouter(net, transit.RouterOptions{MaxWalk: d.TransitReach()})
	require.NoError(t, err)
	type prov struct {
		id     string
		free   int
		egress []transit.StopWalk
		pt     [2]float64
	}
	var food []prov
	for p := range d.All() {
		if p.Unplaced() || !p.InCategory("basic.food") {
			continue
		}
		pv := prov{id: p.ID(), free: max(0, p.Capacity()-p.Enrolled()), pt: p.Point()}
		for _, ns := range d.StopsNear(p) {
			pv.egress = append(pv.egress, transit.StopWalk{Stop: ns.Stop, Walk: geo.WalkTime(ns.Walk / geo.DetourFactor)})
		}
		food = append(food, pv)
	}
	reached := make([][]int, hoods.Len()) // region → food indexes
	count := make([]int, len(food))
	for i := range hoods.Len() {
		c := hoods.Centroid(i)
		times := make([][]time.Duration, len(food))
		for at := w.Start; at < w.End; at += time.Minute {
			a, err := r.Depart(context.Background(), c, w.Date.Add(at))
			require.NoError(t, err)
			for j, f := range food {
				times[j] = append(times[j], a.ToVia(f.egress))
			}
		}
		for j, f := range food {
			ts := times[j]
			slices.Sort(ts)
			tt := min(ts[(len(ts)+1)/2-1], geo.WalkTime(geo.Distance(c, f.pt)))
			if tt <= within {
				reached[i] = append(reached[i], j)
				count[j]++
			}
		}
	}
	byName := map[string]trends.Gap{}
	for _, g := range rep.Gaps {
		byName[g.Region] = g
	}
	some := 0
	for i, reg := range hoods.All() {
		want := 0.0
		for _, j := range reached[i] {
			want += float64(food[j].free) / float64(count[j])
		}
		g := byName[reg.Name]
		assert.Equal(t, len(reached[i]), g.TransitProviders, "%s", reg.Name)
		assert.InDelta(t, want, g.TransitCapacity, 1e-9, "%s", reg.Name)
		assert.InDelta(t, float64(g.Demand)-g.TransitCapacity, g.TransitShortfall, 1e-9, "%s", reg.Name)
		if g.TransitProviders > 0 {
			some++
		}
	}
	assert.Greater(t, some, hoods.Len()/4, "a good share of neighborhoods reach food by bus within 30 minutes")

	// A window outside the feed is a bad query.
	_, err = st.SupplyGaps(context.Background(), d, trends.GapQuery{Set: "hoods", Bucket: trends.Month, At: at,
		Transit: &trends.TransitSupply{Within: within, Window: transit.Window{Date: net.Date(2031, 1, 1), Start: 10 * time.Hour, End: 11 * time.Hour}}})
	assert.ErrorIs(t, err, trends.ErrBadQuery)
}
