package trends_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/trends"
)

func TestExportMarksSuppressedCells(t *testing.T) {
	t.Parallel()
	sets := gridSets(t)
	s, err := trends.New(trends.Config{Sets: sets, Taxonomy: smallTaxonomy(t), K: 5})
	require.NoError(t, err)
	require.NoError(t, s.AddBatch(context.Background(), gridRequests(rand.New(rand.NewPCG(6, 6)), 500)))
	tab, err := s.Counts(context.Background(), trends.Query{Set: "a", Category: "a", Bucket: trends.Quarter,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, tab.WriteCSV(&buf))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"set", "region", "period", "start", "category", "count", "suppressed"}, recs[0])
	require.Len(t, recs, 1+len(tab.Rows)*4)
	nsupp := 0
	for i, row := range tab.Rows {
		for p, c := range row.Cells {
			rec := recs[1+i*4+p]
			assert.Equal(t, row.Region, rec[1])
			assert.Equal(t, tab.Periods[p].Label(), rec[2])
			if c.Suppressed {
				nsupp++
				assert.Equal(t, []string{"", "true"}, rec[5:])
			} else {
				assert.Equal(t, "false", rec[6])
				assert.NotEmpty(t, rec[5])
			}
		}
	}
	require.Positive(t, nsupp)

	buf.Reset()
	require.NoError(t, tab.WriteGeoJSON(&buf, sets[0].Regions, 1))
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	require.NoError(t, err)
	require.Len(t, fc.Features, 16, "regions only: no Outside or Total")
	for i, f := range fc.Features {
		c := tab.Rows[i].Cells[1]
		assert.Equal(t, tab.Rows[i].Region, f.Properties["name"])
		assert.Equal(t, c.Suppressed, f.Properties["suppressed"])
		if c.Suppressed {
			assert.Nil(t, f.Properties["count"])
		} else {
			assert.Equal(t, float64(c.Count), f.Properties["count"])
		}
		assert.Equal(t, "2025-Q2", f.Properties["period"])
	}
	assert.ErrorIs(t, tab.WriteGeoJSON(&buf, sets[0].Regions, 9), trends.ErrBadQuery)
	assert.Error(t, tab.WriteGeoJSON(&buf, sets[1].Regions, 0), "regions of another set")
}
