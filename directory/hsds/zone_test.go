package hsds

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOffset(t *testing.T) {
	t.Parallel()
	h, m := time.Hour, time.Minute
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * h, true},
		{"-5", -5 * h, true},
		{"5.5", 5*h + 30*m, true},
		{"+05:00", 5 * h, true},
		{"-0430", -4*h - 30*m, true},
		{"UTC-5", -5 * h, true},
		{"GMT+1", h, true},
		{"Z", 0, true},
		{"0", 0, true},
		{"", 0, false},
		{"Eastern", 0, false},
		{"15", 0, false},
		{"+25:00", 0, false},
		{"1e1", 0, false},
		{"NaN", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseOffset(tc.in)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

func TestClockOffset(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"09:00Z", 0, true},
		{"09:00-05:00", -5 * time.Hour, true},
		{"09:00+05:30", 5*time.Hour + 30*time.Minute, true},
		{"09:00", 0, false},
		{"9am", 0, false},
		{"0900", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := clockOffset(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestFixedZone checks every whole-hour offset against the zone database:
// the named zone must load and be at that offset, and zoneOffset must
// read the name back.
func TestFixedZone(t *testing.T) {
	t.Parallel()
	for h := -12; h <= 14; h++ {
		d := time.Duration(h) * time.Hour
		name, ok := fixedZone(d)
		require.True(t, ok, "%v", d)
		loc, err := time.LoadLocation(name)
		require.NoError(t, err, name)
		_, off := time.Date(2025, 7, 1, 0, 0, 0, 0, loc).Zone()
		assert.Equal(t, d, time.Duration(off)*time.Second, name)
		back, ok := zoneOffset(name)
		assert.True(t, ok, name)
		assert.Equal(t, d, back, name)
	}
	_, ok := fixedZone(5*time.Hour + 30*time.Minute)
	assert.False(t, ok, "no Etc zone for a half hour")
	_, ok = zoneOffset("America/New_York")
	assert.False(t, ok)
}

func TestZoneHas(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	assert.True(t, zoneHas(ny, -5*time.Hour), "EST")
	assert.True(t, zoneHas(ny, -4*time.Hour), "EDT")
	assert.False(t, zoneHas(ny, -6*time.Hour))
	assert.False(t, zoneHas(ny, 0))
}
