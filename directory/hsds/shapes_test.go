package hsds_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/internal/hsdsgen"
)

const pantry = `{"id": "s1", "name": "Eastside Pantry", "status": "active",
  "attributes": [{"id": "a1", "taxonomy_term": {"id": "t1", "name": "Food Pantry", "taxonomy": "Open Eligibility", "description": ""}},
                 {"id": "a2", "taxonomy_term": {"id": "t2", "code": "XX-1", "name": "Bereavement", "taxonomy": "Local", "description": ""}}],
  "service_at_locations": [
    {"id": "sal1", "location": {"id": "l1", "location_type": "physical", "latitude": 35.04, "longitude": -85.28},
     "schedules": [{"id": "sc1", "freq": "WEEKLY", "byday": "SA", "opens_at": "9am", "closes_at": "12pm"}]},
    {"id": "sal2", "location": {"id": "l2", "location_type": "virtual"}},
    {"id": "sal3", "location_id": "nowhere"}
  ]}`

func TestJSONShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name string
		doc  string
		ids  []string
	}{
		{"single service", pantry, []string{"sal1", "sal2", "sal3"}},
		{"list", "[" + pantry + "]", []string{"sal1", "sal2", "sal3"}},
		{"page", `{"total_items": 1, "contents": [` + pantry + `]}`, []string{"sal1", "sal2", "sal3"}},
		{"service_at_location page", `{"contents": [{"id": "x1", "service": {"id": "s9", "name": "Homework Help", "status": "active"},
			"location": {"id": "l9", "location_type": "physical", "latitude": "35.0", "longitude": "-85.3"}}]}`, []string{"x1"}},
		{"organization", `{"id": "o1", "name": "Org", "description": "", "services": [` + pantry + `]}`, []string{"sal1", "sal2", "sal3"}},
		{"tabular json", `{"services.csv": [{"id": "s1", "name": "Tutoring Club", "status": "active"}],
			"service_at_location.csv": [{"id": "x", "service_id": "s1", "location_id": "l1"}],
			"locations.csv": [{"id": "l1", "latitude": 35.1, "longitude": -85.2}]}`, []string{"x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := hsds.ReadJSON(ctx, strings.NewReader(tc.doc), "doc.json", hsds.Options{})
			require.NoError(t, err)
			var ids []string
			for _, p := range res.Providers {
				ids = append(ids, p.ID)
			}
			assert.Equal(t, tc.ids, ids)
		})
	}
}

func TestMessyJSONIsReportedNotFatal(t *testing.T) {
	t.Parallel()
	res, err := hsds.ReadJSON(context.Background(), strings.NewReader(pantry), "p.json", hsds.Options{})
	require.NoError(t, err)
	byID := map[string]directory.Provider{}
	for _, p := range res.Providers {
		byID[p.ID] = p
	}
	placed := byID["sal1"]
	assert.False(t, placed.Unplaced)
	assert.Equal(t, [2]float64{-85.28, 35.04}, [2]float64(placed.Point))
	assert.Equal(t, []directory.Span{{Open: 9 * time.Hour, Close: 12 * time.Hour}}, placed.Hours.Week[time.Saturday])
	assert.Equal(t, []string{"basic.food.pantry"}, placed.Categories)
	assert.Equal(t, []string{"Bereavement"}, placed.Keywords, "unmapped term kept as keyword")
	assert.True(t, byID["sal2"].Unplaced, "virtual location")
	assert.True(t, byID["sal3"].Unplaced, "unknown location")

	type want struct {
		kind hsds.Kind
		id   string
		path string
	}
	var got []want
	for _, p := range res.Report.Problems {
		got = append(got, want{p.Kind, p.ID, p.Path})
	}
	for _, w := range []want{
		{hsds.KindBrokenRef, "sal3", "$.service_at_locations[2].location_id"},
		{hsds.KindUnplaced, "sal3", "$.service_at_locations[2]"},
		{hsds.KindUnplaced, "l2", "$.service_at_locations[1].location.location_type"},
		{hsds.KindOddTime, "sc1", "$.service_at_locations[0].schedules[0].opens_at"},
		{hsds.KindOddTime, "sc1", "$.service_at_locations[0].schedules[0].closes_at"},
		{hsds.KindUnmappedTerm, "t2", "$.attributes[1]"},
	} {
		assert.Contains(t, got, w)
	}
	require.Len(t, res.Report.Unmapped, 1)
	assert.Equal(t, hsds.Unmapped{Term: hsds.Term{Taxonomy: "Local", Code: "XX-1", Name: "Bereavement"}, Providers: []string{"sal1", "sal2", "sal3"}, Count: 3}, res.Report.Unmapped[0])
	assert.Equal(t, 3, res.Report.Providers)
	assert.Equal(t, 1, res.Report.Placed)
	assert.Equal(t, 2, res.Report.Unplaced)

	for _, p := range res.Report.ByKind()[hsds.KindOddTime] {
		switch p.Field {
		case "opens_at":
			assert.Equal(t, `hsds: schedule value in a non-standard form, normalised: opening time "9am" read as 09:00`, p.Message)
		case "closes_at":
			assert.Equal(t, `hsds: schedule value in a non-standard form, normalised: closing time "12pm" read as 12:00`, p.Message)
		}
	}

	err = res.Report.Err()
	require.Error(t, err)
	assert.ErrorIs(t, err, hsds.ErrBrokenReference)
	assert.ErrorIs(t, err, hsds.ErrUnplaced)
	assert.Contains(t, err.Error(), `p.json: $.service_at_locations[2].location_id: service_at_location id "sal3": field "location_id"`)
}

func TestOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc := `[{"id": "s1", "name": "Community Hall", "status": "active"},
	         {"id": "s2", "name": "Old Program", "status": "defunct", "attributes": [{"id": "a", "taxonomy_term": {"id": "t", "name": "Tutoring", "description": ""}}]},
	         {"id": "s3", "name": "Tutoring", "status": "active", "schedules": [
	            {"id": "old", "valid_to": "2020-12-31", "byday": "MO", "opens_at": "08:00", "closes_at": "09:00"},
	            {"id": "new", "valid_from": "2021-01-01", "byday": "TU", "opens_at": "08:00", "closes_at": "09:00"},
	            {"id": "m", "freq": "MONTHLY", "byday": "1WE", "opens_at": "08:00", "closes_at": "09:00"},
	            {"id": "biweekly", "freq": "WEEKLY", "interval": 2, "byday": "TH", "opens_at": "08:00", "closes_at": "09:00"}]}]`
	read := func(o hsds.Options) *hsds.Result {
		res, err := hsds.ReadJSON(ctx, strings.NewReader(doc), "d.json", o)
		require.NoError(t, err)
		return res
	}
	t.Run("defaults", func(t *testing.T) {
		res := read(hsds.Options{})
		require.Len(t, res.Providers, 2, "defunct service dropped, uncategorised one kept")
		assert.Equal(t, []string{directory.Uncategorised}, res.Providers[0].Categories)
		assert.Equal(t, 1, res.Report.Count(hsds.KindUncategorised))
		assert.Zero(t, res.Report.Count(hsds.KindNoCategory))
		assert.Equal(t, 1, res.Report.Count(hsds.KindInactive))
		assert.Equal(t, 2, res.Report.Count(hsds.KindSchedule), "monthly and every-other-week")
		h := res.Providers[1].Hours
		assert.NotEmpty(t, h.Week[time.Monday], "no date: every schedule counts")
		assert.NotEmpty(t, h.Week[time.Tuesday])
		assert.Empty(t, h.Week[time.Wednesday])
		assert.Empty(t, h.Week[time.Thursday])
	})
	t.Run("date, default category, keep inactive, zone", func(t *testing.T) {
		res := read(hsds.Options{Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), DefaultCategory: "family", KeepInactive: true, Zone: "America/New_York"})
		require.Len(t, res.Providers, 3)
		assert.Equal(t, []string{"family"}, res.Providers[0].Categories)
		assert.Equal(t, []string{"education.tutoring"}, res.Providers[1].Categories)
		h := res.Providers[2].Hours
		assert.Equal(t, "America/New_York", h.Zone)
		assert.Empty(t, h.Week[time.Monday], "expired schedule skipped")
		assert.NotEmpty(t, h.Week[time.Tuesday])
	})
	t.Run("no guess", func(t *testing.T) {
		res := read(hsds.Options{NoGuess: true})
		require.Len(t, res.Providers, 2)
		for _, p := range res.Providers {
			assert.Equal(t, []string{directory.Uncategorised}, p.Categories, p.ID)
		}
		assert.Equal(t, 2, res.Report.Count(hsds.KindUncategorised))
	})
	t.Run("taxonomy without other", func(t *testing.T) {
		tax, err := directory.NewTaxonomy([]directory.Category{{Code: "education", Label: "Education"}, {Code: "education.tutoring", Label: "Tutoring"}})
		require.NoError(t, err)
		res := read(hsds.Options{NoGuess: true, Taxonomy: tax})
		assert.Empty(t, res.Providers)
		assert.Equal(t, 2, res.Report.Count(hsds.KindNoCategory))
		assert.Equal(t, 3, res.Report.Dropped, "two without category, one defunct")
	})
}

