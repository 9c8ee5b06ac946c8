package geo_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// cosineDistance is the spherical law of cosines: a second formula for the
// great-circle distance, accurate away from tiny separations.
func cosineDistance(a, b orb.Point) float64 {
	r := math.Pi / 180
	c := math.Sin(a[1]*r)*math.Sin(b[1]*r) + math.Cos(a[1]*r)*math.Cos(b[1]*r)*math.Cos((b[0]-a[0])*r)
	return float64(geo.EarthRadius) * math.Acos(math.Max(-1, math.Min(1, c)))
}

func TestDistance(t *testing.T) {
	t.Parallel()
	oneDegree := float64(geo.EarthRadius) * math.Pi / 180 // 111,195.08 m
	cases := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"same point", orb.Point{-85.3, 35.0}, orb.Point{-85.3, 35.0}, 0},
		{"one degree of latitude", orb.Point{-85, 35}, orb.Point{-85, 36}, oneDegree},
		{"one degree of longitude on the equator", orb.Point{0, 0}, orb.Point{1, 0}, oneDegree},
		{"pole to pole", orb.Point{0, 90}, orb.Point{0, -90}, 180 * oneDegree},
		{"antipodes on the equator", orb.Point{0, 0}, orb.Point{180, 0}, 180 * oneDegree},
		// Chattanooga (Market St) to Nashville (Broadway): about 170 km.
		{"Chattanooga to Nashville", orb.Point{-85.3097, 35.0456}, orb.Point{-86.7816, 36.1627}, cosineDistance(orb.Point{-85.3097, 35.0456}, orb.Point{-86.7816, 36.1627})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := float64(geo.Distance(tc.a, tc.b))
			assert.InDelta(t, tc.want, got, 1e-6*math.Max(1, tc.want), "Distance(%v, %v)", tc.a, tc.b)
		})
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 2000; i++ {
		a := orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		b := orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		want := cosineDistance(a, b)
		require.InDelta(t, want, float64(geo.Distance(a, b)), 0.01, "Distance(%v, %v)", a, b)
		require.Equal(t, geo.Distance(a, b), geo.Distance(b, a))
	}
}

func TestWalk(t *testing.T) {
	t.Parallel()
	// 1,000 m straight line × 1.3 detour / 1.2 m/s = 1,083.33 s.
	assert.Equal(t, 1083*time.Second, geo.WalkTime(1000))
	assert.Equal(t, time.Duration(0), geo.WalkTime(-5))
	assert.InDelta(t, 1300, float64(geo.WalkDistance(1000)), 1e-9)
	assert.InDelta(t, 1000, float64(geo.WalkReach(geo.WalkTime(1000))), 0.5)
	assert.Equal(t, "850 m", geo.Meters(850).String())
	assert.Equal(t, "1.2 km", geo.Meters(1234).String())
}

func TestValidatePoint(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	cases := []struct {
		name     string
		lat, lon float64
		field    string // PointError.Field; "" when valid
		want     []error
	}{
		{"Chattanooga", 35.0456, -85.3097, "", nil},
		{"poles and antimeridian", 90, 180, "", nil},
		{"south pole, west antimeridian", -90, -180, "", nil},
		{"on the equator", 0, 12.5, "", nil},
		{"on the prime meridian", 51.48, 0, "", nil},
		{"just off null island", 0, 1e-6, "", nil},
		{"null island", 0, 0, "point", []error{geo.ErrNullIsland}},
		{"negative zero null island", math.Copysign(0, -1), 0, "point", []error{geo.ErrNullIsland}},
		{"rounding noise at null island", 1e-12, -1e-12, "point", []error{geo.ErrNullIsland}},
		{"latitude too large", 95, 10, "latitude", []error{geo.ErrLatitude}},
		{"latitude just past the pole", math.Nextafter(90, 91), 10, "latitude", []error{geo.ErrLatitude}},
		{"swapped for Chattanooga", -85.3097, 35.0456, "", nil}, // valid as given: see LikelySwappedUS
		{"swapped, latitude out of range", -120.5, 45.2, "latitude", []error{geo.ErrLatitude, geo.ErrLikelySwapped}},
		{"longitude too large", 10, 200, "longitude", []error{geo.ErrLongitude}},
		{"longitude just past the antimeridian", 10, math.Nextafter(-180, -181), "longitude", []error{geo.ErrLongitude}},
		{"latitude NaN", math.NaN(), 0, "latitude", []error{geo.ErrNotFinite, geo.ErrLatitude}},
		{"longitude NaN", 35, math.NaN(), "longitude", []error{geo.ErrNotFinite, geo.ErrLongitude}},
		{"longitude +Inf", 0, inf, "longitude", []error{geo.ErrNotFinite, geo.ErrLongitude}},
		{"longitude -Inf", 35, -inf, "longitude", []error{geo.ErrNotFinite, geo.ErrLongitude}},
		{"latitude -Inf", -inf, -85, "latitude", []error{geo.ErrNotFinite, geo.ErrLatitude}},
		{"both NaN: latitude first", math.NaN(), math.NaN(), "latitude", []error{geo.ErrNotFinite}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := geo.PointFromLatLon(tc.lat, tc.lon)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, orb.Point{tc.lon, tc.lat}, p)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w, "lat %v lon %v", tc.lat, tc.lon)
			}
			var pe *geo.PointError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field, "lat %v lon %v: %v", tc.lat, tc.lon, err)
			assert.Contains(t, err.Error(), tc.field)
			// Messages never quote coordinates: no digit at all.
			msg := strings.NewReplacer("[-90, 90]", "", "[-180, 180]", "", "(0, 0)", "").Replace(err.Error())
			assert.NotRegexp(t, `[0-9]|NaN|Inf`, msg, "message must not quote the coordinates: %v", err)
		})
	}
	assert.True(t, geo.LikelySwappedUS(orb.Point{35.0456, -85.3097}))
	assert.False(t, geo.LikelySwappedUS(orb.Point{-85.3097, 35.0456}))
	assert.False(t, geo.LikelySwappedUS(orb.Point{2.35, 48.85}), "Paris is not a swapped U.S. point")
}

