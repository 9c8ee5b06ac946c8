package synth

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/match"
)

// Weighted is a category code with its relative frequency.
type Weighted struct {
	Code   string
	Weight float64
}

// ModeShare is a travel mode with its share of students.
type ModeShare struct {
	Mode  match.TravelMode
	Share float64
}

// CohortSpec describes a seeded cohort: who the students are and what
// their Success Plans ask for. Shares are fractions in [0, 1]. The zero
// value is not useful; start from BenchmarkCohort or ExampleCohort.
type CohortSpec struct {
	// Salt separates this cohort's random stream from others drawn from
	// the same seed.
	Salt uint64
	// AgeMin and AgeMax bound the students' ages in years (inclusive).
	AgeMin, AgeMax int
	// Grade sets each student's grade to age − 5 (kindergarten at 5).
	Grade bool
	// Modes are the travel modes and their shares, in the order drawn;
	// the last takes whatever the shares leave.
	Modes []ModeShare
	// AfterSchoolOneIn: one student in this many (drawn) is only free on
	// weekday afternoons, 15:00–19:00.
	AfterSchoolOneIn int
	// SpanishOneIn: one student in this many speaks Spanish at home
	// (languages "es", "en"); 0 for nobody.
	SpanishOneIn int
	// Needs are the need categories and their frequencies; each student
	// gets NeedsMin..NeedsMax of them (uniform), in distinct categories.
	Needs              []Weighted
	NeedsMin, NeedsMax int
	// Sev3 is the share of needs of severity 3, Sev2Plus the share of
	// severity 2 or 3; the rest are severity 1.
	Sev3, Sev2Plus float64
	// Interests are the interest categories and their frequencies; each
	// student gets InterestsMin..InterestsMax of them, in distinct
	// categories, drawn after the needs (so a spec without interests
	// draws exactly the same students as before interests existed).
	Interests                  []Weighted
	InterestsMin, InterestsMax int
}

// BenchmarkCohort is the cohort of the benchmarks: ages 6–17, three needs
// in distinct categories (severity 3 for a quarter, 2 for a third, else
// 1), on foot (35%), by car (35%) or by transit (30%), half only free
// after school on weekdays, a third speaking Spanish at home.
func BenchmarkCohort() CohortSpec {
	return CohortSpec{
		Salt:   0xc0807,
		AgeMin: 6, AgeMax: 17,
		Modes:            []ModeShare{{match.ModeWalk, 0.35}, {match.ModeCar, 0.35}, {match.ModeTransit, 0.30}},
		AfterSchoolOneIn: 2,
		SpanishOneIn:     3,
		Needs: []Weighted{
			{"basic.food", 5}, {"health.primary", 3}, {"health.vision", 3}, {"health.dental", 3},
			{"education.tutoring", 4}, {"basic.housing", 2}, {"health.mental", 3}, {"basic.utilities", 2},
			{"basic.clothing", 2}, {"education.mentoring", 1}, {"education.afterschool", 2}, {"work.jobs", 1},
		},
		NeedsMin: 3, NeedsMax: 3,
		Sev3: 0.25, Sev2Plus: 0.58,
	}
}

// ExampleCohort is the cohort of examples/cohort: ages 5–17 with the
// matching grade, 1–3 needs in distinct categories (severity 3 for a
// fifth, 2 for a third), by transit (45%), on foot (30%) or by car (25%),
// half only free on weekday afternoons, a fifth speaking Spanish at home.
func ExampleCohort() CohortSpec {
	return CohortSpec{
		Salt:   0xc0407,
		AgeMin: 5, AgeMax: 17, Grade: true,
		Modes:            []ModeShare{{match.ModeTransit, 0.45}, {match.ModeWalk, 0.30}, {match.ModeCar, 0.25}},
		AfterSchoolOneIn: 2,
		SpanishOneIn:     5,
		Needs: []Weighted{
			{"basic.food", 6}, {"health.primary", 3}, {"health.vision", 3}, {"health.dental", 3},
			{"health.mental", 3}, {"education.tutoring", 4}, {"education.afterschool", 2},
			{"basic.housing", 2}, {"basic.utilities", 2}, {"basic.clothing", 2}, {"education.mentoring", 1},
		},
		NeedsMin: 1, NeedsMax: 3,
		Sev3: 0.20, Sev2Plus: 0.53,
	}
}

