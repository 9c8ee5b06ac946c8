package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// EarthRadius is the radius of the sphere all distances are measured on: the
// IUGG mean earth radius.
const EarthRadius Meters = 6371008.8

// Meters is a length in meters.
type Meters float64

// Km returns the length in kilometers.
func (m Meters) Km() float64 { return float64(m) / 1000 }

// String formats the length for people: "850 m" below one kilometer,
// "1.2 km" above.
func (m Meters) String() string {
	if math.Abs(float64(m)) < 1000 {
		return fmt.Sprintf("%.0f m", float64(m))
	}
	return fmt.Sprintf("%.1f km", float64(m)/1000)
}

// Walking assumptions used by WalkTime and WalkDistance.
const (
	// WalkSpeed is the walking speed assumed: 1.2 m/s (4.3 km/h), the
	// pedestrian speed the U.S. MUTCD uses for signal timing and a fair
	// figure for a parent walking with children.
	WalkSpeed = 1.2 // meters per second

	// DetourFactor turns a straight-line distance into a walking distance
	// along streets. 1.3 is the typical ratio of network to great-circle
	// distance measured in U.S. street grids.
	DetourFactor = 1.3
)

// WalkDistance returns the estimated distance walked along streets to cover
// the straight-line distance d: d × DetourFactor.
func WalkDistance(d Meters) Meters { return d * DetourFactor }

// WalkTime returns the estimated time to walk the straight-line distance d:
// d × DetourFactor at WalkSpeed, rounded to the second.
func WalkTime(d Meters) time.Duration {
	if d <= 0 {
		return 0
	}
	s := float64(d) * DetourFactor / WalkSpeed
	return time.Duration(math.Round(s)) * time.Second
}

// WalkReach returns the straight-line distance a person can cover on foot in
// t: the inverse of WalkTime.
func WalkReach(t time.Duration) Meters {
	if t <= 0 {
		return 0
	}
	return Meters(t.Seconds() * WalkSpeed / DetourFactor)
}

// Errors returned by ValidatePoint and PointFromLatLon, inside a
// *PointError. Test with errors.Is.
var (
	ErrLatitude  = errors.New("geo: latitude out of range [-90, 90]")
	ErrLongitude = errors.New("geo: longitude out of range [-180, 180]")
	ErrNotFinite = errors.New("geo: coordinate is not a finite number")
	// ErrLikelySwapped marks a point whose "latitude" is outside [-90, 90]
	// while its "longitude" would be a valid latitude: almost always
	// latitude and longitude given in the wrong order.
	ErrLikelySwapped = errors.New("geo: latitude and longitude look swapped")
	// ErrNullIsland marks the point (0, 0): what a failed geocode, an
	// empty spreadsheet cell or a zero-valued orb.Point produces. It is in
	// the Gulf of Guinea, where no student lives and no provider serves,
	// so it is never accepted as a home, a provider or a query point.
	ErrNullIsland = errors.New("geo: (0, 0) is the placeholder of a failed geocode, not a place")
)

// nullIslandTolerance is how close to (0, 0), in degrees on both axes, a
// point must be to count as the null-island placeholder: about 0.1 mm, so
// that only zeros and their rounding noise are caught.
const nullIslandTolerance = 1e-9

// PointError reports why a point cannot be used and which coordinate is at
// fault. It never quotes the coordinate values, so it may be logged even
// when the point is a student's home. Err is the sentinel (ErrLatitude,
// ErrLongitude, ErrNotFinite, ErrNullIsland); Also, when set, is a second
// sentinel that holds too (ErrLikelySwapped beside ErrLatitude, ErrLatitude
// or ErrLongitude beside ErrNotFinite). errors.Is finds both.
type PointError struct {
	// Field names the coordinate at fault: "latitude", "longitude", or
	// "point" when it is the pair (ErrNullIsland).
	Field string
	Err   error
	Also  error
}

func (e *PointError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "geo: ")
	if !strings.HasPrefix(msg, e.Field) {
		msg = e.Field + ": " + msg
	}
	if e.Also != nil && !errors.Is(e.Err, ErrNotFinite) {
		msg += " (" + strings.TrimPrefix(e.Also.Error(), "geo: ") + ")"
	}
	return "geo: " + msg
}

