package transit

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// LoadOptions says how a feed is loaded; its zero value is the strict
// loading of Load, ReadZip and ReadFS.
//
// Lenient loading leaves out the records with problems and loads the
// rest, so that one bad row in an agency's feed does not refuse the whole
// network; every record left out is listed in Skipped with its position.
// What is left out:
//   - a stop, route, calendar row, calendar_dates row, transfer or
//     feed_info row with any problem: that record alone (records that
//     refer to it then fail in turn: a trip whose route was skipped is
//     skipped, reported with ErrUnknownRoute);
//   - a trip with a problem in trips.txt, or in any of its stop_times or
//     frequencies rows (an unknown stop, a call at a station or other
//     location that is not a stop, a malformed or backwards time, a
//     repeated stop_sequence, no time at its first or last stop): the
//     whole trip with all its stop_times and frequencies, because a trip
//     missing a call would carry riders past a stop it serves; each problem
//     found is listed, with the trip_id as ID; the rows of a trip already
//     skipped in trips.txt are dropped without a further entry;
//   - a stop_times or frequencies row naming a trip_id that trips.txt
//     lacks: that row.
//
// Some problems still refuse the feed in lenient mode, as no record can be
// left out to fix them: a missing file or column, text that is not CSV
// (the rest of the file cannot be read reliably), a size bound
// (ErrTooLarge), any problem in agency.txt (the zone of every time), a
// parent_station problem (found once stops are referred to), and a file
// that is not a zip.
type LoadOptions struct {
	Lenient bool `json:"lenient"` // leave out bad records instead of refusing the feed
}

// MaxSkipped bounds the records Skipped lists; Skipped.Total counts all.
const MaxSkipped = 10000

// Skipped lists the records a lenient load left out, in the order found:
// file by file in loading order, then the trips found bad when the
// network is built. Each is a *FeedError with file, line, field and
// record ID, as a strict load would have returned it.
type Skipped struct {
	Records []*FeedError // the first MaxSkipped problems
	Total   int          // every problem, including those past MaxSkipped
}

func (s *Skipped) add(err error) {
	s.Total++
	if len(s.Records) >= MaxSkipped {
		return
	}
	var fe *FeedError
	if !errors.As(err, &fe) {
		fe = &FeedError{Err: err}
	}
	s.Records = append(s.Records, fe)
}

// Load reads the GTFS feed at path: a .zip archive or a folder of .txt
// files. See ReadFS for what is read and checked.
func Load(ctx context.Context, path string) (*Network, error) {
	n, _, err := LoadOptions{}.Load(ctx, path)
	return n, err
}

// ReadZip reads a GTFS feed from a zip archive of size bytes; for a feed
// in memory, pass bytes.NewReader(data) and len(data). See ReadFS.
func ReadZip(ctx context.Context, r io.ReaderAt, size int64) (*Network, error) {
	n, _, err := LoadOptions{}.ReadZip(ctx, r, size)
	return n, err
}

// ReadFS reads a GTFS feed from the root of fsys, or from its only
// sub-folder when the files sit one level down (as in many zips).
//
// Required: agency.txt, stops.txt, routes.txt, trips.txt, stop_times.txt,
// and calendar.txt or calendar_dates.txt (either alone is fine);
// frequencies.txt, transfers.txt (rules between stops or stations;
// rules naming a route or trip are skipped) and feed_info.txt (feed_start_date,
// feed_end_date) are read when present; other files are ignored.
// stop_times.txt is streamed and kept as compact integers, no strings.
//
// Every record is checked, and a stop_times row must call at a stop or
// platform (location_type 0), not at a station, entrance, node or
// boarding area, where no rider could board or alight (ErrBadValue).
// Problems are returned as *FeedError values
// (file, line, field, record ID) joined with errors.Join, up to 100 of
// them. A feed with any problem loads nothing: the result is nil. For a
// load that leaves out bad records instead, see LoadOptions.
//
// Each file is bounded (MaxRecordBytes, MaxFields, MaxBlankLines), and
// service dates must fall in MinYear to MaxYear; in a feed whose zone is
// America/*, a stop that makes sense only with latitude and longitude
// exchanged (geo.LikelySwappedUS) is refused.
func ReadFS(ctx context.Context, fsys fs.FS) (*Network, error) {
	n, _, err := LoadOptions{}.ReadFS(ctx, fsys)
	return n, err
}

