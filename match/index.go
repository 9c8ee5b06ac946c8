package match

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// The matcher's own index: for each category (with its descendants), the
// placed providers' hard-filter fields packed into small records, stored
// contiguously cell by cell of a uniform lon/lat grid. A search reads
// records in rings of cells around the student; most providers are
// rejected or bounded from their record alone, without touching the
// Provider (whose fields live in many separate allocations), and whole
// rings are skipped once the score bound says no farther provider can
// enter the top k.

// rec is one provider in one category's list: 64 bytes.
type rec struct {
	pt       orb.Point
	idx      int32  // index in Matcher.provs
	langs    uint32 // bit per language of langBits; bit 31: some other language
	hours    [3]uint64
	headroom float32
	ageMin   uint8
	ageMax   uint8 // 255: no upper limit
	gradeMin int8
	gradeMax int8
	cost     uint8 // directory.Cost; CostUnknown for values out of range
	flags    uint8
	stopWalk uint16  // walk to the nearest transit stop, meters rounded down; 65535: none that near
	cosLat   float32 // cosLow(pt[1]), for distLB
}

const (
	recGrades uint8 = 1 << iota
	recWheel
	recFull
	recHoursKnown
	recAlways
	recNight // some span closes after midnight
)

const otherLang = 31

// grid is a uniform lon/lat grid over the placed providers.
type grid struct {
	minLon, minLat float64
	dLon, dLat     float64 // cell size in degrees
	nx, ny         int
	maxAbsLat      float64
}

// catIndex is one category's records, sorted by cell; cell c holds
// recs[off[c]:off[c+1]].
type catIndex struct {
	recs []rec
	off  []int32
}

const mPerDeg = float64(geo.EarthRadius) * math.Pi / 180

// buildIndex packs every placed provider into the lists of its
// categories and their ancestors.
func (m *Matcher) buildIndex() {
	var b orb.Bound
	placed := 0
	for _, p := range m.provs {
		if p.Unplaced {
			continue
		}
		if placed == 0 {
			b = orb.Bound{Min: p.Point, Max: p.Point}
		} else {
			b = b.Extend(p.Point)
		}
		placed++
	}
	m.index = map[string]*catIndex{}
	if placed == 0 {
		return
	}
	g := &m.grid
	midLat := (b.Min[1] + b.Max[1]) / 2
	cosMid := math.Max(math.Cos(midLat*math.Pi/180), 0.01)
	wM := (b.Max[0] - b.Min[0]) * mPerDeg * cosMid
	hM := (b.Max[1] - b.Min[1]) * mPerDeg
	// About 16 providers a cell, cells no smaller than 250 m and no more
	// than 2,048 a side.
	side := math.Max(250, math.Sqrt(wM*hM/math.Max(1, float64(placed)/16)))
	side = math.Max(side, math.Max(wM, hM)/2048)
	g.dLat = side / mPerDeg
	g.dLon = side / (mPerDeg * cosMid)
	g.minLon, g.minLat = b.Min[0], b.Min[1]
	g.nx = int((b.Max[0]-b.Min[0])/g.dLon) + 1
	g.ny = int((b.Max[1]-b.Min[1])/g.dLat) + 1
	g.maxAbsLat = math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))

	lists := map[string][]rec{}
	var codes []string
	for i, p := range m.provs {
		if p.Unplaced {
			continue
		}
		r := m.pack(int32(i), p)
		codes = codes[:0]
		for _, c := range p.Categories {
			for code := c; code != ""; code = directory.ParentCode(code) {
				if !slices.Contains(codes, code) {
					codes = append(codes, code)
				}
			}
		}
		for _, code := range codes {
			lists[code] = append(lists[code], r)
		}
	}
	ncell := g.nx * g.ny
	for code, rs := range lists {
		cell := func(r *rec) int { x, y := g.cellOf(r.pt); return y*g.nx + x }
		slices.SortFunc(rs, func(a, b rec) int {
			if ca, cb := cell(&a), cell(&b); ca != cb {
				return ca - cb
			}
			return int(a.idx - b.idx)
		})
		ci := &catIndex{recs: slices.Clip(rs), off: make([]int32, ncell+1)}
		for i := range rs {
			ci.off[cell(&rs[i])+1]++
		}
		for c := 1; c <= ncell; c++ {
			ci.off[c] += ci.off[c-1]
		}
		m.index[code] = ci
	}
}

