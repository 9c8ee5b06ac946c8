package trends

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Baseline says what a window is compared against.
type Baseline uint8

// Baselines. The zero value is Previous.
const (
	// Previous compares with the bucket just before.
	Previous Baseline = iota
	// LastYear compares with the same bucket a year earlier (for Day and
	// Week: 52 weeks earlier, so weekdays line up), which removes
	// seasonal swings such as summer food needs.
	LastYear
)

// RisingQuery asks which regions and categories rose.
type RisingQuery struct {
	// Set names the region set tested region by region (Outside is not
	// tested).
	Set string `json:"set"`
	// Category is the subtree tested: the node itself and every
	// descendant are each tested. "" tests every category.
	Category string `json:"category,omitempty"`
	// Bucket is the window kind (Half compares six-month windows); At is
	// any instant of the current window.
	Bucket  Bucket    `json:"bucket"`
	At      time.Time `json:"at"`
	Against Baseline  `json:"against"`
	// MinVolume is the least current + baseline count worth testing; 0
	// means 20. Below it the test has too little power to mean anything
	// and a rise from 1 to 4 is noise, not a trend.
	MinVolume int64 `json:"min_volume,omitempty"`
	// Alpha is the false discovery rate at which rises are flagged
	// Significant; 0 means 0.05.
	Alpha float64 `json:"alpha,omitempty"`
}

// Rise is one region × category tested.
type Rise struct {
	Region   string `json:"region"`
	Category string `json:"category"`
	// Current and Baseline are the counts of the two windows.
	Current  int64 `json:"current"`
	Baseline int64 `json:"baseline"`
	// Ratio is the rate ratio, current over baseline per day (windows
	// may differ in length); +Inf when Baseline is 0, written as null in
	// JSON (which has no infinity).
	Ratio float64 `json:"ratio"`
	// P is the one-sided p-value of the exact conditional binomial test
	// (see RisingNeeds); Q is the Benjamini–Hochberg adjusted p-value
	// over every pair tested in the same call.
	P float64 `json:"p"`
	Q float64 `json:"q"`
	// Significant is Q ≤ Alpha.
	Significant bool `json:"significant"`
}

// MarshalJSON writes the rise with an infinite Ratio as null.
func (r Rise) MarshalJSON() ([]byte, error) {
	type plain Rise
	out := struct {
		plain
		Ratio *float64 `json:"ratio"`
	}{plain: plain(r)}
	if !math.IsInf(r.Ratio, 0) && !math.IsNaN(r.Ratio) {
		out.Ratio = &r.Ratio
	}
	return json.Marshal(out)
}

// RisingReport is the answer of RisingNeeds.
type RisingReport struct {
	Current  Period `json:"current"`
	Baseline Period `json:"baseline"`
	// Tested is how many region × category pairs met MinVolume and were
	// tested; Withheld how many could not be tested because one of their
	// two cells is suppressed (Suppress mode).
	Tested   int `json:"tested"`
	Withheld int `json:"withheld"`
	// Rises lists the tested pairs whose rate went up, most significant
	// first (ascending P, then descending Ratio, then region, then
	// category).
	Rises []Rise `json:"rises"`
	Mode  Mode   `json:"mode"`
	// Epsilon is the privacy loss of this release in Noise mode.
	Epsilon float64 `json:"epsilon,omitempty"`
}

