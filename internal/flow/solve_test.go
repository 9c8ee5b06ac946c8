package flow

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSolveAgainstBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 7))
	for n := range 400 {
		s := genSpec{left: 1 + rng.IntN(7), right: 1 + rng.IntN(4), maxDeg: 3, maxCap: 3, unlimited: 0.15, maxW: 1 + rng.Int64N(20), tiers: true}
		p := gen(rng, s)
		wantTotal, wantLex := bruteForce(p)
		for _, m := range methods {
			t.Run(fmt.Sprintf("case=%d/method=%d", n, m), func(t *testing.T) {
				res, err := solve(context.Background(), p, MaxTotal, nil, m)
				require.NoError(t, err)
				total, _ := checkFeasible(t, p, res)
				assert.Equal(t, wantTotal, total, "MaxTotal on %+v", p)
				assert.Equal(t, total, res.Objective)

				res, err = solve(context.Background(), p, EquityFirst, nil, m)
				require.NoError(t, err)
				total, served := checkFeasible(t, p, res)
				got := lexKey{int64(served[3]), int64(served[2]), int64(served[1]), total}
				assert.Equal(t, wantLex, got, "EquityFirst (tier3, tier2, tier1, total) on %+v", p)
			})
		}
	}
}

// methods are the solver methods every correctness test runs.
var methods = []int{methodAuction, methodSSP}

func TestSolveAgainstHungarian(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 9))
	cases := 200
	if testing.Short() {
		cases = 60
	}
	for n := range cases {
		s := genSpec{left: 5 + rng.IntN(36), right: 1 + rng.IntN(10), maxDeg: 1 + rng.IntN(6), maxCap: 1 + int32(rng.IntN(5)), unlimited: 0.05, maxW: 1 + rng.Int64N(1000), tiers: true}
		if n%4 == 0 {
			s.maxW = 3 // many ties
		}
		p := gen(rng, s)
		for _, m := range methods {
			t.Run(fmt.Sprintf("case=%d/method=%d", n, m), func(t *testing.T) {
				t.Parallel()
				res, err := solve(context.Background(), p, MaxTotal, nil, m)
				require.NoError(t, err)
				total, _ := checkFeasible(t, p, res)
				want := hungarianOptimum(p, func(i int, j int32) int64 { return pairWeight(p, i, j) })
				assert.Equal(t, want, total, "MaxTotal")

				// EquityFirst against the same matrix with every weight raised
				// by tier·(S+1); the brute-force test shows this weighting is
				// lexicographic.
				res, err = solve(context.Background(), p, EquityFirst, nil, m)
				require.NoError(t, err)
				checkFeasible(t, p, res)
				var s int64
				for i := 0; i < p.Left; i++ {
					var m int64
					for e := p.Start[i]; e < p.Start[i+1]; e++ {
						m = max(m, p.Weight[e])
					}
					s += m
				}
				want = hungarianOptimum(p, func(i int, j int32) int64 {
					w := pairWeight(p, i, j)
					if w == 0 {
						return 0
					}
					return w + int64(p.tier(i))*(s+1)
				})
				assert.Equal(t, want, res.Objective, "EquityFirst objective")
			})
		}
	}
}

// manyComponents is a larger instance with many components of different
// sizes, and big ones so that progress ticks and cancellation checks fire.
func manyComponents(seed uint64, groups int) *Problem {
	rng := rand.New(rand.NewPCG(seed, 3))
	p := &Problem{Start: []int32{0}}
	for g := range groups {
		left, right := 1+rng.IntN(50), 1+rng.IntN(8)
		if g%10 == 0 {
			left, right = 2000+rng.IntN(500), 80
		}
		base := int32(len(p.Cap))
		for range right {
			p.Cap = append(p.Cap, int32(rng.IntN(10)))
		}
		for range left {
			for d := 1 + rng.IntN(5); d > 0; d-- {
				p.To = append(p.To, base+int32(rng.IntN(right)))
				p.Weight = append(p.Weight, 1+rng.Int64N(50))
			}
			p.Tier = append(p.Tier, uint8(1+rng.IntN(3)))
			p.Start = append(p.Start, int32(len(p.To)))
			p.Left++
		}
	}
	return p
}

func TestSolveDeterministic(t *testing.T) {
	t.Parallel()
	p := manyComponents(5, 60)
	for _, pol := range []Policy{MaxTotal, EquityFirst} {
		var totals []int64
		for _, m := range methods {
			if pol == EquityFirst && m == methodAuction {
				// Correct (see the brute-force and Hungarian tests) but slow
				// on tier bonuses; check the production method twice.
				m = methodAuto
			}
			t.Run(fmt.Sprintf("%s/method=%d", pol, m), func(t *testing.T) {
				first, err := solve(context.Background(), p, pol, nil, m)
				require.NoError(t, err)
				checkFeasible(t, p, first)
				totals = append(totals, first.Objective)
				for range 3 {
					again, err := solve(context.Background(), p, pol, nil, m)
					require.NoError(t, err)
					require.Equal(t, first, again)
				}
			})
		}
		assert.Equal(t, totals[0], totals[1], "both methods reach the same optimum")
	}
}

