package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, "", true, "35.0456,-85.3097", 3, "", 2, "America/New_York", 120))
	var s map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	for _, k := range []string{"services", "locations", "placed", "problems", "nearby"} {
		assert.Contains(t, s, k)
	}
	assert.EqualValues(t, 120, s["services"])
	assert.Len(t, s["nearby"], 3)

	out.Reset()
	require.NoError(t, run(&out, "../../directory/hsds/testdata/csv", false, "35.0456,-85.3097", 3, "health", 2, "America/New_York", 0))
	assert.Contains(t, out.String(), "none on the map")
	// HSDS schedules name no zone, and none is assumed.
	err := run(&out, "../../directory/hsds/testdata/csv", false, "35.0456,-85.3097", 3, "health", 2, "", 0)
	assert.ErrorIs(t, err, directory.ErrNoZone)
	assert.ErrorContains(t, err, "-zone")
	assert.Error(t, run(&out, "", false, "north", 3, "", 2, "", 10))
}
