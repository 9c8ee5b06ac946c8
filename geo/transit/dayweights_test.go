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