// CohortInterests are interest categories for a cohort spec's Interests:
// sports most, then arts, music, STEM, summer programs and jobs.
func CohortInterests() []Weighted {
	return []Weighted{
		{"enrichment.sports", 4}, {"enrichment.arts", 2}, {"enrichment.music", 2},
		{"enrichment.stem", 2}, {"enrichment.summer", 2}, {"work.jobs", 1},
	}
}

// MetroHomes samples homes from the synthetic metro's population centers
// (Point): a point sampler for Students.
func MetroHomes(rng *rand.Rand) orb.Point { return Point(rng, 0) }

// RegionHomes returns a point sampler uniform over the area of the
// region inside accepts: points are drawn uniformly in bound and kept
// when inside accepts them. inside must accept some part of bound.
func RegionHomes(bound orb.Bound, inside func(orb.Point) bool) func(*rand.Rand) orb.Point {
	return func(rng *rand.Rand) orb.Point {
		for {
			p := orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])}
			if inside(p) {
				return p
			}
		}
	}
}

// HomesIn returns a point sampler uniform over the area of rs's regions
// (rejection sampling in their bounding box): homes inside real
// neighborhoods. rs must hold at least one region.
func HomesIn(rs *geo.Regions) func(*rand.Rand) orb.Point {
	var bound orb.Bound
	for i, r := range rs.All() {
		if i == 0 {
			bound = r.Geometry.Bound()
		} else {
			bound = bound.Union(r.Geometry.Bound())
		}
	}
	return RegionHomes(bound, func(p orb.Point) bool {
		_, ok := rs.Locate(p)
		return ok
	})
}

// Students draws n students of spec with homes from home, one random
// stream (PCG, seed and spec.Salt) in student order: the same seed, spec
// and sampler give the same students. O(n).
func Students(seed uint64, n int, spec CohortSpec, home func(*rand.Rand) orb.Point) []match.Student {
	rng := rand.New(rand.NewPCG(seed, spec.Salt))
	needSum, intSum := 0.0, 0.0
	for _, c := range spec.Needs {
		needSum += c.Weight
	}
	for _, c := range spec.Interests {
		intSum += c.Weight
	}
	count := func(lo, hi int) int {
		if hi > lo {
			return lo + rng.IntN(hi-lo+1)
		}
		return lo
	}
	pick := func(ws []Weighted, sum float64) string {
		x := rng.Float64() * sum
		k := 0
		for x -= ws[0].Weight; x >= 0 && k < len(ws)-1; x -= ws[k].Weight {
			k++
		}
		return ws[k].Code
	}
	out := make([]match.Student, n)
	for i := range out {
		s := match.Student{Home: home(rng)}
		s.Age = spec.AgeMin + rng.IntN(spec.AgeMax-spec.AgeMin+1)
		if spec.Grade {
			s.Grade, s.HasGrade = s.Age-5, true
		}
		r, acc := rng.Float64(), 0.0
		for k, m := range spec.Modes {
			acc += m.Share
			if r < acc || k == len(spec.Modes)-1 {
				s.Constraints.Mode = m.Mode
				break
			}
		}
		if spec.AfterSchoolOneIn > 0 && rng.IntN(spec.AfterSchoolOneIn) == 0 {
			s.Constraints.Availability = []match.WeeklyWindow{{Days: match.Weekdays, Start: 15 * time.Hour, End: 19 * time.Hour}}
		}
		if spec.SpanishOneIn > 0 && rng.IntN(spec.SpanishOneIn) == 0 {
			s.Languages = []string{"es", "en"}
		}
		want := min(count(spec.NeedsMin, spec.NeedsMax), len(spec.Needs))
		for len(s.Needs) < want {
			code := pick(spec.Needs, needSum)
			if slices.ContainsFunc(s.Needs, func(nd match.Need) bool { return nd.Category == code }) {
				continue
			}
			sev := 1
			switch r := rng.Float64(); {
			case r < spec.Sev3:
				sev = 3
			case r < spec.Sev2Plus:
				sev = 2
			}
			s.Needs = append(s.Needs, match.Need{Category: code, Severity: sev})
		}
		if len(spec.Interests) > 0 && spec.InterestsMax > 0 {
			want := min(count(spec.InterestsMin, spec.InterestsMax), len(spec.Interests))
			for len(s.Interests) < want {
				code := pick(spec.Interests, intSum)
				if slices.ContainsFunc(s.Interests, func(in match.Interest) bool { return in.Category == code }) {
					continue
				}
				s.Interests = append(s.Interests, match.Interest{Category: code})
			}
		}
		out[i] = s
	}
	return out
}
