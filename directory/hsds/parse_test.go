package hsds

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

func TestParseClock(t *testing.T) {
	t.Parallel()
	h, m := time.Hour, time.Minute
	cases := []struct {
		in   string
		end  bool
		want time.Duration
		odd  bool
		bad  bool
	}{
		{"09:00", false, 9 * h, false, false},
		{"17:30:00", true, 17*h + 30*m, false, false},
		{"9:00", false, 9 * h, true, false},
		{"9am", false, 9 * h, true, false},
		{"9 AM", false, 9 * h, true, false},
		{"12am", false, 0, true, false},
		{"12am", true, 24 * h, true, false},
		{"12pm", false, 12 * h, true, false},
		{"5pm", true, 17 * h, true, false},
		{"5:30 p.m.", true, 17*h + 30*m, true, false},
		{"0930", false, 9*h + 30*m, true, false},
		{"17", true, 17 * h, true, false},
		{"noon", false, 12 * h, true, false},
		{"midnight", true, 24 * h, true, false},
		{"24:00", true, 24 * h, false, false},
		{"23:59", true, 24 * h, false, false},
		{"10:00:00Z", false, 10 * h, true, false},
		{"10:00+05:00", false, 10 * h, true, false},
		{"24:00", false, 0, false, true},
		{"13pm", false, 0, false, true},
		{"25:00", false, 0, false, true},
		{"9:7", false, 0, false, true},
		{"Monday", false, 0, false, true},
		{"9-5", false, 0, false, true},
		{"", false, 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, odd, err := parseClock(tc.in, tc.end)
			if tc.bad {
				assert.ErrorIs(t, err, ErrBadTime, "in %q got %v", tc.in, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.odd, odd)
		})
	}
}

func TestParseDays(t *testing.T) {
	t.Parallel()
	week := func(ds ...time.Weekday) (w [7]bool) {
		for _, d := range ds {
			w[d] = true
		}
		return w
	}
	cases := []struct {
		in   string
		want [7]bool
		odd  bool
		err  error
	}{
		{"MO,TU,WE", week(1, 2, 3), false, nil},
		{"th, fr", week(4, 5), false, nil},
		{"Monday; Friday", week(1, 5), true, nil},
		{"MO-FR", week(1, 2, 3, 4, 5), true, nil},
		{"FR-MO", week(5, 6, 0, 1), true, nil},
		{"1,7", week(1, 0), true, nil},
		{"1SA", [7]bool{}, false, ErrUnsupportedSchedule},
		{"", [7]bool{}, false, ErrUnsupportedSchedule},
		{"someday", [7]bool{}, false, ErrBadValue},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, odd, err := parseDays(tc.in)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.odd, odd)
		})
	}
}

func TestParseEligibility(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in             string
		minAge, maxAge int
		want           directory.Eligibility
	}{
		{"Ages 5-18", 5, 18, directory.Eligibility{Notes: "Ages 5-18"}},
		{"Youth ages 14 to 24", 14, 24, directory.Eligibility{Notes: "Youth ages 14 to 24"}},
		{"for people aged 12 and over", 12, 0, directory.Eligibility{Notes: "for people aged 12 and over"}},
		{"Children under 6", 0, 5, directory.Eligibility{Notes: "Children under 6"}},
		{"Adults 18+", 18, 0, directory.Eligibility{Notes: "Adults 18+"}},
		{"Students in grades 6-12", 0, 0, directory.Eligibility{HasGrades: true, MinGrade: 6, MaxGrade: 12, Notes: "Students in grades 6-12"}},
		{"Grades K through 5th", 0, 0, directory.Eligibility{HasGrades: true, MinGrade: 0, MaxGrade: 5, Notes: "Grades K through 5th"}},
		{"Pre-K to 2", 0, 0, directory.Eligibility{Notes: "Pre-K to 2"}},
		{"9th graders", 0, 0, directory.Eligibility{HasGrades: true, MinGrade: 9, MaxGrade: 9, Notes: "9th graders"}},
		{"Households at or below 200% of the federal poverty level", 0, 0, directory.Eligibility{IncomeLimitFPL: 200, Notes: "Households at or below 200% of the federal poverty level"}},
		{"Open to all. Grades PK-K. Income limit 185% FPL. Residents of zipcodes:37404 only.", 0, 0,
			directory.Eligibility{HasGrades: true, MinGrade: -1, MaxGrade: 0, IncomeLimitFPL: 185, Residency: "zipcodes:37404", Notes: "Open to all."}},
		{"Ages 200-300", 0, 0, directory.Eligibility{Notes: "Ages 200-300"}},
		{"", 0, 0, directory.Eligibility{}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			e, mn, mx := parseEligibility(tc.in)
			assert.Equal(t, tc.want, e)
			assert.Equal(t, tc.minAge, mn)
			assert.Equal(t, tc.maxAge, mx)
		})
	}
	t.Run("canonical text round trip", func(t *testing.T) {
		for _, e := range []directory.Eligibility{
			{HasGrades: true, MinGrade: -1, MaxGrade: 12, IncomeLimitFPL: 250, Residency: "council-districts:7", Notes: "Families with children"},
			{HasGrades: true, MinGrade: 6, MaxGrade: 8, Notes: "middle school, grades 6-8"},
			{IncomeLimitFPL: 130},
		} {
			got, _, _ := parseEligibility(eligibilityText(e))
			assert.Equal(t, e, got)
		}
	})
}

