package transit_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

func ExampleLoad() {
	net, err := transit.Load(context.Background(), "testdata/gtfs-sample")
	if err != nil {
		fmt.Println(err)
		return
	}
	st := net.Stats()
	fmt.Println(st.Stops, "stops,", st.Routes, "routes,", st.Trips, "trips in", net.Location())
	stop, _ := net.StopIndex("NADAV")
	w := transit.Window{Date: net.Date(2007, time.June, 5), Start: 8 * time.Hour, End: 10 * time.Hour}
	fmt.Println("departures 08:00-10:00 at", net.Stops()[stop].Name+":", net.Departures(stop, w))
	// Output:
	// 10 stops, 5 routes, 11 trips in America/Los_Angeles
	// departures 08:00-10:00 at North Ave / D Ave N (Demo): 22
}

func ExampleNetwork_Access() {
	feed := demo.CARTAFeed()
	net, err := transit.ReadZip(context.Background(), bytes.NewReader(feed), int64(len(feed)))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Saturday morning near the Chattanooga Public Library.
	sat := transit.Window{Date: net.Date(2026, time.May, 30), Start: 9 * time.Hour, End: 12 * time.Hour}
	home, _ := geo.PointFromLatLon(35.0456, -85.3097)
	a := net.Access(home, transit.WalkBuffer, sat)
	fmt.Printf("%d stops within %v on foot; access %v\n", len(a.Stops), transit.WalkBuffer, a.Level)
	best := a.Stops[a.Best]
	fmt.Printf("best: %s, %v walk, routes %s, %.1f departures/hour\n",
		best.Name, best.Walk, strings.Join(best.Routes, " "), best.DeparturesPerHour)
	// Output:
	// 38 stops within 400 m on foot; access high
	// best: Market & Patton Towers 0-1, 3m32s walk, routes 1 10A 10G 15 16 2 21 33 34 9, 16.0 departures/hour
}

func ExampleRouter() {
	ctx := context.Background()
	net, err := transit.Load(ctx, "testdata/gtfs-sample")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := transit.NewRouter(net, transit.RouterOptions{MaxWalk: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	stagecoach, _ := net.StopByID("STAGECOACH")
	emsi, _ := net.StopByID("EMSI")
	// Leave Stagecoach Hotel at 08:03 on Tuesday 5 June 2007 for the
	// Emerald Isle stop: the city loop runs every 10 minutes then.
	at := time.Date(2007, time.June, 5, 8, 3, 0, 0, net.Location())
	a, err := r.Depart(ctx, stagecoach.Point, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := a.To(emsi.Point)
	fmt.Println("door to door:", d)
	j, _ := a.Journey(emsi.Point)
	for _, l := range j.Legs {
		switch l.Kind {
		case transit.LegRide:
			fmt.Printf("ride route %s (%d stops) %s → %s, %s–%s\n", l.Route, l.Stops, l.From, l.To,
				l.Depart.Format("15:04"), l.Arrive.Format("15:04"))
		default:
			fmt.Printf("%v %v, %s–%s\n", l.Kind, l.Walk, l.Depart.Format("15:04"), l.Arrive.Format("15:04"))
		}
	}

	// Every departure minute from 08:00 to 09:00.
	w := transit.Window{Date: net.Date(2007, time.June, 5), Start: 8 * time.Hour, End: 9 * time.Hour}
	p, err := r.Range(ctx, stagecoach.Point, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := p.To(emsi.Point)
	fmt.Printf("08:00-09:00: min %v, median %v, p90 %v, reachable %d of %d minutes\n", s.Min, s.Median, s.P90, s.Reachable, s.Minutes)
	// Output:
	// door to door: 33m0s
	// walk 0 m, 08:10–08:10
	// ride route Ō (4 stops) Stagecoach Hotel & Casino (Demo) → E Main St / S Irving St (Demo), 08:10–08:36
	// walk 0 m, 08:36–08:36
	// 08:00-09:00: min 26m0s, median 30m0s, p90 34m0s, reachable 60 of 60 minutes
}

func ExampleProfile_RankVia() {
	ctx := context.Background()
	net, err := transit.Load(ctx, "testdata/gtfs-sample")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := transit.NewRouter(net, transit.RouterOptions{MaxWalk: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	stagecoach, _ := net.StopByID("STAGECOACH")
	emsi, _ := net.StopByID("EMSI")
	// Leaving the Stagecoach Hotel between 08:00 and 09:00 on Tuesday 5
	// June 2007 for the Emerald Isle stop, within 45 minutes.
	w := transit.Window{Date: net.Date(2007, time.June, 5), Start: 8 * time.Hour, End: 9 * time.Hour, MaxTravel: 45 * time.Minute}
	p, err := r.Range(ctx, stagecoach.Point, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	egress := r.Access(emsi.Point) // the stops near the destination, with the walk on
	median := p.RankVia(egress, 45*time.Minute, (p.Minutes()+1)/2-1)
	fmt.Printf("median %v, first leaving at %s, %d distinct arrivals\n",
		median.Time, p.Departure(median.Minute).Format("15:04"), median.Arrivals)
	fmt.Println("same as the full summary:", p.ToVia(egress).Median == median.Time)
	// Output:
	// median 30m0s, first leaving at 08:06, 7 distinct arrivals
	// same as the full summary: true
}
