package trends_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// A service keeps its store across restarts: every batch goes through a
// request log, a checkpoint saves the store and empties the log, and a
// restart opens the saved store and replays what the log gained since.
func ExampleLog() {
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		panic(err)
	}
	nyc, _ := time.LoadLocation("America/New_York")
	cfg := trends.Config{
		Sets:       []trends.Set{{Name: demo.Neighborhoods, Regions: hoods}},
		Location:   nyc,
		Mode:       trends.Unprotected, // exact figures, for the data owner
		StudentKey: []byte("keep this secret"),
	}
	dir, err := os.MkdirTemp("", "trends-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	storePath, logPath := filepath.Join(dir, "trends.store"), filepath.Join(dir, "requests.log")
	batch := func(day, n int) []trends.Request {
		var out []trends.Request
		for i := range n {
			out = append(out, trends.Request{Time: time.Date(2025, 10, day, 9, 0, 0, 0, nyc),
				RegionSet: demo.Neighborhoods, Region: "Highland Park Neighborhood Association",
				Category: "basic.food", Student: fmt.Sprint("s", day, "-", i)})
		}
		return out
	}
	ctx := context.Background()

	// First run.
	st, err := trends.New(cfg)
	if err != nil {
		panic(err)
	}
	lg, err := st.OpenLog(logPath)
	if err != nil {
		panic(err)
	}
	if err := lg.AddBatch(ctx, batch(1, 40)); err != nil {
		panic(err)
	}
	if err := lg.Checkpoint(storePath); err != nil {
		panic(err)
	}
	if err := lg.AddBatch(ctx, batch(2, 25)); err != nil {
		panic(err)
	}
	if err := lg.Close(); err != nil { // the process stops here
		panic(err)
	}

	// Restart.
	st, err = trends.Open(ctx, storePath, cfg)
	if err != nil {
		panic(err)
	}
	f, err := os.Open(logPath)
	if err != nil {
		panic(err)
	}
	res, err := st.Replay(ctx, f)
	f.Close()
	if err != nil {
		panic(err)
	}
	fmt.Println("saved:", st.Len()-res.Requests, "replayed:", res.Requests, "total:", st.Len())
	// Output:
	// saved: 40 replayed: 25 total: 65
}
