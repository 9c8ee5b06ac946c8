package transit

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDayWeightsAgainstScan checks dayWeights (difference arrays) against
// the day-by-day scan of running on random calendars with exceptions.
func TestDayWeightsAgainstScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(14, 1))
	for trial := range 50 {
		n := &Network{exceptions: map[svcDay]bool{}}
		base := int32(rng.IntN(1000)) - 500
		for s := range 1 + rng.IntN(8) {
			start := base + int32(rng.IntN(60))
			sv := service{hasCal: rng.IntN(5) > 0, mask: uint8(rng.IntN(128)), start: start, end: start + int32(rng.IntN(60))}
			n.services = append(n.services, sv)
			for range rng.IntN(6) {
				n.exceptions[svcDay{int32(s), base + int32(rng.IntN(130))}] = rng.IntN(2) == 0
			}
		}
		weight := func(s int32) int { return int(s)*3 + 1 }
		lo, hi := base+int32(rng.IntN(40)), base+60+int32(rng.IntN(80))
		got := n.dayWeights(lo, hi, weight)
		for d := lo; d <= hi; d++ {
			want := 0
			for _, s := range n.running(d, nil) {
				want += weight(s)
			}
			if !assert.Equal(t, want, got[d-lo], "trial %d day %d", trial, d) {
				return
			}
		}
	}
}

// BenchmarkDayWeights times the per-day service sums of a wide calendar
// (one service in 1900, 2,000 in 2200, as in issue 14 at a tenth of the
// services) with difference arrays beside the day-by-day scan they
// replace, over a 10-year span so the scan finishes.
func BenchmarkDayWeights(b *testing.B) {
	n := &Network{exceptions: map[svcDay]bool{}}
	n.services = append(n.services, service{hasCal: true, mask: 0x3e, start: dayNumber(1900, 1, 1), end: dayNumber(1900, 1, 5)})
	for range 2000 {
		n.services = append(n.services, service{hasCal: true, mask: 0x7f, start: dayNumber(2200, 6, 2), end: dayNumber(2200, 6, 8)})
	}
	lo, hi := dayNumber(2191, 1, 1), dayNumber(2200, 12, 31)
	one := func(int32) int { return 1 }
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		var buf []int32
		for b.Loop() {
			for d := lo; d <= hi; d++ {
				buf = n.running(d, buf[:0])
			}
		}
	})
	b.Run("diff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = n.dayWeights(lo, hi, one)
		}
	})
}
