package match_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

// withInterests gives each student of c 0–2 interests in distinct
// categories of the random cohorts.
func withInterests(c cohortCase, rng *rand.Rand) cohortCase {
	c.students = slices.Clone(c.students)
	for s := range c.students {
		st := c.students[s]
		st.Interests = nil
		for range rng.IntN(3) {
			code := cohortCats[rng.IntN(len(cohortCats))]
			if !slices.ContainsFunc(st.Interests, func(in match.Interest) bool { return in.Category == code }) {
				st.Interests = append(st.Interests, match.Interest{Category: code})
			}
		}
		c.students[s] = st
	}
	return c
}

// interestRows is the test's own candidate graph of the interests: one
// row per (student, interest) in order, from the per-student API, weight
// round(score·10000) as for a severity-1 need.
func interestRows(t *testing.T, c cohortCase, mode match.PoolMode) (rows [][2]int, cands [][]cand, seats map[string]int) {
	t.Helper()
	m, err := match.New(t.Context(), c.dir, match.Config{})
	require.NoError(t, err)
	seats = map[string]int{}
	for s, st := range c.students {
		if len(st.Interests) == 0 {
			continue
		}
		pr, err := m.Prepare(context.Background(), st)
		require.NoError(t, err)
		for k, in := range st.Interests {
			top, err := pr.Top(context.Background(), len(st.Needs)+k, c.k, nil)
			require.NoError(t, err)
			var cs []cand
			for _, cd := range top {
				key := poolKey(cd.Provider, in.Category, mode)
				seats[key] = seatsOf(cd.Provider)
				cs = append(cs, cand{prov: cd.Provider, pool: key, score: cd.Score, weight: max(1, int64(math.Round(cd.Score*10000)))})
			}
			rows = append(rows, [2]int{s, k})
			cands = append(cands, cs)
		}
	}
	return rows, cands, seats
}

