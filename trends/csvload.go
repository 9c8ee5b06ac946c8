package trends

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// CSV columns ReadCSV knows. Header names are matched case-insensitively;
// other columns (an id, a school) are ignored.
const (
	ColRequestedAt = "requested_at" // required: instant with a UTC offset
	ColCategory    = "category"     // required: taxonomy code
	ColOutcome     = "outcome"      // optional: unknown, referred, served, unmet ("" = unknown)
	ColLon         = "lon"          // lon and lat, or region_set and region
	ColLat         = "lat"
	ColRegionSet   = "region_set"
	ColRegion      = "region"
	ColStudent     = "student" // optional opaque key, hashed at ingest
)

// CSVError reports a bad row of a request export. It names the line and
// column, never the value: the row holds personal data.
type CSVError struct {
	Line   int    // 1-based line of the row (the header is line 1)
	Column string // column name, "" for the whole row
	Err    error
}

func (e *CSVError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("trends: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("trends: line %d: column %s: %v", e.Line, e.Column, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// ErrTooManyErrors ends a joined error list that was cut at maxCSVErrors.
var ErrTooManyErrors = errors.New("trends: too many bad rows")

const maxCSVErrors = 100

// timeLayouts are the instants ReadCSV accepts: RFC 3339, and
// PostgreSQL's text output of timestamptz ("2025-03-14 09:30:00+00",
// with optional fraction and minutes in the offset). A time without an
// offset is refused: a zone is never assumed.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
}

// ReadCSV adds the requests of a CSV export — the district's raw request
// table, as `\copy (SELECT …) TO 'requests.csv' CSV HEADER` writes it
// (see the package doc) — to the store, all or none: when any row is
// bad, every bad row is reported (a *CSVError each, joined, at most 100
// with the total count) and nothing is added. Columns are named by the
// header (ColRequestedAt, ColCategory, … ; others are ignored). A row
// places its request by lon and lat, or by region_set and region when
// lon and lat are empty. It returns the number of requests added.
// Memory: about 40 bytes per row until the commit; split larger exports
// (by month, say) into several calls.
func (s *Store) ReadCSV(ctx context.Context, r io.Reader) (int, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return 0, &CSVError{Line: 1, Err: fmt.Errorf("%w: no header: %w", ErrBadQuery, errors.Unwrap(err))}
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff") // a byte-order mark opens the file, not a column
	}
	col, err := columnIndex(head, func(column string, err error) error { return &CSVError{Line: 1, Column: column, Err: err} })
	if err != nil {
		return 0, err
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	l := s.newLoader()
	defer l.release()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// csv.ParseError quotes no field content, only positions.
				l.bad(&CSVError{Line: pe.Line, Err: pe.Err})
				continue
			}
			return 0, err
		}
		if l.seen()%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		l.add(func(name string) any { return get(rec, name) }, func(column string, err error) error {
			return &CSVError{Line: line, Column: column, Err: err}
		})
	}
	return l.commit()
}

// columnOf maps an error of prepare to the column it came from and the
// reason.
func columnOf(err error) (string, error) {
	var re *RequestError
	if !errors.As(err, &re) {
		return "", err
	}
	switch re.Field {
	case "time":
		return ColRequestedAt, re.Err
	case "point":
		return ColLon + "," + ColLat, re.Err
	}
	return re.Field, re.Err
}

// requestFrom reads a request from the named columns of one record, as
// the loaders share it. get returns a column's value: a string (CSV;
// "" is empty), or what a database/sql driver gives (nil for NULL,
// string, []byte, time.Time, float64, int64). fail is called for each
// column at fault; the request is then incomplete.
func requestFrom(get func(name string) any, fail func(column string, err error)) Request {
	var req Request
	switch v := get(ColRequestedAt).(type) {
	case time.Time:
		req.Time = v
		if v.IsZero() {
			fail(ColRequestedAt, ErrNoTime)
		}
	default:
		ts, isText := text(v)
		switch {
		case !isText:
			fail(ColRequestedAt, errors.New("trends: not a time or text"))
		case ts == "":
			fail(ColRequestedAt, ErrNoTime)
		default:
			var perr error
			for _, layout := range timeLayouts {
				if req.Time, perr = time.Parse(layout, ts); perr == nil {
					break
				}
			}
			if perr != nil {
				fail(ColRequestedAt, errors.New("trends: not an instant with a UTC offset (RFC 3339 or PostgreSQL timestamptz)"))
			}
		}
	}
	str := func(name string) string {
		v, isText := text(get(name))
		if !isText {
			fail(name, errors.New("trends: not text"))
		}
		return v
	}
	req.Category = str(ColCategory)
	switch o := strings.ToLower(str(ColOutcome)); o {
	case "", "unknown":
	case "referred":
		req.Outcome = OutcomeReferred
	case "served":
		req.Outcome = OutcomeServed
	case "unmet":
		req.Outcome = OutcomeUnmet
	default:
		fail(ColOutcome, fmt.Errorf("%w: use unknown, referred, served or unmet", ErrBadOutcome))
	}
	lon, lat := get(ColLon), get(ColLat)
	if !empty(lon) || !empty(lat) {
		x, ok1 := number(lon)
		y, ok2 := number(lat)
		switch {
		case !ok1:
			fail(ColLon, fmt.Errorf("%w: not a number", ErrBadPoint))
		case !ok2:
			fail(ColLat, fmt.Errorf("%w: not a number", ErrBadPoint))
		default:
			req.Point = orb.Point{x, y}
		}
	} else {
		req.RegionSet, req.Region = str(ColRegionSet), str(ColRegion)
		if req.RegionSet == "" {
			fail(ColLon, fmt.Errorf("%w: a row needs lon and lat, or region_set and region", ErrBadPoint))
		}
	}
	req.Student = str(ColStudent)
	return req
}

// text returns a text value trimmed: "" for nil, false for a value that
// is not text.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(v), true
	case []byte:
		return strings.TrimSpace(string(v)), true
	}
	return "", false
}

// empty reports whether v is NULL or blank text.
func empty(v any) bool {
	t, isText := text(v)
	return isText && t == ""
}

// number returns a numeric value, or a number written as text.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	t, isText := text(v)
	if !isText || t == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	return f, err == nil
}
