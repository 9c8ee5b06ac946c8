package flow

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSplitEqualsWhole solves 300 random instances twice: split into
// connected components solved in parallel (Solve), and as one part on
// one goroutine (no split). Both must reach the same objective, and —
// since ties are broken by index and arrival order inside a component,
// which the split preserves — the same assignment. Instances range from
// one giant component to many small ones, with tiers, duplicate pairs,
// closed and unlimited pools.
func TestSplitEqualsWhole(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(16, 300))
	n := 300
	if testing.Short() {
		n = 60
	}
	parts := 0
	for inst := range n {
		var p *Problem
		switch inst % 3 {
		case 0: // sparse: many components
			p = gen(rng, genSpec{left: 20 + rng.IntN(200), right: 30 + rng.IntN(150), maxDeg: 2, maxCap: 4, unlimited: 0.1, maxW: 1 + rng.Int64N(40), tiers: true})
		case 1: // dense: one giant component
			p = gen(rng, genSpec{left: 50 + rng.IntN(300), right: 5 + rng.IntN(40), maxDeg: 6, maxCap: 6, unlimited: 0.05, maxW: 30000, tiers: true})
		default: // blocks of different sizes
			p = manyComponents(rng.Uint64(), 2+rng.IntN(12))
		}
		parts += len(split(p).start) - 1
		for _, pol := range []Policy{MaxTotal, EquityFirst} {
			name := fmt.Sprintf("instance %d %v", inst, pol)
			got, err := Solve(context.Background(), p, pol, nil)
			require.NoError(t, err, name)
			want, err := solve(context.Background(), p, pol, nil, methodWhole)
			require.NoError(t, err, name)
			checkFeasible(t, p, got)
			require.Equal(t, want.Objective, got.Objective, name)
			require.Equal(t, want.Assign, got.Assign, name)
			assert.Equal(t, want, got, name)
		}
	}
	t.Logf("%d instances, %d parts", n, parts)
	assert.Greater(t, parts, 3*n, "the instances should split")
}
