package transit_test

import (
	"fmt"
	"slices"
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

// weekFeed builds a network of one route between two stops from
// services given as (weekdays or nil for calendar_dates only, first and
// last date, extra dates it runs, trips a day): the shapes of real feeds'
// calendars, with validity June–July 2026.
type weekService struct {
	id         string
	days       []time.Weekday
	from, to   string // calendar.txt span, YYYY-MM-DD; empty for calendar_dates only
	add, taken []string
	trips      int
}

func weekFeed(t *testing.T, svcs []weekService) *transit.Network {
	t.Helper()
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return d
	}
	l := newLine(t)
	for _, s := range svcs {
		if s.from != "" {
			c := transit.Calendar{Start: date(s.from), End: date(s.to)}
			for _, d := range s.days {
				c.Weekdays[d] = true
			}
			require.NoError(t, l.b.AddCalendar(s.id, c))
		}
		for _, d := range s.add {
			require.NoError(t, l.b.AddServiceDate(s.id, date(d), true))
		}
		for _, d := range s.taken {
			require.NoError(t, l.b.AddServiceDate(s.id, date(d), false))
		}
		for i := range s.trips {
			l.trip(t, fmt.Sprintf("%s-%d", s.id, i), "R1", s.id, "A", hm(7+i, 0), "B", hm(7+i, 20))
		}
	}
	require.NoError(t, l.b.SetValidity(date("2026-06-01"), date("2026-07-26")))
	n, err := l.b.Build()
	require.NoError(t, err)
	return n
}

// TestTypicalWeek checks the default plan week on calendars shaped like
// those of real feeds, against weeks worked out by hand: one-off extra
// service (ballgame trains on one Wednesday, a late service on one
// Friday) makes its week the busiest but not the typical one; a holiday
// on a Sunday timetable and the changeover between two timetables (the
// old weekday service ending a week after the new Sunday one starts) are
// passed over too. The validity is 2026-06-01 (a Monday) to 2026-07-26
// (a Sunday): eight whole weeks.
func TestTypicalWeek(t *testing.T) {
	t.Parallel()
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	sat, sun := []time.Weekday{time.Saturday}, []time.Weekday{time.Sunday}
	base := []weekService{
		{id: "WK", days: weekdays, from: "2026-06-01", to: "2026-07-26", trips: 3},
		{id: "SA", days: sat, from: "2026-06-01", to: "2026-07-26", trips: 2},
		{id: "SU", days: sun, from: "2026-06-01", to: "2026-07-26", trips: 1},
	}
	with := func(extra ...weekService) []weekService { return append(slices.Clone(base), extra...) }
	tests := []struct {
		name             string
		svcs             []weekService
		busiest, typical string
	}{
		{
			name: "plain weeks: the first",
			svcs: base, busiest: "2026-06-01", typical: "2026-06-01",
		},
		{
			// Every week ties but the game week, which has two more
			// departures; the typical week is the first plain one.
			name:    "extra trains on one Wednesday",
			svcs:    with(weekService{id: "GAME", add: []string{"2026-06-10"}, trips: 1}),
			busiest: "2026-06-08", typical: "2026-06-01",
		},
		{
			name:    "a late extra on one Friday and one Saturday",
			svcs:    with(weekService{id: "NYE", add: []string{"2026-07-03", "2026-07-04"}, trips: 2}),
			busiest: "2026-06-29", typical: "2026-06-01",
		},
		{
			// Monday 1 June runs the Sunday timetable instead of the
			// weekday one: its week has fewer departures and a Monday
			// unlike the seven others.
			name: "a holiday on the Sunday timetable in the first week",
			svcs: []weekService{
				{id: "WK", days: weekdays, from: "2026-06-01", to: "2026-07-26", taken: []string{"2026-06-01"}, trips: 3},
				base[1],
				{id: "SU", days: sun, from: "2026-06-01", to: "2026-07-26", add: []string{"2026-06-01"}, trips: 1},
			},
			busiest: "2026-06-08", typical: "2026-06-08",
		},
		{
			// The old timetable (4 trips on weekdays, 1 on Sundays) runs
			// two weeks and the new one (3 and 2) six, but the new Sunday
			// timetable starts on the old one's last Sunday, 14 June:
			// that week has the most departures (two a trip: 5×4×2 +
			// 2×2 + 2×2 = 48, against 46 for the first week and 38 for
			// the new ones) and days of both. Usual: the new numbers,
			// first met in full in the week of 15 June.
			name: "changeover between two timetables",
			svcs: []weekService{
				{id: "OLDWK", days: weekdays, from: "2026-06-01", to: "2026-06-14", trips: 4},
				{id: "NEWWK", days: weekdays, from: "2026-06-15", to: "2026-07-26", trips: 3},
				base[1],
				{id: "OLDSU", days: sun, from: "2026-06-01", to: "2026-06-13", trips: 1},
				{id: "NEWSU", days: sun, from: "2026-06-14", to: "2026-07-26", trips: 2},
			},
			busiest: "2026-06-08", typical: "2026-06-15",
		},
		{
			// Weekday service only 1–5 June and 13–24 July, nothing in
			// between, and a game on Wednesday 3 June: the five empty
			// weeks do not make no service usual. Usual Wednesday: 6
			// departures (two days) rather than 8 (one).
			name: "a seasonal feed with a gap",
			svcs: []weekService{
				{id: "JUNE", days: weekdays, from: "2026-06-01", to: "2026-06-05", trips: 3},
				{id: "JULY", days: weekdays, from: "2026-07-13", to: "2026-07-24", trips: 3},
				{id: "GAME", add: []string{"2026-06-03"}, trips: 1},
			},
			busiest: "2026-06-01", typical: "2026-07-13",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := weekFeed(t, tc.svcs)
			assert.Equal(t, tc.busiest, n.BusiestWeek().Format(time.DateOnly), "busiest")
			wk := n.TypicalWeek()
			assert.Equal(t, tc.typical, wk.Format(time.DateOnly), "typical")
			assert.Equal(t, time.Monday, wk.Weekday())
			assert.Equal(t, n.Location(), wk.Location())
		})
	}
}

