package hsds_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/geo"
)

// TestCoordinateProblems: coordinates are plain decimals (geo.ParseDegrees),
// (0, 0) is refused as a failed geocode (geo.ErrNullIsland), and the
// problem names the coordinate at fault.
func TestCoordinateProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, lat, lon string
		want           error
		field          string
	}{
		{"hex float longitude", `"35.04"`, `"0x1p-2"`, hsds.ErrBadCoordinates, "longitude"},
		{"infinite longitude", `"35.04"`, `"-Inf"`, hsds.ErrBadCoordinates, "longitude"},
		{"NaN latitude", `"NaN"`, `"-85.3"`, hsds.ErrBadCoordinates, "latitude"},
		{"longitude out of range", `35.04`, `-185.3`, geo.ErrLongitude, "longitude"},
		{"null island", `0`, `0`, geo.ErrNullIsland, "latitude"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"contents": [{"id": "x1", "service": {"id": "s9", "name": "Homework Help", "status": "active"},
				"location": {"id": "l9", "location_type": "physical", "latitude": ` + tc.lat + `, "longitude": ` + tc.lon + `}}]}`
			res, err := hsds.ReadJSON(context.Background(), strings.NewReader(doc), "doc.json", hsds.Options{})
			require.NoError(t, err)
			var found *hsds.Problem
			for _, p := range res.Report.Problems {
				if p.Table == "location" {
					found = p
				}
			}
			require.NotNil(t, found, "problems: %v", res.Report.Problems)
			assert.ErrorIs(t, found.Err, tc.want)
			assert.Equal(t, tc.field, found.Field, "%v", found.Err)
		})
	}
}