// Unwrap returns Err and, when set, Also.
func (e *PointError) Unwrap() []error {
	if e.Also == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Also}
}

// PointFromLatLon returns the point at latitude lat and longitude lon
// (degrees, WGS84) as an orb.Point in (lon, lat) order, after ValidatePoint.
func PointFromLatLon(lat, lon float64) (orb.Point, error) {
	p := orb.Point{lon, lat}
	if err := ValidatePoint(p); err != nil {
		return orb.Point{}, err
	}
	return p, nil
}

// ValidatePoint reports whether p is a usable place for a person, a
// provider or a query, in (lon, lat) order. It returns nil or a *PointError:
//
//   - latitude NaN or ±Inf: Field "latitude", ErrNotFinite (and ErrLatitude);
//     longitude likewise with ErrLongitude; the latitude is checked first;
//   - latitude outside [-90, 90]: ErrLatitude, with ErrLikelySwapped as
//     well when the pair would be valid the other way round;
//   - longitude outside [-180, 180]: ErrLongitude;
//   - both coordinates within 1e-9 degrees of 0: Field "point",
//     ErrNullIsland. (0, 0) is what failed geocodes and zero values
//     produce; every importer, query and student check shares this rule.
//
// The boundaries ±90 and ±180 are valid. Error messages never quote the
// coordinates. It costs a few comparisons and does not allocate when p is
// valid. Region vertices are checked by ReadRegions without the null-island
// rule, since (0, 0) is a legitimate corner of a polygon.
func ValidatePoint(p orb.Point) error {
	if err := validateCoords(p); err != nil {
		return err
	}
	if math.Abs(p[0]) < nullIslandTolerance && math.Abs(p[1]) < nullIslandTolerance {
		return &PointError{Field: "point", Err: ErrNullIsland}
	}
	return nil
}

// validateCoords is ValidatePoint without the null-island rule.
func validateCoords(p orb.Point) error {
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lat) || math.IsInf(lat, 0):
		return &PointError{Field: "latitude", Err: ErrNotFinite, Also: ErrLatitude}
	case math.IsNaN(lon) || math.IsInf(lon, 0):
		return &PointError{Field: "longitude", Err: ErrNotFinite, Also: ErrLongitude}
	case lat < -90 || lat > 90:
		if lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 {
			return &PointError{Field: "latitude", Err: ErrLatitude, Also: ErrLikelySwapped}
		}
		return &PointError{Field: "latitude", Err: ErrLatitude}
	case lon < -180 || lon > 180:
		return &PointError{Field: "longitude", Err: ErrLongitude}
	}
	return nil
}

// ErrNotDecimal is returned by ParseDegrees for text that is not a plain
// decimal number.
var ErrNotDecimal = errors.New("geo: coordinate is not a decimal number")

// ParseDegrees reads one coordinate written as a plain decimal number:
// an optional sign, digits with an optional decimal point, and an optional
// exponent ("-85.3097", "+35", ".5", "3.5e1"). It refuses what
// strconv.ParseFloat would also take but no coordinate column means: hex
// floats ("0x1p-2"), "Inf", "NaN", underscores, spaces and empty text
// (ErrNotDecimal), and numbers too large for a float64 (ErrNotFinite). It
// does not check the range: ValidatePoint does. The error quotes nothing.
// O(len(s)); it does not allocate.
func ParseDegrees(s string) (float64, error) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, ErrNotDecimal
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return 0, ErrNotDecimal
		}
	}
	if i != len(s) {
		return 0, ErrNotDecimal
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, ErrNotFinite
	}
	return v, nil
}

// LikelySwappedUS reports whether p, valid as given, would make sense in the
// United States only with latitude and longitude exchanged: its latitude is
// negative and between -125 and -65 wide of the U.S. longitudes, or its
// longitude is a positive U.S.-range latitude while its latitude is negative.
// Importers of U.S. data use it to reject points such as (lon 35.0, lat -85.3).
func LikelySwappedUS(p orb.Point) bool {
	lon, lat := p[0], p[1]
	// U.S. and territories: latitudes 17..72 N, longitudes 180..64 W.
	usLat := func(v float64) bool { return v >= 17 && v <= 72 }
	usLon := func(v float64) bool { return v >= -180 && v <= -64 }
	return !(usLat(lat) && usLon(lon)) && usLat(lon) && usLon(lat)
}

