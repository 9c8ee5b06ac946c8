package trends_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

// gridAtom is what an attacker who knew every request could tabulate:
// month, the region in each set, and the category code.
type gridAtom struct {
	month int
	reg   [3]string
	code  string
}

// pubCell is one published cell, described by the lattice coordinates
// the attacker reads off the tables.
type pubCell struct {
	bucket  trends.Bucket
	period  int // index within the year: month 0..11, quarter 0..3, …
	set     int // 0, 1, 2 for a, b, c
	region  string
	node    string
	exact   bool
	count   int64
	supp    bool
	monthLo int
	monthHi int
}

func (c pubCell) String() string {
	n := c.node
	if n == "" {
		n = "(all)"
	}
	if c.exact {
		n += "!"
	}
	return fmt.Sprintf("%s#%d/%s/%s", c.bucket, c.period, c.region, n)
}

func (c pubCell) key() string { // the same lattice cell seen from two tables
	r := c.region
	set := c.set
	if r == trends.TotalName {
		set = -1
	}
	return fmt.Sprintf("%d|%d|%d|%s|%s|%v", c.bucket, c.period, set, r, c.node, c.exact)
}

func (c pubCell) contains(a gridAtom) bool {
	if a.month < c.monthLo || a.month >= c.monthHi {
		return false
	}
	if c.region != trends.TotalName && a.reg[c.set] != c.region {
		return false
	}
	return under(a.code, c.node, c.exact)
}

var gridNodes = []struct {
	code  string
	exact bool
}{{"", false}, {"a", false}, {"a.x", false}, {"a.y", false}, {"a.y.p", false}, {"a.y.q", false},
	{"b", false}, {"b.z", false}, {"a", true}, {"a.y", true}, {"b", true}}

