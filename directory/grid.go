package directory

import (
	"math"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/spatial"
)

// catGrid is one category's spatial index (see package spatial): its
// placed providers (with descendants) as compact records in the cells
// of a uniform lon/lat grid. A nearest-k query visits cells ring by ring
// around the query point, turns most rejects away from the record alone
// — contiguous memory, no queue — and stops once no unvisited cell can
// hold anything nearer than the k-th match. Selective queries (an age
// few programs take, at an hour few are open) visit many records, so how
// cheaply a record is rejected decides their cost.
type catGrid = spatial.Grid

type gridRec = spatial.Rec

// mDefaultZone marks hours in the directory's default zone, whose
// hour-of-week bits can be checked against the query's.
const mDefaultZone = spatial.DefaultZone

// recsPerCell is the grid's target density.
const recsPerCell = spatial.RecsPerCell

// newCatGrid lays out the providers of the given slots.
func newCatGrid(d *Directory, members []int32) *catGrid {
	recs := make([]gridRec, len(members))
	for k, i := range members {
		recs[k] = d.gridRec(i)
	}
	return spatial.NewGrid(recs)
}

// gridRec returns the grid record of the provider in slot i.
func (d *Directory) gridRec(i int32) gridRec {
	m := d.metaAt(i)
	p := d.prov(i)
	r := gridRec{
		Lon: p.Point[0], Lat: p.Point[1], Slot: i,
		MinAge: m.minAge, MaxAge: m.maxAge, MinGrade: m.minGrade, MaxGrade: m.maxGrade,
		Flags: m.flags, Hours: m.hours, Langs: m.langs, Headroom: 1, StopWalk: math.MaxUint16,
	}
	if m.loc == d.recZone && m.loc != nil {
		r.Flags |= mDefaultZone
	}
	if m.flags&mEnglishByDefault != 0 {
		r.Langs |= spatial.LangBit("en")
	}
	if p.Capacity > 0 {
		r.Headroom = float32(max(0, float64(p.Capacity-p.Enrolled)/float64(p.Capacity)))
	}
	if p.Cost >= 0 && p.Cost <= math.MaxUint8 {
		r.Cost = uint8(p.Cost)
	}
	if d.net != nil {
		if ns := *d.stopsNear.at(i); len(ns) > 0 && ns[0].Walk < math.MaxUint16 {
			r.StopWalk = uint16(max(0, ns[0].Walk))
		}
	}
	return r
}

// quickCell reports whether some record of a cell with summary s may
// pass f; false only when none can.
func (f *filter) quickCell(s *spatial.CellSum) bool {
	q := f.q
	if s.Flags&f.need != f.need || f.langBit != 0 && s.Langs&f.langBit == 0 {
		return false
	}
	if q.Age > 0 && (f.age < s.MinAge || f.age > s.MaxAge) {
		return false
	}
	if f.openHour >= 0 && !s.OtherHours && !(s.Unknown && q.UnknownHoursOK) &&
		s.Hours[f.openHour/64]&(1<<(f.openHour%64)) == 0 {
		return false
	}
	return true
}

// quick reports whether the provider of r may pass f; false only when it
// certainly fails.
func (f *filter) quickRec(r *gridRec) bool {
	q := f.q
	if r.Flags&f.need != f.need {
		return false
	}
	if f.langBit != 0 && r.Langs&f.langBit == 0 {
		return false
	}
	if q.Age > 0 && (f.age < r.MinAge || f.age > r.MaxAge) {
		return false
	}
	if f.openHour >= 0 {
		switch {
		case r.Flags&mHoursKnown == 0:
			return q.UnknownHoursOK
		case r.Flags&(mAlways|mDefaultZone) == mDefaultZone:
			return r.Hours[f.openHour/64]&(1<<(f.openHour%64)) != 0
		}
	}
	return true
}

// gridSearch returns the k nearest providers of g that pass f (within the
// radius when set), ties by ID, as Search orders them.
func (d *Directory) gridSearch(g *catGrid, f *filter, k int) []Result {
	near := f.q.Near
	radius := float64(f.q.Radius)
	type hit struct {
		dist float64
		i    int32
		stop *StopInfo
	}
	best := make([]hit, 0, k+1)
	cosMax := g.CosAt(near)
	worse := func(a, b hit) bool {
		return a.dist > b.dist || a.dist == b.dist && d.prov(a.i).ID > d.prov(b.i).ID
	}
	visit := func(cell []gridRec) {
		for ri := range cell {
			r := &cell[ri]
			if !f.quickRec(r) {
				continue
			}
			if len(best) == k {
				// A cheap lower bound first (see ringBound; sin x ≥ x − x³/6):
				// most records that pass the quick check are farther than
				// the k-th match and need no haversine.
				dLat := math.Abs(r.Lat-near[1]) * math.Pi / 180
				x := math.Abs(r.Lon-near[0]) * math.Pi / 360
				lb := math.Max(dLat, 2*cosMax*(x-x*x*x/6)) * float64(geo.EarthRadius)
				if lb > best[k-1].dist {
					continue
				}
			}
			dist := float64(geo.Distance(near, [2]float64{r.Lon, r.Lat}))
			if radius > 0 && dist > radius {
				continue
			}
			h := hit{dist: dist, i: r.Slot}
			if len(best) == k && !worse(best[k-1], h) {
				continue
			}
			if !f.keepAt(d, r.Slot) {
				continue
			}
			if f.transit != nil {
				s, ok := f.transit.check(d, r.Slot)
				if !ok {
					continue
				}
				h.stop = s
			}
			// Insert in order; drop the worst beyond k.
			j := len(best)
			best = append(best, h)
			for j > 0 && worse(best[j-1], h) {
				best[j] = best[j-1]
				j--
			}
			best[j] = h
			if len(best) > k {
				best = best[:k]
			}
		}
	}
	g.Walk(near, func(cell []gridRec, sum *spatial.CellSum, lb float64) bool {
		if (len(best) == k && lb > best[k-1].dist) || (radius > 0 && lb > radius) {
			return false
		}
		if sum != nil && f.quickCell(sum) {
			visit(cell)
		}
		return true
	})
	out := make([]Result, len(best))
	for j, h := range best {
		out[j] = Result{Provider: listing(d.prov(h.i)), Distance: geo.Meters(h.dist), Walk: geo.WalkTime(geo.Meters(h.dist)), Transit: h.stop}
	}
	return out
}
