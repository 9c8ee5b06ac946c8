package directory_test

import (
	"fmt"
	"strings"
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

// weekMask is the brute-force reading of hours: bit m of a week of
// minutes (Monday 00:00 = 0) is set when OpenAt says open then. It reads
// the hours in UTC, so DST never enters.
func weekMask(h directory.Hours) []bool {
	h.Zone = "UTC"
	mask := make([]bool, 7*24*60)
	mon := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) // a Monday
	for m := range mask {
		mask[m] = h.OpenAt(mon.Add(time.Duration(m) * time.Minute))
	}
	return mask
}

func TestParseOpeningHoursSemantics(t *testing.T) {
	t.Parallel()
	span := func(o, c float64) directory.Span {
		return directory.Span{Open: time.Duration(o * float64(hour)), Close: time.Duration(c * float64(hour))}
	}
	cases := []struct {
		name string
		in   string
		day  time.Weekday
		want []directory.Span // the day's spans; nil with wantErr
		str  string
		err  error
	}{
		{"overnight wrap within the limit", "Fr 22:00-06:00", time.Friday, []directory.Span{span(22, 30)}, "Fr 22:00-06:00", nil},
		{"wrap of exactly MaxWrapSpan", "Fr 15:00-09:00", time.Friday, []directory.Span{span(15, 33)}, "Fr 15:00-09:00", nil},
		{"21-hour wrap is a typing error", "Sa 12:00-09:00", 0, nil, "", directory.ErrBadHours},
		{"explicit extended end is read as written", "Sa 12:00-33:00", time.Saturday, []directory.Span{span(12, 33)}, "Sa 12:00-33:00", nil},
		{"extended end past a full day", "Mo 10:00-35:00", time.Monday, []directory.Span{span(10, 35)}, "Mo 10:00-35:00", nil},
		{"extended end that wraps prints wrapped", "Mo 20:00-26:00", time.Monday, []directory.Span{span(20, 26)}, "Mo 20:00-02:00", nil},
		{"end past 48:00", "Mo 10:00-49:00", 0, nil, "", directory.ErrBadHours},
		{"48:30", "Mo 10:00-48:30", 0, nil, "", directory.ErrBadHours},
		{"start at 24:00", "Mo 24:00-26:00", 0, nil, "", directory.ErrBadHours},
		{"extended end before start", "Mo 10:00-09:00,11:00-30:00", time.Monday, []directory.Span{span(10, 33), span(11, 30)}, "", directory.ErrBadHours},
		{"signed minutes", "Mo 09:+5-10:00", 0, nil, "", directory.ErrBadHours},
		{"signed hours", "Mo +9:05-10:00", 0, nil, "", directory.ErrUnsupportedRule},
		{"one-digit minutes", "Mo 09:5-10:00", 0, nil, "", directory.ErrBadHours},
		{"minutes 60", "Mo 09:60-10:00", 0, nil, "", directory.ErrBadHours},
		{"dead rule replaced on its only day", "Sa 09:00-12:00; Sa 13:00-17:00", 0, nil, "", directory.ErrOverriddenRule},
		{"dead rule from the issue", "Sa 09:00-12:00; Sa 13:00-12:30", 0, nil, "", directory.ErrBadHours},
		{"dead rule replaced by an every-day rule", "Mo-Fr 08:00-12:00; 14:00-20:00", 0, nil, "", directory.ErrOverriddenRule},
		{"partial replacement is the OSM idiom", "Mo-Fr 09:00-17:00; We 10:00-12:00", time.Wednesday, []directory.Span{span(10, 12)}, "Mo-Tu 09:00-17:00; We 10:00-12:00; Th-Fr 09:00-17:00", nil},
		{"additional rule adds", "Sa 09:00-12:00, Sa 13:00-17:00", time.Saturday, []directory.Span{span(9, 12), span(13, 17)}, "Sa 09:00-12:00,13:00-17:00", nil},
		{"closed every day", "Mo-Su off", 0, nil, "", directory.ErrBadHours},
		{"open end", "Mo 18:00+", 0, nil, "", directory.ErrUnsupportedRule},
		{"one-digit hour", "Mo 9:00-17:00", time.Monday, []directory.Span{span(9, 17)}, "Mo 09:00-17:00", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := directory.ParseOpeningHours(tc.in, "America/New_York")
			if tc.err != nil {
				require.Error(t, err, "input %q gave %v", tc.in, h)
				assert.ErrorIs(t, err, tc.err, "input %q", tc.in)
				assert.ErrorIs(t, err, directory.ErrBadHours, "every hours error is ErrBadHours")
				var he *directory.HoursError
				assert.ErrorAs(t, err, &he)
				return
			}
			require.NoError(t, err, "input %q", tc.in)
			assert.Equal(t, tc.want, h.Week[tc.day], "input %q", tc.in)
			assert.Equal(t, tc.str, h.String())
		})
	}
}

