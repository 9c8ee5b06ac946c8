package match_test

import (
	"context"
	"golang.org/x/text/language"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/match"
)

// TestEveryHardConstraintExcludes starts from a provider the student can
// use and breaks one hard constraint at a time: the provider must then be
// excluded, for that reason alone, and the need reported unmet because
// of it.
func TestEveryHardConstraintExcludes(t *testing.T) {
	t.Parallel()
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	homeZip := ""
	if reg, ok := zips.Locate(home); ok {
		homeZip = reg.Name
	}
	otherZip := zips.All()[0].Name
	if otherZip == homeZip {
		otherZip = zips.All()[1].Name
	}
	base := func() directory.Provider {
		return directory.Provider{
			ID: "p", Name: "Tutoring Center", Categories: []string{"education.tutoring"},
			Point: north(0.005), Hours: weekdayHours(hm(15, 0), hm(19, 0)),
			Eligibility: directory.Eligibility{MinAge: 6, MaxAge: 14, HasGrades: true, MinGrade: 1, MaxGrade: 8},
			Cost:        directory.CostFree, Wheelchair: true, Capacity: 20, Enrolled: 3,
		}
	}
	student := func() match.Student {
		return match.Student{
			Home: home, Age: 12, Grade: 7, HasGrade: true,
			Needs: []match.Need{{Category: "education.tutoring", Severity: 2}},
			Constraints: match.Constraints{
				MaxTravel:    20 * time.Minute,
				Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)}},
				FreeOnly:     true,
				Wheelchair:   true,
			},
		}
	}
	tests := []struct {
		name string
		prov func(p *directory.Provider)
		stu  func(s *match.Student)
		want match.Constraint
	}{
		{"category", func(p *directory.Provider) { p.Categories = []string{"education.mentoring"} }, nil, match.ConstraintCategory},
		{"age too old", nil, func(s *match.Student) { s.Age = 15 }, match.ConstraintAge},
		{"age too young", func(p *directory.Provider) { p.Eligibility.MinAge = 13 }, nil, match.ConstraintAge},
		{"grade", nil, func(s *match.Student) { s.Grade = 9 }, match.ConstraintGrade},
		{"free only", func(p *directory.Provider) { p.Cost = directory.CostSlidingScale }, nil, match.ConstraintFree},
		{"free only, cost unknown", func(p *directory.Provider) { p.Cost = directory.CostUnknown }, nil, match.ConstraintFree},
		{"wheelchair", func(p *directory.Provider) { p.Wheelchair = false }, nil, match.ConstraintWheelchair},
		{"excluded", nil, func(s *match.Student) { s.Constraints.Exclude = []string{"x", "p"} }, match.ConstraintExcluded},
		{"residency", func(p *directory.Provider) { p.Eligibility.Residency = "zipcodes:" + otherZip }, nil, match.ConstraintResidency},
		{"seats", func(p *directory.Provider) { p.Enrolled = 20 }, nil, match.ConstraintSeats},
		{"schedule", func(p *directory.Provider) { p.Hours = weekdayHours(hm(8, 0), hm(15, 30)) }, nil, match.ConstraintSchedule},
		{"schedule, other days", nil, func(s *match.Student) {
			s.Constraints.Availability = []match.WeeklyWindow{{Days: match.Weekend, Start: hm(9, 0), End: hm(17, 0)}}
		}, match.ConstraintSchedule},
		{"travel time", func(p *directory.Provider) { p.Point = north(0.02) }, nil, match.ConstraintTravel},
		{"travel distance", nil, func(s *match.Student) { s.Constraints.MaxDistance = 500 }, match.ConstraintTravel},
	}
	check := func(t *testing.T, p directory.Provider, s match.Student, want match.Constraint) {
		d := build(t, []directory.Provider{p}, nil, map[string]*geo.Regions{demo.ZipCodes: zips})
		m, err := match.New(t.Context(), d, match.Config{})
		require.NoError(t, err)
		pr, err := m.Prepare(context.Background(), s)
		require.NoError(t, err)
		prov, _ := d.Provider("p")
		_, viol, err := pr.Evaluate(0, prov)
		require.NoError(t, err)
		assert.Equal(t, want, viol)
		plan, err := m.Plan(context.Background(), s)
		require.NoError(t, err)
		it := plan.Items[0]
		n := 0
		for range pr.Candidates(0) {
			n++
		}
		if want == 0 {
			require.Len(t, it.Matches, 1)
			assert.Nil(t, it.Unmet)
			assert.Equal(t, 1, n)
			return
		}
		assert.Empty(t, it.Matches)
		assert.Zero(t, n)
		require.NotNil(t, it.Unmet)
		if want == match.ConstraintCategory {
			assert.Equal(t, 0, it.Unmet.Considered)
			assert.Equal(t, "no Tutoring provider in the directory", it.Unmet.Explanation)
			return
		}
		assert.Equal(t, want, it.Unmet.Reason)
		assert.Equal(t, 1, it.Unmet.Excluded)
		assert.Equal(t, 1, it.Unmet.Considered)
		assert.Equal(t, map[match.Constraint]int{want: 1}, it.Unmet.ByConstraint)
	}
	t.Run("baseline is eligible", func(t *testing.T) { check(t, base(), student(), 0) })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s := base(), student()
			if tc.prov != nil {
				tc.prov(&p)
			}
			if tc.stu != nil {
				tc.stu(&s)
			}
			check(t, p, s, tc.want)
		})
	}
	t.Run("full providers kept when asked", func(t *testing.T) {
		p := base()
		p.Enrolled = 20
		d := build(t, []directory.Provider{p}, nil, nil)
		m, err := match.New(t.Context(), d, match.Config{IncludeFull: true})
		require.NoError(t, err)
		plan, err := m.Plan(context.Background(), student())
		require.NoError(t, err)
		require.Len(t, plan.Items[0].Matches, 1)
		assert.Zero(t, plan.Items[0].Matches[0].Components[match.Capacity])
	})
	t.Run("unknown hours pass the schedule at half score", func(t *testing.T) {
		p := base()
		p.Hours = directory.Hours{}
		d := build(t, []directory.Provider{p}, nil, nil)
		m, err := match.New(t.Context(), d, match.Config{})
		require.NoError(t, err)
		plan, err := m.Plan(context.Background(), student())
		require.NoError(t, err)
		require.Len(t, plan.Items[0].Matches, 1)
		assert.Equal(t, 0.5, plan.Items[0].Matches[0].Components[match.Schedule])
		assert.Contains(t, plan.Items[0].Matches[0].Explanation, "hours unknown, call ahead")
	})
}

