package directory_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

func ExampleDirectory_Search() {
	nyc, _ := time.LoadLocation("America/New_York")
	providers, err := directory.ReadCSV(strings.NewReader(`id,name,categories,latitude,longitude,hours,min_age,cost
pantry,Eastside Pantry,basic.food.pantry,35.0420,-85.2790,Sa 09:00-12:00,,free
meals,Community Kitchen,basic.food.meals,35.0470,-85.3050,Mo-Fr 11:00-13:00,,free
eyes,Free Eye Glasses,health.vision,35.0500,-85.3000,Mo-Fr 09:00-17:00,5,free
`), directory.ReadOptions{Name: "providers.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := directory.NewBuilder()
	b.Location = nyc
	for _, p := range providers {
		b.Add(p)
	}
	dir, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	home, _ := geo.PointFromLatLon(35.0456, -85.3097)
	res, err := dir.Search(directory.Query{
		Near:       home,
		K:          3,
		Categories: []string{"basic.food"}, // pantries and meals
		OpenAt:     time.Date(2026, 6, 6, 10, 0, 0, 0, nyc),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Printf("%s: %v, %v walk\n", r.Provider.Name, r.Distance, r.Walk.Round(time.Minute))
	}
	// Output: Eastside Pantry: 2.8 km, 51m0s walk
}

func ExampleReadCSV_errors() {
	_, err := directory.ReadCSV(strings.NewReader(`id,name,categories,latitude,longitude
a,Pantry,basic.food.pantry,-85.31,35.04
b,,basic.food.pantry,35.04,-85.31
`), directory.ReadOptions{Name: "providers.csv"})
	fmt.Println(err)
	// Output:
	// directory: providers.csv:2:4: id "a": field "latitude": bad coordinates: latitude -85.31, longitude 35.04: geo: latitude and longitude look swapped
	// directory: providers.csv:3:2: id "b": field "name": missing name
}