// RisingNeeds tests, for every region of q.Set and every category of the
// subtree q.Category, whether requests rose from the baseline window to
// the current one.
//
// The test: if requests in a region and category arrive as a Poisson
// process, counts X₁ (current window, d₁ days) and X₀ (baseline, d₀ days)
// are independent Poisson with means λ₁d₁ and λ₀d₀. Conditional on their
// sum n, X₁ is Binomial(n, p) with p = λ₁d₁/(λ₁d₁+λ₀d₀); under the null
// hypothesis λ₁ = λ₀, p₀ = d₁/(d₁+d₀). The one-sided p-value is
// P(X₁ ≥ x₁ | n, p₀), computed exactly through the regularized incomplete
// beta function. This conditional test is exact for any volume and needs
// no estimate of the unknown rate. Pairs with n < MinVolume are not
// tested. Because many pairs are tested at once, P-values are adjusted by
// the Benjamini–Hochberg procedure (controlling the false discovery rate
// among flagged pairs at Alpha, valid under independence or positive
// dependence between tests); the nodes of one subtree overlap, so a
// rise in "basic.housing.rent" also shows in "basic.housing".
//
// Counts come from the protected tables, so the report is post-processing
// of what the store publishes: in Suppress mode pairs with a suppressed
// cell are withheld (q.Bucket must be on the published chain); in Noise
// mode the test runs on noisy counts (negative ones read as 0), one
// release of privacy loss Epsilon, and its p-values are approximate.
func (s *Store) RisingNeeds(ctx context.Context, q RisingQuery) (*RisingReport, error) {
	return s.rising(ctx, q)
}