// TestAssignInterests checks interests as a second tier on random
// cohorts against the seat-expanded Hungarian method: a need's pair is
// worth its policy value (EquityFirst: with severity bonuses) times M, an
// interest's its weight, M above the interests' whole weight, so the
// optimum is lexicographic — needs first, then interests. The needs'
// outcome must be the one without interests (same objective; for Stable
// and Greedy the same pairs), and every interest entry must be a
// candidate pair within the seats.
func TestAssignInterests(t *testing.T) {
	t.Parallel()
	n := 150
	if testing.Short() {
		n = 50
	}
	rng := rand.New(rand.NewPCG(16, 4))
	served, denied := 0, 0
	for inst := range n {
		c := withInterests(randomCohort(t, rng), rng)
		for _, mode := range []match.PoolMode{match.PoolPerProvider, match.PoolPerCategory} {
			g := buildGraph(t, c, mode)
			irows, icands, iseats := interestRows(t, c, mode)
			for k, s := range iseats {
				g.seats[k] = s
			}
			// The combined graph: needs, then interests.
			all := graph{needs: slices.Clone(g.needs), sev: slices.Clone(g.sev), cands: slices.Clone(g.cands), seats: g.seats}
			var sI int64
			for i, cs := range icands {
				all.needs = append(all.needs, irows[i])
				all.sev = append(all.sev, 0)
				all.cands = append(all.cands, cs)
				var m int64
				for _, cd := range cs {
					m = max(m, cd.weight)
				}
				sI += m
			}
			mult := sI + 1
			var sN int64
			for _, cs := range g.cands {
				var m int64
				for _, cd := range cs {
					m = max(m, cd.weight)
				}
				sN += m
			}
			rows := int64(len(g.needs) + 1)
			equity := func(sev int) int64 {
				b := sN + 1
				for range sev - 1 {
					b *= rows
				}
				return b
			}
			m, err := match.New(t.Context(), c.dir, match.Config{})
			require.NoError(t, err)
			for _, pol := range []match.Policy{match.MaxTotal, match.EquityFirst, match.Stable, match.Greedy} {
				name := fmt.Sprintf("instance %d %v %v", inst, mode, pol)
				opts := match.AssignOptions{Policy: pol, Pools: mode, MaxCandidates: c.k, Seed: uint64(inst)}
				a, err := m.Assign(context.Background(), c.students, opts)
				require.NoError(t, err, name)
				opts.SkipInterests = true
				alone, err := m.Assign(context.Background(), c.students, opts)
				require.NoError(t, err, name)

				// Entries: every item once, interests' pairs are candidates,
				// no pool over its seats.
				used := map[string]int{}
				var needW, intW int64
				seen := map[[3]int]bool{}
				for _, as := range a.Assigned {
					key := [3]int{as.Student, int(as.Kind), as.Need}
					require.False(t, seen[key], "%s: %v twice", name, key)
					seen[key] = true
					var cs []cand
					if as.Kind == match.KindInterest {
						i := slices.Index(irows, [2]int{as.Student, as.Need})
						require.GreaterOrEqual(t, i, 0, name)
						cs = icands[i]
						assert.Zero(t, as.Severity)
						assert.Equal(t, c.students[as.Student].Interests[as.Need].Category, as.Category)
						intW += as.Weight
					} else {
						i := slices.Index(g.needs, [2]int{as.Student, as.Need})
						require.GreaterOrEqual(t, i, 0, name)
						cs = g.cands[i]
						needW += as.Weight
					}
					r := slices.IndexFunc(cs, func(cd cand) bool { return cd.prov.ID() == as.ProviderID })
					require.GreaterOrEqual(t, r, 0, "%s: %s not a candidate", name, as.ProviderID)
					assert.Equal(t, r, as.Rank, name)
					assert.Equal(t, cs[r].weight, as.Weight, name)
					assert.InDelta(t, cs[r].score, as.Score, 1e-12, name)
					assert.NotEmpty(t, as.Explanation)
					used[cs[r].pool]++
				}
				for _, u := range a.Unmet {
					key := [3]int{u.Student, int(u.Kind), u.Need}
					require.False(t, seen[key], "%s: %v twice", name, key)
					seen[key] = true
					if u.Kind == match.KindInterest {
						i := slices.Index(irows, [2]int{u.Student, u.Need})
						require.GreaterOrEqual(t, i, 0, name)
						for _, cd := range icands[i] {
							s := g.seats[cd.pool]
							assert.True(t, s >= 0 && used[cd.pool] >= s, "%s: unmet interest %v has a free candidate", name, key)
						}
						if len(icands[i]) > 0 {
							denied++
						}
					}
				}
				assert.Len(t, seen, len(all.needs), name)
				for k, n := range used {
					if s := g.seats[k]; s >= 0 {
						require.LessOrEqual(t, n, s, "%s: pool %s over capacity", name, k)
					}
				}
				tot := a.Totals
				assert.Equal(t, len(irows), tot.Interests.Items, name)
				assert.Equal(t, tot.Interests.Items, tot.Interests.Assigned+tot.Interests.Unmet, name)
				assert.Equal(t, intW, tot.Interests.Weight, name)
				assert.Equal(t, needW, tot.Weight, name)
				served += tot.Interests.Assigned
				pools := 0
				for _, pu := range a.Utilisation {
					pools += pu.InterestsAssigned
				}
				assert.Equal(t, tot.Interests.Assigned, pools, name)

				switch pol {
				case match.MaxTotal, match.EquityFirst:
					bonus := func(int) int64 { return 0 }
					if pol == match.EquityFirst {
						bonus = equity
					}
					lex := lexBySeats(all, len(g.needs), bonus, mult)
					var got int64
					for _, as := range a.Assigned {
						if as.Kind == match.KindInterest {
							got += as.Weight
						} else {
							got += (as.Weight + bonus(as.Severity)) * mult
						}
					}
					require.Equal(t, lex, got, "%s: not lexicographically best", name)
					assert.Equal(t, alone.Totals.Objective, tot.Objective, "%s: needs' objective changed", name)
				default:
					// Needs rank above every interest: the needs' pairs are
					// those without interests.
					var pa, pb []string
					for _, as := range a.Assigned {
						if as.Kind == match.KindNeed {
							pa = append(pa, fmt.Sprint(as.Student, as.Need, as.ProviderID))
						}
					}
					for _, as := range alone.Assigned {
						pb = append(pb, fmt.Sprint(as.Student, as.Need, as.ProviderID))
					}
					assert.Equal(t, pb, pa, "%s: needs' pairs changed", name)
				}
			}
		}
	}
	t.Logf("%d interests served, %d with candidates denied", served, denied)
	assert.Positive(t, served)
	assert.Positive(t, denied)
}

