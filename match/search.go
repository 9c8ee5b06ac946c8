package match

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// codes yields the category lists to search for item with the level of
// providers new in each: its own category (with descendants) at level 0,
// then each broader category that has providers listed directly under it,
// of whose list only providers at exactly that level are new (the others
// are nearer listings, met before, or other categories).
func (pi *pitem) codes(yield func(string, int) bool) {
	if !yield(pi.Category, 0) {
		return
	}
	for _, a := range pi.levels {
		if !yield(a.code, a.up) {
			return
		}
	}
}

// Top returns the k best candidates for item, appended to dst[:0] (pass
// a buffer to avoid allocating): highest score first, ties broken by
// provider ID, except that for an interest with words every provider
// whose own listing (name, keywords, description) has one of the words
// comes before those that offer it only through their category — a
// soccer league before swim teams for "soccer", both being Sports. It is
// what Plan proposes, for any k.
//
// The category's providers are read from the matcher's index in rings of
// grid cells around where travel starts. A provider is scored only if
// its upper bound — the parts of the score its packed record fixes,
// every other component at its best and travel at the lower bound for
// its distance — can beat the k-th best so far, and the search stops at
// the first ring whose distance makes that impossible for every
// provider in it. Cost: O(records read + scored × (windows + boarding
// stops)). For an interest with words, the matcher's word index gives
// the providers whose own listing may name it; a first ring search
// considers only them, and when it finds fewer than k, a second fills
// the rest from the others: two searches, each with its own pruning. For
// a student by bus the records of the rings read wait in a heap and are
// scored best bound first (see the package documentation). It returns
// ctx's error if ctx ends first.
func (p *Prepared) Top(ctx context.Context, item, k int, dst []Candidate) ([]Candidate, error) {
	top := dst[:0]
	if item < 0 || item >= len(p.items) {
		return top, ErrBadItem
	}
	if k <= 0 {
		return top, nil
	}
	pi := &p.items[item]
	var named []int32
	if pi.Kind == KindInterest && len(pi.tokens) > 0 {
		named = p.m.ownIndex().candidates(pi.tokens, nil)
	}
	if len(named) == 0 {
		// No listing can name the interest: rank by score alone.
		return p.ringTop(ctx, item, k, top, nil, false)
	}
	top, err := p.ringTop(ctx, item, k, top, named, false)
	if err != nil || len(top) == k {
		return top, err
	}
	rest, err := p.ringTop(ctx, item, k-len(top), top[len(top):], nil, true)
	return append(top, rest...), err
}

// ringTop is Top's search of the index rings for the k best candidates
// by score, appended to dst[:0]. With only set (ascending provider
// ordinals that may be named, from the word index) it keeps only the
// candidates an interest's own listing names; with skipNamed it leaves
// them out (Top has placed them already). Each search ranks by score
// alone, so its pruning holds.
func (p *Prepared) ringTop(ctx context.Context, item, k int, dst []Candidate, only []int32, skipNamed bool) ([]Candidate, error) {
	if p.mode == ModeTransit {
		return p.boundTop(ctx, item, k, dst, only, skipNamed)
	}
	top := dst[:0]
	pi := &p.items[item]
	ringBound := p.ringBound(pi)
	var (
		c      Candidate
		n      int
		err    error
		lastLB geo.Meters = -1
	)
	for code, up := range pi.codes {
		p.visit(code, func(lb geo.Meters, r *rec) bool {
			if n++; n&1023 == 0 {
				if err = ctx.Err(); err != nil {
					return false
				}
			}
			full := len(top) == k
			if full && lb != lastLB {
				lastLB = lb
				if ringBound(lb) < top[k-1].Score {
					return false
				}
			}
			dl, ok := p.near(r, only)
			if !ok {
				return true
			}
			cut, tb := -1.0, time.Duration(-1)
			if full {
				cut, tb = top[k-1].Score, p.travelBound(dl)
				if p.bound(pi, r, dl, tb) < cut {
					return true
				}
			}
			top = p.scoreRec(pi, item, k, top, r, dl, up, tb, cut, only, skipNamed, &c)
			return true
		})
		if err != nil {
			break
		}
		lastLB = -1
	}
	return top, err
}

