package transit_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

const sampleDir = "testdata/gtfs-sample"

// The sample feed's dates: FULLW runs every day of 2007–2025 except
// 2007-06-04 (calendar_dates.txt); WE runs on weekends.
var (
	sampleTuesday  = time.Date(2007, 6, 5, 0, 0, 0, 0, time.UTC)
	sampleSaturday = time.Date(2007, 6, 9, 0, 0, 0, 0, time.UTC)
	sampleRemoved  = time.Date(2007, 6, 4, 0, 0, 0, 0, time.UTC) // a Monday
)

func loadSample(t *testing.T) *transit.Network {
	t.Helper()
	n, err := transit.Load(context.Background(), sampleDir)
	require.NoError(t, err)
	return n
}

func TestSampleFeed(t *testing.T) {
	t.Parallel()
	n := loadSample(t)
	st := n.Stats()
	assert.Equal(t, 10, st.Stops)
	assert.Equal(t, 5, st.Routes)
	assert.Equal(t, 11, st.Trips)
	assert.Equal(t, 28, st.StopTimes)
	assert.Equal(t, "America/Los_Angeles", n.Location().String())
	assert.Equal(t, "Autorité de passage de démonstration", n.Agencies()[0].Name)
	city, ok := n.RouteByID("CITY")
	require.True(t, ok)
	assert.Equal(t, "Ō", city.DisplayName())
	ab, _ := n.RouteByID("AB")
	assert.Equal(t, "Airport ⇒ Bullfrog", ab.DisplayName())

	assert.Equal(t, []string{"FULLW"}, n.ServicesOn(sampleTuesday))
	assert.Equal(t, []string{"FULLW", "WE"}, n.ServicesOn(sampleSaturday))
	assert.Empty(t, n.ServicesOn(sampleRemoved))

	station, _ := n.StopByID("BEATTY_AIRPORT_STATION")
	assert.Equal(t, transit.LocationStation, station.LocationType)
	airport, _ := n.StopByID("BEATTY_AIRPORT")
	assert.Equal(t, "BEATTY_AIRPORT_STATION", airport.Parent)
}

// TestSampleFrequencies checks the expansion of frequencies.txt against
// counts worked out by hand. Trips start at start_time, then every
// headway, while before end_time:
//
//	CITY1 and CITY2 each: 06:00–07:59:59 every 30 min → 4 trips;
//	08:00–09:59:59 every 10 min → 12; 10:00–15:59:59 every 30 min → 12;
//	16:00–18:59:59 every 10 min → 18; 19:00–22:00 every 30 min → 6 (19:00
//	… 21:30). 52 trips each a day.
//	STBA: 06:00–22:00 every 30 min → 32 trips.
func TestSampleFrequencies(t *testing.T) {
	t.Parallel()
	n := loadSample(t)
	idx := func(id string) int {
		i, ok := n.StopIndex(id)
		require.True(t, ok, id)
		return i
	}
	tests := []struct {
		name string
		stop string
		date time.Time
		want int
	}{
		// Every CITY1 and CITY2 trip calls at NADAV: 52 + 52.
		{"NADAV all day", "NADAV", sampleTuesday, 104},
		// CITY1 starts there, CITY2 ends there (pickup allowed); STBA
		// starts there with pickup_type 1, so its 32 calls do not count.
		{"STAGECOACH all day", "STAGECOACH", sampleTuesday, 104},
		// STBA's 32 calls, AB1 and AB2; on weekends also AAMV1–AAMV4.
		{"BEATTY_AIRPORT Tuesday", "BEATTY_AIRPORT", sampleTuesday, 34},
		{"BEATTY_AIRPORT Saturday", "BEATTY_AIRPORT", sampleSaturday, 38},
		{"AMV Tuesday", "AMV", sampleTuesday, 0},
		{"AMV Saturday", "AMV", sampleSaturday, 4},
		{"nothing on the removed day", "NADAV", sampleRemoved, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, n.DeparturesOn(idx(tc.stop), tc.date))
		})
	}

	// 08:00–10:00 at NADAV: CITY1 reaches NADAV 14 min after its start
	// (06:00 → 06:14), CITY2 also 14 min after (06:30 → 06:44). Starts at
	// 07:30 reach it at 07:44 (outside), starts 08:00 … 09:40 (11 of
	// them) inside, 09:50 at 10:04 outside: 11 + 11 = 22, 11 per hour.
	w := transit.Window{Date: sampleTuesday, Start: 8 * time.Hour, End: 10 * time.Hour}
	assert.Equal(t, 22, n.Departures(idx("NADAV"), w))
	assert.Equal(t, 11.0, n.DeparturesPerHour(w)[idx("NADAV")])

	times := n.DepartureTimes(idx("NADAV"), sampleTuesday)
	require.Len(t, times, 104)
	assert.Equal(t, 6*time.Hour+14*time.Minute, times[0])
	assert.Equal(t, 21*time.Hour+30*time.Minute+14*time.Minute, times[103])
}

