package match

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// Cheap distance arithmetic for the search's hot loops. Nothing here
// changes a result: distLB is a provable lower bound on geo.Distance,
// used only to skip records that cannot qualify.

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

// cosLow is a lower bound on the cosine of latitude lat (degrees) as
// geo.Distance works it out, as a float32: the cosine of the next
// hundredth of a degree away from the equator (cosine falls with |lat|),
// rounded down, from a table — the search calls it for every record it
// reads. At most about 2·10⁻⁴ below the cosine at mid latitudes.
func cosLow(lat float64) float32 {
	a := math.Abs(lat)
	if !(a <= 90) {
		return 0
	}
	return cosTable[int(math.Ceil(a*cosSteps))]
}

// cosSteps are cosTable's steps per degree.
const cosSteps = 100

// cosTable[i] is the cosine of i/cosSteps degrees rounded down to a
// float32, never below 0.
var cosTable = func() []float32 {
	t := make([]float32, 90*cosSteps+1)
	for i := range t {
		c := math.Cos(float64(i) / cosSteps * degToRad)
		f := float32(c)
		if float64(f) > c {
			f = math.Nextafter32(f, float32(math.Inf(-1)))
		}
		t[i] = max(f, 0)
	}
	return t
}()

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

// distUB is an upper bound on geo.Distance(o, pt) where pt is o's kind
// of point too. It starts from the same differences and cosines as
// geo.Distance, then uses sin x ≤ x (x ≥ 0) and, for y ≤ 0.1 (about 1,270
// km), asin y ≤ y + y³/5, so every step can only raise the result; the
// factor 1 + 10⁻⁹ covers the rounding of the few operations. Farther, it
// is geo.Distance itself. No trigonometry on the short path.
func distUB(o, pt *gpt) geo.Meters {
	a := math.Abs(pt.latR-o.latR) / 2
	b := math.Abs((pt.lon-o.lon)*degToRad) / 2
	h := a*a + o.cos*pt.cos*b*b
	y := math.Sqrt(h)
	if y > 0.1 {
		return geo.Distance(orb.Point{o.lon, o.lat}, orb.Point{pt.lon, pt.lat})
	}
	return geo.Meters(2 * float64(geo.EarthRadius) * (y + y*y*y/5) * (1 + 1e-9))
}
