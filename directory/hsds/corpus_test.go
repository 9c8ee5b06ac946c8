package hsds_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
)

// corpusCase is one malformed input. Exactly one of json and files is
// set. A case expects a fatal error (fatal, with msg in its text), or a
// problem (want) at a position (file, line, column, path, id: those set
// must match), or is an accepted oddity whose acceptance accept asserts.
type corpusCase struct {
	name  string
	json  string
	files map[string]string
	opts  hsds.Options

	fatal error
	msg   string

	want   error
	file   string
	line   int
	col    int
	path   string
	id     string
	accept func(t *testing.T, res *hsds.Result)
}

// svc wraps service fields into a service document with one placed
// location, so that a case states only what is wrong with it.
func svc(extra string) string {
	return `{"id": "s1", "name": "Eastside Pantry", "status": "active"` + extra + `}`
}

const placedSAL = `, "service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": 35.04, "longitude": -85.28}`

// pkg builds a 3.0 package: services.csv plus the given files.
func pkg(files map[string]string) map[string]string {
	if _, ok := files["services.csv"]; !ok {
		files["services.csv"] = "id,name,status\ns1,Eastside Pantry,active\n"
	}
	return files
}

func providerIDs(res *hsds.Result) []string {
	var out []string
	for _, p := range res.Providers {
		out = append(out, p.ID)
	}
	return out
}

