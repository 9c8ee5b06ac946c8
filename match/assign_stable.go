package match

import (
	"context"
	"math/rand/v2"

	"github.com/wraparound/wraparound/internal/flow"
)

// lotterySalt separates the Stable lottery's stream from other uses of
// the same seed.
const lotterySalt = 0x5ab1e_10771

// lottery returns each of n students' lottery rank, a permutation of
// 0..n-1 drawn from seed (PCG): rank 0 draws first.
func lottery(seed uint64, n int) []int {
	return rand.New(rand.NewPCG(seed, lotterySalt)).Perm(n)
}

// stable runs student-proposing deferred acceptance (Gale–Shapley with
// capacities) over the candidate graph and returns the assignment and
// the lottery.
//
// Each need is a proposer whose preference list is its candidate list
// (best score first, ties by provider ID, as Top orders them). A pool
// ranks the items proposing to it by priority: needs before interests,
// then a student living in the pool's provider's region first, then
// higher severity, then better lottery rank, then the student's earlier
// item — a strict order,
// so the outcome is the unique student-optimal stable matching whatever
// the order of proposals. A pool with unlimited seats accepts everyone.
//
// Each pool keeps its holders in a min-heap by priority: a proposal to a
// full pool evicts the lowest holder if the proposer ranks higher. Every
// need proposes to each candidate at most once: O(edges · log seats)
// time, 8 bytes per need and 12 per held seat.
func (in *instance) stable(ctx context.Context, seed uint64, rep *progress) (flow.Result, []int, error) {
	p := &in.prob
	rank := lottery(seed, in.nStud)
	rep.report(PhaseStable, 0)

	// key is the priority without the region bit: needs before every
	// interest (top bit), then severity, then lottery (inverted so higher
	// is better), then the item's index (inverted).
	n := p.Left
	key := make([]uint64, n)
	for l := 0; l < n; l++ {
		s := in.student[l]
		key[l] = uint64(p.Tier[l])<<56 | uint64(in.nStud-1-rank[s])<<8 | uint64(255-in.item[l])
		if l < in.nNeeds {
			key[l] |= 1 << 63
		}
	}
	prio := func(l int32, j int32) uint64 {
		k := key[l]
		if r := in.region[in.student[l]]; r != 0 && r == in.poolRegion[j] {
			k |= 1 << 62
		}
		return k
	}

	// Seats a pool can actually fill: its capacity, at most its
	// proposers.
	r := len(p.Cap)
	deg := make([]int32, r+1)
	for _, j := range p.To {
		deg[j]++
	}
	hoff := make([]int32, r+1)
	for j := range r {
		c := p.Cap[j]
		if c < 0 || c > deg[j] {
			c = deg[j]
		}
		deg[j] = c // now the effective capacity
		hoff[j+1] = hoff[j] + c
	}
	capOf := deg
	cnt := make([]int32, r)
	heapL := make([]int32, hoff[r])  // holder
	heapP := make([]uint64, hoff[r]) // its priority at the pool

	assign := make([]int32, n)
	next := make([]int32, n) // next edge to propose to
	stack := make([]int32, 0, n)
	for l := n - 1; l >= 0; l-- {
		assign[l] = -1
		next[l] = p.Start[l]
		if p.Start[l+1] > p.Start[l] {
			stack = append(stack, int32(l))
		}
	}
	edges := float64(max(1, len(p.To)))
	proposals := 0
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for next[a] < p.Start[a+1] {
			if proposals++; proposals&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return flow.Result{}, nil, err
				}
				rep.report(PhaseStable, float64(proposals)/edges)
			}
			j := p.To[next[a]]
			next[a]++
			pa := prio(a, j)
			h := hoff[j]
			if cnt[j] < capOf[j] {
				// Free seat: hold a, sifting up.
				i := cnt[j]
				cnt[j]++
				for i > 0 {
					up := (i - 1) / 2
					if heapP[h+up] <= pa {
						break
					}
					heapL[h+i], heapP[h+i] = heapL[h+up], heapP[h+up]
					i = up
				}
				heapL[h+i], heapP[h+i] = a, pa
				assign[a] = j
				break
			}
			if capOf[j] == 0 || heapP[h] >= pa {
				continue // rejected
			}
			// Evict the lowest holder and sift a down from the root.
			b := heapL[h]
			assign[b] = -1
			stack = append(stack, b)
			c, i := capOf[j], int32(0)
			for {
				ch := 2*i + 1
				if ch >= c {
					break
				}
				if ch+1 < c && heapP[h+ch+1] < heapP[h+ch] {
					ch++
				}
				if heapP[h+ch] >= pa {
					break
				}
				heapL[h+i], heapP[h+i] = heapL[h+ch], heapP[h+ch]
				i = ch
			}
			heapL[h+i], heapP[h+i] = a, pa
			assign[a] = j
			break
		}
	}

	res := flow.Result{Assign: assign}
	for l, j := range assign {
		if j < 0 {
			continue
		}
		for e := p.Start[l]; e < p.Start[l+1]; e++ {
			if p.To[e] == j {
				res.Total += p.Weight[e]
				break
			}
		}
		res.Served[p.Tier[l]]++
	}
	res.Objective = res.Total
	rep.report(PhaseStable, 1)
	return res, rank, nil
}
