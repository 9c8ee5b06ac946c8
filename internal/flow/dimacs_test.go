package flow

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mcfNetwork is a DIMACS "p min" instance as read by readDIMACS.
type mcfNetwork struct {
	n      int
	supply []int64 // 1-based
	arcs   []mcfArc
}

type mcfArc struct {
	from, to       int
	low, cap, cost int64
}

// readDIMACS parses a DIMACS minimum-cost-flow file, independently of the
// writer: comment, problem, node and arc lines in any order after "p".
func readDIMACS(r io.Reader) (*mcfNetwork, error) {
	sc := bufio.NewScanner(r)
	var net *mcfNetwork
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "c" {
			continue
		}
		nums := make([]int64, 0, 5)
		for _, s := range f[1:] {
			if f[0] == "p" && s == "min" {
				continue
			}
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			nums = append(nums, v)
		}
		switch {
		case f[0] == "p" && len(nums) == 2 && net == nil:
			net = &mcfNetwork{n: int(nums[0]), supply: make([]int64, nums[0]+1)}
		case f[0] == "n" && len(nums) == 2 && net != nil && nums[0] >= 1 && int(nums[0]) <= net.n:
			net.supply[nums[0]] += nums[1]
		case f[0] == "a" && len(nums) == 5 && net != nil && nums[0] >= 1 && nums[1] >= 1 && int(nums[0]) <= net.n && int(nums[1]) <= net.n:
			net.arcs = append(net.arcs, mcfArc{int(nums[0]), int(nums[1]), nums[2], nums[3], nums[4]})
		default:
			return nil, fmt.Errorf("line %d: bad %q line", line, f[0])
		}
	}
	if net == nil {
		return nil, errors.New("no problem line")
	}
	return net, sc.Err()
}

// minCostFlow solves net by successive shortest paths with Bellman-Ford
// (negative costs allowed, no negative cycles in the input) from a super
// source to a super sink, one unit of bottleneck at a time. It returns the
// minimum cost of a flow meeting every supply, or an error if none exists.
// Lower bounds must be 0. Meant for small instances only.
func minCostFlow(net *mcfNetwork) (int64, error) {
	n := net.n + 2
	s, t := 0, net.n+1
	type arc struct {
		to       int
		cap, cst int64
	}
	var arcs []arc
	adj := make([][]int, n)
	add := func(u, v int, c, cost int64) {
		adj[u] = append(adj[u], len(arcs))
		arcs = append(arcs, arc{v, c, cost})
		adj[v] = append(adj[v], len(arcs))
		arcs = append(arcs, arc{u, 0, -cost})
	}
	var need int64
	for v := 1; v <= net.n; v++ {
		switch b := net.supply[v]; {
		case b > 0:
			add(s, v, b, 0)
			need += b
		case b < 0:
			add(v, t, -b, 0)
		}
	}
	for _, a := range net.arcs {
		if a.low != 0 {
			return 0, errors.New("lower bounds not supported")
		}
		add(a.from, a.to, a.cap, a.cost)
	}
	const inf = int64(1) << 62
	var cost, flow int64
	dist := make([]int64, n)
	via := make([]int, n)
	for flow < need {
		for v := range dist {
			dist[v], via[v] = inf, -1
		}
		dist[s] = 0
		for range n {
			changed := false
			for u := range n {
				if dist[u] == inf {
					continue
				}
				for _, k := range adj[u] {
					if a := arcs[k]; a.cap > 0 && dist[u]+a.cst < dist[a.to] {
						dist[a.to], via[a.to], changed = dist[u]+a.cst, k, true
					}
				}
			}
			if !changed {
				break
			}
		}
		if dist[t] == inf {
			return 0, errors.New("infeasible")
		}
		push := need - flow
		for v := t; v != s; v = arcs[via[v]^1].to {
			push = min(push, arcs[via[v]].cap)
		}
		for v := t; v != s; v = arcs[via[v]^1].to {
			arcs[via[v]].cap -= push
			arcs[via[v]^1].cap += push
		}
		flow += push
		cost += push * dist[t]
	}
	return cost, nil
}

