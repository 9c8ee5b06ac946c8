package directory

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// Columns read by ReadCSV, in the order WriteCSV writes them. Headers are
// matched case-insensitively, in any order; unknown columns are ignored.
// List fields (categories, languages, keywords, attributes, service_areas)
// separate items with ";". Required: id, name, categories, latitude,
// longitude.
//
//	id              unique provider ID
//	name            service name
//	organization    organization running it
//	description     free text
//	categories      taxonomy codes, e.g. "basic.food.pantry;basic.food.meals"
//	latitude        WGS84 decimal degrees; empty with longitude empty = unplaced
//	longitude       WGS84 decimal degrees
//	street, city, state, postal_code   postal address
//	phone, url, email
//	languages       ISO 639 codes, any case, e.g. "en;es" (a name such as "Spanish" is refused with the code to use)
//	hours           OpenStreetMap opening_hours, e.g. "Mo-Fr 09:00-17:00"; empty = unknown (see ParseOpeningHours)
//	timezone        IANA zone of the hours; empty = ReadOptions.Zone, else the builder's Location
//	min_age, max_age          whole years; empty = no limit
//	min_grade, max_grade      PK, K or 1-12; empty = no limit
//	residency       "set:name" region whose residents alone are served
//	income_limit_fpl          percent of the federal poverty level
//	cost            free, sliding-scale, fee or empty (unknown)
//	capacity, enrolled        seats; empty capacity = unknown (unlimited)
//	wheelchair, confidential  yes/no, true/false, 1/0 or empty (no)
//	keywords, attributes, service_areas   lists
//	last_verified   date, YYYY-MM-DD
var CSVColumns = []string{
	"id", "name", "organization", "description", "categories", "latitude", "longitude",
	"street", "city", "state", "postal_code", "phone", "url", "email", "languages",
	"hours", "timezone", "min_age", "max_age", "min_grade", "max_grade", "residency",
	"income_limit_fpl", "cost", "capacity", "enrolled", "wheelchair", "confidential",
	"keywords", "attributes", "service_areas", "last_verified",
}

var requiredColumns = []string{"id", "name", "categories", "latitude", "longitude"}

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

// ReadCSV reads providers from CSV with a header row (see CSVColumns). A
// UTF-8 byte-order mark, CRLF line ends and quoted fields are accepted.
// Every check Build makes on a record is made here too, so that each
// problem is reported where it is: a *RecordError with line, column
// (field number), ID and column name, every problem of a row at once,
// joined with errors.Join and cut at MaxReportedErrors (ProblemCount gives
// the total). On any error no providers are returned.
//
// Text must be UTF-8 (a Windows-1252 export is refused with the byte at
// fault), with no NUL anywhere and no control character in single-line
// fields. Coordinates are plain decimal degrees: hex floats, "Inf", "NaN",
// underscores and values that overflow are refused. IDs are unique within
// the file. The input is read as a stream: memory grows with the providers
// kept, not with the size of the input or the number of bad rows.
func ReadCSV(r io.Reader, opts ReadOptions) ([]Provider, error) {
	rd, err := newReader(opts)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &RecordError{File: opts.Name, Line: 1, Index: -1, Err: ErrEmptyInput}
	}
	if err != nil {
		return nil, csvError(opts.Name, err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if err := checkText(name, true); err != nil {
			rd.errs.add(&RecordError{File: opts.Name, Line: 1, Column: i + 1, Index: -1, Err: fmt.Errorf("%w: not a CSV header: %w", ErrBadValue, err)})
			return nil, rd.errs.err()
		}
		if first, dup := col[name]; dup && name != "" {
			rd.errs.add(&RecordError{File: opts.Name, Line: 1, Column: i + 1, Index: -1, Field: name, Err: fmt.Errorf("%w: column %q is also column %d", ErrBadValue, excerpt(name), first+1)})
			continue
		}
		col[name] = i
	}
	for _, req := range requiredColumns {
		if _, ok := col[req]; !ok {
			rd.errs.add(&RecordError{File: opts.Name, Line: 1, Index: -1, Field: req, Err: ErrMissingColumn})
		}
	}
	if err := rd.errs.err(); err != nil {
		return nil, err
	}
	var out []Provider
	var rowErrs []*RecordError
	rows := 0
	for idx := 0; ; idx++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			rd.errs.add(csvError(opts.Name, err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
				// encoding/csv cannot resynchronise after a bad quote.
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		rows++
		get := func(name string) (string, error) {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i]), nil
			}
			return "", nil
		}
		var id string
		rowErrs = rowErrs[:0]
		p := rd.provider(get, func(field string, err error) {
			c := 0
			if i, ok := col[field]; ok {
				c = i + 1
			}
			rowErrs = append(rowErrs, &RecordError{File: opts.Name, Line: line, Column: c, Index: idx, ID: id, Field: field, Err: err})
		}, &id, line)
		if len(rowErrs) > 0 {
			slices.SortStableFunc(rowErrs, func(a, b *RecordError) int { return cmp.Compare(a.Column, b.Column) })
			for _, e := range rowErrs {
				rd.errs.add(e)
			}
			out = nil // nothing is returned on error: stop keeping records
			continue
		}
		if rd.errs.len() == 0 {
			out = append(out, p)
		}
	}
	if err := rd.errs.err(); err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, &RecordError{File: opts.Name, Line: 2, Index: -1, Err: ErrEmptyInput}
	}
	return out, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RecordError{File: name, Line: pe.Line, Column: pe.Column, Index: -1, Field: fmt.Sprintf("column %d", pe.Column), Err: fmt.Errorf("%w: %w", ErrBadValue, pe.Err)}
	}
	return &RecordError{File: name, Index: -1, Err: fmt.Errorf("directory: reading %s: %w", name, err)}
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
// ("-85.3097", "35", "3.5e1"); strconv.ParseFloat alone would also take
// hex floats, "Inf", "NaN" and underscores.
func parseDegrees(s string) (float64, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("%w: %q is not a decimal number of degrees", ErrBadLocation, excerpt(s))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is out of range", ErrBadLocation, excerpt(s))
	}
	return v, nil
}

