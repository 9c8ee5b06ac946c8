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
	// Seven items in the staff detail, four more in the two plans
	// written for English-speaking families (the third is in Spanish).
	assert.Equal(t, 7+4, strings.Count(out, "   Need: ")+strings.Count(out, "   Interest: "))
	assert.Equal(t, 3, strings.Count(out, "   Necesidad: ")+strings.Count(out, "   Interés: "))
	assert.Contains(t, out, "door to door, leaving Mo-Fr between")
	assert.Contains(t, out, "Spanish spoken")
	assert.Contains(t, out, "OpenStreetMap contributors")
	// Each plan is first written for the family, the third in Spanish.
	assert.Equal(t, 2, strings.Count(out, "For the family (English):"))
	assert.Equal(t, 1, strings.Count(out, "For the family (Spanish):"))
	assert.Contains(t, out, "Necesidad: Tutoría")
	assert.Contains(t, out, "door to door")
	// The soccer fan's sports: soccer leagues, not the nearer swim teams.
	second := out[strings.Index(out, "2. A 12-year-old"):strings.Index(out, "3. An eighth grader")]
	family := second[:strings.Index(second, "Staff detail:")]
	sports := family[strings.Index(family, "Interest: Sports"):]
	assert.Contains(t, sports, "1. Highland Park Soccer League")
	assert.NotContains(t, sports, "Swim Team")
}