func TestWriteDIMACS(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 8))
	for n := range 60 {
		p := gen(rng, genSpec{left: 1 + rng.IntN(25), right: 1 + rng.IntN(6), maxDeg: 4, maxCap: 4, unlimited: 0.2, maxW: 1 + rng.Int64N(500), tiers: true})
		for _, pol := range []Policy{MaxTotal, EquityFirst} {
			t.Run(fmt.Sprintf("case=%d/%s", n, pol), func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, WriteDIMACS(&buf, p, pol))
				net, err := readDIMACS(&buf)
				require.NoError(t, err)
				assert.Equal(t, p.Left+len(p.Cap)+1, net.n)
				cost, err := minCostFlow(net)
				require.NoError(t, err)
				res, err := Solve(context.Background(), p, pol, nil)
				require.NoError(t, err)
				assert.Equal(t, -cost, res.Objective, "independent min-cost flow on the export")
			})
		}
	}
	t.Run("hand", func(t *testing.T) {
		p := &Problem{Left: 2, Cap: []int32{1, Unlimited}, Start: []int32{0, 2, 3}, To: []int32{0, 1, 0}, Weight: []int64{5, 4, 3}}
		var buf bytes.Buffer
		require.NoError(t, WriteDIMACS(&buf, p, MaxTotal))
		var body []string
		for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if !strings.HasPrefix(l, "c ") {
				body = append(body, l)
			}
		}
		assert.Equal(t, []string{
			"p min 5 7",
			"n 1 1", "n 2 1", "n 5 -2",
			"a 1 3 0 1 -5", "a 1 4 0 1 -4", "a 2 3 0 1 -3",
			"a 1 5 0 1 0", "a 2 5 0 1 0",
			"a 3 5 0 1 0", "a 4 5 0 2 0",
		}, body)
	})
	t.Run("invalid", func(t *testing.T) {
		bad := &Problem{Left: 1, Start: []int32{0, 1}, To: []int32{0}, Weight: []int64{1}}
		assert.ErrorIs(t, WriteDIMACS(io.Discard, bad, MaxTotal), ErrEdge)
		assert.ErrorIs(t, WriteDIMACS(io.Discard, &Problem{Start: []int32{0}}, Policy(7)), ErrPolicy)
	})
}

// FuzzWriteDIMACS builds a problem from the fuzz bytes, writes it, reads it
// back and checks the independent min-cost flow against Solve.
func FuzzWriteDIMACS(f *testing.F) {
	f.Add([]byte{3, 2, 1, 0, 5, 1, 1, 9, 2, 0, 4})
	f.Add([]byte{6, 3, 0, 2, 7, 1, 2, 3, 0, 1, 1, 5, 9, 2, 2, 2, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return int(b)
		}
		p := &Problem{Left: next() % 8, Cap: make([]int32, 1+next()%4)}
		for j := range p.Cap {
			p.Cap[j] = int32(next()%4) - 1
		}
		p.Start = []int32{0}
		p.Tier = make([]uint8, p.Left)
		for i := range p.Left {
			p.Tier[i] = uint8(next() % 4)
			for d := next() % 3; d > 0; d-- {
				p.To = append(p.To, int32(next()%len(p.Cap)))
				p.Weight = append(p.Weight, 1+int64(next()))
			}
			p.Start = append(p.Start, int32(len(p.To)))
		}
		for _, pol := range []Policy{MaxTotal, EquityFirst} {
			var buf bytes.Buffer
			require.NoError(t, WriteDIMACS(&buf, p, pol))
			net, err := readDIMACS(&buf)
			require.NoError(t, err)
			cost, err := minCostFlow(net)
			require.NoError(t, err)
			res, err := Solve(context.Background(), p, pol, nil)
			require.NoError(t, err)
			require.Equal(t, -cost, res.Objective)
		}
	})
}
