package hsds_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/hsdsgen"
)

func genSize() int {
	if testing.Short() {
		return 400
	}
	return 2000
}

// TestGeneratedPackagesMatchTruth imports generated packages in both
// layouts and checks the result against what the generator put in: counts,
// every injected problem by kind and record ID, and each provider's
// fields.
func TestGeneratedPackagesMatchTruth(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		layout  hsdsgen.Layout
		format  string
		mapping hsds.Mapping
	}{
		{"3.0 with AIRS mapping", hsdsgen.V3, "csv-3.0", hsdsgen.AIRSMapping},
		{"3.0 guessing", hsdsgen.V3, "csv-3.0", nil},
		{"2.0 with AIRS mapping", hsdsgen.V2, "csv-2.0", hsdsgen.AIRSMapping},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pkg := hsdsgen.Generate(hsdsgen.Config{Services: genSize(), Seed: 7, Layout: tc.layout})
			res, err := hsds.ReadPackage(context.Background(), pkg.FS(), hsds.Options{Mapping: tc.mapping, Zone: "America/New_York", MaxProblems: -1})
			require.NoError(t, err)
			tr := pkg.Truth
			r := res.Report
			assert.Equal(t, tc.format, r.Format)
			assert.Equal(t, tr.Services, r.Services)
			assert.Equal(t, tr.Locations, r.Locations)
			assert.Equal(t, tr.Organizations, r.Organizations)
			assert.Equal(t, len(tr.Providers), r.Providers)
			assert.Equal(t, tr.Placed(), r.Placed)
			assert.Equal(t, len(tr.Providers)-tr.Placed(), r.Unplaced)
			assert.Equal(t, tr.Inactive, r.Count(hsds.KindInactive))

			// Every injected problem is reported against its record.
			got := map[hsdsgen.Finding]bool{}
			for _, p := range r.Problems {
				got[hsdsgen.Finding{Kind: string(p.Kind), ID: p.ID}] = true
				assert.NotEmpty(t, p.File, "%v", p)
				assert.Positive(t, p.Line, "%v", p)
			}
			for _, f := range tr.Findings {
				assert.True(t, got[f], "finding %+v not reported", f)
			}
			if tc.mapping != nil {
				assert.Zero(t, r.Count(hsds.KindGuessed), "AIRS codes map")
			} else {
				guessed := map[string]bool{}
				for _, p := range r.ByKind()[hsds.KindGuessed] {
					guessed[p.ID] = true
					assert.True(t, tr.AIRSOnly[p.ID], "guessed only where no term maps: %v", p)
				}
				assert.Equal(t, countActiveAIRS(tr), len(guessed))
			}

			require.Len(t, res.Providers, len(tr.Providers))
			for _, p := range res.Providers {
				want, ok := tr.Providers[p.ID]
				if !assert.True(t, ok, "unexpected provider %s", p.ID) {
					continue
				}
				checkExpect(t, want, p)
			}

			// Everything builds; unplaced providers are found by ID only.
			b := directory.NewBuilder()
			res.AddTo(b)
			dir, err := b.Build(t.Context())
			require.NoError(t, err)
			assert.Equal(t, len(tr.Providers), dir.Len())
			for p := range dir.Unplaced() {
				got, ok := dir.Provider(p.ID())
				assert.True(t, ok)
				assert.True(t, got.Unplaced())
			}
			centre := orbPoint(-85.3097, 35.0456)
			near, err := dir.Search(directory.Query{Near: centre, Radius: 100_000})
			require.NoError(t, err)
			assert.Equal(t, tr.Placed(), len(near), "every placed provider and only those are in the spatial index")
		})
	}
}

func countActiveAIRS(tr hsdsgen.Truth) int {
	n := 0
	for range tr.AIRSOnly {
		n++
	}
	return n - inactiveAIRS(tr)
}

// inactiveAIRS counts AIRS-only services that are inactive: they are
// dropped before their category is looked at.
func inactiveAIRS(tr hsdsgen.Truth) int {
	n := 0
	for _, f := range tr.Findings {
		if f.Kind == string(hsds.KindInactive) && tr.AIRSOnly[f.ID] {
			n++
		}
	}
	return n
}

func checkExpect(t *testing.T, want hsdsgen.Expect, p directory.Provider) {
	t.Helper()
	assert.Equal(t, want.Name, p.Name, p.ID)
	assert.Equal(t, []string{want.Category}, p.Categories, p.ID)
	assert.Equal(t, !want.Placed, p.Unplaced, p.ID)
	if want.Placed {
		assert.InDelta(t, want.Point[0], p.Point[0], 1e-9, p.ID)
		assert.InDelta(t, want.Point[1], p.Point[1], 1e-9, p.ID)
	}
	assert.Equal(t, want.Confidential, p.Confidential, p.ID)
	assert.Equal(t, want.MinAge, p.Eligibility.MinAge, p.ID)
	assert.Equal(t, want.MaxAge, p.Eligibility.MaxAge, p.ID)
	assert.Equal(t, want.Languages, p.Languages, p.ID)
	assert.Equal(t, want.Phone, p.Phone, p.ID)
	assert.Equal(t, want.Cost, p.Cost.String(), p.ID)
	assert.Equal(t, want.HoursKnown, p.Hours.Known(), p.ID)
	if want.HoursKnown {
		for d := range 7 {
			if want.Days[d] {
				assert.Equal(t, []directory.Span{{Open: want.Open, Close: want.Close}}, p.Hours.Week[d], "%s %s", p.ID, time.Weekday(d))
			} else {
				assert.Empty(t, p.Hours.Week[d], "%s %s", p.ID, time.Weekday(d))
			}
		}
	}
	assert.False(t, p.LastVerified.IsZero(), p.ID)
	assert.Len(t, p.ServiceAreas, 1, p.ID)
}

