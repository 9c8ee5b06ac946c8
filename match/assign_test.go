package match_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/wraparound/wraparound/internal/hungarian"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/match"
)

// cohortCats are the categories of the random cohorts: two siblings, an
// unrelated one and their parent, so that broader listings and shared
// pools occur.
var cohortCats = []string{"health.vision", "health.dental", "education.tutoring", "health"}

// halves splits the plane at home's longitude into regions "west" and
// "east" (set "halves").
func halves(t testing.TB) *geo.Regions {
	t.Helper()
	x, y := home[0], home[1]
	fc := geojson.NewFeatureCollection()
	for _, h := range []struct {
		name   string
		x0, x1 float64
	}{{"west", x - 1, x}, {"east", x, x + 1}} {
		f := geojson.NewFeature(orb.Polygon{{{h.x0, y - 1}, {h.x1, y - 1}, {h.x1, y + 1}, {h.x0, y + 1}, {h.x0, y - 1}}})
		f.Properties["name"] = h.name
		fc.Append(f)
	}
	rs, err := geo.RegionsFromFeatures(fc, "name")
	require.NoError(t, err)
	return rs
}

// cohortCase is a small random cohort over a small random directory.
type cohortCase struct {
	dir      *directory.Directory
	regions  *geo.Regions
	students []match.Student
	k        int
}

func near(rng *rand.Rand, spread float64) orb.Point {
	return orb.Point{home[0] + (rng.Float64()*2-1)*spread, home[1] + (rng.Float64()*2-1)*spread}
}

// randomCohort draws 2–7 providers with one or two categories, unlimited
// (0), open or already full capacities and some age limits, and 2–8
// walking students with 1–3 needs each, within reach of some providers
// but not all.
func randomCohort(t testing.TB, rng *rand.Rand) cohortCase {
	t.Helper()
	rs := halves(t)
	var provs []directory.Provider
	for i := range 2 + rng.IntN(6) {
		p := directory.Provider{
			ID:         fmt.Sprintf("p%02d", i),
			Name:       "Provider",
			Categories: []string{cohortCats[rng.IntN(len(cohortCats))]},
			Point:      near(rng, 0.012),
			Cost:       directory.Cost(rng.IntN(4)),
			Languages:  []string{"en"},
		}
		if rng.IntN(3) == 0 {
			if c := cohortCats[rng.IntN(len(cohortCats))]; c != p.Categories[0] {
				p.Categories = append(p.Categories, c)
			}
		}
		if rng.IntN(5) == 0 {
			p.Eligibility.MinAge = 10
		}
		switch r := rng.IntN(10); {
		case r < 2: // unknown capacity: unlimited
		case r < 4:
			p.Capacity = 1 + rng.IntN(3)
			p.Enrolled = p.Capacity // full
		default:
			p.Capacity = 1 + rng.IntN(3)
			p.Enrolled = rng.IntN(p.Capacity)
		}
		provs = append(provs, p)
	}
	d := build(t, provs, nil, map[string]*geo.Regions{"halves": rs})
	var students []match.Student
	for range 2 + rng.IntN(7) {
		s := match.Student{
			Home:        near(rng, 0.01),
			Age:         6 + rng.IntN(10),
			Constraints: match.Constraints{MaxTravel: time.Duration(15+rng.IntN(20)) * time.Minute},
		}
		for range 1 + rng.IntN(3) {
			s.Needs = append(s.Needs, match.Need{Category: cohortCats[rng.IntN(len(cohortCats))], Severity: 1 + rng.IntN(3)})
		}
		if rng.IntN(2) == 0 {
			s.Languages = []string{"en"}
		}
		students = append(students, s)
	}
	return cohortCase{dir: d, regions: rs, students: students, k: 1 + rng.IntN(4)}
}

// cand is one candidate of the independent graph.
type cand struct {
	prov   directory.Listing
	pool   string
	score  float64
	weight int64
}

