package main

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the example end to end and checks that each SVG it writes
// is well-formed XML with the expected content.
func TestRun(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, run(context.Background(), out, 1, 60000))
	for name, want := range map[string]string{
		"housing-monthly.svg":    "Housing requests per month",
		"housing-change-map.svg": "Change in housing requests",
	} {
		data, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err, name)
		assert.Contains(t, string(data), want, name)
		d := xml.NewDecoder(strings.NewReader(string(data)))
		for {
			_, err := d.Token()
			if err != nil {
				assert.Equal(t, "EOF", err.Error(), "%s is not well-formed: %v", name, err)
				break
			}
		}
	}
	for _, name := range []string{"housing-monthly.csv", "housing-2025-12.geojson", "rising.csv"} {
		st, err := os.Stat(filepath.Join(out, name))
		require.NoError(t, err, name)
		assert.Positive(t, st.Size(), name)
	}
}
