package directory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ParseOpeningHours reads the common forms of OpenStreetMap's
// opening_hours syntax into Hours in zone:
//
//	"24/7"
//	"Mo-Fr 09:00-17:00; Sa 10:00-14:00"
//	"Mo, We, Fr-Su 09:00-20:00, Tu, Th 08:30-20:00"
//	"Mo-Su 06:00-24:00", "10:00-21:00" (every day), "Mo-Fr 20:00-07:00"
//	"Mo-Fr 08:00-12:00,13:00-17:00; Su off"
//
// Times are H:MM or HH:MM with digits only. Rules separated by ";" replace
// earlier rules for the days they name, as OSM specifies ("Mo-Su
// 09:00-17:00; We off" closes Wednesdays); rules separated by "," add to
// them. A ";" rule that later rules replace on every one of its days has
// no effect at all — "Sa 09:00-12:00; Sa 13:00-17:00" means Saturday
// afternoon only — which is almost always a mistake, so it is refused with
// ErrOverriddenRule rather than dropped in silence; join the times with ","
// instead. A span whose end is before its start runs past midnight
// ("22:00-02:00") when it lasts at most MaxWrapSpan; an end after 24:00
// ("10:00-35:00", at most 48:00) is read as written. A start at or after
// 24:00 is refused.
//
// An empty string gives unknown hours (the zero Hours with Zone set), not
// "closed"; a value that leaves every day closed ("off") is refused, since
// it would read back as unknown. Month, date, week, public holiday,
// open-ended ("18:00+") and sunrise/sunset selectors are not supported and
// give an error wrapping ErrUnsupportedRule, so a caller can keep the text
// as a note. Values longer than MaxOpeningHoursLen bytes are refused with
// ErrHoursTooLong before parsing.
//
// Errors are *HoursError values naming the column and quoting a short
// excerpt, never the whole value. Parsing costs O(n log n) in the length.
func ParseOpeningHours(s, zone string) (Hours, error) {
	h := Hours{Zone: zone}
	if len(s) > MaxOpeningHoursLen {
		return Hours{}, &HoursError{Err: fmt.Errorf("%w: %d bytes, more than %d", ErrHoursTooLong, len(s), MaxOpeningHoursLen)}
	}
	if strings.TrimSpace(s) == "" {
		return h, nil
	}
	if strings.TrimSpace(s) == "24/7" {
		h.Always = true
		return h, h.validate(zoneCache{})
	}
	var touched []dayRule // per ";" rule, the days it set
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if strings.TrimSpace(s[start:end]) != "" {
			days, err := parseRule(&h, s, start, end)
			if err != nil {
				return Hours{}, err
			}
			touched = append(touched, dayRule{col: start + firstNonSpace(s[start:end]), days: days})
		}
		start = end + 1
	}
	// A rule is dead when later rules replace it on all its days.
	var later uint8
	for i := len(touched) - 1; i >= 0; i-- {
		r := touched[i]
		if r.days&^later == 0 {
			return Hours{}, &HoursError{Column: r.col + 1, Near: excerpt(s[r.col:]), Err: fmt.Errorf(
				"%w: a later \";\" rule sets the same days, so this one has no effect; join times for one day with \",\" (\"Sa 09:00-12:00,13:00-17:00\")", ErrOverriddenRule)}
		}
		later |= r.days
	}
	for d := range h.Week {
		slices.SortFunc(h.Week[d], func(a, b Span) int { return cmp.Compare(a.Open, b.Open) })
	}
	if !h.Known() {
		return Hours{}, &HoursError{Err: fmt.Errorf("%w: closed on every day; leave the value empty when the hours are unknown", ErrBadHours)}
	}
	if err := h.validate(zoneCache{}); err != nil {
		return Hours{}, &HoursError{Err: err}
	}
	return h, nil
}

type dayRule struct {
	col  int   // 0-based byte offset of the rule
	days uint8 // bit d: the rule sets weekday d
}

func firstNonSpace(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return i
		}
	}
	return 0
}

