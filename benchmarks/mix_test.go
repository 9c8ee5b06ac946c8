package benchmarks

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/oracle"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

// The district mix: the queries a district's Navigators and families send,
// shared by BenchmarkNearby, BenchmarkTextSearch and BenchmarkPlan so the
// three measure the same distribution.
//
//   - where: the homes of a generated student population (synth.Students
//     with homes uniform over Chattanooga's neighborhood associations, as
//     examples/cohort draws them), not the mixture providers are placed by;
//   - who: ages 3–20, uniform;
//   - what: a leaf category of the synthetic directory, uniform, replaced
//     by its parent ("basic.food" for "basic.food.pantry", "health" for
//     "health.vision") in parentShare of the draws;
//   - when: a day of the week of Monday 1 June 2026, uniform (so 2 in 7 on
//     Saturday or Sunday), at a minute of 15:00–19:00 on school days and
//     of 09:00–17:00 at weekends, wall-clock time in the directory's zone
//     (America/New_York, the zone of synth.Hours);
//   - filters, each drawn on its own: a language other than English
//     (languageShare), free only (freeShare), wheelchair access
//     (wheelchairShare), a radius of 1–8 km beside the K nearest
//     (radiusShare).
const (
	mixSize         = 4096
	parentShare     = 0.30
	languageShare   = 0.15
	freeShare       = 0.15
	wheelchairShare = 0.10
	radiusShare     = 0.15
)

// districtZone is the synthetic directory's time zone, the zone of every
// synth.Hours schedule.
const districtZone = "America/New_York"

func districtLocation(tb testing.TB) *time.Location {
	loc, err := time.LoadLocation(districtZone)
	require.NoError(tb, err)
	return loc
}

var (
	homesOnce sync.Once
	homesFn   func(*rand.Rand) orb.Point
	homesErr  error
)

// studentHomes is the home sampler of the student population: uniform
// over the area of Chattanooga's neighborhood associations.
func studentHomes(tb testing.TB) func(*rand.Rand) orb.Point {
	homesOnce.Do(func() {
		hoods, err := demo.Regions(demo.Neighborhoods)
		if err != nil {
			homesErr = err
			return
		}
		homesFn = synth.HomesIn(hoods)
	})
	require.NoError(tb, homesErr)
	return homesFn
}

// mixStudents draws n students of ages 3–20 from the student generator;
// the mixes take their homes and ages.
func mixStudents(tb testing.TB, seed uint64, n int) []match.Student {
	spec := synth.CohortSpec{Salt: 0xd157, AgeMin: 3, AgeMax: 20}
	return synth.Students(seed, n, spec, studentHomes(tb))
}

// drawCategory returns a leaf category of the synthetic directory and
// the code a query asks for: the leaf, or its parent in parentShare of
// the draws.
func drawCategory(rng *rand.Rand) (leaf, code string) {
	cats := synth.Categories()
	leaf = cats[rng.IntN(len(cats))]
	if rng.Float64() < parentShare {
		if p := directory.ParentCode(leaf); p != "" {
			return leaf, p
		}
	}
	return leaf, leaf
}

// mixMonday is the Monday of the week the mixes fall in.
func mixMonday(loc *time.Location) time.Time { return time.Date(2026, time.June, 1, 0, 0, 0, 0, loc) }

// drawLocalTime returns an instant of the week of mixMonday: any day,
// 15:00–19:00 on school days, 09:00–17:00 on Saturday and Sunday, in loc.
func drawLocalTime(rng *rand.Rand, loc *time.Location) time.Time {
	day := mixMonday(loc).AddDate(0, 0, rng.IntN(7))
	from, span := 15*60, 4*60
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		from, span = 9*60, 8*60
	}
	m := from + rng.IntN(span)
	return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
}

