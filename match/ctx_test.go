package match_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/ctxtest"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

// TestNewCancelled checks that New returns context.Canceled and no
// Matcher when its context ends before or at any of its looks at it,
// and that the directory still gives a working Matcher afterwards.
func TestNewCancelled(t *testing.T) {
	t.Parallel()
	const n = 9000
	b := directory.NewBuilder()
	for _, p := range synth.Providers(5, n) {
		b.Add(p)
	}
	dir, err := b.Build(t.Context())
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m, err := match.New(ctx, dir, match.Config{K: 3})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, m)

	looks := -1
	for i := 0; i < 1000; i++ {
		c := ctxtest.NewCountdown(i)
		m, err := match.New(c, dir, match.Config{K: 3})
		if err == nil {
			require.NotNil(t, m)
			looks = i
			break
		}
		require.ErrorIs(t, err, context.Canceled, "cancelled at look %d", i+1)
		assert.Nil(t, m, "cancelled at look %d", i+1)
	}
	// One look on entry; New reads no provider (it is a view over the
	// directory's index), so there is no loop to look from.
	assert.GreaterOrEqual(t, looks, 1)

	m, err = match.New(t.Context(), dir, match.Config{K: 3})
	require.NoError(t, err)
	p0, ok := dir.Provider("p000001")
	require.True(t, ok)
	plan, err := m.Plan(t.Context(), match.Student{Home: p0.Point(), Needs: []match.Need{{Category: p0.Categories()[0], Severity: 2}}})
	require.NoError(t, err)
	require.Len(t, plan.Items, 1)
	assert.NotEmpty(t, plan.Items[0].Matches, "a need of the category of the provider at home")
}
