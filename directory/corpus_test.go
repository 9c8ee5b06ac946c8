package directory_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// csvRow renders one data row for csvHeader: a good provider with the
// given 1-based columns replaced.
func csvRow(mod map[int]string) string {
	f := []string{"p1", "A", "basic.food", "35.04", "-85.3", "", "", "", "", "", "", "", ""}
	for c, v := range mod {
		f[c-1] = v
	}
	for i, v := range f {
		if strings.ContainsAny(v, ",\"\n\r") {
			f[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
	}
	return strings.Join(f, ",") + "\n"
}

// gjFeature renders a FeatureCollection of features, one per line.
func gjCollection(features ...string) string {
	return "{\"type\":\"FeatureCollection\",\"features\":[\n" + strings.Join(features, ",\n") + "\n]}"
}

func gjFeature(geom, props string) string {
	return `{"type":"Feature","geometry":` + geom + `,"properties":` + props + `}`
}

const gjPoint = `{"type":"Point","coordinates":[-85.3,35.04]}`

// recordErrors flattens a joined error into its *RecordError members.
func recordErrors(err error) []*directory.RecordError {
	var out []*directory.RecordError
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var re *directory.RecordError
		if errors.As(e, &re) {
			out = append(out, re)
		}
	}
	walk(err)
	return out
}

// TestMalformedCorpus feeds each importer malformed input and checks
// that it is refused with the expected sentinel at the expected place:
// line, column and field for CSV; feature index, line and property for
// GeoJSON; column in the value for opening hours (0: the value as a
// whole). Nothing is half-loaded.
func TestMalformedCorpus(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Mo 09:00-10:00,", 200)
	cases := []struct {
		name  string
		kind  string // csv, geojson, hours
		in    string
		want  error
		line  int    // csv, geojson: line of the record
		col   int    // csv: field number; hours: byte column
		index int    // geojson: feature index
		field string // csv, geojson
	}{
		// CSV coordinates.
		{"hex float latitude", "csv", csvRow(map[int]string{4: "0x1p-2"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"Inf latitude", "csv", csvRow(map[int]string{4: "Inf"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"NaN latitude", "csv", csvRow(map[int]string{4: "NaN"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"-Inf longitude is the longitude's fault", "csv", csvRow(map[int]string{5: "-Inf"}), directory.ErrBadLocation, 2, 5, 0, "longitude"},
		{"overflowing latitude", "csv", csvRow(map[int]string{4: "1e400"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"underscore in latitude", "csv", csvRow(map[int]string{4: "3_5.04"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"underscore in longitude", "csv", csvRow(map[int]string{5: "-8_5.3"}), directory.ErrBadLocation, 2, 5, 0, "longitude"},
		{"two decimal points", "csv", csvRow(map[int]string{4: "35.04.1"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"space inside a number", "csv", csvRow(map[int]string{4: "35 .04"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"exponent without digits", "csv", csvRow(map[int]string{4: "35e"}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		{"longitude out of range", "csv", csvRow(map[int]string{5: "-185"}), geo.ErrLongitude, 2, 5, 0, "longitude"},
		{"latitude missing", "csv", csvRow(map[int]string{4: ""}), directory.ErrBadLocation, 2, 4, 0, "latitude"},
		// CSV text.
		{"NUL in id", "csv", csvRow(map[int]string{1: "p\x001"}), directory.ErrBadText, 2, 1, 0, "id"},
		{"control character in id", "csv", csvRow(map[int]string{1: "p\x01"}), directory.ErrBadText, 2, 1, 0, "id"},
		{"line break in id", "csv", csvRow(map[int]string{1: "p\n1"}), directory.ErrBadText, 2, 1, 0, "id"},
		{"Windows-1252 name", "csv", csvRow(map[int]string{2: "Caf\xe9 Pantry"}), directory.ErrBadText, 2, 2, 0, "name"},
		{"DEL in a category", "csv", csvRow(map[int]string{3: "basic.food\x7f"}), directory.ErrBadText, 2, 3, 0, "categories"},
		{"Windows-1252 hours", "csv", csvRow(map[int]string{6: "Mo 09:00\x9617:00"}), directory.ErrBadText, 2, 6, 0, "hours"},
		{"zip file, not CSV", "csv", "PK\x03\x04\x14\x00\x00\x00\x08\x00", directory.ErrBadText, 1, 1, 0, ""},
		{"duplicate header", "csv", "id,name,ID,categories,latitude,longitude\np1,A,p1,basic.food,35,-85\n", directory.ErrBadValue, 1, 3, 0, "id"},
		// CSV checks Build used to make without position.
		{"unknown category", "csv", csvRow(map[int]string{3: "basic.food.caviar"}), directory.ErrUnknownCategory, 2, 3, 0, "categories"},
		{"unknown top-level category", "csv", csvRow(map[int]string{3: "food"}), directory.ErrUnknownCategory, 2, 3, 0, "categories"},
		{"language name", "csv", csvRow(map[int]string{13: "english"}), directory.ErrBadValue, 2, 13, 0, "languages"},
		{"language name in Spanish", "csv", csvRow(map[int]string{13: "en;Español"}), directory.ErrBadValue, 2, 13, 0, "languages"},
		{"language code with a digit", "csv", csvRow(map[int]string{13: "e1"}), directory.ErrBadValue, 2, 13, 0, "languages"},
		{"max age below min age", "csv", csvRow(map[int]string{8: "12", 9: "8"}), directory.ErrBadEligibility, 2, 9, 0, "max_age"},
		{"age above 130", "csv", csvRow(map[int]string{9: "200"}), directory.ErrBadEligibility, 2, 9, 0, "max_age"},
		{"duplicate id", "csv", csvRow(nil) + csvRow(map[int]string{2: "B"}), directory.ErrDuplicateID, 3, 1, 0, "id"},
		{"signed capacity", "csv", csvRow(map[int]string{11: "+5"}), directory.ErrBadValue, 2, 11, 0, "capacity"},
		{"underscore in capacity", "csv", csvRow(map[int]string{11: "1_000"}), directory.ErrBadValue, 2, 11, 0, "capacity"},
		{"capacity too large", "csv", csvRow(map[int]string{11: "99999999999"}), directory.ErrBadValue, 2, 11, 0, "capacity"},
		{"fractional age", "csv", csvRow(map[int]string{8: "5.5"}), directory.ErrBadValue, 2, 8, 0, "min_age"},
		{"unknown zone", "csv", csvRow(map[int]string{6: "Mo 09:00-10:00", 7: "Mars/Olympus"}), directory.ErrUnknownZone, 2, 7, 0, "timezone"},
		{"unknown zone without hours", "csv", csvRow(map[int]string{7: "EST5"}), directory.ErrUnknownZone, 2, 7, 0, "timezone"},
		{"21-hour wrap", "csv", csvRow(map[int]string{6: "Sa 12:00-09:00"}), directory.ErrBadHours, 2, 6, 0, "hours"},
		{"rule replaced in full", "csv", csvRow(map[int]string{6: "Sa 09:00-12:00; Sa 13:00-12:30"}), directory.ErrBadHours, 2, 6, 0, "hours"},
		{"end past 48:00", "csv", csvRow(map[int]string{6: "Mo 10:00-49:00"}), directory.ErrBadHours, 2, 6, 0, "hours"},
		{"signed minutes", "csv", csvRow(map[int]string{6: "Mo 09:+5-10:00"}), directory.ErrBadHours, 2, 6, 0, "hours"},
		{"hours over the cap", "csv", csvRow(map[int]string{6: long}), directory.ErrHoursTooLong, 2, 6, 0, "hours"},
		{"closed every day", "csv", csvRow(map[int]string{6: "Mo-Su off"}), directory.ErrBadHours, 2, 6, 0, "hours"},
		{"cost not in the list", "csv", csvRow(map[int]string{10: "cheap"}), directory.ErrBadValue, 2, 10, 0, "cost"},
		{"bad row after good ones", "csv", csvRow(nil) + csvRow(map[int]string{1: "p2"}) + csvRow(map[int]string{1: "p3", 12: "maybe"}), directory.ErrBadValue, 4, 12, 0, "wheelchair"},

		// GeoJSON geometry.
		{"one coordinate", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":[35]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"four coordinates", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":[-85.3,35,1,2]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"string coordinates", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":["-85.3","35"]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"null coordinates", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":null}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"geometry without type", "geojson", gjCollection(gjFeature(`{"coordinates":[-85.3,35]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"empty geometry object", "geojson", gjCollection(gjFeature(`{}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"no geometry member", "geojson", gjCollection(`{"type":"Feature","properties":{"id":"a","name":"A","categories":"basic.food"}}`), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"line string", "geojson", gjCollection(gjFeature(`{"type":"LineString","coordinates":[[-85.3,35],[-85.2,35]]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"overflowing coordinate", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":[-85.3,1e400]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), directory.ErrBadLocation, 2, 0, 0, "geometry"},
		{"longitude out of range", "geojson", gjCollection(gjFeature(`{"type":"Point","coordinates":[-185,35]}`, `{"id":"a","name":"A","categories":"basic.food"}`)), geo.ErrLongitude, 2, 0, 0, "geometry"},
		// GeoJSON structure and text.
		{"feature type misspelt", "geojson", gjCollection(`{"type":"Fature","geometry":null,"properties":{"id":"a","name":"A","categories":"basic.food"}}`), directory.ErrBadValue, 2, 0, 0, "type"},
		{"properties an array", "geojson", gjCollection(gjFeature(gjPoint, `["a"]`)), directory.ErrBadValue, 2, 0, 0, "properties"},
		{"invalid UTF-8", "geojson", gjCollection(gjFeature(gjPoint, "{\"id\":\"a\",\"name\":\"Caf\xe9\",\"categories\":\"basic.food\"}")), directory.ErrBadText, 2, 0, -1, ""},
		{"NUL in a name", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A\u0000B","categories":"basic.food"}`)), directory.ErrBadText, 2, 0, 0, "name"},
		{"trailing data", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food"}`)) + "\n{}", directory.ErrBadValue, 4, 0, -1, ""},
		{"features not an array", "geojson", `{"type":"FeatureCollection","features":{}}`, directory.ErrBadValue, 1, 0, -1, ""},
		// GeoJSON checks Build used to make without position.
		{"unknown category", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":["basic.food.caviar"]}`)), directory.ErrUnknownCategory, 2, 0, 0, "categories"},
		{"language name", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food","languages":["spanish"]}`)), directory.ErrBadValue, 2, 0, 0, "languages"},
		{"duplicate id", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food"}`), gjFeature(gjPoint, `{"id":"a","name":"B","categories":"basic.food"}`)), directory.ErrDuplicateID, 3, 0, 1, "id"},
		{"max age below min age", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food","min_age":12,"max_age":8}`)), directory.ErrBadEligibility, 2, 0, 0, "max_age"},
		{"fractional capacity", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food","capacity":2.5}`)), directory.ErrBadValue, 2, 0, 0, "capacity"},
		{"bad hours", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food","hours":"Mo 10:00-35:00+"}`)), directory.ErrUnsupportedRule, 2, 0, 0, "hours"},
		{"second feature bad", "geojson", gjCollection(gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food"}`), gjFeature(gjPoint, `{"id":"b","categories":"basic.food"}`)), directory.ErrMissingName, 3, 0, 1, "name"},

		// Opening hours.
		{"no minutes", "hours", "Mo-Fr 9-5", directory.ErrBadHours, 0, 7, 0, ""},
		{"start past 24:00", "hours", "Mo 25:00-26:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"start at 24:00", "hours", "Mo 24:00-01:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"month selector", "hours", "Jan-Mar 09:00-12:00", directory.ErrUnsupportedRule, 0, 1, 0, ""},
		{"public holidays", "hours", "Mo-Fr 09:00-17:00; PH off", directory.ErrUnsupportedRule, 0, 20, 0, ""},
		{"sunrise", "hours", "sunrise-sunset", directory.ErrUnsupportedRule, 0, 1, 0, ""},
		{"overlapping spans", "hours", "Mo 09:00-12:00,11:00-13:00", directory.ErrBadHours, 0, 0, 0, ""},
		{"open end", "hours", "Mo 18:00+", directory.ErrUnsupportedRule, 0, 4, 0, ""},
		{"fallback rule", "hours", `Mo 09:00-10:00 || "by appointment"`, directory.ErrUnsupportedRule, 0, 16, 0, ""},
		{"en dash", "hours", "Mo 09:00–17:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"h for colon", "hours", "Mo 09h00-17h00", directory.ErrBadHours, 0, 4, 0, ""},
		{"bad weekday range", "hours", "Mo-Xx 09:00-10:00", directory.ErrUnsupportedRule, 0, 1, 0, ""},
		{"same day replaced", "hours", "Mo 09:00-12:00; Mo 13:00-17:00", directory.ErrOverriddenRule, 0, 1, 0, ""},
		{"every day replaced", "hours", "Mo-Fr 08:00-12:00; 14:00-20:00", directory.ErrOverriddenRule, 0, 1, 0, ""},
		{"long wrap", "hours", "Mo 12:00-09:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"midnight to midnight", "hours", "Mo 00:00-00:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"end past 48:00", "hours", "Mo 10:00-48:01", directory.ErrBadHours, 0, 4, 0, ""},
		{"one-digit minutes", "hours", "Mo 1:2-3:04", directory.ErrBadHours, 0, 4, 0, ""},
		{"two dashes", "hours", "Mo 09:00-10:00-11:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"closed on every day", "hours", "off", directory.ErrBadHours, 0, 0, 0, ""},
		{"over the cap", "hours", strings.Repeat("Mo 09:00-10:00,", 1000), directory.ErrHoursTooLong, 0, 0, 0, ""},
		{"full-width digits", "hours", "Mo ０９:00-10:00", directory.ErrUnsupportedRule, 0, 4, 0, ""},
		{"signed minutes", "hours", "Tu 09:+5-10:00", directory.ErrBadHours, 0, 4, 0, ""},
		{"signed hour after a good rule", "hours", "Mo 09:00-10:00; Tu 10:00-+1:00", directory.ErrBadHours, 0, 20, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
			switch tc.kind {
			case "hours":
				h, err := directory.ParseOpeningHours(tc.in, "America/New_York")
				require.Error(t, err, "input %q gave %v", tc.in, h)
				assert.ErrorIs(t, err, tc.want, "input %q", tc.in)
				assert.ErrorIs(t, err, directory.ErrBadHours)
				var he *directory.HoursError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, tc.col, he.Column, "column; input %q: %v", tc.in, err)
				assert.LessOrEqual(t, len(err.Error()), 300, "the error repeats the value")
				return
			case "csv":
				in := tc.in
				if !strings.HasPrefix(in, "id,") && !strings.HasPrefix(in, "PK") {
					in = csvHeader + in
				}
				provs, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Name: "x.csv"})
				require.Error(t, err, "input %q", in)
				assert.Nil(t, provs, "nothing is half-loaded")
				re := firstMatching(t, err, tc.want)
				assert.Equal(t, "x.csv", re.File)
				assert.Contains(t, err.Error(), "x.csv")
				assert.Equal(t, tc.line, re.Line, "line; %v", err)
				assert.Equal(t, tc.col, re.Column, "column; %v", err)
				assert.Equal(t, tc.field, re.Field, "field; %v", err)
			case "geojson":
				provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(tc.in), directory.ReadOptions{Name: "x.geojson"})
				require.Error(t, err, "input %q", tc.in)
				assert.Nil(t, provs, "nothing is half-loaded")
				re := firstMatching(t, err, tc.want)
				assert.Equal(t, "x.geojson", re.File)
				assert.Equal(t, tc.line, re.Line, "line; %v", err)
				assert.Equal(t, tc.index, re.Index, "feature; %v", err)
				assert.Equal(t, tc.field, re.Field, "field; %v", err)
			}
			assert.LessOrEqual(t, len(tc.in)/2, 1<<20) // inputs stay small
		})
	}
}

// firstMatching returns the first *RecordError in err that matches want.
func firstMatching(t *testing.T, err, want error) *directory.RecordError {
	t.Helper()
	for _, re := range recordErrors(err) {
		if errors.Is(re, want) {
			return re
		}
	}
	t.Fatalf("no *RecordError matching %v in %v", want, err)
	return nil
}

// TestAcceptedCorpus documents inputs that look odd but are accepted, and
// what they are read as.
func TestAcceptedCorpus(t *testing.T) {
	t.Parallel()
	t.Run("csv/exponent latitude", func(t *testing.T) {
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(csvHeader+csvRow(map[int]string{4: "3.504e1", 5: "+-85.3"[1:]})), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, 35.04, provs[0].Point[1])
	})
	t.Run("csv/upper-case language codes are lower-cased", func(t *testing.T) {
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(csvHeader+csvRow(map[int]string{13: "EN;Es"})), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, []string{"en", "es"}, provs[0].Languages)
	})
	t.Run("csv/description may span lines", func(t *testing.T) {
		in := "id,name,categories,latitude,longitude,description\np1,A,basic.food,35,-85,\"line one\nline two\ttabbed\"\n"
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, "line one\nline two\ttabbed", provs[0].Description)
	})
	t.Run("csv/a 70 KB word is kept as given", func(t *testing.T) {
		word := strings.Repeat("x", 70<<10)
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(csvHeader+csvRow(map[int]string{2: word})), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, word, provs[0].Name)
	})
	t.Run("csv/partial replacement by a later rule", func(t *testing.T) {
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(csvHeader+csvRow(map[int]string{6: "24/7; Mo off", 7: "America/New_York"})), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Empty(t, provs[0].Hours.Week[1])
		assert.Len(t, provs[0].Hours.Week[2], 1)
	})
	t.Run("geojson/null geometry is an unplaced provider", func(t *testing.T) {
		provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(gjCollection(gjFeature("null", `{"id":"a","name":"A","categories":"basic.food"}`))), directory.ReadOptions{})
		require.NoError(t, err)
		assert.True(t, provs[0].Unplaced)
	})
	t.Run("geojson/altitude is ignored", func(t *testing.T) {
		provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(gjCollection(gjFeature(`{"type":"Point","coordinates":[-85.3,35.04,210.5]}`, `{"id":"a","name":"A","categories":"basic.food"}`))), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, pt(-85.3, 35.04), provs[0].Point)
	})
	t.Run("geojson/large numeric id keeps its digits", func(t *testing.T) {
		provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(gjCollection(`{"type":"Feature","id":12345678901234567890,"geometry":null,"properties":{"name":"A","categories":"basic.food"}}`)), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, "12345678901234567890", provs[0].ID)
	})
	t.Run("geojson/unknown members are skipped", func(t *testing.T) {
		in := `{"name":"x","crs":{"type":"name"},"type":"FeatureCollection","bbox":[0,0,1,1],"features":[` + gjFeature(gjPoint, `{"id":"a","name":"A","categories":"basic.food"}`) + `]}`
		provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(in), directory.ReadOptions{})
		require.NoError(t, err)
		assert.Len(t, provs, 1)
	})
}

// TestReadReportsEveryProblemOfARow checks that one row with several
// problems gets one positioned error for each, in one run.
func TestReadReportsEveryProblemOfARow(t *testing.T) {
	t.Parallel()
	in := csvHeader + csvRow(map[int]string{3: "basic.food.caviar", 4: "Inf", 5: "0x10", 6: "Sa 12:00-09:00", 8: "12", 9: "8", 12: "maybe", 13: "english"})
	_, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Name: "x.csv"})
	require.Error(t, err)
	var fields []string
	for _, re := range recordErrors(err) {
		assert.Equal(t, 2, re.Line)
		assert.Equal(t, "p1", re.ID)
		fields = append(fields, re.Field)
	}
	assert.ElementsMatch(t, []string{"categories", "latitude", "longitude", "hours", "max_age", "wheelchair", "languages"}, fields, "%v", err)
	assert.Contains(t, err.Error(), `use "en"`)
	assert.Contains(t, err.Error(), "basic.food.groceries", "the unknown category's message lists the codes under basic.food")

	// GeoJSON: a property of the wrong JSON type is one problem, not also
	// a missing value.
	_, err = directory.ReadGeoJSON(t.Context(), strings.NewReader(gjCollection(gjFeature(`{"type":"Point","coordinates":[35]}`,
		`{"id":"a","name":{"en":"A"},"categories":[7],"min_age":"x","languages":"english"}`))), directory.ReadOptions{})
	fields = nil
	for _, re := range recordErrors(err) {
		assert.Equal(t, 0, re.Index)
		assert.Equal(t, "a", re.ID)
		fields = append(fields, re.Field)
	}
	assert.ElementsMatch(t, []string{"name", "categories", "min_age", "languages", "geometry"}, fields, "%v", err)

	// Both coordinates out of range: each against its own column.
	_, err = directory.ReadCSV(t.Context(), strings.NewReader(csvHeader+csvRow(map[int]string{4: "95", 5: "-185"})), directory.ReadOptions{})
	fields = nil
	for _, re := range recordErrors(err) {
		fields = append(fields, re.Field)
	}
	assert.Equal(t, []string{"latitude", "longitude"}, fields)
}
