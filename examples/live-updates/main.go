// Live-updates: a district service that keeps one directory while it
// changes. A Navigator plans for a family; the nearest food pantry fills
// up and a new one opens; the service applies the day's changes as a new
// version while plans keep being answered, rebases its matcher, and plans
// again. Then a small cohort is matched against the seats and the seats
// taken are written back, so the next match sees them gone. Runs offline
// on the embedded Chattanooga demo data:
//
//	go run ./examples/live-updates
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

func main() {
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), "usage: go run ./examples/live-updates\n\nIt applies a day's changes to the embedded Chattanooga demo directory while plans are read.\nIt takes no flags.\n")
	}
	flag.Parse()
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	live := directory.NewLive(dir)
	m, err := match.New(ctx, dir, match.Config{K: 3, Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	// A sample home near M.L. King Blvd, not anyone's address.
	family := match.Student{
		Home:  orb.Point{-85.2950, 35.0500},
		Age:   10,
		Needs: []match.Need{{Category: "basic.food", Severity: 3}},
		Constraints: match.Constraints{
			Mode:      match.ModeTransit,
			MaxTravel: 45 * time.Minute,
			Availability: []match.WeeklyWindow{
				{Days: match.Weekdays, Start: 15 * time.Hour, End: 19 * time.Hour},
				{Days: match.DaysOf(time.Saturday), Start: 9 * time.Hour, End: 13 * time.Hour},
			},
		},
	}
	plan, err := m.Plan(ctx, family)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Version %d: %d providers\n", dir.Version(), dir.Len())
	printPlan(w, plan)
	if len(plan.Items[0].Matches) == 0 {
		return fmt.Errorf("no food support for the sample family")
	}

	// The day's changes: the best place is full, a new pantry opens a
	// few blocks from the family, the second changes its hours.
	first := plan.Items[0].Matches[0].Provider
	opened := first.Provider() // a deep copy to edit
	opened.ID, opened.Name = "new-pantry-mlk", "MLK Community Pantry"
	opened.Categories = []string{"basic.food.pantry"}
	opened.Point = orb.Point{-85.2935, 35.0512}
	opened.Capacity, opened.Enrolled = 40, 0
	opened.Regions = nil
	changes := []directory.Change{
		directory.SetSeats(first.ID(), max(first.Capacity(), 1), max(first.Capacity(), 1)),
		directory.Add(opened),
	}
	if len(plan.Items[0].Matches) > 1 {
		second := plan.Items[0].Matches[1].Provider
		h := second.Hours()
		h.Week[time.Saturday] = []directory.Span{{Open: 9 * time.Hour, Close: 13 * time.Hour}}
		changes = append(changes, directory.SetHours(second.ID(), h))
	}
	// A bad change rejects the whole batch, naming it; nothing is applied.
	if _, err := live.Apply(ctx, append(changes, directory.Enroll("no-such-provider", 1))); err != nil {
		fmt.Fprintf(w, "\nRejected batch: %v\n", err)
	}
	start := time.Now()
	next, err := live.Apply(ctx, changes)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if m, err = m.Rebase(next); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nVersion %d after %d changes (applied in %v): %d providers\n", next.Version(), len(changes), took.Round(10*time.Microsecond), next.Len())
	if plan, err = m.Plan(ctx, family); err != nil {
		return err
	}
	printPlan(w, plan)
	ids, _ := next.ChangedSince(dir.Version())
	fmt.Fprintf(w, "Changed since version %d: %d providers\n", dir.Version(), len(ids))
	if old, _ := dir.Provider(first.ID()); old.HasSeats() {
		fmt.Fprintf(w, "The old version still has %q with seats: readers holding it are undisturbed.\n", first.Name())
	}

	// A cohort takes seats; they are written back as enrolments.
	students := make([]match.Student, 12)
	for i := range students {
		students[i] = family
		students[i].Home = orb.Point{family.Home[0] + float64(i%4)*0.004, family.Home[1] + float64(i/4)*0.004}
	}
	a, err := m.Assign(ctx, students, match.AssignOptions{})
	if err != nil {
		return err
	}
	enrol := a.Enrollments()
	if next, err = live.Apply(ctx, enrol); err != nil {
		return err
	}
	if m, err = m.Rebase(next); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA cohort of %d took seats at %d providers; written back as version %d:\n", len(students), len(enrol), next.Version())
	for _, c := range enrol {
		p, _ := next.Provider(c.ID)
		fmt.Fprintf(w, "  %-40s +%d enrolled, now %d of %d\n", p.Name(), c.Delta, p.Enrolled(), p.Capacity())
	}
	return nil
}

func printPlan(w io.Writer, plan *match.Plan) {
	for _, it := range plan.Items {
		fmt.Fprintf(w, "  %s:\n", it.Label)
		for _, x := range it.Matches {
			seats := "seats unknown"
			if x.Provider.Capacity() > 0 {
				seats = fmt.Sprintf("%d of %d seats free", max(0, x.Provider.Capacity()-x.Provider.Enrolled()), x.Provider.Capacity())
			}
			fmt.Fprintf(w, "    %.2f  %-40s %5.0f m  %s\n", x.Score, x.Provider.Name(), float64(x.Distance), seats)
		}
	}
}
