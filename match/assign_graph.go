package match

import (
	"cmp"
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/flow"
)

// instance is a cohort's candidate graph: one left node per need
// (students in order, each one's needs in order), then one per interest
// (students in order, each one's interests in order), one right node per
// seat pool, edges in each item's candidate order (best score first).
type instance struct {
	prob    flow.Problem // Tier = severity for needs, 0 for interests
	nNeeds  int          // left nodes 0..nNeeds-1 are needs, the rest interests
	open    *Matcher     // the matcher with full providers left out
	all     *Matcher     // the matcher with full providers kept
	set     string       // region set
	pools   PoolMode
	k       int
	nStud   int
	skipInt bool              // interests are not assigned
	first   []int32           // first[s]..first[s+1]: need nodes of student s
	ifirst  []int32           // ifirst[s]..ifirst[s+1]: interest nodes of student s
	student []int32           // per left node
	item    []uint8           // per left node: index in the student's Needs or Interests
	status  []uint8           // per left node: need… flags
	count   []uint16          // per left node: number of candidates
	detail  []*UnmetDiagnosis // per left node: for an item without eligible provider
	region  []int32           // per student: index in regions, 0 for none
	regions []string          // regions[0] = ""
	// Pools: provider ordinal, category index in its Categories (-1 for a
	// provider pool), region index.
	poolProv   []int32
	poolCat    []int16
	poolRegion []int32
	slotBase   []int32 // per provider ordinal: its first slot
	poolOf     []int32 // per slot: pool index, -1 when no item had it
}

// routeAlone, set by tests only, makes Assign route every student on its
// own as Plan does, the reference the shared ranges are checked against.
var routeAlone atomic.Bool

// release drops what only Assign's own work needs: the shared per-stop
// timetable ranges (the Assignment keeps the instance).
func (in *instance) release(m *Matcher) {
	in.open.profiles, in.all.profiles = m.profiles, m.profiles
}

// needs is the candidate graph of the needs alone: the prefix of prob.
func (in *instance) needs() *flow.Problem {
	p := &in.prob
	e := p.Start[in.nNeeds]
	return &flow.Problem{Left: in.nNeeds, Tier: p.Tier[:in.nNeeds], Cap: p.Cap, Start: p.Start[:in.nNeeds+1], To: p.To[:e], Weight: p.Weight[:e]}
}

// isInterest reports whether left node l is an interest.
func (in *instance) isInterest(l int32) bool { return int(l) >= in.nNeeds }

// scoring returns the student as candidates are scored: interests and
// strengths are dropped when interests are not assigned or there are
// none (they only shape interests' scores), so that the same student is
// prepared alike when scoring and when explaining. ok is false when the
// student has nothing to assign.
func (in *instance) scoring(st *Student) (Student, bool) {
	cp := *st
	if in.skipInt || len(cp.Interests) == 0 {
		cp.Interests, cp.Strengths = nil, nil
	}
	return cp, len(cp.Needs)+len(cp.Interests) > 0
}

// nodeOf returns the left node of item it (needs, then interests, as
// Prepared numbers them) of student s.
func (in *instance) nodeOf(s, it int) int32 {
	if n := int(in.first[s+1] - in.first[s]); it >= n {
		return in.ifirst[s] + int32(it-n)
	}
	return in.first[s] + int32(it)
}

// Need status flags.
const (
	needCands uint8 = 1 << iota // has candidates
	needTrunc                   // the candidate list reached MaxCandidates
	needFull                    // no candidate, but eligible providers that are all full
)

// chunkStudents is how many students a scoring task takes.
const chunkStudents = 64

// chunkEdges is one task's edges, needs' and interests' apart: pool slot
// and weight (at most MaxSeverity·ScoreScale, so int32).
type chunkEdges struct {
	slot, islot []int32
	w, iw       []int32
}

