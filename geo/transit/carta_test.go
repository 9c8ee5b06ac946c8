package transit_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

var (
	cartaOnce sync.Once
	cartaNet  *transit.Network
	cartaErr  error
)

func carta(t testing.TB) *transit.Network {
	t.Helper()
	cartaOnce.Do(func() {
		z := demo.CARTAFeed()
		cartaNet, cartaErr = transit.ReadZip(context.Background(), bytes.NewReader(z), int64(len(z)))
	})
	require.NoError(t, cartaErr)
	return cartaNet
}

// scan is an independent reading of the CARTA feed with encoding/csv:
// nothing of package transit is used.
type scan struct {
	stops     []string             // stop_ids in file order
	point     map[string]orb.Point // by stop_id
	tripSvc   map[string]string    // trip_id → service_id
	tripRoute map[string]string    // trip_id → route_id
	routeName map[string]string    // route_id → route_short_name
	stopTimes []scanRow
}

type scanRow struct {
	trip, stop string
	dep        int // seconds
}

var (
	scanOnce sync.Once
	scanData *scan
	scanErr  error
)

func cartaScan(t testing.TB) *scan {
	t.Helper()
	scanOnce.Do(func() { scanData, scanErr = readScan() })
	require.NoError(t, scanErr)
	return scanData
}

func readScan() (*scan, error) {
	z := demo.CARTAFeed()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		return nil, err
	}
	table := func(name string) ([]map[string]string, error) {
		f, err := zr.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, err
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			return nil, err
		}
		var out []map[string]string
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, h := range recs[0] {
				m[h] = r[i]
			}
			out = append(out, m)
		}
		return out, nil
	}
	s := &scan{
		point: map[string]orb.Point{}, tripSvc: map[string]string{},
		tripRoute: map[string]string{}, routeName: map[string]string{},
	}
	routes, err := table("routes.txt")
	if err != nil {
		return nil, err
	}
	for _, r := range routes {
		s.routeName[r["route_id"]] = r["route_short_name"]
	}
	stops, err := table("stops.txt")
	if err != nil {
		return nil, err
	}
	for _, r := range stops {
		s.stops = append(s.stops, r["stop_id"])
		lat, _ := strconv.ParseFloat(r["stop_lat"], 64)
		lon, _ := strconv.ParseFloat(r["stop_lon"], 64)
		s.point[r["stop_id"]] = orb.Point{lon, lat}
	}
	trips, err := table("trips.txt")
	if err != nil {
		return nil, err
	}
	for _, r := range trips {
		s.tripSvc[r["trip_id"]] = r["service_id"]
		s.tripRoute[r["trip_id"]] = r["route_id"]
	}
	sts, err := table("stop_times.txt")
	if err != nil {
		return nil, err
	}
	for _, r := range sts {
		var h, m, sec int
		parts := strings.Split(r["departure_time"], ":")
		h, _ = strconv.Atoi(parts[0])
		m, _ = strconv.Atoi(parts[1])
		sec, _ = strconv.Atoi(parts[2])
		s.stopTimes = append(s.stopTimes, scanRow{trip: r["trip_id"], stop: r["stop_id"], dep: h*3600 + m*60 + sec})
	}
	return s, nil
}

// count returns, per stop_id, the stop_times rows of trips of service svc
// departing in [from, to) seconds.
func (s *scan) count(svc string, from, to int) map[string]int {
	c := map[string]int{}
	for _, r := range s.stopTimes {
		if s.tripSvc[r.trip] == svc && r.dep >= from && r.dep < to {
			c[r.stop]++
		}
	}
	return c
}

// CARTA's services, read off calendar.txt by hand: "1" weekdays, "3"
// Saturdays, "2" Sundays, all 2026-05-10 to 2026-08-22.
const (
	cartaWeekday  = "1"
	cartaSaturday = "3"
	cartaSunday   = "2"
)

var (
	wednesday = time.Date(2026, 5, 27, 0, 0, 0, 0, time.UTC)
	saturday  = time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC)
	sunday    = time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
)

