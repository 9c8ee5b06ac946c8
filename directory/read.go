package directory

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// ReadOptions tune ReadCSV and ReadGeoJSON. The zero value reads U.S. data
// with the default taxonomy and no default time zone.
type ReadOptions struct {
	// Name is the source name used in errors (a file name).
	Name string
	// NonUS turns off the check that rejects coordinates which only make
	// sense in the United States with latitude and longitude swapped.
	NonUS bool
	// Zone is the IANA time zone ("America/New_York") of hours whose
	// timezone field is empty. "" leaves such hours without a zone: the
	// Builder then needs a Location, or refuses them (ErrNoZone). No zone
	// is ever assumed.
	Zone string
	// Taxonomy checks categories as they are read; nil means
	// DefaultTaxonomy(). Use the same one in the Builder.
	Taxonomy *Taxonomy
}

// reader holds what ReadCSV and ReadGeoJSON share for one input.
type reader struct {
	opts ReadOptions
	ck   checker
	seen map[string]int // ID → line (CSV) or feature index (GeoJSON) of first use
	unit string         // "line" or "feature", naming seen's numbers
	errs errList
}

func newReader(opts ReadOptions) (*reader, error) {
	tax := opts.Taxonomy
	if tax == nil {
		tax = DefaultTaxonomy()
	}
	rd := &reader{opts: opts, ck: checker{tax: tax, zc: zoneCache{}}, seen: map[string]int{}, unit: "line"}
	if opts.Zone != "" {
		if _, err := rd.ck.zc.load(opts.Zone); err != nil {
			return nil, &RecordError{File: opts.Name, Index: -1, Field: "timezone", Err: fmt.Errorf("%w: ReadOptions.Zone %q", ErrUnknownZone, excerpt(opts.Zone))}
		}
	}
	return rd, nil
}

// readerField names, for checks made on the provider model, the input
// field a reader reports.
var readerField = map[string]string{
	"eligibility.age": "max_age", "eligibility.grades": "max_grade",
	"eligibility.income_limit_fpl": "income_limit_fpl", "eligibility.residency": "residency",
	"point": "latitude",
}

// multiLine lists the fields that may hold tabs and line breaks.
var multiLine = map[string]bool{"description": true, "street": true}

// provider builds a provider from named text fields, shared by the CSV
// and GeoJSON readers, and reports every problem to fail: fields get
// cannot give as text, field values that do not parse, then the model
// checks Build makes, then a duplicate ID. *id is set as soon as the ID
// is known, for fail to report. pos is the record's line or feature
// index, for a later duplicate to point back to.
func (rd *reader) provider(get func(string) (string, error), fail func(field string, err error), id *string, pos int) Provider {
	bad := map[string]bool{}
	report := func(field string, err error) {
		bad[field] = true
		fail(field, err)
	}
	text := func(name string) string {
		v, err := get(name)
		if err == nil {
			err = checkText(v, !multiLine[name])
		}
		if err != nil {
			report(name, err)
		}
		return v
	}
	p := Provider{ID: text("id")}
	*id = p.ID
	p.Name = text("name")
	p.Organization = text("organization")
	p.Description = text("description")
	p.Categories = splitList(text("categories"))
	p.Address = Address{Street: text("street"), City: text("city"), State: text("state"),
		PostalCode: text("postal_code"), Country: text("country")}
	p.Phone, p.URL, p.Email = text("phone"), text("url"), text("email")
	p.Languages = splitList(strings.ToLower(text("languages")))
	p.Keywords = splitList(text("keywords"))
	p.Attributes = splitList(strings.ToLower(text("attributes")))
	p.ServiceAreas = splitList(text("service_areas"))
	if p.ID == "" && !bad["id"] {
		report("id", ErrMissingID)
	}
	lat, lon := text("latitude"), text("longitude")
	switch {
	case bad["latitude"] || bad["longitude"]:
	case lat == "" && lon == "":
		p.Unplaced = true
	case lat == "":
		report("latitude", fmt.Errorf("%w: latitude missing", ErrBadLocation))
	case lon == "":
		report("longitude", fmt.Errorf("%w: longitude missing", ErrBadLocation))
	default:
		la, err1 := parseDegrees(lat)
		if err1 != nil {
			report("latitude", err1)
		}
		lo, err2 := parseDegrees(lon)
		if err2 != nil {
			report("longitude", err2)
		}
		if err1 == nil && err2 == nil {
			if pt, ok := checkLatLon(la, lo, rd.opts, report); ok {
				p.Point = pt
			}
		}
	}
	zone := text("timezone")
	if zone == "" {
		zone = rd.opts.Zone
	}
	if hours := text("hours"); !bad["hours"] && !bad["timezone"] {
		h, err := ParseOpeningHours(hours, zone)
		switch {
		case errors.Is(err, ErrUnknownZone):
			report("timezone", fmt.Errorf("%w: %q", ErrUnknownZone, excerpt(zone)))
		case err != nil:
			report("hours", err)
		default:
			p.Hours = h
		}
	}
	ints := []struct {
		name string
		dst  *int
	}{
		{"min_age", &p.Eligibility.MinAge}, {"max_age", &p.Eligibility.MaxAge},
		{"income_limit_fpl", &p.Eligibility.IncomeLimitFPL},
		{"capacity", &p.Capacity}, {"enrolled", &p.Enrolled},
	}
	for _, f := range ints {
		if s := text(f.name); s != "" && !bad[f.name] {
			if len(s) > 9 || !allDigits(s) {
				report(f.name, fmt.Errorf("%w: %q is not a whole number ≥ 0", ErrBadValue, excerpt(s)))
				continue
			}
			*f.dst, _ = strconv.Atoi(s)
		}
	}
	ming, maxg := text("min_grade"), text("max_grade")
	if ming != "" || maxg != "" {
		p.Eligibility.HasGrades = true
		p.Eligibility.MinGrade, p.Eligibility.MaxGrade = GradePreK, 12
		var err error
		if ming != "" {
			if p.Eligibility.MinGrade, err = ParseGrade(ming); err != nil {
				report("min_grade", err)
			}
		}
		if maxg != "" {
			if p.Eligibility.MaxGrade, err = ParseGrade(maxg); err != nil {
				report("max_grade", err)
			}
		}
	}
	p.Eligibility.Residency = text("residency")
	if cost := text("cost"); !bad["cost"] {
		if c, ok := ParseCost(strings.ToLower(cost)); ok {
			p.Cost = c
		} else {
			report("cost", fmt.Errorf("%w: cost %q is not free, sliding-scale or fee", ErrBadValue, excerpt(cost)))
		}
	}
	var err error
	if p.Wheelchair, err = parseBool(text("wheelchair")); err != nil {
		report("wheelchair", err)
	}
	if p.Confidential, err = parseBool(text("confidential")); err != nil {
		report("confidential", err)
	}
	if s := text("last_verified"); s != "" && !bad["last_verified"] {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			report("last_verified", fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadValue, excerpt(s)))
		}
		p.LastVerified = t
	}
	for _, fe := range rd.ck.check(&p) {
		field := fe.field
		if f, ok := readerField[field]; ok {
			field = f
		}
		if field == "eligibility.age" || field == "max_age" {
			if bad["min_age"] || bad["max_age"] {
				continue
			}
		}
		if field == "latitude" && bad["longitude"] {
			continue // the point was never read
		}
		if !bad[field] {
			report(field, fe.err)
		}
	}
	if p.ID != "" && !bad["id"] {
		if first, dup := rd.seen[p.ID]; dup {
			report("id", fmt.Errorf("%w: first used on %s %d", ErrDuplicateID, rd.unit, first))
		} else {
			rd.seen[strings.Clone(p.ID)] = pos // not a slice of the whole row
		}
	}
	return p
}

