package hsds

import (
	"errors"
	"maps"
	"sort"
	"strings"
	"unicode"

	"github.com/wraparound/wraparound/directory"
)

// Taxonomy is the name under which exports file wraparound's own category
// codes, flags and keywords as HSDS taxonomy terms, and under which imports
// recognise them.
const Taxonomy = "wraparound"

// Mapping maps codes or names of another taxonomy (211/AIRS, a city's own
// list) onto category codes of the directory's taxonomy. Keys are matched
// against a term's code first, then its name, case-insensitively and with
// "&" read as "and". Hierarchical codes fall back to their ancestors:
// with "BD-1800.2000" mapped, the term "BD-1800.2000-620" maps too. A key
// may be prefixed with the taxonomy's name and a colon ("airs:BD-1800") to
// apply only to terms of that taxonomy.
type Mapping map[string]string

// OpenEligibility maps Open Eligibility service terms (the HSDS default
// taxonomy), by name, onto the default taxonomy's categories. Only terms
// that fit a category are listed; the others are kept as keywords and
// reported. Open Eligibility's "human situation" terms (Children, Seniors,
// Low-Income…) describe who is served, not what: they are kept as
// keywords without being reported.
var openEligibility = Mapping{
	// Food
	"food":                "basic.food",
	"emergency food":      "basic.food.pantry",
	"food pantry":         "basic.food.pantry",
	"food pantries":       "basic.food.pantry",
	"food delivery":       "basic.food",
	"meals":               "basic.food.meals",
	"free meals":          "basic.food.meals",
	"nutrition education": "basic.food",
	"help pay for food":   "family.benefits",
	"food benefits":       "family.benefits",
	// Housing and utilities
	"housing":                "basic.housing",
	"emergency shelter":      "basic.housing.shelter",
	"temporary shelter":      "basic.housing.shelter",
	"shelter":                "basic.housing.shelter",
	"help find housing":      "basic.housing",
	"help pay for housing":   "basic.housing.rent",
	"housing advice":         "basic.housing",
	"residential housing":    "basic.housing",
	"utilities":              "basic.utilities",
	"help pay for utilities": "basic.utilities",
	"emergency payments":     "basic",
	// Goods
	"goods":               "basic",
	"clothing":            "basic.clothing",
	"clothes for school":  "basic.clothing",
	"clothes for work":    "basic.clothing",
	"school uniforms":     "basic.clothing",
	"supplies for school": "basic.supplies",
	"school supplies":     "basic.supplies",
	// Transit
	"transit":              "basic.transportation",
	"transportation":       "basic.transportation",
	"bus passes":           "basic.transportation",
	"help pay for transit": "basic.transportation",
	// Health
	"health":                         "health",
	"medical care":                   "health.primary",
	"primary care":                   "health.primary",
	"checkup and test":               "health.primary",
	"vaccinations":                   "health.primary",
	"immunizations":                  "health.primary",
	"dental care":                    "health.dental",
	"vision care":                    "health.vision",
	"eye care":                       "health.vision",
	"mental health care":             "health.mental",
	"mental health":                  "health.mental",
	"counseling":                     "health.mental",
	"psychiatric emergency services": "health.mental",
	"addiction and recovery":         "health.substance",
	"substance abuse":                "health.substance",
	"help pay for healthcare":        "family.benefits",
	"health insurance":               "family.benefits",
	// Money and benefits
	"government benefits": "family.benefits",
	"help find benefits":  "family.benefits",
	// Care
	"childcare":           "education.early",
	"daytime care":        "education.early",
	"help find childcare": "education.early",
	"preschool":           "education.early",
	"parenting education": "family.parenting",
	"family support":      "family",
	// Education
	"education":             "education",
	"tutoring":              "education.tutoring",
	"mentoring":             "education.mentoring",
	"after school care":     "education.afterschool",
	"after school programs": "education.afterschool",
	"help pay for school":   "education.college",
	"college readiness":     "education.college",
	// Work
	"work":                "work",
	"help find work":      "work.jobs",
	"job placement":       "work.jobs",
	"skills and training": "work",
	"internship":          "work.internships",
	"internships":         "work.internships",
	// Legal
	"legal":                       "family.legal",
	"advocacy and legal aid":      "family.legal",
	"legal aid":                   "family.legal",
	"citizenship and immigration": "family.legal",
	"immigration":                 "family.legal",
	// Recreation
	"sports and recreation": "enrichment.sports",
	"sports":                "enrichment.sports",
	"recreation":            "enrichment",
	"arts and culture":      "enrichment.arts",
	"arts":                  "enrichment.arts",
	"music":                 "enrichment.music",
	"summer camp":           "enrichment.summer",
	"camps":                 "enrichment.summer",
}

// OpenEligibility returns the built-in mapping of Open Eligibility terms
// (by name or slug) to the default taxonomy: a fresh map each call, which
// the caller may extend and pass as Options.Mapping.
func OpenEligibility() Mapping { return maps.Clone(openEligibility) }

