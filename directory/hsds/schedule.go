package hsds

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
)

// errOddTime marks a time of day ("9am", "0900") or a list of days
// ("Monday", "1-5") in a non-standard form that was normalised; its
// Problem has KindOddTime and says what the value was read as.
var errOddTime = errors.New("hsds: schedule value in a non-standard form, normalised")

// hhmm renders a time of day as HH:MM ("24:00" for the end of the day).
func hhmm(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// bydayString renders days as an RRULE BYDAY list ("MO,TU").
func bydayString(days [7]bool) string {
	var out []string
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if days[d] {
			out = append(out, rruleDay[d])
		}
	}
	return strings.Join(out, ",")
}

// parseClock reads a time of day: "09:00", "9:00:00", "9am", "9:30 p.m.",
// "0930", "17", "noon", "midnight", with an optional trailing zone ("Z",
// "+05:00") that is dropped. end says the time closes a span, so that
// "midnight", "24:00" and "23:59" mean the end of the day (24h). odd
// reports a form other than HH:MM or HH:MM:SS.
func parseClock(s string, end bool) (d time.Duration, odd bool, err error) {
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	bad := func() (time.Duration, bool, error) {
		return 0, false, fmt.Errorf("%w: %q", ErrBadTime, clip(orig))
	}
	if s == "" {
		return bad()
	}
	switch s {
	case "noon":
		return 12 * time.Hour, true, nil
	case "midnight":
		if end {
			return 24 * time.Hour, true, nil
		}
		return 0, true, nil
	}
	canonical := isCanonicalClock(s)
	// Drop a zone designator after the time.
	if i := strings.IndexAny(s, "z+"); i > 0 {
		s = strings.TrimSpace(s[:i])
		canonical = false
	} else if i := strings.LastIndexByte(s, '-'); i > 3 {
		s = strings.TrimSpace(s[:i])
		canonical = false
	}
	ampm := ""
	for _, suf := range []string{"a.m.", "p.m.", "am", "pm", "a", "p"} {
		if strings.HasSuffix(s, suf) {
			ampm = suf[:1]
			s = strings.TrimSpace(strings.TrimSuffix(s, suf))
			break
		}
	}
	var h, m int
	if strings.Contains(s, ":") || strings.Contains(s, ".") {
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '.' })
		if len(parts) < 2 || len(parts) > 3 {
			return bad()
		}
		var e1, e2 error
		h, e1 = strconv.Atoi(parts[0])
		m, e2 = strconv.Atoi(parts[1])
		if e1 != nil || e2 != nil || len(parts[1]) != 2 {
			return bad()
		}
		if len(parts) == 3 {
			if _, err := strconv.Atoi(parts[2]); err != nil || len(parts[2]) != 2 {
				return bad()
			}
		}
	} else {
		if s == "" || len(s) > 4 {
			return bad()
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return bad()
		}
		if len(s) <= 2 {
			h = n
		} else {
			h, m = n/100, n%100
		}
	}
	if m < 0 || m > 59 || h < 0 {
		return bad()
	}
	switch ampm {
	case "a":
		if h < 1 || h > 12 {
			return bad()
		}
		if h == 12 {
			h = 0
		}
	case "p":
		if h < 1 || h > 12 {
			return bad()
		}
		if h != 12 {
			h += 12
		}
	default:
		if h > 24 || (h == 24 && m != 0) {
			return bad()
		}
	}
	d = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if end && (d == 0 && ampm == "a" || d == 23*time.Hour+59*time.Minute) {
		d = 24 * time.Hour
	}
	if !end && d == 24*time.Hour {
		return bad()
	}
	return d, !canonical, nil
}

