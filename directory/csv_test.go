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

const csvHeader = "id,name,categories,latitude,longitude,hours,timezone,min_age,max_age,cost,capacity,wheelchair,languages\n"

func TestReadCSV(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf" + // a byte-order mark, as spreadsheet exports write
		"ID,Name,Categories,Latitude,Longitude,Hours,Description,Unknown Column\r\n" +
		`p1,"Eastside Pantry, Inc.",basic.food.pantry;basic.food.meals,35.04,-85.27,"Mo-Fr 09:00-17:00; Sa 09:00-12:00","Says ""hello""",x` + "\r\n" +
		"p2,Virtual Tutoring,education.tutoring,,,,,\r\n"
	provs, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Name: "in.csv"})
	require.NoError(t, err)
	require.Len(t, provs, 2)
	p := provs[0]
	assert.Equal(t, "Eastside Pantry, Inc.", p.Name)
	assert.Equal(t, []string{"basic.food.pantry", "basic.food.meals"}, p.Categories)
	assert.Equal(t, -85.27, p.Point[0])
	assert.Equal(t, 35.04, p.Point[1])
	assert.Equal(t, `Says "hello"`, p.Description)
	assert.Equal(t, "Mo-Fr 09:00-17:00; Sa 09:00-12:00", p.Hours.String())
	assert.True(t, provs[1].Unplaced)
}

func TestReadCSVErrors(t *testing.T) {
	t.Parallel()
	row := func(s string) string { return csvHeader + s + "\n" }
	cases := []struct {
		name  string
		in    string
		want  error
		line  int
		field string
		id    string
	}{
		{"empty file", "", directory.ErrEmptyInput, 1, "", ""},
		{"header only", csvHeader, directory.ErrEmptyInput, 2, "", ""},
		{"missing id column", "name,categories,latitude,longitude\nA,basic.food,35,-85\n", directory.ErrMissingColumn, 1, "id", ""},
		{"missing latitude column", "id,name,categories,longitude\np,A,basic.food,-85\n", directory.ErrMissingColumn, 1, "latitude", ""},
		{"missing id", row(",A,basic.food,35,-85,,,,,,,,"), directory.ErrMissingID, 2, "id", ""},
		{"missing name", row("p1,,basic.food,35,-85,,,,,,,,"), directory.ErrMissingName, 2, "name", "p1"},
		{"no category", row("p1,A,,35,-85,,,,,,,,"), directory.ErrNoCategory, 2, "categories", "p1"},
		{"latitude not a number", row("p1,A,basic.food,abc,-85,,,,,,,,"), directory.ErrBadLocation, 2, "latitude", "p1"},
		{"latitude out of range", row("p1,A,basic.food,95,-85,,,,,,,,"), geo.ErrLatitude, 2, "latitude", "p1"},
		{"longitude out of range", row("p1,A,basic.food,35,-185,,,,,,,,"), geo.ErrLongitude, 2, "longitude", "p1"},
		{"swapped latitude and longitude", row("p1,A,basic.food,-85.3,35.04,,,,,,,,"), geo.ErrLikelySwapped, 2, "latitude", "p1"},
		{"swapped, latitude out of range", row("p1,A,basic.food,-120.5,45.2,,,,,,,,"), geo.ErrLikelySwapped, 2, "latitude", "p1"},
		{"only one coordinate", row("p1,A,basic.food,35,,,,,,,,,"), directory.ErrBadLocation, 2, "longitude", "p1"},
		{"zero zero placeholder", row("p1,A,basic.food,0,0,,,,,,,,"), directory.ErrBadLocation, 2, "latitude", "p1"},
		{"zero zero placeholder is null island", row("p1,A,basic.food,0,0,,,,,,,,"), geo.ErrNullIsland, 2, "latitude", "p1"},
		{"hex float longitude", row("p1,A,basic.food,35,-0x1.5p6,,,,,,,,"), directory.ErrBadLocation, 2, "longitude", "p1"},
		{"infinite longitude", row("p1,A,basic.food,35,-Inf,,,,,,,,"), directory.ErrBadLocation, 2, "longitude", "p1"},
		{"bad hours", row("p1,A,basic.food,35,-85,Mo-Fr 9-5,,,,,,,"), directory.ErrBadHours, 2, "hours", "p1"},
		{"unsupported hours rule", row("p1,A,basic.food,35,-85,Jan-Mar Mo 09:00-12:00,,,,,,,"), directory.ErrUnsupportedRule, 2, "hours", "p1"},
		{"age not a number", row("p1,A,basic.food,35,-85,,,twelve,,,,,"), directory.ErrBadValue, 2, "min_age", "p1"},
		{"negative capacity", row("p1,A,basic.food,35,-85,,,,,,-3,,"), directory.ErrBadValue, 2, "capacity", "p1"},
		{"unknown cost", row("p1,A,basic.food,35,-85,,,,,cheap,,,"), directory.ErrBadValue, 2, "cost", "p1"},
		{"wheelchair not yes/no", row("p1,A,basic.food,35,-85,,,,,,,maybe,"), directory.ErrBadValue, 2, "wheelchair", "p1"},
		{"unterminated quote", csvHeader + "p1,\"A,basic.food,35,-85,,,,,,,,\n", directory.ErrBadValue, 2, "column 33", ""},
		{"error on a later line", row("p1,A,basic.food,35,-85,,,,,,,,\np2,B,basic.food,35,-85,,,,,,,no,\np3,C,basic.food,x,-85,,,,,,,,"), directory.ErrBadLocation, 4, "latitude", "p3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			provs, err := directory.ReadCSV(t.Context(), strings.NewReader(tc.in), directory.ReadOptions{Name: "x.csv"})
			require.Error(t, err, "input %q", tc.in)
			assert.Nil(t, provs, "nothing is half-loaded")
			assert.ErrorIs(t, err, tc.want)
			var re *directory.RecordError
			require.True(t, errors.As(err, &re), "want a *RecordError, got %T: %v", err, err)
			assert.Equal(t, "x.csv", re.File)
			if tc.line > 0 {
				assert.Equal(t, tc.line, re.Line, "line; error %v", err)
			}
			assert.Equal(t, tc.field, re.Field, "field; error %v", err)
			assert.Equal(t, tc.id, re.ID, "id; error %v", err)
		})
	}
}

func TestReadCSVReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	in := csvHeader +
		"p1,A,basic.food,95,-85,,,,,,,,\n" +
		"p2,B,basic.food,35,-85,,,,,,,,\n" +
		"p3,C,,35,-85,,,,,,,,\n"
	_, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{})
	require.Error(t, err)
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *directory.RecordError
		require.True(t, errors.As(e, &re))
		lines = append(lines, re.Line)
	}
	assert.Equal(t, []int{2, 4}, lines)
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	good := directory.Provider{ID: "a", Name: "A", Categories: []string{"basic.food"}, Point: pt(-85.3, 35.0)}
	cases := []struct {
		name  string
		mod   func(p *directory.Provider)
		want  error
		field string
	}{
		{"unknown category", func(p *directory.Provider) { p.Categories = []string{"basic.food.caviar"} }, directory.ErrUnknownCategory, "categories"},
		{"bad coordinates", func(p *directory.Provider) { p.Point = pt(-85, 135) }, directory.ErrBadLocation, "point"},
		{"overlapping hours", func(p *directory.Provider) {
			p.Hours.Week[1] = []directory.Span{{Open: 9 * hour, Close: 12 * hour}, {Open: 11 * hour, Close: 14 * hour}}
		}, directory.ErrBadHours, "hours"},
		{"unknown time zone", func(p *directory.Provider) { p.Hours.Zone = "America/Atlantis" }, directory.ErrUnknownZone, "timezone"},
		{"max age below min age", func(p *directory.Provider) { p.Eligibility.MinAge, p.Eligibility.MaxAge = 12, 8 }, directory.ErrBadEligibility, "eligibility.age"},
		{"grade out of range", func(p *directory.Provider) {
			p.Eligibility.HasGrades, p.Eligibility.MinGrade, p.Eligibility.MaxGrade = true, 3, 14
		}, directory.ErrBadEligibility, "eligibility.grades"},
		{"upper-case language", func(p *directory.Provider) { p.Languages = []string{"ES"} }, directory.ErrBadValue, "languages"},
		{"missing name", func(p *directory.Provider) { p.Name = " " }, directory.ErrMissingName, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := good
			p.Hours = directory.Hours{}
			tc.mod(&p)
			b := directory.NewBuilder()
			b.Add(good)
			b.AddFrom(withID(p, "b"), "feed.csv", 7, 5)
			d, err := b.Build(t.Context())
			require.Error(t, err)
			assert.Nil(t, d)
			assert.ErrorIs(t, err, tc.want)
			var re *directory.RecordError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, "b", re.ID)
			assert.Equal(t, tc.field, re.Field)
			assert.Equal(t, 7, re.Line)
			assert.Contains(t, err.Error(), "feed.csv:7")
		})
	}
	b := directory.NewBuilder()
	b.Add(good)
	b.Add(good)
	_, err := b.Build(t.Context())
	assert.ErrorIs(t, err, directory.ErrDuplicateID)
}

func withID(p directory.Provider, id string) directory.Provider { p.ID = id; return p }