// TestTypicalWeekCARTA: on CARTA the typical week is the first full week,
// as the busiest is: Memorial Day and Juneteenth, on the Saturday
// timetable, and the Fourth of July, without service, put their weeks
// off the usual numbers.
func TestTypicalWeekCARTA(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "2026-05-11", carta(t).TypicalWeek().Format(time.DateOnly))
}

// TestTypicalWeekPrefersWeekdays is TestBusiestWeekPrefersWeekdays for
// the typical week, and a network without service has neither.
func TestTypicalWeekPrefersWeekdays(t *testing.T) {
	l := newLine(t)
	sun := transit.Calendar{Weekdays: [7]bool{time.Sunday: true}, Start: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, l.b.AddCalendar("SUN", sun))
	l.trip(t, "s", "R1", "SUN", "A", hm(8, 0), "B", hm(9, 0))
	l.trip(t, "w", "R1", "MON", "A", hm(8, 0), "B", hm(9, 0))
	require.NoError(t, l.b.SetValidity(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)))
	n, err := l.b.Build()
	require.NoError(t, err)
	assert.Equal(t, "2026-05-11", n.TypicalWeek().Format(time.DateOnly))

	empty := transit.NewBuilder(time.UTC)
	require.NoError(t, empty.AddAgency(transit.Agency{ID: "a", Name: "A", Timezone: "UTC"}))
	e, err := empty.Build()
	require.NoError(t, err)
	assert.True(t, e.TypicalWeek().IsZero())
}

// BenchmarkDefaultWeek measures the typical week on CARTA beside the
// busiest week, its baseline: both are one pass over the departures and
// the days of the feed, done once per Matcher.
func BenchmarkDefaultWeek(b *testing.B) {
	n := carta(b)
	b.Run("busiest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n.BusiestWeek()
		}
	})
	b.Run("typical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n.TypicalWeek()
		}
	})
}