// buildInstance scores every student's candidates on opts.Workers
// goroutines and assembles the candidate graph in student order. A
// worker keeps one student's Prepared at a time and only the candidates'
// pool slots and weights (8 bytes per edge) until assembly.
func (m *Matcher) buildInstance(ctx context.Context, students []Student, opts *AssignOptions, rep *progress) (*instance, error) {
	in := &instance{set: opts.RegionSet, pools: opts.Pools, k: opts.MaxCandidates, nStud: len(students), skipInt: opts.SkipInterests}
	open, all := *m, *m
	open.cfg.IncludeFull, all.cfg.IncludeFull = false, true
	if m.router != nil && !routeAlone.Load() {
		// Every student's timetable travel is composed from per-stop
		// runs shared by the whole cohort and both phases (candidates,
		// explanations); Assign drops them on return (release).
		pc := rangeCache(m.router)
		open.profiles, all.profiles = pc, pc
	}
	in.open, in.all = &open, &all

	in.first = make([]int32, len(students)+1)
	in.ifirst = make([]int32, len(students)+1)
	for i := range students {
		n, ni := len(students[i].Needs), len(students[i].Interests)
		if in.skipInt {
			ni = 0
		}
		if n+ni > MaxItems {
			return nil, &CohortError{Student: i, Err: &FieldError{Field: "needs", Err: ErrTooMany}}
		}
		if int64(in.first[i])+int64(in.ifirst[i])+int64(n+ni) >= math.MaxInt32 {
			return nil, &CohortError{Student: i, Err: &FieldError{Field: "needs", Err: ErrTooMany}}
		}
		in.first[i+1] = in.first[i] + int32(n)
		in.ifirst[i+1] = in.ifirst[i] + int32(ni)
	}
	in.nNeeds = int(in.first[len(students)])
	for i := range in.ifirst {
		in.ifirst[i] += int32(in.nNeeds)
	}
	left := int(in.ifirst[len(students)])
	in.student = make([]int32, left)
	in.item = make([]uint8, left)
	in.status = make([]uint8, left)
	in.detail = make([]*UnmetDiagnosis, left)
	in.count = make([]uint16, left)
	in.prob.Tier = make([]uint8, left)
	for s := range students {
		for j := in.first[s]; j < in.first[s+1]; j++ {
			in.student[j] = int32(s)
			in.item[j] = uint8(j - in.first[s])
		}
		for j := in.ifirst[s]; j < in.ifirst[s+1]; j++ {
			in.student[j] = int32(s)
			in.item[j] = uint8(j - in.ifirst[s])
		}
	}
	regionOf := make([]string, len(students))

	// Slots: one per provider, or one per provider and listed category.
	in.slotBase = make([]int32, m.slots()+1)
	for i := range m.slots() {
		n := int32(1)
		if p := m.prov(i); p != nil && opts.Pools == PoolPerCategory {
			n = int32(max(1, len(p.Categories)))
		}
		in.slotBase[i+1] = in.slotBase[i] + n
	}

	chunks := make([]chunkEdges, (len(students)+chunkStudents-1)/chunkStudents)
	var (
		next     atomic.Int64
		doneStud atomic.Int64
		failed   atomic.Bool
		mu       sync.Mutex
		bad      []*CohortError
		ctxErr   error
		wg       sync.WaitGroup
	)
	workers := opts.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(chunks)))
	rep.report(PhaseCandidates, 0)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []Candidate
			for {
				c := int(next.Add(1) - 1)
				if c >= len(chunks) {
					return
				}
				lo, hi := c*chunkStudents, min((c+1)*chunkStudents, len(students))
				out := &chunks[c]
				for s := lo; s < hi; s++ {
					if err := ctx.Err(); err != nil {
						mu.Lock()
						ctxErr = err
						mu.Unlock()
						return
					}
					st, ok := in.scoring(&students[s])
					if !ok {
						continue
					}
					pr, err := in.open.Prepare(ctx, st)
					if err != nil {
						failed.Store(true)
						mu.Lock()
						bad = append(bad, &CohortError{Student: s, Err: err})
						mu.Unlock()
						continue
					}
					if failed.Load() {
						continue // only validating now
					}
					if pr.resident != nil {
						regionOf[s] = pr.resident[in.set]
					}
					var prAll *Prepared
					for it := range len(st.Needs) + len(st.Interests) {
						l := in.nodeOf(s, it)
						sev, code := 1, ""
						if it < len(st.Needs) {
							sev, code = st.Needs[it].Severity, st.Needs[it].Category
							in.prob.Tier[l] = uint8(sev)
						} else {
							code = st.Interests[it-len(st.Needs)].Category
						}
						buf, err = pr.Top(ctx, it, in.k, buf)
						if err != nil {
							mu.Lock()
							ctxErr = err
							mu.Unlock()
							return
						}
						if len(buf) == 0 {
							if prAll == nil {
								prAll, _ = in.all.Prepare(ctx, st)
							}
							// Any eligible provider, full or not? The first one
							// streamed answers; Top would rank them first.
							if !anyCandidate(prAll, it) {
								var u UnmetDiagnosis
								if u, err = prAll.Diagnose(ctx, it); err == nil {
									in.detail[l] = &u
								}
							} else {
								in.status[l] = needFull
							}
							if err != nil {
								mu.Lock()
								ctxErr = err
								mu.Unlock()
								return
							}
							continue
						}
						in.status[l] = needCands
						in.count[l] = uint16(len(buf))
						if len(buf) == in.k {
							in.status[l] |= needTrunc
						}
						slot, w := &out.slot, &out.w
						if in.isInterest(l) {
							slot, w = &out.islot, &out.iw
						}
						for i := range buf {
							cd := &buf[i]
							*slot = append(*slot, in.slotOf(cd, code))
							*w = append(*w, int32(int64(sev)*scaled(cd.Score)))
						}
					}
				}
				rep.report(PhaseCandidates, float64(doneStud.Add(int64(hi-lo)))/float64(len(students)))
			}
		}()
	}
	wg.Wait()
	if ctxErr != nil {
		return nil, ctxErr
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b *CohortError) int { return cmp.Compare(a.Student, b.Student) })
		errs := make([]error, 0, maxCohortErrors)
		for _, e := range bad[:min(len(bad), maxCohortErrors)] {
			errs = append(errs, e)
		}
		return nil, errors.Join(errs...)
	}
	rep.report(PhaseCandidates, 1)
	in.assemble(chunks, regionOf)
	return in, nil
}

