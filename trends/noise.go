package trends

import (
	crand "crypto/rand"
	"errors"
	"fmt"
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

// ErrBudget is wrapped by *BudgetError.
var ErrBudget = errors.New("trends: privacy budget spent")

// BudgetError refuses a Noise-mode release that would take the privacy
// loss spent by the store past Config.Budget.
type BudgetError struct {
	// Spent is the ε already spent, Need the ε of the refused release,
	// Budget the configured total.
	Spent, Need, Budget float64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("trends: privacy budget: a release of ε %g would bring the spent %g past the budget %g", e.Need, e.Spent, e.Budget)
}

func (e *BudgetError) Unwrap() error { return ErrBudget }

// DefaultBudget is the total ε a Noise store may spend when Config.Budget
// is 0: ten releases at the default ε = 1.
const DefaultBudget = 10.0

// Spent returns the privacy loss ε spent by the store's Noise-mode
// releases so far (0 in the other modes). It is kept across Save and
// Open.
func (s *Store) Spent() float64 {
	s.noiseMu.Lock()
	defer s.noiseMu.Unlock()
	return s.spent
}

// Budget returns the total ε the store may spend in Noise mode.
func (s *Store) Budget() float64 { return s.budget }

// noisy spends ε from the budget, or refuses with a *BudgetError, then
// adds independent noise to every value of v. One call is one release:
// the caller passes every count it releases, each request in at most one
// of them.
func (s *Store) noisy(v []int64) error {
	a := geometricAlpha(s.eps)
	s.noiseMu.Lock()
	defer s.noiseMu.Unlock()
	// A tiny tolerance keeps ten releases of ε = 0.1 within a budget of 1
	// despite floating-point sums.
	if s.spent+s.eps > s.budget*(1+1e-9) {
		return &BudgetError{Spent: s.spent, Need: s.eps, Budget: s.budget}
	}
	s.spent += s.eps
	for i := range v {
		v[i] += twoSidedGeometric(s.noiseRng, a)
	}
	return nil
}
