package match_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/match"
)

// TestDirectionsHandWritten renders leg lists whose wording is written
// out here by hand, in both languages, for an estimate and for a
// timetabled itinerary with a transfer (the shape a router gives).
func TestDirectionsHandWritten(t *testing.T) {
	t.Parallel()
	estimate := []match.Leg{
		{Kind: match.LegWalk, Duration: 6 * time.Minute, To: "3rd & Central", Estimate: true},
		{Kind: match.LegRide, Duration: 12 * time.Minute, Wait: 7 * time.Minute, Every: 15 * time.Minute,
			From: "3rd & Central", To: "McCallie & Central", Routes: []string{"4", "10A"}, Estimate: true},
		{Kind: match.LegWalk, Duration: 2 * time.Minute, From: "McCallie & Central", Estimate: true},
	}
	timetabled := []match.Leg{
		{Kind: match.LegWalk, Duration: 5 * time.Minute, To: "Main & Market"},
		{Kind: match.LegRide, Duration: 10 * time.Minute, Routes: []string{"1"}, Headsign: "Alton Park",
			Depart: 15*time.Hour + 42*time.Minute, Arrive: 15*time.Hour + 52*time.Minute, To: "Market & 12th", Wait: 3 * time.Minute},
		{Kind: match.LegWalk, Duration: 4 * time.Minute, To: "Market & 14th"},
		{Kind: match.LegRide, Duration: 8 * time.Minute, Routes: []string{"9"}, Headsign: "East Lake",
			Depart: 16 * time.Hour, Arrive: 16*time.Hour + 8*time.Minute, To: "Main & Washington"},
		{Kind: match.LegWalk, Duration: 90 * time.Second},
	}
	// The bus of route 10A goes on as route 10G at Stuart & Dod: the
	// family stays on board through a 2-minute layover.
	stayOn := []match.Leg{
		{Kind: match.LegWalk, Duration: 10 * time.Minute, To: "Market & Miller Pk"},
		{Kind: match.LegRide, Duration: 25 * time.Minute, Routes: []string{"10A"}, Headsign: "Avondale",
			Depart: 21*time.Hour + 30*time.Minute, Arrive: 21*time.Hour + 55*time.Minute, To: "Stuart & Dod"},
		{Kind: match.LegRide, Duration: 6 * time.Minute, Routes: []string{"10G"}, Headsign: "Glenwood", StayOn: true,
			Depart: 21*time.Hour + 57*time.Minute, Arrive: 22*time.Hour + 3*time.Minute, To: "Glenwood & Laura", Wait: 2 * time.Minute},
		{Kind: match.LegWalk, Duration: 5 * time.Minute},
	}
	tests := []struct {
		name string
		legs []match.Leg
		tag  language.Tag
		want string
	}{
		{"stay on board", stayOn, language.English,
			"Walk 10 min to the Market & Miller Pk stop. Take route 10A toward Avondale at 9:30 pm. " +
				"Stay on the bus when it becomes route 10G toward Glenwood and get off at Glenwood & Laura, 10:03 pm. " +
				"Walk 5 min to the door. About 48 min door to door."},
		{"stay on board es", stayOn, language.Spanish,
			"Camine 10 min hasta la parada Market & Miller Pk. Tome la ruta 10A hacia Avondale a las 21:30. " +
				"Quédese en el autobús cuando pase a ser la ruta 10G hacia Glenwood y bájese en Glenwood & Laura a las 22:03. " +
				"Camine 5 min hasta la puerta. Unos 48 min de puerta a puerta."},
		{"walk", []match.Leg{{Kind: match.LegWalk, Duration: 17*time.Minute + 40*time.Second}}, language.English,
			"About 18 min on foot."},
		{"walk es", []match.Leg{{Kind: match.LegWalk, Duration: 17*time.Minute + 40*time.Second}}, language.Spanish,
			"Unos 18 min a pie."},
		{"car", []match.Leg{{Kind: match.LegCar, Duration: 9 * time.Minute, Estimate: true}}, language.English,
			"About 9 min by car."},
		{"estimate", estimate, language.English,
			"Walk 6 min to the 3rd & Central stop. Take route 4 and 10A (it comes about every 15 min) and get off at McCallie & Central. " +
				"Walk 2 min to the door. About 27 min door to door (an estimate: check the times before you go)."},
		{"estimate es", estimate, language.Spanish,
			"Camine 6 min hasta la parada 3rd & Central. Tome la ruta 4 y 10A (pasa cada 15 min, más o menos) y bájese en McCallie & Central. " +
				"Camine 2 min hasta la puerta. Unos 27 min de puerta a puerta (es un cálculo: revise los horarios antes de ir)."},
		{"timetabled", timetabled, language.English,
			"Walk 5 min to the Main & Market stop. Take route 1 toward Alton Park at 3:42 pm and get off at Market & 12th, 3:52 pm. " +
				"Walk 4 min to the Market & 14th stop to change buses. Take route 9 toward East Lake at 4 pm and get off at Main & Washington, 4:08 pm. " +
				"Walk 2 min to the door. About 32 min door to door."},
		{"timetabled es", timetabled, language.Spanish,
			"Camine 5 min hasta la parada Main & Market. Tome la ruta 1 hacia Alton Park a las 15:42 y bájese en Market & 12th a las 15:52. " +
				"Camine 4 min hasta la parada Market & 14th para cambiar de autobús. Tome la ruta 9 hacia East Lake a las 16:00 y bájese en Main & Washington a las 16:08. " +
				"Camine 2 min hasta la puerta. Unos 32 min de puerta a puerta."},
		{"Mexican Spanish is Spanish", []match.Leg{{Kind: match.LegWalk, Duration: time.Minute}}, language.MustParse("es-MX"),
			"Unos 1 min a pie."},
		{"French falls back to English", []match.Leg{{Kind: match.LegWalk, Duration: time.Minute}}, language.French,
			"About 1 min on foot."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, match.Directions(tc.legs, tc.tag))
		})
	}
}

