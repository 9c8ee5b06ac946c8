package match

import (
	"errors"
	"strings"
)

// Errors about students and configuration, wrapped by *FieldError. Test
// with errors.Is.
var (
	ErrMissing         = errors.New("match: missing value")
	ErrOutOfRange      = errors.New("match: out of range")
	ErrBadLocation     = errors.New("match: invalid coordinates")
	ErrUnknownCategory = errors.New("match: unknown category")
	ErrBadLanguage     = errors.New("match: not a lower-case ISO 639 language code")
	ErrBadWindow       = errors.New("match: window ends before it starts or leaves the day")
	ErrBadDays         = errors.New("match: no valid days")
	ErrBadMode         = errors.New("match: unknown travel mode")
	ErrNoTransit       = errors.New("match: transit mode needs a directory with a transit network")
	ErrTooLong         = errors.New("match: too long")
	ErrTooMany         = errors.New("match: too many")
	ErrNothingToMatch  = errors.New("match: no needs or interests")
	ErrBadItem         = errors.New("match: no such need or interest")
	ErrBadProvider     = errors.New("match: no provider (the zero directory.Listing)")
	ErrBadConfig       = errors.New("match: invalid configuration")
)

// FieldError reports one bad field of a Student (or of a Config): which
// field, as a path such as "needs[2].severity" or
// "constraints.availability[0]", and why. It never quotes the value: the
// student's data stays out of logs. Validation reports every bad field,
// joined with errors.Join.
//
// Err is one of the package's sentinels; Cause, when set, is a more
// precise sentinel from another package (geo.ErrLatitude,
// directory.ErrUnknownCategory…). errors.Is finds both.
type FieldError struct {
	Field string
	Err   error
	Cause error
	// Allowed states the values the field takes ("0 to 130", "2 or 3
	// lower-case letters, e.g. en"), when the field has such a rule. It
	// never repeats the value given.
	Allowed string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("match: ")
	if strings.HasPrefix(e.Field, "config") {
		b.WriteString(e.Field)
	} else {
		b.WriteString("student ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "match: "))
	if e.Cause != nil {
		b.WriteString(" (")
		b.WriteString(e.Cause.Error())
		b.WriteString(")")
	}
	if e.Allowed != "" {
		b.WriteString("; allowed: ")
		b.WriteString(e.Allowed)
	}
	return b.String()
}

// Unwrap returns Err and Cause.
func (e *FieldError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}