func TestSolveProgress(t *testing.T) {
	t.Parallel()
	p := manyComponents(6, 30)
	var phases []string
	last := map[string]float64{}
	_, err := Solve(context.Background(), p, MaxTotal, func(phase string, done float64) {
		if len(phases) == 0 || phases[len(phases)-1] != phase {
			phases = append(phases, phase)
		}
		assert.GreaterOrEqual(t, done, last[phase], "phase %s went backwards", phase)
		assert.LessOrEqual(t, done, 1.0)
		last[phase] = done
	})
	require.NoError(t, err)
	assert.Equal(t, []string{PhaseSplit, PhaseSolve}, phases)
	assert.Equal(t, 1.0, last[PhaseSolve])
}

func TestSolveCancel(t *testing.T) {
	t.Parallel()
	p := manyComponents(7, 30)
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := Solve(ctx, p, MaxTotal, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, res)
	})
	for _, m := range methods {
		t.Run(fmt.Sprintf("during/method=%d", m), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res, err := solve(ctx, p, MaxTotal, func(phase string, done float64) {
				if phase == PhaseSolve && done > 0 {
					cancel()
				}
			}, m)
			require.ErrorIs(t, err, context.Canceled)
			assert.Zero(t, res)
		})
	}
}

func TestGreedy(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	for n := range 100 {
		p := gen(rng, genSpec{left: 1 + rng.IntN(7), right: 1 + rng.IntN(4), maxDeg: 3, maxCap: 2, maxW: 9, tiers: true})
		t.Run(fmt.Sprintf("case=%d", n), func(t *testing.T) {
			g, err := Greedy(context.Background(), p)
			require.NoError(t, err)
			total, _ := checkFeasible(t, p, g)
			opt, _ := bruteForce(p)
			assert.LessOrEqual(t, total, opt)
		})
	}
	t.Run("hand", func(t *testing.T) {
		// Node 0 grabs the only seat of pool 0 although node 1 has nowhere
		// else to go: greedy 5, optimum 4+3 = 7.
		p := &Problem{Left: 2, Cap: []int32{1, 1}, Start: []int32{0, 2, 3}, To: []int32{0, 1, 0}, Weight: []int64{5, 4, 3}}
		g, err := Greedy(context.Background(), p)
		require.NoError(t, err)
		assert.Equal(t, []int32{0, -1}, g.Assign)
		assert.Equal(t, int64(5), g.Total)
		res, err := Solve(context.Background(), p, MaxTotal, nil)
		require.NoError(t, err)
		assert.Equal(t, []int32{1, 0}, res.Assign)
		assert.Equal(t, int64(7), res.Total)
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *Problem {
		return &Problem{Left: 2, Cap: []int32{1, Unlimited}, Start: []int32{0, 1, 3}, To: []int32{0, 0, 1}, Weight: []int64{3, 4, 5}, Tier: []uint8{1, 3}}
	}
	cases := []struct {
		name  string
		edit  func(p *Problem)
		field string
		want  error
	}{
		{"ok", func(*Problem) {}, "", nil},
		{"negative left", func(p *Problem) { p.Left = -1 }, "Left", ErrShape},
		{"start length", func(p *Problem) { p.Start = p.Start[:2] }, "Start", ErrShape},
		{"start decreasing", func(p *Problem) { p.Start[1] = 3; p.Start[2] = 2; p.To = p.To[:2]; p.Weight = p.Weight[:2] }, "Start", ErrShape},
		{"weight length", func(p *Problem) { p.Weight = p.Weight[:2] }, "Weight", ErrShape},
		{"edge target", func(p *Problem) { p.To[1] = 2 }, "To", ErrEdge},
		{"negative target", func(p *Problem) { p.To[1] = -1 }, "To", ErrEdge},
		{"zero weight", func(p *Problem) { p.Weight[0] = 0 }, "Weight", ErrWeight},
		{"huge weight", func(p *Problem) { p.Weight[0] = MaxWeight + 1 }, "Weight", ErrWeight},
		{"capacity", func(p *Problem) { p.Cap[0] = -2 }, "Cap", ErrCapacity},
		{"tier", func(p *Problem) { p.Tier[0] = 4 }, "Tier", ErrTier},
		{"tier length", func(p *Problem) { p.Tier = p.Tier[:1] }, "Tier", ErrShape},
		{"overflow", func(p *Problem) {
			p.Left = 1 << 22
			p.Start = make([]int32, p.Left+1)
			p.To, p.Weight, p.Tier = nil, nil, nil
			for i := 1; i <= p.Left; i++ {
				p.To = append(p.To, 0)
				p.Weight = append(p.Weight, MaxWeight)
				p.Start[i] = int32(i)
			}
		}, "Weight", ErrOverflow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := ok()
			tc.edit(p)
			err := p.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var pe *ProblemError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			_, serr := Solve(context.Background(), p, MaxTotal, nil)
			assert.ErrorIs(t, serr, tc.want)
		})
	}
	t.Run("many joined", func(t *testing.T) {
		p := ok()
		p.Weight = []int64{0, -1, 0}
		err := p.Validate()
		var n int
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			assert.True(t, errors.Is(e, ErrWeight))
			n++
		}
		assert.Equal(t, 3, n)
	})
	t.Run("policy", func(t *testing.T) {
		_, err := Solve(context.Background(), ok(), Policy(9), nil)
		assert.ErrorIs(t, err, ErrPolicy)
	})
}

