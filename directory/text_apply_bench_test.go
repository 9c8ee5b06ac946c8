package directory_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
)

var applyTextN = flag.Int("applytext.n", 100_000, "providers of BenchmarkApplyText")

// BenchmarkApplyText measures Apply of a batch of 1000 random changes
// (adds, replacements, removals, seats, enrolment, hours: the mix of
// TestApplyEqualsFreshBuild), each applied to the version the last one
// made, so that the text index's relayouts are counted at their amortized
// rate: without a text index, with one, and the baseline, rebuilding the
// text index from scratch (what Apply did before).
func BenchmarkApplyText(b *testing.B) {
	n := *applyTextN
	const changes = 1000
	provs := synth.Providers(1, n)
	for _, text := range []bool{false, true} {
		name := fmt.Sprintf("n=%d/changes=%d/apply", n, changes)
		if text {
			name += "+text"
		}
		b.Run(name, func(b *testing.B) {
			m := synth.NewModel(provs)
			d := buildModel(b, m, text)
			rng := rand.New(rand.NewPCG(1, 2))
			ctx := context.Background()
			relayouts := 0
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				cs := m.Changes(rng, changes)
				b.StartTimer()
				next, err := d.Apply(ctx, cs)
				if err != nil {
					b.Fatal(err)
				}
				if text {
					if st := directory.TextLayout(next); st.Appended == 0 && st.Dead == 0 {
						relayouts++
					}
				}
				d = next
			}
			if text {
				b.ReportMetric(float64(relayouts)/float64(b.N), "relayouts/op")
			}
		})
	}
	b.Run(fmt.Sprintf("n=%d/rebuild-text", n), func(b *testing.B) {
		d := buildModel(b, synth.NewModel(provs), false)
		b.ReportAllocs()
		for b.Loop() {
			if err := directory.RebuildText(d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSearchTextAfterApply measures SearchText on a version that
// Apply left with dead and appended numbers, just short of a relayout
// (about an eighth of the index), beside the same providers built
// afresh: what skipping dead numbers and visiting appended ones costs.
func BenchmarkSearchTextAfterApply(b *testing.B) {
	n := *applyTextN
	m := synth.NewModel(synth.Providers(1, n))
	d := buildModel(b, m, true)
	rng := rand.New(rand.NewPCG(3, 4))
	var prev *synth.Model
	for {
		prev = m.Clone()
		next, err := d.Apply(context.Background(), m.Changes(rng, 500))
		if err != nil {
			b.Fatal(err)
		}
		st := directory.TextLayout(next)
		if st.Appended == 0 && st.Dead == 0 {
			break // laid out afresh: d, before it, is the one wanted
		}
		d = next
	}
	st := directory.TextLayout(d)
	fresh := buildModel(b, prev, true)
	qs := textApplyQueries(rand.New(rand.NewPCG(5, 6)), 256, 0)
	for _, c := range []struct {
		name string
		d    *directory.Directory
	}{{"applied", d}, {"fresh", fresh}} {
		b.Run(fmt.Sprintf("n=%d/%s", n, c.name), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := c.d.SearchText(qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if c.name == "applied" {
				b.ReportMetric(float64(st.Dead+st.Appended)/float64(st.Live), "changed-share")
			}
		})
	}
}
