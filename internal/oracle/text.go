package oracle

import (
	"slices"
	"strings"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// TextTopK ranks every match of all (the answer to q with K 0)
// independently of the index: distance from the providers' own points, score from the
// Ranking formula, ordered by score, then distance, then ID; the first
// k.
func TextTopK(q directory.TextQuery, all *directory.TextResults, k int) []directory.TextHit {
	r := q.Ranking
	def := directory.DefaultRanking()
	if r.Text == 0 && r.Distance == 0 {
		r.Text, r.Distance = def.Text, def.Distance
	}
	if r.DistanceScale == 0 {
		r.DistanceScale = def.DistanceScale
	}
	hits := slices.Clone(all.Hits)
	for i := range hits {
		h := &hits[i]
		h.Distance = geo.Distance(q.Near, h.Provider.Point())
		h.Walk = geo.WalkTime(h.Distance)
		prox := 1 / (1 + float64(h.Distance)/float64(r.DistanceScale))
		h.Score = (r.Text*h.Relevance + r.Distance*prox) / (r.Text + r.Distance)
	}
	slices.SortFunc(hits, func(a, b directory.TextHit) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Distance != b.Distance:
			if a.Distance < b.Distance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Provider.ID(), b.Provider.ID())
	})
	return hits[:min(k, len(hits))]
}
