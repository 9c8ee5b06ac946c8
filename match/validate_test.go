package match_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/match"
)

func TestValidation(t *testing.T) {
	t.Parallel()
	d := build(t, []directory.Provider{{ID: "a", Name: "A", Categories: []string{"health.vision"}, Point: north(0.001)}}, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	valid := func() match.Student {
		return match.Student{
			Home:  orb.Point{-85.3123457, 35.0456789},
			Needs: []match.Need{{Category: "health.vision", Severity: 2}},
		}
	}
	school := orb.Point{-100.3, 95.5}
	tests := []struct {
		name   string
		edit   func(s *match.Student)
		field  string
		err    error
		cause  error
		secret string // must not appear in the message
	}{
		{"latitude out of range", func(s *match.Student) { s.Home = orb.Point{-100.31234, 95.4321} }, "home", match.ErrBadLocation, geo.ErrLatitude, "95.43"},
		{"longitude out of range", func(s *match.Student) { s.Home[0] = -185.4321 }, "home", match.ErrBadLocation, geo.ErrLongitude, "185.43"},
		{"not a number", func(s *match.Student) { s.Home[0] = math.NaN() }, "home", match.ErrBadLocation, geo.ErrNotFinite, "NaN"},
		{"swapped", func(s *match.Student) { s.Home = orb.Point{35.0456789, -95.3123457} }, "home", match.ErrBadLocation, geo.ErrLikelySwapped, "35.0456"},
		{"swapped is also a bad latitude", func(s *match.Student) { s.Home = orb.Point{35.0456789, -95.3123457} }, "home", match.ErrBadLocation, geo.ErrLatitude, "95.31"},
		{"school", func(s *match.Student) { s.School = &school }, "school", match.ErrBadLocation, geo.ErrLatitude, "95.5"},
		{"negative age", func(s *match.Student) { s.Age = -3 }, "age", match.ErrOutOfRange, nil, "-3"},
		{"grade", func(s *match.Student) { s.Grade, s.HasGrade = 14, true }, "grade", match.ErrOutOfRange, nil, "14"},
		{"language", func(s *match.Student) { s.Languages = []string{"en", "Spanish"} }, "languages[1]", match.ErrBadLanguage, nil, "Spanish"},
		{"no items", func(s *match.Student) { s.Needs = nil }, "needs", match.ErrNothingToMatch, nil, ""},
		{"too many items", func(s *match.Student) {
			for range match.MaxItems {
				s.Interests = append(s.Interests, match.Interest{Category: "health"})
			}
		}, "needs", match.ErrTooMany, nil, ""},
		{"missing category", func(s *match.Student) { s.Needs[0].Category = "" }, "needs[0].category", match.ErrMissing, nil, ""},
		{"unknown category", func(s *match.Student) { s.Needs[0].Category = "health.hiv-secret" }, "needs[0].category", match.ErrUnknownCategory, directory.ErrUnknownCategory, "hiv-secret"},
		{"unknown interest", func(s *match.Student) { s.Interests = []match.Interest{{Category: "sports"}} }, "interests[0].category", match.ErrUnknownCategory, nil, "sports"},
		{"severity low", func(s *match.Student) { s.Needs[0].Severity = 0 }, "needs[0].severity", match.ErrOutOfRange, nil, ""},
		{"severity high", func(s *match.Student) {
			s.Needs = append(s.Needs, match.Need{Category: "basic.food", Severity: 7})
		}, "needs[1].severity", match.ErrOutOfRange, nil, "7"},
		{"words too long", func(s *match.Student) { s.Needs[0].Words = strings.Repeat("private ", 100) }, "needs[0].words", match.ErrTooLong, nil, "private"},
		{"strengths too long", func(s *match.Student) { s.Strengths = []string{strings.Repeat("x", match.MaxWords+1)} }, "strengths", match.ErrTooLong, nil, "xxx"},
		{"mode", func(s *match.Student) { s.Constraints.Mode = match.TravelMode(9) }, "constraints.mode", match.ErrBadMode, nil, ""},
		{"transit without network", func(s *match.Student) { s.Constraints.Mode = match.ModeTransit }, "constraints.mode", match.ErrNoTransit, nil, ""},
		{"school mode without school", func(s *match.Student) { s.Constraints.Mode = match.ModeSchool }, "school", match.ErrMissing, nil, ""},
		{"negative travel", func(s *match.Student) { s.Constraints.MaxTravel = -time.Minute }, "constraints.max_travel", match.ErrOutOfRange, nil, ""},
		{"travel too long", func(s *match.Student) { s.Constraints.MaxTravel = 5 * time.Hour }, "constraints.max_travel", match.ErrOutOfRange, nil, ""},
		{"negative distance", func(s *match.Student) { s.Constraints.MaxDistance = -1 }, "constraints.max_distance", match.ErrOutOfRange, nil, ""},
		{"NaN distance", func(s *match.Student) { s.Constraints.MaxDistance = geo.Meters(math.NaN()) }, "constraints.max_distance", match.ErrOutOfRange, nil, ""},
		{"window ends before it starts", func(s *match.Student) {
			s.Constraints.Availability = []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(18, 0), End: hm(15, 30)}}
		}, "constraints.availability[0]", match.ErrBadWindow, nil, "18:00"},
		{"window past midnight", func(s *match.Student) {
			s.Constraints.Availability = []match.WeeklyWindow{{Days: match.Weekend, Start: hm(20, 0), End: hm(25, 0)}}
		}, "constraints.availability[0]", match.ErrBadWindow, nil, ""},
		{"window without days", func(s *match.Student) {
			s.Constraints.Availability = []match.WeeklyWindow{{Start: hm(9, 0), End: hm(12, 0)}}
		}, "constraints.availability[0].days", match.ErrBadDays, nil, ""},
		{"empty exclude", func(s *match.Student) { s.Constraints.Exclude = []string{"a", ""} }, "constraints.exclude[1]", match.ErrMissing, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.edit(&s)
			_, err := m.Plan(context.Background(), s)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.err)
			if tc.cause != nil {
				assert.ErrorIs(t, err, tc.cause)
			}
			var fe *match.FieldError
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, tc.field, fe.Field)
			msg := err.Error()
			assert.Contains(t, msg, "match: student "+tc.field+": ")
			if tc.secret != "" {
				assert.NotContains(t, msg, tc.secret)
			}
			// Never the home coordinates.
			assert.NotContains(t, msg, "85.31")
			assert.NotContains(t, msg, "35.04")
		})
	}

	t.Run("several errors are joined", func(t *testing.T) {
		s := valid()
		s.Age = 200
		s.Needs[0].Severity = 9
		s.Constraints.MaxTravel = -1
		_, err := m.Prepare(context.Background(), s)
		require.Error(t, err)
		var fields []string
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var fe *match.FieldError
			require.True(t, errors.As(e, &fe))
			fields = append(fields, fe.Field)
		}
		assert.Equal(t, []string{"age", "needs[0].severity", "constraints.max_travel"}, fields)
	})
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	d := build(t, []directory.Provider{{ID: "a", Name: "A", Categories: []string{"health"}, Point: home}}, nil, nil)
	tests := []struct {
		name  string
		cfg   match.Config
		field string
	}{
		{"negative k", match.Config{K: -1}, "config.k"},
		{"huge k", match.Config{K: match.MaxK + 1}, "config.k"},
		{"negative weight", match.Config{Weights: match.Weights{Travel: -1, Cost: 1}}, "config.weights"},
		{"NaN weight", match.Config{Weights: match.Weights{Travel: math.NaN()}}, "config.weights"},
		{"negative stop walk", match.Config{StopWalk: -5}, "config.stop_walk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := match.New(t.Context(), d, tc.cfg)
			require.Error(t, err)
			assert.ErrorIs(t, err, match.ErrOutOfRange)
			var fe *match.FieldError
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, tc.field, fe.Field)
			assert.True(t, strings.HasPrefix(err.Error(), "match: "+tc.field+": "), err.Error())
		})
	}
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	assert.Equal(t, match.DefaultK, m.Config().K)
	assert.Equal(t, match.DefaultWeights(), m.Config().Weights)

	pr, err := m.Prepare(context.Background(), match.Student{Home: home, Needs: []match.Need{{Category: "health", Severity: 1}}})
	require.NoError(t, err)
	_, _, err = pr.Evaluate(3, directory.Listing{})
	assert.ErrorIs(t, err, match.ErrBadItem)
	_, _, err = pr.Evaluate(0, directory.Listing{})
	assert.ErrorIs(t, err, match.ErrBadProvider)
	_, err = pr.Top(context.Background(), -1, 3, nil)
	assert.ErrorIs(t, err, match.ErrBadItem)
	_, err = pr.Diagnose(context.Background(), 5)
	assert.ErrorIs(t, err, match.ErrBadItem)
}

func TestTextForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		days match.Days
		text string
	}{
		{match.Weekdays, "Mo-Fr"},
		{match.Weekend, "Sa,Su"},
		{match.EveryDay, "Mo-Su"},
		{match.DaysOf(time.Monday, time.Wednesday, time.Friday), "Mo,We,Fr"},
		{match.DaysOf(time.Saturday), "Sa"},
	} {
		assert.Equal(t, tc.text, tc.days.String())
		var back match.Days
		require.NoError(t, back.UnmarshalText([]byte(tc.text)))
		assert.Equal(t, tc.days, back, tc.text)
	}
	var dd match.Days
	assert.ErrorIs(t, dd.UnmarshalText([]byte("Mo-Funday")), match.ErrBadDays)
	for _, mode := range []match.TravelMode{match.ModeWalk, match.ModeTransit, match.ModeCar, match.ModeSchool} {
		b, err := mode.MarshalText()
		require.NoError(t, err)
		var back match.TravelMode
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, mode, back)
	}
	var mm match.TravelMode
	assert.ErrorIs(t, mm.UnmarshalText([]byte("bike")), match.ErrBadMode)
	assert.Equal(t, "age|travel", (match.ConstraintAge | match.ConstraintTravel).String())
	assert.Equal(t, "Mo-Fr 15:30-18:00", match.WeeklyWindow{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)}.String())
}

// TestValidationStatesRule checks that range errors say what is allowed,
// so a clerk can fix the record without reading the code.
func TestValidationStatesRule(t *testing.T) {
	t.Parallel()
	d := build(t, []directory.Provider{{ID: "a", Name: "A", Categories: []string{"health.vision"}, Point: north(0.001)}}, nil, nil)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	s := match.Student{
		Home:      orb.Point{-85.3123457, 35.0456789},
		Age:       140,
		Languages: []string{"english"},
		Needs:     []match.Need{{Category: "health.vision", Severity: 7}},
	}
	_, err = m.Plan(context.Background(), s)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{"student age: ", "allowed: 0 (unknown) to 130 years", `e.g. "en"`, "needs[0].severity", "allowed: 1 to 3"} {
		assert.Contains(t, msg, want)
	}
	for _, secret := range []string{"140", "english", "7"} {
		assert.NotContains(t, msg, secret)
	}
}
