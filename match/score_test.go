package match_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

const earthRadius = 6371008.8 // meters, geo.EarthRadius

// meridian returns the great-circle length of dLat degrees of latitude.
func meridian(dLat float64) float64 { return earthRadius * dLat * math.Pi / 180 }

// walkSeconds is the walking time of a straight-line distance: ×1.3
// detour at 1.2 m/s, rounded to the second.
func walkSeconds(d float64) float64 { return math.Round(d * 1.3 / 1.2) }

func TestScoreWalkHandWorked(t *testing.T) {
	t.Parallel()
	clinic := directory.Provider{
		ID: "clinic", Name: "Eye Clinic", Categories: []string{"health.vision"},
		Point: north(0.009), Hours: weekdayHours(hm(16, 0), hm(20, 0)),
		Languages: []string{"en"}, Cost: directory.CostSlidingScale, Capacity: 10, Enrolled: 4,
	}
	d := build(t, []directory.Provider{clinic}, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	s := match.Student{
		Home:      home,
		Languages: []string{"es", "en"},
		Needs:     []match.Need{{Category: "health.vision", Severity: 2, Words: "eye glasses"}},
		Constraints: match.Constraints{
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 0), End: hm(18, 0)}},
		},
	}
	plan, err := m.Plan(context.Background(), s)
	require.NoError(t, err)
	require.Len(t, plan.Items, 1)
	require.Len(t, plan.Items[0].Matches, 1)
	got := plan.Items[0].Matches[0]

	// By hand: 0.009° north is 1000.75 m, a 1084 s walk against the
	// 30-minute default; open 2 h of each 3 h window; English only for a
	// Spanish-first family; 6 of 10 seats; sliding scale; "eye" in the
	// name counts 1, "glass" only in the category's synonyms counts ½:
	// (1 + ½) / 2 = 0.75.
	dist := meridian(0.009)
	walk := walkSeconds(dist)
	want := map[match.Component]float64{
		match.Travel:      1 - walk/1800,
		match.Schedule:    10.0 / 15.0,
		match.Language:    0.5,
		match.Specificity: 1,
		match.Capacity:    0.6,
		match.Cost:        0.6,
		match.Words:       0.75,
	}
	assert.InDelta(t, 1000.75, dist, 0.01)
	assert.Equal(t, time.Duration(walk)*time.Second, got.Travel)
	assert.InDelta(t, dist, float64(got.Distance), 1e-6)
	for c, v := range want {
		assert.InDelta(t, v, got.Components[c], 1e-9, "component %v", c)
		assert.True(t, got.Applies(c), "component %v", c)
	}
	assert.False(t, got.Applies(match.Transit))
	total := (0.35*want[match.Travel] + 0.15*want[match.Schedule] + 0.15*want[match.Language] +
		0.10*want[match.Specificity] + 0.05*want[match.Capacity] + 0.10*want[match.Cost] + 0.15*want[match.Words]) / 1.05
	assert.InDelta(t, total, got.Score, 1e-9)
	assert.InDelta(t, 0.5874, got.Score, 5e-5)

	assert.Equal(t, "1.0 km, 18 min walk; open Mo-Fr 16:00-20:00, fits 67% of Mo-Fr 15:00-18:00; "+
		"English spoken, not Spanish; sliding-scale fees; 6 of 10 seats open; listed under Vision care and eye glasses; "+
		"matches all the words asked for (eye, glass), 1 only through its category", got.Explanation)
}