// Load is the package's Load with these options; in lenient mode it also
// returns the records left out.
func (o LoadOptions) Load(ctx context.Context, path string) (*Network, Skipped, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, Skipped{}, fmt.Errorf("transit: %w", err)
	}
	if fi.IsDir() {
		return o.ReadFS(ctx, os.DirFS(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, Skipped{}, fmt.Errorf("transit: %w", err)
	}
	defer f.Close()
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return nil, Skipped{}, &FeedError{File: path, Err: fmt.Errorf("%w: %w", ErrNotFeed, err)}
	}
	return o.ReadFS(ctx, zr)
}

// ReadZip is the package's ReadZip with these options.
func (o LoadOptions) ReadZip(ctx context.Context, r io.ReaderAt, size int64) (*Network, Skipped, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, Skipped{}, &FeedError{Err: fmt.Errorf("%w: %w", ErrNotFeed, err)}
	}
	return o.ReadFS(ctx, zr)
}

// ReadFS is the package's ReadFS with these options. In lenient mode the
// network holds the good records and Skipped lists the others; the error
// is non-nil only for the problems that refuse a feed in either mode (see
// LoadOptions), and then the network is nil. In strict mode Skipped is
// empty.
func (o LoadOptions) ReadFS(ctx context.Context, fsys fs.FS) (*Network, Skipped, error) {
	n, l, err := o.readFS(ctx, fsys)
	if err != nil || l == nil {
		return nil, Skipped{}, err
	}
	return n, l.b.skipped, nil
}

func (o LoadOptions) readFS(ctx context.Context, fsys fs.FS) (*Network, *loader, error) {
	fsys = feedRoot(fsys)
	l := &loader{ctx: ctx, fsys: fsys, lenient: o.Lenient}
	defer l.closeAll()

	agency := l.open("agency.txt", true, "agency_name", "agency_timezone")
	stops := l.open("stops.txt", true, "stop_id", "stop_lat", "stop_lon")
	routes := l.open("routes.txt", true, "route_id", "route_type")
	trips := l.open("trips.txt", true, "route_id", "service_id", "trip_id")
	stopTimes := l.open("stop_times.txt", true, "trip_id", "stop_id", "stop_sequence")
	if stopTimes != nil && stopTimes.col("departure_time") < 0 && stopTimes.col("arrival_time") < 0 {
		l.errs.add(&FeedError{File: stopTimes.name, Line: 1, Field: "departure_time", Err: ErrMissingColumn})
	}
	cal := l.open("calendar.txt", false, "service_id", "monday", "tuesday", "wednesday",
		"thursday", "friday", "saturday", "sunday", "start_date", "end_date")
	dates := l.open("calendar_dates.txt", false, "service_id", "date", "exception_type")
	if l.missing["calendar.txt"] && l.missing["calendar_dates.txt"] {
		l.errs.add(&FeedError{File: "calendar.txt", Err: fmt.Errorf("%w (nor calendar_dates.txt)", ErrMissingFile)})
	}
	freqs := l.open("frequencies.txt", false, "trip_id", "start_time", "end_time", "headway_secs")
	transfers := l.open("transfers.txt", false, "from_stop_id", "to_stop_id", "transfer_type")
	info := l.open("feed_info.txt", false)
	if l.errs.len() > 0 {
		return nil, nil, l.errs.err()
	}

	l.b = NewBuilder(l.agencies(agency))
	l.b.feed = true
	l.b.lenient = l.lenient
	for _, step := range []func() error{
		func() error { return l.stops(stops) },
		func() error { return l.routes(routes) },
		func() error { return l.calendar(cal) },
		func() error { return l.calendarDates(dates) },
		func() error { return l.trips(trips) },
		func() error { return l.stopTimes(stopTimes) },
		func() error { return l.frequencies(freqs) },
		func() error { return l.transfers(transfers) },
		func() error { return l.feedInfo(info) },
	} {
		if err := step(); err != nil {
			return nil, nil, err
		}
	}
	if l.errs.len() > 0 {
		return nil, nil, l.errs.err()
	}
	n, err := l.b.build(ctx)
	if err != nil {
		return nil, nil, err
	}
	return n, l, nil
}

