// Package oracle is the tests' and benchmarks' independent answer to a
// directory query's hard filters: read from a provider's public fields
// alone, never from the directory's compiled filters or index records,
// so that the index can be checked against it and timed beside it.
package oracle

import (
	"slices"
	"strings"

	"github.com/wraparound/wraparound/directory"
)

// Keeps reports whether p passes q's hard filters other than distance.
// It answers categories (with descendants), cost, wheelchair, seats,
// age, grade, language, Exclude, Region, ResidentOf and OpenAt (with
// UnknownHoursOK); it does not answer Serves, Transit or Trip, which
// callers leave unset.
func Keeps(p directory.Listing, q *directory.Query) bool {
	if len(q.Categories) > 0 && !slices.ContainsFunc(q.Categories, p.InCategory) {
		return false
	}
	if q.FreeOnly && p.Cost() != directory.CostFree {
		return false
	}
	if q.Wheelchair && !p.Wheelchair() {
		return false
	}
	if q.HasSeats && !p.HasSeats() {
		return false
	}
	if q.Age > 0 && !p.Eligibility().AgeOK(q.Age) {
		return false
	}
	if q.HasGrade && !p.Eligibility().GradeOK(q.Grade) {
		return false
	}
	if q.Language != "" && !p.SpeaksLanguage(q.Language) {
		return false
	}
	if slices.Contains(q.Exclude, p.ID()) {
		return false
	}
	if q.Region != "" {
		set, name, _ := strings.Cut(q.Region, ":")
		if p.Region(set) != name {
			return false
		}
	}
	if r := p.Eligibility().Residency; r != "" {
		set, name, _ := strings.Cut(r, ":")
		if home, asked := q.ResidentOf[set]; asked && home != name {
			return false
		}
	}
	if !q.OpenAt.IsZero() {
		if !p.HoursKnown() {
			return q.UnknownHoursOK
		}
		return p.OpenAt(q.OpenAt)
	}
	return true
}
