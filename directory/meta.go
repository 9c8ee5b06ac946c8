package directory

import (
	"time"

	"github.com/wraparound/wraparound/internal/spatial"
)

// meta is a provider's hard-filter fields packed into one cache line's
// worth of memory, so that a query rejecting thousands of candidates
// touches 112 bytes each instead of the whole Provider.
type meta struct {
	minAge, maxAge     uint8 // maxAge 255: no upper limit
	minGrade, maxGrade int8  // -1…12; the full range when there are no grade limits
	flags              uint16
	langs              uint32         // bit per entry of spatial.Langs; bit 31: speaks another language
	loc                *time.Location // zone of the hours
	slots              [(7*96 + 63) / 64]uint64
	hours              [3]uint64 // bit h: open at some moment of hour-of-week h
}

// Meta flags: those of the spatial index's records.
const (
	mFree             = spatial.Free
	mWheel            = spatial.Wheelchair
	mSeats            = spatial.Seats
	mHoursKnown       = spatial.HoursKnown
	mAlways           = spatial.Always
	mSlotsExact       = spatial.SlotsExact // slots say exactly when the place is open
	mNeedsSlow        = spatial.NeedsSlow  // residency limit: check the Provider itself
	mEnglishByDefault = spatial.EnglishByDefault
	mNight            = spatial.Night
	mHasGrades        = spatial.HasGrades
)

// langBit returns the bit of language l in meta.langs.
func langBit(l string) uint32 { return spatial.LangBit(l) }

func newMeta(p *Provider) meta {
	m := meta{minAge: clampAge(p.Eligibility.MinAge), maxAge: 255, minGrade: GradePreK, maxGrade: 12, loc: p.Hours.loc}
	if p.Eligibility.MaxAge > 0 {
		m.maxAge = clampAge(p.Eligibility.MaxAge)
	}
	if p.Eligibility.HasGrades {
		m.minGrade, m.maxGrade = int8(p.Eligibility.MinGrade), int8(p.Eligibility.MaxGrade)
	}
	set := func(f uint16, ok bool) {
		if ok {
			m.flags |= f
		}
	}
	set(mFree, p.Cost == CostFree)
	set(mWheel, p.Wheelchair)
	set(mSeats, p.HasSeats())
	set(mHoursKnown, p.Hours.Known())
	set(mAlways, p.Hours.Always)
	set(mNeedsSlow, p.Eligibility.Residency != "")
	set(mEnglishByDefault, len(p.Languages) == 0)
	set(mHasGrades, p.Eligibility.HasGrades)
	for _, l := range p.Languages {
		m.langs |= langBit(l)
	}
	exact := true
	const slot = 15 * time.Minute
	for d, spans := range p.Hours.Week {
		for _, sp := range spans {
			if sp.Open%slot != 0 || sp.Close%slot != 0 {
				exact = false
			}
			if sp.Close > 24*time.Hour {
				m.flags |= mNight
			}
			for t := sp.Open / slot * slot; t < sp.Close; t += slot {
				s := (d*96 + int(t/slot)) % (7 * 96)
				m.slots[s/64] |= 1 << (s % 64)
			}
		}
	}
	set(mSlotsExact, exact)
	for s := 0; s < 7*96; s++ {
		if m.slots[s/64]&(1<<(s%64)) != 0 {
			h := s / 4
			m.hours[h/64] |= 1 << (h % 64)
		}
	}
	return m
}

func clampAge(a int) uint8 {
	if a > 254 {
		return 254
	}
	return uint8(a)
}

// keepAt is keep for the provider at index i, answering from its meta
// where it can.
func (f *filter) keepAt(d *Directory, i int32) bool {
	m := d.metaAt(i)
	q := f.q
	if f.need&mFree != 0 && m.flags&mFree == 0 ||
		f.need&mWheel != 0 && m.flags&mWheel == 0 ||
		f.need&mSeats != 0 && m.flags&mSeats == 0 {
		return false
	}
	if q.Age > 0 && (f.age < m.minAge || f.age > m.maxAge) {
		return false
	}
	if q.HasGrade && (int8(q.Grade) < m.minGrade || int8(q.Grade) > m.maxGrade) {
		return false
	}
	if q.Language != "" {
		if f.langBit != 1<<31 {
			if m.langs&f.langBit == 0 && !(m.flags&mEnglishByDefault != 0 && q.Language == "en") {
				return false
			}
		} else if m.langs&(1<<31) == 0 {
			return false
		}
	}
	if !q.OpenAt.IsZero() {
		switch {
		case m.flags&mHoursKnown == 0:
			if !q.UnknownHoursOK {
				return false
			}
		case m.flags&mAlways != 0:
		default:
			if m.loc != f.openLoc {
				f.setClock(m.loc)
			}
			if m.flags&mSlotsExact != 0 {
				if m.slots[f.openSlot/64]&(1<<(f.openSlot%64)) == 0 {
					return false
				}
			} else if !d.prov(i).Hours.openLocal(f.openWD, f.openTOD) {
				return false
			}
		}
	}
	if len(f.cats) > 1 || f.exclude != nil || f.region != nil || f.serves != nil || q.Language != "" && f.langBit == 1<<31 ||
		m.flags&mNeedsSlow != 0 && len(q.ResidentOf) > 0 {
		return f.keep(d.prov(i))
	}
	return true
}
