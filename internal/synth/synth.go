// Package synth generates seeded synthetic providers and students for
// benchmarks and property tests: a metro-sized area around Chattanooga with
// realistic names, descriptions, categories, hours, languages, eligibility
// and capacities. The same seed always gives the same data.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
)

// Metro is the area synthetic providers are placed in: about 37 km × 33 km
// around Chattanooga, Tennessee.
var Metro = orb.Bound{Min: orb.Point{-85.45, 34.95}, Max: orb.Point{-85.05, 35.25}}

// centers are population centers (lon, lat, relative weight, spread in
// degrees) so that density falls off from downtown as in a real city.
var centers = []struct {
	lon, lat, w, s float64
}{
	{-85.309, 35.046, 5, 0.020}, // downtown
	{-85.270, 35.020, 2, 0.025}, // East Chattanooga / Ridgedale
	{-85.205, 35.040, 2, 0.030}, // Brainerd / East Ridge
	{-85.290, 35.100, 1.5, 0.030},
	{-85.230, 35.130, 1, 0.035}, // Hixson
	{-85.360, 35.030, 1, 0.030}, // Lookout Valley
	{-85.100, 35.070, 0.8, 0.040},
	{-85.250, 35.000, 1.0, 0.030},
}

type catKind struct {
	code     string
	weight   float64
	names    []string
	words    []string
	ageMin   int
	ageMax   int
	capacity [2]int
}

var kinds = []catKind{
	{"basic.food.pantry", 6, []string{"Food Pantry", "Community Food Bank", "Food Box Program", "Despensa Comunitaria"}, []string{"free groceries", "canned goods", "fresh produce", "emergency food", "comida gratis"}, 0, 0, [2]int{0, 0}},
	{"basic.food.meals", 4, []string{"Community Kitchen", "Free Lunch Program", "Hot Meals"}, []string{"hot meal", "dinner", "breakfast", "soup kitchen"}, 0, 0, [2]int{40, 200}},
	{"basic.food.groceries", 4, []string{"Market", "Grocery", "Supermarket"}, []string{"fresh food", "SNAP accepted", "WIC", "produce"}, 0, 0, [2]int{0, 0}},
	{"basic.housing.shelter", 2, []string{"Family Shelter", "Youth Shelter", "Emergency Housing"}, []string{"beds", "overnight", "safe place to sleep"}, 0, 0, [2]int{10, 60}},
	{"basic.housing.rent", 2, []string{"Rent Assistance", "Housing Help Desk", "Eviction Prevention"}, []string{"rent help", "deposit", "eviction", "landlord mediation"}, 0, 0, [2]int{10, 80}},
	{"basic.utilities", 2, []string{"Utility Assistance", "Energy Help", "LIHEAP Office"}, []string{"electric bill", "water bill", "shut off notice", "power"}, 0, 0, [2]int{20, 100}},
	{"basic.clothing", 3, []string{"Clothing Closet", "Uniform Exchange", "Coat Drive"}, []string{"winter coat", "school uniform", "shoes", "ropa"}, 0, 0, [2]int{0, 0}},
	{"basic.supplies", 1, []string{"School Supply Drive", "Backpack Program"}, []string{"backpack", "notebooks", "school supplies"}, 4, 18, [2]int{50, 300}},
	{"basic.transportation", 1, []string{"Ride Program", "Bus Pass Office"}, []string{"bus pass", "rides to appointments"}, 0, 0, [2]int{20, 100}},
	{"health.primary", 4, []string{"Community Health Center", "Pediatric Clinic", "Family Clinic"}, []string{"checkup", "vaccines", "sports physical", "doctor"}, 0, 0, [2]int{20, 80}},
	{"health.dental", 2, []string{"Dental Clinic", "Smile Center", "Mobile Dentist"}, []string{"cleaning", "cavities", "dentist", "teeth"}, 0, 0, [2]int{10, 40}},
	{"health.vision", 2, []string{"Vision Center", "Eye Clinic", "Free Eye Glasses Program"}, []string{"eye exam", "glasses", "eyeglasses", "vision screening"}, 0, 0, [2]int{10, 40}},
	{"health.mental", 3, []string{"Counseling Center", "Youth Mental Health", "Family Therapy"}, []string{"counseling", "therapy", "stress", "anxiety", "grief"}, 0, 0, [2]int{10, 40}},
	{"health.substance", 1, []string{"Recovery Center", "Teen Recovery Program"}, []string{"addiction", "recovery", "vaping"}, 12, 0, [2]int{10, 30}},
	{"education.tutoring", 5, []string{"Tutoring Center", "Homework Help", "Reading Club", "Math Lab"}, []string{"tutoring", "homework", "reading", "math", "tutoría"}, 5, 18, [2]int{10, 40}},
	{"education.mentoring", 2, []string{"Mentoring Program", "Big Brothers Big Sisters"}, []string{"mentor", "role model"}, 8, 18, [2]int{10, 40}},
	{"education.afterschool", 4, []string{"After-School Program", "Youth Center", "Boys & Girls Club"}, []string{"after school", "snacks", "homework", "games"}, 5, 14, [2]int{20, 120}},
	{"education.early", 2, []string{"Head Start", "Pre-K Center", "Child Care"}, []string{"preschool", "daycare", "pre-k"}, 0, 5, [2]int{10, 60}},
	{"education.college", 2, []string{"College Access Center", "Career Readiness"}, []string{"FAFSA", "college application", "scholarships"}, 14, 24, [2]int{20, 80}},
	{"enrichment.sports", 4, []string{"Soccer League|soccer|fútbol", "Basketball Club|basketball", "Swim Team|swimming", "Youth Football|football"}, []string{"team", "practice", "games", "coaching"}, 5, 18, [2]int{15, 60}},
	{"enrichment.arts", 2, []string{"Art Studio|painting|drawing", "Youth Theater|theater|acting", "Dance School|dance"}, []string{"classes", "art", "performances"}, 6, 18, [2]int{10, 40}},
	{"enrichment.music", 2, []string{"Music School|piano|guitar", "Youth Orchestra|violin|band", "Community Choir|choir|singing"}, []string{"lessons", "music", "concerts"}, 6, 18, [2]int{10, 40}},
	{"enrichment.stem", 2, []string{"Robotics Club", "Code Camp", "Science Lab"}, []string{"coding", "robotics", "science", "engineering"}, 8, 18, [2]int{10, 30}},
	{"enrichment.summer", 2, []string{"Summer Camp", "Summer Program"}, []string{"summer camp", "day camp", "campamento"}, 5, 17, [2]int{20, 120}},
	{"work.jobs", 2, []string{"Youth Jobs", "Summer Jobs Program", "Workforce Center"}, []string{"summer job", "part-time", "employment", "trabajo"}, 14, 24, [2]int{10, 80}},
	{"work.internships", 1, []string{"Internship Program", "Apprenticeship"}, []string{"internship", "apprenticeship", "job shadowing"}, 15, 24, [2]int{5, 30}},
	{"family.legal", 1, []string{"Legal Aid", "Immigration Legal Services"}, []string{"lawyer", "immigration", "custody"}, 0, 0, [2]int{10, 40}},
	{"family.parenting", 1, []string{"Parenting Center", "New Parents Group"}, []string{"parenting class", "support group"}, 0, 0, [2]int{10, 40}},
	{"family.benefits", 2, []string{"Benefits Enrollment", "SNAP and TennCare Help"}, []string{"SNAP", "TennCare", "Medicaid", "WIC enrollment"}, 0, 0, [2]int{20, 100}},
}