// feedRoot returns fsys, or its only sub-folder when the feed's files are
// there rather than at the root.
func feedRoot(fsys fs.FS) fs.FS {
	if _, err := fs.Stat(fsys, "stops.txt"); err == nil {
		return fsys
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fsys
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "__MACOSX" {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) != 1 {
		return fsys
	}
	if _, err := fs.Stat(fsys, dirs[0]+"/stops.txt"); err != nil {
		return fsys
	}
	sub, err := fs.Sub(fsys, dirs[0])
	if err != nil {
		return fsys
	}
	return sub
}

// table is one CSV file of the feed, positioned after its header.
type table struct {
	name string
	f    fs.File
	r    *csvReader
	cols map[string]int
	rec  [][]byte
	rows int
}

func (t *table) col(name string) int {
	if i, ok := t.cols[name]; ok {
		return i
	}
	return -1
}

// get returns field i of the current record, or nil when i < 0 or the
// record is short.
func (t *table) get(i int) []byte {
	if i < 0 || i >= len(t.rec) {
		return nil
	}
	return t.rec[i]
}

func (t *table) err(field, id string, err error) *FeedError {
	return &FeedError{File: t.name, Line: t.r.start, Field: field, ID: id, Err: err}
}

type loader struct {
	ctx     context.Context
	fsys    fs.FS
	b       *Builder
	errs    errList
	open_   []*table
	missing map[string]bool // files absent from the feed

	pendingAgencies []Agency
	us              bool // the feed's zone is America/*: refuse likely swapped stops

	lenient      bool
	recBad       bool            // the current record has a problem
	skippedTrips map[string]bool // lenient: trip_ids left out in trips.txt
}

// problem records a problem with the current record: an error of the load
// in strict mode, a record left out in lenient mode.
func (l *loader) problem(err error) {
	l.recBad = true
	if l.lenient {
		l.b.skipped.add(err)
		return
	}
	l.errs.add(err)
}

// skip reports whether the current record is to be left out: it has a
// problem and the load is lenient. Strict loads go on with a bad record,
// so that records referring to it do not add misleading errors.
func (l *loader) skip() bool { return l.lenient && l.recBad }

// badTrip leaves out trip (lenient) for a problem in one of its rows.
func (l *loader) badTrip(trip int32, err error) {
	l.problem(err)
	if l.lenient {
		l.b.dropTrip(trip)
	}
}

func (l *loader) closeAll() {
	for _, t := range l.open_ {
		t.f.Close()
	}
}

// open opens file name and reads its header, checking the required
// columns. It returns nil when the file is absent or unusable, recording
// an error when it is required or its header is bad.
func (l *loader) open(name string, required bool, cols ...string) *table {
	f, err := l.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if l.missing == nil {
				l.missing = map[string]bool{}
			}
			l.missing[name] = true
			if required {
				l.errs.add(&FeedError{File: name, Err: ErrMissingFile})
			}
			return nil
		}
		l.errs.add(&FeedError{File: name, Err: fmt.Errorf("%w: %w", ErrMissingFile, err)})
		return nil
	}
	t := &table{name: name, f: f, r: newCSVReader(f), cols: map[string]int{}}
	l.open_ = append(l.open_, t)
	header, err := t.r.read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			l.errs.add(&FeedError{File: name, Line: 1, Err: fmt.Errorf("%w: empty file, no header", ErrMissingColumn)})
		} else {
			l.errs.add(l.csvErr(t, err))
		}
		return nil
	}
	for i, h := range header {
		if _, dup := t.cols[string(h)]; !dup {
			t.cols[string(h)] = i
		}
	}
	ok := true
	for _, c := range cols {
		if _, found := t.cols[c]; !found {
			l.errs.add(&FeedError{File: name, Line: t.r.start, Field: c, Err: ErrMissingColumn})
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return t
}

func (l *loader) csvErr(t *table, err error) error {
	var se *csvSyntaxError
	if errors.As(err, &se) {
		return &FeedError{File: t.name, Line: se.line, Column: se.col, Err: se}
	}
	var le *csvLimitError
	if errors.As(err, &le) {
		return &FeedError{File: t.name, Line: le.line, Column: le.col, Err: le}
	}
	return &FeedError{File: t.name, Line: t.r.line, Err: fmt.Errorf("%w: %w", ErrCSV, err)}
}

// each calls fn for every record of t, stopping at the end of the file,
// at a CSV syntax error (recorded) or when ctx is done (returned).
func (l *loader) each(t *table, fn func()) error {
	if t == nil {
		return nil
	}
	for {
		rec, err := t.r.read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			l.errs.add(l.csvErr(t, err))
			return nil
		}
		t.rec = rec
		t.rows++
		l.recBad = false
		if t.rows&4095 == 0 {
			if err := l.ctx.Err(); err != nil {
				return err
			}
		}
		fn()
	}
}