func corpus() []corpusCase {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	return []corpusCase{
		// ---- JSON: documents that are not HSDS at all (fatal).
		{name: "json/not json", json: "{\"id\": \n}", fatal: hsds.ErrMalformed, msg: "x.json:2"},
		{name: "json/empty", json: "", fatal: hsds.ErrMalformed, msg: "x.json"},
		{name: "json/truncated", json: "{\"contents\": [\n{\"id\": \"s1\"", fatal: hsds.ErrMalformed, msg: "x.json"},
		{name: "json/unterminated string", json: "[\n{\"id\": \"s1, \"name\": \"x\"}]" + strings.Repeat(" ", 1000), fatal: hsds.ErrMalformed, msg: "x.json"},
		{name: "json/trailing data", json: svc("") + " {}", fatal: hsds.ErrMalformed, msg: "after the top-level value"},
		{name: "json/scalar", json: "42", fatal: hsds.ErrUnknownShape, msg: "top-level"},
		{name: "json/contents not a list", json: `{"contents": {"id": "s1"}}`, fatal: hsds.ErrUnknownShape, msg: "$.contents"},
		{name: "json/list of numbers", json: "[1, 2]", fatal: hsds.ErrUnknownShape, msg: "no HSDS records"},
		{name: "json/unknown object", json: `{"foo": 1}`, fatal: hsds.ErrUnknownShape, msg: "foo"},
		{name: "json/nesting 20000 deep", json: deep, fatal: hsds.ErrMalformed, msg: "depth"},
		{name: "json/past MaxBytes", json: "[" + svc("") + "]", opts: hsds.Options{Limits: hsds.Limits{MaxBytes: 20}}, fatal: hsds.ErrTooLarge, msg: "more than 20 bytes"},
		{name: "json/past MaxRows", json: "[" + svc(`, "phones": [{"id": "p1", "number": "1"}, {"id": "p2", "number": "2"}]`) + "]",
			opts: hsds.Options{Limits: hsds.Limits{MaxRows: 2}}, fatal: hsds.ErrTooLarge, msg: "more than 2 records"},
		{name: "json/bad zone option", json: svc(""), opts: hsds.Options{Zone: "Mars/Olympus"}, fatal: directory.ErrUnknownZone, msg: "Mars/Olympus"},

		// ---- JSON: records with problems (reported, import goes on).
		{name: "json/list item not an object", json: "[" + svc("") + ", 7]", want: hsds.ErrMalformed, path: "$[1]"},
		{name: "json/second service under a used id", json: "[" + svc("") + `, {"id": "s1", "name": "Westside Tutoring", "status": "active"}]`,
			want: hsds.ErrDuplicate, path: "$[1]", id: "s1"},
		{name: "json/conflicting nested location", json: svc(`, "service_at_locations": [
			{"id": "x1", "location": {"id": "l1", "latitude": 35.04, "longitude": -85.28}},
			{"id": "x2", "location": {"id": "l1", "latitude": 36.00, "longitude": -85.28}}]`),
			want: hsds.ErrDuplicate, path: "$.service_at_locations[1].location", id: "l1"},
		{name: "json/phones not a list", json: svc(`, "phones": "423-555-0100"`), want: hsds.ErrBadValue, path: "$.phones"},
		{name: "json/sal not an object", json: svc(`, "service_at_locations": ["x1"]`), want: hsds.ErrBadValue, path: "$.service_at_locations[0]"},
		{name: "json/latitude out of range", json: svc(`, "service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": 100, "longitude": -85.28}}]`),
			want: hsds.ErrBadCoordinates, path: "$.service_at_locations[0].location.latitude", id: "l1"},
		{name: "json/latitude not a number", json: svc(`, "service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": "north", "longitude": -85.28}}]`),
			want: hsds.ErrBadCoordinates, path: "$.service_at_locations[0].location.latitude", id: "l1"},
		{name: "json/zero coordinates", json: svc(`, "service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": 0, "longitude": 0}}]`),
			want: hsds.ErrBadCoordinates, id: "l1"},
		{name: "json/swapped coordinates", json: svc(`, "service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": -85.28, "longitude": 35.04}}]`),
			want: hsds.ErrBadCoordinates, id: "l1"},
		{name: "json/no name", json: `[{"id": "s1", "name": " ", "status": "active"}]`, want: hsds.ErrMissingField, path: "$[0].name", id: "s1"},
		{name: "json/no id", json: `[{"name": "Pantry", "status": "active"}]`, want: hsds.ErrMissingField, path: "$[0].id"},
		{name: "json/sal to unknown location", json: svc(`, "service_at_locations": [{"id": "x1", "location_id": "nowhere"}]`),
			want: hsds.ErrBrokenReference, path: "$.service_at_locations[0].location_id", id: "x1"},
		{name: "json/opening time 25:00", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "MO", "opens_at": "25:00", "closes_at": "26:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrBadTime, path: "$.service_at_locations[0].schedules[0].opens_at", id: "sc1"},
		{name: "json/ordinal day", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "1MO", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrUnsupportedSchedule, path: "$.service_at_locations[0].schedules[0].byday", id: "sc1"},
		{name: "json/unknown day", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "someday", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrBadValue, path: "$.service_at_locations[0].schedules[0].byday", id: "sc1"},
		{name: "json/monthly rule", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "freq": "MONTHLY", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrUnsupportedSchedule, path: "$.service_at_locations[0].schedules[0].freq", id: "sc1"},
		{name: "json/timezone not an offset", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "timezone": "Eastern", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrBadValue, path: "$.service_at_locations[0].schedules[0].timezone", id: "sc1"},
		{name: "json/timezone disagrees with the option", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "timezone": 3, "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"}, want: hsds.ErrZoneConflict, path: "$.service_at_locations[0].schedules[0].timezone", id: "sc1"},
		{name: "json/two offsets for one provider", json: svc(placedSAL + `, "schedules": [
			{"id": "sc1", "timezone": -5, "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"},
			{"id": "sc2", "timezone": -6, "byday": "TU", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			want: hsds.ErrZoneConflict, path: "$.service_at_locations[0].schedules[1].timezone", id: "sc2"},
		{name: "json/no zone anywhere", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"}]}]`),
			want: hsds.ErrNoZone, path: "$.service_at_locations[0].schedules[0]", id: "sc1",
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Equal(t, map[string]int{"": 1}, res.Report.Zones, "hours kept, their zone left to the caller")
				require.Len(t, res.Providers, 1)
				assert.True(t, res.Providers[0].Hours.Known())
			}},
		{name: "json/half-hour offset and no option", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "MO", "opens_at": "09:00+05:30", "closes_at": "10:00+05:30"}]}]`),
			want: hsds.ErrNoZone, path: "$.service_at_locations[0].schedules[0].opens_at", id: "sc1"},
		{name: "json/age not a number", json: svc(`, "minimum_age": "teen"`), want: hsds.ErrBadValue, path: "$.minimum_age", id: "s1"},
		{name: "json/maximum age below minimum", json: svc(`, "minimum_age": 18, "maximum_age": 5`), want: hsds.ErrBadValue, path: "$.maximum_age", id: "s1"},
		{name: "json/unknown language", json: svc(`, "languages": [{"id": "g1", "name": "Klingonese"}]`), want: hsds.ErrBadValue, path: "$.languages[0].code", id: "g1"},
		{name: "json/cost amount not a number", json: svc(`, "cost_options": [{"id": "c1", "amount": "lots"}]`), want: hsds.ErrBadValue, path: "$.cost_options[0].amount", id: "c1"},
		{name: "json/date not a date", json: svc(`, "last_modified": "yesterday"`), want: hsds.ErrBadValue, path: "$.last_modified", id: "s1"},
		{name: "json/huge bad value is not repeated", json: svc(`, "last_modified": "` + strings.Repeat("x", 10000) + `"`),
			want: hsds.ErrBadValue, path: "$.last_modified", id: "s1",
			accept: func(t *testing.T, res *hsds.Result) {
				p := res.Report.ByKind()[hsds.KindBadValue][0]
				assert.Less(t, len(p.Message), 200, "the value is clipped: %s", p.Message)
				assert.Contains(t, p.Message, "xxx…")
			}},
		{name: "json/defunct service", json: `[{"id": "s1", "name": "Old Pantry", "status": "defunct"}]`, want: hsds.ErrInactive, path: "$[0].status", id: "s1"},
		{name: "json/only an unmapped term", json: `[{"id": "s1", "name": "Wayfinding Desk", "status": "active",
			"attributes": [{"id": "a1", "taxonomy_term": {"id": "t1", "code": "ZZ-9", "name": "Civic Navigation", "taxonomy": "Local"}}]}]`,
			want: hsds.ErrUncategorised, path: "$[0]", id: "s1"},

		// ---- JSON: oddities accepted as documented.
		{name: "json/same record nested twice", json: svc(`, "phones": [{"id": "p1", "number": "423-555-0100"}],
			"service_at_locations": [{"id": "x1", "location": {"id": "l1", "latitude": 35.04, "longitude": -85.28, "phones": [{"id": "p1", "number": "423-555-0100"}]}}]`),
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Zero(t, res.Report.Count(hsds.KindDuplicate), "one phone nested under service and location is one record")
				assert.Equal(t, []string{"x1"}, providerIDs(res))
			}},
		{name: "json/offset that the option zone has", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "MO", "opens_at": "09:00-05:00", "closes_at": "17:00-05:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"},
			accept: func(t *testing.T, res *hsds.Result) {
				require.Len(t, res.Providers, 1)
				assert.Equal(t, "America/New_York", res.Providers[0].Hours.Zone, "EST is one of New York's offsets: daylight saving kept")
				assert.Zero(t, res.Report.Count(hsds.KindZone))
				assert.Equal(t, map[string]int{"America/New_York": 1}, res.Report.Zones)
			}},
		{name: "json/day names", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "byday": "Monday; Friday", "opens_at": "09:00", "closes_at": "17:00"}]}]`),
			opts: hsds.Options{Zone: "America/New_York"},
			accept: func(t *testing.T, res *hsds.Result) {
				ps := res.Report.ByKind()[hsds.KindOddTime]
				require.Len(t, ps, 1)
				assert.Equal(t, "$.service_at_locations[0].schedules[0].byday", ps[0].Path)
				assert.Equal(t, `hsds: schedule value in a non-standard form, normalised: days "Monday; Friday" read as MO,FR`, ps[0].Message)
				require.Len(t, res.Providers, 1)
				w := res.Providers[0].Hours.Week
				assert.NotEmpty(t, w[time.Monday])
				assert.NotEmpty(t, w[time.Friday])
				assert.Empty(t, w[time.Tuesday])
			}},
		{name: "json/offset and no option", json: svc(placedSAL + `, "schedules": [{"id": "sc1", "timezone": -5, "byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}]}]`),
			accept: func(t *testing.T, res *hsds.Result) {
				require.Len(t, res.Providers, 1)
				assert.Equal(t, "Etc/GMT+5", res.Providers[0].Hours.Zone, "UTC-05:00 is the fixed zone Etc/GMT+5")
				assert.Zero(t, res.Report.Count(hsds.KindZone))
				assert.Equal(t, map[string]int{"Etc/GMT+5": 1}, res.Report.Zones)
			}},

		// ---- CSV: fatal.
		{name: "csv/no services table", files: map[string]string{"locations.csv": "id\nl1\n"}, fatal: hsds.ErrMissingTable, msg: "services.csv"},
		{name: "csv/past MaxRows", files: pkg(map[string]string{"services.csv": "id,name\ns1,A\ns2,B\ns3,C\n"}),
			opts: hsds.Options{Limits: hsds.Limits{MaxRows: 2}}, fatal: hsds.ErrTooLarge, msg: "services.csv:4: more than 2 rows"},
		{name: "csv/past MaxBytes", files: pkg(map[string]string{"services.csv": "id,name\ns1,A\n" + strings.Repeat("s2,B\n", 100)}),
			opts: hsds.Options{Limits: hsds.Limits{MaxBytes: 64}}, fatal: hsds.ErrTooLarge, msg: "services.csv:"},

		// ---- CSV: records with problems.
		{name: "csv/unterminated quote", files: pkg(map[string]string{"services.csv": "id,name,status\ns1,Pantry,active\ns2,\"Tutoring,active\ns3,Clinic,active\n" + strings.Repeat("x", 5000)}),
			want: hsds.ErrUnterminatedQuote, file: "services.csv", line: 3, col: 4,
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Equal(t, 1, res.Report.Services, "rows before the quote are kept; the rest of the file is the broken field")
			}},
		{name: "csv/unterminated quote past the field cap", files: pkg(map[string]string{"services.csv": "id,name,status\ns1,Pantry,active\ns2,\"" + strings.Repeat("y", 300)}),
			opts: hsds.Options{Limits: hsds.Limits{MaxFieldBytes: 100}}, want: hsds.ErrUnterminatedQuote, file: "services.csv", line: 3, col: 4},
		{name: "csv/field past the cap", files: pkg(map[string]string{"services.csv": "id,name,status\ns1," + strings.Repeat("n", 200) + ",active\ns2,Clinic,active\n"}),
			opts: hsds.Options{Limits: hsds.Limits{MaxFieldBytes: 100}}, want: hsds.ErrTooLarge, file: "services.csv", line: 2, col: 104,
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Equal(t, 1, res.Report.Services, "the row is skipped, the next one read")
			}},
		{name: "csv/record past the cap", files: pkg(map[string]string{"services.csv": "id,name,status\n" + strings.Repeat("a,", 60) + "\ns2,Clinic,active\n"}),
			opts: hsds.Options{Limits: hsds.Limits{MaxRecordBytes: 50}}, want: hsds.ErrTooLarge, file: "services.csv", line: 2, col: 101}, // the 51st field byte
		{name: "csv/header past MaxFields", files: pkg(map[string]string{"services.csv": "id,name,status" + strings.Repeat(",x", 10) + "\ns1,Pantry,active\n"}),
			opts: hsds.Options{Limits: hsds.Limits{MaxFields: 5}}, want: hsds.ErrTooLarge, file: "services.csv", line: 1},
		{name: "csv/duplicate service id", files: pkg(map[string]string{"services.csv": "id,name\ns1,A\ns1,B\n"}),
			want: hsds.ErrDuplicate, file: "services.csv", line: 3, id: "s1"},
		{name: "csv/sal to unknown service", files: pkg(map[string]string{"service_at_location.csv": "id,service_id,location_id\nx1,s9,\n"}),
			want: hsds.ErrBrokenReference, file: "service_at_location.csv", line: 2, id: "x1"},
		{name: "csv/short row", files: pkg(map[string]string{"services.csv": "id,name,status\ns1\n"}),
			want: hsds.ErrMissingField, file: "services.csv", line: 2, id: "s1"},
		{name: "csv/blank coordinates", files: pkg(map[string]string{"locations.csv": "id,latitude,longitude\nl1,,\n", "service_at_location.csv": "id,service_id,location_id\nx1,s1,l1\n"}),
			want: hsds.ErrUnplaced, file: "locations.csv", line: 2, id: "l1"},
		{name: "csv/broken datapackage.json", files: pkg(map[string]string{"datapackage.json": "{"}), want: hsds.ErrMalformed, file: "datapackage.json"},
		{name: "csv/IDs that never resolve", files: pkg(map[string]string{
			"locations.csv":           "id,latitude,longitude\nL-1,35.04,-85.28\nL-2,35.05,-85.29\n",
			"service_at_location.csv": "id,service_id,location_id\nx1,s1,l1\nx2,s1,l2\n"}),
			want: hsds.ErrNothingPlaced, file: "service_at_location.csv", line: 2,
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Equal(t, hsds.KindNothingPlaced, res.Report.Problems[0].Kind, "the summary comes first")
				assert.Contains(t, res.Report.Problems[0].Message, "service_at_location.csv references location IDs not in locations.csv (2 of 2 references unresolved; locations.csv has 2 IDs)")
			}},
		{name: "csv/line after a multi-line field", files: pkg(map[string]string{"services.csv": "id,name,description\ns1,Pantry,\"two\nlines\"\ns2,,x\n"}),
			want: hsds.ErrMissingField, file: "services.csv", line: 4, id: "s2"},
		{name: "csv/crlf line ends", files: pkg(map[string]string{"services.csv": "id,name\r\ns1,Pantry\r\ns2,\r\n"}),
			want: hsds.ErrMissingField, file: "services.csv", line: 3, id: "s2"},
		{name: "csv/blank lines counted", files: pkg(map[string]string{"services.csv": "id,name\n\ns1,Pantry\n\n\ns2,\n"}),
			want: hsds.ErrMissingField, file: "services.csv", line: 6, id: "s2"},

		// ---- CSV: oddities accepted as documented.
		{name: "csv/bare quote in a field", files: pkg(map[string]string{"services.csv": "id,name\ns1,Joe's \"Best\" Pantry\n"}),
			accept: func(t *testing.T, res *hsds.Result) {
				require.Len(t, res.Providers, 1)
				assert.Equal(t, `Joe's "Best" Pantry`, res.Providers[0].Name, "a quote inside an unquoted field is kept")
			}},
		{name: "csv/lone quote inside a quoted field", files: pkg(map[string]string{"services.csv": "id,name\ns1,\"The \"Hub\" Pantry\"\n"}),
			accept: func(t *testing.T, res *hsds.Result) {
				require.Len(t, res.Providers, 1)
				assert.Equal(t, `The "Hub" Pantry`, res.Providers[0].Name)
				assert.Zero(t, res.Report.Count(hsds.KindMalformed))
			}},
		{name: "csv/doubled quotes", files: pkg(map[string]string{"services.csv": "id,name\ns1,\"The \"\"Hub\"\"\"\n"}),
			accept: func(t *testing.T, res *hsds.Result) {
				require.Len(t, res.Providers, 1)
				assert.Equal(t, `The "Hub"`, res.Providers[0].Name)
			}},
		{name: "csv/extra fields", files: pkg(map[string]string{"services.csv": "id,name\ns1,Pantry,x,y,z\n"}),
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Equal(t, []string{"s1"}, providerIDs(res), "fields past the header are ignored")
				assert.Zero(t, res.Report.Total-res.Report.Count(hsds.KindUnplaced)-res.Report.Count(hsds.KindUncategorised)-res.Report.Count(hsds.KindGuessed))
			}},
		{name: "csv/byte order mark", files: pkg(map[string]string{"services.csv": "\ufeffID,Name\ns1,Pantry\n"}),
			accept: func(t *testing.T, res *hsds.Result) { assert.Equal(t, []string{"s1"}, providerIDs(res)) }},
		{name: "csv/empty services file", files: pkg(map[string]string{"services.csv": ""}),
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Zero(t, res.Report.Services)
				assert.Empty(t, res.Providers)
			}},
		{name: "csv/binary junk", files: pkg(map[string]string{"services.csv": "\x00\x01\x02\xff\xfe"}),
			accept: func(t *testing.T, res *hsds.Result) {
				assert.Zero(t, res.Report.Services, "a header of junk names no column: no records")
			}},
	}
}