var orgs = []string{"Westside", "Eastgate", "Highland Park", "Riverview", "Alton Park", "Brainerd", "Avondale", "Glenwood", "Orchard Knob", "North Shore", "Red Bank", "Hixson", "East Lake", "St. Elmo", "Lookout Valley", "Ridgedale", "Bushtown", "Cedar Hill", "Missionary Ridge", "Southside"}
var orgKinds = []string{"Community Center", "Baptist Church", "Methodist Church", "YMCA", "Library", "Neighborhood Association", "Health Department", "Family Services", "United Way Partner", "Catholic Charities", "Salvation Army", "School District"}
var extraLangs = []string{"ar", "vi", "sw", "fr", "zh"}

// Providers returns n providers placed in Metro, with IDs "p000001"… in
// order. Deterministic for a given seed.
func Providers(seed uint64, n int) []directory.Provider {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var wsum float64
	for _, k := range kinds {
		wsum += k.weight
	}
	var csum float64
	for _, c := range centers {
		csum += c.w
	}
	out := make([]directory.Provider, n)
	for i := range out {
		k := pickKind(rng, wsum)
		out[i] = newProvider(rng, fmt.Sprintf("p%06d", i+1), k, Point(rng, csum), wsum, "")
	}
	return out
}

// Provider returns one provider of category code (one of Categories) at
// point at, drawn with rng, named after place when place is not empty.
// Unknown codes fall back to the first category.
func Provider(rng *rand.Rand, id, code, place string, at orb.Point) directory.Provider {
	k := &kinds[0]
	for i := range kinds {
		if kinds[i].code == code {
			k = &kinds[i]
		}
	}
	return newProvider(rng, id, k, at, 0, place)
}

