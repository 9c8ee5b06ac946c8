package transit

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestKthEqualsSort checks the selection against a sort on random,
// sorted, reversed and constant inputs, for every rank.
func TestKthEqualsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 400 {
		n := 1 + rng.IntN(200)
		xs := make([]time.Duration, n)
		for i := range xs {
			switch trial % 4 {
			case 0:
				xs[i] = time.Duration(rng.IntN(50)) * time.Second
			case 1:
				xs[i] = time.Duration(i) * time.Second
			case 2:
				xs[i] = time.Duration(n-i) * time.Second
			default:
				xs[i] = time.Minute
			}
		}
		want := slices.Sorted(slices.Values(xs))
		for k := range n {
			got := kth(slices.Clone(xs), k)
			if got != want[k] {
				t.Fatalf("trial %d: kth(%v, %d) = %v, want %v", trial, xs, k, got, want[k])
			}
		}
	}
}
