package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/internal/hsdsgen"
)

// writePackage writes a small HSDS 3.0 tabular package in Portland,
// Oregon — far from the Chattanooga default of old — and returns its
// folder. Services: a food pantry, an inactive tutoring program, and a
// service whose only term maps nowhere. locs gives locations.csv's IDs.
func writePackage(t *testing.T, locs [3]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"services.csv": "id,name,status\n" +
			"s1,Northeast Pantry,active\n" +
			"s2,Homework Club,inactive\n" +
			"s3,Wayfinding Desk,active\n",
		"locations.csv": "id,name,latitude,longitude\n" +
			locs[0] + ",A,45.5300,-122.6500\n" +
			locs[1] + ",B,45.5200,-122.6800\n" +
			locs[2] + ",C,45.5000,-122.7000\n",
		"service_at_location.csv": "id,service_id,location_id\n" +
			"x1,s1,l1\nx2,s2,l2\nx3,s3,l3\n",
		"taxonomy_terms.csv": "id,code,name,taxonomy\n" +
			"t1,,Food Pantry,Open Eligibility\n" +
			"t2,,Tutoring,Open Eligibility\n" +
			"t3,ZZ-9,Civic Navigation,Local\n",
		"attributes.csv": "id,link_id,link_entity,taxonomy_term_id\n" +
			"a1,s1,service,t1\na2,s2,service,t2\na3,s3,service,t3\n",
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	return dir
}

func runJSON(t *testing.T, c config) map[string]any {
	t.Helper()
	var out bytes.Buffer
	c.asJSON = true
	require.NoError(t, run(&out, c))
	var s map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	return s
}

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	s := runJSON(t, config{near: "35.0456,-85.3097", k: 3, first: 2, n: 120})
	for _, k := range []string{"services", "locations", "placed", "problems", "nearby"} {
		assert.Contains(t, s, k)
	}
	assert.EqualValues(t, 120, s["services"])
	assert.Len(t, s["nearby"], 3)
	assert.Equal(t, false, s["near_is_centre"])
	assert.Contains(t, s["zones"], "America/New_York", "the generated package's hours are read in -zone's default")

	require.NoError(t, run(&out, config{path: "../../directory/hsds/testdata/csv", k: 3, category: "health", first: 2}))
	assert.Contains(t, out.String(), "none on the map")
	assert.Error(t, run(&out, config{near: "north", k: 3, first: 2, n: 10}))
}

func TestNearDefaultsToTheDataCentre(t *testing.T) {
	dir := writePackage(t, [3]string{"l1", "l2", "l3"})
	s := runJSON(t, config{path: dir, k: 3, first: 2, zone: "America/Los_Angeles"})
	assert.Equal(t, true, s["near_is_centre"])
	near := s["near"].([]any)
	// Placed: the pantry (A) and the uncategorised desk (C); the
	// inactive program at B is dropped. Median of two is their midpoint.
	assert.InDelta(t, (45.53+45.50)/2, near[0], 1e-9)
	assert.InDelta(t, (-122.65+-122.70)/2, near[1], 1e-9)
	nearby := s["nearby"].([]any)
	require.Len(t, nearby, 2)
	d0 := nearby[0].(map[string]any)["meters"].(float64)
	d1 := nearby[1].(map[string]any)["meters"].(float64)
	assert.InDelta(t, d0, d1, 1, "the midpoint is as far from both")
	assert.Less(t, d0, 3000.0)

	// The generated package: half the placed providers lie on each side
	// of the centre, in latitude and in longitude.
	g := runJSON(t, config{k: 1, first: 1, n: 200})
	c := g["near"].([]any)
	res, err := hsds.ReadPackage(context.Background(), hsdsgen.Generate(hsdsgen.Config{Services: 200, Seed: 1, Layout: hsdsgen.V3}).FS(),
		hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/New_York"})
	require.NoError(t, err)
	var n, latLE, latGE, lonLE, lonGE int
	for _, p := range res.Providers {
		if p.Unplaced {
			continue
		}
		n++
		if p.Point.Lat() <= c[0].(float64) {
			latLE++
		}
		if p.Point.Lat() >= c[0].(float64) {
			latGE++
		}
		if p.Point.Lon() <= c[1].(float64) {
			lonLE++
		}
		if p.Point.Lon() >= c[1].(float64) {
			lonGE++
		}
	}
	require.Positive(t, n)
	for _, k := range []int{latLE, latGE, lonLE, lonGE} {
		assert.GreaterOrEqual(t, 2*k, n, "a median has half the points on each side: %d of %d", k, n)
	}
}

func TestFlags(t *testing.T) {
	dir := writePackage(t, [3]string{"l1", "l2", "l3"})
	cats := func(s map[string]any) []string {
		var out []string
		for c := range s["categories"].(map[string]any) {
			out = append(out, c)
		}
		sort.Strings(out)
		return out
	}
	cases := []struct {
		name      string
		c         config
		providers float64
		cats      []string
	}{
		{"defaults", config{path: dir, zone: "America/Los_Angeles"}, 2, []string{"basic.food.pantry", "other"}},
		{"keep inactive", config{path: dir, keepInactive: true}, 3, []string{"basic.food.pantry", "education.tutoring", "other"}},
		{"default category", config{path: dir, defaultCategory: "family"}, 2, []string{"basic.food.pantry", "family"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.k, tc.c.first = 5, 2
			s := runJSON(t, tc.c)
			assert.Equal(t, tc.providers, s["providers"])
			assert.Equal(t, tc.cats, cats(s))
		})
	}
}

func TestIDsThatNeverResolve(t *testing.T) {
	dir := writePackage(t, [3]string{"L-1", "L-2", "L-3"})
	var out bytes.Buffer
	require.NoError(t, run(&out, config{path: dir, k: 3, first: 2, zone: "America/Los_Angeles"}))
	text := out.String()
	assert.Contains(t, text, "0 services could be placed: service_at_location.csv references location IDs not in locations.csv (3 of 3 references unresolved; locations.csv has 3 IDs)")
	assert.Contains(t, text, "none on the map: no provider was placed")
}

func TestMainExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"help", []string{"-h"}, 0, "usage: hsds-import", ""},
		{"long help", []string{"--help"}, 0, "-keep-inactive", ""},
		{"bad flag", []string{"-nope"}, 2, "", "flag provided but not defined"},
		{"two paths", []string{"a", "b"}, 2, "", "one path at most"},
		{"missing path", []string{"/no/such/hsds"}, 1, "", "hsds-import:"},
		{"bad zone", []string{"-zone", "Mars/Olympus", "-n", "5"}, 1, "", "Mars/Olympus"},
		{"offline", []string{"-n", "20", "-k", "2"}, 0, "median of the placed providers", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := realMain(tc.args, &out, &errb)
			assert.Equal(t, tc.code, code, "stdout %q stderr %q", out.String(), errb.String())
			assert.True(t, strings.Contains(out.String(), tc.out), "stdout %q want %q", out.String(), tc.out)
			assert.True(t, strings.Contains(errb.String(), tc.err), "stderr %q want %q", errb.String(), tc.err)
		})
	}
}
