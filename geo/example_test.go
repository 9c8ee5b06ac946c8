package geo_test

import (
	"bytes"
	"fmt"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

func ExampleDistance() {
	market, _ := geo.PointFromLatLon(35.0456, -85.3097)  // Market St, downtown Chattanooga
	library, _ := geo.PointFromLatLon(35.0430, -85.3060) // a few blocks away
	d := geo.Distance(market, library)
	fmt.Println(d, geo.WalkTime(d))
	// Output: 444 m 8m1s
}

func ExampleReadRegions() {
	data, _ := demo.RegionsGeoJSON(demo.ZipCodes)
	zips, err := geo.ReadRegions(bytes.NewReader(data), "zip_code")
	if err != nil {
		fmt.Println(err)
		return
	}
	home, _ := geo.PointFromLatLon(35.0456, -85.3097)
	if z, ok := zips.Locate(home); ok {
		fmt.Println(zips.Len(), "zip codes; home is in", z.Name)
	}
	// Output: 22 zip codes; home is in 37402
}

func ExamplePointFromLatLon() {
	_, err := geo.PointFromLatLon(-122.42, 37.77) // San Francisco, given lon first
	fmt.Println(err)
	// Output: geo: latitude out of range [-90, 90] (latitude and longitude look swapped)
}
