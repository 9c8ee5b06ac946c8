// Quickstart: a family's home in Chattanooga, the neighborhood it falls
// in, and the nearest providers for two needs — food open on Saturday
// morning, and free vision care for a 12-year-old — on the embedded demo
// directory. Runs offline with no flags:
//
//	go run ./examples/quickstart
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

func main() {
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), "usage: go run ./examples/quickstart\n\nIt prints a sample family's neighborhood and the nearest fitting supports on the embedded Chattanooga demo data.\nIt takes no flags.\n")
	}
	flag.Parse() // -h prints the usage and exits 0
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(demo.Zone)
	if err != nil {
		return err
	}

	// A sample home in East Chattanooga (not a real student's address).
	home, err := geo.PointFromLatLon(35.0632, -85.2657)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Home at %.4f, %.4f\n", home.Lat(), home.Lon())
	if reg, ok := hoods.Locate(home); ok {
		fmt.Fprintf(w, "Neighborhood: %s\n", reg.Name)
	} else {
		fmt.Fprintln(w, "Neighborhood: outside the neighborhood associations")
	}

	saturday := time.Date(2026, time.June, 6, 10, 0, 0, 0, loc)
	fmt.Fprintf(w, "\nFood, open %s:\n", saturday.Format("Monday Jan 2 15:04"))
	food, err := dir.Search(directory.Query{
		Near:       home,
		K:          5,
		Categories: []string{"basic.food"},
		OpenAt:     saturday,
	})
	if err != nil {
		return err
	}
	show(w, food)

	fmt.Fprintln(w, "\nFree vision care for a 12-year-old:")
	vision, err := dir.Search(directory.Query{
		Near:       home,
		K:          3,
		Categories: []string{"health.vision"},
		Age:        12,
		FreeOnly:   true,
	})
	if err != nil {
		return err
	}
	show(w, vision)

	fmt.Fprintf(w, "\n%s\n", demo.Attribution)
	return nil
}

func show(w io.Writer, rs []directory.Result) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "  (none found)")
	}
	for _, r := range rs {
		p := r.Provider
		hours := p.Hours().String()
		if hours == "" {
			hours = "hours unknown"
		}
		fmt.Fprintf(w, "  %-44s %8s  %3.0f min walk  %s\n", p.Name(), r.Distance, r.Walk.Minutes(), hours)
	}
}
