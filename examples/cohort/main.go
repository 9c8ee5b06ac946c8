// Cohort: a generated cohort of Chattanooga students matched together to
// the demo directory's limited seats under each assignment policy, with a
// progress bar and a summary: needs met by severity, utilisation, and the
// categories most often unmet by neighborhood (the supply gaps). The
// students are invented (seeded); providers other than groceries are
// generated (see demo.Attribution). Runs offline:
//
//	go run ./examples/cohort                      # 5,000 students, every policy
//	go run ./examples/cohort -students 20000 -policy maxtotal,greedy
//	go run ./examples/cohort -json gaps.json -staff staff.json -dimacs cohort.min
//
// -json writes every policy's analyst report: aggregates only, every
// count below 10 withheld (match.Assignment.Analyst), fit to share with
// planners. -staff writes the per-student assignments with their
// explanations, for the people who serve those students: it is student
// data. -dimacs writes the candidate graph as a DIMACS min-cost-flow
// problem whose optimal cost is minus the MaxTotal objective printed, for
// checking with any solver; it holds numbers only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h printed the usage
		}
		fmt.Fprintln(os.Stderr, "cohort:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	students   int
	seed       uint64
	candidates int
	pools      string
	policies   string
	jsonFile   string
	staffFile  string
	dimacsFile string
	quiet      bool
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("cohort", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.students, "students", 5000, "number of students to generate")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the cohort and of the Stable lottery")
	fs.IntVar(&o.candidates, "k", match.DefaultMaxCandidates, "candidates per need (best by score)")
	fs.StringVar(&o.pools, "pools", "provider", "seat pools: provider (shared by a provider's categories) or category")
	fs.StringVar(&o.policies, "policy", "maxtotal,equityfirst,stable,greedy", "policies to run, comma-separated")
	fs.StringVar(&o.jsonFile, "json", "", "write every policy's analyst report (aggregates, small counts withheld) as JSON to this file")
	fs.StringVar(&o.staffFile, "staff", "", "write every policy's per-student assignment (student data, for staff) as JSON to this file")
	fs.StringVar(&o.dimacsFile, "dimacs", "", "write the instance as a DIMACS min-cost-flow problem to this file")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.students < 0 {
		return o, errors.New("-students must not be negative")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	var pools match.PoolMode
	switch o.pools {
	case "provider":
		pools = match.PoolPerProvider
	case "category":
		pools = match.PoolPerCategory
	default:
		return fmt.Errorf("-pools: %q is neither provider nor category", o.pools)
	}
	var policies []match.Policy
	for _, name := range strings.Split(o.policies, ",") {
		var p match.Policy
		if err := p.UnmarshalText([]byte(strings.TrimSpace(name))); err != nil {
			return fmt.Errorf("-policy: %q: %w", name, err)
		}
		policies = append(policies, p)
	}

	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		return err
	}
	m, err := match.New(ctx, dir, match.Config{Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	// A seeded cohort with homes in the neighborhoods (see
	// synth.ExampleCohort for its mix of needs, modes and languages).
	students := synth.Students(o.seed, o.students, synth.ExampleCohort(), synth.HomesIn(hoods))
	fmt.Fprintf(stdout, "%d students, %d needs, %d providers; %d candidates per need, one seat pool per %s\n\n",
		len(students), countNeeds(students), dir.Len(), o.candidates, o.pools)

	results := map[string]*match.Assignment{}
	for _, pol := range policies {
		bar := &progressBar{w: stderr, title: pol.String(), quiet: o.quiet}
		start := time.Now()
		a, err := m.Assign(ctx, students, match.AssignOptions{
			Policy: pol, Pools: pools, MaxCandidates: o.candidates, Seed: o.seed,
			RegionSet: demo.Neighborhoods, Progress: bar.update,
		})
		bar.done()
		if err != nil {
			return err
		}
		summarize(stdout, dir, pol, a, time.Since(start), o.candidates)
		results[pol.String()] = a
		if o.dimacsFile != "" && (pol == match.MaxTotal || len(policies) == 1) {
			if err := writeFile(o.dimacsFile, a.WriteDIMACS); err != nil {
				return err
			}
			o.dimacsFile = ""
		}
	}
	if o.dimacsFile != "" && len(results) > 0 {
		if err := writeFile(o.dimacsFile, results[policies[0].String()].WriteDIMACS); err != nil {
			return err
		}
	}
	if o.jsonFile != "" {
		reports := map[string]match.AnalystReport{}
		for name, a := range results {
			r, err := a.Analyst(match.DefaultSuppression)
			if err != nil {
				return err
			}
			reports[name] = r
		}
		if err := writeJSON(o.jsonFile, reports); err != nil {
			return err
		}
	}
	if o.staffFile != "" {
		reports := map[string]match.StaffReport{}
		for name, a := range results {
			reports[name] = a.Staff()
		}
		if err := writeJSON(o.staffFile, reports); err != nil {
			return err
		}
	}
	if len(policies) > 0 {
		// Whether any provider is within a family's limits does not
		// depend on the policy: the access gaps are printed once.
		fmt.Fprintln(stdout, "Top unmet categories by neighborhood, no provider within the family's limits (all policies):")
		printGaps(stdout, dir, results[policies[0].String()].Gaps, func(g match.CoverageGap) bool { return g.Reason == match.UnmetNoProvider }, 8)
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, demo.Attribution)
	return nil
}

func writeJSON(name string, v any) error {
	return writeFile(name, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	})
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func countNeeds(ss []match.Student) int {
	n := 0
	for _, s := range ss {
		n += len(s.Needs)
	}
	return n
}

// summarize prints one policy's outcome.
func summarize(w io.Writer, dir *directory.Directory, pol match.Policy, a *match.Assignment, took time.Duration, k int) {
	t := a.Totals
	fmt.Fprintf(w, "== %s (%.1f s): objective %d, %d of %d needs met (%.1f%%), mean score %.3f\n",
		pol, took.Seconds(), t.Objective, t.Assigned, t.Needs, pct(t.Assigned, t.Needs), meanScore(a))
	for sev := match.MaxSeverity; sev >= match.MinSeverity; sev-- {
		fmt.Fprintf(w, "   severity %d: %5d of %5d met (%5.1f%%)%s\n", sev, t.AssignedBySeverity[sev], t.NeedsBySeverity[sev],
			pct(t.AssignedBySeverity[sev], t.NeedsBySeverity[sev]), noneUnmet(sev, t.NeedsBySeverity[sev]-t.AssignedBySeverity[sev], t.NeedsBySeverity[sev]))
	}
	fmt.Fprintf(w, "   unmet: %d no provider within the family's limits, %d every eligible provider full, %d only beyond the %d best candidates\n",
		t.UnmetByReason[match.UnmetNoProvider], t.UnmetByReason[match.UnmetFull], t.UnmetByReason[match.UnmetBeyondCandidates], k)
	seats, taken, full, limited := 0, 0, 0, 0
	for _, u := range a.Utilisation {
		if u.Seats < 0 {
			continue
		}
		limited++
		seats += u.Seats
		taken += u.Assigned
		if u.Assigned == u.Seats {
			full++
		}
	}
	fmt.Fprintf(w, "   utilisation: %d of %d open seats taken (%.1f%%) at %d providers with seat limits, %d now full; %d pools in the graph, %d candidate pairs\n",
		taken, seats, pct(taken, seats), limited, full, t.Pools, t.Edges)
	fmt.Fprintln(w, "   top unmet categories by neighborhood, seats short (every eligible provider full):")
	printGaps(w, dir, a.Gaps, func(g match.CoverageGap) bool { return g.Reason != match.UnmetNoProvider }, 6)
	fmt.Fprintln(w)
}

// noneUnmet says so when every need of a severity was met.
func noneUnmet(sev, unmet, needs int) string {
	if unmet == 0 && needs > 0 {
		return fmt.Sprintf(": none of the %d severity-%d needs was left unmet", needs, sev)
	}
	return ""
}

// gapReasons say why a gap's needs went unmet, in words.
var gapReasons = map[match.UnmetReason]string{
	match.UnmetNoProvider:       "no provider within the family's limits",
	match.UnmetFull:             "every eligible provider full",
	match.UnmetBeyondCandidates: "seats left only beyond each need's best candidates",
}

// gapLine says what a gap counts: "9 Tutoring needs unmet in Lookout
// Valley, 2 of them severity 3: no provider within the family's limits".
func gapLine(g match.CoverageGap, label, region string) string {
	needs := "needs"
	if g.Needs == 1 {
		needs = "need"
	}
	var sev3 string
	switch n := g.BySeverity[3]; {
	case n == 0 && g.Needs == 1:
		sev3 = "not severity 3"
	case n == 0:
		sev3 = "none of them severity 3"
	case n == g.Needs && g.Needs == 1:
		sev3 = "severity 3"
	case n == g.Needs:
		sev3 = "all of them severity 3"
	default:
		sev3 = fmt.Sprintf("%d of them severity 3", n)
	}
	why, ok := gapReasons[g.Reason]
	if !ok {
		why = g.Reason.String()
	}
	return fmt.Sprintf("%4d %s %s unmet in %s, %s: %s", g.Needs, label, needs, region, sev3, why)
}

// printGaps prints up to n gaps that keep accepts, most needs first.
func printGaps(w io.Writer, dir *directory.Directory, gaps []match.CoverageGap, keep func(match.CoverageGap) bool, n int) {
	tax := dir.Taxonomy()
	shown := 0
	for _, g := range gaps {
		if shown == n {
			break
		}
		if !keep(g) {
			continue
		}
		label := g.Category
		if c, ok := tax.Lookup(g.Category); ok {
			label = c.Label
		}
		region := g.Region
		if region == "" {
			region = "(outside every neighborhood)"
		}
		fmt.Fprintf(w, "     %s\n", gapLine(g, label, region))
		shown++
	}
	if shown == 0 {
		fmt.Fprintln(w, "     none")
	}
}

func meanScore(a *match.Assignment) float64 {
	if len(a.Assigned) == 0 {
		return 0
	}
	s := 0.0
	for _, as := range a.Assigned {
		s += as.Score
	}
	return s / float64(len(a.Assigned))
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// progressBar draws "policy  phase  [#####.....]  45%" on one line of w,
// redrawn only when the percentage changes.
type progressBar struct {
	w     io.Writer
	title string
	quiet bool
	phase string
	pct   int
}

func (b *progressBar) update(phase string, done float64) {
	if b.quiet {
		return
	}
	p := int(done * 100)
	if phase == b.phase && p == b.pct {
		return
	}
	b.phase, b.pct = phase, p
	const width = 30
	fill := p * width / 100
	fmt.Fprintf(b.w, "\r%-12s %-10s [%s%s] %3d%%", b.title, phase, strings.Repeat("#", fill), strings.Repeat(".", width-fill), p)
}

func (b *progressBar) done() {
	if !b.quiet && b.phase != "" {
		fmt.Fprintln(b.w)
	}
}