func TestScoreTransitHandWorked(t *testing.T) {
	t.Parallel()
	net := lineNetwork(t)
	clinic := directory.Provider{
		ID: "clinic", Name: "Vision Center", Categories: []string{"health.vision"},
		Point: north(0.05), Hours: weekdayHours(hm(9, 0), hm(18, 0)), Cost: directory.CostFree,
	}
	d := build(t, []directory.Provider{clinic}, net, nil)
	m, err := match.New(t.Context(), d, match.Config{Week: monday})
	require.NoError(t, err)
	s := match.Student{
		Home:  home,
		Needs: []match.Need{{Category: "health.vision", Severity: 3}},
		Constraints: match.Constraints{
			Mode:         match.ModeTransit,
			MaxTravel:    45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.DaysOf(time.Monday), Start: hm(15, 0), End: hm(18, 0)}},
		},
	}
	plan, err := m.Plan(context.Background(), s)
	require.NoError(t, err)
	require.Len(t, plan.Items[0].Matches, 1, "unmet: %+v", plan.Items[0].Unmet)
	got := plan.Items[0].Matches[0]

	// By hand, from the timetable: a bus leaves Home Stop every 20
	// minutes (15:00, 15:20, …) and reaches Clinic Stop 5 minutes later;
	// each walk (0.001°, 111.2 m) takes 120 s. Leaving home at minute m
	// after 15:00 (m = 0…179) reaches the stop at m+2, boards the next
	// bus and arrives 7 minutes after it left: 9 minutes when (m+2) is a
	// multiple of 20, else 9 + 20 − (m+2) mod 20. Over 180 minutes each
	// of 9…28 minutes occurs 9 times, so the median (the 90th smallest)
	// is 18 minutes, first reached at m = 9 (15:09, bus 15:20). The buses
	// of 15:20 to 18:20 serve the window: 10 trips, less one for the
	// window's edge, over 3 hours = 3 an hour, so the transit component
	// is 3/4. Walking the 5.6 km is far too long.
	walkTo := walkSeconds(meridian(0.001))
	assert.Equal(t, 120.0, walkTo)
	total := 18 * 60.0
	assert.Equal(t, time.Duration(total)*time.Second, got.Travel)
	assert.Equal(t, match.ModeTransit, got.By)
	want := map[match.Component]float64{
		match.Travel:      1 - total/2700,
		match.Transit:     0.75,
		match.Schedule:    1,
		match.Specificity: 1,
		match.Capacity:    1,
		match.Cost:        1,
	}
	for c, v := range want {
		assert.InDelta(t, v, got.Components[c], 1e-9, "component %v", c)
	}
	score := (0.35*want[match.Travel] + 0.10*0.75 + 0.15 + 0.10 + 0.05 + 0.10) / 0.85
	assert.InDelta(t, score, got.Score, 1e-9)
	assert.Contains(t, got.Explanation, "walk 2 min to Home Stop, route 1 at 15:20 — a trip every 20 min — to Clinic Stop (1 stop), walk 2 min: about 18 min door to door, leaving Mo between 15:00 and 18:00")
	assert.Contains(t, got.Explanation, "a trip every 20 min on route 1 within the limit, Mo 15:00-18:00")
	assert.Empty(t, plan.Notes)

	// The other statistics: the quickest trip is 9 minutes, the 90th
	// percentile (the 162nd smallest) 26 minutes.
	for stat, want := range map[match.TravelStat]time.Duration{match.StatMin: 9 * time.Minute, match.StatP90: 26 * time.Minute} {
		ms, err := match.New(t.Context(), d, match.Config{Week: monday, Travel: stat})
		require.NoError(t, err)
		p, err := ms.Plan(context.Background(), s)
		require.NoError(t, err)
		require.Len(t, p.Items[0].Matches, 1)
		assert.Equal(t, want, p.Items[0].Matches[0].Travel, "%v", stat)
	}

	// A confidential provider's stop is not named.
	clinic.Confidential = true
	d2 := build(t, []directory.Provider{clinic}, net, nil)
	m2, err := match.New(t.Context(), d2, match.Config{Week: monday})
	require.NoError(t, err)
	plan, err = m2.Plan(context.Background(), s)
	require.NoError(t, err)
	require.Len(t, plan.Items[0].Matches, 1)
	assert.NotContains(t, plan.Items[0].Matches[0].Explanation, "Clinic Stop")
	assert.Contains(t, plan.Items[0].Matches[0].Explanation, "to a stop near it (1 stop)")

	// Outside service hours no bus runs: unmet, too far.
	s.Constraints.Availability[0] = match.WeeklyWindow{Days: match.DaysOf(time.Monday), Start: hm(22, 0), End: hm(23, 0)}
	clinic.Confidential = false
	clinic.Hours = directory.Hours{Always: true}
	d3 := build(t, []directory.Provider{clinic}, net, nil)
	m3, err := match.New(t.Context(), d3, match.Config{Week: monday})
	require.NoError(t, err)
	plan, err = m3.Plan(context.Background(), s)
	require.NoError(t, err)
	require.NotNil(t, plan.Items[0].Unmet)
	assert.Equal(t, match.ConstraintTravel, plan.Items[0].Unmet.Reason)
	assert.Equal(t, "no Vision care and eye glasses provider within 45 min by transit (of 1 listed: 1 too far)", plan.Items[0].Unmet.Explanation)
	assert.Equal(t, []string{match.NoteNoService}, plan.Notes, "the plan says no bus runs instead of silently walking")
}