// at positions a Builder error at the current record of t.
func (l *loader) at(t *table, err error) error {
	var fe *FeedError
	if errors.As(err, &fe) {
		fe.File, fe.Line = t.name, t.r.start
		return fe
	}
	return t.err("", "", err)
}

// agencies reads agency.txt and returns the feed's time zone (UTC when it
// cannot, after recording why).
func (l *loader) agencies(t *table) *time.Location {
	var (
		loc      *time.Location
		zone     string
		agencies []Agency
		seen     = map[string]bool{}
	)
	cID, cName, cURL, cTZ := t.col("agency_id"), t.col("agency_name"), t.col("agency_url"), t.col("agency_timezone")
	_ = l.each(t, func() {
		a := Agency{
			ID: string(t.get(cID)), Name: string(t.get(cName)),
			URL: string(t.get(cURL)), Timezone: string(t.get(cTZ)),
		}
		if seen[a.ID] {
			l.errs.add(t.err("agency_id", a.ID, ErrDuplicate))
			return
		}
		seen[a.ID] = true
		switch {
		case a.Timezone == "":
			l.errs.add(t.err("agency_timezone", a.ID, ErrMissingValue))
		case zone == "":
			z, err := time.LoadLocation(a.Timezone)
			if err != nil || a.Timezone == "Local" {
				l.errs.add(t.err("agency_timezone", a.ID, fmt.Errorf("%w %q", ErrBadTimeZone, a.Timezone)))
			} else {
				zone, loc = a.Timezone, z
			}
		case a.Timezone != zone:
			l.errs.add(t.err("agency_timezone", a.ID,
				fmt.Errorf("%w: %q differs from %q; a feed has one zone", ErrBadTimeZone, a.Timezone, zone)))
		}
		agencies = append(agencies, a)
	})
	if len(agencies) == 0 {
		l.errs.add(&FeedError{File: t.name, Err: fmt.Errorf("%w: no agency", ErrMissingValue)})
	}
	l.pendingAgencies = agencies
	if loc == nil {
		return time.UTC
	}
	return loc
}

