package match

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wraparound/wraparound/internal/flow"
)

// finish turns a solver's result into the Assignment: scores and
// explanations of the assigned pairs, the reason of each unmet need,
// utilisation, gaps and totals. The per-student work (preparing the
// student again, explaining, and looking beyond the candidate bound for
// unmet needs whose list was cut) runs on opts.Workers goroutines; the
// rest is assembled in order.
func (m *Matcher) finish(ctx context.Context, a *Assignment, students []Student, res flow.Result, opts *AssignOptions, rep *progress) error {
	in := a.inst
	p := &in.prob
	used := make([]int32, len(p.Cap))
	for _, j := range res.Assign {
		if j >= 0 {
			used[j]++
		}
	}
	hasSeat := func(j int32) bool { return p.Cap[j] < 0 || used[j] < p.Cap[j] }

	// Categories of the unmet items whose candidate list was cut.
	codes := map[string]bool{}
	for l, j := range res.Assign {
		if j < 0 && in.status[l]&needTrunc != 0 {
			st := &students[in.student[l]]
			if in.isInterest(int32(l)) {
				codes[st.Interests[in.item[l]].Category] = true
			} else {
				codes[st.Needs[in.item[l]].Category] = true
			}
		}
	}
	seats := in.newSeatIndex(codes, hasSeat)

	score := make([]float64, p.Left)
	expl := make([]string, p.Left)
	beyond := make([]bool, p.Left)
	nChunks := (len(students) + chunkStudents - 1) / chunkStudents
	workers := opts.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, nChunks))
	var (
		next, done atomic.Int64
		wg         sync.WaitGroup
		errOnce    sync.Once
		firstErr   error
	)
	fail := func(err error) { errOnce.Do(func() { firstErr = err }) }
	rep.report(PhaseExplain, 0)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nChunks {
					return
				}
				lo, hi := c*chunkStudents, min((c+1)*chunkStudents, len(students))
				for s := lo; s < hi; s++ {
					if err := ctx.Err(); err != nil {
						fail(err)
						return
					}
					if err := in.explainStudent(ctx, s, &students[s], res.Assign, hasSeat, seats, score, expl, beyond); err != nil {
						fail(err)
						return
					}
				}
				rep.report(PhaseExplain, float64(done.Add(int64(hi-lo)))/float64(len(students)))
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	t := &a.Totals
	ti := &t.Interests
	t.Students = len(students)
	t.Needs = in.nNeeds
	ti.Items = p.Left - in.nNeeds
	t.Pools = len(p.Cap)
	t.Edges = int(p.Start[in.nNeeds])
	ti.Edges = len(p.To) - t.Edges
	t.Objective = res.Objective
	a.Utilisation = make([]PoolUse, len(p.Cap))
	for j := range p.Cap {
		prov := m.prov(in.poolProv[j])
		u := PoolUse{Provider: m.view(prov), ProviderID: prov.ID, Seats: int(p.Cap[j])}
		if in.poolCat[j] >= 0 {
			u.Category = prov.Categories[in.poolCat[j]]
		}
		a.Utilisation[j] = u
	}
	for e, j := range p.To {
		if e < t.Edges {
			a.Utilisation[j].Demand++
		} else {
			a.Utilisation[j].InterestDemand++
		}
	}
	type gapKey struct {
		cat, region string
		reason      UnmetReason
	}
	gaps := [2]map[gapKey]*CoverageGap{{}, {}}
	emit := func(l int32) {
		s := int(in.student[l])
		it := int(in.item[l])
		interest := in.isInterest(l)
		kind, cat, sev := KindNeed, "", 0
		if interest {
			kind, cat = KindInterest, students[s].Interests[it].Category
		} else {
			need := &students[s].Needs[it]
			cat, sev = need.Category, need.Severity
			t.NeedsBySeverity[sev]++
		}
		if j := res.Assign[l]; j >= 0 {
			rank := 0
			var w int64
			for e := p.Start[l]; e < p.Start[l+1]; e++ {
				if p.To[e] == j {
					rank, w = int(e-p.Start[l]), p.Weight[e]
					break
				}
			}
			a.Assigned = append(a.Assigned, Assigned{
				Student: s, Kind: kind, Need: it, Category: cat, Severity: sev,
				Provider: a.Utilisation[j].Provider, ProviderID: a.Utilisation[j].ProviderID,
				Pool: int(j), Rank: rank, Score: score[l], Weight: w, Explanation: expl[l],
			})
			if interest {
				a.Utilisation[j].InterestsAssigned++
				ti.Assigned++
				ti.Weight += w
				ti.Score += score[l]
				return
			}
			a.Utilisation[j].Assigned++
			t.Assigned++
			t.AssignedBySeverity[sev]++
			t.Weight += w
			t.Score += float64(sev) * score[l]
			return
		}
		u := UnmetNeed{
			Student: s, Kind: kind, Need: it, Category: cat, Severity: sev,
			Region: in.regions[in.region[s]], Candidates: int(in.count[l]),
		}
		switch {
		case in.status[l]&needCands == 0 && in.status[l]&needFull == 0:
			u.Reason = UnmetNoProvider
			u.Detail = in.detail[l]
		case beyond[l]:
			u.Reason = UnmetBeyondCandidates
		default:
			u.Reason = UnmetFull
		}
		a.Unmet = append(a.Unmet, u)
		if interest {
			ti.Unmet++
			ti.UnmetByReason[u.Reason]++
		} else {
			t.Unmet++
			t.UnmetByReason[u.Reason]++
		}
		k := gapKey{u.Category, u.Region, u.Reason}
		g := gaps[kind][k]
		if g == nil {
			g = &CoverageGap{Category: k.cat, Region: k.region, Reason: k.reason}
			gaps[kind][k] = g
		}
		g.Needs++
		g.BySeverity[u.Severity]++
	}
	for s := range students {
		for l := in.first[s]; l < in.first[s+1]; l++ {
			emit(l)
		}
		for l := in.ifirst[s]; l < in.ifirst[s+1]; l++ {
			emit(l)
		}
	}
	if opts.Policy != EquityFirst {
		t.Objective = t.Weight
	}
	a.Gaps = make([]CoverageGap, 0, len(gaps[KindNeed]))
	for _, g := range gaps[KindNeed] {
		a.Gaps = append(a.Gaps, *g)
	}
	sortGaps(a.Gaps)
	for _, g := range gaps[KindInterest] {
		a.InterestGaps = append(a.InterestGaps, *g)
	}
	sortGaps(a.InterestGaps)
	rep.report(PhaseExplain, 1)
	return nil
}

