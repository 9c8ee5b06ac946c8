package match

import (
	"math"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// Cheap distance arithmetic for the search's hot loops. Nothing here
// changes a result: distLB is a provable lower bound on geo.Distance,
// used only to skip records that cannot qualify, and fastRide returns
// exactly rideTime(geo.Distance(…)) whenever its polynomial haversine
// leaves no doubt about the rounding to the second, and falls back to
// geo.Distance otherwise.

// degToRad is geo's conversion factor: the same products give the same
// bits as geo.Distance's own inputs.
const degToRad = math.Pi / 180

// gpt is a point with its latitude in radians and that latitude's
// cosine worked out once.
type gpt struct {
	lon, lat float64 // degrees
	latR     float64 // lat × degToRad, as geo.Distance computes it
	cos      float64 // math.Cos(latR)
}

func newGpt(p orb.Point) gpt {
	latR := p[1] * degToRad
	return gpt{lon: p[0], lat: p[1], latR: latR, cos: math.Cos(latR)}
}

// cosLow is the cosine of latitude lat (degrees) rounded down to a
// float32: never above the float64 cosine geo.Distance uses.
func cosLow(lat float64) float32 {
	c := math.Cos(lat * degToRad)
	f := float32(c)
	if float64(f) > c {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return max(f, 0)
}

// distLB is a lower bound on geo.Distance(o, pt) where cosLat is
// cosLow(pt[1]). It starts from the same differences as geo.Distance,
// then uses sin x ≥ x − x³/6 (x ≥ 0), asin y ≥ y and the lower cosine, so
// every step can only lower the result; the factor 1 − 10⁻⁹ covers the
// rounding of this arithmetic and of geo.Distance's, both a few ulps.
// Half-differences over one radian give 0. Cost: one square root.
func distLB(o *gpt, pt orb.Point, cosLat float32) geo.Meters {
	a := math.Abs(pt[1]*degToRad-o.latR) / 2
	b := math.Abs((pt[0]-o.lon)*degToRad) / 2
	if a > 1 || b > 1 {
		return 0
	}
	sa := a * (1 - a*a/6)
	sb := b * (1 - b*b/6)
	h := sa*sa + o.cos*float64(cosLat)*sb*sb
	return geo.Meters(2 * float64(geo.EarthRadius) * math.Sqrt(h) * (1 - 1e-9))
}

// fastMaxHalf bounds the half-differences (radians) fastRide evaluates
// by series: within it the truncated terms are below 10⁻¹⁷ relative.
const fastMaxHalf = 0.01

// seriesDist is the haversine distance from a to b by Taylor series,
// within 10⁻¹⁴ relative of geo.Distance; false when a half-difference
// exceeds fastMaxHalf.
func seriesDist(a, b *gpt) (geo.Meters, bool) {
	x := (b.latR - a.latR) / 2
	y := (b.lon - a.lon) * degToRad / 2
	if math.Abs(x) > fastMaxHalf || math.Abs(y) > fastMaxHalf {
		return 0, false
	}
	x2, y2 := x*x, y*y
	sx := x * (1 - x2/6*(1-x2/20))
	sy := y * (1 - y2/6*(1-y2/20))
	h := sx*sx + a.cos*b.cos*sy*sy
	s := math.Sqrt(h)
	s2 := s * s
	as := s * (1 + s2*(1.0/6+s2*(3.0/40+s2*(5.0/112))))
	return geo.Meters(2 * float64(geo.EarthRadius) * as), true
}

// fastRide returns rideTime(geo.Distance(a, b)) without the costly
// trigonometry: haversine by its Taylor series (sin to x⁵, asin to y⁷,
// relative error under 10⁻¹⁴ for half-differences within fastMaxHalf),
// rounded to the second as rideTime does. When the seconds lie within
// 10⁻⁶ of a half second, or the points are far apart, it asks
// geo.Distance, so the result is always rideTime's.
func fastRide(a, b *gpt) time.Duration {
	d, ok := seriesDist(a, b)
	if !ok {
		return rideTime(geo.Distance(orb.Point{a.lon, a.lat}, orb.Point{b.lon, b.lat}))
	}
	secs := rideSecs(d)
	if f := secs - math.Floor(secs); math.Abs(f-0.5) < 1e-6 {
		return rideTime(geo.Distance(orb.Point{a.lon, a.lat}, orb.Point{b.lon, b.lat}))
	}
	return time.Duration(math.Round(secs)) * time.Second
}
