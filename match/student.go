package match

import (
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// Student is what a Navigator knows about one child and family that
// matching needs: where they live, who the child is, the needs and
// interests of the Success Plan, and the family's constraints.
//
// A Student is personal data. The package never logs it, writes it
// anywhere, or quotes it in errors; Plan reads it and returns.
type Student struct {
	// Home is where travel starts, (lon, lat). It also decides residency
	// for providers restricted to residents of a region.
	Home orb.Point `json:"home"`
	// School, when set, is the school's location, (lon, lat). Travel
	// starts there when Constraints.Mode is ModeSchool.
	School *orb.Point `json:"school,omitempty"`

	// Age in whole years; 0 means not given (no age filter).
	Age int `json:"age,omitempty"`
	// Grade is the school grade (directory.GradePreK, directory.GradeK,
	// 1…12), used when HasGrade is set.
	Grade    int  `json:"grade,omitempty"`
	HasGrade bool `json:"has_grade,omitempty"`

	// Languages spoken at home, as lower-case ISO 639-1 codes ("es"),
	// the family's first language first. Empty means not stated: the
	// language component is then left out of the score.
	Languages []string `json:"languages,omitempty"`

	// Needs are the barriers the plan addresses (food, utilities, vision).
	Needs []Need `json:"needs,omitempty"`
	// Interests are opportunities the plan builds on (sports, arts, STEM,
	// summer programs, jobs): a plan is not only about barriers.
	Interests []Interest `json:"interests,omitempty"`
	// Strengths are words for what the student is good at or cares about
	// ("goalkeeper", "drawing"). They are matched, like an interest's
	// words, against the providers found for each interest.
	Strengths []string `json:"strengths,omitempty"`

	Constraints Constraints `json:"constraints,omitzero"`
}

// Need is one need of a Success Plan: a taxonomy category, how pressing
// it is, and optional words in the family's terms.
type Need struct {
	// Category is a taxonomy code ("health.vision"). Providers in the
	// category or a more specific one match fully; providers listed only
	// under a broader category ("health") match with a lower
	// specificity score.
	Category string `json:"category"`
	// Severity is how pressing the need is, MinSeverity (1) to
	// MaxSeverity (3). Plan ranks each need on its own; cohort matching
	// weighs needs by it.
	Severity int `json:"severity"`
	// Words are optional free text ("eye glasses", "winter coat"): the
	// words component scores how many of them a provider's name,
	// keywords, description or category names contain. At most MaxWords
	// bytes.
	Words string `json:"words,omitempty"`
}

// Interest is an opportunity the student would like: a category and
// optional words ("soccer").
type Interest struct {
	Category string `json:"category"`
	Words    string `json:"words,omitempty"`
}

// Severity bounds of a Need.
const (
	MinSeverity = 1
	MaxSeverity = 3
)

// MaxWords is the largest Need.Words or Interest.Words accepted, in bytes.
const MaxWords = 512

// MaxItems bounds the needs plus interests of one student.
const MaxItems = 64

// Constraints are a family's hard limits: a provider that breaks one is
// never proposed.
type Constraints struct {
	// Mode is how the student travels; the zero value is ModeWalk.
	Mode TravelMode `json:"mode"`
	// MaxTravel is the longest one-way trip, door to door; 0 means the
	// mode's default (DefaultMaxTravel). At most MaxTravelLimit.
	MaxTravel time.Duration `json:"max_travel,omitempty"`
	// MaxDistance, when set, also limits the great-circle distance from
	// where travel starts.
	MaxDistance geo.Meters `json:"max_distance,omitempty"`
	// Availability lists when the student can go. Providers whose known
	// opening hours do not overlap any window are excluded; the overlap
	// scores schedule fit. Empty means any time (schedule fit is then
	// left out of the score). Windows are wall-clock times, compared with
	// each provider's hours in its own time zone.
	Availability []WeeklyWindow `json:"availability,omitempty"`
	// FreeOnly keeps only providers whose cost is free.
	FreeOnly bool `json:"free_only,omitempty"`
	// Wheelchair keeps only wheelchair-accessible providers.
	Wheelchair bool `json:"wheelchair,omitempty"`
	// Exclude lists provider IDs not to propose (already tried, declined).
	Exclude []string `json:"exclude,omitempty"`
}

// MaxTravelLimit is the longest MaxTravel accepted: three hours, beyond
// any trip a family makes for a local service.
const MaxTravelLimit = 3 * time.Hour

// TravelMode is how a student travels to providers (trends.Mode, by
// contrast, is how a trends store protects its counts).
type TravelMode int

// Travel modes. See the package documentation for how each estimates
// travel time.
const (
	ModeWalk    TravelMode = iota // on foot from home
	ModeTransit                   // public transit from home, or on foot when that is quicker
	ModeCar                       // by car from home
	ModeSchool                    // transport the school provides, from the school
	numModes
)

var modeNames = [...]string{"walk", "transit", "car", "school"}

// String returns "walk", "transit", "car" or "school".
func (m TravelMode) String() string {
	if m < 0 || m >= numModes {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// MarshalText implements encoding.TextMarshaler.
func (m TravelMode) MarshalText() ([]byte, error) {
	if m < 0 || m >= numModes {
		return nil, ErrBadMode
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" is ModeWalk.
func (m *TravelMode) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*m = ModeWalk
		return nil
	}
	for i, n := range modeNames {
		if n == s {
			*m = TravelMode(i)
			return nil
		}
	}
	return ErrBadMode
}

// DefaultMaxTravel returns the one-way travel limit used when
// Constraints.MaxTravel is zero: 30 minutes on foot, 45 by transit, 20 by
// car or school transport.
func DefaultMaxTravel(m TravelMode) time.Duration {
	switch m {
	case ModeTransit:
		return 45 * time.Minute
	case ModeCar, ModeSchool:
		return 20 * time.Minute
	}
	return 30 * time.Minute
}

// Days is a set of weekdays: bit time.Weekday is set for each day in it.
type Days uint8

// Common day sets.
const (
	Weekdays Days = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	Weekend  Days = 1<<time.Saturday | 1<<time.Sunday
	EveryDay Days = Weekdays | Weekend
)

// DaysOf returns the set holding ds.
func DaysOf(ds ...time.Weekday) Days {
	var s Days
	for _, d := range ds {
		if d >= time.Sunday && d <= time.Saturday {
			s |= 1 << d
		}
	}
	return s
}

// Has reports whether d is in the set.
func (s Days) Has(d time.Weekday) bool { return d >= 0 && d <= 6 && s&(1<<d) != 0 }

var dayAbbr = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}
var dayOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// String renders the set as OpenStreetMap does, Monday first, with ranges:
// "Mo-Fr", "Sa,Su", "Mo,We,Fr".
func (s Days) String() string {
	var parts []string
	for i := 0; i < 7; {
		if !s.Has(dayOrder[i]) {
			i++
			continue
		}
		j := i
		for j+1 < 7 && s.Has(dayOrder[j+1]) {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, dayAbbr[dayOrder[i]]+"-"+dayAbbr[dayOrder[j]])
		case j > i:
			parts = append(parts, dayAbbr[dayOrder[i]], dayAbbr[dayOrder[j]])
		default:
			parts = append(parts, dayAbbr[dayOrder[i]])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// MarshalText implements encoding.TextMarshaler with String's form.
func (s Days) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads String's form: two-letter days and ranges separated
// by commas ("Mo-Fr,Sa").
func (s *Days) UnmarshalText(b []byte) error {
	var out Days
	for _, part := range strings.Split(string(b), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, z, rng := strings.Cut(part, "-")
		lo, hi := dayIndex(a), dayIndex(a)
		if rng {
			hi = dayIndex(z)
		}
		if lo < 0 || hi < 0 {
			return ErrBadDays
		}
		for d := lo; ; d = (d + 1) % 7 {
			out |= 1 << d
			if d == hi {
				break
			}
		}
	}
	*s = out
	return nil
}

func dayIndex(s string) int {
	for i, a := range dayAbbr {
		if strings.EqualFold(s, a) {
			return i
		}
	}
	return -1
}

// WeeklyWindow is a weekly span of time when the student can go
// somewhere: "weekdays 15:30–18:00" is WeeklyWindow{Days: Weekdays,
// Start: 15*time.Hour + 30*time.Minute, End: 18*time.Hour}. It repeats
// every week, unlike transit.Window, which is one date's departure span. Start and End are wall-clock
// offsets from midnight, 0 ≤ Start < End ≤ 24h; the span is [Start, End).
type WeeklyWindow struct {
	Days  Days          `json:"days"`
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}

// String renders the window as "Mo-Fr 15:30-18:00".
func (w WeeklyWindow) String() string {
	return w.Days.String() + " " + clock(w.Start) + "-" + clock(w.End)
}

func clock(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// Item is one need or interest of a student, as Plan and Prepared number
// them: the needs first, in order, then the interests.
type Item struct {
	Kind ItemKind `json:"kind"`
	// Index is the position in Student.Needs or Student.Interests.
	Index    int    `json:"index"`
	Category string `json:"category"`
	// Severity is the need's severity; 0 for an interest.
	Severity int    `json:"severity,omitempty"`
	Words    string `json:"words,omitempty"`
}

// ItemKind tells needs from interests.
type ItemKind int

// Item kinds.
const (
	KindNeed ItemKind = iota
	KindInterest
)

// String returns "need" or "interest".
func (k ItemKind) String() string {
	if k == KindInterest {
		return "interest"
	}
	return "need"
}

// MarshalText implements encoding.TextMarshaler.
func (k ItemKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler: "need" or
// "interest", so that exported plans and assignments read back.
func (k *ItemKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "need":
		*k = KindNeed
	case "interest":
		*k = KindInterest
	default:
		return ErrBadItem
	}
	return nil
}