// parseRule applies the ";"-separated rule s[start:end] and returns the
// days it set. Within it, a day selector followed by times forms a
// sub-rule; a day token after a time token starts the next sub-rule, which
// adds to the first.
func parseRule(h *Hours, s string, start, end int) (uint8, error) {
	var days [7]bool
	haveDays, sawTime := false, false
	var replaced uint8
	apply := func(sp Span, off bool) {
		for d := 0; d < 7; d++ {
			if haveDays && !days[d] {
				continue
			}
			if replaced&(1<<d) == 0 {
				h.Week[d] = nil
				replaced |= 1 << d
			}
			if off {
				h.Week[d] = nil
				continue
			}
			h.Week[d] = append(h.Week[d], sp)
		}
	}
	for i := start; i < end; {
		c := s[i]
		if c == ' ' || c == ',' || c == '\t' {
			i++
			continue
		}
		j := i
		for j < end && s[j] != ' ' && s[j] != ',' && s[j] != '\t' {
			j++
		}
		tok := s[i:j]
		fail := func(err error) error {
			return &HoursError{Column: i + 1, Near: excerpt(s[i:end]), Err: err}
		}
		switch {
		case tok == "off" || tok == "closed":
			apply(Span{}, true)
			sawTime = true
		case tok == "24/7":
			apply(Span{0, 24 * time.Hour}, false)
			sawTime = true
		case isDigit(tok[0]):
			sp, err := parseSpan(tok)
			if err != nil {
				return 0, fail(err)
			}
			apply(sp, false)
			sawTime = true
		default:
			lo, hi, err := parseDays(tok)
			if err != nil {
				return 0, fail(err)
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
		i = j
	}
	if haveDays && !sawTime {
		// "Mo-Fr" alone means open all day on those days.
		apply(Span{0, 24 * time.Hour}, false)
	}
	return replaced, nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func parseDays(tok string) (lo, hi int, err error) {
	a, b, rng := strings.Cut(tok, "-")
	lo = dayIndex(a)
	if lo < 0 {
		return 0, 0, fmt.Errorf("%w: %q is not a weekday (Mo, Tu, We, Th, Fr, Sa, Su)", ErrUnsupportedRule, excerpt(tok))
	}
	hi = lo
	if rng {
		hi = dayIndex(b)
		if hi < 0 {
			return 0, 0, fmt.Errorf("%w: %q is not a weekday range such as Mo-Fr", ErrUnsupportedRule, excerpt(tok))
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

// parseSpan reads "HH:MM-HH:MM". See ParseOpeningHours for how ends at or
// before the start and ends past 24:00 are read.
func parseSpan(tok string) (Span, error) {
	if strings.HasSuffix(tok, "+") {
		return Span{}, fmt.Errorf("%w: open end %q (no closing time)", ErrUnsupportedRule, excerpt(tok))
	}
	a, b, ok := strings.Cut(tok, "-")
	if !ok {
		return Span{}, fmt.Errorf("%w: time span %q has no '-'", ErrBadHours, excerpt(tok))
	}
	open, err := parseClock(a)
	if err != nil {
		return Span{}, err
	}
	close, err := parseClock(b)
	if err != nil {
		return Span{}, err
	}
	if open >= 24*time.Hour {
		return Span{}, fmt.Errorf("%w: opening time %s is not before 24:00", ErrBadHours, clock(open))
	}
	if close <= open {
		if close > 24*time.Hour {
			return Span{}, fmt.Errorf("%w: span %s-%s ends before it starts", ErrBadHours, clock(open), clock(close))
		}
		close += 24 * time.Hour // runs past midnight
		if close-open > MaxWrapSpan {
			length := strings.TrimSuffix(strings.TrimSuffix((close-open).String(), "0s"), "0m")
			return Span{}, fmt.Errorf("%w: span %s-%s would run past midnight for %s, longer than %vh; write the end as %s if that is meant",
				ErrBadHours, clock(open), clock(close-24*time.Hour), length, MaxWrapSpan.Hours(), clock(close))
		}
	}
	return Span{open, close}, nil
}

// parseClock reads H:MM or HH:MM, digits only, from 00:00 to 48:00.
func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(mm) != 2 || len(hh) < 1 || len(hh) > 2 || !allDigits(hh) || !allDigits(mm) {
		return 0, fmt.Errorf("%w: time %q is not HH:MM", ErrBadHours, excerpt(s))
	}
	h := int(hh[0] - '0')
	if len(hh) == 2 {
		h = h*10 + int(hh[1]-'0')
	}
	m := int(mm[0]-'0')*10 + int(mm[1]-'0')
	if m > 59 || h > 48 || h == 48 && m > 0 {
		return 0, fmt.Errorf("%w: time %q is not between 00:00 and 48:00", ErrBadHours, s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
