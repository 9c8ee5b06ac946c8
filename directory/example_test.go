package directory_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

func ExampleDirectory_Search() {
	nyc, _ := time.LoadLocation("America/New_York")
	f := strings.NewReader(`id,name,categories,latitude,longitude,hours,min_age,cost
pantry,Eastside Pantry,basic.food.pantry,35.0420,-85.2790,Sa 09:00-12:00,,free
meals,Community Kitchen,basic.food.meals,35.0470,-85.3050,Mo-Fr 11:00-13:00,,free
eyes,Free Eye Glasses,health.vision,35.0500,-85.3000,Mo-Fr 09:00-17:00,5,free
`) // or an *os.File
	providers, err := directory.ReadCSV(context.Background(), f, directory.ReadOptions{
		Name: "providers.csv",
		Zone: "America/New_York", // the hours name no zone
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := directory.NewBuilder()
	for _, p := range providers {
		b.Add(p)
	}
	dir, err := b.Build(context.Background())
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
		fmt.Printf("%s: %v, %v walk\n", r.Provider.Name(), r.Distance, r.Walk.Round(time.Minute))
	}
	// Output: Eastside Pantry: 2.8 km, 51m0s walk
}

func ExampleReadCSV_errors() {
	_, err := directory.ReadCSV(context.Background(), strings.NewReader(`id,name,categories,latitude,longitude
a,Pantry,basic.food.pantry,-85.31,35.04
b,,basic.food.pantry,35.04,-85.31
`), directory.ReadOptions{Name: "providers.csv"})
	fmt.Println(err)
	// Output:
	// directory: providers.csv:2:4: id "a": field "latitude": bad coordinates: latitude -85.31, longitude 35.04: geo: latitude and longitude look swapped
	// directory: providers.csv:3:2: id "b": field "name": missing name
}

func ExampleReadCSV_problems() {
	// One row, several problems: all are reported at once, each with its
	// line, column and field, and the value to use where there is one.
	_, err := directory.ReadCSV(context.Background(), strings.NewReader(`id,name,categories,latitude,longitude,hours,languages,min_age,max_age
p1,Pantry,basic.food.pantri,35.04,0x1p-2,Sa 12:00-09:00,english,12,8
`), directory.ReadOptions{Name: "providers.csv", Zone: "America/New_York"})
	fmt.Println(err)
	fmt.Println(directory.ProblemCount(err), "problems")
	// Output:
	// directory: providers.csv:2:3: id "p1": field "categories": unknown category: "basic.food.pantri"; use one of basic.food.groceries, basic.food.meals, basic.food.pantry
	// directory: providers.csv:2:5: id "p1": field "longitude": bad coordinates: "0x1p-2" is not a decimal number of degrees
	// directory: providers.csv:2:6: id "p1": field "hours": malformed opening hours at column 4 near "12:00-09:00": span 12:00-09:00 would run past midnight for 21h, longer than 18h; write the end as 33:00 if that is meant
	// directory: providers.csv:2:7: id "p1": field "languages": bad value: language "english" is not a lower-case ISO 639 code; use "en"
	// directory: providers.csv:2:9: id "p1": field "max_age": inconsistent eligibility: max age 8 below min age 12
	// 5 problems
}

func ExampleReadGeoJSON() {
	provs, err := directory.ReadGeoJSON(context.Background(), strings.NewReader(`{"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-85.279, 35.042]},
   "properties": {"id": "pantry", "name": "Eastside Pantry", "categories": ["basic.food.pantry"],
                  "hours": "Sa 09:00-12:00", "timezone": "America/New_York", "capacity": 40}},
  {"type": "Feature", "geometry": null,
   "properties": {"id": "line", "name": "Teen Crisis Line", "categories": "health.mental", "hours": "24/7"}}
]}`), directory.ReadOptions{Name: "providers.geojson"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range provs {
		fmt.Println(p.ID, p.Point, p.Unplaced, p.Hours, p.Capacity)
	}
	// Output:
	// pantry [-85.279 35.042] false Sa 09:00-12:00 40
	// line [0 0] true 24/7 0
}

func ExampleParseOpeningHours() {
	// "," adds Friday night to the weekday hours; "; Fr 20:00-02:00"
	// would replace Friday's hours instead.
	h, err := directory.ParseOpeningHours("Mo-Fr 08:00-12:00,13:00-17:00, Fr 20:00-02:00", "America/New_York")
	if err != nil {
		fmt.Println(err)
		return
	}
	nyc, _ := time.LoadLocation("America/New_York")
	fmt.Println(h)
	fmt.Println(h.OpenAt(time.Date(2026, 6, 6, 1, 30, 0, 0, nyc))) // Saturday 01:30, Friday night's span
	fmt.Println(h.Overlap(time.Monday, 11*time.Hour, 14*time.Hour))

	// A later ";" rule replaces an earlier one for the same day, as OSM
	// says; one that leaves an earlier rule with no effect is refused.
	_, err = directory.ParseOpeningHours("Sa 09:00-12:00; Sa 13:00-17:00", "America/New_York")
	fmt.Println(err)
	// Output:
	// Mo-Th 08:00-12:00,13:00-17:00; Fr 08:00-12:00,13:00-17:00,20:00-02:00
	// true
	// 2h0m0s
	// directory: malformed opening hours at column 1 near "Sa 09:00-12:00; Sa 13:00…": opening_hours rule replaced by a later rule: a later ";" rule sets the same days, so this one has no effect; join times for one day with "," ("Sa 09:00-12:00,13:00-17:00")
}
