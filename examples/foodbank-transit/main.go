// Foodbank-transit: a family without a car, living in a named Chattanooga
// neighborhood, looks for food on Saturday morning. It lists the food
// providers within 3 km whose entrance is a short walk from a bus stop
// served at least twice an hour between 9:00 and 12:00, with that stop,
// the walk, and the routes that call there — and, when there is one, the
// bus to board near home for a ride without a transfer. It runs offline on
// CARTA's real GTFS feed and the demo directory embedded in package demo:
//
//	go run ./examples/foodbank-transit
//	go run ./examples/foodbank-transit -hood "East Lake"
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

func main() {
	hood := flag.String("hood", "Highland Park", "neighborhood the family lives in (a name or its beginning)")
	flag.Parse()
	if err := run(os.Stdout, *hood); err != nil {
		log.Fatal(err)
	}
}

// Saturday morning inside the feed's validity (2026-05-10 to 2026-08-22).
var saturdayMorning = transit.Window{
	Date:  time.Date(2026, time.May, 30, 0, 0, 0, 0, time.UTC),
	Start: 9 * time.Hour,
	End:   12 * time.Hour,
}

const (
	radius     = 3000 // meters from home
	minPerHour = 2    // departures per hour at the provider's stop
	// homeWalk is how far the family will walk from home to board: about
	// ten minutes (800 m along streets).
	homeWalk geo.Meters = 800
)

func run(w io.Writer, hoodName string) error {
	dir, err := demo.Directory()
	if err != nil {
		return err
	}
	net := dir.Transit()
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		return err
	}
	hood, ok := findHood(hoods, hoodName)
	if !ok {
		return fmt.Errorf("no neighborhood named %q", hoodName)
	}
	// The family's home: the neighborhood's center (not a real address).
	home := hoods.Centroid(hood.Index)

	fmt.Fprintf(w, "A family in %s without a car, Saturday %s, %s–%s.\n\n", strings.TrimSpace(hood.Name),
		saturdayMorning.Date.Format("Jan 2"), clock(saturdayMorning.Start), clock(saturdayMorning.End))

	// Stops the family can walk to from home, and the routes there.
	access := net.Access(home, homeWalk, saturdayMorning)
	fmt.Fprintf(w, "Near home (within %v on foot): transit access %v.\n", homeWalk, access.Level)
	var homeStops []transit.StopAccess // nearest first, served in the window
	for _, s := range access.Stops {
		if s.DeparturesPerHour == 0 {
			continue
		}
		if len(homeStops) < 5 {
			fmt.Fprintf(w, "  %-34s %6s walk  %4.1f buses/h  routes %s\n",
				s.Name, minutes(s.Walk), s.DeparturesPerHour, strings.Join(s.Routes, ", "))
		}
		homeStops = append(homeStops, s)
	}
	switch {
	case len(homeStops) == 0:
		fmt.Fprintln(w, "  no stop with service in the window")
	case len(homeStops) > 5:
		fmt.Fprintf(w, "  … and %d more\n", len(homeStops)-5)
	}

	results, err := dir.Search(directory.Query{
		Near:       home,
		Radius:     radius,
		Categories: []string{"basic.food"},
		Transit: &directory.TransitFilter{
			MaxWalk:    transit.WalkBuffer,
			MinPerHour: minPerHour,
			Window:     saturdayMorning,
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFood within %.0f km, a walk of at most %v from a stop with %d+ buses an hour:\n",
		float64(radius)/1000, transit.WalkBuffer, minPerHour)
	if len(results) == 0 {
		fmt.Fprintln(w, "  (none found)")
	}
	for _, r := range results {
		st := r.Transit
		fmt.Fprintf(w, "\n  %s (%v from home)\n", r.Provider.Name, r.Distance)
		fmt.Fprintf(w, "    get off at %s (routes %s, %.1f buses/h), then %s on foot\n",
			st.Name, strings.Join(st.Routes, ", "), st.PerHour, minutes(st.Walk))
		if ride, ok := directRide(net, homeStops, st.Stop); ok {
			fmt.Fprintf(w, "    board %s\n", ride)
		} else {
			fmt.Fprintln(w, "    no one-seat ride from a stop near home: plan a transfer")
		}
	}
	fmt.Fprintf(w, "\n%s\n", demo.Attribution)
	return nil
}

// directRide names the bus to take from the nearest home stop with a
// one-seat ride to stop within the window.
func directRide(net *transit.Network, home []transit.StopAccess, stop int) (string, bool) {
	for _, hs := range home {
		routes := net.DirectRoutes(hs.Stop, stop, saturdayMorning)
		if len(routes) == 0 {
			continue
		}
		names := make([]string, len(routes))
		for i, r := range routes {
			names[i] = net.Routes()[r].DisplayName()
		}
		route := "route"
		if len(names) > 1 {
			route = "routes"
		}
		return fmt.Sprintf("%s %s at %s (%s walk from home)", route, strings.Join(names, " or "), hs.Name, minutes(hs.Walk)), true
	}
	return "", false
}

// minutes formats a walk in whole minutes, rounded up.
func minutes(d time.Duration) string {
	return fmt.Sprintf("%d min", int(math.Ceil(d.Minutes())))
}

// findHood returns the region named name, or else the first by name
// that begins with it, ignoring case and surrounding spaces.
func findHood(rs *geo.Regions, name string) (geo.Region, bool) {
	if r, ok := rs.ByName(name); ok {
		return r, true
	}
	want := strings.ToLower(strings.TrimSpace(name))
	var found []geo.Region
	for _, r := range rs.All() {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Name)), want) {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return geo.Region{}, false
	}
	slices.SortFunc(found, func(a, b geo.Region) int { return strings.Compare(a.Name, b.Name) })
	return found[0], true
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}
