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
