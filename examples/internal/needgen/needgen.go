// Package needgen generates a seeded, invented year of students' need
// requests in Chattanooga's neighborhoods for the examples (trends, the
// Navigator app): seasonal categories, neighborhoods weighted toward the
// urban core, and an optional housing surge. No real student's data is
// involved.
package needgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

// need is one category of the generated mix: its share of requests and
// its seasonal shape (a multiplier per month, January first).
type need struct {
	code   string
	share  float64
	season [12]float64
}

var flat = [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

// The mix is invented but plausible for a district's Success Plans: food
// peaks when school meals stop (June–July) and over the holidays,
// supplies before school starts, coats in winter, utility bills in the
// coldest and hottest months.
var needs = []need{
	{"basic.food.pantry", 0.13, [12]float64{1.1, 1, 0.9, 0.9, 1, 1.6, 1.7, 1.1, 0.9, 1, 1.3, 1.5}},
	{"basic.food.meals", 0.07, [12]float64{1, 0.9, 0.9, 0.9, 1, 1.9, 2, 1.1, 0.8, 0.9, 1.2, 1.4}},
	{"basic.food.groceries", 0.06, [12]float64{1, 1, 1, 1, 1, 1.4, 1.4, 1, 1, 1, 1.2, 1.3}},
	{"basic.housing.rent", 0.07, flat},
	{"basic.housing.shelter", 0.03, [12]float64{1.3, 1.2, 1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1, 1.1, 1.3}},
	{"basic.utilities", 0.05, [12]float64{1.6, 1.4, 1, 0.8, 0.8, 1, 1.3, 1.3, 0.9, 0.8, 1, 1.3}},
	{"basic.clothing", 0.04, [12]float64{1.4, 1.1, 0.8, 0.7, 0.7, 0.7, 0.8, 1.3, 1, 1.1, 1.3, 1.4}},
	{"basic.supplies", 0.03, [12]float64{0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 1.5, 3.2, 1.5, 0.7, 0.6, 0.5}},
	{"basic.transportation", 0.04, flat},
	{"health.primary", 0.05, [12]float64{1, 1, 1, 0.9, 0.9, 1, 1.4, 1.6, 1.1, 0.9, 0.9, 0.8}},
	{"health.dental", 0.03, flat},
	{"health.vision", 0.04, [12]float64{0.9, 1, 1, 0.9, 0.8, 0.6, 0.7, 1.3, 1.5, 1.3, 1, 0.9}},
	{"health.mental", 0.07, [12]float64{1.1, 1.1, 1.1, 1.1, 1, 0.7, 0.6, 0.9, 1.2, 1.2, 1.1, 1}},
	{"health.substance", 0.01, flat},
	{"education.tutoring", 0.06, [12]float64{1.1, 1.2, 1.2, 1.3, 1.1, 0.5, 0.4, 0.8, 1.2, 1.2, 1.1, 0.9}},
	{"education.mentoring", 0.03, flat},
	{"education.afterschool", 0.03, [12]float64{1, 1, 1, 1, 0.9, 0.5, 0.5, 1.3, 1.3, 1, 1, 0.8}},
	{"education.early", 0.02, flat},
	{"enrichment.sports", 0.03, [12]float64{0.8, 0.9, 1.2, 1.2, 1.1, 1.1, 1, 1.2, 1.1, 0.9, 0.8, 0.7}},
	{"enrichment.summer", 0.03, [12]float64{0.3, 0.5, 1.2, 2, 2.6, 2, 0.8, 0.3, 0.1, 0.1, 0.1, 0.2}},
	{"enrichment.arts", 0.02, flat},
	{"work.jobs", 0.03, [12]float64{0.6, 0.6, 1, 1.6, 2, 1.8, 1, 0.8, 0.8, 0.8, 0.9, 0.9}},
	{"family.legal", 0.01, flat},
	{"family.benefits", 0.02, flat},
}

// SurgeHoods are the demo neighborhoods of the planted housing surge:
// there housing requests climb from July to three and a half times their
// rate.
var SurgeHoods = []string{
	"Highland Park Neighborhood Association",
	"Orchard Knob Neighborhood Watch Association",
	"East Lake Neighborhood Association\u00a0",
	"Clifton Hills Neighborhood Association",
}

func surgeFactor(m time.Month) float64 {
	if m < time.July {
		return 1
	}
	return 1 + 2.5*float64(m-time.June)/6
}

// Generate draws a seeded year (2025) of requests for the regions hoods:
// about total requests, regions weighted by an invented "students in
// need" figure that falls off away from Chattanooga's urban core,
// seasonal categories, and a housing surge in the regions named in surge
// (SurgeHoods for the demo neighborhoods; an unknown name is an error).
// Each request comes from one of a pool of students per region, so a
// student raises several needs over the year. Same arguments, same
// requests.
func Generate(hoods *geo.Regions, loc *time.Location, seed uint64, total int, surge []string) ([]trends.Request, error) {
	rng := rand.New(rand.NewPCG(seed, 2025))
	regs := hoods.All()
	downtown := orb.Point{-85.3097, 35.0456}
	weight := make([]float64, len(regs))
	var wsum float64
	for i := range regs {
		d := geo.Distance(hoods.Centroid(i), downtown).Km()
		weight[i] = math.Exp(rng.NormFloat64()*0.5) / (1 + d/4)
		wsum += weight[i]
	}
	surged := map[int]bool{}
	for _, name := range surge {
		reg, ok := hoods.ByName(name)
		if !ok {
			return nil, fmt.Errorf("no neighborhood %q", name)
		}
		surged[reg.Index] = true
		// Surge neighborhoods are busy ones.
		weight[reg.Index] = math.Max(weight[reg.Index], 4*wsum/float64(len(regs)))
	}
	wsum = 0
	for _, w := range weight {
		wsum += w
	}
	var shareSum float64
	for _, n := range needs {
		shareSum += n.share
	}
	var out []trends.Request
	for m := time.January; m <= time.December; m++ {
		days := time.Date(2025, m+1, 0, 0, 0, 0, 0, loc).Day()
		for hi := range regs {
			base := float64(total) / 12 * weight[hi] / wsum
			for _, n := range needs {
				lambda := base * n.share / shareSum * n.season[m-1]
				if surged[hi] && (n.code == "basic.housing.rent" || n.code == "basic.housing.shelter") {
					lambda *= surgeFactor(m)
				}
				for range poisson(rng, lambda) {
					day := 1 + rng.IntN(days)
					out = append(out, trends.Request{
						Time:     time.Date(2025, m, day, 7+rng.IntN(12), rng.IntN(60), 0, 0, loc),
						Point:    pointIn(rng, hoods, hi),
						Category: n.code,
						Outcome:  outcome(rng),
						Student:  fmt.Sprintf("student-%d-%d", hi, rng.IntN(40+int(400*weight[hi]/wsum*float64(len(regs))))),
					})
				}
			}
		}
	}
	return out, nil
}

func outcome(rng *rand.Rand) trends.Outcome {
	switch x := rng.IntN(100); {
	case x < 45:
		return trends.OutcomeReferred
	case x < 80:
		return trends.OutcomeServed
	case x < 95:
		return trends.OutcomeUnmet
	}
	return trends.OutcomeUnknown
}

// poisson draws a Poisson variate: Knuth's method for small means, a
// rounded normal approximation for large ones.
func poisson(rng *rand.Rand, lambda float64) int {
	if lambda > 50 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// pointIn draws a uniform point inside region i by rejection in its bound.
func pointIn(rng *rand.Rand, rs *geo.Regions, i int) orb.Point {
	b := rs.All()[i].Bound
	for range 10000 {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if rs.Contains(i, p) {
			return p
		}
	}
	return rs.Centroid(i)
}
