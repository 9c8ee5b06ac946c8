package match

import (
	"math/bits"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/spatial"
)

// The matcher reads the directory version's own spatial index (package
// internal/spatial): for each category (with its descendants), the
// placed providers' hard-filter fields packed into small records, stored
// contiguously cell by cell of a uniform lon/lat grid. A search reads
// records in rings of cells around the student; most providers are
// rejected or bounded from their record alone, without touching the
// Provider (whose fields live in many separate allocations), and whole
// rings are skipped once the score bound says no farther provider can
// enter the top k.

// rec is one provider's record in a category's grid: 64 bytes.
type rec = spatial.Rec

// langMask returns the bits to test for language l: its own bit, or the
// shared bit of rarer languages.
func langMask(l string) uint32 { return spatial.LangBit(l) }

// windowMask marks each hour of the week an availability window touches.
func windowMask(ws []pwindow) [3]uint64 {
	var out [3]uint64
	for _, w := range ws {
		for t := w.start.Truncate(time.Hour); t < w.end; t += time.Hour {
			slot := int(w.day)*24 + int(t/time.Hour)
			out[slot/64] |= 1 << (slot % 64)
		}
	}
	return out
}

// hotFilter is a student's hard constraints and score bounds compiled
// against records.
type hotFilter struct {
	age      int
	grade    int
	hasGrade bool
	free     bool
	wheel    bool
	full     bool // keep full providers
	sched    bool
	win      [3]uint64
	// cov holds, for each hour of the week set in win in bit order, how
	// much of it the windows cover (summed over windows); covBase[i] is
	// how many bits of win come before word i.
	cov      []time.Duration
	covBase  [3]int
	lang0    uint32 // bits of the first language; 0 when none given
	langRest uint32
}

func (p *Prepared) compileHot() {
	h := &p.hot
	h.age, h.grade, h.hasGrade = p.age, p.grade, p.hasGrade
	h.free, h.wheel, h.full = p.free, p.wheel, p.m.cfg.IncludeFull
	if len(p.windows) > 0 {
		h.sched = true
		h.win = windowMask(p.windows)
		h.cov = make([]time.Duration, 0, bits.OnesCount64(h.win[0])+bits.OnesCount64(h.win[1])+bits.OnesCount64(h.win[2]))
		for slot := range 7 * 24 {
			i, b := slot/64, uint(slot%64)
			if b == 0 && i > 0 {
				h.covBase[i] = len(h.cov)
			}
			if h.win[i]&(1<<b) == 0 {
				continue
			}
			day, t := time.Weekday(slot/24), time.Duration(slot%24)*time.Hour
			var c time.Duration
			for _, w := range p.windows {
				if w.day == day {
					c += max(0, min(w.end, t+time.Hour)-max(w.start, t))
				}
			}
			h.cov = append(h.cov, c)
		}
	}
	for i, l := range p.langs {
		if i == 0 {
			h.lang0 = langMask(l)
		} else {
			h.langRest |= langMask(l)
		}
	}
}

// keep reports whether r may pass the hard constraints it records; a
// provider it keeps is checked in full by evaluate.
func (h *hotFilter) keep(r *rec) bool {
	if h.age > 0 && (h.age < int(r.MinAge) || h.age > int(r.MaxAge)) {
		return false
	}
	if h.hasGrade && r.Flags&spatial.HasGrades != 0 && (h.grade < int(r.MinGrade) || h.grade > int(r.MaxGrade)) {
		return false
	}
	if h.free && directory.Cost(r.Cost) != directory.CostFree {
		return false
	}
	if h.wheel && r.Flags&spatial.Wheelchair == 0 {
		return false
	}
	if !h.full && r.Flags&spatial.Seats == 0 {
		return false
	}
	if h.sched && r.Flags&(spatial.HoursKnown|spatial.Always) == spatial.HoursKnown &&
		r.Hours[0]&h.win[0] == 0 && r.Hours[1]&h.win[1] == 0 && r.Hours[2]&h.win[2] == 0 {
		return false
	}
	return true
}

// schedUB is an upper bound on the time r is open in the windows: the
// windows' cover of every hour of the week in which r is open at some
// moment. It holds for hours without spans past midnight (whose overlap
// Hours.Overlap may count twice).
func (h *hotFilter) schedUB(r *rec) time.Duration {
	var sum time.Duration
	for i := range 3 {
		for m := r.Hours[i] & h.win[i]; m != 0; m &= m - 1 {
			b := bits.TrailingZeros64(m)
			sum += h.cov[h.covBase[i]+bits.OnesCount64(h.win[i]&(1<<b-1))]
		}
	}
	return sum
}

// bound is the best score r could have at distance at least dl, whose
// travel then takes at least tb = travelBound(dl): the parts its record
// fixes exactly (cost, capacity, language when decidable), schedule no
// more than its opening hours' cover of the windows, transit access no
// more than the best boarding stop's when the trip is too long to walk,
// the rest at their best.
func (p *Prepared) bound(pi *pitem, r *rec, dl geo.Meters, tb time.Duration) float64 {
	if pi.wsum == 0 {
		return 0
	}
	w := &pi.w
	ub := w[Words] + w[Specificity] + w[Transit]*p.transitBound(dl)
	if w[Schedule] > 0 {
		switch {
		case r.Flags&spatial.HoursKnown == 0:
			ub += w[Schedule] * 0.5
		case r.Flags&(spatial.Always|spatial.Night) != 0:
			ub += w[Schedule]
		default:
			ub += w[Schedule] * min(1, float64(p.hot.schedUB(r))/float64(p.winTotal))
		}
	}
	ub += w[Cost]*costScore(directory.Cost(r.Cost)) + w[Capacity]*float64(r.Headroom)
	if w[Language] > 0 {
		switch {
		case r.Langs&p.hot.lang0 != 0:
			ub += w[Language]
		case r.Langs&p.hot.langRest != 0:
			ub += w[Language] * 0.5
		}
	}
	ub += w[Travel] * (1 - min(1, tb.Seconds()/p.limit.Seconds()))
	return ub/pi.wsum + 1e-6
}

// visit calls fn for each record of code's grid in rings of cells around
// the origin, passing a lower bound on the distance of every record in
// this and later rings; fn returns false to stop. Rings beyond the search
// radius are not visited.
func (p *Prepared) visit(code string, fn func(ringLB geo.Meters, r *rec) bool) {
	g := p.m.src.Grid(code)
	if g == nil {
		return
	}
	g.Walk(p.origin, func(cell []rec, _ *spatial.CellSum, lb float64) bool {
		if geo.Meters(lb) > p.radius {
			return false
		}
		for i := range cell {
			if !fn(geo.Meters(lb), &cell[i]) {
				return false
			}
		}
		return true
	})
}

// all calls fn for every record of code's grid; fn returns false to stop.
func (m *Matcher) all(code string, fn func(r *rec) bool) {
	if g := m.src.Grid(code); g != nil {
		g.All(fn)
	}
}
