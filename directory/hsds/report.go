package hsds

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
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
	// ErrTooLarge: a field, a record, a table or a document passes one of
	// Options.Limits. A field or record too large is a Problem (the record
	// is skipped); too many rows or bytes in all is fatal.
	ErrTooLarge = errors.New("hsds: input exceeds a size limit")
	// ErrUnterminatedQuote: a CSV field opens a quote that is never
	// closed before the end of the file.
	ErrUnterminatedQuote = errors.New("hsds: quoted field never closed")
	// ErrNoZone: schedules give hours but neither the data nor
	// Options.Zone gives their time zone.
	ErrNoZone = errors.New("hsds: no time zone for opening hours")
	// ErrZoneConflict: a schedule's UTC offset disagrees with
	// Options.Zone or with the provider's other schedules.
	ErrZoneConflict = errors.New("hsds: time zone conflict")
	// ErrUncategorised: no taxonomy term, word or default places a
	// service in a category; it is kept under UncategorisedCode.
	ErrUncategorised = errors.New("hsds: service kept as uncategorised")
	// ErrNothingPlaced: no provider could be placed on the map although
	// the input has locations; the problem names the broken link.
	ErrNothingPlaced = errors.New("hsds: 0 services could be placed")
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
	KindTooLarge       Kind = "too_large"            // a field or record past Options.Limits: skipped
	KindUncategorised  Kind = "uncategorised"        // kept under UncategorisedCode, terms as keywords
	KindZone           Kind = "time_zone"            // hours with no zone, or conflicting zones
	KindNothingPlaced  Kind = "nothing_placed"       // summary: IDs never resolve across tables
)

// DefaultMaxProblems is how many problems of each kind a Report keeps
// when Options.MaxProblems is 0.
const DefaultMaxProblems = 100

