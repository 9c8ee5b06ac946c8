package directory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

func TestParseOpeningHours(t *testing.T) {
	t.Parallel()
	span := func(o, c float64) directory.Span {
		return directory.Span{Open: time.Duration(o * float64(hour)), Close: time.Duration(c * float64(hour))}
	}
	type week = map[time.Weekday][]directory.Span
	cases := []struct {
		in     string
		always bool
		want   week
		str    string
	}{
		{"24/7", true, nil, "24/7"},
		{"Mo-Su 06:00-24:00", false, week{0: {span(6, 24)}, 1: {span(6, 24)}, 2: {span(6, 24)}, 3: {span(6, 24)}, 4: {span(6, 24)}, 5: {span(6, 24)}, 6: {span(6, 24)}}, "Mo-Su 06:00-24:00"},
		{"Mo, We, Fr-Su 09:00-20:00, Tu, Th 08:30-20:00", false, week{
			1: {span(9, 20)}, 3: {span(9, 20)}, 5: {span(9, 20)}, 6: {span(9, 20)}, 0: {span(9, 20)},
			2: {span(8.5, 20)}, 4: {span(8.5, 20)},
		}, "Mo 09:00-20:00; Tu 08:30-20:00; We 09:00-20:00; Th 08:30-20:00; Fr-Su 09:00-20:00"},
		{"10:00-21:00", false, week{0: {span(10, 21)}, 1: {span(10, 21)}, 2: {span(10, 21)}, 3: {span(10, 21)}, 4: {span(10, 21)}, 5: {span(10, 21)}, 6: {span(10, 21)}}, "Mo-Su 10:00-21:00"},
		{"Mo-Fr 08:00-12:00,13:00-17:00; Sa 10:00-14:00; Su off", false, week{
			1: {span(8, 12), span(13, 17)}, 2: {span(8, 12), span(13, 17)}, 3: {span(8, 12), span(13, 17)}, 4: {span(8, 12), span(13, 17)}, 5: {span(8, 12), span(13, 17)},
			6: {span(10, 14)},
		}, "Mo-Fr 08:00-12:00,13:00-17:00; Sa 10:00-14:00"},
		{"Mo-Su 09:00-17:00; We off", false, week{0: {span(9, 17)}, 1: {span(9, 17)}, 2: {span(9, 17)}, 4: {span(9, 17)}, 5: {span(9, 17)}, 6: {span(9, 17)}}, "Mo-Tu 09:00-17:00; Th-Su 09:00-17:00"},
		{"Fr 20:00-07:00", false, week{5: {span(20, 31)}}, "Fr 20:00-07:00"},
		{"Sa-Mo 10:00-12:00", false, week{6: {span(10, 12)}, 0: {span(10, 12)}, 1: {span(10, 12)}}, "Mo 10:00-12:00; Sa-Su 10:00-12:00"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			h, err := directory.ParseOpeningHours(tc.in, "America/New_York")
			require.NoError(t, err)
			assert.Equal(t, tc.always, h.Always)
			for d := time.Sunday; d <= time.Saturday; d++ {
				assert.Equal(t, tc.want[d], h.Week[d], "%s: %v", tc.in, d)
			}
			assert.Equal(t, tc.str, h.String())
			assert.True(t, h.Known())
		})
	}
	h, err := directory.ParseOpeningHours("  ", "America/New_York")
	require.NoError(t, err)
	assert.False(t, h.Known(), "a missing value is unknown, not closed")

	for _, bad := range []string{"Mo-Fr 9-5", "Mo-Fr 09:00", "Xx 09:00-10:00", "Mo 25:00-26:00", "Jan-Mar 09:00-12:00", "PH off", "Mo 09:00-12:00,11:00-13:00", "sunrise-sunset"} {
		_, err := directory.ParseOpeningHours(bad, "America/New_York")
		assert.ErrorIs(t, err, directory.ErrBadHours, "input %q", bad)
	}
}

func TestOpenAt(t *testing.T) {
	t.Parallel()
	h, err := directory.ParseOpeningHours("Mo-Fr 09:00-17:00; Fr 20:00-02:00", "America/New_York")
	require.NoError(t, err)
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 6, day, hh, mm, 0, 0, nyc) } // June 1, 2026 is a Monday
	cases := []struct {
		t    time.Time
		want bool
	}{
		{at(1, 9, 0), true},   // opening minute is open
		{at(1, 16, 59), true}, // last minute
		{at(1, 17, 0), false}, // closing minute is closed
		{at(5, 23, 0), true},  // Friday night
		{at(6, 1, 30), true},  // Saturday 01:30, the Friday span
		{at(6, 2, 0), false},
		{at(6, 10, 0), false}, // Saturday
		{time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC), true}, // 09:00 in New York
		{time.Date(2026, 6, 1, 12, 59, 0, 0, time.UTC), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, h.OpenAt(tc.t), "%v", tc.t)
	}
	assert.Equal(t, 2*hour, h.Overlap(time.Monday, 15*hour, 18*hour))
	assert.Equal(t, 2*hour, h.Overlap(time.Saturday, 0, 12*hour), "carried over from Friday")
	assert.Equal(t, time.Duration(0), h.Overlap(time.Sunday, 0, 24*hour))
}
