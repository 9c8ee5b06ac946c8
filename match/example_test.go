package match_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

// A Success Plan for one student on a tiny directory: a vision need with
// the family's words, an interest in soccer, on foot after school,
// Spanish at home.
func ExampleMatcher_Plan() {
	home := orb.Point{-85.3, 35.0}
	at := func(dLat float64) orb.Point { return orb.Point{home[0], home[1] + dLat} }
	afterSchool := func(open, close time.Duration) directory.Hours {
		var h directory.Hours
		for d := time.Monday; d <= time.Friday; d++ {
			h.Week[d] = []directory.Span{{Open: open, Close: close}}
		}
		return h
	}
	b := directory.NewBuilder()
	b.Location = time.UTC
	b.Add(directory.Provider{ID: "v1", Name: "Eye Clinic", Categories: []string{"health.vision"}, Point: at(0.006),
		Hours: afterSchool(9*time.Hour, 17*time.Hour), Languages: []string{"en", "es"}, Cost: directory.CostFree})
	b.Add(directory.Provider{ID: "v2", Name: "Vision Van", Categories: []string{"health.vision"}, Point: at(0.003),
		Hours: afterSchool(9*time.Hour, 16*time.Hour), Cost: directory.CostFee})
	b.Add(directory.Provider{ID: "s1", Name: "Youth Soccer League", Categories: []string{"enrichment.sports"}, Point: at(0.004),
		Hours: afterSchool(16*time.Hour, 19*time.Hour), Languages: []string{"es", "en"}, Cost: directory.CostFree,
		Capacity: 30, Enrolled: 12, Eligibility: directory.Eligibility{MinAge: 6, MaxAge: 14}})
	dir, err := b.Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := match.New(context.Background(), dir, match.Config{K: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := m.Plan(context.Background(), match.Student{
		Home:      home,
		Age:       12,
		Languages: []string{"es", "en"},
		Needs:     []match.Need{{Category: "health.vision", Severity: 3, Words: "eye glasses"}},
		Interests: []match.Interest{{Category: "enrichment.sports", Words: "soccer"}},
		Constraints: match.Constraints{
			Mode:         match.ModeWalk,
			MaxTravel:    20 * time.Minute,
			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: 15*time.Hour + 30*time.Minute, End: 18 * time.Hour}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range plan.Items {
		fmt.Printf("%s (%s):\n", it.Label, it.Item.Kind)
		for _, mt := range it.Matches {
			fmt.Printf("  %.2f %s: %s\n", mt.Score, mt.Provider.Name(), mt.Explanation)
		}
	}
	// Output:
	// Vision care and eye glasses (need):
	//   0.71 Eye Clinic: 667 m, 12 min walk; open Mo-Fr 09:00-17:00, fits 60% of Mo-Fr 15:30-18:00; Spanish spoken; free; capacity not stated; listed under Vision care and eye glasses; matches all the words asked for (eye, glass), 1 only through its category
	//   0.57 Vision Van: 334 m, 6 min walk; open Mo-Fr 09:00-16:00, fits 20% of Mo-Fr 15:30-18:00; English spoken, not Spanish; charges a fee; capacity not stated; listed under Vision care and eye glasses; matches all the words asked for (eye, glass), only through its category
	// Sports (interest):
	//   0.82 Youth Soccer League: 445 m, 8 min walk; open Mo-Fr 16:00-19:00, fits 80% of Mo-Fr 15:30-18:00; Spanish spoken; free; 18 of 30 seats open; listed under Sports; matches all the words asked for (soccer)
}
