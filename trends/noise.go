package trends

import (
	crand "crypto/rand"
	"math"
	"math/rand/v2"
)

// cryptoSeeded returns a ChaCha8 source seeded from the operating system's
// secure random generator.
func cryptoSeeded() rand.Source {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		// crypto/rand.Read does not fail on supported platforms (Go 1.24+
		// crashes the program instead); keep the zero seed unreachable.
		panic("trends: crypto/rand failed: " + err.Error())
	}
	return rand.NewChaCha8(seed)
}

// geometricAlpha is α = exp(−ε) of the two-sided geometric mechanism with
// sensitivity 1.
func geometricAlpha(eps float64) float64 { return math.Exp(-eps) }

// twoSidedGeometric draws Z with P(Z = z) = (1−α)/(1+α) · α^|z|, the
// difference of two independent geometric variables on {0, 1, …} with
// success probability 1−α.
func twoSidedGeometric(rng *rand.Rand, alpha float64) int64 {
	return geometric(rng, alpha) - geometric(rng, alpha)
}

// geometric draws G with P(G = g) = (1−α) α^g by inversion.
func geometric(rng *rand.Rand, alpha float64) int64 {
	if alpha <= 0 {
		return 0
	}
	u := 1 - rng.Float64() // (0, 1]
	return int64(math.Floor(math.Log(u) / math.Log(alpha)))
}

// NoiseVariance returns the variance of the noise Noise mode adds to one
// released count at privacy parameter eps: 2α/(1−α)² with α = e^−ε.
func NoiseVariance(eps float64) float64 {
	a := geometricAlpha(eps)
	return 2 * a / ((1 - a) * (1 - a))
}

// noisy adds independent noise to every value of v, under the store's
// noise lock.
func (s *Store) noisy(v []int64) {
	a := geometricAlpha(s.eps)
	s.noiseMu.Lock()
	defer s.noiseMu.Unlock()
	for i := range v {
		v[i] += twoSidedGeometric(s.noiseRng, a)
	}
}