// graph is the test's own candidate graph of a cohort.
type graph struct {
	needs    [][2]int // (student, need) per row, in order
	sev      []int
	cands    [][]cand
	seats    map[string]int // -1 unlimited
	eligible [][]directory.Listing
	region   []string // per student
}

// poolKey names the pool a provider gives a need of category code: the
// provider, or the provider and the category it matched — one at or under
// code, else the nearest broader one, the first listed among equals.
func poolKey(p directory.Listing, code string, mode match.PoolMode) string {
	if mode == match.PoolPerProvider {
		return p.ID()
	}
	best, bestUp := "", math.MaxInt
	for _, c := range p.Categories() {
		up := math.MaxInt
		switch {
		case c == code || strings.HasPrefix(c, code+"."):
			up = 0
		case strings.HasPrefix(code, c+"."):
			up = strings.Count(code, ".") - strings.Count(c, ".")
		}
		if up < bestUp {
			best, bestUp = c, up
		}
	}
	return p.ID() + "|" + best
}

func seatsOf(p directory.Listing) int {
	if p.Capacity() == 0 {
		return -1
	}
	return max(0, p.Capacity()-p.Enrolled())
}

// buildGraph computes the candidate graph from the per-student API: Top's
// k best with open seats, and every eligible provider by Evaluate.
func buildGraph(t testing.TB, c cohortCase, mode match.PoolMode) graph {
	t.Helper()
	open, err := match.New(t.Context(), c.dir, match.Config{})
	require.NoError(t, err)
	all, err := match.New(t.Context(), c.dir, match.Config{IncludeFull: true})
	require.NoError(t, err)
	g := graph{seats: map[string]int{}}
	for s, st := range c.students {
		reg := ""
		if r, ok := c.regions.Locate(st.Home); ok {
			reg = r.Name
		}
		g.region = append(g.region, reg)
		pr, err := open.Prepare(context.Background(), st)
		require.NoError(t, err)
		pa, err := all.Prepare(context.Background(), st)
		require.NoError(t, err)
		for n, need := range st.Needs {
			g.needs = append(g.needs, [2]int{s, n})
			g.sev = append(g.sev, need.Severity)
			top, err := pr.Top(context.Background(), n, c.k, nil)
			require.NoError(t, err)
			var cs []cand
			for _, cd := range top {
				key := poolKey(cd.Provider, need.Category, mode)
				g.seats[key] = seatsOf(cd.Provider)
				w := int64(need.Severity) * max(1, int64(math.Round(cd.Score*10000)))
				cs = append(cs, cand{prov: cd.Provider, pool: key, score: cd.Score, weight: w})
			}
			g.cands = append(g.cands, cs)
			var el []directory.Listing
			for p := range c.dir.All() {
				if _, viol, _ := pa.Evaluate(n, p); viol == 0 {
					el = append(el, p)
				}
			}
			g.eligible = append(g.eligible, el)
		}
	}
	return g
}

// hungarianMin returns the least total cost of giving each row its own
// column (rows ≤ columns).
func hungarianMin(a [][]int64) int64 {
	return hungarian.MinCost(len(a), len(a[0]), func(i, j int) int64 { return a[i][j] })
}

// bestBySeats solves the seat-expanded assignment problem: one column
// per seat of each pool (at most one per need) and one "unmet" column per
// need, value bonus(severity)+weight on candidate pairs, 0 for unmet.
// It returns the best total value.
func bestBySeats(g graph, bonus func(sev int) int64) int64 {
	return lexBySeats(g, len(g.needs), bonus, 1) // one tier: every row a need
}

// outcome indexes an Assignment by need row of g.
type outcome struct {
	pool   []string // "" when unmet
	weight []int64
	used   map[string]int
}

