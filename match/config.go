package match

import (
	"fmt"
	"math"
	"time"

	"github.com/wraparound/wraparound/geo"
)

// Component is one part of a provider's score. Each is in [0, 1].
type Component int

// Score components. See the package documentation for each formula.
const (
	Travel      Component = iota // travel time against the student's limit
	Transit                      // departures per hour at the stops used (transit mode only)
	Schedule                     // share of the availability windows the provider is open
	Language                     // the family's language spoken
	Specificity                  // the need's exact category beats a broader one
	Capacity                     // share of seats still open
	Cost                         // free beats sliding scale beats a fee
	Words                        // share of the need's words found in the listing
	NumComponents
)

var componentNames = [NumComponents]string{"travel", "transit", "schedule", "language", "specificity", "capacity", "cost", "words"}

// String returns the component's name as used in JSON ("travel").
func (c Component) String() string {
	if c < 0 || c >= NumComponents {
		return fmt.Sprintf("Component(%d)", int(c))
	}
	return componentNames[c]
}

// MarshalText implements encoding.TextMarshaler.
func (c Component) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Weights weigh the score components. A provider's score is
//
//	Σ weight(c) · component(c) / Σ weight(c)
//
// over the components that apply to the student and item: Transit only in
// ModeTransit, Schedule only with availability windows, Language only
// with home languages, Words only when the item has words. So a score is
// always in [0, 1] and comparable across providers of one item.
//
// The zero value means DefaultWeights. A non-zero Weights is used as
// given: a zero field drops its component.
type Weights struct {
	Travel      float64 `json:"travel"`
	Transit     float64 `json:"transit"`
	Schedule    float64 `json:"schedule"`
	Language    float64 `json:"language"`
	Specificity float64 `json:"specificity"`
	Capacity    float64 `json:"capacity"`
	Cost        float64 `json:"cost"`
	Words       float64 `json:"words"`
}

// DefaultWeights are the weights used when Config.Weights is zero.
// Getting there counts most (travel 0.35, plus 0.10 for how often the bus
// runs), then being open when the student can go (0.15) and being served
// in the family's language (0.15); whether the listing matches the
// family's own words counts 0.15, cost and specificity 0.10 each, and
// seat headroom 0.05 (seats matter more to cohort matching, which
// counts them exactly).
var DefaultWeights = Weights{
	Travel:      0.35,
	Transit:     0.10,
	Schedule:    0.15,
	Language:    0.15,
	Specificity: 0.10,
	Capacity:    0.05,
	Cost:        0.10,
	Words:       0.15,
}

func (w Weights) array() [NumComponents]float64 {
	return [NumComponents]float64{w.Travel, w.Transit, w.Schedule, w.Language, w.Specificity, w.Capacity, w.Cost, w.Words}
}

// CategoryWordCredit is what a need's word counts for in the Words
// component when the provider's own listing lacks it and only its
// categories' labels or synonyms have it: "soccer" is a synonym of Sports,
// so every sports program has it, and a soccer league should rank above a
// swim team.
const CategoryWordCredit = 0.5

// Travel-time model. See the package documentation.
const (
	// BusSpeed is the average in-vehicle speed assumed for buses, stops
	// included: 20 km/h, the typical average of U.S. local bus service
	// (the National Transit Database reports 12–14 mph for motor bus).
	BusSpeed = 20.0 / 3.6 // meters per second
	// CarSpeed is the average door-to-door speed assumed by car or school
	// transport on city streets: 35 km/h.
	CarSpeed = 35.0 / 3.6 // meters per second
	// TransferTime is added to a transit estimate when no route calls at
	// both the boarding and the alighting stop: one more wait.
	TransferTime = 10 * time.Minute
	// DefaultStopWalk is the longest walk to or from a stop a transit
	// estimate uses when Config.StopWalk is zero: 800 m (about 14
	// minutes), the directory's default transit reach.
	DefaultStopWalk geo.Meters = 800
	// BoardingStops is how many stops near the start a transit estimate
	// tries: those with the least walk plus half-headway wait.
	BoardingStops = 8
)

// DefaultK is the number of providers proposed per need when Config.K is
// zero.
const DefaultK = 3

// MaxK bounds Config.K.
const MaxK = 1000

// Config tunes a Matcher. The zero value is useful: DefaultK providers per
// need, DefaultWeights, the transit network's first week of service, and
// full providers left out.
type Config struct {
	// K is how many providers Plan proposes per need or interest.
	K int `json:"k,omitempty"`
	// Weights weigh the score components; zero means DefaultWeights.
	Weights Weights `json:"weights,omitzero"`
	// Week is a date in the week plans are made for: transit frequencies
	// are read on the dates of that week (Monday to Sunday) that match
	// each availability window. Zero means the first week with service
	// in the transit network.
	Week time.Time `json:"week,omitzero"`
	// StopWalk is the longest walk to or from a stop in a transit
	// estimate; 0 means DefaultStopWalk, capped at the directory's
	// transit reach.
	StopWalk geo.Meters `json:"stop_walk,omitempty"`
	// IncludeFull keeps providers with no open seat (Enrolled ≥
	// Capacity); by default they are excluded. Cohort matching, which
	// counts seats itself, sets it.
	IncludeFull bool `json:"include_full,omitempty"`
}

func (c *Config) resolve(reach geo.Meters) error {
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.K < 0 || c.K > MaxK {
		return &FieldError{Field: "config.k", Err: ErrOutOfRange}
	}
	if c.Weights == (Weights{}) {
		c.Weights = DefaultWeights
	}
	sum := 0.0
	for _, w := range c.Weights.array() {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return &FieldError{Field: "config.weights", Err: ErrOutOfRange}
		}
		sum += w
	}
	if sum == 0 {
		return &FieldError{Field: "config.weights", Err: ErrOutOfRange}
	}
	if c.StopWalk < 0 || math.IsNaN(float64(c.StopWalk)) {
		return &FieldError{Field: "config.stop_walk", Err: ErrOutOfRange}
	}
	if c.StopWalk == 0 {
		c.StopWalk = DefaultStopWalk
	}
	if reach > 0 && c.StopWalk > reach {
		c.StopWalk = reach
	}
	return nil
}