// situations are Open Eligibility's human-situation terms: who a service
// is for. They become keywords without a problem.
var situations = map[string]bool{
	"children": true, "teens": true, "youth": true, "adults": true, "seniors": true,
	"families": true, "low income": true, "low-income": true, "veterans": true,
	"homeless": true, "immigrants": true, "disabled": true, "students": true,
	"women": true, "men": true, "lgbtq": true, "anyone in need": true, "all ages": true,
	"young adults": true, "infants": true, "toddlers": true, "parents": true,
}

// normTerm normalises a term code or name for matching: lower case,
// "&" as "and", dashes and underscores in slugs as spaces, runs of space
// collapsed.
func normTerm(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "&", " and ")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '_' || r == '-' || r == '/' || r == ','
	}), " ")
}

// mapper resolves taxonomy terms to categories.
type mapper struct {
	tax    *directory.Taxonomy
	user   map[string]string // normalised key → code
	oe     map[string]string
	guessW []guessWord
}

type guessWord struct {
	word string // normalised, with a space on each side
	code string
}

func newMapper(tax *directory.Taxonomy, user Mapping) (*mapper, error) {
	m := &mapper{tax: tax, user: map[string]string{}, oe: map[string]string{}}
	var errs []error
	for k, v := range user {
		if err := tax.Check(v); err != nil {
			errs = append(errs, err)
			continue
		}
		if tx, code, ok := strings.Cut(k, ":"); ok && !strings.Contains(tx, " ") && tx != "" {
			m.user[normTerm(tx)+":"+strings.ToLower(strings.TrimSpace(code))] = v
			m.user[normTerm(tx)+":"+normTerm(code)] = v
			continue
		}
		m.user[strings.ToLower(strings.TrimSpace(k))] = v
		m.user[normTerm(k)] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for k, v := range openEligibility {
		if tax.Check(v) == nil {
			m.oe[normTerm(k)] = v
		}
	}
	for _, c := range tax.All() {
		if c.Code == directory.Uncategorised {
			continue // never guessed: it says no category fits
		}
		words := append([]string{c.Label}, c.Synonyms...)
		for _, w := range words {
			w = normWords(w)
			if len(w) >= 3 {
				m.guessW = append(m.guessW, guessWord{" " + w + " ", c.Code})
			}
		}
	}
	return m, nil
}

// resolve returns the category for a term, or "" and whether the term is
// a human situation (a keyword that needs no report).
func (m *mapper) resolve(t Term) (code string, situation bool) {
	tx := normTerm(t.Taxonomy)
	code = strings.TrimSpace(t.Code)
	if tx == Taxonomy || tx == "" {
		if m.tax.Check(code) == nil {
			return code, false
		}
	}
	// Caller's table: by taxonomy-qualified code, by code with ancestors,
	// then by name.
	for c := code; c != ""; c = parentCode(c) {
		lc := strings.ToLower(c)
		if v, ok := m.user[tx+":"+lc]; ok && tx != "" {
			return v, false
		}
		if v, ok := m.user[lc]; ok {
			return v, false
		}
	}
	if n := normTerm(t.Name); n != "" {
		if v, ok := m.user[tx+":"+n]; ok && tx != "" {
			return v, false
		}
		if v, ok := m.user[n]; ok {
			return v, false
		}
	}
	for _, k := range []string{normTerm(t.Name), normTerm(code)} {
		if v, ok := m.oe[k]; ok && k != "" {
			return v, false
		}
	}
	return "", situations[normTerm(t.Name)] || situations[normTerm(code)]
}

// parentCode strips the last segment of a hierarchical code ("BD-1800.2000"
// from "BD-1800.2000-620"), or returns "".
func parentCode(c string) string {
	i := strings.LastIndexAny(c, ".-")
	if i <= 0 {
		return ""
	}
	return c[:i]
}

// guess picks a category from free text by the taxonomy's labels and
// synonyms: the deepest category with a whole-word match, ties broken by
// the number of matches and then by code.
func (m *mapper) guess(texts ...string) string {
	score := map[string]int{}
	for _, t := range texts {
		t = " " + normWords(t) + " "
		for _, g := range m.guessW {
			if strings.Contains(t, g.word) {
				score[g.code]++
			}
		}
		if len(score) > 0 {
			break // earlier texts (term names, service name) outrank later ones
		}
	}
	if len(score) == 0 {
		return ""
	}
	codes := make([]string, 0, len(score))
	for c := range score {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		a, b := codes[i], codes[j]
		if directory.Depth(a) != directory.Depth(b) {
			return directory.Depth(a) > directory.Depth(b)
		}
		if score[a] != score[b] {
			return score[a] > score[b]
		}
		return a < b
	})
	return codes[0]
}

// normWords lower-cases s and keeps only its words, single-spaced.
func normWords(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ")
}
