package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Synthetic transit network layout.
const (
	// TransitRadials is the number of routes running out from downtown;
	// TransitCrosstown the number of crosstown routes through the other
	// population centers.
	TransitRadials   = 20
	TransitCrosstown = 10
	// StopSpacing is the distance between consecutive stops of a route,
	// the usual U.S. local-bus spacing.
	StopSpacing geo.Meters = 300
)

// TransitStart and TransitEnd bound the synthetic network's service
// dates; they match CARTA's feed (2026-05-10 to 2026-08-22), so the same
// test dates work on both.
var (
	TransitStart = time.Date(2026, time.May, 10, 0, 0, 0, 0, time.UTC)
	TransitEnd   = time.Date(2026, time.August, 22, 0, 0, 0, 0, time.UTC)
)

// Transit returns a seeded synthetic bus network over Metro, in zone
// America/New_York, for benchmarks at metro scale: TransitRadials routes
// from downtown to the edge of Metro and TransitCrosstown routes through
// the population centers, stops every StopSpacing along gently wandering
// lines (about 2,000 stops: CARTA's 1,163 stops serve the denser city
// alone), each route run both ways every 15, 20, 30 or 60 minutes from
// 05:30 to 23:00 on weekdays, half as often 07:00–21:00 on Saturdays and
// hourly 08:00–19:00 on Sundays. The same seed always gives the same
// network. Stop IDs are "s0001"…, route names "1"….
func Transit(seed uint64) (*transit.Network, error) {
	rng := rand.New(rand.NewPCG(seed, 0x7472616e736974))
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, err
	}
	b := transit.NewBuilder(loc)
	if err := b.AddAgency(transit.Agency{ID: "synth", Name: "Synthetic Metro Transit", Timezone: loc.String()}); err != nil {
		return nil, err
	}
	services := []struct {
		id         string
		days       []time.Weekday
		from, to   time.Duration
		headwayMul float64
	}{
		{"weekday", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 5*time.Hour + 30*time.Minute, 23 * time.Hour, 1},
		{"saturday", []time.Weekday{time.Saturday}, 7 * time.Hour, 21 * time.Hour, 2},
		{"sunday", []time.Weekday{time.Sunday}, 8 * time.Hour, 19 * time.Hour, 0},
	}
	for _, s := range services {
		var c transit.Calendar
		for _, d := range s.days {
			c.Weekdays[d] = true
		}
		c.Start, c.End = TransitStart, TransitEnd
		if err := b.AddCalendar(s.id, c); err != nil {
			return nil, err
		}
	}

	downtown := orb.Point{centers[0].lon, centers[0].lat}
	var lines [][]orb.Point
	for i := range TransitRadials {
		angle := 2*math.Pi*float64(i)/TransitRadials + (rng.Float64()-0.5)*0.2
		lines = append(lines, walkLine(rng, downtown, angle, 25_000))
	}
	for i := range TransitCrosstown {
		c := centers[1+i%(len(centers)-1)]
		start := orb.Point{c.lon, c.lat}
		angle := rng.Float64() * math.Pi
		// Run both ways from the center so the line crosses it.
		a := walkLine(rng, start, angle, 12_000)
		z := walkLine(rng, start, angle+math.Pi, 12_000)
		line := make([]orb.Point, 0, len(a)+len(z))
		for j := len(z) - 1; j >= 1; j-- {
			line = append(line, z[j])
		}
		lines = append(lines, append(line, a...))
	}

	headways := []time.Duration{15 * time.Minute, 20 * time.Minute, 30 * time.Minute, 60 * time.Minute}
	stopN := 0
	for ri, line := range lines {
		route := fmt.Sprint(ri + 1)
		if err := b.AddRoute(transit.Route{ID: route, AgencyID: "synth", ShortName: route, Type: 3}); err != nil {
			return nil, err
		}
		ids := make([]string, len(line))
		for j, pt := range line {
			stopN++
			ids[j] = fmt.Sprintf("s%04d", stopN)
			if err := b.AddStop(transit.Stop{ID: ids[j], Name: fmt.Sprintf("Route %s stop %d", route, j+1), Point: pt}); err != nil {
				return nil, err
			}
		}
		// Radials near downtown run more often.
		h := headways[rng.IntN(len(headways))]
		if ri < TransitRadials && rng.Float64() < 0.5 {
			h = headways[rng.IntN(2)]
		}
		for dir := range 2 {
			order := make([]string, len(ids))
			for j := range ids {
				if dir == 0 {
					order[j] = ids[j]
				} else {
					order[j] = ids[len(ids)-1-j]
				}
			}
			for _, s := range services {
				hw := time.Duration(float64(h) * s.headwayMul)
				if s.headwayMul == 0 {
					hw = time.Hour
				}
				trip := fmt.Sprintf("%s-%d-%s", route, dir, s.id)
				sts := make([]transit.StopTime, len(order))
				// Stops StopSpacing apart at 20 km/h: 54 s each.
				for j, id := range order {
					sts[j] = transit.StopTime{Stop: id, Departure: s.from + time.Duration(j)*54*time.Second}
				}
				if err := b.AddTrip(transit.Trip{ID: trip, Route: route, Service: s.id, StopTimes: sts}); err != nil {
					return nil, err
				}
				if err := b.AddFrequency(trip, s.from, s.to, hw); err != nil {
					return nil, err
				}
			}
		}
	}
	return b.Build()
}

// walkLine returns stops StopSpacing apart from start heading at angle
// (radians, counter-clockwise from east), turning a little at each stop,
// until length meters or the edge of Metro.
func walkLine(rng *rand.Rand, start orb.Point, angle float64, length geo.Meters) []orb.Point {
	pts := []orb.Point{start}
	p := start
	const mPerDegLat = 111_195.0
	for d := geo.Meters(0); d < length; d += StopSpacing {
		angle += (rng.Float64() - 0.5) * 0.25
		dy := float64(StopSpacing) * math.Sin(angle) / mPerDegLat
		dx := float64(StopSpacing) * math.Cos(angle) / (mPerDegLat * math.Cos(p[1]*math.Pi/180))
		p = orb.Point{math.Round((p[0]+dx)*1e6) / 1e6, math.Round((p[1]+dy)*1e6) / 1e6}
		if !Metro.Contains(p) {
			break
		}
		pts = append(pts, p)
	}
	return pts
}
