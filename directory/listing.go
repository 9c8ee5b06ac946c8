package directory

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Listing is a read-only view of one provider as a directory version holds
// it. Queries, lookups and plans hand out Listings, never the provider the
// index reads, so nothing a caller does to a value it was given can change
// an answer, race with another reader, or leave the index's packed filter
// records (seats, hours, languages) out of step with the provider.
//
// Accessors of plain values (ID, Name, Point, Eligibility, …) cost nothing.
// Accessors of lists (Categories, Languages, Hours, Regions, …) return a
// fresh copy on every call; the predicates (InCategory, SpeaksLanguage,
// HasAttribute, HasSeats, OpenAt, Region) answer without copying. Provider
// returns a deep copy to edit and pass back through Directory.Apply as a
// Replace. A Listing's JSON is the provider's.
//
// The zero Listing has no provider: IsZero reports it, and every accessor
// returns a zero value. A Listing is safe for concurrent use.
type Listing struct{ p *Provider }

// ListingOf returns a read-only view of a deep copy of p, for a provider
// outside any directory: to export it with the directory's listings, or
// to ask match.Prepared.Evaluate how it would fit a student.
func ListingOf(p Provider) Listing {
	c := p.clone()
	return Listing{&c}
}

// listing wraps p (nil gives the zero Listing).
func listing(p *Provider) Listing { return Listing{p} }

// empty is the zero provider the accessors of a zero Listing read.
var empty Provider

func (l Listing) v() *Provider {
	if l.p == nil {
		return &empty
	}
	return l.p
}

// IsZero reports whether l views no provider.
func (l Listing) IsZero() bool { return l.p == nil }

// ID returns the provider's identifier.
func (l Listing) ID() string { return l.v().ID }

// Name returns the service's name.
func (l Listing) Name() string { return l.v().Name }

// Organization returns the organization that runs the service.
func (l Listing) Organization() string { return l.v().Organization }

// Description returns the service's description.
func (l Listing) Description() string { return l.v().Description }

// Categories returns a copy of the provider's taxonomy codes.
func (l Listing) Categories() []string { return slices.Clone(l.v().Categories) }

// Point returns the entrance as (lon, lat); meaningful only when Unplaced
// is false.
func (l Listing) Point() orb.Point { return l.v().Point }

// Unplaced reports whether the provider has no usable location.
func (l Listing) Unplaced() bool { return l.v().Unplaced }

// Confidential reports whether the location must not be disclosed.
func (l Listing) Confidential() bool { return l.v().Confidential }

// Address returns the postal address.
func (l Listing) Address() Address { return l.v().Address }

// Phone returns the phone number.
func (l Listing) Phone() string { return l.v().Phone }

// URL returns the web address.
func (l Listing) URL() string { return l.v().URL }

// Email returns the e-mail address.
func (l Listing) Email() string { return l.v().Email }

// Languages returns a copy of the ISO 639-1 codes services are offered in.
func (l Listing) Languages() []string { return slices.Clone(l.v().Languages) }

// Hours returns a copy of the weekly opening hours.
func (l Listing) Hours() Hours { return l.v().Hours.clone() }

// Eligibility returns who the provider serves.
func (l Listing) Eligibility() Eligibility { return l.v().Eligibility }

// Cost returns what the service costs the family.
func (l Listing) Cost() Cost { return l.v().Cost }

// Capacity returns the number of seats per period; 0 means unknown.
func (l Listing) Capacity() int { return l.v().Capacity }

// Enrolled returns how many seats are taken.
func (l Listing) Enrolled() int { return l.v().Enrolled }

// Wheelchair reports step-free, wheelchair-accessible entry.
func (l Listing) Wheelchair() bool { return l.v().Wheelchair }

// Accessibility returns a copy of the other accessibility notes.
func (l Listing) Accessibility() []string { return slices.Clone(l.v().Accessibility) }

// Keywords returns a copy of the extra search words.
func (l Listing) Keywords() []string { return slices.Clone(l.v().Keywords) }

// Attributes returns a copy of the provider's flags ("snap", "wic").
func (l Listing) Attributes() []string { return slices.Clone(l.v().Attributes) }

// ServiceAreas returns a copy of the areas the provider serves.
func (l Listing) ServiceAreas() []string { return slices.Clone(l.v().ServiceAreas) }

// LastVerified returns when the listing was last confirmed; zero when
// unknown.
func (l Listing) LastVerified() time.Time { return l.v().LastVerified }

// Regions returns a copy of the regions containing the provider, by
// region set name.
func (l Listing) Regions() map[string]string { return maps.Clone(l.v().Regions) }

// Region returns the name of the region of set containing the provider,
// "" when none does.
func (l Listing) Region(set string) string { return l.v().Regions[set] }

// HasSeats reports whether the provider can take one more person.
func (l Listing) HasSeats() bool { return l.v().HasSeats() }

// SpeaksLanguage reports whether services are offered in lang (see
// Provider.SpeaksLanguage).
func (l Listing) SpeaksLanguage(lang string) bool { return l.v().SpeaksLanguage(lang) }

// InCategory reports whether any category is code or under it.
func (l Listing) InCategory(code string) bool { return l.v().InCategory(code) }

// HasAttribute reports whether the provider carries attribute a.
func (l Listing) HasAttribute(a string) bool { return l.v().HasAttribute(a) }

// HoursKnown reports whether any opening hours are given (see
// Hours.Known).
func (l Listing) HoursKnown() bool { return l.v().Hours.Known() }

// OpenAt reports whether the provider is open at t (see Hours.OpenAt).
func (l Listing) OpenAt(t time.Time) bool { return l.v().Hours.OpenAt(t) }

// Provider returns a deep copy of the provider: changing it changes
// nothing in the directory. Pass it to Directory.Apply as a Replace to
// make a new version.
func (l Listing) Provider() Provider { return l.v().clone() }

// MarshalJSON encodes the provider as Provider does.
func (l Listing) MarshalJSON() ([]byte, error) {
	if l.p == nil {
		return []byte("null"), nil
	}
	return json.Marshal(l.p)
}

// clone returns a deep copy of p: no slice or map is shared.
func (p *Provider) clone() Provider {
	c := cloneProvider(*p)
	c.Regions = maps.Clone(p.Regions)
	return c
}

// clone returns a copy of h sharing no spans.
func (h Hours) clone() Hours {
	h.Week = cloneWeek(h.Week)
	return h
}
