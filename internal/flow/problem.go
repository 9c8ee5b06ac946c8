package flow

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Unlimited is the capacity value that marks a right node without a seat
// limit. Any capacity at least the number of left nodes behaves the same.
const Unlimited int32 = -1

// MaxTier is the highest tier a left node may carry.
const MaxTier = 3

// Problem is a weighted bipartite b-matching instance: Left demand nodes,
// each served at most once, len(Cap) capacity pools on the right, and
// candidate edges in compressed sparse row form.
//
// The edges of left node i are To[Start[i]:Start[i+1]] (right node index)
// with Weight[Start[i]:Start[i+1]] (value of serving i there, > 0). Several
// edges between the same pair are allowed; the heaviest one counts.
//
// A Problem is read, never modified, by Solve, Greedy and WriteDIMACS; one
// Problem may be solved by several goroutines at once.
type Problem struct {
	// Left is the number of left (demand) nodes.
	Left int
	// Tier is the priority of each left node, 0..MaxTier (higher first)
	// for EquityFirst; nil means every node has tier 1. MaxTotal ignores
	// it except for Result.Served.
	Tier []uint8
	// Cap is the number of seats of each right node; Unlimited (-1) for no
	// limit, 0 for a closed pool.
	Cap []int32
	// Start has Left+1 offsets into To and Weight, Start[0] = 0.
	Start []int32
	// To is the right node of each edge.
	To []int32
	// Weight is the value of each edge, 1..MaxWeight.
	Weight []int64
}

// MaxWeight is the largest edge weight accepted. Problem.Validate also
// checks the instance-wide bound that keeps every internal sum inside int64.
const MaxWeight = int64(1) << 40

// Errors wrapped by ProblemError, tested with errors.Is.
var (
	ErrShape    = errors.New("flow: inconsistent problem shape")
	ErrEdge     = errors.New("flow: edge points to no right node")
	ErrWeight   = errors.New("flow: edge weight out of range")
	ErrCapacity = errors.New("flow: capacity out of range")
	ErrTier     = errors.New("flow: tier out of range")
	ErrOverflow = errors.New("flow: weights too large for exact int64 arithmetic")
	ErrPolicy   = errors.New("flow: unknown policy")
)

// ProblemError reports one bad field of a Problem: Field names the slice
// ("Start", "To", "Weight", "Cap", "Tier" or "Left") and Index the position
// in it (-1 when the whole field is wrong).
type ProblemError struct {
	Field string
	Index int
	Err   error
}