// cellOf returns the cell coordinates of p; points outside the grid's
// bound get coordinates outside [0, nx) × [0, ny).
func (g *grid) cellOf(p orb.Point) (int, int) {
	x := int(math.Floor((p[0] - g.minLon) / g.dLon))
	y := int(math.Floor((p[1] - g.minLat) / g.dLat))
	return x, y
}

// ringSide is a lower bound, in meters, on the distance across one cell
// seen from a point at latitude lat: every point k rings of cells away
// from the origin's cell is at least (k-1) ringSide away.
func (g *grid) ringSide(lat float64) float64 {
	phi := math.Min(math.Max(g.maxAbsLat, math.Abs(lat))+g.dLat, 89.9)
	return 0.99 * math.Min(g.dLat*mPerDeg, g.dLon*mPerDeg*math.Cos(phi*math.Pi/180))
}

// pack makes p's record.
func (m *Matcher) pack(i int32, p *directory.Provider) rec {
	r := rec{pt: p.Point, idx: i, headroom: float32(headroom(p)), cosLat: cosLow(p.Point[1]), stopWalk: math.MaxUint16}
	if ns := m.stops[i]; len(ns) > 0 && ns[0].Walk < math.MaxUint16 {
		r.stopWalk = uint16(max(0, ns[0].Walk))
	}
	if p.Cost >= 0 && p.Cost <= math.MaxUint8 {
		// Other values score and filter as CostUnknown does.
		r.cost = uint8(p.Cost)
	}
	e := &p.Eligibility
	r.ageMin = uint8(min(e.MinAge, 255))
	r.ageMax = 255
	if e.MaxAge > 0 {
		r.ageMax = uint8(min(e.MaxAge, 254))
	}
	if e.HasGrades {
		r.flags |= recGrades
		r.gradeMin, r.gradeMax = int8(e.MinGrade), int8(e.MaxGrade)
	}
	if p.Wheelchair {
		r.flags |= recWheel
	}
	if !p.HasSeats() {
		r.flags |= recFull
	}
	if len(p.Languages) == 0 {
		r.langs = m.langBit("en")
	}
	for _, l := range p.Languages {
		r.langs |= m.langBit(l)
	}
	h := &p.Hours
	if h.Known() {
		r.flags |= recHoursKnown
		if h.Always {
			r.flags |= recAlways
		} else {
			r.hours = hourMask(h)
		}
		for _, spans := range h.Week {
			for _, s := range spans {
				if s.Close > 24*time.Hour {
					r.flags |= recNight
				}
			}
		}
	}
	return r
}

// langBit returns the bit of language l, adding it to the table while
// the index is built (there are 31 bits; later languages share the last).
func (m *Matcher) langBit(l string) uint32 {
	if b, ok := m.langBits[l]; ok {
		return 1 << b
	}
	if m.langBits == nil {
		m.langBits = map[string]uint8{}
	}
	if len(m.langBits) < otherLang {
		b := uint8(len(m.langBits))
		m.langBits[l] = b
		return 1 << b
	}
	return 1 << otherLang
}

// langMask returns the bits to test for language l: its own bit, or the
// shared bit of rarer languages.
func (m *Matcher) langMask(l string) uint32 {
	if b, ok := m.langBits[l]; ok {
		return 1 << b
	}
	return 1 << otherLang
}

// hourMask marks each hour of the week (bit day*24+hour) in which the
// place is open at some moment, in its own wall-clock time.
func hourMask(h *directory.Hours) [3]uint64 {
	var out [3]uint64
	set := func(day int, open, close time.Duration) {
		for t := open.Truncate(time.Hour); t < close; t += time.Hour {
			slot := (day*24 + int(t/time.Hour)) % (7 * 24)
			out[slot/64] |= 1 << (slot % 64)
		}
	}
	for d, spans := range h.Week {
		for _, s := range spans {
			set(d, s.Open, s.Close)
		}
	}
	return out
}

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
			h.lang0 = p.m.langMask(l)
		} else {
			h.langRest |= p.m.langMask(l)
		}
	}
}

