package trends

import (
	"context"
	"errors"
	"fmt"
)

// Rows is what ReadRows reads: the result of a query, row by row.
// *sql.Rows (package database/sql) satisfies it, whatever the driver, so
// the package needs none.
type Rows interface {
	Columns() ([]string, error)
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// RowError reports a bad row of a query result. It names the row and
// column, never the value: the row holds personal data.
type RowError struct {
	Row    int    // 1-based position of the row in the result; 0 for its columns
	Column string // column name, "" for the whole row or the result
	Err    error
}

func (e *RowError) Error() string {
	if e.Row == 0 {
		if e.Column == "" {
			return fmt.Sprintf("trends: result columns: %v", e.Err)
		}
		return fmt.Sprintf("trends: result columns: column %s: %v", e.Column, e.Err)
	}
	if e.Column == "" {
		return fmt.Sprintf("trends: row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("trends: row %d: column %s: %v", e.Row, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// ErrDriver is the reason of a RowError when the database driver failed
// (a lost connection, a server error, a value it could not convert). The
// message says no more, since a driver's own message may quote a value
// of the row; the driver's error is reachable with errors.As and
// errors.Is through Unwrap.
var ErrDriver = errors.New("trends: the database driver failed")

// driverError carries a driver's error without showing its text.
type driverError struct{ err error }

func (e driverError) Error() string { return ErrDriver.Error() }

func (e driverError) Unwrap() []error { return []error{ErrDriver, e.err} }

// ReadRows adds the requests of a query result to the store, all or
// none, with the columns and checks of ReadCSV: the result names its
// columns (ColRequestedAt, ColCategory, … matched case-insensitively;
// others are ignored), and when any row is bad every bad row is
// reported (a *RowError each naming the row and column, joined, at most
// 100 with the total count) and nothing is added. A driver's failure
// (rows.Err, a Scan error) is a *RowError wrapping ErrDriver and the
// driver's error. A row places its request by lon and lat, or by
// region_set and region when lon and lat are NULL. Cancelling ctx stops
// the load between rows (every 4,096) with nothing added; a query run
// with QueryContext also stops the driver.
//
// Values are read as drivers give them: requested_at a time.Time (a
// timestamptz column) or text with a UTC offset; lon and lat numbers
// (or numeric text); the others text. A time.Time is taken as the
// instant it is; a column of type timestamp without time zone reaches
// Go as a wall clock labelled UTC, which is why the query must select a
// timestamptz (see the package doc). The caller owns rows and closes
// them; a failure of rows.Err ends the load with nothing added. It
// returns the number of requests added. Memory: about 40 bytes per row
// until the commit; select a month or a year at a time for larger
// tables.
//
// Typical usage, with any database/sql driver:
//
//	rows, err := db.QueryContext(ctx, `SELECT requested_at, category, outcome,
//	    lon, lat, region_set, region, student FROM need_requests
//	    WHERE requested_at >= $1 AND requested_at < $2`, from, to)
//	if err != nil { … }
//	defer rows.Close()
//	n, err := st.ReadRows(ctx, rows)
func (s *Store) ReadRows(ctx context.Context, rows Rows) (int, error) {
	names, err := rows.Columns()
	if err != nil {
		return 0, &RowError{Err: driverError{err}}
	}
	col, err := columnIndex(names, func(column string, err error) error { return &RowError{Column: column, Err: err} })
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(names))
	dest := make([]any, len(names))
	for i := range vals {
		dest[i] = &vals[i]
	}
	get := func(name string) any {
		if i, ok := col[name]; ok {
			return vals[i]
		}
		return nil
	}
	l := s.newLoader()
	defer l.release()
	row := 0
	for rows.Next() {
		row++
		if row%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		clear(vals)
		if err := rows.Scan(dest...); err != nil {
			l.bad(&RowError{Row: row, Err: driverError{err}})
			continue
		}
		l.add(get, func(column string, err error) error { return &RowError{Row: row, Column: column, Err: err} })
	}
	if err := rows.Err(); err != nil {
		return 0, &RowError{Row: row + 1, Err: driverError{err}}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return l.commit()
}