func (e *ProblemError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("flow: problem field %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("flow: problem field %s[%d]: %v", e.Field, e.Index, e.Err)
}

func (e *ProblemError) Unwrap() error { return e.Err }

// maxReported bounds the number of errors Validate joins.
const maxReported = 20

// Validate checks the shape of p, every edge, capacity and tier, and that
// the exact integer arithmetic of both policies fits int64: with S = Σ over
// left nodes of their heaviest edge weight and MaxW the heaviest weight, it
// requires (3·(S+1) + MaxW)·(2·Left+2) < 2^60 (the largest scaled weight
// the solver forms, with 8× headroom for prices and sums). At 300,000 left
// nodes with weights up to 30,000 the left side is about 1.6·10^16, far
// below 2^60 ≈ 1.15·10^18. Several problems are joined
// with errors.Join (at most 20); each is a *ProblemError. O(edges).
func (p *Problem) Validate() error {
	var errs []error
	add := func(field string, idx int, err error) bool {
		errs = append(errs, &ProblemError{Field: field, Index: idx, Err: err})
		return len(errs) < maxReported
	}
	if p.Left < 0 || p.Left >= math.MaxInt32 {
		add("Left", -1, ErrShape)
		return errors.Join(errs...)
	}
	if len(p.Start) != p.Left+1 {
		add("Start", -1, ErrShape)
		return errors.Join(errs...)
	}
	if len(p.To) != len(p.Weight) || len(p.To) >= math.MaxInt32 {
		add("Weight", -1, ErrShape)
		return errors.Join(errs...)
	}
	if len(p.Cap) >= math.MaxInt32 {
		add("Cap", -1, ErrShape)
		return errors.Join(errs...)
	}
	if p.Start[0] != 0 || int(p.Start[p.Left]) != len(p.To) {
		add("Start", -1, ErrShape)
		return errors.Join(errs...)
	}
	for i := 0; i < p.Left; i++ {
		if p.Start[i+1] < p.Start[i] {
			add("Start", i+1, ErrShape)
			return errors.Join(errs...)
		}
	}
	if p.Tier != nil {
		if len(p.Tier) != p.Left {
			if !add("Tier", -1, ErrShape) {
				return errors.Join(errs...)
			}
		} else {
			for i, t := range p.Tier {
				if t > MaxTier && !add("Tier", i, ErrTier) {
					return errors.Join(errs...)
				}
			}
		}
	}
	for j, c := range p.Cap {
		if c < Unlimited && !add("Cap", j, ErrCapacity) {
			return errors.Join(errs...)
		}
	}
	r := int32(len(p.Cap))
	for e, j := range p.To {
		if (j < 0 || j >= r) && !add("To", e, ErrEdge) {
			return errors.Join(errs...)
		}
	}
	for e, w := range p.Weight {
		if (w <= 0 || w > MaxWeight) && !add("Weight", e, ErrWeight) {
			return errors.Join(errs...)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if !p.fits() {
		return &ProblemError{Field: "Weight", Index: -1, Err: ErrOverflow}
	}
	return nil
}

// fits reports whether (3·(S+1)+maxW)·(2·Left+2) < 2^60 (see Validate).
// Weights are already known to be in 1..MaxWeight.
func (p *Problem) fits() bool {
	s, maxW := p.sumMax()
	if s < 0 {
		return false
	}
	// S ≤ 2^60 here, so 3·(S+1)+maxW < 2^63.
	per := 3*(uint64(s)+1) + uint64(maxW)
	hi, lo := bits.Mul64(2*uint64(p.Left)+2, per)
	return hi == 0 && lo < 1<<60
}

// sumMax returns S = Σ over left nodes of their heaviest edge weight
// (-1 when S exceeds 2^60) and the heaviest weight overall.
func (p *Problem) sumMax() (s, maxW int64) {
	for i := 0; i < p.Left; i++ {
		var m int64
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			m = max(m, p.Weight[e])
		}
		s += m
		maxW = max(maxW, m)
		if s > 1<<60 {
			return -1, maxW
		}
	}
	return s, maxW
}

// tier returns the tier of left node i (1 when p.Tier is nil).
func (p *Problem) tier(i int) uint8 {
	if p.Tier == nil {
		return 1
	}
	return p.Tier[i]
}

// Policy selects the objective Solve optimises.
type Policy int

const (
	// MaxTotal maximises the total weight of the assigned edges.
	MaxTotal Policy = iota
	// EquityFirst maximises, in this order, the number of assigned tier-3
	// nodes, tier-2 nodes, tier-1 nodes, and then the total weight.
	// Tier-0 nodes count only through their weight.
	EquityFirst
)

// String returns the policy's name ("maxtotal", "equityfirst").
func (pol Policy) String() string {
	switch pol {
	case MaxTotal:
		return "maxtotal"
	case EquityFirst:
		return "equityfirst"
	}
	return fmt.Sprintf("Policy(%d)", int(pol))
}

// Result is an assignment of left nodes to right nodes.
type Result struct {
	// Assign holds the right node of each left node, -1 when unassigned.
	Assign []int32
	// Total is the sum of the weights of the assigned edges (the heaviest
	// edge when a pair has several).
	Total int64
	// Objective is the value of the policy's objective: Total for
	// MaxTotal; for EquityFirst Σ over assigned nodes of
	// weight + tier·(S+1), S = Σ over left nodes of their heaviest edge
	// weight. WriteDIMACS with the same policy writes an instance whose
	// minimum cost is −Objective.
	Objective int64
	// Second is the part of Total earned by SolveTiers' second tier (0
	// from Solve).
	Second int64
	// Served counts the assigned left nodes by tier.
	Served [MaxTier + 1]int
}

// equityUnit returns S+1, the per-tier bonus unit of EquityFirst.
func (p *Problem) equityUnit() int64 {
	s, _ := p.sumMax()
	return s + 1
}

// bonus returns the amount added to every edge weight of a node of tier t
// under pol with equity unit k.
func bonus(pol Policy, t uint8, k int64) int64 {
	if pol != EquityFirst {
		return 0
	}
	return int64(t) * k
}
