package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/synth"
)

// Zone is Chattanooga's time zone.
const Zone = "America/New_York"

// Seed is the seed of the demo directory's generated providers.
const Seed = 2026

// Downtown is the center of Chattanooga (Market Street at the Tennessee
// Aquarium), around which generated providers are denser.
var Downtown = orb.Point{-85.3097, 35.0456}

// generatedCounts is how many providers of each category the generator
// places: a plausible mix for a city of 180,000.
var generatedCounts = map[string]int{
	"basic.food.pantry": 30, "basic.food.meals": 14, "basic.housing.shelter": 6,
	"basic.housing.rent": 8, "basic.utilities": 6, "basic.clothing": 12, "basic.supplies": 6,
	"basic.transportation": 4, "health.primary": 16, "health.dental": 8, "health.vision": 9,
	"health.mental": 14, "health.substance": 4, "education.tutoring": 24, "education.mentoring": 10,
	"education.afterschool": 24, "education.early": 14, "education.college": 8,
	"enrichment.sports": 24, "enrichment.arts": 12, "enrichment.music": 10, "enrichment.stem": 10,
	"enrichment.summer": 14, "work.jobs": 10, "work.internships": 6, "family.legal": 5,
	"family.parenting": 8, "family.benefits": 10,
}

// Groceries returns the 46 real groceries and markets from OpenStreetMap as
// providers in category basic.food.groceries, with their opening hours
// (unknown where OpenStreetMap has none) and SNAP, EBT and WIC acceptance
// as attributes "snap", "ebt", "wic". IDs are "osm-grocery-01"… in file
// order.
func Groceries() ([]directory.Provider, error) {
	r := csv.NewReader(bytes.NewReader(freshFoodCSV))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo: fresh-food.csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []directory.Provider
	for n, row := range rows[1:] {
		get := func(k string) string { return strings.TrimSpace(row[col[k]]) }
		lat, err1 := strconv.ParseFloat(get("@lat"), 64)
		lon, err2 := strconv.ParseFloat(get("@lon"), 64)
		pt, err3 := geo.PointFromLatLon(lat, lon)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("demo: fresh-food.csv line %d: bad coordinates", n+2)
		}
		hours, err := directory.ParseOpeningHours(get("opening_hours"), Zone)
		if err != nil {
			return nil, fmt.Errorf("demo: fresh-food.csv line %d: %w", n+2, err)
		}
		p := directory.Provider{
			ID:          fmt.Sprintf("osm-grocery-%02d", n+1),
			Name:        get("name"),
			Categories:  []string{"basic.food.groceries"},
			Point:       pt,
			Hours:       hours,
			Description: describeShop(get("shop"), get("amenity")),
			Address: directory.Address{
				Street:     strings.TrimSpace(get("addr:housenumber") + " " + get("addr:street")),
				City:       get("addr:city"),
				State:      "TN",
				PostalCode: get("addr:postcode"),
			},
			Languages: []string{"en"},
			Keywords:  []string{"groceries", "fresh food"},
		}
		for _, pay := range []string{"snap", "ebt", "wic"} {
			if get("payment:"+pay) == "yes" {
				p.Attributes = append(p.Attributes, pay)
				p.Keywords = append(p.Keywords, strings.ToUpper(pay)+" accepted")
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func describeShop(shop, amenity string) string {
	switch {
	case shop == "supermarket":
		return "Supermarket (OpenStreetMap)."
	case amenity == "marketplace":
		return "Marketplace (OpenStreetMap)."
	case shop != "":
		return strings.ToUpper(shop[:1]) + shop[1:] + " (OpenStreetMap)."
	}
	return "Food shop (OpenStreetMap)."
}

// Generated returns the generated providers of every other category:
// about 350, placed by a generator seeded with Seed at random points inside
// Chattanooga's real neighborhoods, choosing neighborhoods more often the
// closer they are to downtown. Names, hours, languages (English, Spanish
// and a few others), eligibility and capacities are plausible but
// invented: these are not real organisations. IDs are "gen-<category>-NN".
func Generated() ([]directory.Provider, error) {
	hoods, err := Regions(Neighborhoods)
	if err != nil {
		return nil, err
	}
	all := hoods.All()
	weights := make([]float64, len(all))
	var wsum float64
	for i := range all {
		if all[i].Name == "Test Shape" {
			continue // a placeholder polygon in the city's file, not a neighborhood
		}
		d := geo.Distance(hoods.Centroid(i), Downtown).Km()
		weights[i] = 1 / (1 + d/3)
		wsum += weights[i]
	}
	rng := rand.New(rand.NewPCG(Seed, 1))
	var out []directory.Provider
	for _, code := range synth.Categories() {
		n := generatedCounts[code]
		short := code[strings.LastIndexByte(code, '.')+1:]
		for i := 0; i < n; i++ {
			hi := pickWeighted(rng, weights, wsum)
			pt := pointIn(rng, hoods, hi)
			p := synth.Provider(rng, fmt.Sprintf("gen-%s-%02d", short, i+1), code, placeName(all[hi].Name), pt)
			p.Address = directory.Address{City: "Chattanooga", State: "TN"}
			p.Hours.Zone = Zone
			p.Description = "Generated demo provider, not a real organisation. " + p.Description
			out = append(out, p)
		}
	}
	return out, nil
}

// placeName shortens a neighborhood association's name to the place:
// "Highland Park Neighborhood Association" → "Highland Park".
func placeName(hood string) string {
	for _, cut := range []string{" &", " Community", " Neighborhood", " Association", " Homeowners", " HOA", " Civic"} {
		if i := strings.Index(hood, cut); i > 0 {
			hood = hood[:i]
		}
	}
	return hood
}

func pickWeighted(rng *rand.Rand, w []float64, sum float64) int {
	x := rng.Float64() * sum
	for i, v := range w {
		x -= v
		if x < 0 {
			return i
		}
	}
	return len(w) - 1
}

// pointIn draws a uniform point inside region i by rejection from its
// bound.
func pointIn(rng *rand.Rand, rs *geo.Regions, i int) orb.Point {
	b := rs.All()[i].Bound
	for tries := 0; tries < 10000; tries++ {
		p := orb.Point{
			b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
		}
		if rs.Contains(i, p) {
			return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
		}
	}
	return rs.Centroid(i)
}

var (
	dirOnce sync.Once
	dir     *directory.Directory
	dirErr  error
)

// Providers returns the demo directory's providers: the real groceries
// followed by the generated providers.
func Providers() ([]directory.Provider, error) {
	g, err := Groceries()
	if err != nil {
		return nil, err
	}
	gen, err := Generated()
	if err != nil {
		return nil, err
	}
	return append(g, gen...), nil
}

// Directory returns the demo directory for Chattanooga, built once and
// shared (it is immutable): the providers of Providers with the
// neighborhoods, zip codes and council districts as region sets, CARTA's
// network (Network) for transit filters, and America/New_York as the
// default zone.
func Directory() (*directory.Directory, error) {
	dirOnce.Do(func() { dir, dirErr = build(false) })
	return dir, dirErr
}

func build(text bool) (*directory.Directory, error) {
	provs, err := Providers()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	net, err := Network()
	if err != nil {
		return nil, err
	}
	b := directory.NewBuilder()
	b.Location = loc
	b.Transit = net
	b.TextIndex = text
	for _, set := range []string{Neighborhoods, ZipCodes, CouncilDistricts} {
		rs, err := Regions(set)
		if err != nil {
			return nil, err
		}
		b.AddRegions(set, rs)
	}
	for _, p := range provs {
		b.Add(p)
	}
	return b.Build(context.Background())
}
