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
// (students in order, each one's needs in order), one right node per seat
// pool, edges in each need's candidate order (best score first).
type instance struct {
	prob    flow.Problem // Tier = severity
	open    *Matcher     // the matcher with full providers left out
	all     *Matcher     // the matcher with full providers kept
	set     string       // region set
	pools   PoolMode
	k       int
	nStud   int
	first   []int32  // first[s]..first[s+1]: left nodes of student s
	student []int32  // per left node
	item    []uint8  // per left node: index in the student's Needs
	status  []uint8  // per left node: need… flags
	count   []uint16 // per left node: number of candidates
	detail  []*Unmet // per left node: for a need without eligible provider
	region  []int32  // per student: index in regions, 0 for none
	regions []string // regions[0] = ""
	// Pools: provider ordinal, category index in its Categories (-1 for a
	// provider pool), region index.
	poolProv   []int32
	poolCat    []int16
	poolRegion []int32
	slotBase   []int32 // per provider ordinal: its first slot
	poolOf     []int32 // per slot: pool index, -1 when no need had it
}

// Need status flags.
const (
	needCands uint8 = 1 << iota // has candidates
	needTrunc                   // the candidate list reached MaxCandidates
	needFull                    // no candidate, but eligible providers that are all full
)

// chunkStudents is how many students a scoring task takes.
const chunkStudents = 64

// chunkEdges is one task's edges: pool slot and weight.
type chunkEdges struct {
	slot []int32
	w    []int64
}

// buildInstance scores every student's candidates on opts.Workers
// goroutines and assembles the candidate graph in student order.
func (m *Matcher) buildInstance(ctx context.Context, students []Student, opts *AssignOptions, rep *progress) (*instance, error) {
	in := &instance{set: opts.RegionSet, pools: opts.Pools, k: opts.MaxCandidates, nStud: len(students)}
	open, all := *m, *m
	open.cfg.IncludeFull, all.cfg.IncludeFull = false, true
	in.open, in.all = &open, &all

	in.first = make([]int32, len(students)+1)
	for i := range students {
		n := len(students[i].Needs)
		if n > MaxItems {
			return nil, &CohortError{Student: i, Err: &FieldError{Field: "needs", Err: ErrTooMany}}
		}
		if int64(in.first[i])+int64(n) >= math.MaxInt32 {
			return nil, &CohortError{Student: i, Err: &FieldError{Field: "needs", Err: ErrTooMany}}
		}
		in.first[i+1] = in.first[i] + int32(n)
	}
	left := int(in.first[len(students)])
	in.student = make([]int32, left)
	in.item = make([]uint8, left)
	in.status = make([]uint8, left)
	in.detail = make([]*Unmet, left)
	in.count = make([]uint16, left)
	in.prob.Tier = make([]uint8, left)
	for s := range students {
		for j := in.first[s]; j < in.first[s+1]; j++ {
			in.student[j] = int32(s)
			in.item[j] = uint8(j - in.first[s])
		}
	}
	regionOf := make([]string, len(students))

	// Slots: one per provider, or one per provider and listed category.
	in.slotBase = make([]int32, len(m.provs)+1)
	for i, p := range m.provs {
		n := int32(1)
		if opts.Pools == PoolPerCategory {
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
			var buf, one []Candidate
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
					if len(students[s].Needs) == 0 {
						continue
					}
					st := students[s]
					st.Interests, st.Strengths = nil, nil
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
					for it := range st.Needs {
						l := in.first[s] + int32(it)
						sev := st.Needs[it].Severity
						in.prob.Tier[l] = uint8(sev)
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
							if one, err = prAll.Top(ctx, it, 1, one); err == nil && len(one) == 0 {
								var u Unmet
								if u, err = prAll.Unmet(ctx, it); err == nil {
									in.detail[l] = &u
								}
							} else if err == nil {
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
						for i := range buf {
							cd := &buf[i]
							out.slot = append(out.slot, in.slotOf(cd, st.Needs[it].Category))
							out.w = append(out.w, int64(sev)*scaled(cd.Score))
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

// scaled is a score's integer weight: max(1, round(score·ScoreScale)).
func scaled(score float64) int64 {
	return max(1, int64(math.Round(score*ScoreScale)))
}

// slotOf returns the seat slot a candidate for a need of category code
// takes.
func (in *instance) slotOf(c *Candidate, code string) int32 {
	base := in.slotBase[in.open.ordinal[c.Provider]]
	if in.pools == PoolPerProvider {
		return base
	}
	return base + int32(matchedCategory(c.Provider, code, int(c.level)))
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
	nslot := in.slotBase[len(m.provs)]
	in.poolOf = make([]int32, nslot)
	for i := range in.poolOf {
		in.poolOf[i] = -1
	}
	edges := 0
	var used []int32
	for c := range chunks {
		edges += len(chunks[c].slot)
		for _, s := range chunks[c].slot {
			if in.poolOf[s] == -1 {
				in.poolOf[s] = 0
				used = append(used, s)
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
		pa, pb := m.provs[oa], m.provs[ob]
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
		prov := m.provs[ord]
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
	// Needs and chunks are both in student order: walk them together.
	cur, k := -1, 0
	for l := 0; l < p.Left; l++ {
		if n := int(in.count[l]); n > 0 {
			if c := int(in.student[l]) / chunkStudents; c != cur {
				if cur >= 0 {
					chunks[cur] = chunkEdges{}
				}
				cur, k = c, 0
			}
			for _, s := range chunks[cur].slot[k : k+n] {
				p.To = append(p.To, in.poolOf[s])
			}
			p.Weight = append(p.Weight, chunks[cur].w[k:k+n]...)
			k += n
		}
		p.Start[l+1] = int32(len(p.To))
	}
}

// seatsOf is a provider's open seats as a flow capacity.
func seatsOf(p *directory.Provider) int32 {
	if p.Capacity <= 0 {
		return flow.Unlimited
	}
	return int32(min(max(0, p.Capacity-p.Enrolled), math.MaxInt32-1))
}