// ringBound returns the best score of any provider at distance r or
// more for item pi, whatever its record.
func (p *Prepared) ringBound(pi *pitem) func(r geo.Meters) float64 {
	rest := 0.0
	for comp := Transit + 1; comp < NumComponents; comp++ {
		rest += pi.w[comp]
	}
	return func(r geo.Meters) float64 {
		if pi.wsum == 0 {
			return 0
		}
		t := p.travelBound(r).Seconds() / p.limit.Seconds()
		return (rest+pi.w[Transit]*p.transitBound(r)+pi.w[Travel]*(1-min(1, t)))/pi.wsum + 1e-6
	}
}

// near checks what a record alone decides — named in only when only is
// set, the hot filters, a lower bound on its distance within the search
// radius — and returns that bound: most records it rules out never need
// the exact distance.
func (p *Prepared) near(r *rec, only []int32) (geo.Meters, bool) {
	if only != nil {
		if _, ok := slices.BinarySearch(only, r.Slot); !ok {
			return 0, false
		}
	}
	if !p.hot.keep(r) {
		return 0, false
	}
	dl := distLB(&p.og, orb.Point{r.Lon, r.Lat}, cosLow(r.Lat))
	return dl, dl <= p.radius
}

// scoreRec scores record r (at distance at least dl, new at level up)
// for item pi against cut (the k-th best score when top is full, else
// −1, with tb the travel bound used for it) and returns top with it
// inserted when it qualifies; c is scratch.
func (p *Prepared) scoreRec(pi *pitem, item, k int, top []Candidate, r *rec, dl geo.Meters, up int, tb time.Duration, cut float64, only []int32, skipNamed bool, c *Candidate) []Candidate {
	d := geo.Distance(p.origin, orb.Point{r.Lon, r.Lat})
	if d > p.radius {
		return top
	}
	prov := p.m.prov(r.Slot)
	if up > 0 && levelOf(prov, pi.Category) != up {
		return top
	}
	*c = Candidate{}
	if viol, pruned := p.evaluate(pi, r.Slot, prov, d, up, tb, cut, evalFirst, c); viol != 0 || pruned {
		return top
	}
	if (only != nil || skipNamed) && pi.namesInterest(c) != (only != nil) {
		return top
	}
	c.Item = item
	return insertTop(top, k, *c)
}

