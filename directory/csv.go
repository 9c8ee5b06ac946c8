package directory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
//	latitude        WGS84 degrees; empty with longitude empty = unplaced
//	longitude       WGS84 degrees
//	street, city, state, postal_code   postal address
//	phone, url, email
//	languages       ISO 639-1 codes, e.g. "en;es"
//	hours           OpenStreetMap opening_hours, e.g. "Mo-Fr 09:00-17:00"; empty = unknown
//	timezone        IANA zone of the hours; empty = the builder's default
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

// ReadOptions tune ReadCSV and ReadGeoJSON. The zero value reads U.S. data.
type ReadOptions struct {
	// Name is the source name used in errors (a file name).
	Name string
	// NonUS turns off the check that rejects coordinates which only make
	// sense in the United States with latitude and longitude swapped.
	NonUS bool
}

// ReadCSV reads providers from CSV with a header row (see CSVColumns). A
// UTF-8 byte-order mark, CRLF line ends and quoted fields are accepted.
// Every bad row is reported as a *RecordError with line, column and ID,
// joined with errors.Join; on any error no providers are returned.
func ReadCSV(r io.Reader, opts ReadOptions) ([]Provider, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("directory: reading %s: %w", opts.Name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
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
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var errs []error
	for _, req := range requiredColumns {
		if _, ok := col[req]; !ok {
			errs = append(errs, &RecordError{File: opts.Name, Line: 1, Index: -1, Field: req, Err: ErrMissingColumn})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []Provider
	for idx := 0; ; idx++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvError(opts.Name, err))
			if _, ok := err.(*csv.ParseError); ok {
				// encoding/csv cannot resynchronise after a bad quote.
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		p, field, err := providerFromFields(get, opts)
		if err != nil {
			errs = append(errs, &RecordError{File: opts.Name, Line: line, Index: idx, ID: p.ID, Field: field, Err: err})
			continue
		}
		out = append(out, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, &RecordError{File: opts.Name, Line: 2, Index: -1, Err: ErrEmptyInput}
	}
	return out, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RecordError{File: name, Line: pe.Line, Index: -1, Field: fmt.Sprintf("column %d", pe.Column), Err: fmt.Errorf("%w: %w", ErrBadValue, pe.Err)}
	}
	return &RecordError{File: name, Index: -1, Err: err}
}

// providerFromFields builds a provider from named text fields, shared by
// the CSV and GeoJSON readers. It returns the field at fault with any
// error; the provider's ID is set even on error.
func providerFromFields(get func(string) string, opts ReadOptions) (Provider, string, error) {
	p := Provider{
		ID:           get("id"),
		Name:         get("name"),
		Organization: get("organization"),
		Description:  get("description"),
		Categories:   splitList(get("categories")),
		Address: Address{
			Street: get("street"), City: get("city"), State: get("state"),
			PostalCode: get("postal_code"), Country: get("country"),
		},
		Phone:        get("phone"),
		URL:          get("url"),
		Email:        get("email"),
		Languages:    splitList(strings.ToLower(get("languages"))),
		Keywords:     splitList(get("keywords")),
		Attributes:   splitList(strings.ToLower(get("attributes"))),
		ServiceAreas: splitList(get("service_areas")),
	}
	if p.ID == "" {
		return p, "id", ErrMissingID
	}
	if p.Name == "" {
		return p, "name", ErrMissingName
	}
	if len(p.Categories) == 0 {
		return p, "categories", ErrNoCategory
	}
	lat, lon := get("latitude"), get("longitude")
	switch {
	case lat == "" && lon == "":
		p.Unplaced = true
	case lat == "":
		return p, "latitude", fmt.Errorf("%w: latitude missing", ErrBadLocation)
	case lon == "":
		return p, "longitude", fmt.Errorf("%w: longitude missing", ErrBadLocation)
	default:
		la, err := geo.ParseDegrees(lat)
		if err != nil {
			return p, "latitude", fmt.Errorf("%w: %q is not a number", ErrBadLocation, lat)
		}
		lo, err := geo.ParseDegrees(lon)
		if err != nil {
			return p, "longitude", fmt.Errorf("%w: %q is not a number", ErrBadLocation, lon)
		}
		pt, field, err := checkLatLon(la, lo, opts)
		if err != nil {
			return p, field, err
		}
		p.Point = pt
	}
	var err error
	if p.Hours, err = ParseOpeningHours(get("hours"), get("timezone")); err != nil {
		return p, "hours", err
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
		if s := get(f.name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				return p, f.name, fmt.Errorf("%w: %q is not a whole number ≥ 0", ErrBadValue, s)
			}
			*f.dst = v
		}
	}
	ming, maxg := get("min_grade"), get("max_grade")
	if ming != "" || maxg != "" {
		p.Eligibility.HasGrades = true
		p.Eligibility.MinGrade, p.Eligibility.MaxGrade = GradePreK, 12
		if ming != "" {
			if p.Eligibility.MinGrade, err = ParseGrade(ming); err != nil {
				return p, "min_grade", err
			}
		}
		if maxg != "" {
			if p.Eligibility.MaxGrade, err = ParseGrade(maxg); err != nil {
				return p, "max_grade", err
			}
		}
	}
	p.Eligibility.Residency = get("residency")
	c, ok := ParseCost(strings.ToLower(get("cost")))
	if !ok {
		return p, "cost", fmt.Errorf("%w: cost %q is not free, sliding-scale or fee", ErrBadValue, get("cost"))
	}
	p.Cost = c
	if p.Wheelchair, err = parseBool(get("wheelchair")); err != nil {
		return p, "wheelchair", err
	}
	if p.Confidential, err = parseBool(get("confidential")); err != nil {
		return p, "confidential", err
	}
	if s := get("last_verified"); s != "" {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return p, "last_verified", fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadValue, s)
		}
		p.LastVerified = t
	}
	return p, "", nil
}

// checkLatLon validates a latitude/longitude pair, naming the field at
// fault and saying when the two look swapped.
func checkLatLon(lat, lon float64, opts ReadOptions) (orb.Point, string, error) {
	pt := orb.Point{lon, lat}
	if err := geo.ValidatePoint(pt); err != nil {
		field := "latitude"
		var pe *geo.PointError
		if errors.As(err, &pe) && pe.Field == "longitude" {
			field = "longitude"
		}
		return pt, field, fmt.Errorf("%w: %w", ErrBadLocation, err)
	}
	if !opts.NonUS && geo.LikelySwappedUS(pt) {
		return pt, "latitude", fmt.Errorf("%w: latitude %g, longitude %g: %w", ErrBadLocation, lat, lon, geo.ErrLikelySwapped)
	}
	return pt, "", nil
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
// providers are written without coordinates or street address.
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
		"languages": strings.Join(p.Languages, ";"), "hours": p.Hours.String(), "timezone": p.Hours.Zone,
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

func gradeString(g int) string {
	switch g {
	case GradePreK:
		return "PK"
	case GradeK:
		return "K"
	}
	return strconv.Itoa(g)
}
