package directory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
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

// Known reports whether any opening hours are given.
func (h *Hours) Known() bool {
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

// Errors about opening hours.
var (
	ErrBadHours        = errors.New("directory: malformed opening hours")
	ErrUnsupportedRule = errors.New("directory: unsupported opening_hours rule")
	ErrUnknownZone     = errors.New("directory: unknown time zone")
)

// Validate checks every span: 0 ≤ Open < Close ≤ 48h, spans of a day in
// order and not overlapping, and a zone that loads.
func (h *Hours) Validate() error { return h.validate(zoneCache{}) }

func (h *Hours) validate(zc zoneCache) error {
	for d, spans := range h.Week {
		for i, s := range spans {
			if s.Open < 0 || s.Open >= 24*time.Hour || s.Close <= s.Open || s.Close > 48*time.Hour {
				return fmt.Errorf("%w: %s span %d %s", ErrBadHours, time.Weekday(d), i, s)
			}
			if i > 0 && s.Open < spans[i-1].Close {
				return fmt.Errorf("%w: %s spans %d and %d overlap or are out of order", ErrBadHours, time.Weekday(d), i-1, i)
			}
		}
	}
	if h.Zone != "" {
		if _, err := zc.load(h.Zone); err != nil {
			return fmt.Errorf("%w: %q", ErrUnknownZone, h.Zone)
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
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zc[name] = loc
	return loc, nil
}

// resolve caches the zone's *time.Location, falling back to def.
func (h *Hours) resolve(zc zoneCache, def *time.Location) {
	h.loc = def
	if h.Zone != "" {
		if loc, err := zc.load(h.Zone); err == nil {
			h.loc = loc
		}
	}
}

// Location returns the time zone of the hours: the loaded Zone, or the
// directory default for hours read from a Directory, or UTC.
func (h *Hours) Location() *time.Location {
	if h.loc != nil {
		return h.loc
	}
	if h.Zone != "" {
		if loc, err := time.LoadLocation(h.Zone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// OpenAt reports whether the place is open at instant t, in the hours' own
// time zone. Spans that run past midnight count on the next day. It reports
// false when the hours are unknown; check Known first where unknown should
// be treated differently.
func (h *Hours) OpenAt(t time.Time) bool {
	if h.Always {
		return true
	}
	wd, tod := localClock(t, h.Location())
	return h.openLocal(wd, tod)
}

// localClock returns the weekday and the wall-clock time of day of t in
// loc. On days when clocks change, the wall clock is what counts: 09:00 is
// 9h whatever the offset.
func localClock(t time.Time, loc *time.Location) (time.Weekday, time.Duration) {
	lt := t.In(loc)
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
// local times of day from and to (offsets from midnight, to ≤ 24h),
// counting spans carried over from the day before.
func (h *Hours) Overlap(day time.Weekday, from, to time.Duration) time.Duration {
	if to <= from {
		return 0
	}
	if h.Always {
		return to - from
	}
	var total time.Duration
	add := func(open, close time.Duration) {
		lo, hi := max(open, from), min(close, to)
		if hi > lo {
			total += hi - lo
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
	return total
}

var dayAbbr = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

// String renders the hours in OpenStreetMap opening_hours syntax, grouping
// consecutive days with equal spans: "Mo-Fr 09:00-17:00; Sa 10:00-14:00".
// Unknown hours render as "".
func (h Hours) String() string {
	if h.Always {
		return "24/7"
	}
	if !h.Known() {
		return ""
	}
	order := [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var rules []string
	for i := 0; i < 7; {
		j := i
		for j+1 < 7 && spansEqual(h.Week[order[j+1]], h.Week[order[i]]) {
			j++
		}
		spans := h.Week[order[i]]
		if len(spans) > 0 {
			days := dayAbbr[order[i]]
			if j > i {
				days += "-" + dayAbbr[order[j]]
			}
			parts := make([]string, len(spans))
			for k, s := range spans {
				parts[k] = s.String()
			}
			rules = append(rules, days+" "+strings.Join(parts, ","))
		}
		i = j + 1
	}
	return strings.Join(rules, "; ")
}

func spansEqual(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// String renders the span as "09:00-17:00"; a span past midnight closes
// on the next day's clock ("20:00-02:00").
func (s Span) String() string {
	c := s.Close
	if c > 24*time.Hour {
		c -= 24 * time.Hour
	}
	return clock(s.Open) + "-" + clock(c)
}

func clock(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// ParseOpeningHours reads the common forms of OpenStreetMap's
// opening_hours syntax into Hours in zone:
//
//	"24/7"
//	"Mo-Fr 09:00-17:00; Sa 10:00-14:00"
//	"Mo, We, Fr-Su 09:00-20:00, Tu, Th 08:30-20:00"
//	"Mo-Su 06:00-24:00", "10:00-21:00" (every day), "Mo-Fr 20:00-07:00"
//	"Mo-Fr 08:00-12:00,13:00-17:00; Su off"
//
// Rules separated by ";" replace earlier rules for the days they name;
// rules separated by "," add to them. An empty string gives unknown hours
// (the zero Hours with Zone set), not "closed". Month, date, week, public
// holiday and sunrise/sunset selectors are not supported and give an error
// wrapping ErrUnsupportedRule, so a caller can keep the text as a note.
func ParseOpeningHours(s, zone string) (Hours, error) {
	h := Hours{Zone: zone}
	s = strings.TrimSpace(s)
	if s == "" {
		return h, nil
	}
	if s == "24/7" {
		h.Always = true
		return h, nil
	}
	for _, rule := range strings.Split(s, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		if err := parseRule(&h, rule); err != nil {
			return Hours{}, fmt.Errorf("%w: %q: %w", ErrBadHours, s, err)
		}
	}
	for d := range h.Week {
		sortSpans(h.Week[d])
	}
	if err := h.Validate(); err != nil {
		return Hours{}, fmt.Errorf("%q: %w", s, err)
	}
	return h, nil
}

// parseRule applies one ";"-separated rule. Within it, a day selector
// followed by times forms a sub-rule; a day token after a time token starts
// the next sub-rule.
func parseRule(h *Hours, rule string) error {
	tokens := strings.FieldsFunc(rule, func(r rune) bool { return r == ',' || r == ' ' })
	var days [7]bool
	haveDays, sawTime := false, false
	replaced := [7]bool{}
	apply := func(spans []Span, off bool) {
		for d := 0; d < 7; d++ {
			if haveDays && !days[d] {
				continue
			}
			if !replaced[d] {
				h.Week[d] = nil
				replaced[d] = true
			}
			if off {
				h.Week[d] = nil
				continue
			}
			h.Week[d] = append(h.Week[d], spans...)
		}
	}
	for _, tok := range tokens {
		switch {
		case tok == "off" || tok == "closed":
			apply(nil, true)
			sawTime = true
		case tok == "24/7":
			apply([]Span{{0, 24 * time.Hour}}, false)
			sawTime = true
		case isDigit(tok[0]):
			sp, err := parseSpan(tok)
			if err != nil {
				return err
			}
			apply([]Span{sp}, false)
			sawTime = true
		default:
			lo, hi, err := parseDays(tok)
			if err != nil {
				return err
			}
			if sawTime || !haveDays {
				days = [7]bool{}
				sawTime = false
			}
			haveDays = true
			for d := lo; ; d = (d + 1) % 7 {
				days[d] = true
				if d == hi {
					break
				}
			}
		}
	}
	if haveDays && !sawTime {
		// "Mo-Fr" alone means open all day on those days.
		apply([]Span{{0, 24 * time.Hour}}, false)
	}
	return nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func parseDays(tok string) (lo, hi int, err error) {
	a, b, rng := strings.Cut(tok, "-")
	lo = dayIndex(a)
	if lo < 0 {
		return 0, 0, fmt.Errorf("%w: %q", ErrUnsupportedRule, tok)
	}
	hi = lo
	if rng {
		hi = dayIndex(b)
		if hi < 0 {
			return 0, 0, fmt.Errorf("%w: %q", ErrUnsupportedRule, tok)
		}
	}
	return lo, hi, nil
}

func dayIndex(s string) int {
	for i, a := range dayAbbr {
		if strings.EqualFold(s, a) {
			return i
		}
	}
	return -1
}

func parseSpan(tok string) (Span, error) {
	a, b, ok := strings.Cut(tok, "-")
	if !ok {
		return Span{}, fmt.Errorf("time span %q has no '-'", tok)
	}
	open, err := parseClock(a)
	if err != nil {
		return Span{}, err
	}
	close, err := parseClock(strings.TrimSuffix(b, "+"))
	if err != nil {
		return Span{}, err
	}
	if open >= 24*time.Hour {
		return Span{}, fmt.Errorf("opening time %q past 24:00", a)
	}
	if close <= open {
		close += 24 * time.Hour // runs past midnight
	}
	return Span{open, close}, nil
}

func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(mm) != 2 || len(hh) < 1 || len(hh) > 2 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 48 || m < 0 || m > 59 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func sortSpans(s []Span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Open < s[j-1].Open; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
