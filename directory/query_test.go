package directory_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

var nyc, _ = time.LoadLocation("America/New_York")

// fixture is a small directory where each provider differs from "base" in
// one respect, so each filter's effect can be stated by hand.
func fixture(t *testing.T) *directory.Directory {
	t.Helper()
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	weekday := directory.Hours{Zone: "America/New_York"}
	for d := time.Monday; d <= time.Friday; d++ {
		weekday.Week[d] = []directory.Span{{Open: 9 * hour, Close: 17 * hour}}
	}
	night := directory.Hours{Zone: "America/New_York"}
	night.Week[time.Friday] = []directory.Span{{Open: 20 * hour, Close: 31 * hour}} // Fri 20:00 – Sat 07:00
	base := directory.Provider{
		Name: "Base", Categories: []string{"basic.food.pantry"}, Point: pt(-85.3097, 35.0456),
		Hours: weekday, Cost: directory.CostFree, Wheelchair: true, Languages: []string{"en", "es"},
	}
	mk := func(id string, dLon float64, mod func(p *directory.Provider)) directory.Provider {
		p := base
		p.ID = id
		p.Point = pt(base.Point[0]+dLon, base.Point[1])
		if mod != nil {
			mod(&p)
		}
		return p
	}
	provs := []directory.Provider{
		mk("base", 0, nil),
		mk("meals", 0.001, func(p *directory.Provider) { p.Categories = []string{"basic.food.meals"} }),
		mk("vision", 0.002, func(p *directory.Provider) { p.Categories = []string{"health.vision"} }),
		mk("fee", 0.003, func(p *directory.Provider) { p.Cost = directory.CostFee }),
		mk("stairs", 0.004, func(p *directory.Provider) { p.Wheelchair = false }),
		mk("teens", 0.005, func(p *directory.Provider) { p.Eligibility.MinAge, p.Eligibility.MaxAge = 13, 18 }),
		mk("grades6to8", 0.006, func(p *directory.Provider) {
			p.Eligibility.HasGrades, p.Eligibility.MinGrade, p.Eligibility.MaxGrade = true, 6, 8
		}),
		mk("english", 0.007, func(p *directory.Provider) { p.Languages = nil }),
		mk("full", 0.008, func(p *directory.Provider) { p.Capacity, p.Enrolled = 20, 20 }),
		mk("night", 0.009, func(p *directory.Provider) { p.Hours = night }),
		mk("unknownhours", 0.010, func(p *directory.Provider) { p.Hours = directory.Hours{} }),
		mk("residents", 0.011, func(p *directory.Provider) { p.Eligibility.Residency = "zipcodes:37402" }),
		mk("far", 0.2, nil), // about 18 km east
		mk("virtual", 0, func(p *directory.Provider) { p.Unplaced = true; p.Point = orb.Point{} }),
	}
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.Location = nyc
	b.AddRegions(demo.Neighborhoods, hoods)
	b.AddRegions(demo.ZipCodes, zips)
	for _, p := range provs {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}

func resultIDs(rs []directory.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Provider.ID()
	}
	return out
}

var allNear = []string{"base", "meals", "vision", "fee", "stairs", "teens", "grades6to8", "english", "full", "night", "unknownhours", "residents"}

func without(ids ...string) []string {
	return slices.DeleteFunc(slices.Clone(allNear), func(s string) bool { return slices.Contains(ids, s) })
}

