package directory

import (
	"errors"
	"fmt"
	"strings"
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
)

// RecordError reports one bad provider record: where it came from (file,
// line or feature index), which record (ID), which field, and why.
// Importers and Builder.Build report every bad record, joined with
// errors.Join.
type RecordError struct {
	File  string // source name, if any
	Line  int    // 1-based line in a text file; 0 when not applicable
	Index int    // 0-based record or feature index; -1 when not applicable
	ID    string // the record's ID, when known
	Field string // column or field name, when one is at fault
	Err   error
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("directory: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Index >= 0 && e.Line == 0 {
		fmt.Fprintf(&b, "record %d: ", e.Index)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, "id %q: ", e.ID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "directory: "))
	return b.String()
}

func (e *RecordError) Unwrap() error { return e.Err }