// TestMalformedCorpus runs every case: a fatal error with its sentinel
// and position, or a problem with its sentinel at its position, or an
// asserted acceptance; and in every case the result keeps the import's
// invariants (checkResult).
func TestMalformedCorpus(t *testing.T) {
	t.Parallel()
	cases := corpus()
	require.GreaterOrEqual(t, len(cases), 40)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var res *hsds.Result
			var err error
			if tc.files != nil {
				fsys := fstest.MapFS{}
				for n, d := range tc.files {
					fsys[n] = &fstest.MapFile{Data: []byte(d)}
				}
				res, err = hsds.ReadPackage(ctx, fsys, tc.opts)
			} else {
				res, err = hsds.ReadJSON(ctx, strings.NewReader(tc.json), "x.json", tc.opts)
			}
			if tc.fatal != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.fatal)
				assert.Contains(t, err.Error(), tc.msg)
				assert.Nil(t, res, "nothing half-loaded")
				return
			}
			require.NoError(t, err)
			checkResult(t, res)
			if tc.want != nil {
				var got []string
				found := false
				for _, p := range res.Report.Problems {
					got = append(got, fmt.Sprintf("%s %s:%d:%d %s id=%q", p.Kind, p.File, p.Line, p.Column, p.Path, p.ID))
					if !errors.Is(p, tc.want) {
						continue
					}
					if (tc.file == "" || p.File == tc.file) && (tc.line == 0 || p.Line == tc.line) && (tc.col == 0 || p.Column == tc.col) &&
						(tc.path == "" || p.Path == tc.path) && (tc.id == "" || p.ID == tc.id) {
						found = true
					}
				}
				assert.True(t, found, "want %v at %s:%d:%d %s id=%q; got\n%s", tc.want, tc.file, tc.line, tc.col, tc.path, tc.id, strings.Join(got, "\n"))
				assert.ErrorIs(t, res.Report.Err(), tc.want)
			}
			if tc.accept != nil {
				tc.accept(t, res)
			}
			require.True(t, tc.want != nil || tc.accept != nil, "a case asserts something")
		})
	}
}

