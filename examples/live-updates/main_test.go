package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	out := b.String()
	assert.Contains(t, out, `Rejected batch: directory: change 3 (enroll "no-such-provider"): directory: no such provider`)
	assert.Contains(t, out, "MLK Community Pantry                       191 m  40 of 40 seats free")
	assert.Contains(t, out, "Changed since version")
	assert.Contains(t, out, "readers holding it are undisturbed")
	// The seats written back add up to the cohort.
	sum := 0
	for _, m := range regexp.MustCompile(`\+(\d+) enrolled`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		sum += n
	}
	assert.Equal(t, 12, sum, out)
}
