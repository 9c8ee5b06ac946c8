package directory

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// ErrNoTransit is returned for a transit query on a directory built
// without a transit network.
var ErrNoTransit = errors.New("directory: directory has no transit network")

// DefaultTransitReach is the walking distance within which the Builder
// records each provider's transit stops when Builder.TransitReach is zero:
// 800 m, twice the planners' 400 m bus-stop buffer, so queries may ask for
// any walk up to it.
const DefaultTransitReach geo.Meters = 800

// TransitFilter keeps providers whose entrance is within MaxWalk (walking
// distance, see transit.Network.NearbyStops) of a stop served at least
// MinPerHour times an hour in Window — "within 400 m of a stop with two
// buses an hour on Saturday 9:00–12:00".
type TransitFilter struct {
	// MaxWalk is the walking distance to the stop; 0 means
	// transit.WalkBuffer (400 m). It may not exceed the directory's
	// TransitReach.
	MaxWalk geo.Meters `json:"max_walk,omitempty"`
	// MinPerHour is the least departures per hour at the stop in Window;
	// 0 keeps any stop with a departure in the window.
	MinPerHour float64 `json:"min_per_hour,omitempty"`
	// Window is the day and time span the service must run in.
	Window transit.Window `json:"window"`
}

// StopInfo is the stop a result's transit access rests on: the nearest
// stop within the filter's walk that meets its frequency.
type StopInfo struct {
	Stop     int           // index in the network's Stops
	Name     string        // stop name
	Distance geo.Meters    // walking distance from the entrance
	Walk     time.Duration // walking time
	Routes   []string      // display names of the routes departing there in the window (the result's own copy)
	PerHour  float64       // departures per hour in the window
}

// NearStop is a transit stop within the directory's TransitReach of a
// provider.
type NearStop struct {
	Stop int        // index in the network's Stops
	Walk geo.Meters // walking distance (great-circle × geo.DetourFactor)
}

type transitCheck struct {
	net     *transit.Network
	maxWalk geo.Meters
	min     float64
	rates   []float64
	window  transit.Window
}

// Transit returns the network the directory was built with, or nil.
func (d *Directory) Transit() *transit.Network { return d.net }

// StopsNear returns the stops within the directory's TransitReach of the
// provider l views, nearest first (ties by stop index), as a fresh slice:
// those recorded at build for a listing of this version, else found from
// l's point (a listing of another version, or of a provider not in the
// directory). It is nil for an unplaced provider, the zero Listing or a
// directory without transit.
func (d *Directory) StopsNear(l Listing) []NearStop {
	if d.net == nil || l.p == nil {
		return nil
	}
	if i, ok := d.ids.get(l.p.ID); ok && d.prov(i) == l.p {
		return slices.Clone(*d.stopsNear.at(i))
	}
	return d.stopsOf(l.p)
}

// TransitReach returns the walking distance within which stops were
// recorded for each provider.
func (d *Directory) TransitReach() geo.Meters { return d.reach }

// annotateTransit records each placed provider's stops within reach.
func (d *Directory) annotateTransit(net *transit.Network, reach geo.Meters) {
	d.net, d.reach = net, reach
	near := make([][]NearStop, d.slots())
	for i := range near {
		if p := d.prov(int32(i)); p != nil {
			near[i] = d.stopsOf(p)
		}
	}
	d.stopsNear = makeCow(near)
}

// stopsOf returns p's stops within the directory's reach, nearest first
// (ties by stop index); nil for an unplaced provider.
func (d *Directory) stopsOf(p *Provider) []NearStop {
	if p.Unplaced {
		return nil
	}
	var near []NearStop
	for s, w := range d.net.NearbyStops(p.Point, d.reach) {
		near = append(near, NearStop{Stop: s, Walk: w})
	}
	slices.SortFunc(near, func(a, b NearStop) int {
		if a.Walk != b.Walk {
			if a.Walk < b.Walk {
				return -1
			}
			return 1
		}
		return a.Stop - b.Stop
	})
	return near
}

func (d *Directory) compileTransit(tf *TransitFilter) (*transitCheck, error) {
	if d.net == nil {
		return nil, ErrNoTransit
	}
	walk := tf.MaxWalk
	if walk == 0 {
		walk = transit.WalkBuffer
	}
	if walk < 0 || walk > d.reach || math.IsNaN(float64(walk)) {
		return nil, fmt.Errorf("%w: transit walk %v outside 0…%v (the directory's transit reach)", ErrBadQuery, float64(walk), float64(d.reach))
	}
	if tf.MinPerHour < 0 || math.IsNaN(tf.MinPerHour) {
		return nil, fmt.Errorf("%w: negative departures per hour", ErrBadQuery)
	}
	if tf.Window.End <= tf.Window.Start {
		return nil, fmt.Errorf("%w: transit window ends before it starts", ErrBadQuery)
	}
	return &transitCheck{net: d.net, maxWalk: walk, min: tf.MinPerHour, rates: d.net.DeparturesPerHour(tf.Window), window: tf.Window}, nil
}

// check returns the nearest qualifying stop of provider i.
func (t *transitCheck) check(d *Directory, i int32) (*StopInfo, bool) {
	for _, ns := range *d.stopsNear.at(i) {
		if ns.Walk > t.maxWalk {
			break
		}
		r := t.rates[ns.Stop]
		if r == 0 || r < t.min {
			continue
		}
		return &StopInfo{
			Stop:     ns.Stop,
			Name:     t.net.Stops()[ns.Stop].Name,
			Distance: ns.Walk,
			Walk:     geo.WalkTime(ns.Walk / geo.DetourFactor),
			Routes:   slices.Clone(t.net.RouteNamesAtIn(ns.Stop, t.window)),
			PerHour:  r,
		}, true
	}
	return nil, false
}