// parseDegrees reads a coordinate written as plain decimal degrees
// (geo.ParseDegrees: no hex floats, "Inf", "NaN" or underscores).
func parseDegrees(s string) (float64, error) {
	v, err := geo.ParseDegrees(s)
	switch {
	case errors.Is(err, geo.ErrNotFinite):
		return 0, fmt.Errorf("%w: %q is out of range", ErrBadLocation, excerpt(s))
	case err != nil:
		return 0, fmt.Errorf("%w: %q is not a decimal number of degrees", ErrBadLocation, excerpt(s))
	}
	return v, nil
}

// checkLatLon validates a latitude/longitude pair, reporting each
// coordinate against its own field and saying when the two look swapped.
func checkLatLon(lat, lon float64, opts ReadOptions, fail func(string, error)) (orb.Point, bool) {
	pt := orb.Point{lon, lat}
	ok := true
	if math.IsNaN(lat) || math.IsInf(lat, 0) {
		fail("latitude", fmt.Errorf("%w: %w", ErrBadLocation, geo.ErrNotFinite))
		ok = false
	}
	if math.IsNaN(lon) || math.IsInf(lon, 0) {
		fail("longitude", fmt.Errorf("%w: %w", ErrBadLocation, geo.ErrNotFinite))
		ok = false
	}
	if !ok {
		return pt, false
	}
	if lat < -90 || lat > 90 {
		fail("latitude", fmt.Errorf("%w: %w", ErrBadLocation, geo.ValidatePoint(pt)))
		ok = false
	}
	if lon < -180 || lon > 180 {
		fail("longitude", fmt.Errorf("%w: %w: %g", ErrBadLocation, geo.ErrLongitude, lon))
		ok = false
	}
	if !ok {
		return pt, false
	}
	if !opts.NonUS && geo.LikelySwappedUS(pt) {
		fail("latitude", fmt.Errorf("%w: latitude %g, longitude %g: %w", ErrBadLocation, lat, lon, geo.ErrLikelySwapped))
		return pt, false
	}
	if err := geo.ValidatePoint(pt); errors.Is(err, geo.ErrNullIsland) {
		fail("latitude", fmt.Errorf("%w: %w", ErrBadLocation, geo.ErrNullIsland))
		return pt, false
	}
	return pt, true
}