func newProvider(rng *rand.Rand, id string, k *catKind, at orb.Point, wsum float64, place string) directory.Provider {
	org := orgs[rng.IntN(len(orgs))] + " " + orgKinds[rng.IntN(len(orgKinds))]
	if place == "" {
		place = orgs[rng.IntN(len(orgs))]
	}
	// A name that says what the program is ("Soccer League|soccer|fútbol")
	// brings its own words, so a listing does not claim a sport it lacks.
	kindName, own, _ := strings.Cut(k.names[rng.IntN(len(k.names))], "|")
	name := place + " " + kindName
	p := directory.Provider{
		ID:           id,
		Name:         name,
		Organization: org,
		Categories:   []string{k.code},
		Point:        at,
		Languages:    []string{"en"},
		Hours:        Hours(rng),
		Cost:         directory.CostFree,
	}
	if wsum > 0 && rng.Float64() < 0.12 {
		// A second service at the same place.
		if k2 := pickKind(rng, wsum); k2.code != k.code {
			p.Categories = append(p.Categories, k2.code)
		}
	}
	w1, w2 := k.words[rng.IntN(len(k.words))], k.words[rng.IntN(len(k.words))]
	if own != "" {
		words := strings.Split(own, "|")
		w1 = words[rng.IntN(len(words))]
	}
	p.Description = fmt.Sprintf("%s offers %s and %s for children and families. Walk-ins welcome; call ahead for %s.", org, w1, w2, k.words[0])
	p.Keywords = []string{w1, w2}
	if rng.Float64() < 0.35 {
		p.Languages = append(p.Languages, "es")
	}
	if rng.Float64() < 0.06 {
		p.Languages = append(p.Languages, extraLangs[rng.IntN(len(extraLangs))])
	}
	switch r := rng.Float64(); {
	case r < 0.15:
		p.Cost = directory.CostSlidingScale
	case r < 0.25:
		p.Cost = directory.CostFee
	}
	if k.ageMin > 0 || k.ageMax > 0 {
		p.Eligibility.MinAge = k.ageMin
		p.Eligibility.MaxAge = k.ageMax
	}
	if k.capacity[1] > 0 {
		p.Capacity = k.capacity[0] + rng.IntN(k.capacity[1]-k.capacity[0]+1)
	}
	p.Wheelchair = rng.Float64() < 0.7
	p.Phone = fmt.Sprintf("(423) 555-%04d", rng.IntN(10000))
	return p
}

func pickKind(rng *rand.Rand, wsum float64) *catKind {
	x := rng.Float64() * wsum
	for i := range kinds {
		x -= kinds[i].weight
		if x < 0 {
			return &kinds[i]
		}
	}
	return &kinds[len(kinds)-1]
}

// Point returns a point in Metro drawn from the population-center mixture
// (csum is the sum of center weights; pass 0 to have it computed).
func Point(rng *rand.Rand, csum float64) orb.Point {
	if csum == 0 {
		for _, c := range centers {
			csum += c.w
		}
	}
	for {
		x := rng.Float64() * csum
		c := centers[len(centers)-1]
		for _, cc := range centers {
			x -= cc.w
			if x < 0 {
				c = cc
				break
			}
		}
		p := orb.Point{c.lon + rng.NormFloat64()*c.s/math.Cos(c.lat*math.Pi/180), c.lat + rng.NormFloat64()*c.s}
		if Metro.Contains(p) {
			return p
		}
	}
}

// Hours returns a plausible weekly schedule: mostly weekday office hours,
// some evenings and Saturdays, a few around the clock, a few unknown.
func Hours(rng *rand.Rand) directory.Hours {
	h := directory.Hours{Zone: "America/New_York"}
	hr := func(x float64) time.Duration { return time.Duration(x * float64(time.Hour)) }
	switch r := rng.Float64(); {
	case r < 0.05:
		h.Always = true
	case r < 0.10:
		// unknown
	case r < 0.55:
		open := 8 + float64(rng.IntN(3))
		close := open + 8 + float64(rng.IntN(2))
		for d := time.Monday; d <= time.Friday; d++ {
			h.Week[d] = []directory.Span{{Open: hr(open), Close: hr(close)}}
		}
		if rng.Float64() < 0.4 {
			h.Week[time.Saturday] = []directory.Span{{Open: hr(9), Close: hr(12 + float64(rng.IntN(3)))}}
		}
	case r < 0.80:
		// After-school style: weekday afternoons and evenings.
		close := 18 + float64(rng.IntN(3))
		for d := time.Monday; d <= time.Friday; d++ {
			h.Week[d] = []directory.Span{{Open: hr(15), Close: hr(close)}}
		}
		if rng.Float64() < 0.5 {
			h.Week[time.Saturday] = []directory.Span{{Open: hr(9), Close: hr(13)}}
		}
	default:
		// A few days a week, sometimes split.
		for d := time.Sunday; d <= time.Saturday; d++ {
			if rng.Float64() < 0.45 {
				if rng.Float64() < 0.3 {
					h.Week[d] = []directory.Span{{Open: hr(9), Close: hr(12)}, {Open: hr(13), Close: hr(17)}}
				} else {
					h.Week[d] = []directory.Span{{Open: hr(10), Close: hr(14 + float64(rng.IntN(4)))}}
				}
			}
		}
	}
	return h
}

// Categories returns the leaf categories synthetic providers are drawn
// from.
func Categories() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.code
	}
	return out
}
