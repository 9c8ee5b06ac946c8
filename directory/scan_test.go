package directory_test

import (
	"slices"
	"strings"

	"github.com/wraparound/wraparound/directory"
)

// passesQuery reports whether p passes q's hard filters other than
// distance, read from the provider's public fields alone: the tests'
// oracle for the index's filters. It does not answer Serves, Transit or
// Trip; tests that use it leave those unset.
func passesQuery(p *directory.Provider, q directory.Query) bool {
	if len(q.Categories) > 0 && !slices.ContainsFunc(q.Categories, p.InCategory) {
		return false
	}
	if q.FreeOnly && p.Cost != directory.CostFree {
		return false
	}
	if q.Wheelchair && !p.Wheelchair {
		return false
	}
	if q.HasSeats && !p.HasSeats() {
		return false
	}
	if q.Age > 0 && !p.Eligibility.AgeOK(q.Age) {
		return false
	}
	if q.HasGrade && !p.Eligibility.GradeOK(q.Grade) {
		return false
	}
	if q.Language != "" && !p.SpeaksLanguage(q.Language) {
		return false
	}
	if slices.Contains(q.Exclude, p.ID) {
		return false
	}
	if q.Region != "" {
		set, name, _ := strings.Cut(q.Region, ":")
		if p.Regions[set] != name {
			return false
		}
	}
	if r := p.Eligibility.Residency; r != "" {
		set, name, _ := strings.Cut(r, ":")
		if home, asked := q.ResidentOf[set]; asked && home != name {
			return false
		}
	}
	if !q.OpenAt.IsZero() {
		if !p.Hours.Known() {
			return q.UnknownHoursOK
		}
		return p.Hours.OpenAt(q.OpenAt)
	}
	return true
}
