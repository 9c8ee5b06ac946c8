package flow

import (
	"context"
	"slices"
)

// Greedy returns the baseline assignment a coordinator would make by hand:
// left nodes in order of tier (highest first) then index, each taking the
// heaviest edge to a pool with a free seat (ties: lowest right node). It is
// not optimal; it is the yardstick Solve is measured against. Objective is
// filled as for MaxTotal. ctx is checked every 1024 nodes. O(edges + Left
// log Left).
func Greedy(ctx context.Context, p *Problem) (Result, error) {
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	order := make([]int32, p.Left)
	for i := range order {
		order[i] = int32(i)
	}
	if p.Tier != nil {
		slices.SortStableFunc(order, func(a, b int32) int { return int(p.Tier[b]) - int(p.Tier[a]) })
	}
	left := make([]int32, len(p.Cap))
	for j, c := range p.Cap {
		if c < 0 || int(c) > p.Left {
			c = int32(p.Left)
		}
		left[j] = c
	}
	res := Result{Assign: make([]int32, p.Left)}
	for n, i := range order {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		best := int32(-1)
		var bw int64
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			j, w := p.To[e], p.Weight[e]
			if left[j] > 0 && (w > bw || (w == bw && j < best)) {
				best, bw = j, w
			}
		}
		res.Assign[i] = best
		if best >= 0 {
			left[best]--
			res.Total += bw
			res.Served[p.tier(int(i))]++
		}
	}
	res.Objective = res.Total
	return res, nil
}
