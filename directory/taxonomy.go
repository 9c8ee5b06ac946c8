package directory

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Category is one node of a Taxonomy.
type Category struct {
	// Code identifies the category. Codes are dot-separated paths: the
	// parent of "basic.food.pantry" is "basic.food", whose parent is
	// "basic". Codes are lower case ASCII letters, digits, '-' and '.'.
	Code string `json:"code"`
	// Label is the English name shown to people.
	Label string `json:"label"`
	// Synonyms are other words people use for the category, in English and
	// Spanish ("food bank", "despensa de alimentos"). Text search indexes
	// them, and category suggestion matches them.
	Synonyms []string `json:"synonyms,omitempty"`
}

// Parent returns the code of c's parent, or "" for a top-level category.
func (c Category) Parent() string { return ParentCode(c.Code) }

// ParentCode returns the parent of a category code ("basic.food" for
// "basic.food.pantry"), or "" for a top-level code.
func ParentCode(code string) string {
	if i := strings.LastIndexByte(code, '.'); i >= 0 {
		return code[:i]
	}
	return ""
}

// IsUnder reports whether code is ancestor or a descendant of it: code ==
// ancestor, or code starts with ancestor + ".".
func IsUnder(code, ancestor string) bool {
	return code == ancestor || (len(code) > len(ancestor) && code[len(ancestor)] == '.' && strings.HasPrefix(code, ancestor))
}

// Taxonomy is an immutable tree of categories. It is safe for concurrent
// use.
type Taxonomy struct {
	cats     []Category // sorted by code: a subtree is a contiguous run
	byCode   map[string]int
	children map[string][]string
}

// Errors returned by NewTaxonomy and by lookups of unknown codes.
var (
	ErrUnknownCategory = errors.New("directory: unknown category")
	ErrBadCategoryCode = errors.New("directory: malformed category code")
	ErrDuplicateCode   = errors.New("directory: duplicate category code")
	ErrOrphanCategory  = errors.New("directory: category's parent is not in the taxonomy")
)

// NewTaxonomy builds a taxonomy from categories in any order. Every
// category's parent must be present, codes must be unique and well formed
// and every label non-empty; all problems are reported together.
func NewTaxonomy(cats []Category) (*Taxonomy, error) {
	t := &Taxonomy{
		cats:     make([]Category, len(cats)),
		byCode:   make(map[string]int, len(cats)),
		children: make(map[string][]string),
	}
	copy(t.cats, cats)
	sort.Slice(t.cats, func(i, j int) bool { return t.cats[i].Code < t.cats[j].Code })
	var errs []error
	for i, c := range t.cats {
		if !validCode(c.Code) {
			errs = append(errs, fmt.Errorf("%w: %q", ErrBadCategoryCode, c.Code))
			continue
		}
		if strings.TrimSpace(c.Label) == "" {
			errs = append(errs, fmt.Errorf("%w: %q has no label", ErrBadCategoryCode, c.Code))
		}
		if _, dup := t.byCode[c.Code]; dup {
			errs = append(errs, fmt.Errorf("%w: %q", ErrDuplicateCode, c.Code))
			continue
		}
		t.byCode[c.Code] = i
	}
	for _, c := range t.cats {
		if p := c.Parent(); p != "" {
			if _, ok := t.byCode[p]; !ok {
				errs = append(errs, fmt.Errorf("%w: %q (parent %q)", ErrOrphanCategory, c.Code, p))
				continue
			}
			t.children[p] = append(t.children[p], c.Code)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

func validCode(code string) bool {
	if code == "" || code[0] == '.' || code[len(code)-1] == '.' || strings.Contains(code, "..") {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// Len returns the number of categories.
func (t *Taxonomy) Len() int { return len(t.cats) }

// All returns every category sorted by code, so that each category is
// followed by its descendants. The slice is shared: do not modify it.
func (t *Taxonomy) All() []Category { return t.cats }

// Lookup returns the category with the given code.
func (t *Taxonomy) Lookup(code string) (Category, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return Category{}, false
	}
	return t.cats[i], true
}

// Check returns an error wrapping ErrUnknownCategory unless code is in the
// taxonomy.
func (t *Taxonomy) Check(code string) error {
	if _, ok := t.byCode[code]; !ok {
		return fmt.Errorf("%w: %q", ErrUnknownCategory, code)
	}
	return nil
}

// Children returns the codes of code's direct children, sorted.
func (t *Taxonomy) Children(code string) []string { return t.children[code] }

// Roots returns the top-level category codes, sorted.
func (t *Taxonomy) Roots() []string {
	var out []string
	for _, c := range t.cats {
		if c.Parent() == "" {
			out = append(out, c.Code)
		}
	}
	return out
}

// Subtree returns code and all its descendants, sorted by code.
func (t *Taxonomy) Subtree(code string) []string {
	i, ok := t.byCode[code]
	if !ok {
		return nil
	}
	out := []string{code}
	for j := i + 1; j < len(t.cats) && IsUnder(t.cats[j].Code, code); j++ {
		out = append(out, t.cats[j].Code)
	}
	return out
}

// Ancestors returns code's ancestors from its parent up to the root.
func (t *Taxonomy) Ancestors(code string) []string {
	var out []string
	for p := ParentCode(code); p != ""; p = ParentCode(p) {
		out = append(out, p)
	}
	return out
}

// Depth returns the number of ancestors of code (0 for a top-level code).
func Depth(code string) int { return strings.Count(code, ".") }