// boundTop is ringTop for a student by bus, best bound first. A bus
// trip's time is far from its distance: the nearest providers are often
// not the best, and a timetable trip is the costly part of a score. So
// it reads the rings as ringTop does, each record with its cheap upper
// bound (the record's fields, travel at the larger of the envelope's and
// the nearest stop's bounds), into a heap, and scores records in falling
// order of that bound: the heap's best as long as no unread ring can
// hold a better one (its ring bound is no more), stopping when neither
// the heap nor the unread rings can beat the k-th best. Where ring order
// scores whatever it meets until k are found, this scores no record
// whose bound is below the final k-th score. The answer is ringTop's:
// the same pruning, exact in any order. Cost: ringTop's reads plus
// O(log records held) each.
func (p *Prepared) boundTop(ctx context.Context, item, k int, dst []Candidate, only []int32, skipNamed bool) ([]Candidate, error) {
	top := dst[:0]
	pi := &p.items[item]
	ringBound := p.ringBound(pi)
	var (
		h   boundHeap
		c   Candidate
		n   int
		err error
	)
	// score scores the heap's best record; false when it cannot beat the
	// k-th best, nor can anything after it.
	score := func() bool {
		e := h.pop()
		if len(top) < k {
			top = p.scoreRec(pi, item, k, top, e.r, e.dl, int(e.up), -1, -1, only, skipNamed, &c)
			return true
		}
		cut, tb := top[k-1].Score, e.tb
		if e.ub < cut {
			return false
		}
		// The bound by the provider's egress stops costs a read of them:
		// only for what the cheaper one kept. (bound falls as tb grows,
		// so this rules out no record the whole bound would have kept.)
		if eb := p.stopBound(e.dl, e.r, true); eb > tb {
			tb = eb
			if p.bound(pi, e.r, e.dl, tb) < cut {
				return true
			}
		}
		top = p.scoreRec(pi, item, k, top, e.r, e.dl, int(e.up), tb, cut, only, skipNamed, &c)
		return true
	}
	for code, up := range pi.codes {
		lastLB := geo.Meters(-1)
		p.visit(code, func(lb geo.Meters, r *rec) bool {
			if n++; n&1023 == 0 {
				if err = ctx.Err(); err != nil {
					return false
				}
			}
			if lb != lastLB {
				// A new ring: nothing in it or beyond beats rb, so every
				// record held above rb is next, best first.
				lastLB = lb
				rb := ringBound(lb)
				for len(h) > 0 && h[0].ub >= rb {
					if !score() {
						h = h[:0]
					}
				}
				if len(top) == k && rb < top[k-1].Score {
					return false
				}
			}
			dl, ok := p.near(r, only)
			if !ok {
				return true
			}
			// stopBound is never below travelBound: it adds to the
			// envelope the quickest stop and the walk from the nearest.
			tb := p.stopBound(dl, r, false)
			ub := p.bound(pi, r, dl, tb)
			if len(top) == k && ub < top[k-1].Score {
				return true
			}
			h.push(heldRec{ub: ub, dl: dl, tb: tb, r: r, up: int8(up)})
			return true
		})
		if err != nil {
			return top, err
		}
		// The code's rings are read: score what is held before the next
		// code's list, as ringTop would by then.
		for len(h) > 0 {
			if !score() {
				h = h[:0]
			}
		}
	}
	return top, nil
}

// heldRec is a record boundTop holds, with its bounds.
type heldRec struct {
	ub float64
	dl geo.Meters
	tb time.Duration
	r  *rec
	up int8
}

// boundHeap is a max-heap of held records by bound, then lower slot.
type boundHeap []heldRec

func (h boundHeap) above(i, j int) bool {
	if h[i].ub != h[j].ub {
		return h[i].ub > h[j].ub
	}
	return h[i].r.Slot < h[j].r.Slot
}

func (h *boundHeap) push(e heldRec) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		up := (i - 1) / 2
		if !s.above(i, up) {
			break
		}
		s[i], s[up] = s[up], s[i]
		i = up
	}
}

func (h *boundHeap) pop() heldRec {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, best := 2*i+1, i
		if l < len(s) && s.above(l, best) {
			best = l
		}
		if r := l + 1; r < len(s) && s.above(r, best) {
			best = r
		}
		if best == i {
			break
		}
		s[i], s[best] = s[best], s[i]
		i = best
	}
	*h = s
	return top
}

// better orders candidates: higher score first, then lower provider ID.
func better(a, b *Candidate) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.prov.ID < b.prov.ID
}

// insertTop inserts c into top, sorted by better and at most k long.
func insertTop(top []Candidate, k int, c Candidate) []Candidate {
	if len(top) == k {
		if !better(&c, &top[k-1]) {
			return top
		}
		top = top[:k-1]
	}
	i := len(top)
	for i > 0 && better(&c, &top[i-1]) {
		i--
	}
	top = append(top, Candidate{})
	copy(top[i+1:], top[i:])
	top[i] = c
	return top
}

