package match_test

import (
	"context"
	"math/rand/v2"
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
	"github.com/wraparound/wraparound/match"
)

// TestPlanTravelFromTimetable checks every trip by bus a plan proposes on
// the real CARTA network against a second computation: one
// single-departure router run per minute of each window the provider is
// open in, the walk on from each stop near the provider, and the median
// over the minutes, the best window winning. The itinerary explained
// must arrive exactly that long after a departure minute of the window.
func TestPlanTravelFromTimetable(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{K: 3})
	require.NoError(t, err)
	net := d.Transit()
	week := m.Config().Week
	require.Equal(t, time.Monday, week.Weekday())
	r, err := transit.NewRouter(net, transit.RouterOptions{MaxWalk: m.Config().StopWalk})
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(12, 0))
	cats := []string{"basic.food", "health.vision", "education.tutoring", "health.mental", "basic.clothing"}
	windows := []match.WeeklyWindow{
		{Days: match.DaysOf(time.Tuesday), Start: hm(15, 30), End: hm(16, 30)},
		{Days: match.DaysOf(time.Saturday), Start: hm(10, 0), End: hm(10, 45)},
	}
	students := 12
	if testing.Short() {
		students = 4
	}
	checked := 0
	for range students {
		s := match.Student{
			Home:  orb.Point{-85.31 + (rng.Float64()*2-1)*0.05, 35.04 + (rng.Float64()*2-1)*0.04},
			Needs: []match.Need{{Category: cats[rng.IntN(len(cats))], Severity: 2}},
			Constraints: match.Constraints{
				Mode: match.ModeTransit, MaxTravel: 60 * time.Minute, Availability: windows,
			},
		}
		pr, err := m.Prepare(context.Background(), s)
		require.NoError(t, err)
		plan, err := m.Plan(context.Background(), s)
		require.NoError(t, err)
		for _, mt := range plan.Items[0].Matches {
			want, by := independentTravel(t, r, d, m, s, mt.Provider, windows)
			assert.Equal(t, by, mt.By, "%s", mt.Provider.ID())
			assert.Equal(t, want, mt.Travel, "%s by %v", mt.Provider.ID(), mt.By)
			if mt.By != match.ModeTransit {
				continue
			}
			checked++
			c := mt.Candidate
			j, ok := pr.Journey(&c)
			require.True(t, ok)
			require.NotEmpty(t, j.Legs)
			left := j.Arrive.Add(-mt.Travel)
			var inWindow bool
			for _, w := range windows {
				for _, day := range []time.Weekday{time.Tuesday, time.Saturday} {
					if !w.Days.Has(day) {
						continue
					}
					start := week.AddDate(0, 0, (int(day)+6)%7).Add(w.Start)
					off := left.Sub(start)
					if off >= 0 && off < w.End-w.Start && off%time.Minute == 0 {
						inWindow = true
					}
				}
			}
			assert.True(t, inWindow, "%s: the itinerary arrives %v after no departure minute of a window", mt.Provider.ID(), mt.Travel)
			assert.Contains(t, mt.Explanation, "door to door")
		}
	}
	assert.Positive(t, checked, "some proposals are by bus")
}

// independentTravel recomputes a provider's travel time as the package
// documents it, from single-departure runs.
func independentTravel(t *testing.T, r *transit.Router, d *directory.Directory, m *match.Matcher, s match.Student, p directory.Listing, windows []match.WeeklyWindow) (time.Duration, match.TravelMode) {
	t.Helper()
	week := m.Config().Week
	var egress []transit.StopWalk
	for _, ns := range d.StopsNear(p) {
		if ns.Walk <= m.Config().StopWalk {
			egress = append(egress, transit.StopWalk{Stop: ns.Stop, Walk: geo.WalkTime(ns.Walk / geo.DetourFactor)})
		}
	}
	best := transit.Unreachable
	for _, w := range windows {
		for day := time.Sunday; day <= time.Saturday; day++ {
			if !w.Days.Has(day) || (p.Hours().Known() && p.Hours().Overlap(day, w.Start, w.End) == 0) {
				continue
			}
			date := week.AddDate(0, 0, (int(day)+6)%7)
			var times []time.Duration
			for at := w.Start; at < w.End; at += time.Minute {
				a, err := r.Depart(context.Background(), s.Home, date.Add(at))
				require.NoError(t, err)
				times = append(times, a.ToVia(egress))
			}
			slices.Sort(times)
			best = min(best, times[(len(times)+1)/2-1])
		}
	}
	walk := geo.WalkTime(geo.Distance(s.Home, p.Point()))
	if walk <= best && walk <= 30*time.Minute {
		return walk, match.ModeWalk
	}
	return best, match.ModeTransit
}

