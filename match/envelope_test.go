package match_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/match"
)

// TestDistUB checks the trig-free distance against geo.Distance on
// random pairs from a few meters to 2,000 km apart, at latitudes from the
// equator to the Arctic: never below it, and above it by no more than
// the sine and arcsine bounds give up (under 10⁻⁵ across a metro at
// mid latitudes).
func TestDistUB(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for range 200_000 {
		lat := (rng.Float64()*2 - 1) * 75
		o := orb.Point{(rng.Float64()*2 - 1) * 170, lat}
		span := math.Pow(10, -5+rng.Float64()*6.3) // degrees, 1 m to ~2,000 km
		q := orb.Point{o[0] + (rng.Float64()*2-1)*span, max(-89, min(89, o[1]+(rng.Float64()*2-1)*span))}
		want := geo.Distance(o, q)
		got := match.DistUB(o, q)
		require.GreaterOrEqual(t, float64(got), float64(want), "%v %v", o, q)
		// sin x ≤ x gives up under x²/5 of each half-angle x, and
		// asin y ≤ y + y³/5 gives up y²/30 more.
		a := math.Abs(q[1]-o[1]) * math.Pi / 360
		b := math.Abs(q[0]-o[0]) * math.Pi / 360
		y := float64(want) / 2 / float64(geo.EarthRadius)
		slack := max(a, b)*max(a, b)/5 + y*y/30
		require.LessOrEqual(t, float64(got), float64(want)*(1+slack)*(1+1e-8)+1e-6, "%v %v", o, q)
	}
}

// TestCosLow checks the table's cosine against math.Cos at random and
// whole-hundredth latitudes: never above it (so distance bounds stay
// lower bounds), at most 2·10⁻⁴ below it up to 60°.
func TestCosLow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for i := range 200_000 {
		lat := (rng.Float64()*2 - 1) * 90
		if i%4 == 0 {
			lat = float64(rng.IntN(18001)-9000) / 100
		}
		want := math.Cos(lat * (math.Pi / 180)) // as geo.Distance
		got := float64(match.CosLow(lat))
		require.LessOrEqual(t, got, want, "lat %v", lat)
		if math.Abs(lat) <= 60 {
			require.GreaterOrEqual(t, got, want-2e-4, "lat %v", lat)
		}
	}
	require.Zero(t, match.CosLow(math.NaN()))
}

// TestEnvelopeBounds checks the transit envelope of students on CARTA
// against the same bound worked out plainly from every stop, exact
// distances and no sort: the envelope is never above it (it must stay a
// lower bound) and no more than a second below it; the search radius is
// no less than the farthest place a stop's least time and the walk on
// can reach within the limit.
func TestEnvelopeBounds(t *testing.T) {
	d, err := demo.Directory()
	require.NoError(t, err)
	m, err := match.New(context.Background(), d, match.Config{})
	require.NoError(t, err)
	stops := d.Transit().Stops()
	rng := rand.New(rand.NewPCG(6, 1))
	homes := 40
	if testing.Short() {
		homes = 10
	}
	for h := range homes {
		s := stops[rng.IntN(len(stops))].Point
		st := match.Student{
			Home:  orb.Point{s[0] + (rng.Float64()-0.5)*0.01, s[1] + (rng.Float64()-0.5)*0.008},
			Age:   12,
			Needs: []match.Need{{Category: "basic.food", Severity: 2}},
			Constraints: match.Constraints{
				Mode:      match.ModeTransit,
				MaxTravel: time.Duration(20+rng.IntN(40)) * time.Minute,
			},
		}
		if h%2 == 0 {
			st.Constraints.Availability = []match.WeeklyWindow{{Days: match.Weekdays, Start: 15 * time.Hour, End: 18 * time.Hour}}
		}
		p, err := m.Prepare(context.Background(), st)
		require.NoError(t, err)
		env := match.EnvelopeOf(p)
		// Every stop's least time over the groups, as the profiles
		// bound it (their own tests check those bounds).
		least := make([]float64, len(stops))
		for i := range least {
			least[i] = math.Inf(1)
		}
		for _, prof := range env.Profiles {
			{
				prof.LeastBounds(func(s int, v time.Duration) {
					if v != transit.Unreachable {
						least[s] = min(least[s], v.Seconds())
					}
				})
			}
		}
		lim := st.Constraints.MaxTravel.Seconds()
		plain := func(r geo.Meters) float64 {
			b := math.Inf(1)
			for i, a := range least {
				if a <= lim {
					ds := geo.Distance(st.Home, stops[i].Point)
					b = min(b, a+match.WalkSecsPerMeter*float64(max(0, r-ds)))
				}
			}
			return b
		}
		var reach geo.Meters
		for i, a := range least {
			if a <= lim {
				left := geo.Meters((lim - a) / match.WalkSecsPerMeter)
				reach = max(reach, geo.Distance(st.Home, stops[i].Point)+min(m.Config().StopWalk/geo.DetourFactor, left))
			}
		}
		require.GreaterOrEqual(t, float64(env.Radius), float64(min(reach, directory.MaxRadius)), "home %d", h)
		for range 50 {
			r := geo.Meters(rng.Float64() * 20_000)
			got, want := env.Bound(r), plain(r)
			if math.IsInf(want, 1) {
				require.True(t, math.IsInf(got, 1), "home %d r %v: %v", h, r, got)
				continue
			}
			require.LessOrEqual(t, got, want+1e-6, "home %d r %v", h, r)
			require.GreaterOrEqual(t, got, want-1, "home %d r %v", h, r)
		}
	}
}