// TestFamilyTransitHandWorked plans the hand-worked bus trip of
// TestScoreTransitHandWorked (walk 2 min to Home Stop, route 1 every 20
// minutes, 21 min ride to Clinic Stop, walk 2 min) and checks the legs
// and the family text in both languages against it.
func TestFamilyTransitHandWorked(t *testing.T) {
	t.Parallel()
	net := lineNetwork(t)
	var hours directory.Hours
	for d := time.Monday; d <= time.Friday; d++ {
		hours.Week[d] = []directory.Span{{Open: hm(9, 0), Close: hm(17, 30)}}
	}
	hours.Week[time.Saturday] = []directory.Span{{Open: hm(9, 0), Close: hm(13, 0)}}
	clinic := directory.Provider{
		ID: "clinic", Name: "Vision Center", Organization: "Eye Care Partners", Categories: []string{"health.vision"},
		Point: north(0.05), Hours: hours, Cost: directory.CostFree, Languages: []string{"en", "es"},
		Address: directory.Address{Street: "100 Main St", City: "Chattanooga"}, Phone: "(423) 555-0100",
		Capacity: 10, Enrolled: 9,
	}
	s := match.Student{
		Home:  home,
		Needs: []match.Need{{Category: "health.vision", Severity: 3}},
		Constraints: match.Constraints{
			Mode:         match.ModeTransit,
			MaxTravel:    45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.DaysOf(time.Monday), Start: hm(15, 0), End: hm(18, 0)}},
		},
	}
	plan := func(p directory.Provider) *match.Plan {
		d := build(t, []directory.Provider{p}, net, nil)
		m, err := match.New(t.Context(), d, match.Config{Week: monday})
		require.NoError(t, err)
		plan, err := m.Plan(context.Background(), s)
		require.NoError(t, err)
		require.Len(t, plan.Items[0].Matches, 1)
		return plan
	}
	mt := plan(clinic).Items[0].Matches[0]
	// By hand, from the timetable (see TestScoreTransitHandWorked): the
	// median trip, 18 minutes, leaves home at 15:09, walks 2 minutes
	// (111.2 m × 1.3 = 144 m) to Home Stop, waits for the 15:20 bus,
	// rides 5 minutes and walks 2 minutes to the door. The itinerary
	// starts as late as still catches that bus: 15:18, 9 minutes door to
	// door; the other 9 are spent at home.
	require.Len(t, mt.Legs, 3)
	assert.Equal(t, match.Leg{Kind: match.LegWalk, Duration: 2 * time.Minute, Distance: 144, To: "Home Stop"}, mt.Legs[0])
	ride := mt.Legs[1]
	assert.Equal(t, match.LegRide, ride.Kind)
	assert.Equal(t, []string{"1"}, ride.Routes)
	assert.Equal(t, "Home Stop", ride.From)
	assert.Equal(t, "Clinic Stop", ride.To)
	assert.Equal(t, 20*time.Minute, ride.Every)
	assert.Equal(t, time.Duration(0), ride.Wait)
	assert.Equal(t, hm(15, 20), ride.Depart)
	assert.Equal(t, hm(15, 25), ride.Arrive)
	assert.False(t, ride.Estimate)
	var total time.Duration
	for _, l := range mt.Legs {
		total += l.Duration + l.Wait
	}
	assert.Equal(t, 9*time.Minute, total)
	assert.Equal(t, 18*time.Minute, mt.Travel)

	en := mt.Family(language.English)
	assert.Equal(t, "Vision Center (Eye Care Partners)", en.What)
	assert.Equal(t, "Address: 100 Main St, Chattanooga. 3.5 miles from home.", en.Where)
	assert.Equal(t, "Open Mon–Fri 9 am to 5:30 pm; Sat 9 am to 1 pm.", en.When)
	assert.Equal(t, "Walk 2 min to the Home Stop stop. Take route 1 at 3:20 pm (it comes about every 20 min) and get off at Clinic Stop, 3:25 pm. "+
		"Walk 2 min to the door. About 9 min door to door.", en.HowToGetThere)
	assert.Equal(t, "They speak English and Spanish.", en.Language)
	assert.Equal(t, "Free.", en.Cost)
	assert.Equal(t, "1 seat open.", en.Seats)
	assert.Equal(t, "Phone: (423) 555-0100.", en.Contact)

	es := mt.Family(language.Spanish)
	assert.Equal(t, "Dirección: 100 Main St, Chattanooga. A 3,5 millas de casa.", es.Where)
	assert.Equal(t, "Abierto lun–vie de 9:00 a 17:30; sáb de 9:00 a 13:00.", es.When)
	assert.Equal(t, "Hablan inglés y español.", es.Language)
	assert.Equal(t, "Gratis.", es.Cost)
	assert.Equal(t, "Queda 1 lugar libre.", es.Seats)

	// A confidential provider: no address, no stop.
	clinic.Confidential = true
	cm := plan(clinic).Items[0].Matches[0]
	f := cm.Family(language.English)
	assert.NotContains(t, f.String(), "Clinic Stop")
	assert.NotContains(t, f.String(), "100 Main St")
	assert.Contains(t, f.Where, "Confidential location")
	assert.Contains(t, f.HowToGetThere, "get off at the stop nearest the address")
	for _, l := range cm.Legs {
		assert.NotEqual(t, "Clinic Stop", l.To)
		assert.NotEqual(t, "Clinic Stop", l.From)
	}
}