// anyCandidate reports whether item it of pr has an eligible provider.
func anyCandidate(pr *Prepared, it int) bool {
	for range pr.Candidates(it) {
		return true
	}
	return false
}

// scaled is a score's integer weight: max(1, round(score·ScoreScale)).
func scaled(score float64) int64 {
	return max(1, int64(math.Round(score*ScoreScale)))
}

// slotOf returns the seat slot a candidate for a need of category code
// takes.
func (in *instance) slotOf(c *Candidate, code string) int32 {
	base := in.slotBase[in.open.candSlot(c)]
	if in.pools == PoolPerProvider {
		return base
	}
	return base + int32(matchedCategory(c.prov, code, int(c.level)))
}

// matchedCategory returns the index in prov.Categories of the category a
// need of category code matched at level lvl (see levelOf): the first
// listed at or under code when lvl is 0, else the first lvl levels above.
func matchedCategory(prov *directory.Provider, code string, lvl int) int {
	for i, pc := range prov.Categories {
		if lvl == 0 && directory.IsUnder(pc, code) ||
			lvl > 0 && directory.IsUnder(code, pc) && directory.Depth(code)-directory.Depth(pc) == lvl {
			return i
		}
	}
	return 0
}

// assemble numbers the pools used by some candidate, by provider ID then
// category, and writes the flow problem from the chunks, freeing them.
func (in *instance) assemble(chunks []chunkEdges, regionOf []string) {
	m := in.open
	nslot := in.slotBase[m.slots()]
	in.poolOf = make([]int32, nslot)
	for i := range in.poolOf {
		in.poolOf[i] = -1
	}
	edges := 0
	var used []int32
	for c := range chunks {
		edges += len(chunks[c].slot) + len(chunks[c].islot)
		for _, slots := range [2][]int32{chunks[c].slot, chunks[c].islot} {
			for _, s := range slots {
				if in.poolOf[s] == -1 {
					in.poolOf[s] = 0
					used = append(used, s)
				}
			}
		}
	}
	// Slot → (ordinal, category index).
	slotProv := func(s int32) (int32, int16) {
		ord, _ := slices.BinarySearch(in.slotBase, s+1)
		ord--
		return int32(ord), int16(s - in.slotBase[ord])
	}
	slices.SortFunc(used, func(a, b int32) int {
		oa, ca := slotProv(a)
		ob, cb := slotProv(b)
		pa, pb := m.prov(oa), m.prov(ob)
		return cmp.Or(cmp.Compare(pa.ID, pb.ID), cmp.Compare(oa, ob), cmp.Compare(ca, cb))
	})
	regionID := map[string]int32{"": 0}
	in.regions = []string{""}
	intern := func(name string) int32 {
		id, ok := regionID[name]
		if !ok {
			id = int32(len(in.regions))
			regionID[name] = id
			in.regions = append(in.regions, name)
		}
		return id
	}
	in.region = make([]int32, len(regionOf))
	for s, r := range regionOf {
		in.region[s] = intern(r)
	}
	p := &in.prob
	p.Cap = make([]int32, len(used))
	in.poolProv = make([]int32, len(used))
	in.poolCat = make([]int16, len(used))
	in.poolRegion = make([]int32, len(used))
	for j, s := range used {
		in.poolOf[s] = int32(j)
		ord, ci := slotProv(s)
		prov := m.prov(ord)
		in.poolProv[j] = ord
		in.poolCat[j] = -1
		if in.pools == PoolPerCategory {
			in.poolCat[j] = ci
		}
		if r, ok := prov.Regions[in.set]; ok && r != "" {
			in.poolRegion[j] = intern(r)
		}
		p.Cap[j] = seatsOf(prov)
	}

	p.Left = len(in.student)
	p.Start = make([]int32, p.Left+1)
	p.To = make([]int32, 0, edges)
	p.Weight = make([]int64, 0, edges)
	// Needs, then interests; each in student order, as the chunks are:
	// walk them together, freeing each chunk's part once copied.
	cur, k := -1, 0
	for l := 0; l < p.Left; l++ {
		if l == in.nNeeds {
			if cur >= 0 {
				chunks[cur].free(false)
			}
			cur = -1
		}
		if n := int(in.count[l]); n > 0 {
			interest := in.isInterest(int32(l))
			if c := int(in.student[l]) / chunkStudents; c != cur {
				if cur >= 0 {
					chunks[cur].free(interest)
				}
				cur, k = c, 0
			}
			slot, w := chunks[cur].slot, chunks[cur].w
			if interest {
				slot, w = chunks[cur].islot, chunks[cur].iw
			}
			for _, s := range slot[k : k+n] {
				p.To = append(p.To, in.poolOf[s])
			}
			for _, x := range w[k : k+n] {
				p.Weight = append(p.Weight, int64(x))
			}
			k += n
		}
		p.Start[l+1] = int32(len(p.To))
	}
}

// free drops the chunk's needs' or interests' edges.
func (c *chunkEdges) free(interests bool) {
	if interests {
		c.islot, c.iw = nil, nil
	} else {
		c.slot, c.w = nil, nil
	}
}

// seatsOf is a provider's open seats as a flow capacity.
func seatsOf(p *directory.Provider) int32 {
	if p.Capacity <= 0 {
		return flow.Unlimited
	}
	return int32(min(max(0, p.Capacity-p.Enrolled), math.MaxInt32-1))
}
