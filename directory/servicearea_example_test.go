package directory_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// A provider that serves a zip code is offered to a family living in it,
// however far away its office is.
func ExampleQuery_serves() {
	zips, err := geo.ReadRegions(strings.NewReader(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"zip":"37404"},"geometry":{"type":"Polygon","coordinates":[[[-85.30,35.00],[-85.25,35.00],[-85.25,35.05],[-85.30,35.05],[-85.30,35.00]]]}},
{"type":"Feature","properties":{"zip":"37421"},"geometry":{"type":"Polygon","coordinates":[[[-85.20,35.00],[-85.10,35.00],[-85.10,35.05],[-85.20,35.05],[-85.20,35.00]]]}}]}`), "zip")
	if err != nil {
		fmt.Println(err)
		return
	}
	b := directory.NewBuilder()
	b.AddRegions("zipcodes", zips)
	b.Add(directory.Provider{ID: "legal-aid", Name: "Tenant Legal Aid", Categories: []string{"basic.housing"},
		Point: orb.Point{-85.15, 35.02}, ServiceAreas: []string{"37404", "37421"}})
	b.Add(directory.Provider{ID: "shelter", Name: "Family Shelter", Categories: []string{"basic.housing"},
		Point: orb.Point{-85.16, 35.03}, ServiceAreas: []string{"zipcodes:37421"}})
	dir, err := b.Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	home := orb.Point{-85.27, 35.02} // in 37404
	res, err := dir.Search(directory.Query{Near: home, Serves: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Printf("%s serves %s, %.1f km away\n", r.Provider.Name(), r.ServiceArea, float64(r.Distance)/1000)
	}
	// Output:
	// Tenant Legal Aid serves zipcodes:37404, 10.9 km away
}
