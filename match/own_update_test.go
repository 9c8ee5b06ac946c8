package match

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

// TestOwnIndexUpdate checks Rebase's update of the word index of
// listings against the index built from scratch over the new version,
// through batches that rename, add and remove providers.
func TestOwnIndexUpdate(t *testing.T) {
	ctx := context.Background()
	b := directory.NewBuilder()
	names := []string{"Soccer League", "Youth Soccer", "Art Studio", "Robotics Club", "Swim Team", "Chess Club"}
	for i := range 200 {
		b.Add(directory.Provider{
			ID: "p" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Name: names[i%len(names)],
			Categories: []string{"enrichment.sports"}, Point: [2]float64{-85.3 + float64(i)*1e-4, 35.05},
			Keywords: []string{"kw" + string(rune('a'+i%7))}, Description: "Free program number " + string(rune('a'+i%5)),
		})
	}
	d, err := b.Build(ctx)
	require.NoError(t, err)
	m, err := New(ctx, d, Config{})
	require.NoError(t, err)
	m.ownIndex() // built, so Rebase follows it
	rng := rand.New(rand.NewPCG(1, 1))
	ids := func(d *directory.Directory) []string {
		var out []string
		for p := range d.All() {
			out = append(out, p.ID())
		}
		return out
	}
	for batch := range 6 {
		var cs []directory.Change
		seen := map[string]bool{}
		all := ids(d)
		for range 15 {
			id := all[rng.IntN(len(all))]
			if seen[id] {
				continue
			}
			seen[id] = true
			p, _ := d.Provider(id)
			switch rng.IntN(3) {
			case 0:
				q := p.Provider()
				q.Regions = nil
				q.Name = names[rng.IntN(len(names))] + " Weekend"
				q.Keywords = []string{"new" + string(rune('a'+batch))}
				cs = append(cs, directory.Replace(q))
			case 1:
				cs = append(cs, directory.Remove(id))
			default:
				q := p.Provider()
				q.Regions = nil
				q.ID = id + "x"
				q.Description = "Unique words here " + string(rune('a'+batch))
				if _, ok := d.Provider(q.ID); !ok {
					cs = append(cs, directory.Add(q))
				}
			}
		}
		next, err := d.Apply(ctx, cs)
		require.NoError(t, err)
		r, err := m.Rebase(next)
		require.NoError(t, err)
		require.True(t, r.lazy.ownBuilt.Load(), "batch %d: the index was followed, not dropped", batch)
		want := buildOwnIndex(r)
		require.Equal(t, want, r.lazy.own, "batch %d", batch)
		d, m = next, r
	}
}
