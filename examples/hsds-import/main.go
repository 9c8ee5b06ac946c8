// hsds-import loads an Open Referral HSDS directory — a tabular package
// (folder, .zip, datapackage.json) in the 3.0 or 2.0 layout, or an HSDS 3.0
// JSON file — prints what it found (services, locations, providers placed
// on the map, categories, problems by kind with the first few of each,
// taxonomy terms that map to no category) and answers a nearby query.
//
//	go run ./examples/hsds-import -zone America/New_York path/to/package
//	go run ./examples/hsds-import -json -near 35.0456,-85.3097 partners.json
//	go run ./examples/hsds-import -keep-inactive -default-category family export.zip
//
// The nearby query is asked at -near, or else at the data's centre (the
// median latitude and longitude of the providers placed on the map).
// When no provider could be placed — a package whose IDs never resolve
// across tables — the report says which link is broken and no query is
// asked.
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
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/hsdsgen"
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
	Zones         map[string]int            `json:"zones"`
	ProblemCount  int                       `json:"problem_count"`
	Problems      map[hsds.Kind]kindSummary `json:"problems"`
	Unmapped      []hsds.Unmapped           `json:"unmapped_terms"`
	UnmappedTotal int                       `json:"unmapped_total"`
	Near          [2]float64                `json:"near"` // lat, lon
	NearIsCentre  bool                      `json:"near_is_centre"`
	Nearby        []nearbyResult            `json:"nearby"`
	Category      string                    `json:"category,omitempty"`
}

// config is what the flags set.
type config struct {
	path            string
	asJSON          bool
	near            string // "lat,lon"; "" means the data's centre
	k               int
	category        string
	first           int
	zone            string
	n               int
	keepInactive    bool
	defaultCategory string
}

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

// realMain parses args, runs, and returns the exit code: 0 on success and
// for -h, 2 for bad flags, 1 when the import fails.
func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hsds-import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.BoolVar(&c.asJSON, "json", false, "print the summary as JSON")
	fs.StringVar(&c.near, "near", "", "point for the nearby query, as lat,lon (default: the median of the placed providers)")
	fs.IntVar(&c.k, "k", 5, "how many providers the nearby query returns")
	fs.StringVar(&c.category, "category", "", "limit the nearby query to a category code (basic.food…)")
	fs.IntVar(&c.first, "first", 3, "problems shown per kind")
	fs.StringVar(&c.zone, "zone", "", "IANA time zone of schedules that give no UTC offset (America/New_York); the generated package defaults to it")
	fs.IntVar(&c.n, "n", 300, "services to generate when no path is given")
	fs.BoolVar(&c.keepInactive, "keep-inactive", false, "keep inactive, defunct and temporarily closed services")
	fs.StringVar(&c.defaultCategory, "default-category", "", "category code for services no taxonomy term or word places (default: other, reported)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: hsds-import [flags] [path]\n\n"+
			"Imports an HSDS package (folder, .zip, datapackage.json) or JSON document,\n"+
			"prints what it found and what was wrong, and answers a nearby query.\n"+
			"With no path it imports a generated package of invented services.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "hsds-import: one path at most")
		fs.Usage()
		return 2
	}
	c.path = fs.Arg(0)
	if err := run(stdout, c); err != nil {
		fmt.Fprintln(stderr, "hsds-import:", err)
		return 1
	}
	return 0
}