func TestScoreOtherModesAndComponents(t *testing.T) {
	t.Parallel()
	school := north(0.02)
	provs := []directory.Provider{
		{ID: "a", Name: "Food Bank", Categories: []string{"basic.food.pantry"}, Point: north(0.009), Cost: directory.CostFee, Languages: []string{"vi"}},
		{ID: "b", Name: "Help Center", Categories: []string{"basic"}, Point: north(0.009), Cost: directory.CostUnknown},
		{ID: "c", Name: "Market", Categories: []string{"basic.food.groceries"}, Point: north(0.029)},
	}
	d := build(t, provs, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{K: 5})
	require.NoError(t, err)
	tests := []struct {
		name string
		mode match.TravelMode
		id   string
		// seconds of travel and component values, by hand
		travel float64
		comps  map[match.Component]float64
	}{
		{"car", match.ModeCar, "a", math.Round(meridian(0.009) * 1.3 / (35 / 3.6)),
			map[match.Component]float64{match.Cost: 0.2, match.Language: 0, match.Specificity: 1, match.Capacity: 1}},
		{"broader category", match.ModeCar, "b", math.Round(meridian(0.009) * 1.3 / (35 / 3.6)),
			map[match.Component]float64{match.Cost: 0.4, match.Language: 1, match.Specificity: 0.5}},
		{"school transport starts at school", match.ModeSchool, "c", math.Round(meridian(0.009) * 1.3 / (35 / 3.6)),
			map[match.Component]float64{match.Specificity: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := match.Student{
				Home: home, School: &school, Languages: []string{"en"},
				Needs:       []match.Need{{Category: "basic.food", Severity: 1}},
				Constraints: match.Constraints{Mode: tc.mode},
			}
			pr, err := m.Prepare(context.Background(), s)
			require.NoError(t, err)
			p, _ := d.Provider(tc.id)
			c, viol, err := pr.Evaluate(0, p)
			require.NoError(t, err)
			require.Zero(t, viol, "violations %v", viol)
			assert.Equal(t, time.Duration(tc.travel)*time.Second, c.Travel)
			assert.InDelta(t, 1-tc.travel/1200, c.Components[match.Travel], 1e-9)
			for comp, v := range tc.comps {
				assert.InDelta(t, v, c.Components[comp], 1e-9, "component %v", comp)
			}
			sum, wsum := 0.0, 0.0
			weights := map[match.Component]float64{match.Travel: 0.35, match.Language: 0.15, match.Specificity: 0.10, match.Capacity: 0.05, match.Cost: 0.10}
			for comp, w := range weights {
				sum += w * c.Components[comp]
				wsum += w
			}
			assert.InDelta(t, sum/wsum, c.Score, 1e-9)
			reasons := pr.Explain(&c)
			require.NotEmpty(t, reasons)
			assert.Equal(t, match.Travel, reasons[0].Component)
			assert.Contains(t, reasons[0].Text, "(estimate)")
			if tc.id == "b" {
				assert.Contains(t, strings.Join(texts(reasons), "; "), "listed only under Basic needs, broader than Food")
			}
		})
	}
}

func texts(rs []match.Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

func TestWordsAndExplanations(t *testing.T) {
	t.Parallel()
	provs := []directory.Provider{
		{ID: "a", Name: "Coat Closet", Categories: []string{"basic.clothing"}, Point: north(0.002), Keywords: []string{"Winter coats"}, Hours: directory.Hours{Always: true}},
		{ID: "b", Name: "Uniform Exchange", Categories: []string{"basic.clothing"}, Point: north(0.002), Description: "School uniforms and shoes."},
		{ID: "c", Name: "Shoe Drive", Categories: []string{"basic.clothing"}, Point: north(0.002), Capacity: 5, Enrolled: 5},
	}
	d := build(t, provs, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{K: 5, IncludeFull: true})
	require.NoError(t, err)
	pr, err := m.Prepare(context.Background(), match.Student{Home: home, Needs: []match.Need{{Category: "basic.clothing", Severity: 1, Words: "the Closet, DRIVES"}}})
	require.NoError(t, err)
	// "closet" begins a word of a's name, "drive" (from "drives") of c's;
	// b has neither, and "the" is a stop word.
	want := map[string]float64{"a": 0.5, "b": 0, "c": 0.5}
	for id, w := range want {
		p, _ := d.Provider(id)
		c, viol, err := pr.Evaluate(0, p)
		require.NoError(t, err)
		require.Zero(t, viol)
		assert.InDelta(t, w, c.Components[match.Words], 1e-9, id)
		joined := strings.Join(texts(pr.Explain(&c)), "; ")
		switch id {
		case "a":
			assert.Contains(t, joined, "matches 1 of 2 words asked for (closet, drive)")
		case "b":
			assert.Contains(t, joined, "matches none of the words asked for (closet, drive)")
			assert.Contains(t, joined, "cost not stated; capacity not stated")
		case "c":
			assert.Contains(t, joined, "no open seats (5 taken)")
		}
	}
}