const degToRad = math.Pi / 180

// Distance returns the great-circle distance between a and b in meters
// (haversine formula on a sphere of radius EarthRadius).
func Distance(a, b orb.Point) Meters {
	lat1, lat2 := a[1]*degToRad, b[1]*degToRad
	dLat := lat2 - lat1
	dLon := (b[0] - a[0]) * degToRad
	sLat, sLon := math.Sin(dLat/2), math.Sin(dLon/2)
	h := sLat*sLat + math.Cos(lat1)*math.Cos(lat2)*sLon*sLon
	if h > 1 {
		h = 1
	}
	return Meters(2 * float64(EarthRadius) * math.Asin(math.Sqrt(h)))
}

// BoundAround returns a lon/lat bound that contains every point within r
// meters (great-circle) of c. Near the poles, or when r reaches across one,
// the bound widens to all longitudes. It does not wrap the antimeridian: a
// bound that would cross it is clipped at ±180, so callers near the
// antimeridian must query both sides.
func BoundAround(c orb.Point, r Meters) orb.Bound {
	if r < 0 {
		r = 0
	}
	dLat := float64(r/EarthRadius) / degToRad
	minLat, maxLat := c[1]-dLat, c[1]+dLat
	var dLon float64
	if minLat <= -90 || maxLat >= 90 {
		dLon = 180
	} else {
		// The widest longitude span of a spherical cap of angular radius
		// θ around latitude φ is asin(sin θ / cos φ).
		s := math.Sin(float64(r/EarthRadius)) / math.Cos(c[1]*degToRad)
		if s >= 1 {
			dLon = 180
		} else {
			dLon = math.Asin(s) / degToRad
		}
	}
	return orb.Bound{
		Min: orb.Point{math.Max(c[0]-dLon, -180), math.Max(minLat, -90)},
		Max: orb.Point{math.Min(c[0]+dLon, 180), math.Min(maxLat, 90)},
	}
}

// DistanceToBound returns the great-circle distance in meters from p to the
// nearest point of the lon/lat rectangle b (zero when p is inside). It is
// exact, not an estimate, so it is a valid lower bound for best-first
// nearest-neighbour search over bounds. The rectangle must not span more
// than 180° of longitude.
func DistanceToBound(p orb.Point, b orb.Bound) Meters {
	lon, lat := p[0], p[1]
	if lon >= b.Min[0] && lon <= b.Max[0] {
		switch {
		case lat < b.Min[1]:
			return Meters(float64(EarthRadius) * (b.Min[1] - lat) * degToRad)
		case lat > b.Max[1]:
			return Meters(float64(EarthRadius) * (lat - b.Max[1]) * degToRad)
		default:
			return 0
		}
	}
	// p is east or west of the rectangle: the nearest point lies on the
	// nearer meridian edge. Along a meridian at longitude offset Δλ the
	// distance to p is smallest at latitude atan(tan φ / cos Δλ) and grows
	// monotonically away from it, so clamping that latitude into the edge
	// gives the nearest point of the edge.
	edge := b.Min[0]
	if lon > b.Max[0] {
		edge = b.Max[0]
	}
	// Take the shorter way round for the longitude difference.
	dLon := math.Abs(lon - edge)
	if dLon > 180 {
		dLon = 360 - dLon
	}
	var best float64
	if dLon >= 90 {
		// Beyond a quarter turn the nearest point of the meridian edge is
		// toward the pole on p's side; check both ends.
		best = lat
		if lat >= 0 {
			best = b.Max[1]
		} else {
			best = b.Min[1]
		}
	} else {
		best = math.Atan2(math.Tan(lat*degToRad), math.Cos(dLon*degToRad)) / degToRad
	}
	best = math.Max(b.Min[1], math.Min(b.Max[1], best))
	return Distance(p, orb.Point{edge, best})
}
