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

// openIndex holds every number's opening intervals. The layout's are
// flat (off, spans), as queries read them fastest; those Apply wrote
// since (numbers appended or given new hours, marked zoneOwn) live in
// immutable blocks, one per Apply, merged into one when they pass
// maxSpanBlocks.
type openIndex struct {
	zones  []*time.Location // distinct zones of the providers' hours
	zoneOf cowSlice[uint8]  // zone of each number, or a special value; | zoneOwn
	off    []int32          // laid-out intervals of number k: spans[off[k]:off[k+1]]
	spans  []openSpan
	ref    cowSlice[spanRef] // where the intervals of a zoneOwn number are
	blocks [][]openSpan
}

// spanRef places a number's intervals: blocks[block][start:end].
type spanRef struct {
	start, end int32
	block      uint16
}

// maxSpanBlocks bounds the blocks of intervals; merging them costs O(n),
// after at least this many Applies.
const maxSpanBlocks = 64

// openSpan is an interval of the week, from Sunday 00:00 local time.
type openSpan [2]time.Duration

// Special zoneOf values, and the bit of numbers whose intervals Apply
// wrote.
const (
	zoneAlways  = 0x7f // open around the clock
	zoneUnknown = 0x7e // hours unknown
	zoneMany    = 0x7d // more zones than fit: ask filter.keep
	maxZones    = 0x7d
	zoneOwn     = 0x80
)

// buildOpen fills t.open from the providers' hours.
func (t *textIndex) buildOpen(d *Directory) {
	o := &t.open
	o.zones = nil
	zoneOf := make([]uint8, t.n)
	o.off = make([]int32, t.n+1)
	o.spans = nil
	for k := range t.n {
		if *t.flags.at(k)&numDead != 0 {
			zoneOf[k] = zoneUnknown
		} else {
			zoneOf[k], o.spans = o.hoursOf(&d.prov(t.slot(k)).Hours, o.spans)
		}
		o.off[k+1] = int32(len(o.spans))
	}
	o.zoneOf, o.ref, o.blocks = makeCow(zoneOf), makeCow(make([]spanRef, t.n)), [][]openSpan{nil}
}

// merged returns the intervals Apply wrote, in one block (index 1), with
// the references of every number.
func (o *openIndex) merged(n int32) (cowSlice[spanRef], []openSpan) {
	var all []openSpan
	refs := make([]spanRef, n)
	for k := range n {
		if *o.zoneOf.at(k)&zoneOwn != 0 {
			r := o.ref.at(k)
			start := len(all)
			all = append(all, o.blocks[r.block][r.start:r.end]...)
			refs[k] = spanRef{start: int32(start), end: int32(len(all)), block: 1}
		}
	}
	return makeCow(refs), all
}

// hoursOf returns the zoneOf value of h, adding its zone to o.zones if
// new, and appends its intervals to spans.
func (o *openIndex) hoursOf(h *Hours, spans []openSpan) (uint8, []openSpan) {
	switch {
	case !h.Known():
		return zoneUnknown, spans
	case h.Always:
		return zoneAlways, spans
	}
	loc := h.Location()
	z := -1
	for i, l := range o.zones {
		if l == loc {
			z = i
			break
		}
	}
	if z < 0 && len(o.zones) < maxZones {
		z = len(o.zones)
		o.zones = append(o.zones[:z:z], loc)
	}
	for day, ss := range h.Week {
		base := time.Duration(day) * 24 * time.Hour
		for _, s := range ss {
			spans = append(spans, openSpan{base + s.Open, base + s.Close})
		}
	}
	if z < 0 {
		return zoneMany, spans
	}
	return uint8(z), spans
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
	z := *o.zoneOf.at(k)
	switch z &^ zoneOwn {
	case zoneAlways:
		return true, true
	case zoneUnknown:
		return c.unknownOK, true
	case zoneMany:
		return true, false
	}
	var spans []openSpan
	if z&zoneOwn == 0 {
		spans = o.spans[o.off[k]:o.off[k+1]]
	} else {
		r := o.ref.at(k)
		spans = o.blocks[r.block][r.start:r.end]
	}
	x := c.at[z&^zoneOwn]
	for _, s := range spans {
		if s[0] <= x && x < s[1] || s[0] <= x+week && x+week < s[1] {
			return true, true
		}
	}
	return false, true
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
