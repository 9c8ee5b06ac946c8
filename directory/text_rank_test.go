package directory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/internal/oracle"
)

// rankQuery returns a random query without a radius, with a random
// Ranking a third of the time (relevance alone, proximity alone, a short
// or long distance scale).
func rankQuery(rng *rand.Rand, d *directory.Directory) directory.TextQuery {
	q := randomTextQuery(rng, d)
	q.Radius = 0
	q.K = 1 + rng.IntN(12)
	switch rng.IntN(6) {
	case 0:
		q.Ranking = directory.Ranking{Text: 1}
	case 1:
		q.Ranking = directory.Ranking{Distance: 1}
	case 2:
		q.Ranking = directory.Ranking{Text: 0.5, Distance: 0.5, DistanceScale: geo.Meters(200 + rng.Float64()*20000)}
	}
	return q
}

// checkRanked checks the K best of q, ranked ring by ring (and as
// SearchText chooses), against the exhaustive ranking of every match,
// and that Total and Facets still count every match. It returns whether
// the query had more than 4K matches, where SearchText walks rings too.
func checkRanked(t *testing.T, d *directory.Directory, q directory.TextQuery) bool {
	all := q
	all.K = 0
	every, err := d.SearchText(all)
	if err != nil {
		require.ErrorIs(t, err, directory.ErrEmptyQuery)
		return false
	}
	want := oracle.TextTopK(q, every, q.K)
	for _, search := range []func(*directory.Directory, directory.TextQuery) (*directory.TextResults, error){
		(*directory.Directory).SearchText, directory.SearchTextRings,
	} {
		got, err := search(d, q)
		require.NoError(t, err)
		assert.Equal(t, hitIDs(&directory.TextResults{Hits: want}), hitIDs(got), "query %+v", q)
		if len(got.Hits) == len(want) {
			for i := range want {
				assert.Equal(t, want[i].Score, got.Hits[i].Score, "hit %d score", i)
				assert.Equal(t, want[i].Distance, got.Hits[i].Distance, "hit %d distance", i)
				assert.Equal(t, want[i].Relevance, got.Hits[i].Relevance, "hit %d relevance", i)
			}
		}
		assert.Equal(t, every.Total, got.Total)
		assert.Equal(t, every.Facets, got.Facets)
	}
	return every.Total > 4*q.K
}

// TestSearchTextRanksByRings checks the K best of queries without a
// radius — found by walking rings of cells and stopping early — against
// an exhaustive ranking of all matches, on the demo directory, on a
// version of it where Apply moved and renamed providers (numbers
// appended outside the cell order, numbers kept for providers moved
// within their cell), and for query points far outside the directory.
func TestSearchTextRanksByRings(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	rng := rand.New(rand.NewPCG(21, 5))
	var cs []directory.Change
	i := 0
	for p := range d.All() {
		i++
		if p.Unplaced() || i%7 != 0 {
			continue
		}
		np := p.Provider() // a deep copy
		switch i % 3 {
		case 0: // moved anywhere, renamed: a new number
			np.Point = orb.Point{p.Point()[0] + (rng.Float64()-0.5)*0.2, p.Point()[1] + (rng.Float64()-0.5)*0.2}
			np.Name = p.Name() + " annex"
		case 1: // moved a few meters: the same cell, the same number
			np.Point = orb.Point{p.Point()[0] + 1e-6, p.Point()[1] - 1e-6}
		default: // renamed in place
			np.Name = "Eastside " + p.Name()
		}
		cs = append(cs, directory.Replace(np))
	}
	applied, err := d.Apply(context.Background(), cs)
	require.NoError(t, err)
	require.Positive(t, directory.TextLayout(applied).Appended, "no number appended")

	n := 300
	if testing.Short() {
		n = 80
	}
	for _, dir := range []struct {
		name string
		d    *directory.Directory
	}{{"demo", d}, {"applied", applied}} {
		many := 0
		for i := range n {
			q := rankQuery(rng, dir.d)
			if i%10 == 0 {
				q.Near = orb.Point{demo.Downtown[0] + (rng.Float64()-0.5)*4, demo.Downtown[1] + (rng.Float64()-0.5)*4}
			}
			t.Run(fmt.Sprintf("%s/%d_%s", dir.name, i, strings.ReplaceAll(q.Words, " ", "_")), func(t *testing.T) {
				if checkRanked(t, dir.d, q) {
					many++
				}
			})
		}
		assert.Greater(t, many, n/10, "%s: too few queries with many more matches than K", dir.name)
	}
}
