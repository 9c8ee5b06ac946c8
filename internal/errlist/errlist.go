// Package errlist collects the problems of one import: the first Max are
// kept, the rest only counted, so that a file of a million bad rows gives
// a bounded error that still says how many there were.
package errlist

import "errors"

// Max is how many problems a List keeps.
const Max = 100

// List collects problems. The zero value is an empty list.
type List struct {
	errs  []error
	extra int
}

// Add keeps err if fewer than Max are kept, else counts it.
func (l *List) Add(err error) {
	if len(l.errs) < Max {
		l.errs = append(l.errs, err)
		return
	}
	l.extra++
}

// Len returns how many problems were added, kept or counted.
func (l *List) Len() int { return len(l.errs) + l.extra }

// Join returns the kept problems joined with errors.Join, followed, when
// some were only counted, by more(omitted, total); nil without problems.
func (l *List) Join(more func(omitted, total int) error) error {
	if len(l.errs) == 0 {
		return nil
	}
	if l.extra > 0 {
		return errors.Join(append(l.errs, more(l.extra, l.Len()))...)
	}
	return errors.Join(l.errs...)
}
