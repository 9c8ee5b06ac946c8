package directory

import (
	"time"
)

// Opening hours are the costliest of the hard filters to test on a
// provider record (a zone conversion, then its spans, a few cache misses
// away). The text index keeps a compact copy to rule out closed providers
// first: for each number, one bit per half hour of the week, set when the
// provider is open at any instant of that half hour of local wall-clock
// time. The test is conservative — a clear bit means closed, a set bit
// means "ask filter.keep" — so results are exactly those of keep.

const (
	slotLen      = 30 * time.Minute
	slotsPerDay  = int(24 * time.Hour / slotLen)
	slotsPerWeek = 7 * slotsPerDay
	slotWords    = (slotsPerWeek + 63) / 64
)

// openIndex holds the half-hour bits of every number.
type openIndex struct {
	zones  []*time.Location // distinct zones of the providers' hours
	zoneOf []uint8          // zone of each number; noZone: always ask keep
	bits   []uint64         // slotWords words per number
}

const noZone = 0xff

// buildOpen fills t.open from the providers' hours.
func (t *textIndex) buildOpen(d *Directory) {
	o := &t.open
	n := len(t.order)
	o.zoneOf = make([]uint8, n)
	o.bits = make([]uint64, n*slotWords)
	zi := map[*time.Location]uint8{}
	for k, i := range t.order {
		h := &d.providers[i].Hours
		loc := h.Location()
		z, ok := zi[loc]
		if !ok {
			if len(o.zones) >= noZone {
				o.zoneOf[k] = noZone
				continue
			}
			z = uint8(len(o.zones))
			zi[loc] = z
			o.zones = append(o.zones, loc)
		}
		o.zoneOf[k] = z
		w := o.bits[k*slotWords : (k+1)*slotWords]
		if h.Always || !h.Known() {
			// Unknown hours are keep's to judge (Query.UnknownHoursOK).
			for j := range w {
				w[j] = ^uint64(0)
			}
			continue
		}
		for day, spans := range h.Week {
			for _, s := range spans {
				from := day*slotsPerDay + int(s.Open/slotLen)
				to := day*slotsPerDay + int((s.Close+slotLen-1)/slotLen) // exclusive
				for slot := from; slot < to; slot++ {
					m := slot % slotsPerWeek
					w[m/64] |= 1 << (m % 64)
				}
			}
		}
	}
}

// openSlots returns, for instant at, the half-hour slot of the week in
// each zone, as keep would read the wall clock there.
func (o *openIndex) openSlots(at time.Time, buf []int) []int {
	buf = buf[:0]
	for _, loc := range o.zones {
		wd, tod := localClock(at, loc)
		buf = append(buf, int(wd)*slotsPerDay+int(tod/slotLen))
	}
	return buf
}

// mayBeOpen reports whether number k may be open at the slots of
// openSlots; false means it is closed.
func (o *openIndex) mayBeOpen(k int32, slots []int) bool {
	z := o.zoneOf[k]
	if z == noZone {
		return true
	}
	s := slots[z]
	return o.bits[int(k)*slotWords+s/64]&(1<<(s%64)) != 0
}