// keep reports whether r may pass the hard constraints it records; a
// provider it keeps is checked in full by evaluate.
func (h *hotFilter) keep(r *rec) bool {
	if h.age > 0 && (h.age < int(r.ageMin) || h.age > int(r.ageMax)) {
		return false
	}
	if h.hasGrade && r.flags&recGrades != 0 && (h.grade < int(r.gradeMin) || h.grade > int(r.gradeMax)) {
		return false
	}
	if h.free && directory.Cost(r.cost) != directory.CostFree {
		return false
	}
	if h.wheel && r.flags&recWheel == 0 {
		return false
	}
	if !h.full && r.flags&recFull != 0 {
		return false
	}
	if h.sched && r.flags&(recHoursKnown|recAlways) == recHoursKnown &&
		r.hours[0]&h.win[0] == 0 && r.hours[1]&h.win[1] == 0 && r.hours[2]&h.win[2] == 0 {
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
		for m := r.hours[i] & h.win[i]; m != 0; m &= m - 1 {
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
		case r.flags&recHoursKnown == 0:
			ub += w[Schedule] * 0.5
		case r.flags&(recAlways|recNight) != 0:
			ub += w[Schedule]
		default:
			ub += w[Schedule] * min(1, float64(p.hot.schedUB(r))/float64(p.winTotal))
		}
	}
	ub += w[Cost]*costScore(directory.Cost(r.cost)) + w[Capacity]*float64(r.headroom)
	if w[Language] > 0 {
		switch {
		case r.langs&p.hot.lang0 != 0:
			ub += w[Language]
		case r.langs&p.hot.langRest != 0:
			ub += w[Language] * 0.5
		}
	}
	ub += w[Travel] * (1 - min(1, tb.Seconds()/p.limit.Seconds()))
	return ub/pi.wsum + 1e-6
}

// visit calls fn for each record of code's list in rings of cells around
// the origin, passing a lower bound on the distance of every record in
// this and later rings; fn returns false to stop. Rings beyond the search
// radius are not visited.
func (p *Prepared) visit(code string, fn func(ringLB geo.Meters, r *rec) bool) {
	ci := p.m.index[code]
	if ci == nil {
		return
	}
	g := &p.m.grid
	ox, oy := g.cellOf(p.origin)
	side := g.ringSide(p.origin[1])
	kmax := int(float64(p.radius)/side) + 2
	cell := func(x, y int, lb geo.Meters) bool {
		if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
			return true
		}
		c := y*g.nx + x
		rs := ci.recs[ci.off[c]:ci.off[c+1]]
		for i := range rs {
			if !fn(lb, &rs[i]) {
				return false
			}
		}
		return true
	}
	for k := 0; k <= kmax; k++ {
		lb := geo.Meters(float64(max(k-1, 0)) * side)
		if lb > p.radius {
			return
		}
		if k == 0 {
			if !cell(ox, oy, lb) {
				return
			}
			continue
		}
		// Top and bottom rows, then the sides, clipped to the grid.
		for _, y := range [2]int{oy - k, oy + k} {
			if y < 0 || y >= g.ny {
				continue
			}
			for x := max(ox-k, 0); x <= min(ox+k, g.nx-1); x++ {
				if !cell(x, y, lb) {
					return
				}
			}
		}
		for _, x := range [2]int{ox - k, ox + k} {
			if x < 0 || x >= g.nx {
				continue
			}
			for y := max(oy-k+1, 0); y <= min(oy+k-1, g.ny-1); y++ {
				if !cell(x, y, lb) {
					return
				}
			}
		}
	}
}

// all calls fn for every record of code's list; fn returns false to stop.
func (m *Matcher) all(code string, fn func(r *rec) bool) {
	ci := m.index[code]
	if ci == nil {
		return
	}
	for i := range ci.recs {
		if !fn(&ci.recs[i]) {
			return
		}
	}
}
