package transit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
)

// TestBusiestWeekCARTA checks the default week on CARTA, whose feed
// starts on Sunday 10 May 2026: the week is a full Monday–Sunday week
// inside the feed's validity, every weekday of it has buses (a weekday
// window has departures), and no other week has more departures, counted
// independently from the scan of stop_times.txt and calendar.txt.
func TestBusiestWeekCARTA(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	wk := n.BusiestWeek()
	require.False(t, wk.IsZero())
	assert.Equal(t, time.Monday, wk.Weekday())
	start, end, ok := n.Validity()
	require.True(t, ok)
	assert.Equal(t, "2026-05-10 2026-08-22", start.Format(time.DateOnly)+" "+end.Format(time.DateOnly))
	assert.False(t, wk.Before(start), "week %v starts before the feed", wk)
	assert.False(t, wk.AddDate(0, 0, 6).After(end), "week %v ends after the feed", wk)
	for d := range 5 {
		day := wk.AddDate(0, 0, d)
		w := transit.Window{Date: day, Start: 15 * time.Hour, End: 17 * time.Hour}
		stop, _ := n.StopIndex(busyStop(t))
		assert.Positive(t, n.Departures(stop, w), "%v %v", day.Weekday(), day)
	}

	// Departures per service from the scan; per week from calendar.txt
	// (weekday "1", Saturday "3", Sunday "2") and the two holidays of
	// calendar_dates.txt, which run Saturday service instead.
	perSvc := map[string]int{}
	for _, r := range s.stopTimes {
		perSvc[s.tripSvc[r.trip]]++
	}
	holiday := map[string]bool{"2026-05-25": true, "2026-06-19": true}
	weekCount := func(monday time.Time) int {
		c := 0
		for d := range 7 {
			day := monday.AddDate(0, 0, d)
			if day.Before(start) || day.After(end) {
				continue
			}
			switch {
			case holiday[day.Format(time.DateOnly)], day.Weekday() == time.Saturday:
				c += perSvc[cartaSaturday]
			case day.Weekday() == time.Sunday:
				c += perSvc[cartaSunday]
			default:
				c += perSvc[cartaWeekday]
			}
		}
		return c
	}
	best := weekCount(wk)
	for m := time.Date(2026, 5, 4, 0, 0, 0, 0, n.Location()); !m.After(end); m = m.AddDate(0, 0, 7) {
		assert.LessOrEqual(t, weekCount(m), best, "week of %v busier than %v", m, wk)
	}
	assert.Equal(t, "2026-05-11", wk.Format(time.DateOnly), "the first full week (no holiday) ties the others and is earliest")
}

// busyStop returns the stop_id with the most stop_times in the scan.
func busyStop(t *testing.T) string {
	s := cartaScan(t)
	c := map[string]int{}
	best := ""
	for _, r := range s.stopTimes {
		c[r.stop]++
		if c[r.stop] > c[best] {
			best = r.stop
		}
	}
	return best
}

// TestBusiestWeekPrefersWeekdays: a network with Sunday service in its
// first (partial) week and thin weekday service after still yields a week
// with weekday service, even when a weekend-only week has more buses.
func TestBusiestWeekPrefersWeekdays(t *testing.T) {
	l := newLine(t)
	sun := transit.Calendar{Weekdays: [7]bool{time.Sunday: true}, Start: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, l.b.AddCalendar("SUN", sun))
	for i := range 20 {
		l.trip(t, "s"+string(rune('a'+i)), "R1", "SUN", "A", hm(8, i), "B", hm(9, i))
	}
	l.trip(t, "w", "R1", "MON", "A", hm(8, 0), "B", hm(9, 0))
	require.NoError(t, l.b.SetValidity(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)))
	n, err := l.b.Build()
	require.NoError(t, err)
	assert.Equal(t, "2026-05-11", n.BusiestWeek().Format(time.DateOnly))
}

// TestRoutesAtInSaturday checks per-day route lists on CARTA: for a
// Saturday morning window, each stop lists exactly the routes with a
// Saturday-service trip leaving it between 09:00 and 12:00, from an
// independent scan of the feed, and some stop's list is shorter than
// the all-week RoutesAt.
func TestRoutesAtInSaturday(t *testing.T) {
	t.Parallel()
	n, s := carta(t), cartaScan(t)
	w := transit.Window{Date: saturday, Start: 9 * time.Hour, End: 12 * time.Hour}
	want := map[string]map[string]bool{}
	for _, r := range s.stopTimes {
		if s.tripSvc[r.trip] != cartaSaturday || r.dep < 9*3600 || r.dep >= 12*3600 {
			continue
		}
		if want[r.stop] == nil {
			want[r.stop] = map[string]bool{}
		}
		want[r.stop][s.routeName[s.tripRoute[r.trip]]] = true
	}
	fewer := 0
	for i, st := range n.Stops() {
		got := map[string]bool{}
		for _, name := range n.RouteNamesAtIn(i, w) {
			got[name] = true
		}
		if len(want[st.ID]) == 0 {
			assert.Empty(t, got, "stop %s", st.ID)
		} else {
			assert.Equal(t, want[st.ID], got, "stop %s", st.ID)
		}
		assert.Len(t, n.RoutesAtIn(i, w), len(got))
		if len(got) < len(n.RoutesAt(i)) {
			fewer++
		}
	}
	assert.Positive(t, fewer, "weekday-only routes should drop out on Saturday")
	assert.Nil(t, n.RoutesAtIn(-1, w))
}
