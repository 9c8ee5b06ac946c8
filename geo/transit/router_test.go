package transit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/csa"
)

var (
	cartaRouterOnce sync.Once
	cartaRouter     *transit.Router
	cartaOracle     *csa.Feed
	cartaRouterErr  error
)

// oracleOptions are RouterOptions' defaults written out for the oracle.
var oracleOptions = csa.Options{MaxWalk: 800, TransferWalk: 400, Slack: 60, MaxRides: 4}

func cartaRouting(t testing.TB) (*transit.Router, *csa.Feed) {
	t.Helper()
	n := carta(t)
	cartaRouterOnce.Do(func() {
		cartaRouter, cartaRouterErr = transit.NewRouter(n, transit.RouterOptions{})
		if cartaRouterErr == nil {
			cartaOracle, cartaRouterErr = csa.Read(demo.CARTAFeed(), oracleOptions)
		}
	})
	require.NoError(t, cartaRouterErr)
	return cartaRouter, cartaOracle
}

// randomPlace returns a point within about 1 km of a random stop.
func randomPlace(rng *rand.Rand, stops []transit.Stop) orb.Point {
	s := stops[rng.IntN(len(stops))]
	return orb.Point{s.Point[0] + (rng.Float64()-0.5)*0.02, s.Point[1] + (rng.Float64()-0.5)*0.016}
}

type oracleDate struct {
	y    int
	m    time.Month
	d    int
	name string
}

// Dates inside CARTA's 2026-05-10..2026-08-22: weekdays, Saturdays,
// Sundays, the Memorial Day and Juneteenth exceptions (Saturday service),
// and the feed's first and last days.
var cartaDates = []oracleDate{
	{2026, 5, 10, "first day, Sunday"}, {2026, 5, 11, "Monday"}, {2026, 5, 13, "Wednesday"},
	{2026, 5, 16, "Saturday"}, {2026, 5, 25, "Memorial Day"}, {2026, 6, 5, "Friday"},
	{2026, 6, 19, "Juneteenth"}, {2026, 6, 21, "Sunday"}, {2026, 7, 4, "Saturday"},
	{2026, 7, 14, "Tuesday"}, {2026, 8, 6, "Thursday"}, {2026, 8, 22, "last day, Saturday"},
}

// TestRouterAgainstOracleCARTA compares the router's earliest arrivals
// with the independent Connection Scan of internal/csa on random
// (origin, destination, departure) triples over CARTA: 2,016 queries,
// a third of them after 21:00 so trips past midnight matter.
func TestRouterAgainstOracleCARTA(t *testing.T) {
	r, oracle := cartaRouting(t)
	n := r.Network()
	perDate := 168 // 12 dates × 168 = 2,016 queries
	if testing.Short() || raceEnabled {
		perDate = 40
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	stops := n.Stops()
	var reached, walked, none int
	for _, d := range cartaDates {
		day := oracle.Day(d.y, d.m, d.d)
		for q := range perDate {
			var secs int32
			switch q % 3 {
			case 0:
				secs = int32(5*3600 + rng.IntN(16*3600)) // 05:00–21:00
			case 1:
				secs = int32(21*3600 + rng.IntN(3*3600)) // 21:00–24:00
			default:
				secs = int32(15*3600 + rng.IntN(4*3600)) // after school
			}
			from, to := randomPlace(rng, stops), randomPlace(rng, stops)
			at := day.Start.Add(time.Duration(secs) * time.Second)
			a, err := r.Depart(context.Background(), from, at)
			require.NoError(t, err)
			got, ok := a.To(to)
			want := day.To(from, to, secs)
			if want == csa.Inf {
				none++
				if !assert.False(t, ok, "%s %v from %v to %v: router %v, oracle unreachable", d.name, at, from, to, got) {
					return
				}
				continue
			}
			if !assert.True(t, ok, "%s %v from %v to %v: router unreachable, oracle %v", d.name, at, from, to, want-secs) ||
				!assert.Equal(t, time.Duration(want-secs)*time.Second, got, "%s %v from %v to %v", d.name, at, from, to) {
				return
			}
			if dw := geo.WalkTime(geo.Distance(from, to)); got == dw {
				walked++
			} else {
				reached++
			}
		}
	}
	t.Logf("%d by transit, %d on foot, %d unreachable", reached, walked, none)
	assert.Greater(t, reached, len(cartaDates)*perDate/3, "most queries should need a bus")
}

// TestRouterAgainstOracleSample does the same on Google's sample feed,
// whose frequencies.txt, pickup/drop-off rules and transfers.txt
// (a forbidden transfer and a minimum transfer time) the oracle reads
// on its own.
func TestRouterAgainstOracleSample(t *testing.T) {
	n, err := transit.Load(context.Background(), "testdata/gtfs-sample")
	require.NoError(t, err)
	opts := transit.RouterOptions{MaxWalk: 3000, TransferWalk: 1500}
	r, err := transit.NewRouter(n, opts)
	require.NoError(t, err)
	oracle, err := csa.ReadFS(os.DirFS("testdata/gtfs-sample"),
		csa.Options{MaxWalk: 3000, TransferWalk: 1500, Slack: 60, MaxRides: 4})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 2007))
	dates := []oracleDate{{2007, 6, 4, "removed Monday"}, {2007, 6, 5, "Tuesday"}, {2007, 6, 9, "Saturday"}, {2008, 1, 6, "Sunday"}}
	stops := n.Stops()
	reached := 0
	for _, d := range dates {
		day := oracle.Day(d.y, d.m, d.d)
		for range 500 {
			secs := int32(5*3600 + rng.IntN(19*3600))
			s1, s2 := stops[rng.IntN(len(stops))].Point, stops[rng.IntN(len(stops))].Point
			from := orb.Point{s1[0] + (rng.Float64()-0.5)*0.02, s1[1] + (rng.Float64()-0.5)*0.02}
			to := orb.Point{s2[0] + (rng.Float64()-0.5)*0.02, s2[1] + (rng.Float64()-0.5)*0.02}
			at := day.Start.Add(time.Duration(secs) * time.Second)
			a, err := r.Depart(context.Background(), from, at)
			require.NoError(t, err)
			got, ok := a.To(to)
			want := day.To(from, to, secs)
			msg := fmt.Sprintf("%s %v from %v to %v", d.name, at, from, to)
			if want == csa.Inf {
				if !assert.False(t, ok, msg) {
					return
				}
				continue
			}
			if !assert.Equal(t, time.Duration(want-secs)*time.Second, got, msg) {
				return
			}
			reached++
		}
	}
	assert.Greater(t, reached, 500)
}
