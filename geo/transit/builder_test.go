package transit_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

func mustLoc(t testing.TB, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// gridNetwork builds a grid of stops 250 m apart with east–west routes
// along each row: row r has one trip every 60/(r+1) minutes from 06:00 to
// 22:00 on weekdays.
func gridNetwork(t testing.TB, rows, cols int) *transit.Network {
	b := transit.NewBuilder(mustLoc(t, "America/New_York"))
	require.NoError(t, b.AddAgency(transit.Agency{ID: "G", Name: "Grid", Timezone: "America/New_York"}))
	require.NoError(t, b.AddCalendar("WK", transit.Calendar{
		Weekdays: [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		Start:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		End:      time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
	}))
	origin := orb.Point{-85.30, 35.04}
	dLat := 250 / (float64(geo.EarthRadius) * 3.141592653589793 / 180)
	for r := range rows {
		for c := range cols {
			p := orb.Point{origin[0] + float64(c)*dLat*1.22, origin[1] + float64(r)*dLat}
			require.NoError(t, b.AddStop(transit.Stop{ID: fmt.Sprintf("r%02dc%02d", r, c), Name: fmt.Sprintf("Row %d / Col %d", r, c), Point: p}))
		}
		require.NoError(t, b.AddRoute(transit.Route{ID: fmt.Sprintf("R%d", r), ShortName: fmt.Sprint(r + 1), Type: 3}))
		headway := time.Duration(60/(r+1)) * time.Minute
		k := 0
		for start := 6 * time.Hour; start < 22*time.Hour; start += headway {
			var sts []transit.StopTime
			for c := range cols {
				sts = append(sts, transit.StopTime{Stop: fmt.Sprintf("r%02dc%02d", r, c), Departure: start + time.Duration(c)*time.Minute})
			}
			require.NoError(t, b.AddTrip(transit.Trip{ID: fmt.Sprintf("R%d-%d", r, k), Route: fmt.Sprintf("R%d", r), Service: "WK", StopTimes: sts}))
			k++
		}
	}
	n, err := b.Build()
	require.NoError(t, err)
	return n
}

func TestBuilderGrid(t *testing.T) {
	t.Parallel()
	n := gridNetwork(t, 6, 8)
	wed := n.Date(2026, 3, 4)
	w := transit.Window{Date: wed, Start: 9 * time.Hour, End: 11 * time.Hour}
	rates := n.DeparturesPerHour(w)
	for i, s := range n.Stops() {
		var r int
		_, err := fmt.Sscanf(s.ID, "r%02dc", &r)
		require.NoError(t, err)
		// Row r runs r+1 trips an hour (every 60/(r+1) minutes, whole
		// minutes: rows 0–5 divide 60 exactly).
		assert.Equal(t, float64(r+1), rates[i], "stop %s", s.ID)
		assert.Equal(t, []string{fmt.Sprint(r + 1)}, n.RouteNamesAt(i))
	}
	sat := transit.Window{Date: n.Date(2026, 3, 7), Start: 9 * time.Hour, End: 11 * time.Hour}
	assert.Equal(t, 0, n.Departures(0, sat))
	assert.Equal(t, []string{"WK"}, n.ServicesOn(wed))
}

func TestBuilderErrors(t *testing.T) {
	t.Parallel()
	newB := func() *transit.Builder {
		b := transit.NewBuilder(nil)
		require.NoError(t, b.AddStop(transit.Stop{ID: "S", Point: orb.Point{-85.3, 35.0}}))
		require.NoError(t, b.AddRoute(transit.Route{ID: "R"}))
		require.NoError(t, b.AddServiceDate("D", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), true))
		return b
	}
	tests := []struct {
		name  string
		do    func(b *transit.Builder) error
		want  error
		field string
	}{
		{"duplicate stop", func(b *transit.Builder) error { return b.AddStop(transit.Stop{ID: "S"}) }, transit.ErrDuplicate, "stop_id"},
		{"stop out of range", func(b *transit.Builder) error {
			return b.AddStop(transit.Stop{ID: "X", Point: orb.Point{0, 91}})
		}, transit.ErrBadCoordinate, "stop_lat"},
		{"empty route id", func(b *transit.Builder) error { return b.AddRoute(transit.Route{}) }, transit.ErrMissingValue, "route_id"},
		{"unknown route", func(b *transit.Builder) error {
			return b.AddTrip(transit.Trip{ID: "T", Route: "Q", Service: "D"})
		}, transit.ErrUnknownRoute, "route_id"},
		{"unknown service", func(b *transit.Builder) error {
			return b.AddTrip(transit.Trip{ID: "T", Route: "R", Service: "Q"})
		}, transit.ErrUnknownService, "service_id"},
		{"unknown stop", func(b *transit.Builder) error {
			return b.AddTrip(transit.Trip{ID: "T", Route: "R", Service: "D", StopTimes: []transit.StopTime{{Stop: "Q"}}})
		}, transit.ErrUnknownStop, "stop_id"},
		{"negative time", func(b *transit.Builder) error {
			return b.AddTrip(transit.Trip{ID: "T", Route: "R", Service: "D", StopTimes: []transit.StopTime{{Stop: "S", Departure: -time.Second}}})
		}, transit.ErrBadTime, "departure_time"},
		{"calendar ending before it starts", func(b *transit.Builder) error {
			return b.AddCalendar("C", transit.Calendar{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		}, transit.ErrBadDate, "end_date"},
		{"frequency of unknown trip", func(b *transit.Builder) error {
			return b.AddFrequency("T", 0, time.Hour, time.Minute)
		}, transit.ErrUnknownTrip, "trip_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.do(newB())
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var fe *transit.FeedError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Empty(t, fe.File)
		})
	}
}

func TestBuilderTooManyDepartures(t *testing.T) {
	t.Parallel()
	b := transit.NewBuilder(nil)
	require.NoError(t, b.AddRoute(transit.Route{ID: "R"}))
	require.NoError(t, b.AddServiceDate("D", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), true))
	var sts []transit.StopTime
	for i := range 1000 {
		id := fmt.Sprint(i)
		require.NoError(t, b.AddStop(transit.Stop{ID: id, Point: orb.Point{-85, 35}}))
		sts = append(sts, transit.StopTime{Stop: id, Departure: time.Duration(i) * time.Second})
	}
	require.NoError(t, b.AddTrip(transit.Trip{ID: "T", Route: "R", Service: "D", StopTimes: sts}))
	require.NoError(t, b.AddFrequency("T", 0, 900*time.Hour, time.Second))
	n, err := b.Build()
	assert.Nil(t, n)
	assert.ErrorIs(t, err, transit.ErrTooLarge)
}

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dph  float64
		want transit.Level
		name string
	}{
		{0, transit.LevelNone, "none"},
		{0.25, transit.LevelLow, "low"},
		{1.99, transit.LevelLow, "low"},
		{2, transit.LevelMedium, "medium"},
		{3.99, transit.LevelMedium, "medium"},
		{4, transit.LevelHigh, "high"},
		{19, transit.LevelHigh, "high"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, transit.LevelFor(tc.dph), "LevelFor(%v)", tc.dph)
		assert.Equal(t, tc.name, transit.LevelFor(tc.dph).String())
	}
	assert.Equal(t, "Level(9)", transit.Level(9).String())
}