func isCanonicalClock(s string) bool {
	if len(s) != 5 && len(s) != 8 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if i == 2 || i == 5 {
			if c != ':' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var dayCodes = map[string]time.Weekday{
	"su": time.Sunday, "sun": time.Sunday, "sunday": time.Sunday,
	"mo": time.Monday, "mon": time.Monday, "monday": time.Monday,
	"tu": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"we": time.Wednesday, "wed": time.Wednesday, "wednesday": time.Wednesday,
	"th": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fr": time.Friday, "fri": time.Friday, "friday": time.Friday,
	"sa": time.Saturday, "sat": time.Saturday, "saturday": time.Saturday,
}

var rruleDay = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// parseDays reads an RRULE BYDAY list ("MO,TU,FR"), also accepting day
// names, ranges ("MO-FR") and ISO weekday numbers (1 = Monday … 7 =
// Sunday) as older exports give them. Ordinal days ("1MO", "-1FR") belong
// to monthly rules and give ErrUnsupportedSchedule.
func parseDays(s string) (days [7]bool, odd bool, err error) {
	toks := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' })
	if len(toks) == 0 {
		return days, false, fmt.Errorf("%w: no days given", ErrUnsupportedSchedule)
	}
	one := func(t string) (time.Weekday, error) {
		if d, ok := dayCodes[strings.TrimSuffix(t, ".")]; ok {
			return d, nil
		}
		if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= 7 {
			odd = true
			return time.Weekday(n % 7), nil
		}
		if len(t) > 2 && (t[0] == '-' || t[0] == '+' || t[0] >= '0' && t[0] <= '9') {
			return 0, fmt.Errorf("%w: ordinal day %q", ErrUnsupportedSchedule, clip(t))
		}
		return 0, fmt.Errorf("%w: day %q", ErrBadValue, clip(t))
	}
	for _, t := range toks {
		if a, b, rng := strings.Cut(t, "-"); rng && a != "" {
			lo, err1 := one(a)
			hi, err2 := one(b)
			if err1 != nil || err2 != nil {
				return days, false, errors.Join(err1, err2)
			}
			odd = true
			for d := lo; ; d = (d + 1) % 7 {
				days[d] = true
				if d == hi {
					break
				}
			}
			continue
		}
		d, err := one(t)
		if err != nil {
			return days, false, err
		}
		if !dayCodes2[t] {
			odd = true
		}
		days[d] = true
	}
	return days, odd, nil
}

var dayCodes2 = map[string]bool{"su": true, "mo": true, "tu": true, "we": true, "th": true, "fr": true, "sa": true}

// parseDate reads the date forms seen in HSDS exports.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "01/02/2006", "1/2/2006", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// hours builds weekly hours from schedule rows: each WEEKLY rule (or rule
// with no frequency) gives its opening span on each of its days. Rules
// outside their valid_from/valid_to window or past their until date on
// date (when date is set) are skipped; monthly rules and rules every
// other week cannot be expressed as weekly hours and are reported.
func (im *importer) hours(rows []*row, id string) directory.Hours {
	h := directory.Hours{Zone: im.opts.Zone}
	var week [7][]directory.Span
	any := false
	var (
		dataOff  time.Duration
		hasOff   bool
		offRow   *row
		offField string
	)
	for _, r := range rows {
		sid := r.get("id")
		if !im.opts.Date.IsZero() {
			if t, ok := parseDate(r.get("valid_from")); ok && im.opts.Date.Before(t) {
				continue
			}
			if t, ok := parseDate(r.get("valid_to")); ok && im.opts.Date.After(t.Add(24*time.Hour-time.Nanosecond)) {
				continue
			}
			if t, ok := parseDate(r.get("until")); ok && im.opts.Date.After(t.Add(24*time.Hour-time.Nanosecond)) {
				continue
			}
		}
		freq := strings.ToUpper(r.get("freq"))
		if freq != "" && freq != "WEEKLY" {
			im.c.addf(r.at("freq"), tSchedule, sid, "freq", ErrUnsupportedSchedule, "frequency %q (provider %q)", freq, id)
			continue
		}
		if iv := r.get("interval"); iv != "" && iv != "1" && iv != "0" {
			im.c.addf(r.at("interval"), tSchedule, sid, "interval", ErrUnsupportedSchedule, "every %s weeks (provider %q)", iv, id)
			continue
		}
		var ignored []string
		for _, f := range []string{"byweekno", "bymonthday", "byyearday"} {
			if r.get(f) != "" {
				ignored = append(ignored, f)
			}
		}
		if len(ignored) > 0 {
			im.c.addf(r.at(ignored[0]), tSchedule, sid, ignored[0], ErrUnsupportedSchedule, "%s ignored in a weekly rule", strings.Join(ignored, ", "))
		}
		dayField := "byday"
		ds := r.get("byday")
		if ds == "" {
			ds, dayField = r.get("weekday", "days"), "weekday"
		}
		days, oddDays, err := parseDays(ds)
		if err != nil {
			im.c.add(r.at(dayField), tSchedule, sid, dayField, err)
			continue
		}
		if oddDays {
			im.c.addf(r.at(dayField), tSchedule, sid, dayField, errOddTime, "days %q read as %s", ds, bydayString(days))
		}
		os, cs := r.get("opens_at"), r.get("closes_at")
		var sp directory.Span
		if os == "" && cs == "" {
			desc := strings.ToLower(r.get("description"))
			if !strings.Contains(desc, "24 hours") && !strings.Contains(desc, "24/7") {
				im.c.addf(r.at("opens_at"), tSchedule, sid, "opens_at", ErrBadTime, "no opening time")
				continue
			}
			sp = directory.Span{Open: 0, Close: 24 * time.Hour}
		} else {
			open, odd1, err1 := parseClock(os, false)
			if err1 != nil {
				im.c.add(r.at("opens_at"), tSchedule, sid, "opens_at", err1)
				continue
			}
			close, odd2, err2 := parseClock(cs, true)
			if err2 != nil {
				im.c.add(r.at("closes_at"), tSchedule, sid, "closes_at", err2)
				continue
			}
			if odd1 {
				im.c.addf(r.at("opens_at"), tSchedule, sid, "opens_at", errOddTime, "opening time %q read as %s", os, hhmm(open))
			}
			if odd2 {
				im.c.addf(r.at("closes_at"), tSchedule, sid, "closes_at", errOddTime, "closing time %q read as %s", cs, hhmm(close))
			}
			if close == open {
				im.c.addf(r.at("closes_at"), tSchedule, sid, "closes_at", ErrBadTime, "opens and closes at %s", cs)
				continue
			}
			if close < open {
				close += 24 * time.Hour // runs past midnight
			}
			sp = directory.Span{Open: open, Close: close}
		}
		if off, field, ok := im.rowOffset(r); ok {
			switch {
			case !hasOff:
				dataOff, hasOff, offRow, offField = off, true, r, field
			case off != dataOff:
				im.c.addf(r.at(field), tSchedule, sid, field, ErrZoneConflict, "%s here, %s in schedule %q of the same provider %q; the first is used", offsetString(off), offsetString(dataOff), offRow.get("id"), id)
			}
		}
		for d, on := range days {
			if on {
				week[d] = append(week[d], sp)
				any = true
			}
		}
	}
	if !any {
		return h
	}
	h.Zone = im.zoneFor(hasOff, dataOff, offRow, offField, rows[0], id)
	always := true
	for d := range week {
		week[d] = mergeSpans(week[d])
		if len(week[d]) != 1 || week[d][0].Open != 0 || week[d][0].Close < 24*time.Hour {
			always = false
		}
	}
	if always {
		h.Always = true
		return h
	}
	h.Week = week
	if err := h.Validate(); err != nil {
		im.c.addf(rows[0].pos, tSchedule, id, "hours", ErrBadTime, "%w", err)
		return directory.Hours{Zone: im.opts.Zone}
	}
	return h
}

// mergeSpans sorts spans and joins overlapping or touching ones.
func mergeSpans(s []directory.Span) []directory.Span {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool {
		if s[i].Open != s[j].Open {
			return s[i].Open < s[j].Open
		}
		return s[i].Close < s[j].Close
	})
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Open <= last.Close {
			last.Close = max(last.Close, x.Close)
			continue
		}
		out = append(out, x)
	}
	return out
}

