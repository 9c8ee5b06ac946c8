package synth_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

func TestStudents(t *testing.T) {
	t.Parallel()
	withInterests := synth.ExampleCohort()
	withInterests.Interests = synth.CohortInterests()
	withInterests.InterestsMin, withInterests.InterestsMax = 0, 2
	box := orb.Bound{Min: orb.Point{-85.3, 35.0}, Max: orb.Point{-85.2, 35.1}}
	inBox := synth.RegionHomes(orb.Bound{Min: orb.Point{-85.5, 34.9}, Max: orb.Point{-85.0, 35.3}}, box.Contains)
	tests := []struct {
		name string
		spec synth.CohortSpec
		home func(*rand.Rand) orb.Point
		area orb.Bound
	}{
		{"benchmark", synth.BenchmarkCohort(), synth.MetroHomes, synth.Metro},
		{"example", synth.ExampleCohort(), inBox, box},
		{"interests", withInterests, synth.MetroHomes, synth.Metro},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const n = 4000
			ss := synth.Students(3, n, tc.spec, tc.home)
			require.Len(t, ss, n)
			assert.Equal(t, ss, synth.Students(3, n, tc.spec, tc.home), "same seed, same students")
			assert.NotEqual(t, ss, synth.Students(4, n, tc.spec, tc.home), "another seed, other students")
			var modes [8]int
			var sev [4]int
			needs, interests := 0, 0
			for i, s := range ss {
				assert.True(t, tc.area.Contains(s.Home), "student %d home %v", i, s.Home)
				assert.GreaterOrEqual(t, s.Age, tc.spec.AgeMin)
				assert.LessOrEqual(t, s.Age, tc.spec.AgeMax)
				assert.Equal(t, tc.spec.Grade, s.HasGrade)
				if s.HasGrade {
					assert.Equal(t, s.Age-5, s.Grade)
				}
				assert.GreaterOrEqual(t, len(s.Needs), tc.spec.NeedsMin)
				assert.LessOrEqual(t, len(s.Needs), tc.spec.NeedsMax)
				assert.GreaterOrEqual(t, len(s.Interests), tc.spec.InterestsMin)
				assert.LessOrEqual(t, len(s.Interests), tc.spec.InterestsMax)
				seen := map[string]bool{}
				for _, nd := range s.Needs {
					assert.False(t, seen[nd.Category], "student %d: %s twice", i, nd.Category)
					seen[nd.Category] = true
					sev[nd.Severity]++
				}
				seenI := map[string]bool{}
				for _, in := range s.Interests {
					assert.False(t, seenI[in.Category], "student %d: interest %s twice", i, in.Category)
					seenI[in.Category] = true
				}
				needs += len(s.Needs)
				interests += len(s.Interests)
				modes[s.Constraints.Mode]++
			}
			// Shares within a few standard errors of the spec.
			assert.InDelta(t, tc.spec.Sev3, float64(sev[3])/float64(needs), 0.03)
			assert.InDelta(t, tc.spec.Sev2Plus, float64(sev[3]+sev[2])/float64(needs), 0.03)
			for _, m := range tc.spec.Modes {
				assert.InDelta(t, m.Share, float64(modes[m.Mode])/n, 0.03, "mode %v", m.Mode)
			}
			if tc.spec.InterestsMax > 0 {
				assert.InDelta(t, float64(tc.spec.InterestsMin+tc.spec.InterestsMax)/2, float64(interests)/n, 0.1)
			} else {
				assert.Zero(t, interests)
			}
		})
	}
}

// TestStudentsValid checks that every generated student passes the
// matcher's validation on a synthetic directory.
func TestStudentsValid(t *testing.T) {
	t.Parallel()
	spec := synth.BenchmarkCohort()
	spec.Interests = synth.CohortInterests()
	spec.InterestsMax = 2
	ss := synth.Students(1, 300, spec, synth.MetroHomes)
	net, err := synth.Transit(1)
	require.NoError(t, err)
	dir := buildDirectory(t, net)
	m, err := match.New(t.Context(), dir, match.Config{})
	require.NoError(t, err)
	for i, s := range ss {
		err := m.Validate(s)
		assert.NoError(t, err, "student %d", i)
	}
}

func buildDirectory(t *testing.T, net *transit.Network) *directory.Directory {
	t.Helper()
	b := directory.NewBuilder()
	b.Transit = net
	for _, p := range synth.Providers(1, 500) {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}