// lexBySeats is bestBySeats with lexicographic values: rows before
// first (needs) are worth (weight + bonus(severity))·mult, the others
// (interests) their weight.
func lexBySeats(g graph, first int, bonus func(int) int64, mult int64) int64 {
	n := len(g.needs)
	var cols []string
	pools := slices.Sorted(func(yield func(string) bool) {
		for k := range g.seats {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range pools {
		s := g.seats[k]
		if s < 0 || s > n {
			s = n
		}
		for range s {
			cols = append(cols, k)
		}
	}
	const forbidden = int64(1) << 56
	a := make([][]int64, n)
	for i := range a {
		a[i] = make([]int64, len(cols)+n)
		for j, k := range cols {
			a[i][j] = forbidden
			for _, c := range g.cands[i] {
				if c.pool == k {
					if i < first {
						a[i][j] = -(c.weight + bonus(g.sev[i])) * mult
					} else {
						a[i][j] = -c.weight
					}
				}
			}
		}
	}
	return -hungarianMin(a)
}

// TestAssignDemoUnmetReasons checks, on a demo cohort with a small
// candidate bound, every unmet need's reason against an independent
// scan: UnmetBeyondCandidates exactly when some provider meeting every
// constraint (Evaluate over the whole directory) still has a seat in the
// need's pool after assignment; and every assigned pair's score against
// Evaluate on a fresh Prepare.
func TestAssignDemoUnmetReasons(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	n := 1500
	if testing.Short() {
		n = 800
	}
	students := demoCohort(3, n)
	dir, err := demo.Directory()
	require.NoError(t, err)
	for _, pools := range []match.PoolMode{match.PoolPerProvider, match.PoolPerCategory} {
		a, err := m.Assign(context.Background(), students, match.AssignOptions{Pools: pools, MaxCandidates: 3})
		require.NoError(t, err)
		left := map[string]int{} // seats left per pool key, -1 unlimited
		for _, pu := range a.Utilisation {
			key := pu.ProviderID
			if pools == match.PoolPerCategory {
				key += "|" + pu.Category
			}
			left[key] = -1
			if pu.Seats >= 0 {
				left[key] = pu.Seats - pu.Assigned - pu.InterestsAssigned
			}
		}
		hasSeat := func(p directory.Listing, code string) bool {
			if n, ok := left[poolKey(p, code, pools)]; ok {
				return n != 0
			}
			return true // no need had the pool: its open seats are all left
		}
		var reasons [3]int
		prep := map[int]*match.Prepared{}
		prepare := func(s int) *match.Prepared {
			if pr := prep[s]; pr != nil {
				return pr
			}
			pr, err := m.Prepare(context.Background(), students[s])
			require.NoError(t, err)
			prep[s] = pr
			return pr
		}
		for _, as := range a.Assigned {
			c, viol, err := prepare(as.Student).Evaluate(as.Need, as.Provider)
			require.NoError(t, err)
			assert.Zero(t, viol)
			assert.Equal(t, c.Score, as.Score)
		}
		for _, u := range a.Unmet {
			reasons[u.Reason]++
			if u.Reason == match.UnmetNoProvider {
				continue
			}
			code := students[u.Student].Needs[u.Need].Category
			free := false
			for p := range dir.All() {
				if _, viol, err := prepare(u.Student).Evaluate(u.Need, p); err == nil && viol == 0 && hasSeat(p, code) {
					free = true
					break
				}
			}
			assert.Equal(t, free, u.Reason == match.UnmetBeyondCandidates, "student %d need %d: reason %v", u.Student, u.Need, u.Reason)
		}
		t.Logf("%v: unmet by reason %v", pools, reasons)
		assert.Positive(t, reasons[match.UnmetBeyondCandidates])
		assert.Positive(t, reasons[match.UnmetFull])
	}
}