// rowOffset returns the UTC offset a schedule row gives: its timezone
// field, else a suffix on opens_at or closes_at. A timezone that cannot
// be read is reported and ignored.
func (im *importer) rowOffset(r *row) (time.Duration, string, bool) {
	if v := r.get("timezone"); v != "" {
		if off, ok := parseOffset(v); ok {
			return off, "timezone", true
		}
		im.c.addf(r.at("timezone"), tSchedule, r.get("id"), "timezone", ErrBadValue, "timezone %q is not a UTC offset in hours", v)
	}
	for _, f := range []string{"opens_at", "closes_at"} {
		if off, ok := clockOffset(r.get(f)); ok {
			return off, f, true
		}
	}
	return 0, "", false
}

// zoneFor picks the zone of one provider's hours (see zone.go) and
// reports a disagreement with Options.Zone.
func (im *importer) zoneFor(hasOff bool, off time.Duration, offRow *row, offField string, first *row, id string) string {
	if !hasOff {
		if im.opts.Zone == "" {
			im.noZone++
			if im.noZonePos == nil {
				im.noZonePos = first
			}
		}
		return im.opts.Zone
	}
	if im.zoneLoc != nil && zoneHas(im.zoneLoc, off) {
		return im.opts.Zone
	}
	name, ok := fixedZone(off)
	switch {
	case ok && im.opts.Zone != "":
		im.c.addf(offRow.at(offField), tSchedule, offRow.get("id"), offField, ErrZoneConflict, "the data says %s, which %s never is; hours of %q read in %s", offsetString(off), im.opts.Zone, id, name)
		return name
	case ok:
		return name
	case im.opts.Zone != "":
		im.c.addf(offRow.at(offField), tSchedule, offRow.get("id"), offField, ErrZoneConflict, "the data says %s, which %s never is and no fixed zone has; hours of %q read in %s", offsetString(off), im.opts.Zone, id, im.opts.Zone)
		return im.opts.Zone
	}
	im.c.addf(offRow.at(offField), tSchedule, offRow.get("id"), offField, ErrNoZone, "the data says %s, which no fixed zone has; set Options.Zone", offsetString(off))
	return ""
}
