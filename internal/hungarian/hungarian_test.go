package hungarian_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/internal/hungarian"
)

// TestMinCostAgainstPermutations checks small matrices against every
// assignment of rows to columns.
func TestMinCostAgainstPermutations(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := 1 + rng.IntN(5)
		m := n + rng.IntN(3)
		a := make([][]int64, n)
		for i := range a {
			a[i] = make([]int64, m)
			for j := range a[i] {
				a[i][j] = int64(rng.IntN(41) - 20)
			}
		}
		best := int64(1) << 62
		used := make([]bool, m)
		var rec func(i int, sum int64)
		rec = func(i int, sum int64) {
			if i == n {
				best = min(best, sum)
				return
			}
			for j := 0; j < m; j++ {
				if !used[j] {
					used[j] = true
					rec(i+1, sum+a[i][j])
					used[j] = false
				}
			}
		}
		rec(0, 0)
		got := hungarian.MinCost(n, m, func(i, j int) int64 { return a[i][j] })
		require.Equal(t, best, got, "matrix %v", a)
	}
}
