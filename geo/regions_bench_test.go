package geo_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
)

// BenchmarkLocate: Locate beside its baseline, a scan of every region's
// bound and orb's planar containment, on Chattanooga's neighborhoods and
// on an 80k-vertex comb (whose band index has few bands by design).
// Points are seeded and uniform over the set's bound.
func BenchmarkLocate(b *testing.B) {
	hoods, err := demo.Regions(demo.Neighborhoods)
	if err != nil {
		b.Fatal(err)
	}
	comb, err := geo.ReadRegions(bytes.NewReader(combGeoJSON(80000)), "name")
	if err != nil {
		b.Fatal(err)
	}
	for _, set := range []struct {
		name string
		rs   *geo.Regions
	}{{"set=neighborhoods", hoods}, {"set=comb-80000", comb}} {
		var bound orb.Bound
		for i, r := range set.rs.All() {
			if i == 0 {
				bound = r.Bound
			} else {
				bound = bound.Union(r.Bound)
			}
		}
		rng := rand.New(rand.NewPCG(5, 8))
		pts := make([]orb.Point, 4096)
		for i := range pts {
			pts[i] = orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])}
		}
		b.Run(set.name+"/locate", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				set.rs.LocateIndex(pts[i%len(pts)])
				i++
			}
		})
		b.Run(set.name+"/baseline-planar-scan", func(b *testing.B) {
			b.ReportAllocs()
			all := set.rs.All()
			i := 0
			for b.Loop() {
				p := pts[i%len(pts)]
				for j := range all {
					if all[j].Bound.Contains(p) && planar.MultiPolygonContains(all[j].Geometry, p) {
						break
					}
				}
				i++
			}
		})
	}
}

// BenchmarkReadRegions: reading and checking regions beside the baseline
// of parsing alone with orb/geojson (no checks, no index), on the city's
// largest file and on combs, with MB/s of input.
func BenchmarkReadRegions(b *testing.B) {
	council, err := demo.RegionsGeoJSON(demo.CouncilDistricts)
	if err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name, prop string
		data       []byte
	}{{"council-districts", "council", council}}
	for _, n := range []int{20000, 80000} {
		inputs = append(inputs, struct {
			name, prop string
			data       []byte
		}{fmt.Sprintf("comb=%d", n), "name", combGeoJSON(n)})
	}
	for _, in := range inputs {
		b.Run(in.name+"/read", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := geo.ReadRegions(bytes.NewReader(in.data), in.prop); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/baseline-orb-parse", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := geojson.UnmarshalFeatureCollection(in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
