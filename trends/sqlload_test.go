package trends_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// fakeDB is a database/sql driver serving fixed results, so that
// ReadRows is tested through database/sql itself with no driver module:
// the DSN names a result registered with fakeResult; every query on the
// connection returns it. A result may fail after failAfter rows, as a
// lost connection would.
type fakeDB struct{}

type fakeTable struct {
	cols      []string
	rows      [][]driver.Value
	failAfter int // rows served before Next fails; < 0 never
}

var (
	fakeMu     sync.Mutex
	fakeTables = map[string]*fakeTable{}
	fakeOnce   sync.Once
)

// fakeResult registers t under a fresh DSN and opens a *sql.DB on it.
func fakeResult(tb testing.TB, t *fakeTable) *sql.DB {
	tb.Helper()
	db := openFake(t)
	tb.Cleanup(func() { db.Close() })
	return db
}

// openFake registers t under a fresh DSN and opens a *sql.DB on it; the
// caller closes it.
func openFake(t *fakeTable) *sql.DB {
	fakeOnce.Do(func() { sql.Register("trends-fake", fakeDB{}) })
	fakeMu.Lock()
	dsn := fmt.Sprintf("result-%d", len(fakeTables))
	fakeTables[dsn] = t
	fakeMu.Unlock()
	db, err := sql.Open("trends-fake", dsn) // never fails for a registered driver
	if err != nil {
		panic(err)
	}
	return db
}

