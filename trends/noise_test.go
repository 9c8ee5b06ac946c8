package trends_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

// TestNoiseMatchesStatedDistribution releases the same leaf-category
// table many times and compares the errors (noisy − exact) with the
// stated two-sided geometric law by a chi-square goodness-of-fit test;
// checks mean and variance; and checks that totals add up in every
// release.
func TestNoiseMatchesStatedDistribution(t *testing.T) {
	t.Parallel()
	const eps = 1.0
	sets := gridSets(t)
	noisy, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Noise, Epsilon: eps,
		NoiseSource: rand.NewPCG(99, 1)})
	require.NoError(t, err)
	exact, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected})
	require.NoError(t, err)
	reqs := gridRequests(rand.New(rand.NewPCG(2, 2)), 800)
	ctx := context.Background()
	require.NoError(t, noisy.AddBatch(ctx, reqs))
	require.NoError(t, exact.AddBatch(ctx, reqs))
	q := trends.Query{Set: "a", Category: "a.x", Bucket: trends.Month,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}
	truth, err := exact.Counts(ctx, q)
	require.NoError(t, err)

	alpha := math.Exp(-eps)
	pmf := func(z int) float64 { return (1 - alpha) / (1 + alpha) * math.Pow(alpha, math.Abs(float64(z))) }
	const lim = 6 // bins −6…6, tails beyond merged into ±6
	obs := map[int]float64{}
	var n, sum, sq float64
	for range 300 {
		tab, err := noisy.Counts(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, eps, tab.Epsilon)
		for ri, row := range tab.Rows {
			if row.Total {
				continue
			}
			for i, c := range row.Cells {
				e := int(c.Count - truth.Rows[ri].Cells[i].Count)
				sum += float64(e)
				sq += float64(e * e)
				n++
				obs[max(-lim, min(lim, e))]++
			}
		}
		// Totals are sums of the noisy rows.
		tot := tab.Rows[len(tab.Rows)-1]
		for i := range tab.Periods {
			var s int64
			for _, row := range tab.Rows[:len(tab.Rows)-1] {
				s += row.Cells[i].Count
			}
			assert.Equal(t, s, tot.Cells[i].Count)
		}
	}
	var chi2 float64
	for z := -lim; z <= lim; z++ {
		p := pmf(z)
		if z == lim || z == -lim {
			p = (1 - alpha) / (1 + alpha) * math.Pow(alpha, lim) / (1 - alpha) // P(Z ≥ lim)
		}
		e := n * p
		chi2 += (obs[z] - e) * (obs[z] - e) / e
	}
	// 13 bins, 12 degrees of freedom: P(χ² > 32.9) = 0.001.
	assert.Less(t, chi2, 32.9, "chi-square %.1f over %v observations", chi2, n)
	mean := sum / n
	v := trends.NoiseVariance(eps)
	assert.InDelta(t, 0, mean, 5*math.Sqrt(v/n))
	assert.InEpsilon(t, v, sq/n-mean*mean, 0.05)
}
