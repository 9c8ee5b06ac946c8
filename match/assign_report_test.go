package match_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/match"
)

// TestAnalystReport recounts every table of the analyst report from the
// staff report and checks that nothing from 1 to k−1 is published and
// that no total less its published cells reveals such a group.
func TestAnalystReport(t *testing.T) {
	t.Parallel()
	m := demoMatcher(t)
	for _, n := range []int{1, 7, 40, 300} {
		students := demoCohort(uint64(n), n)
		for _, words := range []bool{false, true} {
			if words {
				for i := range students {
					for j := range students[i].Needs {
						students[i].Needs[j].Words = "panic attacks after eviction"
					}
				}
			}
			a, err := m.Assign(context.Background(), students, match.AssignOptions{MaxCandidates: 8})
			require.NoError(t, err)
			staff := a.Staff()
			for _, k := range []int{1, 3, 10} {
				t.Run(fmt.Sprintf("n=%d/k=%d/words=%v", n, k, words), func(t *testing.T) {
					r, err := a.Analyst(k)
					require.NoError(t, err)
					checkAnalyst(t, staff, r, k)
				})
			}
			b, err := json.Marshal(a)
			require.NoError(t, err)
			for _, leak := range []string{"panic", "eviction", `"student"`, "explanation", "lottery"} {
				assert.NotContains(t, string(b), leak, "the default JSON of an Assignment is the analyst report")
			}
		}
	}
	_, err := (&match.Assignment{}).Analyst(-1)
	assert.ErrorIs(t, err, match.ErrBadSuppression)
}

func checkAnalyst(t *testing.T, staff match.StaffReport, r match.AnalystReport, k int) {
	t.Helper()
	// Independent recounts from the per-student lists.
	var needsSev, assignedSev [match.MaxSeverity + 1]int
	gaps := map[string]int{}
	byReason := map[match.UnmetReason]int{}
	for _, x := range staff.Assigned {
		needsSev[x.Severity]++
		assignedSev[x.Severity]++
	}
	for _, u := range staff.Unmet {
		needsSev[u.Severity]++
		gaps[u.Category+"|"+u.Region+"|"+u.Reason.String()]++
		byReason[u.Reason]++
	}
	published := func(c match.Count, want int, what string) {
		if c.Suppressed {
			assert.Zero(t, c.Value, what)
			return
		}
		assert.Equal(t, want, c.Value, what)
		if k > 1 {
			assert.False(t, c.Value > 0 && c.Value < k, "%s: %d published below k=%d", what, c.Value, k)
		}
	}
	// table checks one table: its cells and total, and that the
	// withheld cells add up to 0 or at least k when the total is shown.
	table := func(cells []match.Count, vals []int, total match.Count, want int, what string) {
		withheld := 0
		for i, c := range cells {
			published(c, vals[i], fmt.Sprintf("%s[%d]", what, i))
			if c.Suppressed {
				withheld += vals[i]
			}
		}
		published(total, want, what+" total")
		if !total.Suppressed {
			assert.False(t, withheld > 0 && withheld < k, "%s: withheld cells add up to %d < k=%d", what, withheld, k)
		}
	}
	table(r.NeedsBySeverity[1:], needsSev[1:], r.Needs, len(staff.Assigned)+len(staff.Unmet), "needs by severity")
	table(r.AssignedBySeverity[1:], assignedSev[1:], r.Assigned, len(staff.Assigned), "assigned by severity")
	reasonVals := make([]int, len(r.UnmetByReason))
	for reason := range r.UnmetByReason {
		reasonVals[reason] = byReason[match.UnmetReason(reason)]
		var cells []match.Count
		var vals []int
		for _, g := range r.Gaps {
			if g.Reason == match.UnmetReason(reason) {
				cells = append(cells, g.Needs)
				vals = append(vals, gaps[g.Category+"|"+g.Region+"|"+g.Reason.String()])
			}
		}
		table(cells, vals, r.UnmetByReason[reason], reasonVals[reason], "gaps "+match.UnmetReason(reason).String())
	}
	table(r.UnmetByReason[:], reasonVals, r.Unmet, len(staff.Unmet), "unmet by reason")
	n := 0
	for _, c := range r.Gaps {
		n += gaps[c.Category+"|"+c.Region+"|"+c.Reason.String()]
	}
	assert.Equal(t, len(staff.Unmet), n, "every unmet need is in one gap cell")
	pa := map[int]int{}
	for _, x := range staff.Assigned {
		pa[x.Pool]++
	}
	var cells []match.Count
	var vals []int
	for i, u := range r.Utilisation {
		cells = append(cells, u.Assigned)
		vals = append(vals, pa[i])
	}
	table(cells, vals, r.Assigned, len(staff.Assigned), "assigned by pool")
	if k == 1 {
		assert.Equal(t, staff.Totals.Objective, r.Objective)
		assert.False(t, strings.Contains(fmt.Sprint(r), "true"), "k=1 withholds nothing")
	}
}

func TestItemKindText(t *testing.T) {
	for _, k := range []match.ItemKind{match.KindNeed, match.KindInterest} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var got match.ItemKind
		require.NoError(t, got.UnmarshalText(b))
		assert.Equal(t, k, got)
	}
	var k match.ItemKind
	assert.ErrorIs(t, k.UnmarshalText([]byte("wish")), match.ErrBadItem)
}
