package trends

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBinomialUpperTail compares the incomplete-beta tail with a direct
// sum of binomial probabilities.
func TestBinomialUpperTail(t *testing.T) {
	t.Parallel()
	direct := func(x, n int64, p float64) float64 {
		var s float64
		for k := x; k <= n; k++ {
			lc, _ := math.Lgamma(float64(n + 1))
			la, _ := math.Lgamma(float64(k + 1))
			lb, _ := math.Lgamma(float64(n - k + 1))
			s += math.Exp(lc - la - lb + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
		}
		return s
	}
	for _, tc := range []struct {
		x, n int64
		p    float64
	}{{0, 10, 0.5}, {1, 10, 0.5}, {5, 10, 0.5}, {10, 10, 0.5}, {11, 10, 0.5}, {30, 40, 0.5}, {3, 200, 0.01},
		{120, 200, 0.5}, {500, 1000, 0.49}, {60, 100, 0.3}, {7, 7, 0.9}} {
		want := 1.0
		if tc.x > tc.n {
			want = 0
		} else if tc.x > 0 {
			want = direct(tc.x, tc.n, tc.p)
		}
		got := binomialUpperTail(tc.x, tc.n, tc.p)
		assert.InDelta(t, want, got, 1e-10+1e-8*want, "x=%d n=%d p=%g", tc.x, tc.n, tc.p)
	}
}

// TestBenjaminiHochberg checks hand-worked adjusted p-values: for
// p = 0.01, 0.04, 0.03, 0.20 (m = 4), sorted 0.01, 0.03, 0.04, 0.20 give
// 0.04, 0.06→0.0533, 0.0533, 0.20.
func TestBenjaminiHochberg(t *testing.T) {
	t.Parallel()
	rs := []Rise{{P: 0.01}, {P: 0.04}, {P: 0.03}, {P: 0.20}}
	benjaminiHochberg(rs)
	want := []float64{0.04, 0.16 / 3, 0.16 / 3, 0.20}
	for i := range rs {
		assert.InDelta(t, want[i], rs[i].Q, 1e-12, "p=%g", rs[i].P)
	}
}

// TestTwoSidedGeometric checks the sampler's mean, variance and
// probability of zero against the distribution's formulas.
func TestTwoSidedGeometric(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, eps := range []float64{0.5, 1, 2} {
		a := geometricAlpha(eps)
		const n = 200_000
		var sum, sq float64
		zeros := 0
		for range n {
			z := float64(twoSidedGeometric(rng, a))
			sum += z
			sq += z * z
			if z == 0 {
				zeros++
			}
		}
		v := NoiseVariance(eps)
		mean := sum / n
		assert.InDelta(t, 0, mean, 5*math.Sqrt(v/n), "eps %g mean", eps)
		// Var of the sample variance ≈ (μ4 − σ⁴)/n; 10% is far outside.
		assert.InEpsilon(t, v, sq/n-mean*mean, 0.05, "eps %g variance", eps)
		p0 := (1 - a) / (1 + a)
		assert.InDelta(t, p0, float64(zeros)/n, 5*math.Sqrt(p0*(1-p0)/n), "eps %g P(0)", eps)
	}
}

func TestCalendar(t *testing.T) {
	t.Parallel()
	for d := int32(-800_000); d < 800_000; d += 997 {
		y, m, dd := civilDate(d)
		assert.Equal(t, d, civilDay(y, m, dd))
	}
	assert.Equal(t, int32(0), civilDay(1970, 1, 1))
	assert.Equal(t, int32(0), weekOfDay(-3), "1969-12-29 is the Monday of week 0")
	assert.Equal(t, int32(-1), Month.index(-1))
	assert.Equal(t, int32(-1), Quarter.index(-1))
	assert.Equal(t, int32(-1), Year.index(-1))
	for _, b := range []Bucket{Day, Week, Month, Quarter, Half, Year} {
		for i := int32(-30); i < 30; i++ {
			assert.Equal(t, i, b.index(b.firstDay(i)), "%s %d", b, i)
			assert.Equal(t, i, b.index(b.firstDay(i+1)-1), "%s %d", b, i)
		}
	}
}

// TestMonthTable checks the month table against the civil calendar on
// every day it covers and on days around its ends.
func TestMonthTable(t *testing.T) {
	t.Parallel()
	for d := int32(-400); d < int32(len(monthTable))+400; d++ {
		if got, want := monthOfDay(d), monthOfDayCivil(d); got != want {
			t.Fatalf("day %d: table %d, calendar %d", d, got, want)
		}
	}
	assert.Equal(t, int32(0), monthOfDay(0))
	assert.Equal(t, int32(130*12-1), monthOfDay(int32(len(monthTable))-1))
}