// checkAssignment verifies a against g from scratch: every need once,
// each assigned pair a candidate with its score, weight and rank, no pool
// over its seats, utilisation and totals consistent, every unmet need's
// reason true.
func checkAssignment(t *testing.T, c cohortCase, g graph, a *match.Assignment, mode match.PoolMode) outcome {
	t.Helper()
	row := map[[2]int]int{}
	for i, sn := range g.needs {
		row[sn] = i
	}
	o := outcome{pool: make([]string, len(g.needs)), weight: make([]int64, len(g.needs)), used: map[string]int{}}
	seen := make([]bool, len(g.needs))
	var weight int64
	var bySev [4]int
	for _, as := range a.Assigned {
		i, ok := row[[2]int{as.Student, as.Need}]
		require.True(t, ok)
		require.False(t, seen[i], "need %v twice", g.needs[i])
		seen[i] = true
		k := slices.IndexFunc(g.cands[i], func(cd cand) bool { return cd.prov.ID() == as.ProviderID })
		require.GreaterOrEqual(t, k, 0, "need %v got %s, not a candidate", g.needs[i], as.ProviderID)
		cd := g.cands[i][k]
		assert.Equal(t, k, as.Rank)
		assert.InDelta(t, cd.score, as.Score, 1e-12)
		assert.Equal(t, cd.weight, as.Weight)
		assert.Equal(t, g.sev[i], as.Severity)
		assert.NotEmpty(t, as.Explanation)
		pu := a.Utilisation[as.Pool]
		key := pu.ProviderID
		if mode == match.PoolPerCategory {
			key += "|" + pu.Category
		}
		assert.Equal(t, cd.pool, key, "pool of need %v", g.needs[i])
		o.pool[i], o.weight[i] = cd.pool, cd.weight
		o.used[cd.pool]++
		weight += cd.weight
		bySev[as.Severity]++
	}
	for k, n := range o.used {
		if s := g.seats[k]; s >= 0 {
			require.LessOrEqual(t, n, s, "pool %s over capacity", k)
		}
	}
	for _, pu := range a.Utilisation {
		key := pu.ProviderID
		if mode == match.PoolPerCategory {
			key += "|" + pu.Category
		}
		assert.Equal(t, o.used[key], pu.Assigned, "pool %s", key)
		assert.Equal(t, g.seats[key], pu.Seats, "pool %s", key)
	}
	// free reports whether provider p still has a seat for need i.
	free := func(i int, p directory.Listing) bool {
		key := poolKey(p, c.students[g.needs[i][0]].Needs[g.needs[i][1]].Category, mode)
		s := seatsOf(p)
		return s < 0 || o.used[key] < s
	}
	for _, u := range a.Unmet {
		i, ok := row[[2]int{u.Student, u.Need}]
		require.True(t, ok)
		require.False(t, seen[i], "need %v twice", g.needs[i])
		seen[i] = true
		assert.Equal(t, g.region[u.Student], u.Region)
		// Whatever the reason, no candidate may have a seat left.
		for _, cd := range g.cands[i] {
			assert.False(t, free(i, cd.prov), "unmet need %v has a free candidate %s", g.needs[i], cd.prov.ID())
		}
		anyFree := slices.ContainsFunc(g.eligible[i], func(p directory.Listing) bool { return free(i, p) })
		switch u.Reason {
		case match.UnmetNoProvider:
			assert.Empty(t, g.eligible[i], "need %v: eligible providers exist", g.needs[i])
			require.NotNil(t, u.Detail)
			assert.Zero(t, u.Detail.Eligible)
		case match.UnmetFull:
			assert.NotEmpty(t, g.eligible[i])
			assert.False(t, anyFree, "need %v: an eligible provider has a seat", g.needs[i])
		case match.UnmetBeyondCandidates:
			assert.Len(t, g.cands[i], c.k)
			assert.True(t, anyFree, "need %v: no eligible provider has a seat", g.needs[i])
		default:
			t.Fatalf("unknown reason %v", u.Reason)
		}
	}
	for i := range seen {
		assert.True(t, seen[i], "need %v neither assigned nor unmet", g.needs[i])
	}
	assert.Equal(t, weight, a.Totals.Weight)
	assert.Equal(t, len(a.Assigned), a.Totals.Assigned)
	assert.Equal(t, len(a.Unmet), a.Totals.Unmet)
	assert.Equal(t, bySev, a.Totals.AssignedBySeverity)
	assert.Equal(t, len(g.needs), a.Totals.Needs)
	gapNeeds := 0
	for _, gp := range a.Gaps {
		gapNeeds += gp.Needs
	}
	assert.Equal(t, len(a.Unmet), gapNeeds)
	return o
}

