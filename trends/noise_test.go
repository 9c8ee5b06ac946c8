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
		NoiseSource: rand.NewPCG(99, 1), Budget: math.Inf(1)})
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

// TestBudgetStopsAveraging is the attack of issue 14: release the same
// table 2,000 times and average. Without a budget (+Inf, the control)
// the rounded average recovers every small cell exactly, which shows the
// attack works; with the default budget the store refuses after ten
// releases, with a *BudgetError, and the average of what it released
// misses many small cells.
func TestBudgetStopsAveraging(t *testing.T) {
	t.Parallel()
	sets := gridSets(t)
	reqs := gridRequests(rand.New(rand.NewPCG(2, 2)), 800)
	ctx := context.Background()
	exact, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Unprotected})
	require.NoError(t, err)
	require.NoError(t, exact.AddBatch(ctx, reqs))
	q := trends.Query{Set: "a", Category: "a.y.p", Bucket: trends.Month,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}
	truth, err := exact.Counts(ctx, q)
	require.NoError(t, err)
	attack := func(budget float64) (released int, small, recovered int, mse float64, lastErr error) {
		s, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Noise,
			NoiseSource: rand.NewPCG(7, uint64(budget)), Budget: budget})
		require.NoError(t, err)
		require.NoError(t, s.AddBatch(ctx, reqs))
		sum := map[[2]int]int64{}
		for range 2000 {
			tab, err := s.Counts(ctx, q)
			if err != nil {
				lastErr = err
				continue
			}
			released++
			for ri, row := range tab.Rows {
				for i, c := range row.Cells {
					sum[[2]int{ri, i}] += c.Count
				}
			}
		}
		var cells int
		for ri, row := range truth.Rows {
			for i, c := range row.Cells {
				if row.Total {
					continue
				}
				if released > 0 {
					d := float64(sum[[2]int{ri, i}])/float64(released) - float64(c.Count)
					mse += d * d
					cells++
				}
				if c.Count < 1 || c.Count > 9 {
					continue
				}
				small++
				if released > 0 && math.Round(float64(sum[[2]int{ri, i}])/float64(released)) == float64(c.Count) {
					recovered++
				}
			}
		}
		mse /= float64(max(cells, 1))
		return
	}
	v := trends.NoiseVariance(1)
	n, small, rec, mse, err := attack(math.Inf(1))
	require.NoError(t, err)
	require.Equal(t, 2000, n)
	require.Greater(t, small, 20, "the table has small cells to attack")
	assert.Equal(t, small, rec, "control: without a budget averaging recovers every small cell")
	assert.Less(t, mse, 3*v/2000, "control: the averaged error shrinks as 1/releases")

	n, small, rec, mse, err = attack(0)
	assert.Equal(t, int(trends.DefaultBudget), n, "releases until the default budget is spent")
	var be *trends.BudgetError
	require.ErrorAs(t, err, &be)
	assert.ErrorIs(t, err, trends.ErrBudget)
	assert.InDelta(t, trends.DefaultBudget, be.Spent, 1e-9)
	// The average of the 10 releases the budget allows keeps variance
	// v/10 (0.092 at ε = 1), whatever the attacker asks afterwards: the
	// error does not converge to zero.
	assert.Greater(t, mse, v/10/2, "averaged error with the budget (v/10 = %.3f)", v/10)
	assert.Less(t, rec, small, "some small cells stay unrecovered")
}

// TestBudgetAccounting: Spent counts ε per release, RisingNeeds costs one
// release for its two windows, and a refused release spends nothing.
func TestBudgetAccounting(t *testing.T) {
	t.Parallel()
	sets := gridSets(t)
	s, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), Mode: trends.Noise, Epsilon: 0.5, Budget: 2})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, s.AddBatch(ctx, gridRequests(rand.New(rand.NewPCG(3, 3)), 100)))
	_, err = s.Counts(ctx, trends.Query{Set: "a", Bucket: trends.Month})
	require.NoError(t, err)
	assert.InDelta(t, 0.5, s.Spent(), 1e-12)
	_, err = s.RisingNeeds(ctx, trends.RisingQuery{Set: "a", Bucket: trends.Month, At: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.InDelta(t, 1.0, s.Spent(), 1e-12, "two windows, one release")
	for range 2 {
		_, err = s.Counts(ctx, trends.Query{Set: "b", Bucket: trends.Year})
		require.NoError(t, err)
	}
	_, err = s.Counts(ctx, trends.Query{Set: "b", Bucket: trends.Year})
	require.ErrorIs(t, err, trends.ErrBudget)
	assert.InDelta(t, 2.0, s.Spent(), 1e-12, "a refused release spends nothing")
}
