package flow

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// realEnv names the environment variable that points at a DIMACS export
// of a real cohort instance (as written by WriteDIMACS with MaxTotal).
// Tests and benchmarks that use it are skipped when it is unset.
const realEnv = "FLOW_DIMACS"

var (
	realOnce sync.Once
	realP    *Problem
	realErr  error
)

// loadReal rebuilds the Problem from the file named by FLOW_DIMACS. The
// file's layout is WriteDIMACS's: left node i is node i+1, pool j is node
// Left+j+1, the sink is last; left→pool arcs cost −w, left→sink and
// pool→sink arcs carry the bypass and the seats. Tiers are not in the file;
// they are recovered from the weights (severity·round(score·10⁴): a node
// whose weights share a factor 3 is tier 3, a factor 2 tier 2, else 1),
// which is exact for the instances match writes with overwhelming odds
// and harmless otherwise (tiers only shape EquityFirst's objective).
func loadReal(tb testing.TB) *Problem {
	tb.Helper()
	path := os.Getenv(realEnv)
	if path == "" {
		tb.Skipf("%s not set", realEnv)
	}
	realOnce.Do(func() { realP, realErr = readProblem(path) })
	require.NoError(tb, realErr)
	return realP
}

func readProblem(path string) (*Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 1<<20))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var (
		nodes, left int
		sinkNode    int
		from, to    []int32
		w           []int64
		capOfNode   = map[int]int64{}
		nums        [5]int64
	)
	parse := func(b []byte) int {
		n := 0
		k := 0
		for k < len(b) && n < 5 {
			for k < len(b) && b[k] == ' ' {
				k++
			}
			s := k
			for k < len(b) && b[k] != ' ' {
				k++
			}
			if s == k {
				break
			}
			v, err := strconv.ParseInt(string(b[s:k]), 10, 64)
			if err != nil {
				return -1
			}
			nums[n] = v
			n++
		}
		return n
	}
	for sc.Scan() {
		b := sc.Bytes()
		if len(b) < 2 {
			continue
		}
		switch b[0] {
		case 'c':
		case 'p':
			if parse(b[6:]) != 2 {
				return nil, fmt.Errorf("bad p line")
			}
			nodes = int(nums[0])
			sinkNode = nodes
		case 'n':
			if parse(b[2:]) != 2 {
				return nil, fmt.Errorf("bad n line")
			}
			if nums[1] > 0 {
				left++
			}
		case 'a':
			if parse(b[2:]) != 5 {
				return nil, fmt.Errorf("bad a line")
			}
			u, v := int(nums[0]), int(nums[1])
			switch {
			case v == sinkNode && u > left:
				capOfNode[u] = nums[3]
			case v == sinkNode:
			default:
				from = append(from, int32(u-1))
				to = append(to, int32(v-left-1))
				w = append(w, -nums[4])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	r := nodes - left - 1
	p := &Problem{Left: left, Cap: make([]int32, r), Start: make([]int32, left+1)}
	for j := range p.Cap {
		c := capOfNode[left+j+1]
		if c >= int64(left) {
			p.Cap[j] = Unlimited
		} else {
			p.Cap[j] = int32(c)
		}
	}
	for _, i := range from {
		p.Start[i+1]++
	}
	for i := 0; i < left; i++ {
		p.Start[i+1] += p.Start[i]
	}
	p.To = make([]int32, len(to))
	p.Weight = make([]int64, len(w))
	fill := append([]int32(nil), p.Start[:left]...)
	for e, i := range from {
		p.To[fill[i]], p.Weight[fill[i]] = to[e], w[e]
		fill[i]++
	}
	p.Tier = make([]uint8, left)
	for i := 0; i < left; i++ {
		var g int64
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			g = gcd(g, p.Weight[e])
		}
		switch {
		case g > 0 && g%3 == 0:
			p.Tier[i] = 3
		case g > 0 && g%2 == 0:
			p.Tier[i] = 2
		default:
			p.Tier[i] = 1
		}
	}
	return p, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// TestReal solves the real instance with both policies, checks
// feasibility and, for MaxTotal, optimality by the residual-network
// certificate; with FLOW_AUCTION set the auction must agree too. Timings
// go to the log. Skipped without the file.
func TestReal(t *testing.T) {
	p := loadReal(t)
	t.Logf("real instance: %d left, %d pools, %d edges", p.Left, len(p.Cap), len(p.To))
	ms := []int{methodAuto}
	if os.Getenv("FLOW_AUCTION") != "" {
		ms = append(ms, methodAuction)
	}
	for _, pol := range []Policy{MaxTotal, EquityFirst} {
		var objs []int64
		for _, m := range ms {
			runtime.GC()
			t0 := time.Now()
			res, err := solve(context.Background(), p, pol, nil, m)
			require.NoError(t, err)
			t.Logf("%s method=%d: %v objective %d total %d served %v", pol, m, time.Since(t0), res.Objective, res.Total, res.Served)
			checkFeasible(t, p, res)
			objs = append(objs, res.Objective)
			if pol == MaxTotal && m == methodAuto {
				t0 = time.Now()
				require.True(t, noNegativeCycle(p, res, func(int) int64 { return 0 }))
				t.Logf("certificate checked in %v", time.Since(t0))
			}
		}
		for _, o := range objs {
			require.Equal(t, objs[0], o)
		}
	}
}

// BenchmarkReal times Solve on the real instance named by FLOW_DIMACS,
// shortest paths (what Solve uses) beside the auction. Skipped without
// the file.
func BenchmarkReal(b *testing.B) {
	p := loadReal(b)
	for _, pol := range []Policy{MaxTotal, EquityFirst} {
		for _, m := range []struct {
			name string
			id   int
		}{{"ssp", methodSSP}, {"auction", methodAuction}} {
			b.Run(fmt.Sprintf("%s/%s", pol, m.name), func(b *testing.B) {
				if m.id == methodAuction && os.Getenv("FLOW_AUCTION") == "" {
					b.Skip("auction takes minutes here; set FLOW_AUCTION=1")
				}
				b.ReportAllocs()
				var res Result
				var cpu time.Duration
				for b.Loop() {
					var err error
					c0 := cpuTime()
					res, err = solve(context.Background(), p, pol, nil, m.id)
					cpu += cpuTime() - c0
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(res.Objective), "objective")
				// CPU time tells the solver's cost on a shared machine, where
				// wall time depends on the load; compare it with an outside
				// solver's user time.
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			})
		}
	}
}