// TestDefaultWeekHasWeekdayBuses: CARTA's feed starts on a Sunday whose
// Monday-based week has no weekday service; the default plan week must
// have it, and a weekday plan by bus must find buses.
func TestDefaultWeekHasWeekdayBuses(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	week := m.Config().Week
	net := d.Transit()
	for i := range 5 {
		assert.Positive(t, net.TripsOn(week.AddDate(0, 0, i)), "weekday %d of the plan week %v has trips", i, week)
	}
	s := match.Student{
		Home:  orb.Point{-85.2950, 35.0500},
		Needs: []match.Need{{Category: "basic.food", Severity: 3}},
		Constraints: match.Constraints{
			Mode: match.ModeTransit, MaxTravel: 45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(16, 0), End: hm(17, 0)}},
		},
	}
	plan, err := m.Plan(context.Background(), s)
	require.NoError(t, err)
	assert.Empty(t, plan.Notes)
	byBus := 0
	for _, mt := range plan.Items[0].Matches {
		if mt.By == match.ModeTransit {
			byBus++
		}
	}
	assert.Positive(t, byBus, "weekday afternoons have buses")

	// A week outside the feed is refused, naming the dates allowed.
	_, err = match.New(t.Context(), d, match.Config{Week: time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC)})
	require.ErrorIs(t, err, match.ErrOutOfRange)
	assert.ErrorIs(t, err, transit.ErrOutsideService)
	assert.Contains(t, err.Error(), "2026-05-10")
}

// TestDefaultWeekIsTypical: a feed whose busiest week is the one with
// extra trains for a ballgame on its Wednesday (as rail feeds publish
// them) must not become the plan week: the default is the first ordinary
// week, and a Monday–Friday window is explained as one, not as
// "Mo,Tu,Th,Fr" because Wednesday runs a timetable of its own.
func TestDefaultWeekIsTypical(t *testing.T) {
	t.Parallel()
	b := lineBuilder(t, monday, monday.AddDate(0, 0, 27)) // four weeks
	game := monday.AddDate(0, 0, 9)                       // Wednesday of the second week
	require.NoError(t, b.AddServiceDate("game", game, true))
	require.NoError(t, b.AddTrip(transit.Trip{ID: "g1", Route: "r1", Service: "game", StopTimes: []transit.StopTime{
		{Stop: "S1", Departure: hm(22, 30)}, {Stop: "S2", Departure: hm(22, 35)},
	}}))
	net, err := b.Build()
	require.NoError(t, err)
	require.Equal(t, monday.AddDate(0, 0, 7), net.BusiestWeek(), "the game week is the busiest")

	clinic := directory.Provider{
		ID: "clinic", Name: "Vision Center", Categories: []string{"health.vision"},
		Point: north(0.05), Hours: weekdayHours(hm(9, 0), hm(18, 0)), Cost: directory.CostFree,
	}
	m, err := match.New(t.Context(), build(t, []directory.Provider{clinic}, net, nil), match.Config{})
	require.NoError(t, err)
	assert.Equal(t, monday, m.Config().Week)
	s := match.Student{
		Home:  home,
		Needs: []match.Need{{Category: "health.vision", Severity: 3}},
		Constraints: match.Constraints{
			Mode: match.ModeTransit, MaxTravel: 45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 0), End: hm(18, 0)}},
		},
	}
	plan, err := m.Plan(context.Background(), s)
	require.NoError(t, err)
	require.Len(t, plan.Items[0].Matches, 1)
	mt := plan.Items[0].Matches[0]
	require.Equal(t, match.ModeTransit, mt.By)
	assert.Contains(t, mt.Explanation, "leaving Mo-Fr between 15:00 and 18:00")
}