func (s *Store) rising(ctx context.Context, q RisingQuery) (*RisingReport, error) {
	mode := s.cfg.Mode
	si, ok := s.setIdx[q.Set]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownRegionSet, q.Set)
	}
	clo, chi, _, err := s.category(q.Category, false)
	if err != nil {
		return nil, err
	}
	if !q.Bucket.valid() || q.At.IsZero() {
		return nil, fmt.Errorf("%w: RisingQuery needs a valid Bucket and At", ErrBadQuery)
	}
	if !timeInRange(q.At) {
		return nil, fmt.Errorf("%w: At %w", ErrBadQuery, ErrBadTime)
	}
	if math.IsNaN(q.Alpha) || q.Alpha < 0 || q.Alpha >= 1 {
		return nil, fmt.Errorf("%w: Alpha must be in [0, 1)", ErrBadQuery)
	}
	if q.MinVolume < 0 {
		return nil, fmt.Errorf("%w: MinVolume must not be negative", ErrBadQuery)
	}
	if q.Against > LastYear {
		return nil, fmt.Errorf("%w: unknown baseline %d", ErrBadQuery, q.Against)
	}
	if mode == Suppress && !q.Bucket.inChain() {
		return nil, fmt.Errorf("%w: suppression publishes months, quarters, halves and years, not %ss", ErrOffLattice, q.Bucket)
	}
	minVol := q.MinVolume
	if minVol <= 0 {
		minVol = 20
	}
	alpha := q.Alpha
	if alpha <= 0 {
		alpha = 0.05
	}
	z := zoneCache{loc: s.loc}
	cur := q.Bucket.index(z.day(q.At))
	base := cur - 1
	if q.Against == LastYear {
		switch q.Bucket {
		case Day:
			base = cur - 364
		case Week:
			base = cur - 52
		default:
			base = cur - 12/q.Bucket.monthsPer()
		}
	}
	rep := &RisingReport{Current: q.Bucket.period(cur, s.loc), Baseline: q.Bucket.period(base, s.loc), Mode: mode}
	d1, d0 := float64(rep.Current.Days()), float64(rep.Baseline.Days())
	p0 := d1 / (d1 + d0)
	regs := s.sets[si].Regions.All()
	nreg := len(regs)
	// figures[w][region][code−clo]: counts per node of the subtree, for
	// the current (w = 0) and baseline (w = 1) windows, and whether
	// suppressed.
	type fig struct {
		n    int64
		supp bool
	}
	nc := chi - clo
	figs := [2][]fig{make([]fig, nreg*nc), make([]fig, nreg*nc)}
	switch mode {
	case Suppress:
		l := s.lattice()
		for w, b := range [2]int32{cur, base} {
			y, id := chainID(q.Bucket, b)
			p, err := s.protectedYear(ctx, y)
			if err != nil {
				return nil, err
			}
			for r := 0; r < nreg; r++ {
				for c := clo; c < chi; c++ {
					cell := p.cell(id, l.rowOff[si]+r, subNode(c))
					figs[w][r*nc+c-clo] = fig{n: cell.Count, supp: cell.Suppressed}
				}
			}
		}
	default:
		// One read (or one scan) of the buckets from the earlier window
		// to the later; only the two windows are used.
		lo, hi := min(cur, base), max(cur, base)+1
		if err := s.checkQuerySize(q.Bucket, int64(hi-lo), int(s.radix[si]), nc); err != nil {
			return nil, err
		}
		v := s.raw(si, q.Bucket, lo, hi, clo, chi)
		nrow := int(s.radix[si])
		if mode == Noise {
			// Only the two windows are released, in one release: copy
			// them side by side so one call spends ε once.
			both := make([]int64, 0, 2*nrow*nc)
			for _, b := range [2]int32{cur, base} {
				both = append(both, v[int(b-lo)*nrow*nc:int(b-lo+1)*nrow*nc]...)
			}
			if err := s.noisy(both); err != nil {
				return nil, err
			}
			copy(v[int(cur-lo)*nrow*nc:], both[:nrow*nc])
			copy(v[int(base-lo)*nrow*nc:], both[nrow*nc:])
		}
		for w, b := range [2]int32{cur, base} {
			win := v[int(b-lo)*nrow*nc : int(b-lo+1)*nrow*nc]
			// Roll exact-code counts up to every node of the subtree:
			// codes are sorted, so a node's subtree is a run.
			for r := 0; r < nreg; r++ {
				row := win[r*nc : (r+1)*nc]
				for c := clo; c < chi; c++ {
					var n int64
					for d := c; d < int(s.subEnd[c]); d++ {
						n += row[d-clo]
					}
					if n < 0 {
						n = 0
					}
					figs[w][r*nc+c-clo] = fig{n: n}
				}
			}
		}
		if mode == Noise {
			rep.Epsilon = s.eps
		}
	}
	var all []Rise
	for r := 0; r < nreg; r++ {
		for c := clo; c < chi; c++ {
			f1, f0 := figs[0][r*nc+c-clo], figs[1][r*nc+c-clo]
			if f1.supp || f0.supp {
				rep.Withheld++
				continue
			}
			n := f1.n + f0.n
			if n < minVol {
				continue
			}
			rise := Rise{Region: regs[r].Name, Category: s.codes[c], Current: f1.n, Baseline: f0.n,
				P: binomialUpperTail(f1.n, n, p0)}
			if f0.n == 0 {
				rise.Ratio = math.Inf(1)
			} else {
				rise.Ratio = (float64(f1.n) / d1) / (float64(f0.n) / d0)
			}
			all = append(all, rise)
		}
	}
	rep.Tested = len(all)
	benjaminiHochberg(all)
	for _, r := range all {
		if r.Ratio > 1 {
			r.Significant = r.Q <= alpha
			rep.Rises = append(rep.Rises, r)
		}
	}
	slices.SortStableFunc(rep.Rises, func(a, b Rise) int {
		switch {
		case a.P != b.P:
			return cmp.Compare(a.P, b.P)
		case a.Ratio != b.Ratio:
			return cmp.Compare(b.Ratio, a.Ratio)
		case a.Region != b.Region:
			return strings.Compare(a.Region, b.Region)
		}
		return strings.Compare(a.Category, b.Category)
	})
	return rep, nil
}

// benjaminiHochberg sets Q on every rise: the step-up adjusted p-value
// min over j ≥ i of P₍ⱼ₎·m/j.
func benjaminiHochberg(rs []Rise) {
	m := len(rs)
	if m == 0 {
		return
	}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(rs[i].P, rs[j].P) })
	q := 1.0
	for i := m - 1; i >= 0; i-- {
		v := rs[order[i]].P * float64(m) / float64(i+1)
		if v < q {
			q = v
		}
		rs[order[i]].Q = q
	}
}

// binomialUpperTail returns P(X ≥ x) for X ~ Binomial(n, p).
func binomialUpperTail(x, n int64, p float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	// P(X ≥ x) = I_p(x, n − x + 1).
	return regIncBeta(float64(x), float64(n-x+1), p)
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// Lentz's continued fraction (Numerical Recipes §6.4), using the symmetry
// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges faster.
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const (
		maxIter = 10000
		eps     = 1e-15
		tiny    = 1e-300
	)
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= maxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