// TestLoadZip zips the sample feed (inside a folder, as many publishers
// do) and loads it through Load and ReadZip.
func TestLoadZip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "feed.zip")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	entries, err := os.ReadDir(sampleDir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(sampleDir, e.Name()))
		require.NoError(t, err)
		w, err := zw.Create("google_transit/" + e.Name())
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())

	fromZip, err := transit.Load(context.Background(), path)
	require.NoError(t, err)
	fromDir := loadSample(t)
	assert.Equal(t, fromDir.Stats(), fromZip.Stats())
	assert.Equal(t, fromDir.Stops(), fromZip.Stops())

	_, err = transit.Load(context.Background(), filepath.Join(t.TempDir(), "missing.zip"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestSampleDirectRoutes checks one-seat rides against the sample's
// timetable, read by hand.
func TestSampleDirectRoutes(t *testing.T) {
	t.Parallel()
	n := loadSample(t)
	stop := func(id string) int {
		i, ok := n.StopIndex(id)
		require.True(t, ok, id)
		return i
	}
	route := func(id string) int {
		for i, r := range n.Routes() {
			if r.ID == id {
				return i
			}
		}
		t.Fatalf("no route %s", id)
		return -1
	}
	at := func(date time.Time, from, to time.Duration) transit.Window {
		return transit.Window{Date: date, Start: from, End: to}
	}
	tests := []struct {
		name     string
		from, to string
		w        transit.Window
		want     []int
	}{
		// CITY1 (every 10 min from 08:00) starts at STAGECOACH and later
		// calls at NADAV.
		{"frequency trip, forward", "STAGECOACH", "NADAV", at(sampleTuesday, 8*time.Hour, 9*time.Hour), []int{route("CITY")}},
		// CITY2 calls at NADAV 14 min after its start; the last start is
		// 21:30, so its last NADAV departure is 21:44.
		{"frequency trip, last run in window", "NADAV", "STAGECOACH", at(sampleTuesday, 21*time.Hour+40*time.Minute, 21*time.Hour+50*time.Minute), []int{route("CITY")}},
		{"frequency trip, after the last run", "NADAV", "STAGECOACH", at(sampleTuesday, 21*time.Hour+45*time.Minute, 23*time.Hour), nil},
		// STBA starts at STAGECOACH with pickup_type 1: no boarding.
		{"no pickup at origin", "STAGECOACH", "BEATTY_AIRPORT", at(sampleTuesday, 6*time.Hour, 22*time.Hour), nil},
		// AB1 leaves BEATTY_AIRPORT at 08:00 for BULLFROG.
		{"scheduled trip in window", "BEATTY_AIRPORT", "BULLFROG", at(sampleTuesday, 7*time.Hour, 9*time.Hour), []int{route("AB")}},
		{"scheduled trip outside window", "BEATTY_AIRPORT", "BULLFROG", at(sampleTuesday, 9*time.Hour, 10*time.Hour), nil},
		{"wrong direction", "BULLFROG", "BEATTY_AIRPORT", at(sampleTuesday, 7*time.Hour, 9*time.Hour), nil},
		// AAMV runs on weekends only.
		{"weekend route on Saturday", "BEATTY_AIRPORT", "AMV", at(sampleSaturday, 7*time.Hour, 9*time.Hour), []int{route("AAMV")}},
		{"weekend route on Tuesday", "BEATTY_AIRPORT", "AMV", at(sampleTuesday, 7*time.Hour, 9*time.Hour), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, n.DirectRoutes(stop(tc.from), stop(tc.to), tc.w))
		})
	}
	assert.Nil(t, n.DirectRoutes(-1, 0, at(sampleTuesday, 0, time.Hour)))
}