// TestFamilyStayOnBoard plans a bus trip on a line where each route 1
// bus, at Mid Stop, goes on as route 2 (the same block_id, a 0-minute
// layover) to Clinic Stop: the family is told to stay on, not to get off
// and change, and the trip takes one bus. By hand: buses leave Home Stop
// every 20 minutes from 06:00, reach Mid Stop 10 minutes later and
// Clinic Stop 5 minutes after that; walks of 2 minutes at each end.
func TestFamilyStayOnBoard(t *testing.T) {
	t.Parallel()
	b := transit.NewBuilder(time.UTC)
	require.NoError(t, b.AddAgency(transit.Agency{ID: "a", Name: "Line"}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "S1", Name: "Home Stop", Point: north(0.001)}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "S2", Name: "Mid Stop", Point: north(0.03)}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "S3", Name: "Clinic Stop", Point: north(0.049)}))
	require.NoError(t, b.AddRoute(transit.Route{ID: "r1", ShortName: "1", Type: 3}))
	require.NoError(t, b.AddRoute(transit.Route{ID: "r2", ShortName: "2", Type: 3}))
	cal := transit.Calendar{Start: monday.AddDate(0, 0, -7), End: monday.AddDate(0, 0, 30)}
	for d := time.Monday; d <= time.Friday; d++ {
		cal.Weekdays[d] = true
	}
	require.NoError(t, b.AddCalendar("wk", cal))
	for i := range 48 {
		at := hm(6, 0) + time.Duration(i)*20*time.Minute
		blk := fmt.Sprintf("b%d", i)
		require.NoError(t, b.AddTrip(transit.Trip{ID: "a" + blk, Route: "r1", Service: "wk", Block: blk, StopTimes: []transit.StopTime{
			{Stop: "S1", Departure: at}, {Stop: "S2", Departure: at + 10*time.Minute},
		}}))
		require.NoError(t, b.AddTrip(transit.Trip{ID: "b" + blk, Route: "r2", Service: "wk", Block: blk, Headsign: "Clinic", StopTimes: []transit.StopTime{
			{Stop: "S2", Departure: at + 10*time.Minute}, {Stop: "S3", Departure: at + 15*time.Minute},
		}}))
	}
	net, err := b.Build()
	require.NoError(t, err)
	clinic := directory.Provider{ID: "clinic", Name: "Vision Center", Categories: []string{"health.vision"},
		Point: north(0.05), Cost: directory.CostFree}
	d := build(t, []directory.Provider{clinic}, net, nil)
	m, err := match.New(t.Context(), d, match.Config{Week: monday})
	require.NoError(t, err)
	plan, err := m.Plan(context.Background(), match.Student{
		Home:  home,
		Needs: []match.Need{{Category: "health.vision", Severity: 3}},
		Constraints: match.Constraints{
			Mode:         match.ModeTransit,
			MaxTravel:    45 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.DaysOf(time.Monday), Start: hm(15, 0), End: hm(18, 0)}},
		},
	})
	require.NoError(t, err)
	require.Len(t, plan.Items[0].Matches, 1)
	mt := plan.Items[0].Matches[0]
	require.Len(t, mt.Legs, 4, "%+v", mt.Legs)
	first, second := mt.Legs[1], mt.Legs[2]
	assert.Equal(t, []string{"1"}, first.Routes)
	assert.False(t, first.StayOn)
	assert.Equal(t, "Mid Stop", first.To)
	assert.Equal(t, []string{"2"}, second.Routes)
	assert.True(t, second.StayOn)
	assert.Equal(t, "Mid Stop", second.From)
	assert.Equal(t, "Clinic Stop", second.To)
	assert.Equal(t, second.Depart, first.Arrive, "a 0-minute layover")
	assert.Equal(t, 15*time.Minute, first.Duration+second.Duration+second.Wait)
	en := mt.Family(language.English).HowToGetThere
	assert.Contains(t, en, "Stay on the bus when it becomes route 2 toward Clinic and get off at Clinic Stop")
	assert.NotContains(t, en, "get off at Mid Stop")
	es := mt.Family(language.Spanish).HowToGetThere
	assert.Contains(t, es, "Quédese en el autobús cuando pase a ser la ruta 2 hacia Clinic y bájese en Clinic Stop")
}

