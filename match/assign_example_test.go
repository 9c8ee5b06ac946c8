package match_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

// Three students need vision care. The Eye Clinic has one new-patient
// seat left, the Vision Center two. Student 1 (severity 3) could walk to
// either; student 0 (severity 2) only reaches the Eye Clinic. Serving the
// most severe need first gives student 1 the Eye Clinic and leaves
// student 0 without care; the cohort optimum sends student 1 a little
// farther and serves everyone.
func ExampleMatcher_Assign() {
	home := orb.Point{-85.3, 35.0}
	at := func(dLat float64) orb.Point { return orb.Point{home[0], home[1] + dLat} }
	b := directory.NewBuilder()
	b.Location = time.UTC
	b.Add(directory.Provider{ID: "v1", Name: "Eye Clinic", Categories: []string{"health.vision"}, Point: at(0.004),
		Cost: directory.CostFree, Capacity: 10, Enrolled: 9})
	b.Add(directory.Provider{ID: "v2", Name: "Vision Center", Categories: []string{"health.vision"}, Point: at(0.020),
		Cost: directory.CostFree, Capacity: 2})
	dir, err := b.Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := match.New(context.Background(), dir, match.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	student := func(dLat float64, severity int) match.Student {
		return match.Student{
			Home:        at(dLat),
			Needs:       []match.Need{{Category: "health.vision", Severity: severity}},
			Constraints: match.Constraints{MaxTravel: 30 * time.Minute},
		}
	}
	cohort := []match.Student{student(-0.010, 2), student(0.011, 3), student(0.021, 1)}
	for _, pol := range []match.Policy{match.Greedy, match.MaxTotal} {
		a, err := m.Assign(context.Background(), cohort, match.AssignOptions{Policy: pol})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: objective %d\n", pol, a.Totals.Objective)
		for _, as := range a.Assigned {
			fmt.Printf("  student %d → %s (choice %d, score %.2f)\n", as.Student, as.Provider.Name(), as.Rank+1, as.Score)
		}
		for _, u := range a.Unmet {
			fmt.Printf("  student %d unmet: %s\n", u.Student, u.Reason)
		}
	}
	// Output:
	// greedy: objective 29165
	//   student 1 → Eye Clinic (choice 1, score 0.65)
	//   student 2 → Vision Center (choice 1, score 0.96)
	//   student 0 unmet: full
	// maxtotal: objective 36644
	//   student 0 → Eye Clinic (choice 1, score 0.38)
	//   student 1 → Vision Center (choice 2, score 0.65)
	//   student 2 → Vision Center (choice 1, score 0.96)
}

// Interests come after needs. The Youth Center has one seat, shared by
// its tutoring and its soccer; the Soccer League, farther away, has
// seats. Student 0 would like to play soccer and lives next to the Youth
// Center, student 1 needs tutoring: the need takes the shared seat and
// the interest goes to the league, its second choice.
func ExampleMatcher_Assign_interests() {
	home := orb.Point{-85.3, 35.0}
	at := func(dLat float64) orb.Point { return orb.Point{home[0], home[1] + dLat} }
	b := directory.NewBuilder()
	b.Location = time.UTC
	b.Add(directory.Provider{ID: "y1", Name: "Youth Center", Categories: []string{"education.tutoring", "enrichment.sports"},
		Point: at(0.002), Cost: directory.CostFree, Capacity: 1})
	b.Add(directory.Provider{ID: "s1", Name: "Soccer League", Categories: []string{"enrichment.sports"},
		Point: at(0.015), Cost: directory.CostFree, Capacity: 20})
	dir, err := b.Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := match.New(context.Background(), dir, match.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cohort := []match.Student{
		{Home: at(0.004), Interests: []match.Interest{{Category: "enrichment.sports"}}},
		{Home: at(0), Needs: []match.Need{{Category: "education.tutoring", Severity: 1}}},
	}
	a, err := m.Assign(context.Background(), cohort, match.AssignOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, as := range a.Assigned {
		fmt.Printf("student %d %s %s → %s (choice %d)\n", as.Student, as.Kind, as.Category, as.Provider.Name(), as.Rank+1)
	}
	t := a.Totals
	fmt.Printf("needs %d of %d met, interests %d of %d\n", t.Assigned, t.Needs, t.Interests.Assigned, t.Interests.Items)
	// Output:
	// student 0 interest enrichment.sports → Soccer League (choice 2)
	// student 1 need education.tutoring → Youth Center (choice 1)
	// needs 1 of 1 met, interests 1 of 1
}