func (l *loader) stops(t *table) error {
	for _, a := range l.pendingAgencies {
		l.b.agencies = append(l.b.agencies, a)
		l.b.agencyIdx[a.ID] = true
	}
	// A feed in an America/* zone serves the Americas, where a stop that
	// makes sense only with latitude and longitude exchanged is a producer's
	// mistake (see geo.LikelySwappedUS); elsewhere such points are real.
	l.us = strings.HasPrefix(l.b.loc.String(), "America/")
	cID, cCode, cName := t.col("stop_id"), t.col("stop_code"), t.col("stop_name")
	cLat, cLon := t.col("stop_lat"), t.col("stop_lon")
	cType, cParent := t.col("location_type"), t.col("parent_station")
	return l.each(t, func() {
		id := string(t.get(cID))
		if id == "" {
			l.problem(t.err("stop_id", "", ErrMissingValue))
			return
		}
		if _, dup := l.b.stopIdx[id]; dup {
			l.problem(t.err("stop_id", id, ErrDuplicate))
			return
		}
		s := Stop{
			ID: id, Code: string(t.get(cCode)), Name: string(t.get(cName)),
			Parent: string(t.get(cParent)),
		}
		if v := t.get(cType); len(v) > 0 {
			lt, err := strconv.Atoi(string(v))
			if err != nil || lt < LocationStop || lt > LocationBoardingArea {
				l.problem(t.err("location_type", id, fmt.Errorf("%w %q", ErrBadValue, v)))
			} else {
				s.LocationType = lt
			}
		}
		lat, lon := t.get(cLat), t.get(cLon)
		switch {
		case len(lat) == 0 && len(lon) == 0 && s.LocationType > LocationEntrance:
			// Nodes and boarding areas may omit coordinates.
		case len(lat) == 0:
			l.problem(t.err("stop_lat", id, ErrMissingValue))
		case len(lon) == 0:
			l.problem(t.err("stop_lon", id, ErrMissingValue))
		default:
			y, err1 := strconv.ParseFloat(string(lat), 64)
			x, err2 := strconv.ParseFloat(string(lon), 64)
			switch {
			case err1 != nil:
				l.problem(t.err("stop_lat", id, fmt.Errorf("%w %q", ErrBadNumber, lat)))
			case err2 != nil:
				l.problem(t.err("stop_lon", id, fmt.Errorf("%w %q", ErrBadNumber, lon)))
			default:
				s.Point = orb.Point{x, y}
				if err := geo.ValidatePoint(s.Point); err != nil {
					field := "stop_lat"
					if errors.Is(err, geo.ErrLongitude) || (errors.Is(err, geo.ErrNotFinite) && !math.IsNaN(y) && !math.IsInf(y, 0)) {
						field = "stop_lon"
					}
					l.problem(t.err(field, id, fmt.Errorf("%w: %w", ErrBadCoordinate, err)))
				} else if l.us && geo.LikelySwappedUS(s.Point) {
					l.problem(t.err("stop_lat", id, fmt.Errorf("%w: latitude %s, longitude %s in an agency of zone %s: %w",
						ErrBadCoordinate, lat, lon, l.b.loc, geo.ErrLikelySwapped)))
				}
			}
		}
		// Registered even when invalid in strict mode, so that references
		// to it do not add a second, misleading error.
		if !l.skip() {
			l.b.addStop(s, int32(t.r.start))
		}
	})
}

func (l *loader) routes(t *table) error {
	cID, cAgency, cShort, cLong := t.col("route_id"), t.col("agency_id"), t.col("route_short_name"), t.col("route_long_name")
	cType, cColor := t.col("route_type"), t.col("route_color")
	return l.each(t, func() {
		id := string(t.get(cID))
		if id == "" {
			l.problem(t.err("route_id", "", ErrMissingValue))
			return
		}
		if _, dup := l.b.routeIdx[id]; dup {
			l.problem(t.err("route_id", id, ErrDuplicate))
			return
		}
		r := Route{
			ID: id, AgencyID: string(t.get(cAgency)), ShortName: string(t.get(cShort)),
			LongName: string(t.get(cLong)), Color: string(t.get(cColor)),
		}
		switch v := t.get(cType); {
		case len(v) == 0:
			l.problem(t.err("route_type", id, ErrMissingValue))
		default:
			rt, err := strconv.Atoi(string(v))
			if err != nil || rt < 0 {
				l.problem(t.err("route_type", id, fmt.Errorf("%w %q", ErrBadNumber, v)))
			}
			r.Type = rt
		}
		if !l.skip() {
			l.b.addRoute(r)
		}
	})
}

var weekdayCols = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func (l *loader) calendar(t *table) error {
	if t == nil {
		return nil
	}
	cID, cStart, cEnd := t.col("service_id"), t.col("start_date"), t.col("end_date")
	var cDays [7]int
	for d, name := range weekdayCols {
		cDays[d] = t.col(name)
	}
	return l.each(t, func() {
		id := string(t.get(cID))
		if id == "" {
			l.problem(t.err("service_id", "", ErrMissingValue))
			return
		}
		if s, ok := l.b.svcIdx[id]; ok && l.b.services[s].hasCal {
			l.problem(t.err("service_id", id, ErrDuplicate))
			return
		}
		var mask uint8
		ok := true
		for d, c := range cDays {
			switch v := t.get(c); string(v) {
			case "1":
				mask |= 1 << d
			case "0":
			default:
				l.problem(t.err(weekdayCols[d], id, fmt.Errorf("%w %q: want 0 or 1", ErrBadValue, v)))
				ok = false
			}
		}
		start, okS := l.date(t, cStart, "start_date", id)
		end, okE := l.date(t, cEnd, "end_date", id)
		if okS && okE && end < start {
			l.problem(t.err("end_date", id, fmt.Errorf("%w: ends before it starts", ErrBadDate)))
			ok = false
		}
		if ok && okS && okE {
			l.b.setCalendar(id, mask, start, end)
		} else if !l.lenient {
			l.b.service(id) // known, so trips do not report it as unknown
		}
	})
}

