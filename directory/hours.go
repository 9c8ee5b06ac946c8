package directory

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Hours are weekly opening hours in a time zone. The zero value means the
// hours are unknown, which queries treat as "may be open" only when asked
// to (see Query.OpenAt): unknown is not closed.
type Hours struct {
	// Zone is the IANA time zone the hours are given in
	// ("America/New_York"). Empty means the directory's default zone.
	Zone string `json:"zone,omitempty"`
	// Always marks a place open around the clock ("24/7").
	Always bool `json:"always,omitempty"`
	// Week holds each day's opening spans, indexed by time.Weekday
	// (Sunday = 0). A day with no spans is closed when the hours are
	// known.
	Week [7][]Span `json:"week,omitzero"`

	loc *time.Location
}

// Span is one opening interval on a day, as offsets from local midnight.
// Close may pass 24h for a span that ends after midnight (a night shelter
// open 20:00–07:00 has Open 20h, Close 31h).
type Span struct {
	Open  time.Duration `json:"open"`
	Close time.Duration `json:"close"`
}

// IsZero reports whether the hours are the zero value: unknown, with no
// zone. JSON encoding leaves such hours out (omitzero).
func (h Hours) IsZero() bool { return h.Zone == "" && !h.Known() }

// Known reports whether any opening hours are given.
func (h Hours) Known() bool {
	if h.Always {
		return true
	}
	for _, d := range h.Week {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

// Errors about opening hours. A parse error is an *HoursError, which
// matches ErrBadHours and the more specific sentinel below it.
var (
	ErrBadHours        = errors.New("directory: malformed opening hours")
	ErrUnsupportedRule = errors.New("directory: unsupported opening_hours rule")
	ErrUnknownZone     = errors.New("directory: unknown time zone")
	// ErrHoursTooLong: the value is longer than MaxOpeningHoursLen.
	ErrHoursTooLong = errors.New("directory: opening hours too long")
	// ErrOverriddenRule: a ";" rule is wholly replaced by later rules for
	// the same days, so it has no effect (see ParseOpeningHours).
	ErrOverriddenRule = errors.New("directory: opening_hours rule replaced by a later rule")
	// ErrNoZone: hours that need a time zone have none, and the reader or
	// builder was given no default (see Builder.Location).
	ErrNoZone = errors.New("directory: opening hours without a time zone")
)

// MaxOpeningHoursLen bounds an opening_hours value, in bytes. OpenStreetMap
// caps tag values at 255 characters; the margin leaves room for schedules
// converted from other sources (a week of distinct days with several
// spans each renders to a few hundred bytes).
const MaxOpeningHoursLen = 2048

// MaxWrapSpan is the longest span ParseOpeningHours accepts when written
// with its end before its start. OSM reads "22:00-02:00" as running past
// midnight to 02:00 the next day; by the same rule "12:00-09:00" would be
// a 21-hour opening, which in practice is a typing error for a day span.
// Longer overnight spans must be written with an explicit extended end
// time ("12:00-33:00"), which OSM allows up to 48:00.
const MaxWrapSpan = 18 * time.Hour

// HoursError reports a problem in an opening_hours value: the 1-based
// byte column of the token at fault (0 when the problem is with the
// value as a whole), a short excerpt starting there, and the cause. It
// matches ErrBadHours with errors.Is, and Err's own sentinel too. The
// excerpt is at most excerptLen bytes: an error never repeats a long value.
type HoursError struct {
	Column int
	Near   string
	Err    error
}

const excerptLen = 24

func (e *HoursError) Error() string {
	var b strings.Builder
	b.WriteString("directory: malformed opening hours")
	if e.Column > 0 {
		fmt.Fprintf(&b, " at column %d near %q", e.Column, e.Near)
	}
	b.WriteString(": ")
	msg := strings.TrimPrefix(e.Err.Error(), ErrBadHours.Error()+": ")
	b.WriteString(strings.TrimPrefix(msg, "directory: "))
	return b.String()
}

// Unwrap returns ErrBadHours and the cause.
func (e *HoursError) Unwrap() []error { return []error{ErrBadHours, e.Err} }

// excerpt returns at most excerptLen bytes of s, cut at a rune boundary.
func excerpt(s string) string {
	if len(s) <= excerptLen {
		return s
	}
	n := excerptLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Validate checks every span: 0 ≤ Open < 24h, Open < Close ≤ 48h, spans
// of a day in order and not overlapping, and a zone that loads. Spans of
// neighbouring days may overlap past midnight: the place is open while any
// span is.
func (h *Hours) Validate() error { return h.validate(zoneCache{}) }

func (h *Hours) validate(zc zoneCache) error {
	for d, spans := range h.Week {
		for i, s := range spans {
			if s.Open < 0 || s.Open >= 24*time.Hour || s.Close <= s.Open || s.Close > 48*time.Hour {
				return fmt.Errorf("%w: %s span %d %s is not within 00:00-48:00 with its end after its start", ErrBadHours, time.Weekday(d), i, s)
			}
			if i > 0 && s.Open < spans[i-1].Close {
				return fmt.Errorf("%w: %s spans %s and %s overlap or are out of order", ErrBadHours, time.Weekday(d), spans[i-1], s)
			}
		}
	}
	if h.Zone != "" {
		if _, err := zc.load(h.Zone); err != nil {
			return fmt.Errorf("%w: %q", ErrUnknownZone, excerpt(h.Zone))
		}
	}
	return nil
}

// zoneCache loads each time zone once per build: time.LoadLocation reads
// the zone database on every call.
type zoneCache map[string]*time.Location

func (zc zoneCache) load(name string) (*time.Location, error) {
	if loc, ok := zc[name]; ok {
		return loc, nil
	}
	loc, err := loadZone(name)
	if err != nil {
		return nil, err
	}
	zc[name] = loc
	return loc, nil
}

// loadZone is time.LoadLocation, which reads and parses the zone database
// on every call, cached for the process. Only zones that load are kept,
// so the cache holds at most the few hundred zones of the database.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := loadedZones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	loadedZones.Store(name, loc)
	return loc, nil
}

var loadedZones sync.Map // zone name → *time.Location

// resolve caches the zone's *time.Location, falling back to def.
func (h *Hours) resolve(zc zoneCache, def *time.Location) {
	h.loc = def
	if h.Zone != "" {
		if loc, err := zc.load(h.Zone); err == nil {
			h.loc = loc
		}
	}
}

// Location returns the time zone of the hours: the loaded Zone, or, for
// hours read from a Directory, the directory's default zone. It returns nil
// for hours with no zone outside a directory: such hours are wall-clock
// times with no zone of their own, and OpenAt reads them in the zone of
// the instant it is given. No zone is ever assumed.
func (h Hours) Location() *time.Location {
	if h.loc != nil {
		return h.loc
	}
	if h.Zone != "" {
		if loc, err := loadZone(h.Zone); err == nil {
			return loc
		}
	}
	return nil
}

// OpenAt reports whether the place is open at instant t, in the hours' own
// time zone (see Location; hours without one are read on t's own wall
// clock). Spans that run past midnight count on the next day. It reports
// false when the hours are unknown; check Known first where unknown should
// be treated differently.
func (h Hours) OpenAt(t time.Time) bool {
	if h.Always {
		return true
	}
	wd, tod := localClock(t, h.Location())
	return h.openLocal(wd, tod)
}

// localClock returns the weekday and the wall-clock time of day of t in
// loc, or in t's own zone when loc is nil. On days when clocks change, the
// wall clock is what counts: 09:00 is 9h whatever the offset.
func localClock(t time.Time, loc *time.Location) (time.Weekday, time.Duration) {
	lt := t
	if loc != nil {
		lt = t.In(loc)
	}
	hh, mm, ss := lt.Clock()
	tod := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second + time.Duration(lt.Nanosecond())
	return lt.Weekday(), tod
}

// openLocal reports whether the place is open at wall-clock time tod on
// weekday wd.
func (h *Hours) openLocal(wd time.Weekday, tod time.Duration) bool {
	if h.Always {
		return true
	}
	for _, s := range h.Week[wd] {
		if tod >= s.Open && tod < s.Close {
			return true
		}
	}
	for _, s := range h.Week[(wd+6)%7] {
		if s.Close > 24*time.Hour && tod+24*time.Hour < s.Close {
			return true
		}
	}
	return false
}

// Overlap returns how long the place is open on weekday day between the
// local times of day from and to (offsets from midnight, clamped to
// [0, 24h]), counting spans carried over from the day before. Time covered
// by several spans (the day's own and one carried over past midnight)
// counts once, so the result never exceeds to - from. It costs
// O(s log s) for the s spans of the two days.
func (h Hours) Overlap(day time.Weekday, from, to time.Duration) time.Duration {
	from, to = max(from, 0), min(to, 24*time.Hour)
	if to <= from {
		return 0
	}
	if h.Always {
		return to - from
	}
	var buf [8]Span
	iv := buf[:0]
	add := func(open, close time.Duration) {
		lo, hi := max(open, from), min(close, to)
		if hi > lo {
			iv = append(iv, Span{lo, hi})
		}
	}
	for _, s := range h.Week[day] {
		add(s.Open, s.Close)
	}
	for _, s := range h.Week[(day+6)%7] {
		if s.Close > 24*time.Hour {
			add(0, s.Close-24*time.Hour)
		}
	}
	slices.SortFunc(iv, func(a, b Span) int { return cmp.Compare(a.Open, b.Open) })
	var total, end time.Duration
	for _, s := range iv {
		lo := max(s.Open, end)
		if s.Close > lo {
			total += s.Close - lo
			end = s.Close
		}
	}
	return total
}

var dayAbbr = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

// String renders the hours in OpenStreetMap opening_hours syntax, grouping
// consecutive days with equal spans: "Mo-Fr 09:00-17:00; Sa 10:00-14:00".
// Unknown hours render as "". ParseOpeningHours reads the result back to
// hours open at exactly the same moments.
func (h Hours) String() string {
	if h.Always {
		return "24/7"
	}
	if !h.Known() {
		return ""
	}
	order := [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var b strings.Builder
	for i := 0; i < 7; {
		j := i
		for j+1 < 7 && slices.Equal(h.Week[order[j+1]], h.Week[order[i]]) {
			j++
		}
		spans := h.Week[order[i]]
		if len(spans) > 0 {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(dayAbbr[order[i]])
			if j > i {
				b.WriteString("-" + dayAbbr[order[j]])
			}
			for k, s := range spans {
				if k == 0 {
					b.WriteByte(' ')
				} else {
					b.WriteByte(',')
				}
				b.WriteString(s.String())
			}
		}
		i = j + 1
	}
	return b.String()
}

// String renders the span as "09:00-17:00". A span past midnight closes
// on the next day's clock ("20:00-02:00") when ParseOpeningHours would
// read that back as the same span (it ends before it starts and lasts at
// most MaxWrapSpan); otherwise the end is written as an extended time
// ("12:00-33:00", "10:00-35:00").
func (s Span) String() string {
	c := s.Close
	if c > 24*time.Hour && c-24*time.Hour < s.Open && s.Close-s.Open <= MaxWrapSpan {
		c -= 24 * time.Hour
	}
	return clock(s.Open) + "-" + clock(c)
}

func clock(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
