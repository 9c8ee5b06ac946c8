package directory

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// Provider is one service offered at one place: a food pantry at a church,
// vision screening at a clinic, a soccer league at a park. It follows the
// Open Referral HSDS model, where a provider corresponds to one
// service_at_location: ID is the service-at-location's identifier, Name the
// service's name and Organization the organization that runs it.
//
// A Provider is a plain value: the Builder and Directory.Apply take deep
// copies of it, and a Directory hands out read-only Listings, so a
// Provider a caller holds never aliases what the index reads.
type Provider struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization,omitempty"`
	Description  string `json:"description,omitempty"`

	// Categories are taxonomy codes ("basic.food.pantry"). A provider
	// matches a query for any of them or any of their ancestors.
	Categories []string `json:"categories"`

	// Point is the entrance, (lon, lat). It is meaningful only when
	// Unplaced is false.
	Point orb.Point `json:"point"`
	// Unplaced marks a provider with no usable coordinates (virtual,
	// phone-only or postal-only). It is kept and found by ID but is not in
	// the spatial index and never returned by a spatial query.
	Unplaced bool `json:"unplaced,omitempty"`
	// Confidential marks a location that must not be disclosed (a
	// domestic-violence shelter, say): exports and explanations never
	// show its coordinates or street address.
	Confidential bool    `json:"confidential,omitempty"`
	Address      Address `json:"address,omitzero"`

	Phone string `json:"phone,omitempty"`
	URL   string `json:"url,omitempty"`
	Email string `json:"email,omitempty"`

	// Languages are the languages services are offered in, as lower-case
	// ISO 639-1 codes ("en", "es"). Empty means unknown.
	Languages []string `json:"languages,omitempty"`

	// Hours are the weekly opening hours. The zero value means unknown,
	// which is not the same as closed.
	Hours Hours `json:"hours,omitzero"`

	Eligibility Eligibility `json:"eligibility,omitzero"`
	Cost        Cost        `json:"cost,omitempty"`

	// Capacity is the number of seats (places, appointments, new
	// patients) the provider offers per period. 0 means unknown, which
	// queries and matching treat as unlimited. Enrolled is how many are
	// taken.
	Capacity int `json:"capacity,omitempty"`
	Enrolled int `json:"enrolled,omitempty"`

	// Wheelchair reports step-free, wheelchair-accessible entry.
	Wheelchair bool `json:"wheelchair,omitempty"`
	// Accessibility holds other accessibility notes as given by the
	// source ("elevator", "sign language interpreter").
	Accessibility []string `json:"accessibility,omitempty"`

	// Keywords are extra search words; Attributes are flags such as
	// "snap", "wic" or "ebt" (payment accepted).
	Keywords   []string `json:"keywords,omitempty"`
	Attributes []string `json:"attributes,omitempty"`

	// ServiceAreas name the areas a provider serves (zip codes, counties,
	// region names), as distinct from where it is: "serves my zip" is not
	// "near me". Empty means no stated restriction.
	ServiceAreas []string `json:"service_areas,omitempty"`

	// LastVerified is when the listing was last confirmed; zero when
	// unknown.
	LastVerified time.Time `json:"last_verified,omitzero"`

	// Regions is filled in by the Builder: for each region set it was
	// given, the name of the region containing Point. Do not set it.
	Regions map[string]string `json:"regions,omitempty"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// IsZero reports whether every field is empty.
func (a Address) IsZero() bool { return a == Address{} }

// Eligibility says who a provider serves. Zero fields mean no restriction.
type Eligibility struct {
	// MinAge and MaxAge bound the age in whole years, inclusive. MaxAge 0
	// means no upper limit.
	MinAge int `json:"min_age,omitempty"`
	MaxAge int `json:"max_age,omitempty"`
	// MinGrade and MaxGrade bound the school grade, inclusive, when
	// HasGrades is set. Grades are GradePreK (-1), GradeK (0), 1…12.
	HasGrades bool `json:"has_grades,omitempty"`
	MinGrade  int  `json:"min_grade,omitempty"`
	MaxGrade  int  `json:"max_grade,omitempty"`
	// Residency restricts service to residents of the named region, as
	// "set:name" ("zipcodes:37404"), matched against the region sets the
	// directory was built with.
	Residency string `json:"residency,omitempty"`
	// IncomeLimitFPL is the household income limit as a percentage of the
	// federal poverty level (200 = 200% FPL); 0 means none.
	IncomeLimitFPL int `json:"income_limit_fpl,omitempty"`
	// Notes keep eligibility text that could not be read into fields.
	Notes string `json:"notes,omitempty"`
}

// School grades used by Eligibility and queries.
const (
	GradePreK = -1
	GradeK    = 0
)

// AgeOK reports whether a person of age years is eligible by age.
func (e Eligibility) AgeOK(age int) bool {
	return age >= e.MinAge && (e.MaxAge == 0 || age <= e.MaxAge)
}

// GradeOK reports whether a student in grade g is eligible by grade.
func (e Eligibility) GradeOK(g int) bool {
	return !e.HasGrades || (g >= e.MinGrade && g <= e.MaxGrade)
}

// Cost says what a service costs the family.
type Cost int

// Costs. The zero value is CostUnknown.
const (
	CostUnknown Cost = iota
	CostFree
	CostSlidingScale
	CostFee
)

var costNames = [...]string{"unknown", "free", "sliding-scale", "fee"}

// String returns "unknown", "free", "sliding-scale" or "fee".
func (c Cost) String() string {
	if c < 0 || int(c) >= len(costNames) {
		return "unknown"
	}
	return costNames[c]
}

// ParseCost reads a Cost from its String form. Empty is CostUnknown.
func ParseCost(s string) (Cost, bool) {
	if s == "" {
		return CostUnknown, true
	}
	for i, n := range costNames {
		if n == s {
			return Cost(i), true
		}
	}
	switch s {
	case "sliding", "sliding scale":
		return CostSlidingScale, true
	case "paid":
		return CostFee, true
	}
	return CostUnknown, false
}

// MarshalText implements encoding.TextMarshaler.
func (c Cost) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Cost) UnmarshalText(b []byte) error {
	v, ok := ParseCost(string(b))
	if !ok {
		return fmt.Errorf("%w: cost %q", ErrBadValue, b)
	}
	*c = v
	return nil
}

// HasSeats reports whether the provider can take one more person: its
// capacity is unknown (unlimited) or not all seats are taken.
func (p *Provider) HasSeats() bool { return p.Capacity == 0 || p.Enrolled < p.Capacity }

// SpeaksLanguage reports whether the provider offers services in lang
// (ISO 639-1). Every provider is taken to serve English when it lists no
// languages, since U.S. listings rarely state it.
func (p *Provider) SpeaksLanguage(lang string) bool {
	if len(p.Languages) == 0 {
		return lang == "en"
	}
	for _, l := range p.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// InCategory reports whether any of the provider's categories is code or
// a descendant of code.
func (p *Provider) InCategory(code string) bool {
	for _, c := range p.Categories {
		if IsUnder(c, code) {
			return true
		}
	}
	return false
}

// HasAttribute reports whether the provider carries attribute a.
func (p *Provider) HasAttribute(a string) bool {
	for _, x := range p.Attributes {
		if x == a {
			return true
		}
	}
	return false
}