func TestCARTACounts(t *testing.T) {
	t.Parallel()
	n := carta(t)
	st := n.Stats()
	assert.Equal(t, 1163, st.Stops)
	assert.Equal(t, 14, st.Routes)
	assert.Equal(t, 1848, st.Trips)
	assert.Equal(t, 82644, st.StopTimes)
	assert.Equal(t, "America/New_York", n.Location().String())
	assert.Equal(t, n.Date(2026, 5, 10), st.First)
	assert.Equal(t, n.Date(2026, 8, 22), st.Last)

	tests := []struct {
		name     string
		date     time.Time
		services []string
		trips    int
	}{
		{"Wednesday", wednesday, []string{cartaWeekday}, 810},
		{"Saturday", saturday, []string{cartaSaturday}, 666},
		{"Sunday", sunday, []string{cartaSunday}, 372},
		{"Memorial Day runs Saturday service", time.Date(2026, 5, 25, 0, 0, 0, 0, time.UTC), []string{cartaSaturday}, 666},
		{"Juneteenth runs Saturday service", time.Date(2026, 6, 19, 0, 0, 0, 0, time.UTC), []string{cartaSaturday}, 666},
		{"July 4th (a Saturday) has none", time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC), nil, 0},
		{"before the feed", time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC), nil, 0},
		{"after the feed", time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.services, n.ServicesOn(tc.date))
			assert.Equal(t, tc.trips, n.TripsOn(tc.date))
		})
	}
}

func TestCARTAWeekdayService(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	served := s.count(cartaWeekday, 0, 1<<30)
	got := 0
	for i, stop := range n.Stops() {
		assert.Equal(t, served[stop.ID], n.DeparturesOn(i, wednesday), "stop %s", stop.ID)
		if n.DeparturesOn(i, wednesday) > 0 {
			got++
		}
	}
	assert.Equal(t, 1160, got, "stops with weekday service")
	assert.Equal(t, 1160, len(served), "stops with weekday service, by scan")
}

// nearestRank is the p-th percentile by the nearest-rank method.
func nearestRank(v []float64, p float64) float64 {
	v = slices.Sorted(slices.Values(v))
	k := int(float64(len(v))*p/100+0.999999999) - 1
	return v[max(k, 0)]
}

func TestCARTAMorningPeak(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	w := transit.Window{Date: wednesday, Start: 7 * time.Hour, End: 9 * time.Hour}
	rates := n.DeparturesPerHour(w)
	require.Len(t, rates, 1163)

	byScan := s.count(cartaWeekday, 7*3600, 9*3600)
	var scanRates []float64
	for i, id := range s.stops {
		r := float64(byScan[id]) / 2
		scanRates = append(scanRates, r)
		assert.Equal(t, r, rates[i], "stop %s", id)
	}
	// The figures of the issue, from the scan and from the network.
	for name, v := range map[string][]float64{"scan": scanRates, "network": rates} {
		assert.Equal(t, 1.5, nearestRank(v, 50), "%s median", name)
		assert.Equal(t, 2.5, nearestRank(v, 90), "%s 90th percentile", name)
		assert.Equal(t, 19.0, slices.Max(v), "%s maximum", name)
	}
	// The same slice comes back for the same window: it is memoized.
	again := n.DeparturesPerHour(transit.Window{Date: n.Date(2026, 5, 27), Start: 7 * time.Hour, End: 9 * time.Hour})
	assert.Same(t, &rates[0], &again[0])
}

