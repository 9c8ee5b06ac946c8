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

// prefix is the first tier of p alone.
func prefix(p *Problem, first int) *Problem {
	q := &Problem{Left: first, Cap: p.Cap, Start: p.Start[:first+1], To: p.To[:p.Start[first]], Weight: p.Weight[:p.Start[first]]}
	if p.Tier != nil {
		q.Tier = p.Tier[:first]
	}
	return q
}

// sequential is the naive second tier: the first tier solved alone, then
// the second on the seats it left. It is not lexicographically best when
// the first tier has several optima.
func sequential(t *testing.T, p *Problem, first int, pol Policy) int64 {
	res1, err := Solve(context.Background(), prefix(p, first), pol, nil)
	require.NoError(t, err)
	q := &Problem{Left: p.Left - first, Cap: make([]int32, len(p.Cap)), Start: make([]int32, p.Left-first+1)}
	copy(q.Cap, p.Cap)
	for _, j := range res1.Assign {
		if j >= 0 && q.Cap[j] > 0 {
			q.Cap[j]--
		}
	}
	for i := first; i < p.Left; i++ {
		q.To = append(q.To, p.To[p.Start[i]:p.Start[i+1]]...)
		q.Weight = append(q.Weight, p.Weight[p.Start[i]:p.Start[i+1]]...)
		q.Start[i-first+1] = int32(len(q.To))
	}
	res2, err := Solve(context.Background(), q, MaxTotal, nil)
	require.NoError(t, err)
	return res2.Total
}

// TestSolveTiersAgainstHungarian checks SolveTiers on random instances
// against the seat-expanded Hungarian method with lexicographic values:
// a first-tier pair is worth its policy value (EquityFirst: weight +
// tier·(S+1)) times M, a second-tier pair its weight, M exceeding the
// second tier's whole weight. The first tier's objective must also equal
// Solve's on the first tier alone. Small weights make ties, where
// solving the tiers one after the other falls short; the test counts
// such instances to show it reaches them.
func TestSolveTiersAgainstHungarian(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 16))
	cases := 300
	if testing.Short() {
		cases = 80
	}
	seqWorse := 0
	for n := range cases {
		s := genSpec{left: 4 + rng.IntN(30), right: 1 + rng.IntN(8), maxDeg: 1 + rng.IntN(5), maxCap: 1 + int32(rng.IntN(4)), unlimited: 0.05, maxW: 1 + rng.Int64N(500), tiers: true}
		if n%2 == 0 {
			s.maxW = 1 + rng.Int64N(3) // many ties
		}
		p := gen(rng, s)
		first := rng.IntN(p.Left + 1)
		for i := first; i < p.Left; i++ {
			p.Tier[i] = 0 // the second tier has no severity
		}
		for _, pol := range []Policy{MaxTotal, EquityFirst} {
			name := fmt.Sprintf("case %d %v first %d", n, pol, first)
			res, err := SolveTiers(context.Background(), p, first, pol, nil)
			require.NoError(t, err, name)
			checkFeasible(t, p, res)
			alone, err := Solve(context.Background(), prefix(p, first), pol, nil)
			require.NoError(t, err, name)
			require.Equal(t, alone.Objective, res.Objective, "%s: first tier not optimal", name)

			var unit, s2 int64 = 0, 0
			if pol == EquityFirst {
				unit = prefix(p, first).equityUnit()
			}
			var second, firstVal int64
			for i := 0; i < p.Left; i++ {
				var m int64
				for e := p.Start[i]; e < p.Start[i+1]; e++ {
					m = max(m, p.Weight[e])
				}
				if i >= first {
					s2 += m
				}
				if j := res.Assign[i]; j >= 0 {
					w := pairWeight(p, i, j)
					if i >= first {
						second += w
					} else {
						firstVal += w + int64(p.tier(i))*unit
					}
				}
			}
			require.Equal(t, second, res.Second, name)
			require.Equal(t, firstVal, res.Objective, name)
			mult := s2 + 1
			want := hungarianOptimum(p, func(i int, j int32) int64 {
				w := pairWeight(p, i, j)
				if w == 0 || i >= first {
					return w
				}
				return (w + int64(p.tier(i))*unit) * mult
			})
			require.Equal(t, want, firstVal*mult+second, "%s: not lexicographically best", name)
			if seq := sequential(t, p, first, pol); seq < second {
				seqWorse++
			} else {
				require.Equal(t, seq, second, "%s: sequential beats lexicographic", name)
			}
		}
	}
	t.Logf("%d of %d instances: one tier after the other serves the second tier less", seqWorse, 2*cases)
	assert.Positive(t, seqWorse)
}

func TestSolveTiersEdgeCases(t *testing.T) {
	t.Parallel()
	p := &Problem{Left: 3, Cap: []int32{1}, Start: []int32{0, 1, 2, 3}, To: []int32{0, 0, 0}, Weight: []int64{5, 5, 9}}
	tests := []struct {
		name   string
		first  int
		assign []int32
		obj    int64
		second int64
	}{
		{"all first tier", 3, []int32{-1, -1, 0}, 9, 0},
		{"all second tier", 0, []int32{-1, -1, 0}, 0, 9},
		// The first tier takes the seat even though the second would
		// weigh more there.
		{"first tier wins the seat", 2, []int32{0, -1, -1}, 5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := SolveTiers(context.Background(), p, tc.first, MaxTotal, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.assign, res.Assign)
			assert.Equal(t, tc.obj, res.Objective)
			assert.Equal(t, tc.second, res.Second)
		})
	}
	_, err := SolveTiers(context.Background(), p, 4, MaxTotal, nil)
	assert.ErrorIs(t, err, ErrShape)
	_, err = SolveTiers(context.Background(), p, 1, Policy(9), nil)
	assert.ErrorIs(t, err, ErrPolicy)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = SolveTiers(ctx, p, 1, MaxTotal, nil)
	assert.True(t, errors.Is(err, context.Canceled))
}
