package trends_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/trends"
)

// A month of housing requests in two Chattanooga neighborhoods, published
// with suppression: Fort Wood's 3 requests are withheld, and so is
// Highland Park (which also has rent requests), so that Fort Wood cannot
// be worked out as the total minus the rest.
func Example() {
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		panic(err)
	}
	nyc, _ := time.LoadLocation("America/New_York")
	st, err := trends.New(trends.Config{
		Sets:       []trends.Set{{Name: demo.Neighborhoods, Regions: hoods}},
		Location:   nyc,
		StudentKey: []byte("keep this secret"),
	})
	if err != nil {
		panic(err)
	}
	var reqs []trends.Request
	add := func(hood string, n int, code string) {
		reg, ok := hoods.ByName(hood)
		if !ok {
			panic("no neighborhood " + hood)
		}
		for i := range n {
			reqs = append(reqs, trends.Request{
				Time:     time.Date(2025, 10, 1+i, 10, 0, 0, 0, nyc),
				Point:    hoods.Centroid(reg.Index),
				Category: code,
				Student:  fmt.Sprintf("%s-%d", hood, i),
			})
		}
	}
	add("Highland Park Neighborhood Association", 14, "basic.housing.rent")
	add("Lincoln Park Neighborhood Association", 12, "basic.housing.shelter")
	add("Fort Wood Neighborhood Association", 3, "basic.housing.rent")
	if err := st.AddBatch(context.Background(), reqs); err != nil {
		panic(err)
	}
	tab, err := st.Counts(context.Background(), trends.Query{Set: demo.Neighborhoods, Category: "basic.housing",
		Bucket: trends.Month, From: time.Date(2025, 10, 1, 0, 0, 0, 0, nyc), To: time.Date(2025, 10, 1, 0, 0, 0, 0, nyc)})
	if err != nil {
		panic(err)
	}
	for _, row := range tab.Rows {
		c := row.Cells[0]
		switch {
		case c.Suppressed:
			fmt.Printf("%s %s: suppressed\n", tab.Periods[0].Label(), row.Region)
		case c.Count > 0:
			fmt.Printf("%s %s: %d\n", tab.Periods[0].Label(), row.Region, c.Count)
		}
	}
	// Output:
	// 2025-10 Highland Park Neighborhood Association: suppressed
	// 2025-10 Lincoln Park Neighborhood Association: 12
	// 2025-10 Fort Wood Neighborhood Association: suppressed
	// 2025-10 (total): 29
}
