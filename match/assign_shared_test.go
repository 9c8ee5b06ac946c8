package match_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

// TestAssignSharedRangesEqualAlone checks Assign's shared timetable work
// (profiles composed from per-stop ranges shared by the cohort and by
// both phases) against every student routed on its own as Plan routes
// them: the same Assignment as JSON (assigned pairs with their scores and
// explanations, unmet needs, utilisation, gaps, totals) and the same
// DIMACS export, which lists every candidate pair with its weight, so
// every candidate's travel time over its window shows through its score.
// Students of the benchmark cohort with most by transit (both window
// kinds: the default hour and the 4-hour after-school window), with
// MaxTotal and Stable, interests included.
func TestAssignSharedRangesEqualAlone(t *testing.T) {
	nstud, nprov := 200, 1500
	if testing.Short() || raceEnabled {
		nstud, nprov = 60, 600
	}
	b := directory.NewBuilder()
	b.Transit = synthNet(t)
	for _, p := range synth.Providers(11, nprov) {
		b.Add(p)
	}
	ctx := context.Background()
	d, err := b.Build(ctx)
	require.NoError(t, err)
	m, err := match.New(ctx, d, match.Config{Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	spec := synth.BenchmarkCohort()
	spec.Modes = []synth.ModeShare{{Mode: match.ModeTransit, Share: 0.8}, {Mode: match.ModeWalk, Share: 0.2}}
	spec.Interests, spec.InterestsMin, spec.InterestsMax = synth.CohortInterests(), 0, 1
	students := synth.Students(5, nstud, spec, synth.MetroHomes)
	transitStudents := 0
	for _, s := range students {
		if s.Constraints.Mode == match.ModeTransit {
			transitStudents++
		}
	}
	require.Greater(t, transitStudents, nstud/2)
	run := func(pol match.Policy) (string, string) {
		a, err := m.Assign(ctx, students, match.AssignOptions{Policy: pol})
		require.NoError(t, err)
		js, err := json.Marshal(struct {
			Assigned     []match.Assigned
			Unmet        []match.UnmetNeed
			Utilisation  []match.PoolUse
			Gaps         []match.CoverageGap
			InterestGaps []match.CoverageGap
			Lottery      []int
			Totals       match.Totals
		}{a.Assigned, a.Unmet, a.Utilisation, a.Gaps, a.InterestGaps, a.Lottery, a.Totals})
		require.NoError(t, err)
		var dimacs bytes.Buffer
		require.NoError(t, a.WriteDIMACS(&dimacs))
		return string(js), dimacs.String()
	}
	policies := []match.Policy{match.MaxTotal, match.Stable}
	if raceEnabled {
		policies = policies[:1] // the candidates are the policy's input: one shows them
	}
	for _, pol := range policies {
		t.Run(pol.String(), func(t *testing.T) {
			gotJSON, gotDIMACS := run(pol)
			restore := match.RouteAlone()
			wantJSON, wantDIMACS := run(pol)
			restore()
			assert.True(t, strings.Contains(gotJSON, " route "), "no assigned trip is by bus")
			if !assert.Equal(t, wantDIMACS, gotDIMACS, "candidate graph") {
				return
			}
			if wantJSON != gotJSON {
				assert.JSONEq(t, wantJSON, gotJSON, fmt.Sprintf("%v assignment", pol))
			}
		})
	}
}
