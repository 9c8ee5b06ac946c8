package directory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
)

// BenchmarkApply applies a batch of changes of the mix a district sends
// (seats and enrolment most, then hours, replacements, adds, removals)
// to the 100,000-provider synthetic directory, beside the baseline of
// rebuilding the directory from the changed providers. Each iteration
// applies a fresh batch to the same base version, so the cost does not
// depend on how many versions came before.
func BenchmarkApply(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	m := synth.NewModel(synth.Providers(1, n))
	base := buildModel(b, m, false)
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range []int{10, 1000} {
		batches := make([][]directory.Change, 16)
		for i := range batches {
			// Each batch is drawn against a copy of the model, so
			// that it is valid on base.
			batches[i] = m.Clone().Changes(rng, c)
		}
		runtime.GC()
		b.Run(fmt.Sprintf("n=%d/changes=%d", n, c), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := base.Apply(context.Background(), batches[i%len(batches)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	after := m.Clone()
	after.Changes(rng, 1000)
	b.Run(fmt.Sprintf("n=%d/rebuild", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buildModel(b, after, false)
		}
	})
}
