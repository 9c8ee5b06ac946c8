// hsds-import loads an Open Referral HSDS directory — a tabular package
// (folder, .zip, datapackage.json) in the 3.0 or 2.0 layout, or an HSDS 3.0
// JSON file — prints what it found (services, locations, providers placed
// on the map, categories, problems by kind with the first few of each,
// taxonomy terms that map to no category) and answers a nearby query.
//
//	go run ./examples/hsds-import path/to/package
//	go run ./examples/hsds-import -json -near 35.0456,-85.3097 partners.json
//
// With no path it generates a messy synthetic package of invented
// Chattanooga services (package hsdsgen), so it runs offline. Real exports
// are messy: every problem is reported, none stops the import; only input
// that is not HSDS at all ends the program with an error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/directory/hsds/hsdsgen"
	"github.com/wraparound/wraparound/geo"
)

type kindSummary struct {
	Count int             `json:"count"`
	First []*hsds.Problem `json:"first"`
}

type nearbyResult struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Categories []string `json:"categories"`
	Meters     float64  `json:"meters"`
	Hours      string   `json:"hours,omitempty"`
}

type summary struct {
	Source        string                    `json:"source"`
	Format        string                    `json:"format"`
	Services      int                       `json:"services"`
	Locations     int                       `json:"locations"`
	Organizations int                       `json:"organizations"`
	Providers     int                       `json:"providers"`
	Placed        int                       `json:"placed"`
	Unplaced      int                       `json:"unplaced"`
	Confidential  int                       `json:"confidential"`
	Dropped       int                       `json:"dropped"`
	Categories    map[string]int            `json:"categories"`
	ProblemCount  int                       `json:"problem_count"`
	Problems      map[hsds.Kind]kindSummary `json:"problems"`
	Unmapped      []hsds.Unmapped           `json:"unmapped_terms"`
	Near          [2]float64                `json:"near"` // lat, lon
	Nearby        []nearbyResult            `json:"nearby"`
	Category      string                    `json:"category,omitempty"`
}