// Candidates streams every provider that meets all of item's hard
// constraints, scored: first those of the item's category, roughly
// nearest first (ring by ring of the index's grid), then those listed
// only under a broader category. The order is deterministic. Stop
// iterating when you have enough. Cohort matching builds its candidate
// graph from it, so that each pair's value is the single-student score.
// No allocation per candidate; a bad item yields nothing.
func (p *Prepared) Candidates(item int) iter.Seq[Candidate] {
	return func(yield func(Candidate) bool) {
		if item < 0 || item >= len(p.items) {
			return
		}
		pi := &p.items[item]
		stopped := false
		for code, up := range pi.codes {
			p.visit(code, func(_ geo.Meters, r *rec) bool {
				if !p.hot.keep(r) || distLB(&p.og, orb.Point{r.Lon, r.Lat}, cosLow(r.Lat)) > p.radius {
					return true
				}
				d := geo.Distance(p.origin, orb.Point{r.Lon, r.Lat})
				if d > p.radius {
					return true
				}
				prov := p.m.prov(r.Slot)
				if up > 0 && levelOf(prov, pi.Category) != up {
					return true
				}
				var c Candidate
				if viol, _ := p.evaluate(pi, r.Slot, prov, d, up, -1, -1, evalFirst, &c); viol != 0 {
					return true
				}
				c.Item = item
				if !yield(c) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
		}
	}
}

// Diagnose explains why item has no candidate: over every placed provider
// of its category (and of broader categories listing providers
// directly), how many each hard constraint excludes — a provider breaking
// several counts under each — and which excluded the most. Cost: one pass
// over those providers. It returns ctx's error if ctx ends first.
func (p *Prepared) Diagnose(ctx context.Context, item int) (UnmetDiagnosis, error) {
	if item < 0 || item >= len(p.items) {
		return UnmetDiagnosis{}, ErrBadItem
	}
	pi := &p.items[item]
	u := UnmetDiagnosis{Item: pi.Item, Label: pi.label, ByConstraint: map[Constraint]int{}}
	var counts [numConstraints]int
	var err error
	n := 0
	for code, up := range pi.codes {
		p.m.all(code, func(r *rec) bool {
			if n++; n&1023 == 0 {
				if err = ctx.Err(); err != nil {
					return false
				}
			}
			prov := p.m.prov(r.Slot)
			if up > 0 && levelOf(prov, pi.Category) != up {
				return true
			}
			var c Candidate
			viol, _ := p.evaluate(pi, r.Slot, prov, geo.Distance(p.origin, orb.Point{r.Lon, r.Lat}), levelUnknown, -1, -1, evalWhy, &c)
			u.Considered++
			if viol == 0 {
				u.Eligible++
			}
			for i := range numConstraints {
				if viol&(1<<i) != 0 {
					counts[i]++
				}
			}
			return true
		})
		if err != nil {
			return UnmetDiagnosis{}, err
		}
	}
	u.Reason = ConstraintCategory
	for i := range numConstraints {
		if counts[i] > 0 {
			u.ByConstraint[1<<i] = counts[i]
			if counts[i] > u.Excluded {
				u.Reason, u.Excluded = 1<<i, counts[i]
			}
		}
	}
	u.Explanation = p.unmetText(&u)
	return u, nil
}

// UnmetDiagnosis says why no provider fits a need or interest:
// Prepared.Diagnose makes it, ItemPlan.Unmet and UnmetNeed.Detail hold it.
type UnmetDiagnosis struct {
	Item  Item   `json:"item"`
	Label string `json:"label"`
	// Reason is the hard constraint that excluded the most providers of
	// the category; ConstraintCategory when the category has none.
	Reason Constraint `json:"reason"`
	// Excluded is how many providers Reason excluded.
	Excluded int `json:"excluded"`
	// Considered is how many placed providers the category has.
	Considered int `json:"considered"`
	// Eligible is how many passed every constraint (0 for an unmet item;
	// not 0 when Diagnose is asked of an item that has candidates).
	Eligible int `json:"eligible"`
	// ByConstraint counts the providers each constraint excluded.
	ByConstraint map[Constraint]int `json:"by_constraint"`
	// Explanation is the reason in words: "no Vision care provider
	// within 45 min by transit (of 9: 7 too far, 2 closed when the
	// student is free)".
	Explanation string `json:"explanation"`
}