// checkStable looks for a blocking pair by exhaustive search: a need and
// a candidate pool it prefers to what it got, where the pool has a free
// seat or holds a need of lower priority.
func checkStable(t *testing.T, c cohortCase, g graph, a *match.Assignment, o outcome) {
	t.Helper()
	require.Len(t, a.Lottery, len(c.students))
	// prio orders needs at a provider: resident of its region, severity,
	// lottery (lower rank first), earlier need. Larger is better.
	prio := func(i int, p directory.Listing) [4]int {
		s, n := g.needs[i][0], g.needs[i][1]
		res := 0
		if g.region[s] != "" && p.Regions()["halves"] == g.region[s] {
			res = 1
		}
		return [4]int{res, g.sev[i], -a.Lottery[s], -n}
	}
	less := func(x, y [4]int) bool { return slices.Compare(x[:], y[:]) < 0 }
	for i := range g.needs {
		for r, cd := range g.cands[i] {
			if o.pool[i] != "" && slices.IndexFunc(g.cands[i], func(x cand) bool { return x.pool == o.pool[i] }) <= r {
				break // got this one or a better one
			}
			s := g.seats[cd.pool]
			if s < 0 || o.used[cd.pool] < s {
				t.Fatalf("blocking pair: need %v and %s, which has a free seat", g.needs[i], cd.pool)
			}
			for h := range g.needs {
				if o.pool[h] == cd.pool && less(prio(h, cd.prov), prio(i, cd.prov)) {
					t.Fatalf("blocking pair: need %v and %s, which holds lower-priority need %v", g.needs[i], cd.pool, g.needs[h])
				}
			}
		}
	}
}

func TestAssignRandomCohorts(t *testing.T) {
	t.Parallel()
	n := 300
	if testing.Short() {
		n = 100
	}
	rng := rand.New(rand.NewPCG(7, 7))
	// The generator must reach every case the checks are about.
	var reasons [3]int
	greedyWorse, equityDiffers, stableWorse := 0, 0, 0
	defer func() {
		t.Logf("unmet reasons %v; greedy below optimum %d, EquityFirst differs %d, Stable below optimum %d", reasons, greedyWorse, equityDiffers, stableWorse)
		for r, k := range reasons {
			assert.Positive(t, k, "no unmet need of reason %v", match.UnmetReason(r))
		}
		assert.Positive(t, greedyWorse)
		assert.Positive(t, equityDiffers)
		assert.Positive(t, stableWorse)
	}()
	for inst := range n {
		c := randomCohort(t, rng)
		for _, mode := range []match.PoolMode{match.PoolPerProvider, match.PoolPerCategory} {
			g := buildGraph(t, c, mode)
			m, err := match.New(t.Context(), c.dir, match.Config{})
			require.NoError(t, err)
			opts := match.AssignOptions{Pools: mode, MaxCandidates: c.k, Seed: uint64(inst)}
			run := func(pol match.Policy) (*match.Assignment, outcome) {
				opts.Policy = pol
				a, err := m.Assign(context.Background(), c.students, opts)
				require.NoError(t, err)
				for _, u := range a.Unmet {
					reasons[u.Reason]++
				}
				return a, checkAssignment(t, c, g, a, mode)
			}
			best := bestBySeats(g, func(int) int64 { return 0 })
			mt, _ := run(match.MaxTotal)
			require.Equal(t, best, mt.Totals.Weight, "instance %d %v: MaxTotal not optimal", inst, mode)
			require.Equal(t, best, mt.Totals.Objective)

			// EquityFirst: lexicographic (served severity 3, 2, 1, weight),
			// by bonuses so large that one more need of a severity
			// outweighs any change below it.
			S := int64(0)
			for _, cs := range g.cands {
				var m int64
				for _, cd := range cs {
					m = max(m, cd.weight)
				}
				S += m
			}
			rows := int64(len(g.needs) + 1)
			bonus := func(sev int) int64 {
				b := S + 1
				for range sev - 1 {
					b *= rows
				}
				return b
			}
			lex := bestBySeats(g, bonus)
			ef, efo := run(match.EquityFirst)
			var got int64
			for i, p := range efo.pool {
				if p != "" {
					got += efo.weight[i] + bonus(g.sev[i])
				}
			}
			require.Equal(t, lex, got, "instance %d %v: EquityFirst not lexicographically optimal", inst, mode)
			unit := S + 1
			wantObj := ef.Totals.Weight
			for sev, k := range ef.Totals.AssignedBySeverity {
				wantObj += int64(sev*k) * unit
			}
			assert.Equal(t, wantObj, ef.Totals.Objective)

			st, sto := run(match.Stable)
			checkStable(t, c, g, st, sto)
			assert.LessOrEqual(t, st.Totals.Weight, best)

			gr, _ := run(match.Greedy)
			assert.LessOrEqual(t, gr.Totals.Weight, best)
			if gr.Totals.Weight < best {
				greedyWorse++
			}
			if st.Totals.Weight < best {
				stableWorse++
			}
			if ef.Totals.Weight != best {
				equityDiffers++
			}
			if t.Failed() {
				t.FailNow()
			}
		}
	}
}

