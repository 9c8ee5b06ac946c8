package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	out := b.String()
	assert.Contains(t, out, "Neighborhood: Avondale Neighborhood Association")
	assert.Contains(t, out, "Food, open Saturday Jun 6 10:00:")
	assert.Contains(t, out, "Free vision care for a 12-year-old:")
	assert.NotContains(t, out, "(none found)")
	assert.Contains(t, out, "OpenStreetMap contributors")
}