// TestCARTADeparturesAgainstScan checks a few stops and windows against
// the scan, including the busiest stop.
func TestCARTADeparturesAgainstScan(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	tests := []struct {
		name string
		stop string
		svc  string
		date time.Time
		from time.Duration
		to   time.Duration
	}{
		{"busiest stop, weekday peak", "1565", cartaWeekday, wednesday, 7 * time.Hour, 9 * time.Hour},
		{"busiest stop, Saturday morning", "1565", cartaSaturday, saturday, 9 * time.Hour, 12 * time.Hour},
		{"Market & 11th, Saturday morning", "17", cartaSaturday, saturday, 9 * time.Hour, 12 * time.Hour},
		{"stop without weekday service", "12", cartaWeekday, wednesday, 0, 24 * time.Hour},
		{"Sunday afternoon", "1565", cartaSunday, sunday, 13 * time.Hour, 17 * time.Hour},
		{"weekday evening", "17", cartaWeekday, wednesday, 18*time.Hour + 30*time.Minute, 22 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i, ok := n.StopIndex(tc.stop)
			require.True(t, ok)
			want := s.count(tc.svc, int(tc.from.Seconds()), int(tc.to.Seconds()))[tc.stop]
			w := transit.Window{Date: tc.date, Start: tc.from, End: tc.to}
			assert.Equal(t, want, n.Departures(i, w))
			assert.InDelta(t, float64(want)/w.Hours(), n.DeparturesPerHour(w)[i], 1e-12)
		})
	}
}

// TestCARTAAccessBruteForce compares Access at random points in the city
// with a scan of every stop.
func TestCARTAAccessBruteForce(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	w := transit.Window{Date: saturday, Start: 9 * time.Hour, End: 12 * time.Hour}
	perStop := s.count(cartaSaturday, 9*3600, 12*3600)
	rng := rand.New(rand.NewPCG(3, 14))
	points := 300
	if testing.Short() {
		points = 60
	}
	for k := range points {
		p := orb.Point{-85.40 + rng.Float64()*0.25, 34.98 + rng.Float64()*0.15}
		maxWalk := geo.Meters(200 + rng.Float64()*1000)
		a := n.Access(p, maxWalk, w)

		type want struct {
			id string
			d  geo.Meters
		}
		var ws []want
		for _, id := range s.stops {
			d := geo.Distance(p, s.point[id]) * geo.DetourFactor
			if d <= maxWalk {
				ws = append(ws, want{id, d})
			}
		}
		slices.SortFunc(ws, func(x, y want) int {
			if x.d != y.d {
				if x.d < y.d {
					return -1
				}
				return 1
			}
			return strings.Compare(x.id, y.id)
		})
		require.Len(t, a.Stops, len(ws), "point %d %v walk %v", k, p, maxWalk)
		best := 0.0
		for j, sa := range a.Stops {
			stop := n.Stops()[sa.Stop]
			assert.Equal(t, ws[j].id, stop.ID, "point %d rank %d", k, j)
			assert.InDelta(t, float64(ws[j].d), float64(sa.Distance), 1e-6)
			assert.Equal(t, geo.WalkTime(geo.Distance(p, s.point[stop.ID])), sa.Walk)
			assert.Equal(t, float64(perStop[stop.ID])/3, sa.DeparturesPerHour, "stop %s", stop.ID)
			best = max(best, float64(perStop[stop.ID])/3)
		}
		assert.Equal(t, best, a.DeparturesPerHour)
		assert.Equal(t, transit.LevelFor(best), a.Level)
		if best == 0 {
			assert.Equal(t, -1, a.Best)
		} else {
			assert.Equal(t, best, a.Stops[a.Best].DeparturesPerHour)
		}
	}
}

func TestCARTARoutesAtStops(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	want := map[string]map[string]bool{}
	for _, r := range s.stopTimes {
		if want[r.stop] == nil {
			want[r.stop] = map[string]bool{}
		}
		want[r.stop][s.routeName[s.tripRoute[r.trip]]] = true
	}
	for i, stop := range n.Stops() {
		routes := n.RoutesAt(i)
		assert.True(t, slices.IsSorted(routes), "stop %s", stop.ID)
		names := n.RouteNamesAt(i)
		require.Len(t, names, len(routes))
		got := map[string]bool{}
		for k, r := range routes {
			assert.Equal(t, n.Routes()[r].DisplayName(), names[k])
			got[names[k]] = true
		}
		if len(want[stop.ID]) == 0 {
			assert.Empty(t, got, "stop %s", stop.ID)
			continue
		}
		assert.Equal(t, want[stop.ID], got, "stop %s", stop.ID)
	}
}