// TestProblemsCapped: many problems of one kind keep 100, count all, and
// leave other kinds their own room.
func TestProblemsCapped(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("id,name,status\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "s%d,,active\n", i) // no name: missing_field
	}
	b.WriteString("s1000,Old Pantry,defunct\n")
	fsys := fstest.MapFS{"services.csv": {Data: []byte(b.String())}}
	res, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{})
	require.NoError(t, err)
	r := res.Report
	assert.Equal(t, 1000, r.Count(hsds.KindMissingField))
	assert.Equal(t, 1, r.Count(hsds.KindInactive))
	assert.Equal(t, 1001, r.Total)
	assert.Len(t, r.ByKind()[hsds.KindMissingField], hsds.DefaultMaxProblems)
	assert.Len(t, r.ByKind()[hsds.KindInactive], 1, "another kind is not crowded out")
	assert.Equal(t, 3, r.ByKind()[hsds.KindMissingField][1].Line, "the first ones, in input order")
	msg := r.Err().Error()
	assert.Equal(t, 101, strings.Count(msg, "\n")+1, "100 problems and one line counting the rest")
	assert.Contains(t, msg, "901 more problems not shown")

	all, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{MaxProblems: -1})
	require.NoError(t, err)
	assert.Len(t, all.Report.Problems, 1001)
}

