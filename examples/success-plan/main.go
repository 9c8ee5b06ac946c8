// Success-plan: three sample students in Chattanooga, each matched to the
// demo directory with CARTA's real bus network and printed as a plan a
// Navigator can read. The students are invented; the providers other
// than groceries are generated (see demo.Attribution). Runs offline:
//
//	go run ./examples/success-plan
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/match"
)

func main() {
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), "usage: go run ./examples/success-plan\n\nIt prints the Success Plans of three sample students on the embedded Chattanooga demo data.\nIt takes no flags.\n")
	}
	flag.Parse() // -h prints the usage and exits 0
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// sample is a student with a short description for the printout.
type sample struct {
	title   string
	student match.Student
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// samples returns the three students. Homes are sample points in real
// neighborhoods, not anyone's address.
func samples() []sample {
	school := orb.Point{-85.2790, 35.0440} // a sample school location
	return []sample{
		{
			title: "A family without a car: food and utilities help (Mo-Fr after 16:00, Saturday morning, by bus)",
			student: match.Student{
				Home:      orb.Point{-85.2950, 35.0500}, // near M.L. King Blvd
				Age:       9,
				Grade:     4,
				HasGrade:  true,
				Languages: []string{"en"},
				Needs: []match.Need{
					{Category: "basic.food", Severity: 3, Words: "food box"},
					{Category: "basic.utilities", Severity: 2, Words: "electric bill"},
				},
				Constraints: match.Constraints{
					Mode:      match.ModeTransit,
					MaxTravel: 45 * time.Minute,
					Availability: []match.WeeklyWindow{
						{Days: match.Weekdays, Start: hm(16, 0), End: hm(19, 0)},
						{Days: match.DaysOf(time.Saturday), Start: hm(9, 0), End: hm(13, 0)},
					},
					FreeOnly: true,
				},
			},
		},
		{
			title: "A 12-year-old who can't see the board and loves soccer (after school, by bus)",
			student: match.Student{
				Home:      orb.Point{-85.2890, 35.0330}, // Highland Park
				School:    &school,
				Age:       12,
				Grade:     6,
				HasGrade:  true,
				Languages: []string{"en"},
				Needs: []match.Need{
					{Category: "health.vision", Severity: 3, Words: "eye glasses"},
				},
				Interests: []match.Interest{
					{Category: "enrichment.sports", Words: "soccer"},
				},
				Strengths: []string{"goalkeeper"},
				Constraints: match.Constraints{
					Mode:      match.ModeTransit,
					MaxTravel: 45 * time.Minute,
					Availability: []match.WeeklyWindow{
						{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)},
						{Days: match.DaysOf(time.Saturday), Start: hm(9, 0), End: hm(12, 0)},
					},
				},
			},
		},
		{
			title: "An eighth grader looking for a summer job, Spanish at home (weekdays, on foot or by bus)",
			student: match.Student{
				Home:      orb.Point{-85.2450, 35.0180}, // East Lake / Brainerd
				Age:       14,
				Grade:     8,
				HasGrade:  true,
				Languages: []string{"es", "en"},
				Interests: []match.Interest{
					{Category: "work.jobs", Words: "summer job"},
					{Category: "enrichment.summer"},
				},
				Needs: []match.Need{
					{Category: "education.tutoring", Severity: 1, Words: "math"},
				},
				Constraints: match.Constraints{
					Mode:      match.ModeTransit,
					MaxTravel: 40 * time.Minute,
					Availability: []match.WeeklyWindow{
						{Days: match.Weekdays, Start: hm(9, 0), End: hm(17, 0)},
					},
				},
			},
		},
	}
}

func run(w io.Writer) error {
	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	net, err := demo.Network()
	if err != nil {
		return err
	}
	// Plans read bus frequencies in the week of Monday 1 June 2026, inside
	// the CARTA feed's validity (2026-05-10 to 2026-08-22).
	ctx := context.Background()
	m, err := match.New(ctx, dir, match.Config{K: 3, Week: net.Date(2026, time.June, 1)})
	if err != nil {
		return err
	}
	for i, s := range samples() {
		plan, err := m.Plan(ctx, s.student)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d. %s\n", i+1, s.title)
		// For the family, in their language: English or Spanish.
		tag := language.English
		if len(s.student.Languages) > 0 && s.student.Languages[0] == "es" {
			tag = language.Spanish
		}
		fmt.Fprintf(w, "\n   For the family (%s):\n", map[language.Tag]string{language.English: "English", language.Spanish: "Spanish"}[tag])
		fmt.Fprintln(w, indent(plan.Family(dir.Taxonomy(), tag), "   "))
		fmt.Fprintln(w, "\n   Staff detail:")
		printPlan(w, plan)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Trips by bus are routed on CARTA's timetable: the median door-to-door time over every departure minute of the family's window.")
	fmt.Fprintln(w, demo.Attribution)
	return nil
}

func printPlan(w io.Writer, plan *match.Plan) {
	for _, it := range plan.Items {
		what := it.Label
		if it.Item.Kind == match.KindNeed {
			what = fmt.Sprintf("Need: %s (severity %d)", it.Label, it.Item.Severity)
		} else {
			what = "Interest: " + it.Label
		}
		if it.Item.Words != "" {
			what += fmt.Sprintf(" — %q", it.Item.Words)
		}
		fmt.Fprintf(w, "   %s\n", what)
		if it.Unmet != nil {
			fmt.Fprintf(w, "      unmet: %s\n", it.Unmet.Explanation)
			continue
		}
		for j, mt := range it.Matches {
			fmt.Fprintf(w, "      %d) %s  [score %.2f]\n", j+1, mt.Provider.Name(), mt.Score)
			fmt.Fprintf(w, "         %s\n", wrap(mt.Explanation, 90, "         "))
		}
	}
}

// indent prefixes every non-empty line of s with pre, wrapping long ones.
func indent(s, pre string) string {
	var b strings.Builder
	for line := range strings.Lines(strings.TrimRight(s, "\n")) {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			b.WriteString("\n")
			continue
		}
		lead := len(line) - len(strings.TrimLeft(line, " "))
		b.WriteString(pre + line[:lead] + wrap(line[lead:], 90-lead, pre+line[:lead]+"   ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// wrap breaks s into lines of at most width bytes at spaces.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(word) > width {
				b.WriteString("\n" + indent)
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
