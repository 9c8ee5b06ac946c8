package geo_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// TestReadRegionsLenient reads a collection whose bad features are of
// every kind a boundary file has: a sliver (a ring of no area), a
// self-crossing ring, a missing name, a repeated name and an unclosed
// ring. The strict reading refuses it; the lenient one keeps exactly
// the good features, unchanged, lists each bad one where the strict
// reading reported it, and locates points as the good features alone
// do (checked against a set read from them alone).
func TestReadRegionsLenient(t *testing.T) {
	t.Parallel()
	sq := func(x0, y0 float64) string {
		return fmt.Sprintf(`[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]`, x0, y0, x0+1, y0, x0+1, y0+1, x0, y0+1, x0, y0)
	}
	good := []string{
		feat("A", poly(sq(0, 0))),
		feat("B", poly(sq(2, 0))),
		feat("C", poly(sq(4, 0), `[[4.25,0.25],[4.75,0.25],[4.75,0.75],[4.25,0.75],[4.25,0.25]]`)),
	}
	bad := []struct {
		at      int // index in the collection
		name    string
		feature string
		want    error
	}{
		{1, "sliver", feat("sliver", poly(`[[6,0],[7,0],[8,0],[6,0]]`)), geo.ErrZeroArea},
		{3, "bowtie", feat("bowtie", poly(`[[0,2],[1,3],[1,2],[0,3],[0,2]]`)), geo.ErrSelfIntersection},
		{4, "", `{"type":"Feature","properties":{},"geometry":` + poly(sq(8, 0)) + `}`, geo.ErrNoName},
		{5, "A", feat("A", poly(sq(10, 0))), geo.ErrDuplicateName},
		{7, "open", feat("open", poly(`[[12,0],[13,0],[13,1],[12,1]]`)), geo.ErrUnclosedRing},
	}
	// The collection: good and bad features interleaved at the indexes
	// above.
	all := make([]string, 8)
	for _, b := range bad {
		all[b.at] = b.feature
	}
	gi := 0
	for i := range all {
		if all[i] == "" {
			all[i] = good[gi]
			gi++
		}
	}
	require.Equal(t, len(good), gi)
	input := fc(all...)

	_, err := geo.ReadRegions(strings.NewReader(input), "name")
	require.Error(t, err, "the strict reading refuses the set")

	rs, skipped, err := geo.RegionOptions{Lenient: true}.ReadRegions(strings.NewReader(input), "name")
	require.NoError(t, err)
	require.NotNil(t, rs)
	assert.Equal(t, len(bad), skipped.Total)
	require.Len(t, skipped.Features, len(bad))
	for i, b := range bad {
		e := skipped.Features[i]
		assert.Equal(t, b.at, e.Feature, "skipped %d", i)
		assert.Equal(t, b.name, e.Name, "skipped %d", i)
		assert.ErrorIs(t, e, b.want, "skipped %d: %v", i, e)
	}
	alone, err := geo.ReadRegions(strings.NewReader(fc(good...)), "name")
	require.NoError(t, err)
	require.Equal(t, alone.Len(), rs.Len())
	for i, r := range rs.All() {
		assert.Equal(t, alone.All()[i].Name, r.Name)
		assert.Equal(t, alone.All()[i].Geometry, r.Geometry, "kept unchanged")
	}
	// The first A is kept, not the repeated one.
	assertIn(t, rs, orb.Point{0.5, 0.5}, "A")
	assertOut(t, rs, orb.Point{10.5, 0.5})
	assertIn(t, rs, orb.Point{4.1, 0.1}, "C")
	assertOut(t, rs, orb.Point{4.5, 0.5}) // C's hole
	for x := -0.5; x < 14; x += 0.25 {
		for y := -0.5; y < 3.5; y += 0.25 {
			p := orb.Point{x + 0.01, y + 0.01}
			want, wok := alone.Locate(p)
			got, ok := rs.Locate(p)
			require.Equal(t, wok, ok, "%v", p)
			assert.Equal(t, want.Name, got.Name, "%v", p)
		}
	}

	// The same from parsed features.
	parsed, err := geojson.UnmarshalFeatureCollection([]byte(input))
	require.NoError(t, err)
	rs2, skipped2, err := geo.RegionOptions{Lenient: true}.RegionsFromFeatures(parsed, "name")
	require.NoError(t, err)
	assert.Equal(t, rs.Len(), rs2.Len())
	assert.Equal(t, skipped.Total, skipped2.Total)
}

// TestReadRegionsLenientNothingKept: a collection none of whose features
// can be kept is refused even leniently, naming each problem; many bad
// features are listed up to MaxRegionProblems with the total counted.
func TestReadRegionsLenientNothingKept(t *testing.T) {
	t.Parallel()
	var fs []string
	for i := range 150 {
		fs = append(fs, feat(fmt.Sprint("r", i), poly(`[[0,0],[1,0],[0,0]]`)))
	}
	rs, skipped, err := geo.RegionOptions{Lenient: true}.ReadRegions(strings.NewReader(fc(fs...)), "name")
	require.Error(t, err)
	assert.Nil(t, rs)
	assert.ErrorIs(t, err, geo.ErrNoFeatures)
	assert.ErrorIs(t, err, geo.ErrBadRing)
	assert.ErrorIs(t, err, geo.ErrTooManyProblems)
	assert.Equal(t, 150, skipped.Total)
	assert.Len(t, skipped.Features, geo.MaxRegionProblems)

	// One good feature among them is enough.
	fs = append(fs, feat("ok", poly(`[[0,0],[1,0],[1,1],[0,0]]`)))
	rs, skipped, err = geo.RegionOptions{Lenient: true}.ReadRegions(strings.NewReader(fc(fs...)), "name")
	require.NoError(t, err)
	assert.Equal(t, 1, rs.Len())
	assert.Equal(t, 150, skipped.Total)

	// Problems with the document itself refuse it whatever the options.
	_, _, err = geo.RegionOptions{Lenient: true}.ReadRegions(strings.NewReader(`{"type":`), "name")
	assert.ErrorIs(t, err, geo.ErrNotCollection)
	_, _, err = geo.RegionOptions{Lenient: true}.ReadRegions(strings.NewReader(fc()), "name")
	assert.ErrorIs(t, err, geo.ErrNoFeatures)
}
