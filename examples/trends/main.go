// Trends: a seeded, generated year of students' need requests in
// Chattanooga's neighborhoods — seasonal food needs, and a housing surge
// in a few neighborhoods over the last six months — published with
// suppression (k = 10): the rising needs, the housing supply gaps against
// the demo directory, an SVG chart of monthly housing requests in the top
// rising neighborhoods and an SVG map of the neighborhoods shaded by the
// change in housing requests, plus CSV and GeoJSON exports.
//
//	go run ./examples/trends [-out dir] [-seed 1] [-n 60000]
//
// Every request is generated: no real student's data is involved. The
// providers are the demo directory's (real groceries, generated others).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/examples/internal/needgen"
	"github.com/wraparound/wraparound/trends"
)

func main() {
	out := flag.String("out", "", "directory for the SVG, CSV and GeoJSON files (default: a new temporary directory)")
	seed := flag.Uint64("seed", 1, "seed of the generated requests")
	n := flag.Int("n", 60000, "approximate number of requests in the year")
	flag.Parse()
	if err := run(context.Background(), *out, *seed, *n); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out string, seed uint64, n int) error {
	if out == "" {
		d, err := os.MkdirTemp("", "wraparound-trends-")
		if err != nil {
			return err
		}
		out = d
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return err
	}
	var sets []trends.Set
	for _, name := range []string{demo.Neighborhoods, demo.ZipCodes, demo.CouncilDistricts} {
		rs, err := demo.Regions(name)
		if err != nil {
			return err
		}
		sets = append(sets, trends.Set{Name: name, Regions: rs})
	}
	hoods := sets[0].Regions
	reqs, err := needgen.Generate(hoods, loc, seed, n, needgen.SurgeHoods)
	if err != nil {
		return err
	}
	st, err := trends.New(trends.Config{
		Sets:     sets,
		Location: loc,
		// A real deployment generates this key once, keeps it secret and
		// never publishes it.
		StudentKey: []byte("example key: generate your own and keep it secret"),
	})
	if err != nil {
		return err
	}
	if err := st.AddBatch(ctx, reqs); err != nil {
		return err
	}
	fmt.Printf("Generated %d need requests in 2025 across %d neighborhoods (seed %d); published with suppression, k = %d.\n\n",
		len(reqs), hoods.Len(), seed, st.K())

	// Rising needs: the second half of 2025 against the first.
	rising, err := st.RisingNeeds(ctx, trends.RisingQuery{Set: demo.Neighborhoods, Category: "basic", Bucket: trends.Half,
		At: time.Date(2025, 12, 15, 0, 0, 0, 0, loc)})
	if err != nil {
		return err
	}
	fmt.Printf("Rising needs, %s against %s (exact conditional binomial test, Benjamini–Hochberg q ≤ 0.05):\n",
		rising.Current.Label(), rising.Baseline.Label())
	fmt.Printf("  %d neighborhood × category pairs tested, %d withheld (a suppressed cell), %d rose.\n",
		rising.Tested, rising.Withheld, len(rising.Rises))
	shown := 0
	for _, r := range rising.Rises {
		if !r.Significant || shown == 10 {
			continue
		}
		shown++
		fmt.Printf("  %-42s %-22s %4d → %4d  ×%.2f  q=%.2g\n", short(r.Region), r.Category, r.Baseline, r.Current, r.Ratio, r.Q)
	}
	fmt.Println()

	// Supply gaps for housing in December.
	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	dec := time.Date(2025, 12, 15, 0, 0, 0, 0, loc)
	if err := printGaps(ctx, st, dir, "basic.housing", dec); err != nil {
		return err
	}
	if err := printGaps(ctx, st, dir, "basic.food", time.Date(2025, 7, 15, 0, 0, 0, 0, loc)); err != nil {
		return err
	}

	// Chart: monthly housing requests in the top rising neighborhoods.
	monthly, err := st.Counts(ctx, trends.Query{Set: demo.Neighborhoods, Category: "basic.housing", Bucket: trends.Month,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: dec})
	if err != nil {
		return err
	}
	var top []string
	for _, r := range rising.Rises {
		if r.Significant && directory.IsUnder(r.Category, "basic.housing") && !contains(top, r.Region) && len(top) < 5 {
			top = append(top, r.Region)
		}
	}
	chart := filepath.Join(out, "housing-monthly.svg")
	if err := writeFile(chart, func(f *os.File) error { return lineChart(f, monthly, top) }); err != nil {
		return err
	}
	// Map: change in housing requests, second half against first.
	halves, err := st.Counts(ctx, trends.Query{Set: demo.Neighborhoods, Category: "basic.housing", Bucket: trends.Half,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, loc), To: dec})
	if err != nil {
		return err
	}
	mapFile := filepath.Join(out, "housing-change-map.svg")
	if err := writeFile(mapFile, func(f *os.File) error { return changeMap(f, hoods, halves) }); err != nil {
		return err
	}
	// Exports.
	files := []struct {
		name  string
		write func(*os.File) error
	}{
		{"housing-monthly.csv", func(f *os.File) error { return monthly.WriteCSV(f) }},
		{"housing-2025-12.geojson", func(f *os.File) error { return monthly.WriteGeoJSON(f, hoods, len(monthly.Periods)-1) }},
		{"rising.csv", func(f *os.File) error { return rising.WriteCSV(f) }},
	}
	for _, x := range files {
		if err := writeFile(filepath.Join(out, x.name), x.write); err != nil {
			return err
		}
	}
	fmt.Printf("Wrote %s, %s and CSV/GeoJSON exports to %s\n", filepath.Base(chart), filepath.Base(mapFile), out)
	fmt.Println(demo.Attribution)
	return nil
}

func printGaps(ctx context.Context, st *trends.Store, dir *directory.Directory, cat string, at time.Time) error {
	gaps, err := st.SupplyGaps(ctx, dir, trends.GapQuery{Set: demo.Neighborhoods, Category: cat, Bucket: trends.Month, At: at, Near: 2000})
	if err != nil {
		return err
	}
	fmt.Printf("Supply gaps for %s, %s (requests against monthly seats of providers within 2 km; a provider's seats are shared among the neighborhoods it serves):\n",
		cat, gaps.Period.Label())
	suppressed := 0
	for _, g := range gaps.Gaps {
		if g.Suppressed {
			suppressed++
		}
	}
	for _, g := range gaps.Gaps[:min(8, len(gaps.Gaps))] {
		if g.Suppressed {
			break
		}
		unknown := ""
		if g.UnknownCapacity > 0 {
			unknown = fmt.Sprintf(" (+%d of unknown capacity)", g.UnknownCapacity)
		}
		fmt.Printf("  %-42s demand %4d  seats %6.1f from %2d providers%s  shortfall %6.1f\n",
			short(g.Region), g.Demand, g.Capacity, g.Providers, unknown, g.Shortfall)
	}
	fmt.Printf("  (%d neighborhoods have demand suppressed: below 10, or withheld to protect one that is)\n\n", suppressed)
	return nil
}

// short drops the association suffix of a neighborhood's name.
func short(name string) string {
	name = strings.TrimSpace(strings.ReplaceAll(name, "\u00a0", " "))
	for _, suf := range []string{" Neighborhood Watch Association", " Neighborhood Association", " Community Association",
		" Homeowners Association", " Neighborhood Alliance", " Association"} {
		if s, ok := strings.CutSuffix(name, suf); ok {
			return s
		}
	}
	return name
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
