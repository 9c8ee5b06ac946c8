package trends

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// Row names for the rows of a Table that are not regions.
const (
	// OutsideName is the row of requests whose point lies outside every
	// region of the set, or that were placed only by a region of another
	// set.
	OutsideName = "(outside)"
	// TotalName is the row of all requests.
	TotalName = "(total)"
)

// Query selects a table: one region set, one category subtree, a run of
// calendar buckets of one kind.
type Query struct {
	// Set names the region set whose regions are the rows.
	Set string `json:"set"`
	// Category is the taxonomy node counted with all its descendants; ""
	// counts every category.
	Category string `json:"category,omitempty"`
	// Exact counts only requests coded exactly at Category, not its
	// descendants (the "unspecified" part of an inner node).
	Exact bool `json:"exact,omitempty"`
	// Bucket is the kind of the columns. Suppress mode publishes only
	// Month, Quarter, Half and Year (see THREATS.md).
	Bucket Bucket `json:"bucket"`
	// From and To select the buckets containing From through the bucket
	// containing To, inclusive. Zero values mean the first and last
	// bucket holding data.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Cell is one published figure.
type Cell struct {
	// Count is the number of requests; 0 when Suppressed. In Noise mode
	// it carries noise and may be negative.
	Count int64 `json:"count"`
	// Suppressed marks a cell withheld in Suppress mode: either it
	// counts fewer than K requests or K distinct students, or it is
	// withheld so that such a cell cannot be recovered.
	Suppressed bool `json:"suppressed,omitempty"`
}

// Row is one row of a Table.
type Row struct {
	// Region is the region's name, OutsideName or TotalName.
	Region  string `json:"region"`
	Outside bool   `json:"outside,omitempty"`
	Total   bool   `json:"total,omitempty"`
	// Cells has one entry per Table period.
	Cells []Cell `json:"cells"`
}

// Table is a published table: regions × periods for one category node.
type Table struct {
	Set      string   `json:"set"`
	Category string   `json:"category"` // "" for all categories
	Exact    bool     `json:"exact,omitempty"`
	Bucket   Bucket   `json:"bucket"`
	Periods  []Period `json:"periods"`
	// Rows are the set's regions in their order, then Outside, then
	// Total.
	Rows []Row `json:"rows"`
	// Mode, K and Epsilon record how the table was protected: K applies
	// to Suppress, Epsilon (the privacy loss of this release) to Noise.
	Mode    Mode    `json:"mode"`
	K       int     `json:"k,omitempty"`
	Epsilon float64 `json:"epsilon,omitempty"`
}

// Row returns the row of a region (or OutsideName, TotalName).
func (t *Table) Row(region string) (Row, bool) {
	for _, r := range t.Rows {
		if r.Region == region {
			return r, true
		}
	}
	return Row{}, false
}

// maxBuckets bounds the columns of one table.
const maxBuckets = 100_000

// resolve checks q and returns the set index, the category code range
// [clo, chi) (an exact query is one code), the node id, and the bucket
// range [bl, bh).
func (s *Store) resolve(q *Query) (si, clo, chi, node int, bl, bh int32, err error) {
	si, ok := s.setIdx[q.Set]
	if !ok {
		return 0, 0, 0, 0, 0, 0, fmt.Errorf("%w: %q", ErrUnknownRegionSet, q.Set)
	}
	clo, chi, node, err = s.category(q.Category, q.Exact)
	if err != nil {
		return
	}
	if !q.Bucket.valid() {
		return 0, 0, 0, 0, 0, 0, fmt.Errorf("%w: bucket %d", ErrBadQuery, q.Bucket)
	}
	bl, bh, err = s.bucketRange(q.Bucket, q.From, q.To)
	if err != nil {
		return
	}
	err = s.checkQuerySize(q.Bucket, int64(bh)-int64(bl), int(s.radix[si]), chi-clo)
	return
}

// category resolves a category code ("" = all) to its code range and
// lattice node.
func (s *Store) category(code string, exact bool) (clo, chi, node int, err error) {
	if code == "" {
		if exact {
			return 0, 0, 0, fmt.Errorf("%w: Exact needs a Category", ErrBadQuery)
		}
		return 0, len(s.codes), 0, nil
	}
	c, ok := s.codeIdx[code]
	if !ok {
		return 0, 0, 0, fmt.Errorf("%w: %q", ErrUnknownCategory, code)
	}
	if exact {
		l := s.lattice()
		node = l.exact[c]
		if node < 0 {
			node = subNode(int(c))
		}
		return int(c), int(c) + 1, node, nil
	}
	return int(c), int(s.subEnd[c]), subNode(int(c)), nil
}

func (s *Store) bucketRange(b Bucket, from, to time.Time) (int32, int32, error) {
	var dlo, dhi int32
	var empty bool
	if from.IsZero() || to.IsZero() {
		// Only an open end needs the data's span; a bounded query of a
		// cached year stays free of the shared lock.
		s.mu.RLock()
		dlo, dhi = s.roll[rollDay].span()
		empty = len(s.roll[rollDay].blocks) == 0
		s.mu.RUnlock()
	}
	for _, t := range [2]time.Time{from, to} {
		if !t.IsZero() && !timeInRange(t) {
			return 0, 0, fmt.Errorf("%w: From or To %w", ErrBadQuery, ErrBadTime)
		}
	}
	z := zoneCache{loc: s.loc}
	var bl, bh int32
	switch {
	case !from.IsZero():
		bl = b.index(z.day(from))
	case empty:
		return 0, 0, nil
	default:
		bl = b.index(dlo)
	}
	switch {
	case !to.IsZero():
		bh = b.index(z.day(to)) + 1
	case empty:
		return 0, 0, nil
	default:
		bh = b.index(dhi-1) + 1
	}
	if bh < bl {
		return 0, 0, fmt.Errorf("%w: To is before From", ErrBadQuery)
	}
	if int64(bh)-int64(bl) > maxBuckets {
		return 0, 0, fmt.Errorf("%w: more than %d buckets", ErrBadQuery, maxBuckets)
	}
	return bl, bh, nil
}

// raw returns exact counts for set si (rows: regions then Outside), kind
// b, buckets [bl, bh) and codes [clo, chi), as
// out[((bucket−bl)·rows + row)·(chi−clo) + code−clo].
func (s *Store) raw(si int, b Bucket, bl, bh int32, clo, chi int) []int64 {
	nrow := int(s.radix[si])
	nc := chi - clo
	out := make([]int64, int(bh-bl)*nrow*nc)
	s.mu.RLock()
	defer s.mu.RUnlock()
	ns := len(s.sets)
	add := func(bi int, kr *kindRollup, idx int32) {
		blk := kr.get(idx)
		if blk == nil {
			return
		}
		slots := kr.slots
		base := bi * nrow * nc
		for t, row := range blk.rows {
			if row == nil {
				continue
			}
			r := int(s.tupleReg[t*ns+si])
			o := out[base+r*nc : base+r*nc+nc]
			if slots == slotsDayWeek {
				for c := clo; c < chi; c++ {
					o[c-clo] += int64(atomic.LoadUint32(&row[c]))
				}
				continue
			}
			for c := clo; c < chi; c++ {
				cs := row[c*slots : c*slots+int(numOutcomes)]
				o[c-clo] += int64(atomic.LoadUint32(&cs[0])) + int64(atomic.LoadUint32(&cs[1])) +
					int64(atomic.LoadUint32(&cs[2])) + int64(atomic.LoadUint32(&cs[3]))
			}
		}
	}
	for i := bl; i < bh; i++ {
		bi := int(i - bl)
		switch b {
		case Day:
			add(bi, &s.roll[rollDay], i)
		case Week:
			add(bi, &s.roll[rollWeek], i)
		default:
			mp := b.monthsPer()
			for m := i * mp; m < (i+1)*mp; m++ {
				add(bi, &s.roll[rollMonth], m)
			}
		}
	}
	return out
}

func (s *Store) newTable(q *Query, si int, bl, bh int32) *Table {
	t := &Table{Set: q.Set, Category: q.Category, Exact: q.Exact, Bucket: q.Bucket, Mode: s.cfg.Mode}
	switch s.cfg.Mode {
	case Suppress:
		t.K = s.k
	case Noise:
		t.Epsilon = s.eps
	}
	for i := bl; i < bh; i++ {
		t.Periods = append(t.Periods, q.Bucket.period(i, s.loc))
	}
	np := int(bh - bl)
	for _, reg := range s.sets[si].Regions.All() {
		t.Rows = append(t.Rows, Row{Region: reg.Name, Cells: make([]Cell, np)})
	}
	t.Rows = append(t.Rows, Row{Region: OutsideName, Outside: true, Cells: make([]Cell, np)},
		Row{Region: TotalName, Total: true, Cells: make([]Cell, np)})
	return t
}

// Counts returns the table q selects, protected by the store's Mode:
//
//   - Suppress: q.Bucket must be Month, Quarter, Half or Year (else
//     ErrOffLattice). Cells come from the year's suppressed lattice,
//     computed once per year and data version and cached; the Total row
//     is the lattice's total cell, itself subject to suppression.
//   - Noise: every (region, period, exact category) count of the release
//     gets independent two-sided geometric noise; rows and the Total are
//     sums of noisy counts, so they add up. One call is one release of
//     privacy loss Epsilon, spent from the store's budget: a call past
//     Config.Budget is refused with a *BudgetError. Asking the same query
//     again draws fresh noise and spends again, so repeating a query
//     until the noise averages out runs into the budget first.
//   - Unprotected: exact counts.
//
// Cost: Unprotected and Noise read the rollup counters of the selected
// buckets (regions × codes of the subtree per bucket); Suppress costs
// the first query of a year one suppression pass (see THREATS.md).
func (s *Store) Counts(ctx context.Context, q Query) (*Table, error) {
	si, clo, chi, node, bl, bh, err := s.resolve(&q)
	if err != nil {
		return nil, err
	}
	if s.cfg.Mode == Suppress && !q.Bucket.inChain() {
		return nil, fmt.Errorf("%w: suppression publishes months, quarters, halves and years, not %ss", ErrOffLattice, q.Bucket)
	}
	t := s.newTable(&q, si, bl, bh)
	nrow := int(s.radix[si])
	if s.cfg.Mode == Suppress {
		l := s.lattice()
		var p *protected
		py := int32(math.MinInt32)
		for i := bl; i < bh; i++ {
			y, id := chainID(q.Bucket, i)
			if i == bl || y != py {
				// One look-up per year, not per bucket: the cache's
				// use stamps are shared by every client.
				if p, err = s.protectedYear(ctx, y); err != nil {
					return nil, err
				}
				py = y
			}
			for r := 0; r < nrow; r++ {
				t.Rows[r].Cells[i-bl] = p.cell(id, l.rowOff[si]+r, node)
			}
			t.Rows[nrow].Cells[i-bl] = p.cell(id, 0, node)
		}
		return t, nil
	}
	v := s.raw(si, q.Bucket, bl, bh, clo, chi)
	if s.cfg.Mode == Noise {
		if err := s.noisy(v); err != nil {
			return nil, err
		}
	}
	fillTable(t, v, nrow, int(bh-bl), chi-clo)
	return t, nil
}

// cell returns one published cell; a nil lattice is a year without data,
// whose cells are all 0.
func (p *protected) cell(b, row, node int) Cell {
	if p == nil {
		return Cell{}
	}
	i := p.at(b, row, node)
	if p.supp[i] {
		return Cell{Suppressed: true}
	}
	return Cell{Count: p.count[i]}
}

// fillTable sets each row's cell per bucket to the sum of its categories
// in v (bucket-major, then row, then category) and the last row to the
// buckets' totals.
func fillTable(t *Table, v []int64, nrow, nbuckets, nc int) {
	for bi := 0; bi < nbuckets; bi++ {
		var tot int64
		for r := 0; r < nrow; r++ {
			var sum int64
			for _, x := range v[(bi*nrow+r)*nc : (bi*nrow+r+1)*nc] {
				sum += x
			}
			t.Rows[r].Cells[bi].Count = sum
			tot += sum
		}
		t.Rows[nrow].Cells[bi].Count = tot
	}
}