// drawLanguage returns the language a family asks for: Spanish for most,
// else one of the directory's other languages.
func drawLanguage(rng *rand.Rand) string {
	if rng.Float64() < 0.8 {
		return "es"
	}
	return []string{"ar", "vi", "sw", "fr", "zh"}[rng.IntN(5)]
}

// mixQuery is one query of the district mix and the leaf category its
// category was drawn from (which picks the words of a text query).
type mixQuery struct {
	directory.Query
	leaf string
}

// districtQueries draws n queries of the district mix: the 10 nearest
// providers of a category to a student's home, open at a local time, for
// the student's age, with the common filters on a share.
func districtQueries(tb testing.TB, seed uint64, n int) []mixQuery {
	loc := districtLocation(tb)
	students := mixStudents(tb, seed, n)
	rng := rand.New(rand.NewPCG(seed, 0x313))
	out := make([]mixQuery, n)
	for i, s := range students {
		leaf, code := drawCategory(rng)
		q := directory.Query{
			Near:       s.Home,
			K:          10,
			Categories: []string{code},
			OpenAt:     drawLocalTime(rng, loc),
			Age:        s.Age,
		}
		if rng.Float64() < languageShare {
			q.Language = drawLanguage(rng)
		}
		q.FreeOnly = rng.Float64() < freeShare
		q.Wheelchair = rng.Float64() < wheelchairShare
		if rng.Float64() < radiusShare {
			q.Radius = geo.Meters(1000 + rng.IntN(7000))
		}
		out[i] = mixQuery{Query: q, leaf: leaf}
	}
	return out
}

// gradeForAge is the usual U.S. grade of a child of age years: pre-K at
// 4, kindergarten at 5, 12th grade at 17; no grade before 4 or after 17.
func gradeForAge(age int) (grade int, ok bool) {
	if age < 4 || age > 17 {
		return 0, false
	}
	return age - 5, true
}

// districtStudents draws n Success Plans of the district mix: a student's
// home and age (grade from age), one to three needs in distinct
// categories drawn as the queries' (parentShare parents), severity 1–3,
// zero to two interests in enrichment or work, Spanish or another
// language at home on a share, on foot (35%), by car (35%) or by bus
// (30%), free after school on some or all school days (15:00–19:00 local),
// at weekends, or both.
func districtStudents(tb testing.TB, seed uint64, n int) []match.Student {
	students := mixStudents(tb, seed, n)
	rng := rand.New(rand.NewPCG(seed, 0x5170))
	var interests []string
	for _, c := range synth.Categories() {
		if strings.HasPrefix(c, "enrichment.") || strings.HasPrefix(c, "work.") {
			interests = append(interests, c)
		}
	}
	for i := range students {
		s := &students[i]
		s.Grade, s.HasGrade = gradeForAge(s.Age)
		for want := 1 + rng.IntN(3); len(s.Needs) < want; {
			_, code := drawCategory(rng)
			if slices.ContainsFunc(s.Needs, func(nd match.Need) bool { return nd.Category == code }) {
				continue
			}
			s.Needs = append(s.Needs, match.Need{Category: code, Severity: 1 + rng.IntN(3)})
		}
		for want := rng.IntN(3); len(s.Interests) < want; {
			code := interests[rng.IntN(len(interests))]
			if rng.Float64() < parentShare {
				code = directory.ParentCode(code)
			}
			if slices.ContainsFunc(s.Interests, func(in match.Interest) bool { return in.Category == code }) {
				continue
			}
			s.Interests = append(s.Interests, match.Interest{Category: code})
		}
		switch r := rng.Float64(); {
		case r < 0.20:
			s.Languages = []string{"es", "en"}
		case r < 0.25:
			s.Languages = []string{drawLanguage(rng), "en"}
		}
		switch r := rng.Float64(); {
		case r < 0.35:
			s.Constraints.Mode = match.ModeWalk
		case r < 0.70:
			s.Constraints.Mode = match.ModeCar
		default:
			s.Constraints.Mode = match.ModeTransit
		}
		s.Constraints.FreeOnly = rng.Float64() < freeShare
		s.Constraints.Wheelchair = rng.Float64() < wheelchairShare
		s.Constraints.Availability = drawAvailability(rng)
	}
	return students
}

