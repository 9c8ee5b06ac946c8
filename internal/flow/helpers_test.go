package flow

import (
	"github.com/wraparound/wraparound/internal/hungarian"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// genSpec shapes a random instance.
type genSpec struct {
	left, right int
	maxDeg      int   // edges per left node: 0..maxDeg
	maxCap      int32 // capacities 0..maxCap
	unlimited   float64
	maxW        int64
	tiers       bool
}

// gen builds a random Problem; duplicate pairs and isolated nodes occur.
func gen(rng *rand.Rand, s genSpec) *Problem {
	p := &Problem{Left: s.left, Cap: make([]int32, s.right), Start: make([]int32, s.left+1)}
	for j := range p.Cap {
		p.Cap[j] = int32(rng.IntN(int(s.maxCap) + 1))
		if rng.Float64() < s.unlimited {
			p.Cap[j] = Unlimited
		}
	}
	if s.tiers {
		p.Tier = make([]uint8, s.left)
	}
	for i := 0; i < s.left; i++ {
		if s.tiers {
			p.Tier[i] = uint8(rng.IntN(4))
		}
		if s.right > 0 {
			for d := rng.IntN(s.maxDeg + 1); d > 0; d-- {
				p.To = append(p.To, int32(rng.IntN(s.right)))
				p.Weight = append(p.Weight, 1+rng.Int64N(s.maxW))
			}
		}
		p.Start[i+1] = int32(len(p.To))
	}
	return p
}

// capOf is the effective capacity of right node j.
func capOf(p *Problem, j int) int {
	if p.Cap[j] < 0 || int(p.Cap[j]) > p.Left {
		return p.Left
	}
	return int(p.Cap[j])
}

// pairWeight returns the heaviest weight from i to j, or 0 without edge.
func pairWeight(p *Problem, i int, j int32) int64 {
	var w int64
	for e := p.Start[i]; e < p.Start[i+1]; e++ {
		if p.To[e] == j {
			w = max(w, p.Weight[e])
		}
	}
	return w
}

// checkFeasible verifies res against p from scratch and returns the
// recomputed total and served counts.
func checkFeasible(t *testing.T, p *Problem, res Result) (int64, [4]int) {
	t.Helper()
	require.Len(t, res.Assign, p.Left)
	used := make([]int, len(p.Cap))
	var total int64
	var served [4]int
	for i, j := range res.Assign {
		if j < 0 {
			require.Equal(t, int32(-1), j)
			continue
		}
		w := pairWeight(p, i, j)
		require.Positive(t, w, "left %d assigned to %d without an edge", i, j)
		used[j]++
		total += w
		served[p.tier(i)]++
	}
	for j := range used {
		require.LessOrEqual(t, used[j], capOf(p, j), "right node %d over capacity", j)
	}
	require.Equal(t, total, res.Total, "reported total")
	require.Equal(t, served, res.Served, "reported served")
	return total, served
}

// lexKey is the EquityFirst order: tier-3, tier-2, tier-1 counts, total.
type lexKey [4]int64

func (a lexKey) less(b lexKey) bool {
	for k := range a {
		if a[k] != b[k] {
			return a[k] < b[k]
		}
	}
	return false
}

// bruteForce enumerates every assignment (each left node: nothing or one of
// its edges) and returns the best total and the best lexicographic key.
func bruteForce(p *Problem) (bestTotal int64, bestLex lexKey) {
	left := make([]int, len(p.Cap))
	for j := range left {
		left[j] = capOf(p, j)
	}
	var cur lexKey // counts of tiers 3,2,1 and total
	var rec func(i int)
	rec = func(i int) {
		if i == p.Left {
			bestTotal = max(bestTotal, cur[3])
			if bestLex.less(cur) {
				bestLex = cur
			}
			return
		}
		rec(i + 1)
		t := p.tier(i)
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			j := p.To[e]
			if left[j] == 0 {
				continue
			}
			left[j]--
			cur[3] += p.Weight[e]
			if t > 0 {
				cur[3-t]++
			}
			rec(i + 1)
			if t > 0 {
				cur[3-t]--
			}
			cur[3] -= p.Weight[e]
			left[j]++
		}
	}
	rec(0)
	return bestTotal, bestLex
}

// hungarianOptimum returns the maximum of Σ value(i, seat) over assignments of
// every left node to a distinct column of the seat-expanded matrix: one
// column per seat of each right node and one private "unassigned" column
// per left node (value 0). value gives the row's value for right node j
// (≤ 0 means no edge). Classic O(n²m) potentials method on minimum cost.
func hungarianOptimum(p *Problem, value func(i int, j int32) int64) int64 {
	const forbidden = int64(1) << 58
	n := p.Left
	var colPool []int32
	for j := range p.Cap {
		for range capOf(p, j) {
			colPool = append(colPool, int32(j))
		}
	}
	seats := len(colPool)
	cost := func(i, c int) int64 {
		if c >= seats {
			if c-seats == i {
				return 0 // i's own "unassigned" column
			}
			return forbidden
		}
		if v := value(i, colPool[c]); v > 0 {
			return -v
		}
		return forbidden
	}
	return -hungarian.MinCost(n, seats+n, cost)
}

// noNegativeCycle certifies that res is optimal for the weights w'
// (weight plus bonus(i)) independently of any solver's duals: an
// assignment is a minimum-cost flow of the DIMACS network exactly when its
// residual network has no negative cycle. Bellman-Ford from a virtual
// source over left nodes, pools and the sink; O(rounds·(edges+nodes)).
func noNegativeCycle(p *Problem, res Result, bonus func(i int) int64) bool {
	l, r := p.Left, len(p.Cap)
	sink := l + r
	n := sink + 1
	type arc struct {
		from, to int
		cost     int64
	}
	var arcs []arc
	occ := make([]int, r)
	for _, j := range res.Assign {
		if j >= 0 {
			occ[j]++
		}
	}
	for i := 0; i < l; i++ {
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			j := int(p.To[e])
			w := p.Weight[e] + bonus(i)
			if res.Assign[i] == int32(j) && pairWeight(p, i, int32(j)) == p.Weight[e] {
				arcs = append(arcs, arc{l + j, i, w}) // undo the assignment
			} else {
				arcs = append(arcs, arc{i, l + j, -w})
			}
		}
		if res.Assign[i] < 0 {
			arcs = append(arcs, arc{sink, i, 0}) // bypass in use
		} else {
			arcs = append(arcs, arc{i, sink, 0})
		}
	}
	for j := 0; j < r; j++ {
		if occ[j] < capOf(p, j) {
			arcs = append(arcs, arc{l + j, sink, 0})
		}
		if occ[j] > 0 {
			arcs = append(arcs, arc{sink, l + j, 0})
		}
	}
	dist := make([]int64, n)
	for range n {
		changed := false
		for _, a := range arcs {
			if d := dist[a.from] + a.cost; d < dist[a.to] {
				dist[a.to], changed = d, true
			}
		}
		if !changed {
			return true
		}
	}
	return false
}