// date parses a YYYYMMDD field to a day number.
func (l *loader) date(t *table, c int, field, id string) (int32, bool) {
	v := t.get(c)
	if len(v) == 0 {
		l.problem(t.err(field, id, ErrMissingValue))
		return 0, false
	}
	d, ok := parseDate(v)
	if !ok {
		l.problem(t.err(field, id, fmt.Errorf("%w %q: want YYYYMMDD", ErrBadDate, v)))
	}
	return d, ok
}

func parseDate(v []byte) (int32, bool) {
	if len(v) != 8 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, time.Month(n/100%100), n%100
	if y < 1900 || y > 2200 {
		return 0, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return 0, false
	}
	return dayNumber(y, m, d), true
}

// parseTime parses H:MM:SS or HH:MM:SS (hours up to 999) to seconds.
func parseTime(v []byte) (int32, bool) {
	colon := -1
	for i, c := range v {
		if c == ':' {
			colon = i
			break
		}
	}
	if colon < 1 || colon > 3 || len(v) != colon+6 || v[colon+3] != ':' {
		return 0, false
	}
	num := func(b []byte) (int32, bool) {
		n := int32(0)
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int32(c-'0')
		}
		return n, true
	}
	h, ok1 := num(v[:colon])
	m, ok2 := num(v[colon+1 : colon+3])
	s, ok3 := num(v[colon+4:])
	if !ok1 || !ok2 || !ok3 || m > 59 || s > 59 {
		return 0, false
	}
	return h*3600 + m*60 + s, true
}

func (l *loader) calendarDates(t *table) error {
	if t == nil {
		return nil
	}
	cID, cDate, cType := t.col("service_id"), t.col("date"), t.col("exception_type")
	return l.each(t, func() {
		id := string(t.get(cID))
		if id == "" {
			l.problem(t.err("service_id", "", ErrMissingValue))
			return
		}
		day, ok := l.date(t, cDate, "date", id)
		var runs bool
		switch v := t.get(cType); string(v) {
		case "1":
			runs = true
		case "2":
		default:
			l.problem(t.err("exception_type", id, fmt.Errorf("%w %q: want 1 or 2", ErrBadValue, v)))
			ok = false
		}
		if ok {
			l.b.exceptions[svcDay{l.b.service(id), day}] = runs
		} else if !l.lenient {
			l.b.service(id) // known, so trips do not report it as unknown
		}
	})
}

func (l *loader) trips(t *table) error {
	cID, cRoute, cSvc, cHead := t.col("trip_id"), t.col("route_id"), t.col("service_id"), t.col("trip_headsign")
	cBlock := t.col("block_id")
	return l.each(t, func() {
		id := string(t.get(cID))
		ix, err := l.b.checkTrip(id, string(t.get(cRoute)), string(t.get(cSvc)))
		if err != nil {
			l.problem(l.at(t, err))
			if id == "" {
				return
			}
			prev, dup := l.b.tripIdx[id]
			switch {
			case l.lenient:
				// Its stop_times rows are dropped without a report each;
				// a repeated trip_id leaves out the first trip too, as its
				// rows cannot be told apart.
				if l.skippedTrips == nil {
					l.skippedTrips = map[string]bool{}
				}
				l.skippedTrips[id] = true
				if dup {
					l.b.dropTrip(prev)
				}
			case !dup:
				// Known, so stop_times does not report it as unknown.
				l.b.addTrip(id, 0, 0)
			}
			return
		}
		l.b.addTrip(id, ix[0], ix[1])
		if h := t.get(cHead); len(h) > 0 {
			l.b.headsigns[len(l.b.headsigns)-1] = string(h)
		}
		if blk := t.get(cBlock); len(blk) > 0 {
			l.b.setBlock(int32(len(l.b.tripBlock)-1), string(blk))
		}
	})
}

