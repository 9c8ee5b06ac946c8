// Foodbank-transit: a family without a car, living in a named Chattanooga
// neighborhood, looks for food on Saturday morning. It lists the food
// providers the family can reach by bus (or on foot) within 45 minutes,
// leaving home at any minute between 9:00 and 10:00, from CARTA's real
// timetable: the median door-to-door time over those departures, the
// quickest and the 90th percentile, and the itinerary of a typical
// departure — walk, route, headsign, stops and times, transfers. It runs
// offline on CARTA's GTFS feed and the demo directory embedded in
// package demo (providers other than groceries are generated):
//
//	go run ./examples/foodbank-transit
//	go run ./examples/foodbank-transit -hood "East Lake" -within 30m
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
	within := flag.Duration("within", 45*time.Minute, "longest trip, door to door")
	flag.Parse()
	if err := run(os.Stdout, *hood, *within); err != nil {
		log.Fatal(err)
	}
}

// Saturday morning inside the feed's validity (2026-05-10 to 2026-08-22):
// the family can leave home any minute from 9:00 to 10:00.
func saturdayMorning(net *transit.Network) transit.Window {
	return transit.Window{Date: net.Date(2026, time.May, 30), Start: 9 * time.Hour, End: 10 * time.Hour}
}

// shown is how many providers are printed with their itinerary.
const shown = 6

func run(w io.Writer, hoodName string, within time.Duration) error {
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
	win := saturdayMorning(net)

	fmt.Fprintf(w, "A family in %s without a car, Saturday %s, leaving home between %s and %s.\n\n",
		strings.TrimSpace(hood.Name), win.Date.Format("Jan 2"), clock(win.Start), clock(win.End))

	// Stops the family can walk to from home, and the routes running
	// there that morning.
	access := net.Access(home, directory.DefaultTransitReach, win)
	fmt.Fprintf(w, "Near home (within %v on foot): transit access %v.\n", directory.DefaultTransitReach, access.Level)
	n := 0
	for _, s := range access.Stops {
		if s.DeparturesPerHour == 0 {
			continue
		}
		if n++; n <= 4 {
			fmt.Fprintf(w, "  %-34s %6s walk  %4.1f buses/h  routes %s\n",
				s.Name, minutes(s.Walk), s.DeparturesPerHour, strings.Join(s.Routes, ", "))
		}
	}
	switch {
	case n == 0:
		fmt.Fprintln(w, "  no stop with service that morning")
	case n > 4:
		fmt.Fprintf(w, "  … and %d more\n", n-4)
	}

	results, err := dir.Search(directory.Query{
		Near:       home,
		Categories: []string{"basic.food"},
		Trip:       &directory.TripFilter{Within: within, Window: win},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFood within %s door to door (median over the hour's departures), quickest first: %d found.\n",
		minutes(within), len(results))
	for i, r := range results {
		if i == shown {
			fmt.Fprintf(w, "\n  … and %d more\n", len(results)-shown)
			break
		}
		t := r.Trip
		fmt.Fprintf(w, "\n  %s (%v away)\n", r.Provider.Name(), r.Distance)
		if t.OnFoot {
			fmt.Fprintf(w, "    on foot: %s\n", minutes(t.Travel))
			continue
		}
		fmt.Fprintf(w, "    by bus: %s typical, %s at best, %s or less 9 times in 10\n",
			minutes(t.Summary.Median), minutes(t.Summary.Min), minutes(t.Summary.P90))
		fmt.Fprintf(w, "    a typical departure, leaving home by %s:\n", t.Journey.Depart.Format("15:04"))
		for _, l := range t.Journey.Legs {
			fmt.Fprintf(w, "      %s\n", legText(l))
		}
	}
	fmt.Fprintf(w, "\n%s\n", demo.Attribution)
	return nil
}

// legText tells one leg: "15:42 route 4 toward Downtown from 3rd &
// Central to McCallie & Central (5 stops), arrive 15:58".
func legText(l transit.Leg) string {
	d := minutes(l.Arrive.Sub(l.Depart))
	switch l.Kind {
	case transit.LegRide:
		to := fmt.Sprintf("route %s", l.Route)
		if l.StayOn {
			to = "stay on as " + to
		}
		if l.Headsign != "" {
			to += " toward " + l.Headsign
		}
		return fmt.Sprintf("%s  %s from %s to %s (%d stops), arrive %s",
			l.Depart.Format("15:04"), to, l.From, l.To, l.Stops, l.Arrive.Format("15:04"))
	case transit.LegTransfer:
		if l.FromStop == l.ToStop {
			return fmt.Sprintf("%s  wait at %s to change", l.Depart.Format("15:04"), l.From)
		}
		return fmt.Sprintf("%s  walk %s (%v) to %s to change", l.Depart.Format("15:04"), d, l.Walk, l.To)
	}
	if l.ToStop >= 0 {
		return fmt.Sprintf("%s  walk %s (%v) to %s", l.Depart.Format("15:04"), d, l.Walk, l.To)
	}
	return fmt.Sprintf("%s  walk %s (%v) to the door, arrive %s", l.Depart.Format("15:04"), d, l.Walk, l.Arrive.Format("15:04"))
}

// minutes formats a duration in whole minutes, rounded up.
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
