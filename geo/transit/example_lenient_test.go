package transit_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/wraparound/wraparound/geo/transit"
)

// A stop_times row naming a stop the feed lacks refuses the whole feed in
// strict mode; a lenient load leaves out that trip and says where.
func ExampleLoadOptions() {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	feed := fstest.MapFS{
		"agency.txt": file("agency_name,agency_timezone\nAgency,America/Chicago\n"),
		"stops.txt":  file("stop_id,stop_lat,stop_lon\nS1,35.05,-85.31\nS2,35.06,-85.30\n"),
		"routes.txt": file("route_id,route_type\nR1,3\n"),
		"trips.txt":  file("route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\n"),
		"calendar.txt": file("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
			"WK,1,1,1,1,1,0,0,20260101,20261231\n"),
		"stop_times.txt": file("trip_id,departure_time,stop_id,stop_sequence\n" +
			"T1,08:00:00,S1,1\nT1,08:10:00,S2,2\nT2,09:00:00,S1,1\nT2,09:10:00,S9,2\n"),
	}
	if _, err := transit.ReadFS(context.Background(), feed); err != nil {
		fmt.Println("strict:", err)
	}
	net, skipped, err := transit.LoadOptions{Lenient: true}.ReadFS(context.Background(), feed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("lenient:", net.Stats().Trips, "trip loaded")
	for _, fe := range skipped.Records {
		fmt.Println("skipped:", fe)
	}
	// Output:
	// strict: transit: stop_times.txt:5: record "T2": stop_id: unknown stop "S9"
	// lenient: 1 trip loaded
	// skipped: transit: stop_times.txt:5: record "T2": stop_id: unknown stop "S9"
}