// TestUnmetNamesTheLargestExclusion checks the reason counts: of five
// providers, three are too far and two closed in the windows (one of
// them also too far).
func TestUnmetNamesTheLargestExclusion(t *testing.T) {
	t.Parallel()
	mk := func(id string, dLat float64, h directory.Hours) directory.Provider {
		return directory.Provider{ID: id, Name: id, Categories: []string{"health.vision"}, Point: north(dLat), Hours: h}
	}
	evening := weekdayHours(hm(15, 0), hm(20, 0))
	morning := weekdayHours(hm(8, 0), hm(12, 0))
	provs := []directory.Provider{
		mk("a", 0.05, evening), mk("b", 0.06, evening), mk("c", 0.07, morning),
		mk("d", 0.001, morning), mk("e", 0.002, morning),
		{ID: "f", Name: "f", Categories: []string{"health.dental"}, Point: north(0.001)},
	}
	d := build(t, provs, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	plan, err := m.Plan(context.Background(), match.Student{
		Home:  home,
		Needs: []match.Need{{Category: "health.vision", Severity: 3}},
		Constraints: match.Constraints{
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)}},
		},
	})
	require.NoError(t, err)
	u := plan.Items[0].Unmet
	require.NotNil(t, u)
	assert.Equal(t, 5, u.Considered)
	assert.Equal(t, match.ConstraintSchedule, u.Reason)
	assert.Equal(t, 3, u.Excluded)
	assert.Equal(t, map[match.Constraint]int{match.ConstraintSchedule: 3, match.ConstraintTravel: 3}, u.ByConstraint)
	// Ties go to the earlier constraint; travel ties with schedule here
	// and schedule comes first.
	assert.Equal(t, "no Vision care and eye glasses provider open during Mo-Fr 15:30-18:00 (of 5 listed: 3 closed when the student is free, 3 too far)", u.Explanation)
	assert.Len(t, plan.UnmetItems(), 1)
}

// TestPhoneOnlyProviderIsOffered: a provider without a location that
// gives a phone number is offered as a call when nothing within reach
// fits, instead of an unmet need claiming none is in the directory —
// unless another hard constraint excludes it.
func TestPhoneOnlyProviderIsOffered(t *testing.T) {
	t.Parallel()
	line := directory.Provider{ID: "line", Name: "Homework Hotline", Categories: []string{"education.tutoring"},
		Unplaced: true, Phone: "(423) 555-0199", Eligibility: directory.Eligibility{MinAge: 10}}
	silent := directory.Provider{ID: "silent", Name: "No Phone Tutors", Categories: []string{"education.tutoring"}, Unplaced: true}
	d := build(t, []directory.Provider{line, silent}, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	s := match.Student{Home: home, Age: 12, Needs: []match.Need{{Category: "education.tutoring", Severity: 2}}}
	plan, err := m.Plan(context.Background(), s)
	require.NoError(t, err)
	it := plan.Items[0]
	assert.Empty(t, it.Matches)
	assert.Nil(t, it.Unmet)
	require.Len(t, it.Call, 1)
	assert.Equal(t, "line", it.Call[0].Provider.ID())
	assert.Equal(t, "no address listed: call (423) 555-0199", it.Call[0].Explanation)

	// Too young for the hotline: nothing to call, and the need is unmet.
	s.Age = 8
	plan, err = m.Plan(context.Background(), s)
	require.NoError(t, err)
	assert.Empty(t, plan.Items[0].Call)
	require.NotNil(t, plan.Items[0].Unmet)
}

func TestPhoneOnlyFamilyText(t *testing.T) {
	t.Parallel()
	line := directory.Provider{ID: "line", Name: "Homework Hotline", Categories: []string{"education.tutoring"}, Unplaced: true, Phone: "(423) 555-0199"}
	m, err := match.New(t.Context(), build(t, []directory.Provider{line}, nil, nil), match.Config{})
	require.NoError(t, err)
	plan, err := m.Plan(context.Background(), match.Student{Home: home, Needs: []match.Need{{Category: "education.tutoring", Severity: 1}}})
	require.NoError(t, err)
	assert.Contains(t, plan.Family(nil, language.English), "Call Homework Hotline: (423) 555-0199.")
	assert.Contains(t, plan.Family(nil, language.Spanish), "Llame a Homework Hotline: (423) 555-0199.")
}
