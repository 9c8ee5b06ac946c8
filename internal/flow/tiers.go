package flow

import (
	"context"
	"math/bits"
)

// PhaseSecond is reported by SolveTiers while it solves the second tier;
// done = share of left nodes placed.
const PhaseSecond = "second-tier"

// SolveTiers solves p in two tiers: left nodes 0..first-1 form the first
// tier and first..Left-1 the second, sharing the pools. The first tier
// gets an assignment that pol makes optimal for it alone (the second tier
// does not exist for it); among all such optima, the second tier gets the
// largest total weight (MaxTotal over its edges, whatever pol). In short:
// lexicographically best for (first tier's objective, second tier's total
// weight). Result.Objective is the first tier's objective (what Solve
// gives on the first tier alone and WriteDIMACS of that prefix exports),
// Result.Total the weight of every assigned edge and Result.Second the
// second tier's part of it.
//
// Method: the first tier is solved by Solve; its optimal dual prices then
// describe every first-tier optimum (complementary slackness): only tight
// edges are used, every node with a positive dual is served and every
// pool with a positive price is full of first-tier nodes. The second
// solve keeps the first tier's tight edges only, each weighing B per
// condition it meets (node with positive dual, pool with positive price),
// and the second tier's edges to pools of price 0 at their weight, with
// B greater than the second tier's whole weight. Its optimum meets every
// condition (the first tier's optimum does, and no second-tier gain
// makes up for one B), so it is a first-tier optimum, and the best one
// for the second tier. Only additions: the numbers stay within
// 2·B per edge, so there is no overflow however large the instance. The
// second solve starts warm, from the first tier's optimum with duals B
// and 2·B where the first had positive ones, and only adds the second
// tier's nodes.
//
// Errors: those of Problem.Validate; ErrOverflow when the second tier's
// total weight reaches 2^39; ctx's error when it ends first. Memory: that
// of Solve on the first tier, then a copy of the kept edges (12 bytes per
// edge) and Solve's memory on it. progress gets Solve's phases for the
// first tier, then PhaseSecond.
func SolveTiers(ctx context.Context, p *Problem, first int, pol Policy, progress func(phase string, done float64)) (Result, error) {
	if pol != MaxTotal && pol != EquityFirst {
		return Result{}, ErrPolicy
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	if first < 0 || first > p.Left {
		return Result{}, &ProblemError{Field: "Left", Index: first, Err: ErrShape}
	}
	rep := newReporter(progress)
	if int(p.Start[first]) == len(p.To) {
		// No second-tier edge: the first tier alone decides.
		res, _, err := solveValid(ctx, p, pol, rep, methodSSP, false)
		return res, err
	}
	p1 := &Problem{Left: first, Cap: p.Cap, Start: p.Start[:first+1], To: p.To[:p.Start[first]], Weight: p.Weight[:p.Start[first]]}
	if p.Tier != nil {
		p1.Tier = p.Tier[:first]
	}
	res1, st1, err := solveValid(ctx, p1, pol, rep, methodSSP, false)
	if err != nil {
		return Result{}, err
	}
	price := st1.price

	// B exceeds the second tier's largest possible total.
	var s2 int64
	for i := first; i < p.Left; i++ {
		var m int64
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			if price[p.To[e]] == 0 {
				m = max(m, p.Weight[e])
			}
		}
		s2 += m
		if s2 >= 1<<39 {
			return Result{}, &ProblemError{Field: "Weight", Index: -1, Err: ErrOverflow}
		}
	}
	b := s2 + 1

	p2 := &Problem{Left: p.Left, Cap: p.Cap, Start: make([]int32, p.Left+1)}
	for i := range first {
		var u int64
		if j := st1.assign[i]; j >= 0 {
			u = st1.aw[i] - price[j]
		}
		bi := st1.bonus(int32(i))
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			j := p.To[e]
			if u+price[j] != p.Weight[e]+bi {
				continue // not tight: no first-tier optimum uses it
			}
			var w int64
			if u > 0 {
				w += b
			}
			if price[j] > 0 {
				w += b
			}
			if w > 0 {
				p2.To = append(p2.To, j)
				p2.Weight = append(p2.Weight, w)
			}
		}
		p2.Start[i+1] = int32(len(p2.To))
	}
	for i := first; i < p.Left; i++ {
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			if j := p.To[e]; price[j] == 0 {
				p2.To = append(p2.To, j)
				p2.Weight = append(p2.Weight, p.Weight[e])
			}
		}
		p2.Start[i+1] = int32(len(p2.To))
	}
	if !p2.shortestPathsFit() {
		return Result{}, &ProblemError{Field: "Weight", Index: -1, Err: ErrOverflow}
	}
	// Warm start: the first tier's optimum is optimal for p2's first tier
	// too, with duals B·[u > 0] per node and B·[price > 0] per pool (every
	// kept edge is tight for them, unserved nodes have 0 and only full
	// pools a price), so only the second tier is left to add.
	warm := newState(p2, MaxTotal)
	for i := range first {
		j := st1.assign[i]
		if j < 0 {
			continue
		}
		var w int64
		if st1.aw[i] > price[j] {
			w += b
		}
		if price[j] > 0 {
			w += b
		}
		warm.place(int32(i), j, w)
	}
	for j, pr := range price {
		if pr > 0 {
			warm.price[j] = b
		}
	}
	st1 = nil // the first solve's state is no longer needed
	rep2 := newReporter(func(phase string, done float64) {
		if phase == PhaseSolve {
			rep.report(PhaseSecond, done)
		}
	})
	res2, _, err := solveFrom(ctx, p2, MaxTotal, rep2, methodSSP, false, warm, int32(first))
	if err != nil {
		return Result{}, err
	}

	res := Result{Assign: res2.Assign, Objective: res1.Objective}
	for i, j := range res.Assign {
		if j < 0 {
			continue
		}
		w := heaviest(p, i, j)
		res.Total += w
		if i >= first {
			res.Second += w
		}
		res.Served[p.tier(i)]++
	}
	return res, nil
}

// heaviest is the heaviest weight of an edge from left node i to pool j
// (0 without one).
func heaviest(p *Problem, i int, j int32) int64 {
	var w int64
	for e := p.Start[i]; e < p.Start[i+1]; e++ {
		if p.To[e] == j {
			w = max(w, p.Weight[e])
		}
	}
	return w
}

// shortestPathsFit reports whether shortest paths alone stay within int64
// on p under MaxTotal: prices and node values are at most the heaviest
// weight, and a path's length at most that times its steps, fewer than
// 2·(Left+pools); (maxW+1)·(2·(Left+pools)+2) < 2^60 leaves 8× headroom.
// Unlike Validate, it does not provide for the auction's scaling.
func (p *Problem) shortestPathsFit() bool {
	var maxW int64
	for _, w := range p.Weight {
		maxW = max(maxW, w)
	}
	if maxW > MaxWeight {
		return false
	}
	hi, lo := bits.Mul64(uint64(maxW)+1, 2*uint64(p.Left+len(p.Cap))+2)
	return hi == 0 && lo < 1<<60
}
