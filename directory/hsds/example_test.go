package hsds_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/geo"
)

// Example imports a small HSDS 3.0 document, reports its problems, builds
// a directory and finds what is near a family.
func Example() {
	doc := `{"contents": [
	  {"id": "4c8e6a4e-0000-4000-8000-000000000001", "name": "Eastside Food Pantry", "status": "active",
	   "attributes": [{"id": "a1", "taxonomy_term": {"id": "t1", "name": "Food Pantry", "taxonomy": "Open Eligibility", "description": ""}}],
	   "service_at_locations": [
	     {"id": "sal-1", "location": {"id": "loc-1", "location_type": "physical", "latitude": 35.0345, "longitude": -85.2603},
	      "schedules": [{"id": "sc1", "freq": "WEEKLY", "byday": "SA", "opens_at": "9am", "closes_at": "12:00"}]},
	     {"id": "sal-2", "location_id": "loc-404"}]},
	  {"id": "svc-2", "name": "Teen Crisis Line", "status": "active",
	   "attributes": [{"id": "a2", "taxonomy_term": {"id": "t2", "code": "RP-1500.1400", "name": "Crisis Lines", "taxonomy": "AIRS", "description": ""}}]}]}`
	res, err := hsds.ReadJSON(context.Background(), strings.NewReader(doc), "partners.json", hsds.Options{
		Mapping: hsds.Mapping{"RP-1500": "health.mental"}, // a 211 code, by its ancestor
		Zone:    "America/New_York",                       // the schedules give no UTC offset
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d services, %d providers, %d placed\n", res.Report.Services, res.Report.Providers, res.Report.Placed)
	for _, p := range res.Report.Problems {
		fmt.Println(p.Kind, p.ID)
	}

	b := directory.NewBuilder()
	res.AddTo(b)
	dir, err := b.Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	home, _ := geo.PointFromLatLon(35.0456, -85.2672)
	near, _ := dir.Search(directory.Query{Near: home, K: 3, Categories: []string{"basic.food"}})
	for _, r := range near {
		fmt.Printf("%s (%s) %s %s\n", r.Provider.Name(), r.Provider.ID(), r.Distance, r.Provider.Hours())
	}
	crisis, _ := dir.Provider("svc-2") // unplaced, found by ID
	fmt.Println(crisis.Name(), crisis.Categories(), crisis.Unplaced())

	var out bytes.Buffer
	_ = hsds.WriteJSON(&out, dir.All(), hsds.ExportOptions{Sources: res.Sources})
	fmt.Println(strings.Contains(out.String(), `"service_at_locations"`))
	// Output:
	// 2 services, 3 providers, 1 placed
	// broken_reference sal-2
	// odd_time sc1
	// unplaced sal-2
	// unplaced svc-2
	// Eastside Food Pantry (sal-1) 1.4 km Sa 09:00-12:00
	// Teen Crisis Line [health.mental] true
	// true
}
