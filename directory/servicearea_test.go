package directory_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// serviceAreaDir builds n providers scattered over Chattanooga whose
// service areas are drawn from zip codes and neighborhood names, written
// every way a source may write them, and from names of no region.
func serviceAreaDir(t testing.TB, n int, seed uint64) *directory.Directory {
	t.Helper()
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(seed, 7))
	area := func() string {
		switch rng.IntN(6) {
		case 0:
			return zips.All()[rng.IntN(zips.Len())].Name
		case 1:
			return "zipcodes:" + zips.All()[rng.IntN(zips.Len())].Name
		case 2:
			return "  " + strings.ToUpper(hoods.All()[rng.IntN(hoods.Len())].Name) + " "
		case 3:
			return "Neighborhoods:" + hoods.All()[rng.IntN(hoods.Len())].Name
		case 4:
			return hoods.All()[rng.IntN(hoods.Len())].Name
		}
		return []string{"Hamilton County", "all residents", "", "zipcodes:", "37999"}[rng.IntN(5)]
	}
	b := directory.NewBuilder()
	b.TextIndex = true
	b.AddRegions(demo.ZipCodes, zips)
	b.AddRegions(demo.Neighborhoods, hoods)
	cats := []string{"basic.food.pantry", "health.vision", "education.tutoring"}
	for i := range n {
		p := directory.Provider{
			ID: fmt.Sprintf("p%03d", i), Name: "Helpers " + cats[i%3], Categories: []string{cats[i%3]},
			Point: orb.Point{-85.45 + 0.3*rng.Float64(), 34.95 + 0.25*rng.Float64()},
		}
		for range rng.IntN(4) {
			p.ServiceAreas = append(p.ServiceAreas, area())
		}
		p.Unplaced = rng.IntN(20) == 0
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}

// areaIndex maps every way of naming a region of d (lower-case
// "set:name" and "name") to the regions so named, for bruteServes.
type areaIndex map[string][]namedRegion

type namedRegion struct {
	canon string
	geom  orb.MultiPolygon
}

func newAreaIndex(d *directory.Directory) areaIndex {
	ix := areaIndex{}
	for _, set := range d.RegionSets() {
		rs, _ := d.Regions(set)
		for _, r := range rs.All() {
			nr := namedRegion{set + ":" + r.Name, r.Geometry}
			ix[strings.ToLower(set+":"+r.Name)] = append(ix[strings.ToLower(set+":"+r.Name)], nr)
			ix[strings.ToLower(r.Name)] = append(ix[strings.ToLower(r.Name)], nr)
		}
	}
	return ix
}

// bruteServes returns, with planar point-in-polygon tests, the region
// ("set:name") by which p serves at: its first service area that names,
// as "set:name" or by name, a region containing at; for a bare name, the
// region of the first set in the directory's order.
func (ix areaIndex) bruteServes(p directory.Listing, at orb.Point) string {
	for _, a := range p.ServiceAreas() {
		for _, r := range ix[strings.ToLower(strings.TrimSpace(a))] {
			if planar.MultiPolygonContains(r.geom, at) {
				return r.canon
			}
		}
	}
	return ""
}

