package transit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wraparound/wraparound/internal/errlist"
)

// Errors a feed or a Builder can report, always inside a *FeedError that
// says where. Test with errors.Is; a load that finds several problems joins
// them with errors.Join, so errors.Is matches any of them.
var (
	// ErrMissingFile marks a required GTFS file absent from the feed.
	ErrMissingFile = errors.New("transit: missing required file")
	// ErrMissingColumn marks a required column absent from a file's header.
	ErrMissingColumn = errors.New("transit: missing required column")
	// ErrMissingValue marks an empty value where the record needs one.
	ErrMissingValue = errors.New("transit: missing required value")
	// ErrCSV marks text that is not valid CSV (an unterminated quote, or
	// characters after a closing quote).
	ErrCSV = errors.New("transit: malformed csv")
	// ErrBadTime marks a time that is not H:MM:SS or HH:MM:SS with minutes
	// and seconds below 60, or a negative duration given to a Builder.
	ErrBadTime = errors.New("transit: malformed time")
	// ErrBadDate marks a date that is not a real YYYYMMDD calendar date, or
	// a date range that ends before it starts.
	ErrBadDate = errors.New("transit: malformed date")
	// ErrBadNumber marks a value that should be a number and is not.
	ErrBadNumber = errors.New("transit: malformed number")
	// ErrBadValue marks a value outside the set the field allows (an
	// exception_type other than 1 or 2, a zero headway…).
	ErrBadValue = errors.New("transit: invalid value")
	// ErrBadCoordinate marks a stop whose latitude or longitude is out of
	// range or not finite; the error also wraps the geo error that says
	// which.
	ErrBadCoordinate = errors.New("transit: invalid coordinate")
	// ErrBadTimeZone marks an agency_timezone that is not a known IANA
	// zone, or agencies that disagree on the zone.
	ErrBadTimeZone = errors.New("transit: invalid time zone")
	// ErrDuplicate marks a repeated ID (stop, route, trip, agency) or a
	// repeated stop_sequence within a trip.
	ErrDuplicate = errors.New("transit: duplicate")
	// ErrUnknownStop marks a reference to a stop_id that stops.txt lacks.
	ErrUnknownStop = errors.New("transit: unknown stop")
	// ErrUnknownTrip marks a reference to a trip_id that trips.txt lacks.
	ErrUnknownTrip = errors.New("transit: unknown trip")
	// ErrUnknownRoute marks a reference to a route_id that routes.txt lacks.
	ErrUnknownRoute = errors.New("transit: unknown route")
	// ErrUnknownService marks a trip whose service_id appears in neither
	// calendar.txt nor calendar_dates.txt.
	ErrUnknownService = errors.New("transit: unknown service")
	// ErrUnknownParent marks a parent_station that is not a stop of the
	// feed, or not of the location type the child requires.
	ErrUnknownParent = errors.New("transit: unknown parent station")
	// ErrTooLarge marks a feed past one of the package's size bounds: a
	// record longer than MaxRecordBytes (often an unterminated quote), more
	// than MaxFields fields, more than MaxBlankLines blank lines in a file,
	// or frequencies that would expand to more departures than
	// MaxDepartures.
	ErrTooLarge = errors.New("transit: feed too large")
	// ErrNotFeed marks a file given to Load or ReadZip that is not a zip
	// archive; the *FeedError's File names it (for Load).
	ErrNotFeed = errors.New("transit: not a GTFS zip archive")
)

// MaxDepartures bounds the departures a network may hold after expanding
// frequencies.txt: 64 Mi, about 768 MB of index. Real feeds are far below
// (the largest U.S. agencies have a few million); the bound keeps a hostile
// or mistaken feed (a one-second headway over two days) from exhausting
// memory.
const MaxDepartures = 1 << 26

// FeedError reports a problem with one record of a feed (or one call to a
// Builder): where it is and what is wrong. Err wraps one of the package's
// sentinel errors.
type FeedError struct {
	File   string // GTFS file name, e.g. "stop_times.txt"; empty for Builder calls
	Line   int    // 1-based line where the record starts; 0 when not from a file
	Column int    // 1-based byte column, for CSV syntax errors only; else 0
	Field  string // GTFS field name, e.g. "departure_time"; empty when the whole record is at fault
	ID     string // the record's ID (stop_id, trip_id…) when known
	Err    error
}

// Error formats the error as "transit: file:line:column: record ID: field: what".
func (e *FeedError) Error() string {
	var b strings.Builder
	b.WriteString("transit: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
			if e.Column > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(e.Column))
			}
		}
		b.WriteString(": ")
	}
	if e.ID != "" {
		fmt.Fprintf(&b, "record %q: ", e.ID)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "transit: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *FeedError) Unwrap() error { return e.Err }

// errList collects the problems of one load: the first errlist.Max, then a
// summary counting the rest.
type errList struct{ errlist.List }

func (l *errList) add(err error) { l.Add(err) }
func (l *errList) len() int      { return l.Len() }
func (l *errList) err() error {
	return l.Join(func(omitted, total int) error {
		return fmt.Errorf("transit: and %d more problems (%d in all)", omitted, total)
	})
}
