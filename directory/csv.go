package directory

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
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
var csvColumns = []string{
	"id", "name", "organization", "description", "categories", "latitude", "longitude",
	"street", "city", "state", "postal_code", "phone", "url", "email", "languages",
	"hours", "timezone", "min_age", "max_age", "min_grade", "max_grade", "residency",
	"income_limit_fpl", "cost", "capacity", "enrolled", "wheelchair", "confidential",
	"keywords", "attributes", "service_areas", "last_verified",
}

// CSVColumns returns the columns ReadCSV reads and WriteCSV writes, in
// the order WriteCSV writes them: a fresh slice each call.
func CSVColumns() []string { return slices.Clone(csvColumns) }

var requiredColumns = []string{"id", "name", "categories", "latitude", "longitude"}

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
//
// ReadCSV looks at ctx every few thousand rows; once ctx is done it
// returns ctx.Err() and no providers.
func ReadCSV(ctx context.Context, r io.Reader, opts ReadOptions) ([]Provider, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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
		if err := ctxEvery(ctx, idx); err != nil {
			return nil, err
		}
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
// hours open at the same instants. Directory.All yields the listings of
// a directory; ListingOf makes one of a provider value.
func WriteCSV(w io.Writer, providers iter.Seq[Listing]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for l := range providers {
		if l.p == nil {
			continue
		}
		f := fieldsOf(l.p)
		row := make([]string, len(csvColumns))
		for i, c := range csvColumns {
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
