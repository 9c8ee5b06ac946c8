package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun assigns a small cohort with every policy and writes both files:
// the summary has a section per policy with every severity, the JSON
// holds each policy's assignment with its needs all accounted for, and
// the DIMACS file declares one node per need, pool and the sink.
func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	js, staff, dim := filepath.Join(dir, "r.json"), filepath.Join(dir, "s.json"), filepath.Join(dir, "c.min")
	var out, bar strings.Builder
	require.NoError(t, run(context.Background(), []string{"-students", "300", "-json", js, "-staff", staff, "-dimacs", dim}, &out, &bar))
	text := out.String()
	for _, pol := range []string{"maxtotal", "equityfirst", "stable", "greedy"} {
		assert.Contains(t, text, "== "+pol+" (")
	}
	assert.Equal(t, 4, strings.Count(text, "   severity 3: "))
	assert.Contains(t, text, "no provider within the family's limits")
	// Gap lines say what they count, in words.
	assert.Regexp(t, `(?m)^ +\d+ [A-Z][^\n]* needs? unmet in [^\n]+, (none of them|all of them|\d+ of them|not) ?severity 3: `, text)
	assert.NotContains(t, text, "sev3")
	assert.Contains(t, text, "OpenStreetMap contributors")
	assert.Contains(t, bar.String(), "[##############################] 100%")

	var res map[string]struct {
		Assigned []json.RawMessage `json:"assigned"`
		Unmet    []json.RawMessage `json:"unmet"`
		Totals   struct {
			Needs, Assigned, Unmet, Pools int
			Objective                     int64
		} `json:"totals"`
	}
	b, err := os.ReadFile(staff)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &res))
	require.Len(t, res, 4)
	for pol, a := range res {
		assert.Equal(t, a.Totals.Needs, len(a.Assigned)+len(a.Unmet), pol)
		assert.Positive(t, a.Totals.Assigned, pol)
	}

	// The analyst file has aggregates only, nothing from 1 to 9.
	var an map[string]struct {
		K        int                 `json:"k"`
		Assigned struct{ Value int } `json:"assigned"`
		Gaps     []struct {
			Needs struct {
				Value      int
				Suppressed bool
			} `json:"needs"`
		} `json:"gaps"`
	}
	b, err = os.ReadFile(js)
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"student"`)
	assert.NotContains(t, string(b), "explanation")
	require.NoError(t, json.Unmarshal(b, &an))
	require.Len(t, an, 4)
	for pol, a := range an {
		assert.Equal(t, 10, a.K, pol)
		assert.Equal(t, res[pol].Totals.Assigned, a.Assigned.Value, pol)
		for _, g := range a.Gaps {
			assert.False(t, g.Needs.Value > 0 && g.Needs.Value < 10, "%s: gap of %d published", pol, g.Needs.Value)
		}
	}

	f, err := os.Open(dim)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var nodes, arcs int
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "p min ") {
			_, err := fmt.Sscanf(sc.Text(), "p min %d %d", &nodes, &arcs)
			require.NoError(t, err)
			break
		}
	}
	mt := res["maxtotal"].Totals
	assert.Equal(t, mt.Needs+mt.Pools+1, nodes)
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-students", "-1"}, {"-pools", "room"}, {"-policy", "fastest"}} {
		var out, errs strings.Builder
		assert.Error(t, run(context.Background(), args, &out, &errs), "%v", args)
	}
}
