package main

import (
	"bytes"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
)

// TestRun checks that the example runs, finds food by bus and on foot,
// and that every stop and route of its itineraries is CARTA's own.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, "Highland Park", 45*time.Minute))
	net, err := demo.Network()
	require.NoError(t, err)
	stopNames := map[string]bool{}
	for _, s := range net.Stops() {
		stopNames[s.Name] = true
	}
	var routeNames []string
	for _, r := range net.Routes() {
		routeNames = append(routeNames, r.DisplayName())
	}
	text := out.String()
	ride := regexp.MustCompile(`(\d\d:\d\d)  route (\S+)(?: toward .+)? from (.+) to (.+) \((\d+) stops\), arrive (\d\d:\d\d)`)
	rides := ride.FindAllStringSubmatch(text, -1)
	require.NotEmpty(t, rides, "no ride:\n%s", text)
	for _, m := range rides {
		assert.True(t, slices.Contains(routeNames, m[2]), "route %q is not in the feed", m[2])
		assert.True(t, stopNames[m[3]], "stop %q is not in the feed", m[3])
		assert.True(t, stopNames[m[4]], "stop %q is not in the feed", m[4])
		assert.Less(t, m[1], m[6], "a ride arrives after it leaves")
	}
	assert.Contains(t, text, "on foot:")
	assert.Regexp(t, `by bus: \d+ min typical, \d+ min at best, \d+ min or less 9 times in 10`, text)
	assert.Contains(t, text, demo.Attribution)
}

func TestUnknownNeighborhood(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(&out, "Atlantis", time.Hour))
}