// minCostFlow solves a DIMACS "p min" instance independently: successive
// shortest paths with Bellman–Ford from a super source to a super sink
// (the instance has no negative cycle: its arcs go need → pool → sink).
// It returns the least cost of moving every supply.
func minCostFlow(t *testing.T, text []byte) int64 {
	t.Helper()
	type arc struct {
		to, rev   int
		cap, cost int64
	}
	var adj [][]arc
	add := func(u, v int, cp, cost int64) {
		adj[u] = append(adj[u], arc{to: v, rev: len(adj[v]), cap: cp, cost: cost})
		adj[v] = append(adj[v], arc{to: u, rev: len(adj[u]) - 1, cap: 0, cost: -cost})
	}
	var nodes int
	supply := map[int]int64{}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "c" {
			continue
		}
		num := func(i int) int64 {
			v, err := strconv.ParseInt(f[i], 10, 64)
			require.NoError(t, err)
			return v
		}
		switch f[0] {
		case "p":
			require.Equal(t, "min", f[1])
			nodes = int(num(2))
			adj = make([][]arc, nodes+3)
		case "n":
			supply[int(num(1))] = num(2)
		case "a":
			require.Zero(t, num(3), "lower bounds are 0")
			add(int(num(1)), int(num(2)), num(4), num(5))
		}
	}
	src, snk := nodes+1, nodes+2
	var need int64
	for v, s := range supply {
		if s > 0 {
			add(src, v, s, 0)
			need += s
		} else if s < 0 {
			add(v, snk, -s, 0)
		}
	}
	var cost, flowed int64
	const inf = int64(1) << 62
	for flowed < need {
		dist := make([]int64, len(adj))
		prev := make([][2]int, len(adj))
		for i := range dist {
			dist[i] = inf
		}
		dist[src] = 0
		for changed := true; changed; {
			changed = false
			for u := range adj {
				if dist[u] == inf {
					continue
				}
				for k, e := range adj[u] {
					if e.cap > 0 && dist[u]+e.cost < dist[e.to] {
						dist[e.to] = dist[u] + e.cost
						prev[e.to] = [2]int{u, k}
						changed = true
					}
				}
			}
		}
		require.Less(t, dist[snk], inf, "infeasible instance")
		push := need - flowed
		for v := snk; v != src; v = prev[v][0] {
			push = min(push, adj[prev[v][0]][prev[v][1]].cap)
		}
		for v := snk; v != src; v = prev[v][0] {
			e := &adj[prev[v][0]][prev[v][1]]
			e.cap -= push
			adj[v][e.rev].cap += push
		}
		flowed += push
		cost += push * dist[snk]
	}
	return cost
}

