package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun checks that the example runs, finds something for each typical
// request, and that the reopened snapshot answers the same.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	requests := []string{"free eye glasses", "comida", "tutorng"}
	require.NoError(t, run(&out, requests, 4000, time.Time{}))
	text := out.String()
	for _, r := range requests {
		assert.Contains(t, text, `"`+r+`" — `, text)
		assert.NotContains(t, text, `"`+r+`" — 0 found`, text)
	}
	assert.Contains(t, text, `read "tutorng" as tutoring`)
	assert.Contains(t, text, "understood as: Food (from \"comida\")")
	assert.True(t, strings.HasSuffix(strings.TrimSpace(text), "the same: true"), text)
}
