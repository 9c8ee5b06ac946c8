package directory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wraparound/wraparound/internal/errlist"
)

// Errors about provider records, wrapped by RecordError. Test with
// errors.Is.
var (
	ErrMissingID      = errors.New("directory: missing id")
	ErrDuplicateID    = errors.New("directory: duplicate id")
	ErrMissingName    = errors.New("directory: missing name")
	ErrNoCategory     = errors.New("directory: no category")
	ErrBadValue       = errors.New("directory: bad value")
	ErrBadLocation    = errors.New("directory: bad coordinates")
	ErrMissingColumn  = errors.New("directory: missing required column")
	ErrEmptyInput     = errors.New("directory: no records in input")
	ErrBadEligibility = errors.New("directory: inconsistent eligibility")
	// ErrBadText: text that is not valid UTF-8, or a control character
	// where none may be (a NUL anywhere; any in an ID, name or code).
	ErrBadText = errors.New("directory: bad text")
	// ErrMoreProblems is matched by the last error of a list cut at
	// MaxReportedErrors (a *MoreProblemsError).
	ErrMoreProblems = errors.New("directory: more problems")
)

// MaxReportedErrors bounds the problems one import or Build reports in
// full, so that a million bad rows cost a few kilobytes of error, not
// hundreds of megabytes. Past it the rest are counted in a final
// *MoreProblemsError; ProblemCount gives the total.
const MaxReportedErrors = errlist.Max

// RecordError reports one bad provider record: where it came from (file,
// line and column, or feature index), which record (ID), which field, and
// why. Importers and Builder.Build report every problem of every bad
// record, each as its own RecordError, joined with errors.Join.
type RecordError struct {
	File   string // source name, if any
	Line   int    // 1-based line in a text file; 0 when not applicable
	Column int    // 1-based column (CSV field number) of Field; 0 when not applicable
	Index  int    // 0-based record or feature index; -1 when not applicable
	ID     string // the record's ID, when known
	Field  string // column or field name, when one is at fault
	Err    error
}

// Error formats the error as "directory: file:line:column: id "x": field
// "f": why". A long ID is shortened to an excerpt.
func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("directory: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "column %d: ", e.Column)
		}
	}
	if e.Index >= 0 && e.Line == 0 {
		fmt.Fprintf(&b, "record %d: ", e.Index)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, "id %q: ", excerpt(e.ID))
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "directory: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause, which wraps one of the package's sentinels.
func (e *RecordError) Unwrap() error { return e.Err }

// MoreProblemsError ends an error list cut at MaxReportedErrors: Omitted
// problems were counted but not kept. It matches ErrMoreProblems.
type MoreProblemsError struct {
	Omitted int
}

func (e *MoreProblemsError) Error() string {
	return "directory: and " + groupThousands(e.Omitted) + " more problems"
}

// Is reports whether target is ErrMoreProblems.
func (e *MoreProblemsError) Is(target error) bool { return target == ErrMoreProblems }

// ProblemCount returns how many problems err reports: the errors joined
// in it (errors.Join), plus those a final *MoreProblemsError counts. A
// non-joined error counts 1; nil counts 0. It looks one level deep, as
// importers and Build join flat lists.
func ProblemCount(err error) int {
	if err == nil {
		return 0
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return 1
	}
	n := 0
	for _, e := range j.Unwrap() {
		var more *MoreProblemsError
		if errors.As(e, &more) {
			n += more.Omitted
			continue
		}
		n++
	}
	return n
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// errList collects the problems of one import or build: the first
// MaxReportedErrors, then a *MoreProblemsError counting the rest.
type errList struct{ errlist.List }

func (l *errList) add(err error) { l.Add(err) }
func (l *errList) len() int      { return l.Len() }
func (l *errList) err() error {
	return l.Join(func(omitted, _ int) error { return &MoreProblemsError{Omitted: omitted} })
}