func TestAssignDIMACS(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 21))
	for inst := range 40 {
		c := randomCohort(t, rng)
		m, err := match.New(t.Context(), c.dir, match.Config{})
		require.NoError(t, err)
		for _, pol := range []match.Policy{match.MaxTotal, match.EquityFirst, match.Stable} {
			a, err := m.Assign(context.Background(), c.students, match.AssignOptions{Policy: pol, MaxCandidates: c.k})
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, a.WriteDIMACS(&buf))
			got := -minCostFlow(t, buf.Bytes())
			if pol == match.Stable {
				assert.GreaterOrEqual(t, got, a.Totals.Objective, "instance %d: the optimum bounds Stable", inst)
				continue
			}
			assert.Equal(t, a.Totals.Objective, got, "instance %d %v", inst, pol)
		}
	}
}

// demoCohort draws n students with homes around downtown Chattanooga and
// two or three needs each, by transit, on foot or by car.
func demoCohort(seed uint64, n int) []match.Student {
	rng := rand.New(rand.NewPCG(seed, 1))
	cats := []string{"basic.food", "health.vision", "health.dental", "education.tutoring", "health.mental", "basic.housing"}
	out := make([]match.Student, n)
	for i := range out {
		s := match.Student{
			Home:        orb.Point{-85.31 + (rng.Float64()*2-1)*0.06, 35.04 + (rng.Float64()*2-1)*0.05},
			Age:         6 + rng.IntN(12),
			Constraints: match.Constraints{Mode: match.TravelMode(rng.IntN(3))},
		}
		for _, k := range rng.Perm(len(cats))[:2+rng.IntN(2)] {
			s.Needs = append(s.Needs, match.Need{Category: cats[k], Severity: 1 + rng.IntN(3)})
		}
		out[i] = s
	}
	return out
}

func demoMatcher(t testing.TB) *match.Matcher {
	t.Helper()
	d, err := demo.Directory()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{Week: monday})
	require.NoError(t, err)
	return m
}

func TestAssignDeterministic(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	students := demoCohort(3, 300)
	for _, pol := range []match.Policy{match.MaxTotal, match.EquityFirst, match.Stable, match.Greedy} {
		for _, pools := range []match.PoolMode{match.PoolPerProvider, match.PoolPerCategory} {
			t.Run(fmt.Sprintf("%v/%d", pol, pools), func(t *testing.T) {
				var want []byte
				for _, workers := range []int{1, 2, 3} {
					a, err := m.Assign(context.Background(), students, match.AssignOptions{Policy: pol, Pools: pools, Seed: 9, Workers: workers, MaxCandidates: 8})
					require.NoError(t, err)
					got, err := json.Marshal(a.Staff())
					require.NoError(t, err)
					an, err := json.Marshal(a)
					require.NoError(t, err)
					got = append(got, an...)
					var dim bytes.Buffer
					require.NoError(t, a.WriteDIMACS(&dim))
					got = append(got, dim.Bytes()...)
					if want == nil {
						want = got
						continue
					}
					require.True(t, bytes.Equal(want, got), "workers=%d changed the result", workers)
				}
			})
		}
	}
}

func TestAssignCancel(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	students := demoCohort(4, 200)
	tests := []struct {
		pol   match.Policy
		phase string
	}{
		{match.MaxTotal, match.PhaseCandidates},
		{match.MaxTotal, match.PhaseSplit},
		{match.MaxTotal, match.PhaseSolve},
		{match.EquityFirst, match.PhaseSolve},
		{match.Stable, match.PhaseStable},
		{match.Greedy, match.PhaseGreedy},
		{match.MaxTotal, match.PhaseExplain},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v/%s", tc.pol, tc.phase), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			seen := map[string]bool{}
			a, err := m.Assign(ctx, students, match.AssignOptions{Policy: tc.pol, Progress: func(phase string, done float64) {
				seen[phase] = true
				if phase == tc.phase {
					cancel()
				}
			}})
			assert.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, a)
			assert.True(t, seen[tc.phase], "phase %s never reported", tc.phase)
		})
	}
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		a, err := m.Assign(ctx, students, match.AssignOptions{})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Nil(t, a)
	})
}

