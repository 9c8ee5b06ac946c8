package match

import (
	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Hooks for the external tests of the search's bounds.

// WalkSecsPerMeter is the envelope's seconds per straight-line meter.
const WalkSecsPerMeter = walkSecsPerMeter

// DistUB is distUB between two points.
func DistUB(a, b orb.Point) geo.Meters {
	ag, bg := newGpt(a), newGpt(b)
	return distUB(&ag, &bg)
}

// Envelope is a prepared student's transit envelope, search radius and
// range profiles.
type Envelope struct {
	Bound    func(geo.Meters) float64
	Radius   geo.Meters
	Profiles []*transit.Profile
}

// EnvelopeOf returns p's envelope.
func EnvelopeOf(p *Prepared) Envelope {
	e := Envelope{Bound: p.env.bound, Radius: p.radius}
	for i := range p.groups {
		if g := p.groups[i].prof; g != nil {
			e.Profiles = append(e.Profiles, g.Profile)
		}
	}
	return e
}

// CosLow is cosLow.
func CosLow(lat float64) float32 { return cosLow(lat) }
