package trends

import (
	"fmt"
	"time"
)

// Bucket is a kind of calendar time bucket. The zero value is Month.
//
// Buckets are civil calendar periods in the Store's Location: a day runs
// from local midnight to local midnight (23 or 25 hours across a daylight
// saving change), a week from Monday 00:00 (ISO 8601 weeks), a month,
// quarter, half-year or year from the first day of its first month.
type Bucket uint8

// Bucket kinds. Day, Week and Month are kept as rollups at ingest;
// Quarter, Half and Year are sums of months.
const (
	Month Bucket = iota
	Day
	Week
	Quarter
	Half
	Year
)

var bucketNames = [...]string{"month", "day", "week", "quarter", "half", "year"}

// String returns "month", "day", "week", "quarter", "half" or "year".
func (b Bucket) String() string {
	if int(b) < len(bucketNames) {
		return bucketNames[b]
	}
	return fmt.Sprintf("bucket(%d)", uint8(b))
}

func (b Bucket) valid() bool { return int(b) < len(bucketNames) }

// inChain reports whether b is on the calendar chain Month ⊂ Quarter ⊂
// Half ⊂ Year that suppression mode publishes.
func (b Bucket) inChain() bool { return b == Month || b == Quarter || b == Half || b == Year }

// Period is one bucket of one kind: Start is its first instant in the
// Store's Location, End the first instant after it.
type Period struct {
	Bucket Bucket    `json:"bucket"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
}

// Label returns a short name for the period: "2025-03-14" for a day,
// "2025-W11" for a week, "2025-03", "2025-Q1", "2025-H1", "2025".
func (p Period) Label() string {
	y, m, d := p.Start.Date()
	switch p.Bucket {
	case Day:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case Week:
		iy, iw := p.Start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", iy, iw)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1)
	case Half:
		return fmt.Sprintf("%04d-H%d", y, (int(m)-1)/6+1)
	case Year:
		return fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

// Days is the number of calendar days in the period.
func (p Period) Days() int {
	return int(civilDay(p.End.Date()) - civilDay(p.Start.Date()))
}

// The internal calendar: a civil day is numbered from 1970-01-01 (day 0);
// a month from January 1970 (month 0); a week from the Monday 1969-12-29
// (week 0). All arithmetic is on integers, independent of time zones.

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civilDay returns the day number of the proleptic Gregorian date y-m-d
// (H. Hinnant's days_from_civil).
func civilDay(y int, m time.Month, d int) int32 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := floorDiv(yy, 400)
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// civilDate is the inverse of civilDay.
func civilDate(day int32) (int, time.Month, int) {
	z := int64(day) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(d)
}

// monthOfDay returns the month number (months since January 1970) of a day.
// Days of 1970–2099 are looked up in a table (every request needs its
// month, and the division-heavy civil calendar costs more than the
// read); others are computed.
func monthOfDay(day int32) int32 {
	if uint32(day) < uint32(len(monthTable)) {
		return int32(monthTable[day])
	}
	return monthOfDayCivil(day)
}

func monthOfDayCivil(day int32) int32 {
	y, m, _ := civilDate(day)
	return int32((y-1970)*12 + int(m) - 1)
}

// monthTable maps the days of 1970–2099 to their month numbers (95 KB).
var monthTable = func() []uint16 {
	end := civilDay(2100, time.January, 1)
	t := make([]uint16, end)
	for m, d := 0, int32(0); d < end; m++ {
		next := civilDay(1970+(m+1)/12, time.Month((m+1)%12+1), 1)
		for ; d < next && d < end; d++ {
			t[d] = uint16(m)
		}
	}
	return t
}()

// weekOfDay returns the ISO week number (weeks since 1969-12-29) of a day.
func weekOfDay(day int32) int32 { return int32(floorDiv(int64(day)+3, 7)) }

// index returns the bucket number of kind b containing the given day.
func (b Bucket) index(day int32) int32 {
	switch b {
	case Day:
		return day
	case Week:
		return weekOfDay(day)
	}
	m := int64(monthOfDay(day))
	switch b {
	case Quarter:
		return int32(floorDiv(m, 3))
	case Half:
		return int32(floorDiv(m, 6))
	case Year:
		return int32(floorDiv(m, 12))
	}
	return int32(m)
}

// monthsPer returns how many months a bucket of kind b spans (0 for Day and
// Week, which are not made of months).
func (b Bucket) monthsPer() int32 {
	switch b {
	case Month:
		return 1
	case Quarter:
		return 3
	case Half:
		return 6
	case Year:
		return 12
	}
	return 0
}

// firstDay returns the day number of the first day of bucket i of kind b.
func (b Bucket) firstDay(i int32) int32 {
	switch b {
	case Day:
		return i
	case Week:
		return i*7 - 3
	}
	m := int64(i) * int64(b.monthsPer())
	y := 1970 + floorDiv(m, 12)
	return civilDay(int(y), time.Month(m-floorDiv(m, 12)*12+1), 1)
}

// period returns bucket i of kind b as a Period in loc.
func (b Bucket) period(i int32, loc *time.Location) Period {
	return Period{Bucket: b, Start: dayStart(b.firstDay(i), loc), End: dayStart(b.firstDay(i+1), loc)}
}

func dayStart(day int32, loc *time.Location) time.Time {
	y, m, d := civilDate(day)
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// zoneCache turns instants into civil day numbers in one Location without
// the cost of a zone lookup per call: it remembers the last few
// constant-offset spans (time.Time.ZoneBounds). One per goroutine.
type zoneCache struct {
	loc  *time.Location
	span [8]struct{ lo, hi, off int64 }
	n    int
	next int
}

func (z *zoneCache) day(t time.Time) int32 {
	u := t.Unix()
	for i := 0; i < z.n; i++ {
		s := &z.span[i]
		if u >= s.lo && u < s.hi {
			return int32(floorDiv(u+s.off, 86400))
		}
	}
	lt := t.In(z.loc)
	_, off := lt.Zone()
	lo, hi := int64(-1<<62), int64(1<<62)
	if a, b := lt.ZoneBounds(); !a.IsZero() || !b.IsZero() {
		if !a.IsZero() {
			lo = a.Unix()
		}
		if !b.IsZero() {
			hi = b.Unix()
		}
	}
	s := &z.span[z.next]
	s.lo, s.hi, s.off = lo, hi, int64(off)
	z.next = (z.next + 1) % len(z.span)
	if z.n < len(z.span) {
		z.n++
	}
	return int32(floorDiv(u+int64(off), 86400))
}