// TestLayoutsAgree imports the same world written in both layouts: the
// providers must agree on every field both layouts carry.
func TestLayoutsAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := hsds.Options{Mapping: hsdsgen.AIRSMapping}
	v3, err := hsds.ReadPackage(ctx, hsdsgen.Generate(hsdsgen.Config{Services: 300, Seed: 3, Layout: hsdsgen.V3}).FS(), opts)
	require.NoError(t, err)
	v2, err := hsds.ReadPackage(ctx, hsdsgen.Generate(hsdsgen.Config{Services: 300, Seed: 3, Layout: hsdsgen.V2}).FS(), opts)
	require.NoError(t, err)
	require.Equal(t, len(v3.Providers), len(v2.Providers))
	for i := range v3.Providers {
		a, b := v3.Providers[i], v2.Providers[i]
		// 2.0 has no structured ages or cost options and names
		// eligibility in its own table; compare what both carry.
		a.Eligibility.Notes, b.Eligibility.Notes = "", ""
		assert.Equal(t, a, b)
	}
}

// TestGeneratedRoundTrip imports a generated package, exports it, checks
// the export against the schemas and imports it again: every field comes
// back, except that confidential providers lose their coordinates and
// street address, which the export never writes.
func TestGeneratedRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := loadSchemas(t, "testdata/schema")
	opts := hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/Chicago"}
	res, err := hsds.ReadPackage(ctx, hsdsgen.Generate(hsdsgen.Config{Services: genSize() / 2, Seed: 11}).FS(), opts)
	require.NoError(t, err)
	// Give some providers the fields HSDS carries only through
	// wraparound's own terms or canonical text.
	for i := range res.Providers {
		p := &res.Providers[i]
		switch i % 7 {
		case 0:
			p.Capacity, p.Enrolled = 20+i%5, i%3
			p.Attributes = []string{"snap", "wic"}
		case 1:
			p.Eligibility.HasGrades, p.Eligibility.MinGrade, p.Eligibility.MaxGrade = true, directory.GradeK, 5
			p.Eligibility.IncomeLimitFPL = 200
			p.Eligibility.Residency = "zipcodes:37404"
		case 2:
			p.Hours = directory.Hours{Zone: opts.Zone, Always: true}
		case 3:
			p.Hours.Week[time.Friday] = []directory.Span{{Open: 20 * time.Hour, Close: 31 * time.Hour}}
			p.Wheelchair = true
			p.LastVerified = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		case 4:
			if !p.Unplaced && i%3 == 0 {
				p.Confidential = true
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, hsds.WriteJSON(&buf, res.All(), hsds.ExportOptions{Sources: res.Sources}))
	validatePage(t, s, buf.Bytes())

	again, err := hsds.ReadJSON(ctx, bytes.NewReader(buf.Bytes()), "export.json", opts)
	require.NoError(t, err)
	require.Equal(t, len(res.Providers), len(again.Providers))
	conf := 0
	for i, want := range res.Providers {
		got := again.Providers[i]
		if want.Confidential {
			conf++
			assert.True(t, got.Unplaced, "confidential provider reads back without coordinates")
			assert.True(t, got.Address.IsZero())
			want.Point, want.Unplaced, want.Address = got.Point, true, directory.Address{}
		}
		assert.Equal(t, want, got)
	}
	assert.Positive(t, conf, "the sample has confidential providers")
	assert.Zero(t, again.Report.Count(hsds.KindUnmappedTerm), "%v", again.Report.Problems)

	// The export is byte-for-byte deterministic.
	var buf2 bytes.Buffer
	require.NoError(t, hsds.WriteJSON(&buf2, res.All(), hsds.ExportOptions{Sources: res.Sources}))
	assert.Equal(t, buf.Bytes(), buf2.Bytes())
}

func TestConfidentialNeverExported(t *testing.T) {
	t.Parallel()
	p := directory.Provider{ID: "p1", Name: "Safe House", Categories: []string{"basic.housing.shelter"}, Confidential: true,
		Point: orbPoint(-85.2967, 35.0601), Address: directory.Address{Street: "12 Hidden Ln", City: "Chattanooga", State: "TN", PostalCode: "37404"}}
	var buf bytes.Buffer
	require.NoError(t, hsds.WriteJSON(&buf, func(yield func(directory.Listing) bool) { yield(directory.ListingOf(p)) }, hsds.ExportOptions{}))
	out := buf.String()
	for _, leak := range []string{"-85.29", "35.06", "Hidden", "latitude", "longitude", "address_1"} {
		assert.NotContains(t, out, leak)
	}
	assert.Contains(t, out, `"confidential"`)
	res, err := hsds.ReadJSON(context.Background(), &buf, "x.json", hsds.Options{})
	require.NoError(t, err)
	require.Len(t, res.Providers, 1)
	assert.True(t, res.Providers[0].Confidential)
	assert.True(t, res.Providers[0].Unplaced)
}

func orbPoint(lon, lat float64) [2]float64 {
	p, err := geo.PointFromLatLon(lat, lon)
	if err != nil {
		panic(err)
	}
	return p
}
