package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun prints the three plans: every need and interest has a proposal
// or a stated reason, trips by bus give their itinerary from the timetable, and the data
// is credited.
func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	out := b.String()
	for _, head := range []string{"1. A family without a car", "2. A 12-year-old", "3. An eighth grader"} {
		assert.Contains(t, out, head)
	}
	assert.Equal(t, 7, strings.Count(out, "   Need: ")+strings.Count(out, "   Interest: "))
	assert.Contains(t, out, "door to door, leaving Mo-Fr between")
	assert.Contains(t, out, "Spanish spoken")
	assert.Contains(t, out, "OpenStreetMap contributors")
}
