package directory

import "time"

// catSummary is the union, over a category's providers, of what the hard
// filters look at. A query whose filters no provider of the category can
// pass is answered at once instead of by visiting every provider.
type catSummary struct {
	ages    [3]uint64 // bit a: some provider admits age a (0…191)
	grades  uint16    // bit g+1: some provider admits grade g
	free    bool
	wheel   bool
	unknown bool           // some provider's hours are unknown
	always  bool           // some provider is open around the clock
	zone    *time.Location // the one zone of all known hours; nil if mixed
	mixed   bool
	slots   [(7*96 + 63) / 64]uint64 // bit: some provider open in that 15-minute slot (local time)
}

func (s *catSummary) add(p *Provider) {
	e := p.Eligibility
	hi := e.MaxAge
	if hi == 0 || hi > 191 {
		hi = 191
	}
	for a := e.MinAge; a <= hi; a++ {
		s.ages[a/64] |= 1 << (a % 64)
	}
	if !e.HasGrades {
		s.grades = 0xffff
	} else {
		for g := e.MinGrade; g <= e.MaxGrade; g++ {
			s.grades |= 1 << (g + 1)
		}
	}
	s.free = s.free || p.Cost == CostFree
	s.wheel = s.wheel || p.Wheelchair
	h := &p.Hours
	if !h.Known() {
		s.unknown = true
		return
	}
	if h.Always {
		s.always = true
		return
	}
	loc := h.Location()
	switch {
	case s.zone == nil && !s.mixed:
		s.zone = loc
	case s.zone != loc:
		s.zone, s.mixed = nil, true
	}
	for d, spans := range h.Week {
		for _, sp := range spans {
			// Mark every slot the span touches, spilling into the next
			// day past midnight.
			for t := sp.Open / (15 * time.Minute) * (15 * time.Minute); t < sp.Close; t += 15 * time.Minute {
				slot := (d*96 + int(t/(15*time.Minute))) % (7 * 96)
				s.slots[slot/64] |= 1 << (slot % 64)
			}
		}
	}
}

// possible reports whether some provider of the category could pass f.
func (s *catSummary) possible(f *filter) bool {
	q := f.q
	if q.Age > 0 && (q.Age > 191 || s.ages[q.Age/64]&(1<<(q.Age%64)) == 0) {
		return false
	}
	if q.HasGrade && s.grades&(1<<(q.Grade+1)) == 0 {
		return false
	}
	if (q.FreeOnly && !s.free) || (q.Wheelchair && !s.wheel) {
		return false
	}
	if !q.OpenAt.IsZero() && !s.always && !(s.unknown && q.UnknownHoursOK) && !s.mixed {
		if s.zone == nil {
			return false // no provider has known hours
		}
		wd, tod := localClock(q.OpenAt, s.zone)
		slot := int(wd)*96 + int(tod/(15*time.Minute))
		if s.slots[slot/64]&(1<<(slot%64)) == 0 {
			return false
		}
	}
	return true
}