// publishGrid queries every table of the year 2025 a user could ask for
// and returns its cells, deduplicated.
func publishGrid(t *testing.T, s *trends.Store) []pubCell {
	t.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	var out []pubCell
	for si, set := range []string{"a", "b", "c"} {
		for _, nd := range gridNodes {
			for _, b := range []trends.Bucket{trends.Month, trends.Quarter, trends.Half, trends.Year} {
				tab, err := s.Counts(ctx, trends.Query{Set: set, Category: nd.code, Exact: nd.exact, Bucket: b,
					From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
				require.NoError(t, err)
				per := map[trends.Bucket]int{trends.Month: 1, trends.Quarter: 3, trends.Half: 6, trends.Year: 12}[b]
				for _, row := range tab.Rows {
					for pi, c := range row.Cells {
						pc := pubCell{bucket: b, period: pi, set: si, region: row.Region, node: nd.code, exact: nd.exact,
							count: c.Count, supp: c.Suppressed, monthLo: pi * per, monthHi: (pi + 1) * per}
						if !seen[pc.key()] {
							seen[pc.key()] = true
							out = append(out, pc)
						}
					}
				}
			}
		}
	}
	return out
}

func gridTruth(reqs []trends.Request) map[gridAtom]int64 {
	truth := map[gridAtom]int64{}
	for _, r := range reqs {
		truth[gridAtom{month: int(r.Time.Month()) - 1, reg: gridRegions(r.Point), code: r.Category}]++
	}
	return truth
}

// The modulus of the attacker's linear algebra: exact arithmetic in
// GF(p). A combination of published figures that isolates a cell over
// the rationals does so modulo p too (barring a denominator divisible by
// p), so the attack finds every linear recovery.
const gfP = 2147483647

func gfInv(a int64) int64 {
	r, e := int64(1), int64(gfP-2)
	a %= gfP
	for e > 0 {
		if e&1 == 1 {
			r = r * a % gfP
		}
		a = a * a % gfP
		e >>= 1
	}
	return r
}

// gfBasis is a row-echelon basis built incrementally.
type gfBasis struct {
	rows  [][]int64
	pivot []int
}

func (b *gfBasis) reduce(v []int64) []int64 {
	v = append([]int64(nil), v...)
	for i, r := range b.rows {
		p := b.pivot[i]
		if f := v[p]; f != 0 {
			for j := range v {
				if r[j] != 0 {
					v[j] = ((v[j]-f*r[j])%gfP + gfP) % gfP
				}
			}
		}
	}
	return v
}

func (b *gfBasis) add(v []int64) {
	v = b.reduce(v)
	for j, x := range v {
		if x != 0 {
			inv := gfInv(x)
			for k := range v {
				v[k] = v[k] * inv % gfP
			}
			b.rows = append(b.rows, v)
			b.pivot = append(b.pivot, j)
			return
		}
	}
}

func isZero(v []int64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// TestSuppressionResistsLinearAttack publishes every table of a year —
// all region sets (one nested in another, one overlapping), all category
// nodes with their exact parts, months, quarters, halves, the year, the
// totals — and lets an attacker who knows which atoms (month × regions ×
// category) hold requests solve the whole linear system. No suppressed
// cell may be determined by it. Published figures must equal a recount.
func TestSuppressionResistsLinearAttack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		seed uint64
		n    int
		k    int
	}{
		{"sparse", 1, 250, 5},
		{"medium", 2, 700, 5},
		{"dense-k10", 3, 1500, 10},
		{"k3", 4, 400, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: tc.k})
			require.NoError(t, err)
			reqs := gridRequests(rand.New(rand.NewPCG(tc.seed, 7)), tc.n)
			require.NoError(t, s.AddBatch(context.Background(), reqs))
			truth := gridTruth(reqs)
			var support []gridAtom
			for a := range truth {
				support = append(support, a)
			}
			sort.Slice(support, func(i, j int) bool { return fmt.Sprint(support[i]) < fmt.Sprint(support[j]) })
			cells := publishGrid(t, s)

			vec := func(c pubCell) ([]int64, int64) {
				v := make([]int64, len(support))
				var n int64
				for i, a := range support {
					if c.contains(a) {
						v[i] = 1
						n += truth[a]
					}
				}
				return v, n
			}
			var basis gfBasis
			var suppressed []pubCell
			primaries, complements := 0, 0
			for _, c := range cells {
				v, n := vec(c)
				if c.supp {
					assert.Positive(t, n, "zero cell %v suppressed", c)
					if n < int64(tc.k) {
						primaries++
					} else {
						complements++
					}
					suppressed = append(suppressed, c)
					continue
				}
				assert.Equal(t, n, c.count, "published %v differs from recount", c)
				basis.add(v)
			}
			require.Positive(t, primaries, "the test must have small cells")
			t.Logf("%d cells, %d suppressed (%d below k, %d complementary), %d support atoms, rank %d",
				len(cells), len(suppressed), primaries, complements, len(support), len(basis.rows))
			for _, c := range suppressed {
				v, n := vec(c)
				if isZero(basis.reduce(v)) {
					t.Errorf("suppressed cell %v (true count %d) is determined by published cells", c, n)
				}
			}
		})
	}
}

// equation is Σ plus − Σ minus = 0 over published cells.
type equation struct{ plus, minus []string }

// peel is the differencing attacker: it repeatedly takes any equation with
// exactly one cell it does not know and solves it. It returns the cells
// it recovered that were suppressed.
func peel(cells map[string]pubCell, eqs []equation) []string {
	known := map[string]int64{}
	for k, c := range cells {
		if !c.supp {
			known[k] = c.count
		}
	}
	var got []string
	for changed := true; changed; {
		changed = false
		for _, e := range eqs {
			unknown, sign := "", int64(0)
			var sum int64
			n := 0
			for _, side := range []struct {
				ks []string
				s  int64
			}{{e.plus, 1}, {e.minus, -1}} {
				for _, k := range side.ks {
					if v, ok := known[k]; ok {
						sum += side.s * v
					} else {
						n++
						unknown, sign = k, side.s
					}
				}
			}
			if n == 1 {
				known[unknown] = -sum * sign
				got = append(got, unknown)
				changed = true
			}
		}
	}
	return got
}