func TestAssignProgress(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	var phases []string
	last := map[string]float64{}
	_, err := m.Assign(context.Background(), demoCohort(5, 150), match.AssignOptions{Progress: func(phase string, done float64) {
		if len(phases) == 0 || phases[len(phases)-1] != phase {
			phases = append(phases, phase)
		}
		assert.GreaterOrEqual(t, done, last[phase], phase)
		assert.LessOrEqual(t, done, 1.0)
		last[phase] = done
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{match.PhaseCandidates, match.PhaseSplit, match.PhaseSolve, match.PhaseExplain}, phases)
	for _, p := range phases {
		assert.Equal(t, 1.0, last[p], p)
	}
}

func TestAssignErrors(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	good := demoCohort(6, 8)
	bad := slices.Clone(good)
	bad[3].Needs = slices.Clone(bad[3].Needs)
	bad[3].Needs[1].Severity = 9
	bad[5].Home = orb.Point{-85.123456, 95.654321}
	bad[6].Needs = nil // no needs: allowed, takes nothing
	_, err := m.Assign(context.Background(), bad, match.AssignOptions{})
	require.Error(t, err)
	var ce *match.CohortError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 3, ce.Student)
	assert.ErrorIs(t, err, match.ErrOutOfRange)
	assert.ErrorIs(t, err, match.ErrBadLocation)
	msg := err.Error()
	assert.Contains(t, msg, "cohort student 3")
	assert.Contains(t, msg, "needs[1].severity")
	assert.Contains(t, msg, "cohort student 5")
	assert.NotContains(t, msg, "95.65")
	assert.NotContains(t, msg, "85.12")
	assert.NotContains(t, msg, "cohort student 6")

	tests := []struct {
		name string
		opts match.AssignOptions
		want error
	}{
		{"policy", match.AssignOptions{Policy: 17}, match.ErrBadPolicy},
		{"pools", match.AssignOptions{Pools: 5}, match.ErrBadPolicy},
		{"candidates", match.AssignOptions{MaxCandidates: -1}, match.ErrOutOfRange},
		{"too many candidates", match.AssignOptions{MaxCandidates: match.MaxK + 1}, match.ErrOutOfRange},
		{"workers", match.AssignOptions{Workers: -2}, match.ErrOutOfRange},
		{"region set", match.AssignOptions{RegionSet: "counties"}, match.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := m.Assign(context.Background(), good, tc.opts)
			assert.ErrorIs(t, err, tc.want)
			assert.Nil(t, a)
		})
	}

	// An empty cohort and a cohort without needs are fine.
	for _, students := range [][]match.Student{nil, {{Home: orb.Point{-85.3, 35.0}}}} {
		a, err := m.Assign(context.Background(), students, match.AssignOptions{})
		require.NoError(t, err)
		assert.Zero(t, a.Totals.Needs)
		assert.Empty(t, a.Assigned)
		var buf bytes.Buffer
		require.NoError(t, a.WriteDIMACS(&buf))
	}
}

func TestPolicyText(t *testing.T) {
	t.Parallel()
	for _, p := range []match.Policy{match.MaxTotal, match.EquityFirst, match.Stable, match.Greedy} {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var q match.Policy
		require.NoError(t, q.UnmarshalText(b))
		assert.Equal(t, p, q)
	}
	var q match.Policy
	assert.ErrorIs(t, q.UnmarshalText([]byte("fastest")), match.ErrBadPolicy)
	_, err := match.Policy(9).MarshalText()
	assert.ErrorIs(t, err, match.ErrBadPolicy)
}