// A district's PostgreSQL table read through database/sql. The driver
// here is the tests' stand-in serving three rows as a PostgreSQL driver
// returns them (timestamptz as time.Time, NULL as nil); with a real
// database, open db with the district's driver (pgx's stdlib, lib/pq).
func ExampleStore_ReadRows() {
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		panic(err)
	}
	st, err := trends.New(trends.Config{
		Sets: []trends.Set{{Name: demo.Neighborhoods, Regions: hoods}}, Location: time.UTC, Mode: trends.Unprotected})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 10, 6, 15, 30, 0, 0, time.UTC)
	db := openFake(&fakeTable{failAfter: -1,
		cols: []string{"requested_at", "category", "outcome", "lon", "lat", "region_set", "region", "student"},
		rows: [][]driver.Value{
			{at, "basic.food.pantry", "served", nil, nil, demo.Neighborhoods, "Highland Park Neighborhood Association", nil},
			{at.Add(time.Hour), "basic.food", "unmet", nil, nil, demo.Neighborhoods, "Highland Park Neighborhood Association", nil},
			{at.AddDate(0, 0, 1), "basic.housing.rent", nil, nil, nil, demo.Neighborhoods, "Glenwood Neighborhood Association", nil},
		}})
	defer db.Close()

	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT requested_at, category, outcome, lon, lat, region_set, region, student
		FROM need_requests WHERE requested_at >= $1 AND requested_at < $2`, "2025-10-01", "2025-11-01")
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	n, err := st.ReadRows(ctx, rows)
	if err != nil {
		panic(err)
	}
	tab, err := st.Counts(ctx, trends.Query{Set: demo.Neighborhoods, Category: "basic.food", Bucket: trends.Month,
		From: at, To: at})
	if err != nil {
		panic(err)
	}
	fmt.Println("added:", n)
	for _, row := range tab.Rows {
		if c := row.Cells[0].Count; c > 0 {
			fmt.Printf("%s %s: %d\n", tab.Periods[0].Label(), row.Region, c)
		}
	}
	// Output:
	// added: 3
	// 2025-10 Highland Park Neighborhood Association: 2
	// 2025-10 (total): 2
}

func (fakeDB) Open(dsn string) (driver.Conn, error) {
	fakeMu.Lock()
	defer fakeMu.Unlock()
	t, ok := fakeTables[dsn]
	if !ok {
		return nil, errors.New("fake: no such result")
	}
	return fakeConn{t}, nil
}

type fakeConn struct{ t *fakeTable }

func (c fakeConn) Prepare(string) (driver.Stmt, error) { return fakeStmt(c), nil }
func (fakeConn) Close() error                          { return nil }
func (fakeConn) Begin() (driver.Tx, error)             { return nil, errors.New("fake: no transactions") }

type fakeStmt struct{ t *fakeTable }

func (fakeStmt) Close() error  { return nil }
func (fakeStmt) NumInput() int { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, errors.New("fake: read only")
}
func (s fakeStmt) Query([]driver.Value) (driver.Rows, error) {
	return &fakeRows{t: s.t}, nil
}

type fakeRows struct {
	t *fakeTable
	i int
}

func (r *fakeRows) Columns() []string { return r.t.cols }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.t.failAfter >= 0 && r.i == r.t.failAfter {
		return errFakeLost
	}
	if r.i >= len(r.t.rows) {
		return io.EOF
	}
	copy(dest, r.t.rows[r.i])
	r.i++
	return nil
}

var errFakeLost = errors.New("fake: connection lost while sending row \"PLANTED-VALUE\"")

var sqlCols = []string{"id", "requested_at", "category", "outcome", "lon", "lat", "region_set", "region", "student"}

// sqlTable holds requests as a PostgreSQL driver returns them: a
// timestamptz as time.Time (in the session's zone, here a fixed offset
// unrelated to the store's), double precision as float64, text as string
// or []byte, NULL as nil; one row in ten gives its time as text, as a
// query selecting requested_at::text would.
func sqlTable(reqs []trends.Request) *fakeTable {
	t := &fakeTable{cols: sqlCols, failAfter: -1}
	session := time.FixedZone("session", 2*3600)
	nullable := func(s string) driver.Value {
		if s == "" {
			return nil
		}
		return s
	}
	for i, r := range reqs {
		var at driver.Value = r.Time.In(session)
		if i%10 == 3 {
			at = []byte(r.Time.UTC().Format("2006-01-02 15:04:05.999999") + "+00")
		}
		var lon, lat driver.Value = r.Point[0], r.Point[1]
		if r.RegionSet != "" {
			lon, lat = nil, nil
		}
		var cat driver.Value = r.Category
		if i%2 == 0 {
			cat = []byte(r.Category)
		}
		t.rows = append(t.rows, []driver.Value{int64(i), at, cat, r.Outcome.String(), lon, lat,
			nullable(r.RegionSet), nullable(r.Region), nullable(r.Student)})
	}
	return t
}

func readRows(t *testing.T, s *trends.Store, ft *fakeTable) (int, error) {
	t.Helper()
	db := fakeResult(t, ft)
	rows, err := db.QueryContext(context.Background(), "SELECT * FROM need_requests")
	require.NoError(t, err)
	defer rows.Close()
	return s.ReadRows(context.Background(), rows)
}

// TestReadRowsEqualsAddBatch: requests read from a query result through
// database/sql load into the same tables as adding them directly (as
// their CSV export does, TestReadCSVEqualsAddBatch).
func TestReadRowsEqualsAddBatch(t *testing.T) {
	t.Parallel()
	loadEqualsAddBatch(t, 43, func(s *trends.Store, reqs []trends.Request) (int, error) {
		return readRows(t, s, sqlTable(reqs))
	})
}

// TestReadRowsMalformed: each bad row is reported with its row number
// and column, nothing is added, and no message quotes a value.
func TestReadRowsMalformed(t *testing.T) {
	t.Parallel()
	cols := []string{"requested_at", "category", "outcome", "lon", "lat", "region_set", "region", "student"}
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	good := []driver.Value{at, "a.x", "served", 1.5, 2.5, nil, nil, "S-1"}
	with := func(i int, v driver.Value) []driver.Value {
		r := append([]driver.Value(nil), good...)
		r[i] = v
		return r
	}
	for _, tc := range []struct {
		name   string
		cols   []string
		rows   [][]driver.Value
		row    int
		column string
		want   error
	}{
		{"time without offset", cols, [][]driver.Value{good, with(0, "2025-03-01 10:00:00")}, 2, "requested_at", nil},
		{"NULL time", cols, [][]driver.Value{with(0, nil)}, 1, "requested_at", trends.ErrNoTime},
		{"zero time", cols, [][]driver.Value{with(0, time.Time{})}, 1, "requested_at", trends.ErrNoTime},
		{"time as a number", cols, [][]driver.Value{with(0, int64(1740823200))}, 1, "requested_at", nil},
		{"time out of range", cols, [][]driver.Value{with(0, time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC))}, 1, "requested_at", trends.ErrBadTime},
		{"unknown category", cols, [][]driver.Value{with(1, "panic attacks after eviction")}, 1, "category", trends.ErrUnknownCategory},
		{"category as a number", cols, [][]driver.Value{with(1, int64(7))}, 1, "category", nil},
		{"bad outcome", cols, [][]driver.Value{with(2, "maybe")}, 1, "outcome", trends.ErrBadOutcome},
		{"lon not a number", cols, [][]driver.Value{with(3, "east")}, 1, "lon", trends.ErrBadPoint},
		{"lat NULL", cols, [][]driver.Value{with(4, nil)}, 1, "lat", trends.ErrBadPoint},
		{"lon a boolean", cols, [][]driver.Value{with(3, true)}, 1, "lon", trends.ErrBadPoint},
		{"failed geocode", cols, [][]driver.Value{with(4, 0.0), append(with(3, 0.0)[:4], 0.0, nil, nil, nil)}, 2, "lon,lat", trends.ErrBadPoint},
		{"swapped point", cols, [][]driver.Value{append(with(3, 35.0632)[:4], -120.6597, nil, nil, nil)}, 1, "lon,lat", trends.ErrBadPoint},
		{"no place", cols, [][]driver.Value{append(with(3, nil)[:4], nil, nil, nil, nil)}, 1, "lon", trends.ErrBadPoint},
		{"unknown region set", cols, [][]driver.Value{append(with(3, nil)[:4], nil, "zz", "a-00", nil)}, 1, "region_set", trends.ErrUnknownRegionSet},
		{"unknown region", cols, [][]driver.Value{append(with(3, nil)[:4], nil, "a", "a-99", nil)}, 1, "region", trends.ErrUnknownRegion},
		{"missing column", []string{"requested_at", "lon", "lat"}, nil, 0, "category", nil},
		{"duplicate column", []string{"requested_at", "category", "Category"}, nil, 0, "category", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected, StudentKey: []byte("k")})
			require.NoError(t, err)
			n, err := readRows(t, s, &fakeTable{cols: tc.cols, rows: tc.rows, failAfter: -1})
			require.Error(t, err)
			assert.Zero(t, n)
			assert.Zero(t, s.Len(), "nothing added")
			var re *trends.RowError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.row, re.Row)
			assert.Equal(t, tc.column, re.Column)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assertNoPlanted(t, "row error", err.Error())
			for _, v := range []string{"panic attacks", "east", "maybe", "35.06", "120.65", "zz", "a-99"} {
				assert.NotContains(t, err.Error(), v)
			}
		})
	}
}

// TestReadRowsDriverFailure: a result that fails part way (rows.Err)
// adds nothing; the error names the row, wraps ErrDriver and the
// driver's error, and does not repeat the driver's message.
func TestReadRowsDriverFailure(t *testing.T) {
	t.Parallel()
	reqs := keyedRequests(44, 50)
	ft := sqlTable(reqs)
	ft.failAfter = 30
	s, err := trends.New(gridConfig(t, trends.Unprotected))
	require.NoError(t, err)
	n, err := readRows(t, s, ft)
	require.Error(t, err)
	assert.Zero(t, n)
	assert.Zero(t, s.Len())
	var re *trends.RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 31, re.Row)
	assert.ErrorIs(t, err, trends.ErrDriver)
	assert.ErrorIs(t, err, errFakeLost)
	assert.NotContains(t, err.Error(), "PLANTED-VALUE")
}

// TestReadRowsCapsErrors: 5,000 bad rows give 100 listed errors and a
// count.
func TestReadRowsCapsErrors(t *testing.T) {
	t.Parallel()
	ft := &fakeTable{cols: []string{"requested_at", "category", "lon", "lat"}, failAfter: -1}
	for i := range 5000 {
		ft.rows = append(ft.rows, []driver.Value{time.Date(2025, 3, 1, 10, 0, i, 0, time.UTC), "nope", 1.5, 2.5})
	}
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t)})
	require.NoError(t, err)
	_, err = readRows(t, s, ft)
	require.ErrorIs(t, err, trends.ErrTooManyErrors)
	assert.Contains(t, err.Error(), "5000 bad rows")
	assert.Equal(t, 101, strings.Count(err.Error(), "\n")+1)
}

// TestReadRowsCancelled: a cancelled context ends the load with nothing
// added.
func TestReadRowsCancelled(t *testing.T) {
	t.Parallel()
	s, err := trends.New(gridConfig(t, trends.Unprotected))
	require.NoError(t, err)
	db := fakeResult(t, sqlTable(keyedRequests(45, 5000)))
	rows, err := db.QueryContext(context.Background(), "SELECT 1")
	require.NoError(t, err)
	defer rows.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := s.ReadRows(ctx, rows)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n)
	assert.Zero(t, s.Len())
}

// fuzzVocab is the loaders' own wording: a value that is part of it may
// appear in a message without being quoted.
var fuzzVocab = strings.Join([]string{"trends: row 1: column requested_at category outcome lon,lat region_set region student",
	trends.ErrNoTime.Error(), trends.ErrBadTime.Error(), trends.ErrUnknownCategory.Error(), trends.ErrBadPoint.Error(),
	trends.ErrUnknownRegionSet.Error(), trends.ErrUnknownRegion.Error(), trends.ErrBadOutcome.Error(),
	trends.ErrNoStudentKey.Error(), trends.ErrDriver.Error(), geo.ErrNotFinite.Error(), geo.ErrLikelySwapped.Error(),
	geo.ErrLatitude.Error(), geo.ErrLongitude.Error(),
	"not an instant with a UTC offset (RFC 3339 or PostgreSQL timestamptz)", "not a time or text", "not text",
	"not a number", "a row needs lon and lat, or region_set and region", "use unknown, referred, served or unmet",
	"(0, 0) is a failed geocode, not a place"}, "\n")

// FuzzReadRows reads one row of arbitrary text values (and, when asked,
// the point as numbers) through database/sql. Invariants: no panic; a
// row is added whole or the error is a *RowError and nothing is added;
// an error never quotes a value of eight characters or more.
func FuzzReadRows(f *testing.F) {
	f.Add("2025-03-01T10:00:00-05:00", "a.x", "served", "1.5", "2.5", "", "", "S-1", false)
	f.Add("2025-03-01 15:00:00+00", "a", "", "", "", "b", "b-01", "", true)
	f.Add("2025-03-01 10:00:00", "basic.housing.rent", "maybe", "east", "NaN", "zz", "a-99", "", false)
	f.Fuzz(func(t *testing.T, at, cat, outcome, lon, lat, set, region, student string, numeric bool) {
		s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected, StudentKey: []byte("k")})
		require.NoError(t, err)
		text := func(v string) driver.Value {
			if v == "" {
				return nil
			}
			return v
		}
		row := []driver.Value{text(at), text(cat), text(outcome), text(lon), text(lat), text(set), text(region), text(student)}
		if numeric {
			for i, v := range []string{lon, lat} {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					row[3+i] = x
				}
			}
		}
		ft := &fakeTable{cols: []string{"requested_at", "category", "outcome", "lon", "lat", "region_set", "region", "student"},
			rows: [][]driver.Value{row}, failAfter: -1}
		n, err := readRows(t, s, ft)
		if err == nil {
			require.Equal(t, 1, n)
			require.Equal(t, int64(1), s.Len())
			return
		}
		require.Zero(t, n)
		require.Zero(t, s.Len())
		var re *trends.RowError
		require.ErrorAs(t, err, &re)
		for _, v := range []string{at, cat, outcome, lon, lat, set, region, student} {
			if v = strings.TrimSpace(v); len(v) >= 8 && !strings.Contains(fuzzVocab, v) {
				require.NotContains(t, err.Error(), v)
			}
		}
	})
}
