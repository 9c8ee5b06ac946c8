package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

func TestDefaultTaxonomy(t *testing.T) {
	t.Parallel()
	tax := directory.DefaultTaxonomy()
	assert.Equal(t, []string{"basic", "education", "enrichment", "family", "health", "other", "work"}, tax.Roots())
	assert.Equal(t, []string{"basic.food", "basic.food.groceries", "basic.food.meals", "basic.food.pantry"}, tax.Subtree("basic.food"))
	assert.Equal(t, []string{"basic.food", "basic"}, tax.Ancestors("basic.food.pantry"))
	c, ok := tax.Lookup("health.vision")
	require.True(t, ok)
	assert.Contains(t, c.Synonyms, "eye glasses")
	assert.Contains(t, c.Synonyms, "lentes")
	for _, need := range []string{"basic.housing", "basic.utilities", "basic.clothing", "basic.transportation", "health.primary", "health.dental", "health.mental", "health.substance", "education.tutoring", "education.mentoring", "education.afterschool", "education.early", "education.college", "enrichment.sports", "enrichment.arts", "enrichment.music", "enrichment.stem", "enrichment.summer", "work.jobs", "work.internships", "family.legal", "family.parenting", "family.benefits"} {
		assert.NoError(t, tax.Check(need))
	}
	assert.ErrorIs(t, tax.Check("health.eyes"), directory.ErrUnknownCategory)
	assert.True(t, directory.IsUnder("basic.food.pantry", "basic"))
	assert.False(t, directory.IsUnder("basic.foodie", "basic.food"))
}

func TestNewTaxonomyErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cats []directory.Category
		want error
	}{
		{"orphan", []directory.Category{{Code: "a.b", Label: "B"}}, directory.ErrOrphanCategory},
		{"duplicate", []directory.Category{{Code: "a", Label: "A"}, {Code: "a", Label: "A2"}}, directory.ErrDuplicateCode},
		{"malformed", []directory.Category{{Code: "A B", Label: "x"}}, directory.ErrBadCategoryCode},
		{"empty label", []directory.Category{{Code: "a", Label: ""}}, directory.ErrBadCategoryCode},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := directory.NewTaxonomy(tc.cats)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}