func (l *loader) stopTimes(t *table) error {
	cTrip, cStop, cSeq := t.col("trip_id"), t.col("stop_id"), t.col("stop_sequence")
	cArr, cDep, cPick, cDrop := t.col("arrival_time"), t.col("departure_time"), t.col("pickup_type"), t.col("drop_off_type")
	cSign := t.col("stop_headsign")
	l.b.rows = make([]stopTimeRow, 0, 1024)
	return l.each(t, func() {
		tv := t.get(cTrip)
		trip, ok := l.b.tripIdx[string(tv)]
		if !ok {
			if l.skippedTrips[string(tv)] {
				return // its trip was left out and reported
			}
			if len(tv) == 0 {
				l.problem(t.err("trip_id", "", ErrMissingValue))
			} else {
				l.problem(t.err("trip_id", string(tv), fmt.Errorf("%w %q", ErrUnknownTrip, tv)))
			}
			return
		}
		tid := l.b.tripIDs[trip]
		sv := t.get(cStop)
		stop, ok := l.b.stopIdx[string(sv)]
		if !ok {
			if len(sv) == 0 {
				l.badTrip(trip, t.err("stop_id", tid, ErrMissingValue))
			} else {
				l.badTrip(trip, t.err("stop_id", tid, fmt.Errorf("%w %q", ErrUnknownStop, sv)))
			}
			return
		}
		if lt := l.b.stops[stop].LocationType; lt != LocationStop {
			l.badTrip(trip, t.err("stop_id", tid, notBoardable(string(sv), lt)))
			return
		}
		row := stopTimeRow{trip: trip, stop: stop, t: -1, arr: -1, line: int32(t.r.start)}
		seq, err := strconv.ParseUint(string(t.get(cSeq)), 10, 31)
		if err != nil {
			l.badTrip(trip, t.err("stop_sequence", tid, fmt.Errorf("%w %q", ErrBadNumber, t.get(cSeq))))
			return
		}
		row.seq = int32(seq)
		good := true
		arr, dep := t.get(cArr), t.get(cDep)
		if len(arr) > 0 {
			a, ok := parseTime(arr)
			if !ok {
				l.badTrip(trip, t.err("arrival_time", tid, fmt.Errorf("%w %q", ErrBadTime, arr)))
				good = false
			}
			row.t, row.arr = a, a
		}
		if len(dep) > 0 {
			d, ok := parseTime(dep)
			if !ok {
				l.badTrip(trip, t.err("departure_time", tid, fmt.Errorf("%w %q", ErrBadTime, dep)))
				good = false
			}
			row.t = d
			if len(arr) == 0 {
				row.arr = d
			}
		}
		if good && row.arr > row.t {
			l.badTrip(trip, t.err("departure_time", tid, fmt.Errorf("%w %q: before arrival %q", ErrBadTime, dep, arr)))
			good = false
		}
		switch v := t.get(cDrop); string(v) {
		case "", "0", "2", "3":
		case "1":
			row.noDrop = true
		default:
			l.badTrip(trip, t.err("drop_off_type", tid, fmt.Errorf("%w %q: want 0 to 3", ErrBadValue, v)))
			good = false
		}
		switch v := t.get(cPick); string(v) {
		case "", "0", "2", "3":
		case "1":
			row.noPickup = true
		default:
			l.badTrip(trip, t.err("pickup_type", tid, fmt.Errorf("%w %q: want 0 to 3", ErrBadValue, v)))
			good = false
		}
		if h := t.get(cSign); len(h) > 0 && string(h) != l.b.headsigns[trip] {
			row.sign = l.b.sign(string(h))
		}
		if good && !l.skip() {
			l.b.rows = append(l.b.rows, row)
		}
	})
}

