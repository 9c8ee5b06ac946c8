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
