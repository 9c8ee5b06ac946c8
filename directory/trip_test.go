package directory_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// TestSearchTripMatchesMinuteByMinute answers "which food providers can
// this family reach by bus within 40 minutes, leaving Saturday between
// 10:00 and 11:00?" on the real CARTA network, and checks it against a
// brute force: every provider of the directory through the same other
// filters, one single-departure router run per minute, the walk on from
// each stop near the provider, the median over the minutes.
func TestSearchTripMatchesMinuteByMinute(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	net := d.Transit()
	r, err := transit.NewRouter(net, transit.RouterOptions{MaxWalk: d.TransitReach()})
	require.NoError(t, err)
	homes := []orb.Point{{-85.2950, 35.0500}, {-85.2657, 35.0632}, {-85.3097, 35.0456}}
	if testing.Short() {
		homes = homes[:1]
	}
	w := transit.Window{Date: net.Date(2026, time.June, 13), Start: 10 * time.Hour, End: 11 * time.Hour}
	for _, home := range homes {
		for _, stat := range []directory.TripStat{directory.TripMedian, directory.TripP90} {
			q := directory.Query{Near: home, Categories: []string{"basic.food"},
				Trip: &directory.TripFilter{Within: 40 * time.Minute, Window: w, Stat: stat}}
			got, err := d.Search(q)
			require.NoError(t, err)

			// Brute force.
			var arrivals []*transit.Arrivals
			for at := w.Start; at < w.End; at += time.Minute {
				a, err := r.Depart(context.Background(), home, w.Date.Add(at))
				require.NoError(t, err)
				arrivals = append(arrivals, a)
			}
			type want struct {
				id     string
				travel time.Duration
			}
			var exp []want
			for p := range d.All() {
				if p.Unplaced() || !slices.ContainsFunc(p.Categories(), func(c string) bool { return directory.IsUnder(c, "basic.food") }) {
					continue
				}
				var egress []transit.StopWalk
				for _, ns := range d.StopsNear(p) {
					egress = append(egress, transit.StopWalk{Stop: ns.Stop, Walk: geo.WalkTime(ns.Walk / geo.DetourFactor)})
				}
				var times []time.Duration
				for _, a := range arrivals {
					times = append(times, a.ToVia(egress))
				}
				slices.Sort(times)
				n := len(times)
				tt := times[(n+1)/2-1]
				if stat == directory.TripP90 {
					tt = times[(9*n+9)/10-1]
				}
				if walk := geo.WalkTime(geo.Distance(home, p.Point())); walk <= tt {
					tt = walk
				}
				if tt <= 40*time.Minute {
					exp = append(exp, want{p.ID(), tt})
				}
			}
			slices.SortFunc(exp, func(a, b want) int { return int(a.travel - b.travel) })
			require.Len(t, got, len(exp), "home %v stat %q", home, stat)
			gotByID := map[string]time.Duration{}
			for i, g := range got {
				require.NotNil(t, g.Trip)
				gotByID[g.Provider.ID()] = g.Trip.Travel
				if i > 0 {
					assert.LessOrEqual(t, got[i-1].Trip.Travel, g.Trip.Travel, "quickest first")
				}
				if !g.Trip.OnFoot {
					require.NotEmpty(t, g.Trip.Journey.Legs, g.Provider.ID())
					j := g.Trip.Journey
					left := j.Arrive.Add(-g.Trip.Travel)
					off := left.Sub(w.Date.Add(w.Start))
					assert.True(t, off >= 0 && off < time.Hour && off%time.Minute == 0, "%s: itinerary arrives %v after no departure minute", g.Provider.ID(), g.Trip.Travel)
				}
			}
			for _, e := range exp {
				assert.Equal(t, e.travel, gotByID[e.id], "%s", e.id)
			}
			assert.NotEmpty(t, got, "some food is within 40 minutes of home %v", home)
		}
	}
}

func TestSearchTripErrors(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	net := d.Transit()
	home := orb.Point{-85.2950, 35.0500}
	ok := transit.Window{Date: net.Date(2026, time.June, 13), Start: 10 * time.Hour, End: 11 * time.Hour}
	tests := []struct {
		name string
		tf   directory.TripFilter
		want error
	}{
		{"no time", directory.TripFilter{Window: ok}, directory.ErrBadQuery},
		{"negative", directory.TripFilter{Within: -time.Minute, Window: ok}, directory.ErrBadQuery},
		{"unknown stat", directory.TripFilter{Within: time.Hour, Window: ok, Stat: "mean"}, directory.ErrBadQuery},
		{"outside the feed", directory.TripFilter{Within: time.Hour, Window: transit.Window{Date: net.Date(2031, 1, 1), Start: 10 * time.Hour, End: 11 * time.Hour}}, transit.ErrOutsideService},
		{"empty window", directory.TripFilter{Within: time.Hour, Window: transit.Window{Date: ok.Date, Start: 10 * time.Hour, End: 10 * time.Hour}}, directory.ErrBadQuery},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf := tc.tf
			_, err := d.Search(directory.Query{Near: home, Trip: &tf})
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err = d.Nearby(directory.Query{Near: home, Trip: &directory.TripFilter{Within: time.Hour, Window: ok}})
	assert.ErrorIs(t, err, directory.ErrBadQuery)

	b := directory.NewBuilder()
	b.Location = time.UTC
	b.Add(directory.Provider{ID: "a", Name: "A", Categories: []string{"basic.food"}, Point: home})
	plain, err := b.Build(t.Context())
	require.NoError(t, err)
	_, err = plain.Search(directory.Query{Near: home, Trip: &directory.TripFilter{Within: time.Hour, Window: ok}})
	assert.ErrorIs(t, err, directory.ErrNoTransit)
}