// TestSuppressionResistsDifferencing runs the classic differencing
// attacks one family at a time and all together: a table's total minus
// its rows, a parent category minus its children, a quarter minus its
// months (and half minus quarters, year minus halves), one region set
// minus another nested in it or overlapping it, and tables over adjacent
// windows. None may recover a suppressed cell.
func TestSuppressionResistsDifferencing(t *testing.T) {
	t.Parallel()
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5})
	require.NoError(t, err)
	reqs := gridRequests(rand.New(rand.NewPCG(11, 7)), 600)
	require.NoError(t, s.AddBatch(context.Background(), reqs))
	truth := gridTruth(reqs)
	list := publishGrid(t, s)
	cells := map[string]pubCell{}
	nsupp := 0
	for _, c := range list {
		cells[c.key()] = c
		if c.supp {
			nsupp++
		}
	}
	require.Positive(t, nsupp)
	key := func(b trends.Bucket, period, set int, region, node string, exact bool) string {
		return pubCell{bucket: b, period: period, set: set, region: region, node: node, exact: exact}.key()
	}
	kinds := []struct {
		b trends.Bucket
		n int
	}{{trends.Month, 12}, {trends.Quarter, 4}, {trends.Half, 2}, {trends.Year, 1}}
	regions := [3][]string{}
	for si, set := range gridSets(t) {
		for _, r := range set.Regions.All() {
			regions[si] = append(regions[si], r.Name)
		}
		regions[si] = append(regions[si], trends.OutsideName)
	}
	rows := func(si int) []string { return append([]string{trends.TotalName}, regions[si]...) }
	children := map[string][]string{"": {"a", "b"}, "a": {"a.x", "a.y"}, "a.y": {"a.y.p", "a.y.q"}, "b": {"b.z"}}

	families := map[string][]equation{}
	for _, kd := range kinds {
		for p := 0; p < kd.n; p++ {
			for si := range 3 {
				// Totals: the total row is the sum of the set's rows.
				for _, nd := range gridNodes {
					e := equation{plus: []string{key(kd.b, p, si, trends.TotalName, nd.code, nd.exact)}}
					for _, r := range regions[si] {
						e.minus = append(e.minus, key(kd.b, p, si, r, nd.code, nd.exact))
					}
					families["totals"] = append(families["totals"], e)
				}
				// Parent minus children (and the part coded exactly at it).
				for _, r := range rows(si) {
					for parent, kids := range children {
						e := equation{plus: []string{key(kd.b, p, si, r, parent, false)}}
						for _, c := range kids {
							e.minus = append(e.minus, key(kd.b, p, si, r, c, false))
						}
						if parent != "" {
							e.minus = append(e.minus, key(kd.b, p, si, r, parent, true))
						}
						families["parent-children"] = append(families["parent-children"], e)
					}
				}
			}
		}
	}
	// Adjacent buckets: a coarser bucket is the sum of the finer ones.
	for ki := 1; ki < len(kinds); ki++ {
		fine, coarse := kinds[ki-1], kinds[ki]
		per := fine.n / coarse.n
		for p := 0; p < coarse.n; p++ {
			for si := range 3 {
				for _, r := range rows(si) {
					for _, nd := range gridNodes {
						e := equation{plus: []string{key(coarse.b, p, si, r, nd.code, nd.exact)}}
						for f := p * per; f < (p+1)*per; f++ {
							e.minus = append(e.minus, key(fine.b, f, si, r, nd.code, nd.exact))
						}
						families["adjacent-buckets"] = append(families["adjacent-buckets"], e)
					}
				}
			}
		}
	}
	// Overlapping sets: "b" squares are unions of "a" squares; "c" strips
	// overlap "a" squares, and wherever the requests of a cell happen to
	// link regions of two sets into a connected group, the group's sums
	// agree. The attacker is given those groups from the true data.
	for _, kd := range kinds {
		per := 12 / kd.n
		for p := 0; p < kd.n; p++ {
			for _, nd := range gridNodes {
				for _, pair := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
					uf := map[string]string{}
					var find func(string) string
					find = func(x string) string {
						if uf[x] == "" || uf[x] == x {
							uf[x] = x
							return x
						}
						uf[x] = find(uf[x])
						return uf[x]
					}
					for a := range truth {
						if a.month/per == p && under(a.code, nd.code, nd.exact) {
							uf[find(fmt.Sprint(pair[0], a.reg[pair[0]]))] = find(fmt.Sprint(pair[1], a.reg[pair[1]]))
						}
					}
					groups := map[string]*equation{}
					for x := range uf {
						root := find(x)
						g := groups[root]
						if g == nil {
							g = &equation{}
							groups[root] = g
						}
						var si int
						var reg string
						fmt.Sscanf(x, "%d", &si)
						reg = x[1:]
						if si == pair[0] {
							g.plus = append(g.plus, key(kd.b, p, si, reg, nd.code, nd.exact))
						} else {
							g.minus = append(g.minus, key(kd.b, p, si, reg, nd.code, nd.exact))
						}
					}
					for _, g := range groups {
						families["overlapping-sets"] = append(families["overlapping-sets"], *g)
					}
				}
			}
		}
	}
	var all []equation
	for _, name := range []string{"totals", "parent-children", "adjacent-buckets", "overlapping-sets"} {
		all = append(all, families[name]...)
	}
	families["all-together"] = all
	for _, name := range []string{"totals", "parent-children", "adjacent-buckets", "overlapping-sets", "all-together"} {
		t.Run(name, func(t *testing.T) {
			got := peel(cells, families[name])
			assert.Empty(t, got, "recovered suppressed cells with %d equations", len(families[name]))
		})
	}

	// Adjacent windows: the same cell asked through tables over different
	// ranges must read the same, so that windows cannot be differenced.
	t.Run("adjacent-windows", func(t *testing.T) {
		ctx := context.Background()
		for _, to := range []time.Month{3, 4, 7, 12} {
			tab, err := s.Counts(ctx, trends.Query{Set: "a", Category: "a", Bucket: trends.Month,
				From: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, to, 1, 0, 0, 0, 0, time.UTC)})
			require.NoError(t, err)
			for _, row := range tab.Rows {
				for i, c := range row.Cells {
					ref := cells[key(trends.Month, 1+i, 0, row.Region, "a", false)]
					assert.Equal(t, ref.supp, c.Suppressed, "%s month %d", row.Region, 1+i)
					assert.Equal(t, ref.count, c.Count, "%s month %d", row.Region, 1+i)
				}
			}
		}
	})
}

