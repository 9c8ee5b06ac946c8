package directory

import (
	"reflect"
	"time"
)

// Opening hours are the costliest of the hard filters to test on a
// provider record (its spans are a few cache misses away). The text index
// keeps a compact copy, by number: each provider's weekly spans as
// intervals of the week, [day·24h + Open, day·24h + Close), in the order
// candidates are visited. openAt answers exactly as Hours.OpenAt and
// filter.keep do — unknown hours pass only with Query.UnknownHoursOK,
// spans past midnight count on the next day (Saturday's on Sunday) — and
// TestOpenIndexMatchesHours checks it against Hours.OpenAt.

const week = 7 * 24 * time.Hour

// openIndex holds every number's opening intervals.
type openIndex struct {
	zones  []*time.Location // distinct zones of the providers' hours
	zoneOf []uint8          // zone of each number, or an openState
	off    []int32          // intervals of number k: spans[off[k]:off[k+1]]
	spans  [][2]time.Duration
}

// Special zoneOf values.
const (
	zoneAlways  = 0xff // open around the clock
	zoneUnknown = 0xfe // hours unknown
	zoneMany    = 0xfd // more zones than fit a byte: ask filter.keep
	maxZones    = 0xfd
)

// buildOpen fills t.open from the providers' hours.
func (t *textIndex) buildOpen(d *Directory) {
	o := &t.open
	n := len(t.order)
	o.zoneOf = make([]uint8, n)
	o.off = make([]int32, n+1)
	zi := map[*time.Location]uint8{}
	for k, i := range t.order {
		h := &d.prov(i).Hours
		switch {
		case !h.Known():
			o.zoneOf[k] = zoneUnknown
		case h.Always:
			o.zoneOf[k] = zoneAlways
		default:
			loc := h.Location()
			z, ok := zi[loc]
			if !ok && len(o.zones) < maxZones {
				z, ok = uint8(len(o.zones)), true
				zi[loc] = z
				o.zones = append(o.zones, loc)
			}
			if !ok {
				z = zoneMany
			}
			o.zoneOf[k] = z
			for day, spans := range h.Week {
				base := time.Duration(day) * 24 * time.Hour
				for _, s := range spans {
					o.spans = append(o.spans, [2]time.Duration{base + s.Open, base + s.Close})
				}
			}
		}
		o.off[k+1] = int32(len(o.spans))
	}
}

// openClock is an instant read in each zone: the offset into the week,
// from Sunday 00:00 local wall-clock time.
type openClock struct {
	at        []time.Duration // by zone
	unknownOK bool
}

// clock reads instant at in every zone, as filter.keep would.
func (o *openIndex) clock(at time.Time, unknownOK bool, buf []time.Duration) openClock {
	c := openClock{at: buf[:0], unknownOK: unknownOK}
	for _, loc := range o.zones {
		wd, tod := localClock(at, loc)
		c.at = append(c.at, time.Duration(wd)*24*time.Hour+tod)
	}
	return c
}

// openAt reports whether number k is open at c. ok is false when the
// index cannot tell and filter.keep must.
func (o *openIndex) openAt(k int32, c *openClock) (open, ok bool) {
	switch z := o.zoneOf[k]; z {
	case zoneAlways:
		return true, true
	case zoneUnknown:
		return c.unknownOK, true
	case zoneMany:
		return true, false
	default:
		x := c.at[z]
		for _, s := range o.spans[o.off[k]:o.off[k+1]] {
			if s[0] <= x && x < s[1] || s[0] <= x+week && x+week < s[1] {
				return true, true
			}
		}
		return false, true
	}
}

// textExact names the Query fields SearchText evaluates itself, from the
// text index, exactly as filter.keep would: distance, categories and
// opening hours. Any other field that is set — including fields added to
// Query later — makes it call filter.keep as well.
var textExact = map[string]bool{
	"Near": true, "Radius": true, "K": true, "Categories": true,
	"OpenAt": true, "UnknownHoursOK": true,
}

var queryFields = func() []int {
	var out []int
	rt := reflect.TypeFor[Query]()
	for i := range rt.NumField() {
		if !textExact[rt.Field(i).Name] {
			out = append(out, i)
		}
	}
	return out
}()

// needsKeep reports whether q sets a filter that only filter.keep
// evaluates.
func needsKeep(q *Query) bool {
	v := reflect.ValueOf(q).Elem()
	for _, i := range queryFields {
		if !v.Field(i).IsZero() {
			return true
		}
	}
	return false
}
