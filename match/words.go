package match

import (
	"strings"
	"unicode"

	"github.com/wraparound/wraparound/directory"
)

// stopWords are left out of an item's words: they say nothing about a
// provider. English and Spanish.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "for": true, "of": true, "to": true, "in": true,
	"on": true, "at": true, "with": true, "my": true, "our": true, "his": true, "her": true, "their": true,
	"needs": true, "need": true, "help": true, "some": true, "new": true, "is": true, "be": true,
	"de": true, "la": true, "el": true, "los": true, "las": true, "y": true, "para": true, "un": true,
	"una": true, "con": true, "en": true, "por": true, "mi": true,
}

// tokenize splits words into lower-case search tokens: letters and digits,
// stop words dropped, plurals reduced ("glasses" → "glass", "pantries" →
// "pantry"). A token matches a listing word it begins.
func tokenize(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		f = strings.Trim(f, "'")
		if len(f) < 2 || stopWords[f] {
			continue
		}
		out = append(out, stem(f))
	}
	return out
}

// stem strips an English plural ending.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		return w[:n-1]
	}
	return w
}

// matchWords counts the tokens found at the start of a word of prov's own
// listing — name, keywords, description — and, separately, those found
// only in the labels and synonyms of its categories. A word the provider
// uses itself says more than one that every provider of the category
// shares, so the two count differently in the score. It does not allocate.
func (m *Matcher) matchWords(tokens []string, prov *directory.Provider) (own, viaCategory int) {
	for _, t := range tokens {
		switch {
		case hasWord(prov.Name, t) || anyHasWord(prov.Keywords, t) || hasWord(prov.Description, t):
			own++
		case m.inCategories(prov, t):
			viaCategory++
		}
	}
	return own, viaCategory
}

func (m *Matcher) inCategories(prov *directory.Provider, t string) bool {
	for _, c := range prov.Categories {
		if hasWord(m.catText[c], t) {
			return true
		}
	}
	return false
}

func anyHasWord(fields []string, t string) bool {
	for _, f := range fields {
		if hasWord(f, t) {
			return true
		}
	}
	return false
}

// hasWord reports whether token t (lower case) begins a word of s,
// comparing ASCII letters without case.
func hasWord(s, t string) bool {
	if len(t) == 0 {
		return false
	}
	first := t[0]
	for i := 0; i+len(t) <= len(s); i++ {
		if lower(s[i]) != first || (i > 0 && wordByte(s[i-1])) {
			continue
		}
		j := 1
		for j < len(t) && lower(s[i+j]) == t[j] {
			j++
		}
		if j == len(t) {
			return true
		}
	}
	return false
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// wordByte reports whether b can be part of a word: an ASCII letter or
// digit, or a byte of a multi-byte UTF-8 letter.
func wordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}