func TestBoundAroundContainsCircle(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 500; i++ {
		c := orb.Point{rng.Float64()*300 - 150, rng.Float64()*160 - 80}
		r := geo.Meters(rng.Float64() * 50_000)
		b := geo.BoundAround(c, r)
		// Points exactly r away in every direction must be inside.
		for k := 0; k < 64; k++ {
			bearing := float64(k) / 64 * 360
			p := destination(c, bearing, float64(r)*0.999999)
			require.True(t, b.Contains(p), "center %v r %v bearing %v: %v outside %v", c, r, bearing, p, b)
		}
	}
}

// destination walks d meters from p on an initial bearing (degrees).
func destination(p orb.Point, bearing, d float64) orb.Point {
	r := math.Pi / 180
	δ := d / float64(geo.EarthRadius)
	θ := bearing * r
	φ1, λ1 := p[1]*r, p[0]*r
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return orb.Point{λ2 / r, φ2 / r}
}

func TestDistanceToBoundIsExactMinimum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 300; i++ {
		lo := orb.Point{-86 + rng.Float64(), 34.5 + rng.Float64()}
		b := orb.Bound{Min: lo, Max: orb.Point{lo[0] + rng.Float64()*0.3, lo[1] + rng.Float64()*0.3}}
		p := orb.Point{-87 + rng.Float64()*3, 33.5 + rng.Float64()*3}
		got := float64(geo.DistanceToBound(p, b))
		// Brute force: the minimum over a fine grid of the bound's
		// edges, refined; inside points are 0.
		want := math.Inf(1)
		if b.Contains(p) {
			want = 0
		}
		const n = 2000
		for k := 0; k <= n; k++ {
			f := float64(k) / n
			for _, q := range []orb.Point{
				{b.Min[0] + f*(b.Max[0]-b.Min[0]), b.Min[1]},
				{b.Min[0] + f*(b.Max[0]-b.Min[0]), b.Max[1]},
				{b.Min[0], b.Min[1] + f*(b.Max[1]-b.Min[1])},
				{b.Max[0], b.Min[1] + f*(b.Max[1]-b.Min[1])},
			} {
				want = math.Min(want, float64(geo.Distance(p, q)))
			}
		}
		require.LessOrEqual(t, got, want+1e-6, "must be a lower bound: p %v b %v", p, b)
		require.InDelta(t, want, got, 2, "p %v b %v", p, b) // grid step is ~15 m, error quadratic
	}
}

func TestParseDegrees(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want float64
		err  error
	}{
		{"-85.3097", -85.3097, nil},
		{"35", 35, nil},
		{"+35.5", 35.5, nil},
		{".5", 0.5, nil},
		{"5.", 5, nil},
		{"3.5e1", 35, nil},
		{"-1E-2", -0.01, nil},
		{"0", 0, nil}, // (0, 0) is refused later, by ValidatePoint
		{"0x1p-2", 0, geo.ErrNotDecimal},
		{"0X1P+2", 0, geo.ErrNotDecimal},
		{"Inf", 0, geo.ErrNotDecimal},
		{"-infinity", 0, geo.ErrNotDecimal},
		{"NaN", 0, geo.ErrNotDecimal},
		{"1_000", 0, geo.ErrNotDecimal},
		{"", 0, geo.ErrNotDecimal},
		{" 35", 0, geo.ErrNotDecimal},
		{"35 ", 0, geo.ErrNotDecimal},
		{"35,5", 0, geo.ErrNotDecimal},
		{"-", 0, geo.ErrNotDecimal},
		{".", 0, geo.ErrNotDecimal},
		{"1e", 0, geo.ErrNotDecimal},
		{"1e+", 0, geo.ErrNotDecimal},
		{"--1", 0, geo.ErrNotDecimal},
		{"35\x00", 0, geo.ErrNotDecimal},
		{"1e400", 0, geo.ErrNotFinite},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := geo.ParseDegrees(tc.in)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err, "ParseDegrees(%q)", tc.in)
				return
			}
			require.NoError(t, err, "ParseDegrees(%q)", tc.in)
			assert.Equal(t, tc.want, got, "ParseDegrees(%q)", tc.in)
		})
	}
}

// FuzzParseDegrees: accepted text is a plain decimal that strconv reads to
// the same finite value; nothing panics.
func FuzzParseDegrees(f *testing.F) {
	for _, s := range []string{"-85.3097", "35", "0x1p-2", "Inf", "1e400", ".5e-3", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := geo.ParseDegrees(s)
		if err != nil {
			return
		}
		if strings.Trim(s, "0123456789+-.eE") != "" {
			t.Fatalf("accepted %q", s)
		}
		w, perr := strconv.ParseFloat(s, 64)
		if perr != nil || w != v || math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("ParseDegrees(%q) = %v, strconv says %v, %v", s, v, w, perr)
		}
	})
}