func (l *loader) frequencies(t *table) error {
	if t == nil {
		return nil
	}
	cTrip, cStart, cEnd, cHead := t.col("trip_id"), t.col("start_time"), t.col("end_time"), t.col("headway_secs")
	return l.each(t, func() {
		tv := t.get(cTrip)
		trip, ok := l.b.tripIdx[string(tv)]
		if !ok {
			if !l.skippedTrips[string(tv)] {
				l.problem(t.err("trip_id", string(tv), fmt.Errorf("%w %q", ErrUnknownTrip, tv)))
			}
			return
		}
		id := l.b.tripIDs[trip]
		start, ok1 := parseTime(t.get(cStart))
		if !ok1 {
			l.badTrip(trip, t.err("start_time", id, fmt.Errorf("%w %q", ErrBadTime, t.get(cStart))))
		}
		end, ok2 := parseTime(t.get(cEnd))
		if !ok2 {
			l.badTrip(trip, t.err("end_time", id, fmt.Errorf("%w %q", ErrBadTime, t.get(cEnd))))
		}
		h, err := strconv.ParseUint(string(t.get(cHead)), 10, 31)
		ok3 := err == nil && h > 0 && h <= uint64(maxTimeOfDay/time.Second)
		if !ok3 {
			l.badTrip(trip, t.err("headway_secs", id, fmt.Errorf("%w %q: want a positive number of seconds", ErrBadValue, t.get(cHead))))
		}
		if ok1 && ok2 && ok3 {
			l.b.freqs = append(l.b.freqs, frequency{trip: trip, start: start, end: end, headway: int32(h), line: int32(t.r.start)})
		}
	})
}

func (l *loader) transfers(t *table) error {
	if t == nil {
		return nil
	}
	cFrom, cTo, cType, cMin := t.col("from_stop_id"), t.col("to_stop_id"), t.col("transfer_type"), t.col("min_transfer_time")
	narrower := []int{t.col("from_route_id"), t.col("to_route_id"), t.col("from_trip_id"), t.col("to_trip_id")}
	return l.each(t, func() {
		for _, c := range narrower {
			if len(t.get(c)) > 0 {
				return // a rule for particular routes or trips: not modelled
			}
		}
		tr := Transfer{From: string(t.get(cFrom)), To: string(t.get(cTo))}
		if tr.From == "" || tr.To == "" {
			return // route- or trip-level rules without stops
		}
		switch v := t.get(cType); string(v) {
		case "", "0":
		case "1", "2", "3":
			tr.Type = int(v[0] - '0')
		case "4", "5":
			return // in-seat transfers: not modelled
		default:
			l.problem(t.err("transfer_type", tr.From, fmt.Errorf("%w %q: want 0 to 5", ErrBadValue, v)))
			return
		}
		if v := t.get(cMin); len(v) > 0 {
			m, err := strconv.ParseUint(string(v), 10, 31)
			if err != nil {
				l.problem(t.err("min_transfer_time", tr.From, fmt.Errorf("%w %q", ErrBadNumber, v)))
				return
			}
			tr.MinTime = time.Duration(m) * time.Second
		}
		if err := l.b.AddTransfer(tr); err != nil {
			l.problem(l.at(t, err))
		}
	})
}

// feedInfo reads feed_start_date and feed_end_date; either may be absent.
func (l *loader) feedInfo(t *table) error {
	if t == nil {
		return nil
	}
	cStart, cEnd := t.col("feed_start_date"), t.col("feed_end_date")
	return l.each(t, func() {
		start, end := t.get(cStart), t.get(cEnd)
		if len(start) == 0 && len(end) == 0 {
			return
		}
		s, e := int32(math.MinInt32/2), int32(math.MaxInt32/2)
		if len(start) > 0 {
			d, ok := l.date(t, cStart, "feed_start_date", "")
			if !ok {
				return
			}
			s = d
		}
		if len(end) > 0 {
			d, ok := l.date(t, cEnd, "feed_end_date", "")
			if !ok {
				return
			}
			e = d
		}
		if e < s {
			l.problem(t.err("feed_end_date", "", fmt.Errorf("%w: ends before it starts", ErrBadDate)))
			return
		}
		l.b.feedStart, l.b.feedEnd, l.b.hasFeed = s, e, true
	})
}
