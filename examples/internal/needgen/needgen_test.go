package needgen_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/examples/internal/needgen"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(t, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(t, err)
	a, err := needgen.Generate(hoods, loc, 7, 3000, needgen.SurgeHoods)
	require.NoError(t, err)
	b, err := needgen.Generate(hoods, loc, 7, 3000, needgen.SurgeHoods)
	require.NoError(t, err)
	assert.Equal(t, a, b, "same seed, same requests")
	// Poisson draws around the asked-for total.
	assert.InDelta(t, 3000, len(a), 300)
	for _, r := range a {
		assert.Equal(t, 2025, r.Time.Year())
		_, ok := hoods.Locate(r.Point)
		require.True(t, ok, "a request outside every neighborhood")
	}
	_, err = needgen.Generate(hoods, loc, 7, 100, []string{"No Such Neighborhood"})
	assert.Error(t, err)
}