// TestUncategorisedFindableByText is the real-city case: active services
// at located sites whose only terms map nowhere are kept under "other",
// reported, and found by a term's words through the text index.
func TestUncategorisedFindableByText(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"services.csv":             {Data: []byte("id,name,description,status\ns1,Wayfinding Desk,Walk-in help,active\ns2,Eastside Pantry,,active\n")},
		"locations.csv":            {Data: []byte("id,latitude,longitude\nl1,35.04,-85.28\nl2,35.05,-85.29\n")},
		"services_at_location.csv": {Data: []byte("id,service_id,location_id\nx1,s1,l1\nx2,s2,l2\n")},
		"taxonomy.csv":             {Data: []byte("id,name,vocabulary\nZZ-9,Civic Navigation,Local\nFP,Food Pantry,Open Eligibility\n")},
		"services_taxonomy.csv":    {Data: []byte("id,service_id,taxonomy_id\na1,s1,ZZ-9\na2,s2,FP\n")},
	}
	res, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{NoGuess: true, Zone: "America/New_York"})
	require.NoError(t, err)
	assert.Equal(t, "csv-2.0", res.Report.Format)
	require.Equal(t, []string{"x1", "x2"}, providerIDs(res))
	other := res.Providers[0]
	assert.Equal(t, []string{directory.Uncategorised}, other.Categories)
	assert.Contains(t, other.Keywords, "Civic Navigation")
	assert.False(t, other.Unplaced)
	assert.Equal(t, 1, res.Report.Count(hsds.KindUncategorised))
	assert.Equal(t, 1, res.Report.Categories[directory.Uncategorised])

	b := directory.NewBuilder()
	b.TextIndex = true
	b.Location, _ = time.LoadLocation("America/New_York")
	res.AddTo(b)
	dir, err := b.Build(t.Context())
	require.NoError(t, err)
	found, err := dir.SearchText(directory.TextQuery{Words: "civic navigation", Query: directory.Query{Near: other.Point, Radius: 10_000}})
	require.NoError(t, err)
	require.NotEmpty(t, found.Hits)
	assert.Equal(t, "x1", found.Hits[0].Provider.ID())
	near, err := dir.Search(directory.Query{Near: other.Point, Radius: 10_000, Categories: []string{directory.Uncategorised}})
	require.NoError(t, err)
	require.Len(t, near, 1, "asking for other finds it; asking for anything else does not")
	food, err := dir.Search(directory.Query{Near: other.Point, Radius: 10_000, Categories: []string{"basic"}})
	require.NoError(t, err)
	require.Len(t, food, 1)
	assert.Equal(t, "x2", food[0].Provider.ID())
}
