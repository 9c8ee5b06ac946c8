package directory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

// providersJSON encodes every provider, for comparing directories.
func providersJSON(t testing.TB, d *directory.Directory) string {
	var b strings.Builder
	for p := range d.All() {
		data, err := json.Marshal(p)
		require.NoError(t, err)
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// sameAnswers checks that a and b answer random text and spatial queries
// identically.
func sameAnswers(t *testing.T, a, b *directory.Directory, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 60 {
		q := randomTextQuery(rng, a)
		ra, errA := a.SearchText(q)
		rb, errB := b.SearchText(q)
		require.Equal(t, errA, errB)
		if errA != nil {
			continue
		}
		require.Equal(t, ra.Total, rb.Total, "%+v", q)
		require.Equal(t, len(ra.Hits), len(rb.Hits))
		for i := range ra.Hits {
			assert.Equal(t, ra.Hits[i].Provider.ID(), rb.Hits[i].Provider.ID())
			assert.Equal(t, ra.Hits[i].Score, rb.Hits[i].Score)
			assert.Equal(t, ra.Hits[i].Relevance, rb.Hits[i].Relevance)
			assert.Equal(t, ra.Hits[i].Distance, rb.Hits[i].Distance)
		}
		assert.Equal(t, ra.Facets, rb.Facets)
		assert.Equal(t, ra.Suggestions, rb.Suggestions)
		assert.Equal(t, ra.Corrections, rb.Corrections)
		assert.Equal(t, ra.Unmatched, rb.Unmatched)

		sq := q.Query
		if sq.K == 0 && sq.Radius == 0 {
			sq.K = 5
		}
		sa, errA := a.Search(sq)
		sb, errB := b.Search(sq)
		require.Equal(t, errA, errB)
		assert.Equal(t, resultIDs(sa), resultIDs(sb))
	}
}

func TestSaveOpen(t *testing.T) {
	t.Parallel()
	d := demoText(t)
	dir := filepath.Join(t.TempDir(), "snap")
	require.NoError(t, d.Save(t.Context(), dir))

	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.True(t, got.HasTextIndex())
	assert.Equal(t, d.Len(), got.Len())
	assert.Equal(t, d.Location().String(), got.Location().String())
	assert.Equal(t, d.RegionSets(), got.RegionSets())
	assert.Equal(t, d.Taxonomy().All(), got.Taxonomy().All())
	assert.Equal(t, providersJSON(t, d), providersJSON(t, got))
	for _, set := range d.RegionSets() {
		ra, _ := d.Regions(set)
		rb, ok := got.Regions(set)
		require.True(t, ok)
		require.Equal(t, ra.Len(), rb.Len())
		for i, r := range ra.All() {
			assert.Equal(t, r.Name, rb.All()[i].Name)
			assert.Equal(t, r.Geometry, rb.All()[i].Geometry)
		}
	}
	sameAnswers(t, d, got, 5)
}

func TestSaveWithoutTextIndex(t *testing.T) {
	t.Parallel()
	plain := tinyDir(t, 5, false)
	dir := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, plain.Save(t.Context(), dir))
	got, err := directory.Open(t.Context(), dir)
	require.NoError(t, err)
	assert.False(t, got.HasTextIndex())
	assert.Equal(t, providersJSON(t, plain), providersJSON(t, got))
	_, err = got.SearchText(directory.TextQuery{Words: "food"})
	assert.ErrorIs(t, err, directory.ErrNoTextIndex)
}

// tinyDir builds a directory of n providers "t1"… with a region set.
func tinyDir(t testing.TB, n int, text bool) *directory.Directory {
	t.Helper()
	d, err := buildTiny(n, text)
	require.NoError(t, err)
	return d
}

func buildTiny(n int, text bool) (*directory.Directory, error) {
	zips, err := demo.Regions(demo.ZipCodes)
	if err != nil {
		return nil, err
	}
	b := directory.NewBuilder()
	b.TextIndex = text
	b.AddRegions(demo.ZipCodes, zips)
	names := []string{"Northside Food Pantry", "Eastgate Eye Clinic", "Tutoría Latina", "Westside Coat Closet", "Downtown Dental"}
	cats := []string{"basic.food.pantry", "health.vision", "education.tutoring", "basic.clothing", "health.dental"}
	for i := range n {
		b.Add(directory.Provider{
			ID: fmt.Sprintf("t%d", i+1), Name: names[i%len(names)], Categories: []string{cats[i%len(cats)]},
			Point: orb.Point{demo.Downtown[0] + 0.01*float64(i), demo.Downtown[1]},
		})
	}
	return b.Build(context.Background())
}
