package match_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// home is the student's home in the hand-built directories.
var home = orb.Point{-85.3, 35.0}

// north returns the point dLat degrees due north of home: its
// great-circle distance is exactly EarthRadius·dLat·π/180.
func north(dLat float64) orb.Point { return orb.Point{home[0], home[1] + dLat} }

// monday is the plan week used by the tests: Monday 1 June 2026.
var monday = time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// weekdayHours is open Monday to Friday from open to close.
func weekdayHours(open, close time.Duration) directory.Hours {
	var h directory.Hours
	for d := time.Monday; d <= time.Friday; d++ {
		h.Week[d] = []directory.Span{{Open: open, Close: close}}
	}
	return h
}

// build makes a directory of provs, in UTC, with net when not nil and
// region sets when given.
func build(t testing.TB, provs []directory.Provider, net *transit.Network, regions map[string]*geo.Regions) *directory.Directory {
	t.Helper()
	b := directory.NewBuilder()
	b.Location = time.UTC
	b.Transit = net
	for set, rs := range regions {
		b.AddRegions(set, rs)
	}
	for _, p := range provs {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}

// lineNetwork is one route calling at stop S1 (0.001° north of home) and
// then S2 (0.049° north), every 20 minutes from 06:00 to 22:00 on
// weekdays, the ride from S1 to S2 taking 5 minutes.
func lineNetwork(t testing.TB) *transit.Network {
	t.Helper()
	net, err := lineBuilder(t, monday.AddDate(0, 0, -7), monday.AddDate(0, 0, 30)).Build()
	require.NoError(t, err)
	return net
}

// lineBuilder is lineNetwork's feed, its weekday service running from
// start to end, not yet built: a test adds to it.
func lineBuilder(t testing.TB, start, end time.Time) *transit.Builder {
	t.Helper()
	b := transit.NewBuilder(time.UTC)
	require.NoError(t, b.AddAgency(transit.Agency{ID: "a", Name: "Line"}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "S1", Name: "Home Stop", Point: north(0.001)}))
	require.NoError(t, b.AddStop(transit.Stop{ID: "S2", Name: "Clinic Stop", Point: north(0.049)}))
	require.NoError(t, b.AddRoute(transit.Route{ID: "r1", ShortName: "1", Type: 3}))
	cal := transit.Calendar{Start: start, End: end}
	for d := time.Monday; d <= time.Friday; d++ {
		cal.Weekdays[d] = true
	}
	require.NoError(t, b.AddCalendar("wk", cal))
	require.NoError(t, b.AddTrip(transit.Trip{ID: "t1", Route: "r1", Service: "wk", StopTimes: []transit.StopTime{
		{Stop: "S1", Departure: hm(6, 0)}, {Stop: "S2", Departure: hm(6, 5)},
	}}))
	require.NoError(t, b.AddFrequency("t1", hm(6, 0), hm(22, 0), 20*time.Minute))
	return b
}
