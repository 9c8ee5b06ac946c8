package hsds

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HSDS gives a schedule's time zone only as a UTC offset: the 3.0
// schedule's "timezone" (hours, a number) or a suffix on opens_at and
// closes_at ("09:00-05:00", "09:00Z"). An offset does not say whether
// daylight saving applies, so the zone of a provider's hours is chosen
// thus:
//
//   - the data gives an offset and Options.Zone is a zone that has that
//     offset in winter or summer: Options.Zone (daylight saving kept);
//   - the data gives an offset and no Options.Zone, or one that
//     disagrees: the fixed zone "Etc/GMT±N" of the offset, reported as
//     KindZone when it disagrees with Options.Zone;
//   - the data gives none: Options.Zone;
//   - neither: Hours.Zone stays empty and one KindZone problem (ErrNoZone)
//     counts the providers concerned. A time zone is never assumed.

// parseOffset reads a schedule's timezone field: hours east of UTC as a
// number ("3", "-5", "5.5"), or "+05:00", "-0500", "UTC-5", "Z".
func parseOffset(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(s)
	for _, p := range []string{"UTC", "GMT"} {
		u = strings.TrimPrefix(u, p)
	}
	if u == "" || u == "Z" {
		return 0, s != ""
	}
	if (u[0] == '+' || u[0] == '-') && (strings.Contains(u, ":") || len(u) == 5) {
		return suffixOffset(u) // "+05:00", "-0430"
	}
	if f, err := strconv.ParseFloat(u, 64); err == nil && !strings.ContainsAny(u, "eEnNxXpP_") {
		if f < -14 || f > 14 {
			return 0, false
		}
		return time.Duration(f * float64(time.Hour)).Round(time.Minute), true
	}
	return suffixOffset(u)
}

// suffixOffset reads "+05:00", "-0500" or "+05".
func suffixOffset(s string) (time.Duration, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := time.Duration(1)
	if s[0] == '-' {
		sign = -1
	}
	d := strings.ReplaceAll(s[1:], ":", "")
	if len(d) != 2 && len(d) != 4 {
		return 0, false
	}
	n, err := strconv.Atoi(d)
	if err != nil {
		return 0, false
	}
	h, m := n, 0
	if len(d) == 4 {
		h, m = n/100, n%100
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	return sign * (time.Duration(h)*time.Hour + time.Duration(m)*time.Minute), true
}

// clockOffset returns the UTC offset a time of day carries ("10:00Z",
// "09:00-05:00", "9:00+0530"), if any.
func clockOffset(s string) (time.Duration, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) >= 5 && strings.HasSuffix(s, "Z") {
		return 0, true
	}
	if i := strings.IndexByte(s, '+'); i > 0 {
		return suffixOffset(s[i:])
	}
	if i := strings.LastIndexByte(s, '-'); i > 3 {
		return suffixOffset(s[i:])
	}
	return 0, false
}

// offsetString renders an offset as "UTC+03:00".
func offsetString(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("UTC%s%s", sign, hhmm(d))
}

// fixedZone returns the IANA name of the fixed zone with offset d
// ("Etc/GMT-3" is UTC+03:00: the Etc names invert the sign), or false
// when no whole-hour Etc zone has it.
func fixedZone(d time.Duration) (string, bool) {
	if d%time.Hour != 0 || d < -12*time.Hour || d > 14*time.Hour {
		return "", false
	}
	h := int(d / time.Hour)
	switch {
	case h == 0:
		return "Etc/UTC", true
	case h > 0:
		return fmt.Sprintf("Etc/GMT-%d", h), true
	}
	return fmt.Sprintf("Etc/GMT+%d", -h), true
}

// zoneOffset returns the UTC offset of a fixed Etc zone named as
// fixedZone names them.
func zoneOffset(name string) (time.Duration, bool) {
	if name == "Etc/UTC" {
		return 0, true
	}
	rest, ok := strings.CutPrefix(name, "Etc/GMT")
	if !ok || len(rest) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < -14 || n > 12 {
		return 0, false
	}
	return -time.Duration(n) * time.Hour, true
}

// zoneHas reports whether loc is at offset d in mid-January or mid-July.
func zoneHas(loc *time.Location, d time.Duration) bool {
	for _, m := range []time.Month{time.January, time.July} {
		_, off := time.Date(2025, m, 15, 12, 0, 0, 0, loc).Zone()
		if time.Duration(off)*time.Second == d {
			return true
		}
	}
	return false
}