func TestHoursErrorPosition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		col  int
		near string
	}{
		{"Mo-Fr 09:00-12:00; Sa 09:+5-10:00", 23, "09:+5-10:00"},
		{"Mo 09:00-10:00; Xy 10:00-11:00", 17, "Xy 10:00-11:00"},
		{"Sa 09:00-12:00; Sa 13:00-17:00", 1, "Sa 09:00-12:00; Sa 13:00…"},
		{"Mo 09:00-10:00,  10:30-99:00", 18, "10:30-99:00"},
	}
	for _, tc := range cases {
		_, err := directory.ParseOpeningHours(tc.in, "")
		var he *directory.HoursError
		require.ErrorAs(t, err, &he, "input %q", tc.in)
		assert.Equal(t, tc.col, he.Column, "input %q: %v", tc.in, err)
		assert.Equal(t, tc.near, he.Near, "input %q", tc.in)
	}
}

func TestParseOpeningHoursBounds(t *testing.T) {
	t.Parallel()
	// A value over the cap is refused before parsing, and the error does
	// not repeat it.
	long := strings.Repeat("Mo 09:00-10:00,", 1<<16)
	_, err := directory.ParseOpeningHours(long, "")
	require.ErrorIs(t, err, directory.ErrHoursTooLong)
	assert.Less(t, len(err.Error()), 200, "error repeats the value: %.200s", err)

	// A bad token deep in a value at the cap is quoted by excerpt only.
	at := strings.Repeat("Mo 09:00-10:00,", 100) + strings.Repeat("x", directory.MaxOpeningHoursLen)
	at = at[:directory.MaxOpeningHoursLen]
	_, err = directory.ParseOpeningHours(at, "")
	require.ErrorIs(t, err, directory.ErrBadHours)
	assert.Less(t, len(err.Error()), 200, "%.300s", err)

	// The most spans the cap allows parse fine (and quickly: the parser
	// sorts each day once).
	var b strings.Builder
	b.WriteString("Mo ")
	for m := 0; b.Len()+12 < directory.MaxOpeningHoursLen && m < 24*60-1; m += 2 {
		if m > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%02d:%02d-%02d:%02d", m/60, m%60, (m+1)/60, (m+1)%60)
	}
	h, err := directory.ParseOpeningHours(b.String(), "")
	require.NoError(t, err)
	assert.Greater(t, len(h.Week[time.Monday]), 150)
}

func TestOverlapBruteForce(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"Fr 20:00-02:00; Sa 01:00-05:00", // carried-over span overlapping the day's own
		"Mo-Su 22:00-06:00",
		"Mo 10:00-35:00; Tu 09:00-12:00",
		"Mo-Fr 08:00-12:00,13:00-17:00; Sa 10:00-14:00",
		"24/7",
		"Th 23:00-47:00; Fr 00:00-24:00",
	}
	for _, in := range inputs {
		h, err := directory.ParseOpeningHours(in, "UTC")
		require.NoError(t, err, in)
		mask := weekMask(h)
		for day := time.Sunday; day <= time.Saturday; day++ {
			base := (int(day) + 6) % 7 * 24 * 60 // minutes from Monday 00:00
			for _, w := range [][2]int{{0, 24 * 60}, {0, 6 * 60}, {60, 300}, {15 * 60, 18 * 60}, {23 * 60, 24 * 60}} {
				want := 0
				for m := w[0]; m < w[1]; m++ {
					if mask[base+m] {
						want++
					}
				}
				got := h.Overlap(day, time.Duration(w[0])*time.Minute, time.Duration(w[1])*time.Minute)
				assert.Equal(t, time.Duration(want)*time.Minute, got, "%q %v %v", in, day, w)
				assert.LessOrEqual(t, got, time.Duration(w[1]-w[0])*time.Minute)
			}
		}
	}
}

func TestHoursLocation(t *testing.T) {
	t.Parallel()
	h, err := directory.ParseOpeningHours("Mo-Fr 09:00-17:00", "")
	require.NoError(t, err)
	assert.Nil(t, h.Location(), "no zone is assumed")
	// Without a zone the hours are read on the instant's own wall clock.
	assert.True(t, h.OpenAt(time.Date(2026, 6, 1, 9, 0, 0, 0, nyc)))
	assert.False(t, h.OpenAt(time.Date(2026, 6, 1, 8, 59, 0, 0, nyc)))
	h, err = directory.ParseOpeningHours("Mo-Fr 09:00-17:00", "America/New_York")
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", h.Location().String())
	assert.True(t, h.OpenAt(time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC)))
}