// contested builds a scarce, contested instance like real cohorts: a few
// popular pools with 1–3 seats that many nodes value almost equally
// (a shared pool quality plus small noise, times the node's severity),
// duplicate pairs, and a plentiful fallback pool for some nodes.
func contested(rng *rand.Rand, left, right int) *Problem {
	p := &Problem{Left: left, Cap: make([]int32, right+1), Start: make([]int32, left+1), Tier: make([]uint8, left)}
	quality := make([]int64, right)
	for j := range right {
		p.Cap[j] = int32(1 + rng.IntN(3))
		quality[j] = 900 + rng.Int64N(100)
	}
	p.Cap[right] = Unlimited // fair fallback
	for i := range left {
		sev := 1 + rng.IntN(3)
		p.Tier[i] = uint8(sev)
		for d := 1 + rng.IntN(4); d > 0; d-- {
			j := rng.IntN(right)
			p.To = append(p.To, int32(j))
			p.Weight = append(p.Weight, (quality[j]+rng.Int64N(4))*int64(sev))
		}
		if rng.IntN(3) == 0 {
			p.To = append(p.To, int32(right))
			p.Weight = append(p.Weight, 100*int64(sev))
		}
		p.Start[i+1] = int32(len(p.To))
	}
	return p
}

func TestSolveContested(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 13))
	cases := 120
	if testing.Short() {
		cases = 40
	}
	for n := range cases {
		p := contested(rng, 10+rng.IntN(30), 2+rng.IntN(6))
		s, _ := p.sumMax()
		want := hungarianOptimum(p, func(i int, j int32) int64 { return pairWeight(p, i, j) })
		wantEq := hungarianOptimum(p, func(i int, j int32) int64 {
			if w := pairWeight(p, i, j); w > 0 {
				return w + int64(p.tier(i))*(s+1)
			}
			return 0
		})
		for _, m := range methods {
			t.Run(fmt.Sprintf("case=%d/method=%d", n, m), func(t *testing.T) {
				res, err := solve(context.Background(), p, MaxTotal, nil, m)
				require.NoError(t, err)
				total, _ := checkFeasible(t, p, res)
				assert.Equal(t, want, total, "MaxTotal against the Hungarian method")
				res, err = solve(context.Background(), p, EquityFirst, nil, m)
				require.NoError(t, err)
				checkFeasible(t, p, res)
				assert.Equal(t, wantEq, res.Objective, "EquityFirst against the Hungarian method")
			})
		}
	}
	// Larger: thousands of nodes on few seats, where move tables are
	// updated many times between rebuilds; the two exact methods agree.
	t.Run("large", func(t *testing.T) {
		p := contested(rand.New(rand.NewPCG(12, 14)), 3000, 120)
		for j := range len(p.Cap) - 1 {
			p.Cap[j] *= 8 // about 1,900 seats for 3,000 nodes
		}
		var totals []int64
		for _, m := range methods {
			res, err := solve(context.Background(), p, MaxTotal, nil, m)
			require.NoError(t, err)
			total, _ := checkFeasible(t, p, res)
			totals = append(totals, total)
			assert.True(t, noNegativeCycle(p, res, func(int) int64 { return 0 }), "residual network of method %d", m)
			if m == methodAuction {
				continue // exact but slow on tier bonuses at this size
			}
			res, err = solve(context.Background(), p, EquityFirst, nil, m)
			require.NoError(t, err)
			checkFeasible(t, p, res)
			unit := p.equityUnit()
			assert.True(t, noNegativeCycle(p, res, func(i int) int64 { return int64(p.tier(i)) * unit }), "EquityFirst residual network of method %d", m)
		}
		assert.Equal(t, totals[0], totals[1])
		// The certificate is not vacuous: greedy is worse here, and its
		// residual network has a negative cycle.
		g, err := Greedy(context.Background(), p)
		require.NoError(t, err)
		require.Less(t, g.Total, totals[0])
		assert.False(t, noNegativeCycle(p, g, func(int) int64 { return 0 }))
	})
}