// TestServesMatchesBruteForce checks Query.Serves and Result.ServiceArea
// against bruteServes, alone and with K, Radius and categories, in
// Search, Nearby and SearchText.
func TestServesMatchesBruteForce(t *testing.T) {
	t.Parallel()
	d := serviceAreaDir(t, 200, 1)
	ix := newAreaIndex(d)
	rng := rand.New(rand.NewPCG(2, 3))
	served := 0
	for i := range 80 {
		near := orb.Point{-85.42 + 0.25*rng.Float64(), 34.97 + 0.2*rng.Float64()}
		q := directory.Query{Near: near, Serves: true}
		switch i % 4 {
		case 1:
			q.K = 1 + rng.IntN(5)
		case 2:
			q.Radius = geo.Meters(1000 + rng.IntN(8000))
		case 3:
			q.K = 3
			q.Categories = []string{"basic.food", "health"}[rng.IntN(2):]
		}
		type hit struct {
			id   string
			dist geo.Meters
			area string
		}
		var want []hit
		for p := range d.All() {
			if p.Unplaced() || len(q.Categories) > 0 && !slices.ContainsFunc(q.Categories, p.InCategory) {
				continue
			}
			area := ix.bruteServes(p, near)
			dist := geo.Distance(near, p.Point())
			if area == "" || q.Radius > 0 && dist > q.Radius {
				continue
			}
			want = append(want, hit{p.ID(), dist, area})
		}
		slices.SortFunc(want, func(a, b hit) int {
			if a.dist != b.dist {
				if a.dist < b.dist {
					return -1
				}
				return 1
			}
			return strings.Compare(a.id, b.id)
		})
		if q.K > 0 && len(want) > q.K {
			want = want[:q.K]
		}
		served += len(want)
		wantIDs, wantAreas := []string{}, []string{}
		for _, h := range want {
			wantIDs = append(wantIDs, h.id)
			wantAreas = append(wantAreas, h.area)
		}

		got, err := d.Search(q)
		require.NoError(t, err)
		gotAreas := []string{}
		for _, r := range got {
			gotAreas = append(gotAreas, r.ServiceArea)
		}
		assert.Equal(t, wantIDs, resultIDs(got), "query %d: %+v", i, q)
		assert.Equal(t, wantAreas, gotAreas, "query %d", i)

		seq, err := d.Nearby(q)
		require.NoError(t, err)
		var nearIDs []string
		for r := range seq {
			if q.K > 0 && len(nearIDs) == q.K {
				break
			}
			assert.Equal(t, ix.bruteServes(r.Provider, near), r.ServiceArea)
			nearIDs = append(nearIDs, r.Provider.ID())
		}
		// Nearby breaks distance ties in any order; compare as sets
		// unless the K-th is tied.
		if q.K == 0 {
			assert.ElementsMatch(t, wantIDs, nearIDs, "Nearby, query %d", i)
		}

		res, err := d.SearchText(directory.TextQuery{Words: "helpers", Query: q})
		require.NoError(t, err)
		var textIDs []string
		for _, h := range res.Hits {
			textIDs = append(textIDs, h.Provider.ID())
			assert.Equal(t, ix.bruteServes(h.Provider, near), h.ServiceArea)
		}
		if q.K == 0 {
			assert.ElementsMatch(t, wantIDs, textIDs, "SearchText, query %d", i)
		}
	}
	assert.Greater(t, served, 50, "the queries should find serving providers")
}

// TestServesCases states by hand what serves where.
func TestServesCases(t *testing.T) {
	t.Parallel()
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	z02, ok := zips.ByName("37402")
	require.True(t, ok)
	inside := zips.Centroid(z02.Index)
	require.True(t, zips.Contains(z02.Index, inside))
	b := directory.NewBuilder()
	b.AddRegions(demo.ZipCodes, zips)
	far := orb.Point{inside[0] + 0.2, inside[1] + 0.1} // some 21 km away
	for _, p := range []directory.Provider{
		{ID: "bare", ServiceAreas: []string{"37402"}, Point: far},
		{ID: "qualified", ServiceAreas: []string{"Other place", "ZipCodes:37402 "}, Point: far},
		{ID: "elsewhere", ServiceAreas: []string{"37404"}, Point: inside},
		{ID: "none", Point: inside},
		{ID: "phone", ServiceAreas: []string{"37402"}, Unplaced: true},
	} {
		p.Name, p.Categories = "X", []string{"basic.food.pantry"}
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	got, err := d.Search(directory.Query{Near: inside, Serves: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"bare", "qualified"}, resultIDs(got))
	for _, r := range got {
		assert.Equal(t, "zipcodes:37402", r.ServiceArea)
		assert.Greater(t, r.Distance, geo.Meters(15_000))
	}
	// Without Serves the field stays empty and distance rules.
	got, err = d.Search(directory.Query{Near: inside, K: 2})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"elsewhere", "none"}, resultIDs(got))
	assert.Empty(t, got[0].ServiceArea)
	// With a radius the far providers are out.
	got, err = d.Search(directory.Query{Near: inside, Serves: true, Radius: 5000})
	require.NoError(t, err)
	assert.Empty(t, got)
	// Outside every region nobody serves.
	got, err = d.Search(directory.Query{Near: orb.Point{-90, 40}, Serves: true})
	require.NoError(t, err)
	assert.Empty(t, got)
	// Without region sets there is nothing to place a service area in.
	_, err = tinyDirNoRegions(t).Search(directory.Query{Near: inside, Serves: true})
	assert.ErrorIs(t, err, directory.ErrBadQuery)
}

func tinyDirNoRegions(t *testing.T) *directory.Directory {
	b := directory.NewBuilder()
	b.Add(directory.Provider{ID: "a", Name: "A", Categories: []string{"basic"}, Point: demo.Downtown, ServiceAreas: []string{"37402"}})
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}