func TestCostFromText(t *testing.T) {
	t.Parallel()
	cases := map[string]directory.Cost{
		"Free":                         directory.CostFree,
		"No cost to families":          directory.CostFree,
		"Free. No fees.":               directory.CostFree,
		"Sliding scale fees":           directory.CostSlidingScale,
		"$10 per visit":                directory.CostFee,
		"Fees apply":                   directory.CostFee,
		"Patients are expected to pay": directory.CostFee,
		"":                             directory.CostUnknown,
		"Call for details":             directory.CostUnknown,
	}
	for in, want := range cases {
		assert.Equal(t, want, costFromText(in), "%q", in)
	}
	for _, c := range []directory.Cost{directory.CostFree, directory.CostSlidingScale, directory.CostFee} {
		assert.Equal(t, c, costFromText(costText(c)), "costText(%s) reads back", c)
	}
}

func TestLangCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code, name, want string
		ok               bool
	}{
		{"es", "", "es", true},
		{"ES", "", "es", true},
		{"en-US", "", "en", true},
		{"spa", "", "es", true},
		{"", "Spanish", "es", true},
		{"", "Español", "es", true},
		{"ur", "Urdu", "ur", true},
		{"hmn", "", "hmn", true},
		{"", "Hmong", "hmn", true},
		{"", "Klingon", "", false},
		{"", "", "", false},
	}
	for _, tc := range cases {
		got, ok := langCode(tc.code, tc.name)
		assert.Equal(t, tc.ok, ok, "%q %q", tc.code, tc.name)
		assert.Equal(t, tc.want, got, "%q %q", tc.code, tc.name)
	}
}

func TestMapper(t *testing.T) {
	t.Parallel()
	m, err := newMapper(directory.DefaultTaxonomy(), Mapping{
		"BD-1800":         "basic.food",
		"BD-1800.2000":    "basic.food.pantry",
		"airs:LV-1600":    "health.dental",
		"Homework Club":   "education.tutoring",
		"city:Free Lunch": "basic.food.meals",
	})
	require.NoError(t, err)
	cases := []struct {
		term      Term
		want      string
		situation bool
	}{
		{Term{Taxonomy: "wraparound", Code: "health.vision", Name: "Vision"}, "health.vision", false},
		{Term{Code: "enrichment.arts"}, "enrichment.arts", false},
		{Term{Taxonomy: "AIRS", Code: "BD-1800.2000-620", Name: "Food Pantries"}, "basic.food.pantry", false},
		{Term{Taxonomy: "AIRS", Code: "BD-1800.1000", Name: "x"}, "basic.food", false},
		{Term{Taxonomy: "airs", Code: "LV-1600"}, "health.dental", false},
		{Term{Taxonomy: "other", Code: "LV-1600"}, "", false},
		{Term{Name: "homework  club"}, "education.tutoring", false},
		{Term{Taxonomy: "City", Name: "Free Lunch"}, "basic.food.meals", false},
		{Term{Taxonomy: "Open Eligibility", Name: "Food Pantry"}, "basic.food.pantry", false},
		{Term{Taxonomy: "Open Eligibility", Name: "Sports & Recreation"}, "enrichment.sports", false},
		{Term{Taxonomy: "openeligibility", Code: "help-pay-for-housing"}, "basic.housing.rent", false},
		{Term{Taxonomy: "Open Eligibility", Name: "Seniors"}, "", true},
		{Term{Taxonomy: "Open Eligibility", Name: "Bereavement"}, "", false},
	}
	for _, tc := range cases {
		got, sit := m.resolve(tc.term)
		assert.Equal(t, tc.want, got, "%+v", tc.term)
		assert.Equal(t, tc.situation, sit, "%+v", tc.term)
	}
	// Every Open Eligibility target is a real category.
	for name, code := range openEligibility {
		assert.NoError(t, directory.DefaultTaxonomy().Check(code), name)
	}
	assert.Equal(t, "health.vision", m.guess("", "Free eye glasses for students"))
	assert.Equal(t, "basic.food.pantry", m.guess("", "Eastside Food Pantry", "groceries"))
	assert.Equal(t, "", m.guess("", "Community Hall"))
}