// explainStudent scores and explains student s's assigned needs and,
// for each unmet need whose candidate list was cut at the bound, looks
// for an eligible provider beyond it that still has a seat.
func (in *instance) explainStudent(ctx context.Context, s int, st *Student, assign []int32, hasSeat func(int32) bool, seats *seatIndex, score []float64, expl []string, beyond []bool) error {
	work, search := false, false
	for _, r := range [2][2]int32{{in.first[s], in.first[s+1]}, {in.ifirst[s], in.ifirst[s+1]}} {
		for l := r[0]; l < r[1]; l++ {
			switch {
			case assign[l] >= 0:
				work = true
			case in.status[l]&needTrunc != 0:
				work, search = true, true
			}
		}
	}
	if !work {
		return nil
	}
	cp, _ := in.scoring(st)
	// Scoring the assigned providers needs no search bounds; the check
	// for a seat beyond the candidates may search.
	pr, err := in.open.prepare(ctx, cp, search)
	if err != nil {
		return err
	}
	for it := range len(cp.Needs) + len(cp.Interests) {
		l := in.nodeOf(s, it)
		if j := assign[l]; j >= 0 {
			prov := in.open.prov(in.poolProv[j])
			c, _, err := pr.evaluateOwn(it, prov)
			if err != nil {
				return err
			}
			score[l] = c.Score
			expl[l] = joinReasons(pr.Explain(&c))
			continue
		}
		if in.status[l]&needTrunc == 0 {
			continue
		}
		var code string
		if it < len(cp.Needs) {
			code = cp.Needs[it].Category
		} else {
			code = cp.Interests[it-len(cp.Needs)].Category
		}
		if beyond[l], err = in.beyond(seats, pr, it, code, hasSeat); err != nil {
			return err
		}
	}
	return ctx.Err()
}
