// Package hungarian solves the assignment problem exactly: give each row
// its own column at the least total cost. It is the O(n²m) potentials
// (Kuhn–Munkres, Jonker–Volgenant style) method, kept simple so that the
// tests of the cohort solver and of cohort matching can use it as an
// independent oracle.
package hungarian

// MinCost returns the least total of cost(i, j) over assignments of every
// row i in [0, n) to a distinct column j in [0, m), n ≤ m. Costs must be
// well below 2^60 in absolute value; use a large cost for forbidden pairs.
func MinCost(n, m int, cost func(i, j int) int64) int64 {
	const inf = int64(1) << 62
	u, v := make([]int64, n+1), make([]int64, m+1)
	p, way := make([]int, m+1), make([]int, m+1) // p[j]: row (1-based) in column j
	minv := make([]int64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = inf, false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], inf, 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				if cur := cost(i0-1, j-1) - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	var total int64
	for j := 1; j <= m; j++ {
		if p[j] != 0 {
			total += cost(p[j]-1, j-1)
		}
	}
	return total
}
