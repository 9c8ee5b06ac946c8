// Package flow solves the capacity-constrained assignment at the heart of
// cohort matching: a weighted bipartite b-matching (transportation)
// problem, exactly.
//
// # Model
//
// Left nodes are demands — one (student, need) pair each — served at most
// once or left unassigned. Right nodes are seat pools: a provider's seats
// for one category, or one pool shared by several categories; a pool has a
// capacity, Unlimited, or 0. Candidate edges (left, right, weight) carry an
// integer weight > 0, the value of that service. A Problem stores them in
// compressed sparse row form (Start, To, Weight), 12 bytes per edge.
//
// Recommended weights: round(score·10000)·severity, score in [0,1] and
// severity 1..3, i.e. at most 30,000 per edge. Problem.Validate accepts
// weights up to 2^40 as long as (3·(S+1)+MaxW)·(2·Left+2) < 2^60, where S
// is the sum over left nodes of their heaviest edge; at 300,000 left nodes
// with the recommended weights that is 1.6·10^16 against 1.15·10^18, so no
// int64 overflow can occur in any internal price, key or sum.
//
// # Policies
//
// MaxTotal maximises Σ weight over assigned edges. EquityFirst maximises,
// lexicographically, the number of assigned tier-3 nodes, then tier-2,
// then tier-1, then the total weight. It is solved as MaxTotal on the
// weights w + tier·(S+1). This is exact, not a heuristic: the sets of left
// nodes that can be served together form a matroid (a transversal matroid
// on the seat-expanded pools), so an assignment whose tier counts are not
// lexicographically best can be improved by adding one node or swapping
// one node for a node of a higher tier, gaining ≥ S+1 in bonus while
// losing < S+1 in weight (every total weight lies in [0,S]). Hence every
// optimum of the bonus weights has the lexicographically best counts, and
// among those the largest total weight. Result.Objective reports the
// bonus-weighted value, which is what WriteDIMACS exports.
//
// # Two tiers
//
// SolveTiers serves a second tier of left nodes (a student's interests)
// only with what the first tier (needs) leaves: among all assignments
// optimal for the first tier, it finds the one best for the second. It
// keeps the first solve's dual prices, which describe every first-tier
// optimum, and solves once more with additive weights B and 2·B on the
// first tier's tight edges (no multiplication, so no overflow at any
// size). Solving the second tier on the seats the first one happened to
// leave is not the same: when the first tier has several optima, it can
// serve the second tier less (the tests find such instances).
//
// # Algorithms
//
// Solve splits the instance into connected components (union-find over
// the edges) and solves them on up to GOMAXPROCS goroutines; the result
// does not depend on scheduling. Cohort instances usually form one giant
// component (providers share pools across categories, and needs of
// neighbouring students overlap), so the speed of one component counts.
//
// Both policies use successive shortest augmenting paths: left nodes are
// added heaviest first (EquityFirst: highest tier first); a node whose best
// pool has a free seat takes it at once, otherwise a Dijkstra search over
// the pools (reduced costs from integer dual prices, stopped as soon as no
// path can beat the best found) moves occupants along the cheapest chain,
// or unassigns the cheapest occupant, or leaves the node out. Exact integer
// duals certify optimality after every step. The search does not walk
// every occupant's edges: each full pool keeps a move table — for every
// neighbouring pool the occupant whose move there is cheapest (a
// price-free key, since a move's reduced cost is key − price[from] +
// price[to]) plus the runner-up — updated when occupants arrive or leave,
// and rebuilt from a contiguous per-pool copy of the occupants' edges only
// when a departure leaves an entry without a known runner-up. A settled
// pool therefore costs one relaxation per neighbouring pool (about 50)
// rather than one per occupant edge (about 1,000).
//
// Measured on this package's benchmark instance (300,000 demands, 10,000
// providers, 5.4 million edges, popular providers contested by many needs
// with near-equal values) and on a real cohort instance from match.Assign
// (300,000 needs, 6,893 pools, 4.8 million edges), 2 cores: MaxTotal
// 3.6 s and 2.7 s (the auction below: 1.8 s and 64 s), EquityFirst 4.9 s
// and 3.3 s (previously 20 s and 30–58 s). On the DIMACS export of the
// 100,000-student cohort benchmark (306,778 nodes, 5.1 million arcs)
// MaxTotal took 5.5 s of CPU where LEMON's network simplex
// (dimacs-solver) took 47 s, both reaching cost −4,039,192,051.
//
// The package also holds an exact ε-scaling auction with similar objects
// (Bertsekas and Castañón; weights scaled by 2·n+1 so that ε = 1 is
// exact), tested on every instance against shortest paths, brute force
// and the Hungarian method but not used by Solve: its forward phases are
// fast, but when many needs contest few seats with near-equal values its
// final reverse repair (pools that kept a price but lost occupants) turns
// into a long price war — 3.8 million reverse bids, each scanning the
// pool's candidates, on the real instance.
//
// Ties are broken by index and arrival order inside both methods, so the
// optimum returned is the same on every run.
//
// Memory: the Problem's 12 bytes per edge; for shortest paths 24 bytes per
// edge of each assigned node in a pool with a seat limit (its copy in the
// pool's move list, kept for fast rebuilds), about 40 bytes per move-table
// row (about 50 per full pool), about 60 bytes per left node and 40 per
// right node. About 340 MB peak heap on the benchmark instance, of which
// 78 MB is the Problem itself. The hot loops allocate nothing per edge; move
// lists and tables grow by appending, about 150,000 allocations per Solve
// on the benchmark.
//
// # Verification
//
// WriteDIMACS writes a DIMACS min-cost-flow instance whose optimal cost is
// −Result.Objective: node i+1 per left node with supply 1, Left+j+1 per
// pool, a sink with supply −Left; arcs left→pool (capacity 1, cost
// −weight), left→sink (capacity 1, cost 0: the node stays unassigned) and
// pool→sink (capacity = seats). Any standard solver (CS2, LEMON,
// OR-tools) reproduces the objective; the tests do so with an independent
// Bellman-Ford solver.
//
// # Typical usage
//
//	p := &flow.Problem{Left: n, Tier: tiers, Cap: seats, Start: start, To: to, Weight: w}
//	res, err := flow.Solve(ctx, p, flow.MaxTotal, func(phase string, done float64) {
//		bar.Set(phase, done)
//	})
//	if err != nil { … } // invalid problem or ctx cancelled: no partial result
//	for i, j := range res.Assign { … } // j == -1: unassigned
//
// All functions are safe for concurrent use; a Problem is only read.
package flow