func main() {
	asJSON := flag.Bool("json", false, "print the summary as JSON")
	near := flag.String("near", "35.0456,-85.3097", "point for the nearby query, as lat,lon")
	k := flag.Int("k", 5, "how many providers the nearby query returns")
	category := flag.String("category", "", "limit the nearby query to a category code (basic.food…)")
	first := flag.Int("first", 3, "problems shown per kind")
	zone := flag.String("zone", "America/New_York", "IANA time zone of the schedules")
	n := flag.Int("n", 300, "services to generate when no path is given")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: hsds-import [flags] [path]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(os.Stdout, flag.Arg(0), *asJSON, *near, *k, *category, *first, *zone, *n); err != nil {
		fmt.Fprintln(os.Stderr, "hsds-import:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, path string, asJSON bool, near string, k int, category string, first int, zone string, n int) error {
	ctx := context.Background()
	lat, lon, err := parseLatLon(near)
	if err != nil {
		return err
	}
	home, err := geo.PointFromLatLon(lat, lon)
	if err != nil {
		return fmt.Errorf("-near: %w", err)
	}
	opts := hsds.Options{Zone: zone}
	var res *hsds.Result
	source := path
	if path == "" {
		pkg := hsdsgen.Generate(hsdsgen.Config{Services: n, Seed: 1, Layout: hsdsgen.V3})
		source = fmt.Sprintf("generated: %d invented services, seed 1, HSDS 3.0 tabular layout", n)
		opts.Mapping = hsdsgen.AIRSMapping
		res, err = hsds.ReadPackage(ctx, pkg.FS(), opts)
	} else {
		res, err = hsds.Open(ctx, path, opts)
	}
	if err != nil {
		return err
	}
	b := directory.NewBuilder()
	res.AddTo(b)
	dir, err := b.Build()
	if errors.Is(err, directory.ErrNoZone) {
		return fmt.Errorf("building the directory: the schedules name no time zone; give one with -zone: %w", err)
	}
	if err != nil {
		return fmt.Errorf("building the directory: %w", err)
	}
	q := directory.Query{Near: home, K: k}
	if category != "" {
		q.Categories = []string{category}
	}
	found, err := dir.Search(q)
	if err != nil {
		return fmt.Errorf("nearby query: %w", err)
	}

	r := res.Report
	s := summary{
		Source: source, Format: r.Format, Services: r.Services, Locations: r.Locations, Organizations: r.Organizations,
		Providers: r.Providers, Placed: r.Placed, Unplaced: r.Unplaced, Confidential: r.Confidential, Dropped: r.Dropped,
		Categories: r.Categories, ProblemCount: len(r.Problems), Problems: map[hsds.Kind]kindSummary{},
		Unmapped: r.Unmapped, Near: [2]float64{lat, lon}, Category: category,
	}
	for kind, ps := range r.ByKind() {
		s.Problems[kind] = kindSummary{Count: len(ps), First: ps[:min(first, len(ps))]}
	}
	for _, f := range found {
		s.Nearby = append(s.Nearby, nearbyResult{ID: f.Provider.ID, Name: f.Provider.Name, Categories: f.Provider.Categories,
			Meters: float64(f.Distance), Hours: f.Provider.Hours.String()})
	}
	if s.Unmapped == nil {
		s.Unmapped = []hsds.Unmapped{}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	printText(w, s, r, first)
	return nil
}

func printText(w io.Writer, s summary, r hsds.Report, first int) {
	fmt.Fprintf(w, "source: %s (%s)\n", s.Source, s.Format)
	fmt.Fprintf(w, "services %d, locations %d, organizations %d\n", s.Services, s.Locations, s.Organizations)
	fmt.Fprintf(w, "providers %d: placed on the map %d, unplaced %d (found by ID only), confidential %d; dropped %d\n",
		s.Providers, s.Placed, s.Unplaced, s.Confidential, s.Dropped)
	cats := make([]string, 0, len(s.Categories))
	for c := range s.Categories {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	fmt.Fprintln(w, "categories:")
	for _, c := range cats {
		fmt.Fprintf(w, "  %-24s %d\n", c, s.Categories[c])
	}
	fmt.Fprintf(w, "problems: %d\n", s.ProblemCount)
	for _, kind := range r.Kinds() {
		ks := s.Problems[kind]
		fmt.Fprintf(w, "  %s (%d)\n", kind, ks.Count)
		for _, p := range ks.First {
			fmt.Fprintf(w, "    %s\n", p)
		}
		if ks.Count > first {
			fmt.Fprintf(w, "    … %d more\n", ks.Count-first)
		}
	}
	if len(s.Unmapped) > 0 {
		fmt.Fprintln(w, "taxonomy terms with no category (kept as keywords):")
		for i, u := range s.Unmapped {
			if i == 10 {
				fmt.Fprintf(w, "  … %d more\n", len(s.Unmapped)-10)
				break
			}
			fmt.Fprintf(w, "  %s: %d providers\n", u.Term, len(u.Providers))
		}
	}
	what := "any category"
	if s.Category != "" {
		what = s.Category
	}
	fmt.Fprintf(w, "nearest to %.4f,%.4f (%s):\n", s.Near[0], s.Near[1], what)
	if len(s.Nearby) == 0 {
		fmt.Fprintln(w, "  none on the map")
	}
	for i, f := range s.Nearby {
		fmt.Fprintf(w, "  %d. %s — %s, %s", i+1, f.Name, geo.Meters(f.Meters), strings.Join(f.Categories, ", "))
		if f.Hours != "" {
			fmt.Fprintf(w, ", %s", f.Hours)
		}
		fmt.Fprintln(w)
	}
}

func parseLatLon(s string) (lat, lon float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		lat, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			lon, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("-near %q: want lat,lon", s)
	}
	return lat, lon, nil
}
