package hsds

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Errors. Fatal ones (ErrMalformed for a file that cannot be parsed at all,
// ErrUnknownShape, ErrMissingTable) are returned by the readers; the others
// are the causes of Problems, which an import collects and reports without
// stopping. Test with errors.Is.
var (
	ErrMalformed           = errors.New("hsds: malformed input")
	ErrUnknownShape        = errors.New("hsds: not an HSDS document")
	ErrMissingTable        = errors.New("hsds: missing required table")
	ErrBrokenReference     = errors.New("hsds: reference to an unknown record")
	ErrDuplicate           = errors.New("hsds: duplicate record")
	ErrMissingField        = errors.New("hsds: missing required field")
	ErrBadValue            = errors.New("hsds: bad value")
	ErrBadCoordinates      = errors.New("hsds: bad coordinates")
	ErrUnplaced            = errors.New("hsds: location cannot be placed on the map")
	ErrBadTime             = errors.New("hsds: bad time of day")
	ErrUnsupportedSchedule = errors.New("hsds: schedule cannot be expressed as weekly hours")
	ErrUnmappedTerm        = errors.New("hsds: taxonomy term has no category")
	ErrNoCategory          = errors.New("hsds: service has no category")
	ErrInactive            = errors.New("hsds: service is not active")
	ErrInvalidProvider     = errors.New("hsds: provider fails directory validation")
)

// Kind names a class of problem, for grouping in reports. Kinds are stable
// strings suitable for JSON.
type Kind string

// Problem kinds. A Problem's Kind follows from its Err.
const (
	KindMalformed      Kind = "malformed"            // a row or value that could not be parsed
	KindBrokenRef      Kind = "broken_reference"     // an ID that resolves to nothing
	KindDuplicate      Kind = "duplicate"            // repeated ID or phone
	KindMissingField   Kind = "missing_field"        // a required field is blank
	KindBadValue       Kind = "bad_value"            // a value of the wrong type or form
	KindBadCoordinates Kind = "bad_coordinates"      // out of range or swapped coordinates
	KindUnplaced       Kind = "unplaced"             // no usable coordinates: kept out of the map
	KindOddTime        Kind = "odd_time"             // a time like "9am", normalised
	KindBadTime        Kind = "bad_time"             // a time that could not be read: schedule dropped
	KindSchedule       Kind = "unsupported_schedule" // monthly or irregular rules
	KindUnmappedTerm   Kind = "unmapped_term"        // kept as a keyword
	KindGuessed        Kind = "category_guessed"     // category read from the service's words
	KindNoCategory     Kind = "no_category"          // provider dropped: nothing to file it under
	KindInactive       Kind = "inactive"             // inactive or defunct service: dropped
	KindInvalid        Kind = "invalid"              // fails directory validation: dropped
)

// Problem is one thing wrong with the input: where (file and line for CSV,
// file and JSON path for JSON), which record (ID), which field, and why.
// Problems never quote personal data beyond the record's own fields.
type Problem struct {
	Kind  Kind   `json:"kind"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"` // 1-based CSV line; 0 for JSON
	Path  string `json:"path,omitempty"` // JSON path such as "$.contents[0].location.latitude"
	Table string `json:"table,omitempty"`
	ID    string `json:"id,omitempty"`
	Field string `json:"field,omitempty"`
	Err   error  `json:"-"`
	// Message is Err's text, for JSON output.
	Message string `json:"message"`
}

// Error describes the problem as "file:line: table id "x": field "f": cause".
func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	if p.Table != "" {
		b.WriteString(p.Table)
		b.WriteString(" ")
	}
	if p.ID != "" {
		fmt.Fprintf(&b, "id %q: ", p.ID)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, "field %q: ", p.Field)
	}
	if p.Err != nil {
		b.WriteString(p.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.Err }

var kindOf = []struct {
	err  error
	kind Kind
}{
	{ErrMalformed, KindMalformed},
	{ErrBrokenReference, KindBrokenRef},
	{ErrDuplicate, KindDuplicate},
	{ErrMissingField, KindMissingField},
	{ErrBadCoordinates, KindBadCoordinates},
	{ErrUnplaced, KindUnplaced},
	{ErrBadTime, KindBadTime},
	{ErrUnsupportedSchedule, KindSchedule},
	{ErrUnmappedTerm, KindUnmappedTerm},
	{ErrNoCategory, KindNoCategory},
	{ErrInactive, KindInactive},
	{ErrInvalidProvider, KindInvalid},
	{ErrBadValue, KindBadValue},
}

// Term is a taxonomy term found in the input.
type Term struct {
	Taxonomy string `json:"taxonomy,omitempty"`
	Code     string `json:"code,omitempty"`
	Name     string `json:"name,omitempty"`
}

// String renders the term as "taxonomy:code name".
func (t Term) String() string {
	s := t.Name
	if t.Code != "" {
		s = t.Code + " " + s
	}
	if t.Taxonomy != "" {
		s = t.Taxonomy + ":" + s
	}
	return strings.TrimSpace(s)
}

// Unmapped is a taxonomy term that maps to no category, with the providers
// that carry it (as a keyword).
type Unmapped struct {
	Term      Term     `json:"term"`
	Providers []string `json:"providers"`
}

// Report summarises an import.
type Report struct {
	// Format is "json", "csv-3.0" or "csv-2.0".
	Format string `json:"format"`
	// Services, Locations and Organizations count distinct records read.
	Services      int `json:"services"`
	Locations     int `json:"locations"`
	Organizations int `json:"organizations"`
	// Providers counts the providers returned (one per service at a
	// location); Placed those with coordinates, Unplaced the rest.
	Providers    int `json:"providers"`
	Placed       int `json:"placed"`
	Unplaced     int `json:"unplaced"`
	Confidential int `json:"confidential"`
	// Dropped counts services at locations that gave no provider
	// (inactive, no category, invalid): each has a Problem.
	Dropped int `json:"dropped"`
	// Categories counts providers per category code they list directly.
	Categories map[string]int `json:"categories"`
	// Problems are every problem found, in input order.
	Problems []*Problem `json:"problems"`
	// Unmapped lists taxonomy terms with no category, sorted by term.
	Unmapped []Unmapped `json:"unmapped_terms,omitempty"`
}

// ByKind groups problems by kind, each group in input order.
func (r *Report) ByKind() map[Kind][]*Problem {
	m := make(map[Kind][]*Problem)
	for _, p := range r.Problems {
		m[p.Kind] = append(m[p.Kind], p)
	}
	return m
}

// Kinds returns the kinds of problem present, sorted.
func (r *Report) Kinds() []Kind {
	seen := map[Kind]bool{}
	var out []Kind
	for _, p := range r.Problems {
		if !seen[p.Kind] {
			seen[p.Kind] = true
			out = append(out, p.Kind)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Count returns the number of problems of kind k.
func (r *Report) Count(k Kind) int {
	n := 0
	for _, p := range r.Problems {
		if p.Kind == k {
			n++
		}
	}
	return n
}

// Err returns every problem joined with errors.Join, or nil when there
// are none. Each joined error is a *Problem.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	errs := make([]error, len(r.Problems))
	for i, p := range r.Problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}