// drawAvailability returns a student's free times, wall clock in the
// directory's zone: after school on every school day or on two to four
// of them (starting 15:00–16:00, ending 18:00–19:00) for 85%, at
// weekends (Saturday, Sunday or both, three to five hours from 09:00–12:00)
// for 40%: school days only 60%, both 25%, weekends only 15%.
func drawAvailability(rng *rand.Rand) []match.WeeklyWindow {
	var out []match.WeeklyWindow
	r := rng.Float64()
	if r < 0.85 {
		days := match.Weekdays
		if rng.IntN(3) == 0 {
			wds := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
			rng.Shuffle(len(wds), func(i, j int) { wds[i], wds[j] = wds[j], wds[i] })
			days = match.DaysOf(wds[:2+rng.IntN(3)]...)
		}
		start := 15*time.Hour + time.Duration(rng.IntN(3))*30*time.Minute
		end := 18*time.Hour + time.Duration(rng.IntN(3))*30*time.Minute
		out = append(out, match.WeeklyWindow{Days: days, Start: start, End: end})
	}
	if r >= 0.60 {
		days := []match.Days{match.DaysOf(time.Saturday), match.DaysOf(time.Sunday), match.Weekend}[rng.IntN(3)]
		start := 9*time.Hour + time.Duration(rng.IntN(4))*time.Hour
		out = append(out, match.WeeklyWindow{Days: days, Start: start, End: start + time.Duration(3+rng.IntN(3))*time.Hour})
	}
	return out
}

// scanKeeps reports whether p passes q's hard filters other than
// distance, read from the provider's public fields alone: the baselines'
// and the agreement tests' filter, independent of the directory's
// compiled filters. It answers the filters the mixes use and Region,
// ResidentOf and Exclude; Serves, Transit and Trip are not answered and
// must be unset.
func scanKeeps(p directory.Listing, q *directory.Query) bool { return oracle.Keeps(p, q) }

// timeEach runs call on query i%n once per b.Loop iteration, timing each
// call on its own, and reports the percentiles of those times beside the
// mean (ns/op): each query of the mix is timed once per pass, never
// repeated warm.
func timeEach(b *testing.B, n int, call func(i int) error) {
	b.ReportAllocs()
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		err := call(i % n)
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportPercentiles(b, took)
}

// reportPercentiles reports the median, 90th and 99th percentile of took
// (sorted in place) as p50-ns, p90-ns and p99-ns.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*9/10].Nanoseconds()), "p90-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}