func TestQueryFilters(t *testing.T) {
	t.Parallel()
	d := fixture(t)
	wed10 := time.Date(2026, 6, 3, 10, 0, 0, 0, nyc)
	sat6 := time.Date(2026, 6, 6, 6, 0, 0, 0, nyc)
	base := directory.Query{Near: pt(-85.3097, 35.0456), Radius: 5000}
	cases := []struct {
		name string
		mod  func(q *directory.Query)
		want []string
	}{
		{"no filter: all within 5 km, nearest first", func(q *directory.Query) {}, allNear},
		{"category with descendants", func(q *directory.Query) { q.Categories = []string{"basic.food"} }, without("vision")},
		{"exact category", func(q *directory.Query) { q.Categories = []string{"basic.food.meals"} }, []string{"meals"}},
		{"two categories", func(q *directory.Query) { q.Categories = []string{"basic.food.meals", "health.vision"} }, []string{"meals", "vision"}},
		{"free only", func(q *directory.Query) { q.FreeOnly = true }, without("fee")},
		{"wheelchair", func(q *directory.Query) { q.Wheelchair = true }, without("stairs")},
		{"age 10", func(q *directory.Query) { q.Age = 10 }, without("teens")},
		{"grade 5", func(q *directory.Query) { q.Grade, q.HasGrade = 5, true }, without("grades6to8")},
		{"grade 7", func(q *directory.Query) { q.Grade, q.HasGrade = 7, true }, allNear},
		{"spanish", func(q *directory.Query) { q.Language = "es" }, without("english")},
		{"has seats", func(q *directory.Query) { q.HasSeats = true }, without("full")},
		{"open Wednesday 10:00", func(q *directory.Query) { q.OpenAt = wed10 }, without("night", "unknownhours")},
		{"open Saturday 06:00, past Friday midnight", func(q *directory.Query) { q.OpenAt = sat6 }, []string{"night"}},
		{"open at, unknown hours allowed", func(q *directory.Query) { q.OpenAt = sat6; q.UnknownHoursOK = true }, []string{"night", "unknownhours"}},
		{"resident of another zip", func(q *directory.Query) { q.ResidentOf = map[string]string{demo.ZipCodes: "37404"} }, without("residents")},
		{"resident of its zip", func(q *directory.Query) { q.ResidentOf = map[string]string{demo.ZipCodes: "37402"} }, allNear},
		{"within region", func(q *directory.Query) { q.Region = demo.ZipCodes + ":37402" }, inZip(t, "37402")},
		{"within other region", func(q *directory.Query) { q.Region = demo.ZipCodes + ":37403" }, inZip(t, "37403")},
		{"exclude", func(q *directory.Query) { q.Exclude = []string{"base", "fee"} }, without("base", "fee")},
		{"radius", func(q *directory.Query) { q.Radius = 250 }, []string{"base", "meals", "vision"}},
		{"k nearest, larger radius", func(q *directory.Query) { q.Radius, q.K = 0, 13 }, append(slices.Clone(allNear), "far")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := base
			tc.mod(&q)
			got, err := d.Search(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, append([]string{}, resultIDs(got)...), "query %+v", q)
			for _, r := range got {
				assert.InDelta(t, float64(geo.Distance(q.Near, r.Provider.Point())), float64(r.Distance), 1e-9)
			}
		})
	}
	p, ok := d.Provider("virtual")
	require.True(t, ok, "unplaced providers are found by ID")
	assert.True(t, p.Unplaced())
	assert.Equal(t, []string{"virtual"}, ids(d.Unplaced()))
}

// inZip lists, in fixture order, the fixture providers near downtown that
// lie inside the zip code by orb's planar point-in-polygon test.
func inZip(t *testing.T, zip string) []string {
	zips, err := demo.Regions(demo.ZipCodes)
	require.NoError(t, err)
	z, ok := zips.ByName(zip)
	require.True(t, ok)
	out := []string{}
	for i, id := range allNear {
		if planar.MultiPolygonContains(z.Geometry, pt(-85.3097+0.001*float64(i), 35.0456)) {
			out = append(out, id)
		}
	}
	return out
}

