// Text-search: a Navigator types what a family asked for, in their words —
// English or Spanish, typos and all — and gets the providers near the
// family's home that fit, open when they can go, with counts per category
// ("12 food pantries, 3 meal sites nearby") and the category the words were
// understood as, to offer as a filter. It then saves the directory as a
// snapshot and opens it again without rebuilding the text index, as a
// server would at start-up.
//
// It runs offline on the demo directory embedded in package demo: real
// Chattanooga groceries and neighborhoods, and generated providers of every
// other category (not real organisations).
//
//	go run ./examples/text-search
//	go run ./examples/text-search -words "comida gratis" -radius 5000
//	go run ./examples/text-search -words '"food bank"' -open "2026-06-06T10:00"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

func main() {
	words := flag.String("words", "", "what the family asked for; empty runs a few typical requests")
	radius := flag.Float64("radius", 4000, "search radius around the home, in meters")
	open := flag.String("open", "", `local time the family can go, as "2006-01-02T15:04" (empty: any time)`)
	flag.Parse()
	requests := []string{*words}
	if *words == "" {
		requests = []string{"free eye glasses", "comida", "winter coat", "tutorng", `"food bank"`}
	}
	var at time.Time
	if *open != "" {
		loc, err := time.LoadLocation(demo.Zone)
		if err != nil {
			log.Fatal(err)
		}
		at, err = time.ParseInLocation("2006-01-02T15:04", *open, loc)
		if err != nil {
			log.Fatalf("-open: %v", err)
		}
	}
	if err := run(os.Stdout, requests, geo.Meters(*radius), at); err != nil {
		log.Fatal(err)
	}
}

// home is where the family lives: downtown Chattanooga (lon, lat).
var home = demo.Downtown

// run builds the demo directory with its text index, answers each request
// near home, then saves and reopens the directory and checks that it
// answers the same.
func run(w io.Writer, requests []string, radius geo.Meters, at time.Time) error {
	dir, err := build()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d providers; searching within %v of downtown Chattanooga\n", dir.Len(), radius)
	fmt.Fprintln(w, demo.Attribution)
	var first *directory.TextResults
	for i, words := range requests {
		q := directory.TextQuery{
			Words: words,
			Query: directory.Query{Near: home, Radius: radius, K: 5, OpenAt: at},
		}
		res, err := dir.SearchText(q)
		if err != nil {
			return err
		}
		if i == 0 {
			first = res
		}
		report(w, words, res)
	}

	// A server saves the directory once and opens it at each start.
	tmp, err := os.MkdirTemp("", "text-search-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, "chattanooga")
	start := time.Now()
	ctx := context.Background()
	if err := dir.Save(ctx, snap); err != nil {
		return err
	}
	saved := time.Since(start)
	start = time.Now()
	opened, err := directory.Open(ctx, snap)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nsaved a snapshot in %v, opened it in %v (text index read, not rebuilt)\n",
		saved.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	res, err := opened.SearchText(directory.TextQuery{Words: requests[0], Query: directory.Query{Near: home, Radius: radius, K: 5, OpenAt: at}})
	if err != nil {
		return err
	}
	same := res.Total == first.Total && len(res.Hits) == len(first.Hits)
	for i := range res.Hits {
		same = same && res.Hits[i].Provider.ID() == first.Hits[i].Provider.ID()
	}
	fmt.Fprintf(w, "the opened snapshot answers %q the same: %v\n", requests[0], same)
	return nil
}

// build returns the demo directory with a text index and the region sets.
func build() (*directory.Directory, error) {
	provs, err := demo.Providers()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return nil, err
	}
	b := directory.NewBuilder()
	b.Location = loc
	b.TextIndex = true
	for _, set := range []string{demo.Neighborhoods, demo.ZipCodes} {
		rs, err := demo.Regions(set)
		if err != nil {
			return nil, err
		}
		b.AddRegions(set, rs)
	}
	for _, p := range provs {
		b.Add(p)
	}
	return b.Build(context.Background())
}

func report(w io.Writer, words string, res *directory.TextResults) {
	fmt.Fprintf(w, "\n%q — %d found\n", words, res.Total)
	for _, c := range res.Corrections {
		fmt.Fprintf(w, "  (read %q as %s)\n", c.Word, strings.Join(c.As, " or "))
	}
	if len(res.Unmatched) > 0 {
		fmt.Fprintf(w, "  (no provider mentions %s)\n", strings.Join(res.Unmatched, ", "))
	}
	if len(res.Suggestions) > 0 {
		s := res.Suggestions[0]
		fmt.Fprintf(w, "  understood as: %s (from %q)\n", s.Label, s.Phrase)
	}
	for _, h := range res.Hits {
		fmt.Fprintf(w, "  %-44s %6v  %3.0f min walk  relevance %.2f  score %.2f\n",
			h.Provider.Name(), h.Distance, h.Walk.Minutes(), h.Relevance, h.Score)
	}
	// Leaf categories only: "12 food pantries, 3 meal sites nearby".
	var parts []string
	for _, f := range res.Facets {
		if strings.Count(f.Code, ".") >= 1 && len(parts) < 4 {
			parts = append(parts, fmt.Sprintf("%d %s", f.Count, strings.ToLower(f.Label)))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  nearby: %s\n", strings.Join(parts, ", "))
	}
}