// TestSuppressionDistinctStudents: a cell of many requests from few
// students is suppressed although its count reaches k.
func TestSuppressionDistinctStudents(t *testing.T) {
	t.Parallel()
	s, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5, StudentKey: []byte("secret")})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5))
	var reqs []trends.Request
	// Square a-00: 12 requests for a.x in March, all from two students.
	for i := range 12 {
		reqs = append(reqs, trends.Request{Time: time.Date(2025, 3, 1+i, 0, 0, 0, 0, time.UTC), Point: gridPoint(rng, 0, 0),
			Category: "a.x", Student: []string{"s1", "s2"}[i%2]})
	}
	// Square a-33: 12 requests for a.x in March from 12 students.
	for i := range 12 {
		reqs = append(reqs, trends.Request{Time: time.Date(2025, 3, 1+i, 0, 0, 0, 0, time.UTC), Point: gridPoint(rng, 3, 3),
			Category: "a.x", Student: fmt.Sprintf("t%d", i)})
	}
	require.NoError(t, s.AddBatch(context.Background(), reqs))
	tab, err := s.Counts(context.Background(), trends.Query{Set: "a", Category: "a.x", Bucket: trends.Month,
		From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	r00, _ := tab.Row("a-00")
	r33, _ := tab.Row("a-33")
	assert.True(t, r00.Cells[0].Suppressed, "12 requests from 2 students must be suppressed")
	// a-33 alone would be published, but the total row minus a-33 would
	// give a-00 away, so one of them must be suppressed too.
	tot, _ := tab.Row(trends.TotalName)
	assert.True(t, r33.Cells[0].Suppressed || tot.Cells[0].Suppressed)
}

// TestSuppressionIsDeterministic: the same requests ingested in another
// order, by concurrent writers, give the same published tables.
func TestSuppressionIsDeterministic(t *testing.T) {
	t.Parallel()
	reqs := gridRequests(rand.New(rand.NewPCG(31, 7)), 900)
	one, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5})
	require.NoError(t, err)
	require.NoError(t, one.AddBatch(context.Background(), reqs))
	two, err := trends.New(trends.Config{Sets: gridSets(t), Taxonomy: smallTaxonomy(t), K: 5})
	require.NoError(t, err)
	shuffled := append([]trends.Request(nil), reqs...)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * 7; i < len(shuffled); i += 21 {
				assert.NoError(t, two.AddBatch(context.Background(), shuffled[i:min(i+7, len(shuffled))]))
			}
		}()
	}
	wg.Wait()
	a, b := publishGrid(t, one), publishGrid(t, two)
	assert.Equal(t, a, b)
}