func ids(seq func(func(directory.Listing) bool)) []string {
	var out []string
	for p := range seq {
		out = append(out, p.ID())
	}
	return out
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	d := fixture(t)
	near := pt(-85.3, 35.0)
	cases := []struct {
		name string
		q    directory.Query
		want error
	}{
		{"no limit", directory.Query{Near: near}, directory.ErrNoLimit},
		{"negative radius", directory.Query{Near: near, Radius: -1}, directory.ErrBadRadius},
		{"absurd radius", directory.Query{Near: near, Radius: 1e9}, directory.ErrBadRadius},
		{"negative k", directory.Query{Near: near, K: -1}, directory.ErrBadK},
		{"bad point", directory.Query{Near: pt(-85, 135), K: 1}, geo.ErrLatitude},
		{"unknown category", directory.Query{Near: near, K: 1, Categories: []string{"nope"}}, directory.ErrUnknownCategory},
		{"unknown region set", directory.Query{Near: near, K: 1, Region: "wards:1"}, directory.ErrUnknownRegion},
		{"unknown region", directory.Query{Near: near, K: 1, Region: "zipcodes:99999"}, directory.ErrUnknownRegion},
		{"no transit network", directory.Query{Near: near, K: 1, Transit: &directory.TransitFilter{}}, directory.ErrNoTransit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.Search(tc.q)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

// TestSearchMatchesBruteForce checks nearest-k and radius queries on the
// demo directory against a scan of every provider.
func TestSearchMatchesBruteForce(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	cats := []string{"", "basic", "basic.food", "health.vision", "education.tutoring", "enrichment.sports", "basic.food.groceries"}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 500; i++ {
		q := directory.Query{
			Near: pt(-85.40+rng.Float64()*0.3, 34.98+rng.Float64()*0.2),
			K:    1 + rng.IntN(12),
		}
		if c := cats[rng.IntN(len(cats))]; c != "" {
			q.Categories = []string{c}
		}
		if rng.IntN(3) == 0 {
			q.Categories = append(q.Categories, "health.mental")
		}
		if rng.IntN(2) == 0 {
			q.OpenAt = time.Date(2026, 6, 1+rng.IntN(7), rng.IntN(24), 0, 0, 0, nyc)
			q.UnknownHoursOK = rng.IntN(2) == 0
		}
		if rng.IntN(2) == 0 {
			q.Age = 3 + rng.IntN(16)
		}
		q.FreeOnly = rng.IntN(3) == 0
		q.Language = []string{"", "es", "en", "vi"}[rng.IntN(4)]
		if rng.IntN(3) == 0 {
			q.K = 0
			q.Radius = geo.Meters(300 + rng.IntN(4000))
		}
		got, err := d.Search(q)
		require.NoError(t, err)
		require.Equal(t, bruteForce(d, q), resultIDs(got), "query %d %+v", i, q)
	}
}

// bruteForce answers q by checking every provider against the query's
// fields directly, independent of the directory's filter code.
func bruteForce(d *directory.Directory, q directory.Query) []string {
	type hit struct {
		id string
		d  geo.Meters
	}
	var hits []hit
	for p := range d.All() {
		if p.Unplaced() {
			continue
		}
		if len(q.Categories) > 0 && !slices.ContainsFunc(q.Categories, func(c string) bool {
			return slices.ContainsFunc(p.Categories(), func(pc string) bool { return pc == c || strings.HasPrefix(pc, c+".") })
		}) {
			continue
		}
		if q.FreeOnly && p.Cost() != directory.CostFree {
			continue
		}
		if q.Age > 0 && (q.Age < p.Eligibility().MinAge || (p.Eligibility().MaxAge > 0 && q.Age > p.Eligibility().MaxAge)) {
			continue
		}
		if q.Language != "" && !slices.Contains(p.Languages(), q.Language) && !(len(p.Languages()) == 0 && q.Language == "en") {
			continue
		}
		if !q.OpenAt.IsZero() {
			if !p.Hours().Known() {
				if !q.UnknownHoursOK {
					continue
				}
			} else if !p.Hours().OpenAt(q.OpenAt) {
				continue
			}
		}
		dist := geo.Distance(q.Near, p.Point())
		if q.Radius > 0 && dist > q.Radius {
			continue
		}
		hits = append(hits, hit{p.ID(), dist})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.d != b.d {
			if a.d < b.d {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	if q.K > 0 && len(hits) > q.K {
		hits = hits[:q.K]
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.id
	}
	return out
}

func TestTransitFilter(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	net := d.Transit()
	require.NotNil(t, net)
	w := transit.Window{Date: time.Date(2026, 6, 6, 0, 0, 0, 0, nyc), Start: 9 * hour, End: 12 * hour}
	q := directory.Query{
		Near: pt(-85.3097, 35.0456), Radius: 3000, Categories: []string{"basic.food"},
		Transit: &directory.TransitFilter{MaxWalk: 400, MinPerHour: 2, Window: w},
	}
	got, err := d.Search(q)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	// Independent check: every provider within 3 km whose nearest stops
	// (by the network's own access figures) include one within 400 m
	// walking with ≥2 departures an hour is returned, and no other.
	var want []string
	for p := range d.All() {
		if p.Unplaced() || !p.InCategory("basic.food") || geo.Distance(q.Near, p.Point()) > 3000 {
			continue
		}
		acc := net.Access(p.Point(), 400, w)
		if slices.ContainsFunc(acc.Stops, func(s transit.StopAccess) bool { return s.DeparturesPerHour >= 2 }) {
			want = append(want, p.ID())
		}
	}
	gotIDs := resultIDs(got)
	slices.Sort(gotIDs)
	slices.Sort(want)
	assert.Equal(t, want, gotIDs)
	weekdayOnly := 0
	for _, r := range got {
		require.NotNil(t, r.Transit)
		assert.LessOrEqual(t, float64(r.Transit.Distance), 400.0)
		assert.GreaterOrEqual(t, r.Transit.PerHour, 2.0)
		assert.NotEmpty(t, r.Transit.Name)
		assert.NotEmpty(t, r.Transit.Routes)
		// The routes are the window's (a Saturday morning), as the
		// network's access figures list them, not every route that ever
		// calls at the stop.
		acc := net.Access(r.Provider.Point(), 400, w)
		i := slices.IndexFunc(acc.Stops, func(s transit.StopAccess) bool { return s.Stop == r.Transit.Stop })
		require.GreaterOrEqual(t, i, 0, r.Provider.ID())
		assert.Equal(t, acc.Stops[i].Routes, r.Transit.Routes, r.Provider.ID())
		if len(net.RouteNamesAt(r.Transit.Stop)) > len(r.Transit.Routes) {
			weekdayOnly++
		}
	}
	t.Logf("%d of %d results' stops have routes that do not run in the window", weekdayOnly, len(got))

	// Across the city, on Saturday morning, some stops are also served by
	// weekday-only routes; results list only the routes of the window.
	wide := directory.Query{Near: q.Near, Radius: 20_000, Transit: &directory.TransitFilter{MaxWalk: 400, Window: w}}
	all, err := d.Search(wide)
	require.NoError(t, err)
	weekdayOnly = 0
	for _, r := range all {
		acc := net.Access(r.Provider.Point(), 400, w)
		i := slices.IndexFunc(acc.Stops, func(s transit.StopAccess) bool { return s.Stop == r.Transit.Stop })
		require.GreaterOrEqual(t, i, 0, r.Provider.ID())
		assert.Equal(t, acc.Stops[i].Routes, r.Transit.Routes, r.Provider.ID())
		if len(net.RouteNamesAt(r.Transit.Stop)) > len(r.Transit.Routes) {
			weekdayOnly++
		}
	}
	assert.Positive(t, weekdayOnly, "no result near a stop with routes outside the window: the check shows nothing")
	t.Logf("city-wide: %d of %d results' stops have routes that do not run on Saturday morning", weekdayOnly, len(all))
}
