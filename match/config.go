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

// DefaultWeights returns the weights used when Config.Weights is zero.
// Getting there counts most (travel 0.35, plus 0.10 for how often the bus
// runs), then being open when the student can go (0.15) and being served
// in the family's language (0.15); whether the listing matches the
// family's own words counts 0.15, cost and specificity 0.10 each, and
// seat headroom 0.05 (seats matter more to cohort matching, which
// counts them exactly).
//
// It returns a fresh value each call, so no caller can change another's
// defaults.
func DefaultWeights() Weights {
	return Weights{
		Travel:      0.35,
		Transit:     0.10,
		Schedule:    0.15,
		Language:    0.15,
		Specificity: 0.10,
		Capacity:    0.05,
		Cost:        0.10,
		Words:       0.15,
	}
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
	// CarSpeed is the average door-to-door speed assumed by car or school
	// transport on city streets: 35 km/h.
	CarSpeed = 35.0 / 3.6 // meters per second
	// DefaultStopWalk is the longest walk to or from a stop on a trip by
	// bus when Config.StopWalk is zero: 800 m (about 14 minutes), the
	// directory's default transit reach.
	DefaultStopWalk geo.Meters = 800
)

// TravelStat chooses which travel time over the departure minutes of a
// window counts for a trip by bus: the median (the default, as Conveyal
// R5 reports accessibility), the quickest, or the 90th percentile (a trip
// the family can count on).
type TravelStat int

// Travel statistics.
const (
	StatMedian TravelStat = iota
	StatMin
	StatP90
	numStats
)

var statNames = [numStats]string{"median", "min", "p90"}

// String returns "median", "min" or "p90".
func (s TravelStat) String() string {
	if s < 0 || s >= numStats {
		return fmt.Sprintf("TravelStat(%d)", int(s))
	}
	return statNames[s]
}

// MarshalText implements encoding.TextMarshaler.
func (s TravelStat) MarshalText() ([]byte, error) {
	if s < 0 || s >= numStats {
		return nil, ErrOutOfRange
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" is StatMedian.
func (s *TravelStat) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = StatMedian
		return nil
	}
	for i, n := range statNames {
		if n == string(b) {
			*s = TravelStat(i)
			return nil
		}
	}
	return ErrOutOfRange
}

// DefaultK is the number of providers proposed per need when Config.K is
// zero.
const DefaultK = 3

// MaxK bounds Config.K.
const MaxK = 1000

// Config tunes a Matcher. The zero value is useful: DefaultK providers per
// need, DefaultWeights, the transit network's typical week, median travel
// times, and full providers left out.
type Config struct {
	// K is how many providers Plan proposes per need or interest.
	K int `json:"k,omitempty"`
	// Weights weigh the score components; zero means DefaultWeights.
	Weights Weights `json:"weights,omitzero"`
	// Week is a date in the week plans are made for: trips by bus are
	// routed on the timetable of the dates of that week (Monday to
	// Sunday) that match each availability window. Zero means the
	// earliest week in the feed's validity whose days run the usual
	// service of their weekdays (transit.Network.TypicalWeek): not one
	// with one-off extra trains, a holiday timetable or a change of
	// timetable; Matcher.Config reports the Monday used. A week outside
	// the feed's service dates is an error.
	Week time.Time `json:"week,omitzero"`
	// StopWalk is the longest walk to or from a stop on a trip by bus; 0
	// means DefaultStopWalk, capped at the directory's transit reach.
	StopWalk geo.Meters `json:"stop_walk,omitempty"`
	// Travel is the statistic of a bus trip's travel time over the
	// departure minutes of a window that scores and limits it (see
	// Constraints.MaxTravel); zero means StatMedian.
	Travel TravelStat `json:"travel,omitempty"`
	// MaxTransfers bounds the changes of vehicle on a trip by bus; 0
	// means transit.DefaultMaxTransfers.
	MaxTransfers int `json:"max_transfers,omitempty"`
	// ProfileCache is the memory in bytes kept for the timetable travel
	// times of recent homes and windows, shared by every plan of the
	// Matcher; 0 means DefaultProfileCache, negative keeps none.
	ProfileCache int `json:"profile_cache,omitempty"`
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
		c.Weights = DefaultWeights()
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
	if c.Travel < 0 || c.Travel >= numStats {
		return &FieldError{Field: "config.travel", Err: ErrOutOfRange, Allowed: "median, min or p90"}
	}
	if c.MaxTransfers < 0 || c.MaxTransfers > 8 {
		return &FieldError{Field: "config.max_transfers", Err: ErrOutOfRange, Allowed: "0 (the router's default) to 8"}
	}
	if c.ProfileCache == 0 {
		c.ProfileCache = DefaultProfileCache
	}
	if c.StopWalk == 0 {
		c.StopWalk = DefaultStopWalk
	}
	if reach > 0 && c.StopWalk > reach {
		c.StopWalk = reach
	}
	return nil
}