// TestPlanFamilyUnmet renders an unmet need for the family: the reason
// in plain words, in the family's language, with the category's Spanish
// label.
func TestPlanFamilyUnmet(t *testing.T) {
	t.Parallel()
	far := directory.Provider{ID: "far", Name: "Far Clinic", Categories: []string{"health.vision"}, Point: north(0.5)}
	d := build(t, []directory.Provider{far}, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	plan, err := m.Plan(context.Background(), match.Student{Home: home, Needs: []match.Need{{Category: "health.vision", Severity: 2}}})
	require.NoError(t, err)
	require.NotNil(t, plan.Items[0].Unmet)
	assert.Equal(t, "Need: Vision care and eye glasses\n"+
		"Not found yet: vision care and eye glasses. None is close enough to reach in the time you gave. Your Navigator will keep looking.\n",
		plan.Family(d.Taxonomy(), language.English))
	es := plan.Family(d.Taxonomy(), language.Spanish)
	assert.True(t, strings.HasPrefix(es, "Necesidad: Examen de la vista y lentes\n"), es)
	assert.Contains(t, es, "Ninguno queda lo bastante cerca")
}

func TestLegJSONRoundTrip(t *testing.T) {
	t.Parallel()
	legs := []match.Leg{
		{Kind: match.LegWalk, Duration: 2 * time.Minute, To: "A"},
		{Kind: match.LegRide, Duration: 9 * time.Minute, Routes: []string{"4"}, Headsign: "Eastgate", Depart: hm(15, 42), Arrive: hm(15, 51)},
		{Kind: match.LegCar}, {Kind: match.LegSchool},
	}
	b, err := json.Marshal(legs)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"ride"`)
	var back []match.Leg
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, legs, back)
	var k match.LegKind
	assert.ErrorIs(t, k.UnmarshalText([]byte("bike")), match.ErrBadLeg)
	_, err = match.LegKind(9).MarshalText()
	assert.ErrorIs(t, err, match.ErrBadLeg)
}