// TestNearbyBoundary checks that a stop at exactly maxWalk is in, and
// just beyond is out.
func TestNearbyBoundary(t *testing.T) { // not parallel: AllocsPerRun
	n := gridNetwork(t, 1, 2)
	a, b := n.Stops()[0].Point, n.Stops()[1].Point
	d := geo.Distance(a, b) * geo.DetourFactor
	count := func(maxWalk geo.Meters) int {
		c := 0
		for range n.NearbyStops(a, maxWalk) {
			c++
		}
		return c
	}
	assert.Equal(t, 2, count(d))
	assert.Equal(t, 1, count(d*0.999))
	assert.Equal(t, 0, count(-1))
	allocs := testing.AllocsPerRun(100, func() {
		for range n.NearbyStops(a, d) {
		}
	})
	assert.Zero(t, allocs, "NearbyStops allocates")
}

// TestConcurrentWindows queries many windows from many goroutines (run
// with -race) and checks each against a direct count.
func TestConcurrentWindows(t *testing.T) {
	t.Parallel()
	n := gridNetwork(t, 4, 5)
	wed := n.Date(2026, 3, 4)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 50 {
				start := time.Duration(rng.IntN(20)) * time.Hour
				w := transit.Window{Date: wed, Start: start, End: start + time.Duration(1+rng.IntN(4))*time.Hour}
				rates := n.DeparturesPerHour(w)
				for i := range n.Stops() {
					want := float64(n.Departures(i, w)) / w.Hours()
					if rates[i] != want {
						t.Errorf("window %v stop %d: %v, want %v", w, i, rates[i], want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestAccessOrdering checks sorting, best stop and level on the grid.
func TestAccessOrdering(t *testing.T) {
	t.Parallel()
	n := gridNetwork(t, 6, 8)
	w := transit.Window{Date: n.Date(2026, 3, 4), Start: 9 * time.Hour, End: 11 * time.Hour}
	p := n.Stops()[8*2+3].Point // row 2, a stop with 3 departures an hour
	a := n.Access(p, 300, w)
	require.NotEmpty(t, a.Stops)
	assert.True(t, slices.IsSortedFunc(a.Stops, func(x, y transit.StopAccess) int {
		if x.Distance < y.Distance {
			return -1
		}
		if x.Distance > y.Distance {
			return 1
		}
		return 0
	}))
	assert.Equal(t, "r02c03", n.Stops()[a.Stops[0].Stop].ID)
	assert.Zero(t, a.Stops[0].Distance)
	// Within 300 m walking (231 m straight) there is only the stop
	// itself: its neighbours are 250 m away (325 m walking).
	assert.Equal(t, 3.0, a.DeparturesPerHour)
	assert.Equal(t, transit.LevelMedium, a.Level)
	assert.Len(t, a.Stops, 1)
	// 700 m walking is 538 m straight: rows 0–4 of column 3 (up to
	// 500 m away); row 4 has 5 departures an hour.
	far := n.Access(p, 700, w)
	assert.Equal(t, 5.0, far.DeparturesPerHour)
	assert.Equal(t, transit.LevelHigh, far.Level)
	assert.Equal(t, "r04c03", n.Stops()[far.Stops[far.Best].Stop].ID)
	none := n.Access(orb.Point{-80, 30}, 800, w)
	assert.Empty(t, none.Stops)
	assert.Equal(t, -1, none.Best)
	assert.Equal(t, transit.LevelNone, none.Level)
}
