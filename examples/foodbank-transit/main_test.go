package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
)

// TestRun checks that the example runs and that the stops and routes it
// prints are CARTA's own.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, "Highland Park"))
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

	getOff := regexp.MustCompile(`get off at (.+) \(routes ([^)]+), [0-9.]+ buses/h\)`)
	board := regexp.MustCompile(`board routes? (.+) at (.+) \(\d+ min walk from home\)`)
	text := out.String()
	offs := getOff.FindAllStringSubmatch(text, -1)
	require.NotEmpty(t, offs, "no provider found:\n%s", text)
	for _, m := range offs {
		assert.True(t, stopNames[m[1]], "stop %q is not in the feed", m[1])
		for _, r := range strings.Split(m[2], ", ") {
			assert.True(t, slices.Contains(routeNames, r), "route %q is not in the feed", r)
		}
	}
	rides := board.FindAllStringSubmatch(text, -1)
	require.NotEmpty(t, rides, "no one-seat ride:\n%s", text)
	for _, m := range rides {
		assert.True(t, stopNames[m[2]], "stop %q is not in the feed", m[2])
		for _, r := range strings.Split(m[1], " or ") {
			assert.True(t, slices.Contains(routeNames, r), "route %q is not in the feed", r)
		}
	}
	assert.Contains(t, text, demo.Attribution)
}

func TestUnknownNeighborhood(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(&out, "Atlantis"))
}