// isDecimal reports whether s is [+-]digits[.digits][e[+-]digits] with at
// least one digit before the exponent.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
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
	if math.Abs(lat) < 1e-9 && math.Abs(lon) < 1e-9 {
		fail("latitude", fmt.Errorf("%w: (0, 0) is a placeholder, not a place", ErrBadLocation))
		return pt, false
	}
	return pt, true
}

// ParseGrade reads a school grade: "PK" (or "pre-k"), "K", or 1-12.
func ParseGrade(s string) (int, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "PK", "PRE-K", "PREK":
		return GradePreK, nil
	case "K", "KG":
		return GradeK, nil
	}
	g, err := strconv.Atoi(s)
	if err != nil || g < GradePreK || g > 12 {
		return 0, fmt.Errorf("%w: grade %q is not PK, K or 1-12", ErrBadValue, s)
	}
	return g, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "no", "false", "0", "n":
		return false, nil
	case "yes", "true", "1", "y":
		return true, nil
	}
	return false, fmt.Errorf("%w: %q is not yes or no", ErrBadValue, s)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// WriteCSV writes providers in the CSVColumns layout. Confidential
// providers are written without coordinates or street address. Hours are
// written with their zone — for a provider of a Directory whose hours
// name none, the directory's default zone — so that ReadCSV reads back
// hours open at the same instants.
func WriteCSV(w io.Writer, providers []*Provider) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, p := range providers {
		f := fieldsOf(p)
		row := make([]string, len(CSVColumns))
		for i, c := range CSVColumns {
			row[i] = f[c]
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// fieldsOf renders a provider as the named text fields ReadCSV reads.
func fieldsOf(p *Provider) map[string]string {
	f := map[string]string{
		"id": p.ID, "name": p.Name, "organization": p.Organization, "description": p.Description,
		"categories": strings.Join(p.Categories, ";"),
		"street":     p.Address.Street, "city": p.Address.City, "state": p.Address.State,
		"postal_code": p.Address.PostalCode, "phone": p.Phone, "url": p.URL, "email": p.Email,
		"languages": strings.Join(p.Languages, ";"), "hours": p.Hours.String(), "timezone": hoursZone(&p.Hours),
		"residency": p.Eligibility.Residency, "keywords": strings.Join(p.Keywords, ";"),
		"attributes": strings.Join(p.Attributes, ";"), "service_areas": strings.Join(p.ServiceAreas, ";"),
	}
	if !p.Unplaced && !p.Confidential {
		f["latitude"] = strconv.FormatFloat(p.Point[1], 'f', -1, 64)
		f["longitude"] = strconv.FormatFloat(p.Point[0], 'f', -1, 64)
	}
	if p.Confidential {
		f["street"] = ""
		f["confidential"] = "yes"
	}
	itoa := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	f["min_age"], f["max_age"] = itoa(p.Eligibility.MinAge), itoa(p.Eligibility.MaxAge)
	f["income_limit_fpl"], f["capacity"], f["enrolled"] = itoa(p.Eligibility.IncomeLimitFPL), itoa(p.Capacity), itoa(p.Enrolled)
	if p.Eligibility.HasGrades {
		f["min_grade"], f["max_grade"] = gradeString(p.Eligibility.MinGrade), gradeString(p.Eligibility.MaxGrade)
	}
	if p.Cost != CostUnknown {
		f["cost"] = p.Cost.String()
	}
	if p.Wheelchair {
		f["wheelchair"] = "yes"
	}
	if !p.LastVerified.IsZero() {
		f["last_verified"] = p.LastVerified.Format("2006-01-02")
	}
	return f
}

// hoursZone names the zone of known hours: their own, else the zone they
// were resolved to in a Directory, else "".
func hoursZone(h *Hours) string {
	if h.Zone != "" || !h.Known() || h.Always {
		return h.Zone
	}
	if loc := h.Location(); loc != nil {
		return loc.String()
	}
	return ""
}

func gradeString(g int) string {
	switch g {
	case GradePreK:
		return "PK"
	case GradeK:
		return "K"
	}
	return strconv.Itoa(g)
}