// Problem is one thing wrong with the input: where (file and line for CSV,
// file and JSON path for JSON), which record (ID), which field, and why.
// Problems never quote personal data beyond the record's own fields.
type Problem struct {
	Kind Kind   `json:"kind"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"` // 1-based CSV line; 0 for JSON
	// Column is the 1-based byte column in Line, where the reader knows
	// it (CSV syntax and size problems); 0 otherwise.
	Column int    `json:"column,omitempty"`
	Path   string `json:"path,omitempty"` // JSON path such as "$.contents[0].location.latitude"
	Table  string `json:"table,omitempty"`
	ID     string `json:"id,omitempty"`
	Field  string `json:"field,omitempty"`
	Err    error  `json:"-"`
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
			if p.Column > 0 {
				fmt.Fprintf(&b, ":%d", p.Column)
			}
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
	{ErrNothingPlaced, KindNothingPlaced},
	{ErrTooLarge, KindTooLarge},
	{ErrUnterminatedQuote, KindMalformed},
	{ErrNoZone, KindZone},
	{ErrZoneConflict, KindZone},
	{ErrUncategorised, KindUncategorised},
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
// that carry it (as a keyword): the first MaxProblems of them in input
// order, and their total.
type Unmapped struct {
	Term      Term     `json:"term"`
	Providers []string `json:"providers"`
	Count     int      `json:"count"`
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
	// Zones counts the providers with known hours per Hours.Zone; the
	// key "" counts those whose hours have no zone (see ErrNoZone). Use
	// it to pick directory.Builder.Location.
	Zones map[string]int `json:"zones,omitempty"`
	// Categories counts providers per category code they list directly.
	Categories map[string]int `json:"categories"`
	// Problems are the problems kept: for each kind, the first
	// Options.MaxProblems (DefaultMaxProblems when 0) in input order,
	// after any KindNothingPlaced summary, which comes first. Counts and
	// Total count every problem found, kept or not.
	Problems []*Problem `json:"problems"`
	// Counts is the number of problems found per kind.
	Counts map[Kind]int `json:"counts"`
	// Total is the number of problems found; Total - len(Problems) were
	// counted but not kept.
	Total int `json:"total"`
	// Unmapped lists taxonomy terms with no category, sorted by term:
	// the first MaxProblems of them; UnmappedTotal counts them all.
	Unmapped      []Unmapped `json:"unmapped_terms,omitempty"`
	UnmappedTotal int        `json:"unmapped_total,omitempty"`
}

// ByKind groups the kept problems by kind, each group in input order;
// Counts has the totals.
func (r *Report) ByKind() map[Kind][]*Problem {
	m := make(map[Kind][]*Problem)
	for _, p := range r.Problems {
		m[p.Kind] = append(m[p.Kind], p)
	}
	return m
}

// Kinds returns the kinds of problem found, sorted.
func (r *Report) Kinds() []Kind {
	var out []Kind
	for k, n := range r.Counts {
		if n > 0 {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Count returns the number of problems of kind k found, kept or not.
func (r *Report) Count(k Kind) int { return r.Counts[k] }

// errShown is how many problems Report.Err joins at most.
const errShown = 100

// Err returns the kept problems joined with errors.Join — at most 100,
// then one line counting the rest — or nil when there are none. Each
// joined error but that last line is a *Problem.
func (r *Report) Err() error {
	if r.Total == 0 && len(r.Problems) == 0 {
		return nil
	}
	n := min(len(r.Problems), errShown)
	errs := make([]error, 0, n+1)
	for _, p := range r.Problems[:n] {
		errs = append(errs, p)
	}
	if rest := max(r.Total, len(r.Problems)) - n; rest > 0 {
		errs = append(errs, fmt.Errorf("hsds: %d more problems not shown", rest))
	}
	return errors.Join(errs...)
}

// collector gathers problems in input order, keeping the first max of
// each kind (all when max < 0) and counting every one.
type collector struct {
	max     int
	probs   []*Problem
	summary []*Problem
	counts  map[Kind]int
	total   int
}

func newCollector(max int) *collector {
	if max == 0 {
		max = DefaultMaxProblems
	}
	return &collector{max: max, counts: map[Kind]int{}}
}

func kindFor(err error) Kind {
	switch {
	case errors.Is(err, errOddTime):
		return KindOddTime
	case errors.Is(err, errGuessed):
		return KindGuessed
	}
	for _, ke := range kindOf {
		if errors.Is(err, ke.err) {
			return ke.kind
		}
	}
	return KindBadValue
}

// add records a problem at p about record id of table (field may be "").
func (c *collector) add(p pos, table, id, field string, err error) {
	c.addAt(p, 0, table, id, field, err)
}

// addAt is add with a byte column.
func (c *collector) addAt(p pos, col int, table, id, field string, err error) {
	k := kindFor(err)
	c.total++
	c.counts[k]++
	if c.max >= 0 && c.counts[k] > c.max {
		return
	}
	pr := &Problem{Kind: k, File: p.file, Line: p.line, Column: col, Path: p.path, Table: table, ID: id, Field: field, Err: err, Message: err.Error()}
	if k == KindNothingPlaced {
		c.summary = append(c.summary, pr)
		return
	}
	c.probs = append(c.probs, pr)
}

// addf records a problem whose cause is sentinel with the text of format
// and args after it ("%w: " + format). The text is made only for a
// problem that is kept, so that a million problems of one kind cost a
// count, not a million messages.
func (c *collector) addf(p pos, table, id, field string, sentinel error, format string, args ...any) {
	k := kindFor(sentinel)
	if c.max >= 0 && c.counts[k] >= c.max {
		c.total++
		c.counts[k]++
		return
	}
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = clip(s)
		}
	}
	c.addAt(p, 0, table, id, field, fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...))
}

// clipLen is how much of a value a problem quotes.
const clipLen = 80

// clip shortens a value quoted in a problem to clipLen bytes (on a rune
// boundary) and "…", so that a megabyte field is not repeated in its
// problem.
func clip(s string) string {
	if len(s) <= clipLen {
		return s
	}
	i := clipLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// fill copies what was collected into r.
func (c *collector) fill(r *Report) {
	r.Problems = append(c.summary, c.probs...)
	r.Counts = c.counts
	r.Total = c.total
}
