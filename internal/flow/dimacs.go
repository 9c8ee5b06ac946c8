package flow

import (
	"bufio"
	"io"
	"strconv"
)

// WriteDIMACS writes p as a DIMACS minimum-cost-flow problem ("p min")
// whose optimal cost is −Result.Objective of Solve(p, pol), so any
// standard solver (CS2, LEMON, OR-tools) can check the objective.
//
// Node numbering (1-based): left node i is i+1 with supply 1; right node j
// is Left+j+1 with supply 0; the sink is Left+len(Cap)+1 with supply
// −Left. Arcs, in this order:
//
//	a i+1 Left+j+1 0 1 −w'     every edge (i,j) with weight w (w' = w for
//	                           MaxTotal, w + tier·(S+1) for EquityFirst)
//	a i+1 sink 0 1 0           the bypass: i left unassigned, value 0
//	a Left+j+1 sink 0 c 0      the seats of right node j (Unlimited → Left)
//
// Every supply can always reach the sink through its bypass, so the
// instance is feasible. Comment lines ("c …") restate this layout. Only
// the numbers of p are written, never anything else. O(edges).
func WriteDIMACS(w io.Writer, p *Problem, pol Policy) error {
	if pol != MaxTotal && pol != EquityFirst {
		return ErrPolicy
	}
	if err := p.Validate(); err != nil {
		return err
	}
	var unit int64
	if pol == EquityFirst {
		unit = p.equityUnit()
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	r := len(p.Cap)
	sink := p.Left + r + 1
	arcs := len(p.To) + p.Left + r
	var buf []byte
	line := func(parts ...int64) {
		for k, v := range parts {
			if k > 0 {
				buf = append(buf, ' ')
			}
			buf = strconv.AppendInt(buf, v, 10)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
		buf = buf[:0]
	}
	bw.WriteString("c wraparound cohort instance, policy " + pol.String() + "\n")
	bw.WriteString("c nodes: 1..L demands (supply 1), L+1..L+R seat pools, L+R+1 sink (supply -L)\n")
	bw.WriteString("c arcs: demand->pool cap 1 cost -weight; demand->sink cap 1 cost 0 (unassigned); pool->sink cap seats cost 0\n")
	bw.WriteString("c optimal cost = -objective\n")
	bw.WriteString("p min ")
	line(int64(sink), int64(arcs))
	for i := 0; i < p.Left; i++ {
		bw.WriteString("n ")
		line(int64(i+1), 1)
	}
	if p.Left > 0 {
		bw.WriteString("n ")
		line(int64(sink), -int64(p.Left))
	}
	for i := 0; i < p.Left; i++ {
		b := bonus(pol, p.tier(i), unit)
		for e := p.Start[i]; e < p.Start[i+1]; e++ {
			bw.WriteString("a ")
			line(int64(i+1), int64(p.Left)+int64(p.To[e])+1, 0, 1, -(p.Weight[e] + b))
		}
	}
	for i := 0; i < p.Left; i++ {
		bw.WriteString("a ")
		line(int64(i+1), int64(sink), 0, 1, 0)
	}
	for j, c := range p.Cap {
		if c < 0 || int(c) > p.Left {
			c = int32(p.Left)
		}
		bw.WriteString("a ")
		line(int64(p.Left+j+1), int64(sink), 0, int64(c), 0)
	}
	return bw.Flush()
}