func run(w io.Writer, c config) error {
	ctx := context.Background()
	var home orb.Point
	var lat, lon float64
	if c.near != "" {
		var err error
		lat, lon, err = parseLatLon(c.near)
		if err != nil {
			return err
		}
		if home, err = geo.PointFromLatLon(lat, lon); err != nil {
			return fmt.Errorf("-near: %w", err)
		}
	}
	opts := hsds.Options{Zone: c.zone, KeepInactive: c.keepInactive, DefaultCategory: c.defaultCategory}
	var res *hsds.Result
	var err error
	source := c.path
	if c.path == "" {
		pkg := hsdsgen.Generate(hsdsgen.Config{Services: c.n, Seed: 1, Layout: hsdsgen.V3})
		source = fmt.Sprintf("generated: %d invented services, seed 1, HSDS 3.0 tabular layout", c.n)
		opts.Mapping = hsdsgen.AIRSMapping
		if opts.Zone == "" {
			opts.Zone = "America/New_York" // the generator's services are in Chattanooga
		}
		res, err = hsds.ReadPackage(ctx, pkg.FS(), opts)
	} else {
		res, err = hsds.Open(ctx, c.path, opts)
	}
	if err != nil {
		return err
	}
	b := directory.NewBuilder()
	if opts.Zone != "" {
		if b.Location, err = time.LoadLocation(opts.Zone); err != nil {
			return fmt.Errorf("-zone: %w", err)
		}
	}
	res.AddTo(b)
	dir, err := b.Build(ctx)
	if errors.Is(err, directory.ErrNoZone) {
		return fmt.Errorf("building the directory: the schedules name no time zone; give one with -zone: %w", err)
	}
	if err != nil {
		return fmt.Errorf("building the directory: %w", err)
	}
	r := res.Report
	s := summary{
		Source: source, Format: r.Format, Services: r.Services, Locations: r.Locations, Organizations: r.Organizations,
		Providers: r.Providers, Placed: r.Placed, Unplaced: r.Unplaced, Confidential: r.Confidential, Dropped: r.Dropped,
		Categories: r.Categories, Zones: r.Zones, ProblemCount: r.Total, Problems: map[hsds.Kind]kindSummary{},
		Unmapped: r.Unmapped, UnmappedTotal: r.UnmappedTotal, Category: c.category,
	}
	if c.near == "" && r.Placed > 0 {
		home = centre(res.Providers)
		lat, lon = home.Lat(), home.Lon()
		s.NearIsCentre = true
	}
	s.Near = [2]float64{lat, lon}
	if r.Placed > 0 {
		q := directory.Query{Near: home, K: c.k}
		if c.category != "" {
			q.Categories = []string{c.category}
		}
		found, err := dir.Search(q)
		if err != nil {
			return fmt.Errorf("nearby query: %w", err)
		}
		for _, f := range found {
			s.Nearby = append(s.Nearby, nearbyResult{ID: f.Provider.ID(), Name: f.Provider.Name(), Categories: f.Provider.Categories(),
				Meters: float64(f.Distance), Hours: f.Provider.Hours().String()})
		}
	}
	for kind, ps := range r.ByKind() {
		s.Problems[kind] = kindSummary{Count: r.Count(kind), First: ps[:min(c.first, len(ps))]}
	}
	if s.Unmapped == nil {
		s.Unmapped = []hsds.Unmapped{}
	}
	if c.asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	printText(w, s, r, c.first)
	return nil
}

// centre is the median latitude and the median longitude of the placed
// providers: the middle of the data, robust to a few far-off sites.
func centre(ps []directory.Provider) orb.Point {
	var lats, lons []float64
	for _, p := range ps {
		if !p.Unplaced {
			lons = append(lons, p.Point.Lon())
			lats = append(lats, p.Point.Lat())
		}
	}
	return orb.Point{median(lons), median(lats)}
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
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
	if len(s.Zones) > 0 {
		zs := make([]string, 0, len(s.Zones))
		for z := range s.Zones {
			zs = append(zs, z)
		}
		sort.Strings(zs)
		fmt.Fprint(w, "opening hours by time zone:")
		for _, z := range zs {
			name := z
			if name == "" {
				name = "none given (set -zone)"
			}
			fmt.Fprintf(w, " %s %d;", name, s.Zones[z])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "problems: %d\n", s.ProblemCount)
	if ps := r.ByKind()[hsds.KindNothingPlaced]; len(ps) > 0 {
		fmt.Fprintf(w, "  NOTHING ON THE MAP: %s\n", ps[0])
	}
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
				break
			}
			fmt.Fprintf(w, "  %s: %d providers\n", u.Term, u.Count)
		}
		if s.UnmappedTotal > 10 {
			fmt.Fprintf(w, "  … %d more\n", s.UnmappedTotal-10)
		}
	}
	what := "any category"
	if s.Category != "" {
		what = s.Category
	}
	if s.Placed == 0 {
		fmt.Fprintf(w, "nearest (%s): none on the map: no provider was placed\n", what)
		return
	}
	where := ""
	if s.NearIsCentre {
		where = ", the median of the placed providers"
	}
	fmt.Fprintf(w, "nearest to %.4f,%.4f%s (%s):\n", s.Near[0], s.Near[1], where, what)
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