// TestDistrictMix checks the district mix against its stated
// distribution: local times in the synthetic directory's zone, every day
// of the week with school days at 15:00–19:00 and weekends at
// 09:00–17:00, parent categories and filters near their shares, ages
// 3–20, homes inside the metro.
func TestDistrictMix(t *testing.T) {
	_, provs := synthDirectory(t)
	loc := districtLocation(t)
	for _, p := range provs[:100] {
		if p.Hours.Known() {
			require.Equal(t, districtZone, p.Hours.Zone, "the mix's zone is the directory's")
		}
	}
	const n = mixSize
	qs := districtQueries(t, 1, n)
	leaves := map[string]bool{}
	for _, c := range synth.Categories() {
		leaves[c] = true
	}
	var days [7]int
	var parent, lang, free, wheel, radius int
	ages := map[int]bool{}
	for _, q := range qs {
		require.Equal(t, loc, q.OpenAt.Location())
		h := q.OpenAt.Hour()
		switch wd := q.OpenAt.Weekday(); wd {
		case time.Saturday, time.Sunday:
			assert.True(t, h >= 9 && h < 17, "weekend hour %v", q.OpenAt)
		default:
			assert.True(t, h >= 15 && h < 19, "school-day hour %v", q.OpenAt)
		}
		days[q.OpenAt.Weekday()]++
		require.Len(t, q.Categories, 1)
		if !leaves[q.Categories[0]] {
			parent++
			assert.True(t, directory.IsUnder(q.leaf, q.Categories[0]), "%s under %s", q.leaf, q.Categories[0])
		}
		assert.True(t, q.Age >= 3 && q.Age <= 20, "age %d", q.Age)
		ages[q.Age] = true
		assert.True(t, synth.Metro.Contains(q.Near), "home %v", q.Near)
		lang += b2i(q.Language != "")
		free += b2i(q.FreeOnly)
		wheel += b2i(q.Wheelchair)
		radius += b2i(q.Radius > 0)
	}
	for wd, c := range days {
		assert.InDelta(t, n/7, c, n/20, "%v", time.Weekday(wd))
	}
	assert.Len(t, ages, 18, "every age 3–20")
	share := func(c int) float64 { return float64(c) / n }
	assert.InDelta(t, parentShare, share(parent), 0.03)
	assert.InDelta(t, languageShare, share(lang), 0.03)
	assert.InDelta(t, freeShare, share(free), 0.03)
	assert.InDelta(t, wheelchairShare, share(wheel), 0.03)
	assert.InDelta(t, radiusShare, share(radius), 0.03)
}

// TestDistrictStudents checks the plan mix: ages 3–20 with the grade of
// the age, one to three needs in distinct categories with parents near
// their share, windows after school (starting 15:00–16:00, ending by
// 19:00) on school days or at weekends, and every travel mode.
func TestDistrictStudents(t *testing.T) {
	const n = 2048
	leaves := map[string]bool{}
	for _, c := range synth.Categories() {
		leaves[c] = true
	}
	var needs, parents, spanish, weekend int
	modes := map[match.TravelMode]int{}
	for _, s := range districtStudents(t, 1, n) {
		assert.True(t, s.Age >= 3 && s.Age <= 20, "age %d", s.Age)
		g, ok := gradeForAge(s.Age)
		assert.Equal(t, ok, s.HasGrade, "age %d", s.Age)
		assert.Equal(t, g, s.Grade, "age %d", s.Age)
		assert.True(t, len(s.Needs) >= 1 && len(s.Needs) <= 3, "%d needs", len(s.Needs))
		seen := map[string]bool{}
		for _, nd := range s.Needs {
			assert.False(t, seen[nd.Category], "repeated need %s", nd.Category)
			seen[nd.Category] = true
			needs++
			parents += b2i(!leaves[nd.Category])
			assert.True(t, nd.Severity >= 1 && nd.Severity <= 3)
		}
		spanish += b2i(slices.Contains(s.Languages, "es"))
		modes[s.Constraints.Mode]++
		require.NotEmpty(t, s.Constraints.Availability)
		hasWeekend := false
		for _, w := range s.Constraints.Availability {
			switch {
			case w.Days&match.Weekend == 0:
				assert.True(t, w.Start >= 15*time.Hour && w.Start <= 16*time.Hour && w.End <= 19*time.Hour, "school-day window %v", w)
			case w.Days&match.Weekdays == 0:
				hasWeekend = true
				assert.True(t, w.Start >= 9*time.Hour && w.End <= 17*time.Hour, "weekend window %v", w)
			default:
				t.Errorf("window %v mixes school days and weekends", w)
			}
		}
		weekend += b2i(hasWeekend)
	}
	assert.InDelta(t, parentShare, float64(parents)/float64(needs), 0.03)
	assert.InDelta(t, 0.40, float64(weekend)/n, 0.04)
	assert.InDelta(t, 0.24, float64(spanish)/n, 0.03) // 20% Spanish, 4 in 5 of the 5% other languages
	assert.Len(t, modes, 3)
}
