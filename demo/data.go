package demo

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/wraparound/wraparound/geo"
)

//go:embed data/neighborhoods.geojson
var neighborhoodsJSON []byte

//go:embed data/zipcodes.geojson
var zipcodesJSON []byte

//go:embed data/city_council_districts.geojson
var councilJSON []byte

//go:embed data/fresh-food.csv
var freshFoodCSV []byte

//go:embed data/carta-gtfs.zip
var cartaZip []byte

// Attribution is the credit line to show wherever the demo directory, or
// anything derived from it, is displayed.
const Attribution = "Grocery locations and hours © OpenStreetMap contributors (ODbL 1.0); " +
	"neighborhood, zip-code and council-district boundaries: City of Chattanooga (CC0); " +
	"transit: CARTA GTFS (public domain); all other providers are generated, not real."

// Region set names accepted by Regions.
const (
	Neighborhoods    = "neighborhoods"     // 119 neighborhood associations, named by "name"
	ZipCodes         = "zipcodes"          // 22 zip codes, named by "zip_code"
	CouncilDistricts = "council-districts" // 9 city council districts, named by "council"
)

type regionsOnce struct {
	once sync.Once
	rs   *geo.Regions
	err  error
}

var regionCache = map[string]*regionsOnce{
	Neighborhoods:    {},
	ZipCodes:         {},
	CouncilDistricts: {},
}

// Regions returns one of Chattanooga's region sets (Neighborhoods, ZipCodes
// or CouncilDistricts), parsed once and shared: the result is immutable.
func Regions(set string) (*geo.Regions, error) {
	c, ok := regionCache[set]
	if !ok {
		return nil, fmt.Errorf("demo: unknown region set %q", set)
	}
	c.once.Do(func() {
		var data []byte
		var prop string
		switch set {
		case Neighborhoods:
			data, prop = neighborhoodsJSON, "name"
		case ZipCodes:
			data, prop = zipcodesJSON, "zip_code"
		case CouncilDistricts:
			data, prop = councilJSON, "council"
		}
		c.rs, c.err = geo.ReadRegions(bytes.NewReader(data), prop)
	})
	return c.rs, c.err
}

// CARTAFeed returns the bytes of CARTA's GTFS feed as a zip archive
// (valid 2026-05-10 to 2026-08-22). Do not modify the slice.
func CARTAFeed() []byte { return cartaZip }

// FreshFoodCSV returns the OpenStreetMap export of Chattanooga groceries
// and markets (ODbL; see Attribution). Do not modify the slice.
func FreshFoodCSV() []byte { return freshFoodCSV }

// RegionsGeoJSON returns the raw GeoJSON of a region set, for callers that
// draw maps. Do not modify the slice.
func RegionsGeoJSON(set string) ([]byte, error) {
	switch set {
	case Neighborhoods:
		return neighborhoodsJSON, nil
	case ZipCodes:
		return zipcodesJSON, nil
	case CouncilDistricts:
		return councilJSON, nil
	}
	return nil, fmt.Errorf("demo: unknown region set %q", set)
}