func TestPackageQuirks(t *testing.T) {
	t.Parallel()
	// 2.0 names, headers in odd case and order with a BOM and extra
	// columns, a missing optional table, a ragged row, a bad quote.
	fsys := fstest.MapFS{
		"services.csv": {Data: []byte("\ufeffName,ID,Status,Fees,Extra\n" +
			"Homework Help,s1,active,free,zzz\n" +
			"  Soccer League ,s2,active,$5,\n" +
			"Broken \"quote,s3,active\n")},
		"locations.csv":            {Data: []byte("Latitude,longitude,id\n35.05,-85.3,l1\n,,l2\n")},
		"services_at_location.csv": {Data: []byte("id,location_id,service_id\nx1,l1,s1\nx2,l2,s2\nx3,l1,nope\n")},
		"regular_schedules.csv":    {Data: []byte("id,service_at_location_id,weekday,opens_at,closes_at\nr1,x1,2,3:00 PM,5:00 PM\nr2,x1,4,15:00,17:00\n")},
	}
	res, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{})
	require.NoError(t, err)
	assert.Equal(t, "csv-2.0", res.Report.Format)
	require.Len(t, res.Providers, 3)
	assert.Equal(t, "s3", res.Providers[0].ID, "a service with no location and no category is kept, unplaced")
	assert.Equal(t, []string{directory.Uncategorised}, res.Providers[0].Categories)
	a, b := res.Providers[1], res.Providers[2]
	assert.Equal(t, "x1", a.ID)
	assert.Equal(t, directory.CostFree, a.Cost)
	assert.Equal(t, []directory.Span{{Open: 15 * time.Hour, Close: 17 * time.Hour}}, a.Hours.Week[time.Tuesday])
	assert.Equal(t, []directory.Span{{Open: 15 * time.Hour, Close: 17 * time.Hour}}, a.Hours.Week[time.Thursday])
	assert.Equal(t, "Soccer League", b.Name)
	assert.Equal(t, directory.CostFee, b.Cost)
	assert.True(t, b.Unplaced)
	kinds := res.Report.ByKind()
	require.NotEmpty(t, kinds[hsds.KindBrokenRef])
	assert.Equal(t, "services_at_location.csv", kinds[hsds.KindBrokenRef][0].File)
	assert.Equal(t, 4, kinds[hsds.KindBrokenRef][0].Line)
}

func TestOpenZipAndFolder(t *testing.T) {
	t.Parallel()
	pkg := hsdsgen.Generate(hsdsgen.Config{Services: 40, Seed: 2, Layout: hsdsgen.V2})
	dir := t.TempDir()
	require.NoError(t, pkg.WriteDir(filepath.Join(dir, "folder")))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range pkg.Files {
		w, err := zw.Create("export-2024/" + name)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	zipPath := filepath.Join(dir, "pkg.zip")
	require.NoError(t, os.WriteFile(zipPath, buf.Bytes(), 0o644))
	for _, p := range []string{filepath.Join(dir, "folder"), zipPath, filepath.Join(dir, "folder", "services.csv")} {
		res, err := hsds.Open(context.Background(), p, hsds.Options{})
		require.NoError(t, err, p)
		assert.Equal(t, "csv-2.0", res.Report.Format, p)
		assert.Equal(t, len(pkg.Truth.Providers), res.Report.Providers, p)
	}
}
