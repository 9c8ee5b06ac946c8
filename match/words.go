package match

import (
	"slices"
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

// OwnWords returns how many of the item's words the provider's own
// listing (name, keywords, description) contains; CategoryWords how many
// more were found only among its categories' labels and synonyms.
func (c *Candidate) OwnWords() int { return int(c.words) }

// CategoryWords returns how many of the item's words were found only
// among the labels and synonyms of the provider's categories.
func (c *Candidate) CategoryWords() int { return int(c.catWords) }

// namesInterest reports whether an interest's candidate is named by its
// own listing: an interest names an activity ("soccer"), and a provider
// whose listing says so ranks above every one that offers it only by
// category (every sports program shares the synonym "soccer"). Needs are
// ranked by score alone: their category is the need itself.
func (pi *pitem) namesInterest(c *Candidate) bool {
	return pi.Kind == KindInterest && c.words > 0
}

// ownIndex is an inverted index of the words of providers' own listings:
// each maximal run of word bytes (see wordByte) of a name, keyword or
// description, ASCII letters lower-cased, with the ordinals of the
// providers using it. A token t begins a word of a listing (hasWord) only
// if t, cut at its first apostrophe, is a prefix of one of these words,
// so the providers under the words a token prefixes are a superset of
// those whose listing has it. Built once per Matcher: O(listing bytes),
// 4 bytes per distinct word of each listing (on the 100,000-provider
// synthetic metro: 264 words, 2.0 million postings, 8 MB).
type ownIndex struct {
	words []string  // sorted, unique
	post  [][]int32 // provider ordinals per word, ascending
}

// listingWords calls fn with each word of p's own listing (name,
// keywords, description), lower-cased, possibly more than once.
func listingWords(p *directory.Provider, buf []byte, fn func(w []byte)) []byte {
	add := func(s string) {
		for j := 0; j < len(s); {
			if !wordByte(s[j]) {
				j++
				continue
			}
			k := j
			for k < len(s) && wordByte(s[k]) {
				k++
			}
			buf = buf[:0]
			for _, b := range []byte(s[j:k]) {
				buf = append(buf, lower(b))
			}
			fn(buf)
			j = k
		}
	}
	add(p.Name)
	for _, k := range p.Keywords {
		add(k)
	}
	add(p.Description)
	return buf
}

func buildOwnIndex(m *Matcher) ownIndex {
	byWord := map[string][]int32{}
	var buf []byte
	for i := range m.slots() {
		p := m.prov(i)
		if p == nil {
			continue
		}
		buf = listingWords(p, buf, func(w []byte) {
			ps := byWord[string(w)]
			if len(ps) == 0 || ps[len(ps)-1] != i {
				byWord[string(w)] = append(ps, i)
			}
		})
	}
	o := ownIndex{words: make([]string, 0, len(byWord))}
	for w := range byWord {
		o.words = append(o.words, w)
	}
	slices.Sort(o.words)
	o.post = make([][]int32, len(o.words))
	for i, w := range o.words {
		o.post[i] = byWord[w]
	}
	return o
}

// update returns the index after the providers in slots changed from
// before(slot) to after(slot) (nil: absent), sharing the posting lists of
// untouched words: O(words + touched postings + changes × listing).
// Words no provider uses any more are dropped, as a fresh build has it.
func (o *ownIndex) update(slots []int32, before, after func(int32) *directory.Provider) ownIndex {
	type edit struct{ del, add []int32 }
	edits := map[string]*edit{}
	var buf []byte
	wordsOf := func(p *directory.Provider) map[string]bool {
		set := map[string]bool{}
		if p != nil {
			buf = listingWords(p, buf, func(w []byte) { set[string(w)] = true })
		}
		return set
	}
	get := func(w string) *edit {
		e := edits[w]
		if e == nil {
			e = new(edit)
			edits[w] = e
		}
		return e
	}
	for _, s := range slots {
		was, now := wordsOf(before(s)), wordsOf(after(s))
		for w := range was {
			if !now[w] {
				get(w).del = append(get(w).del, s)
			}
		}
		for w := range now {
			if !was[w] {
				get(w).add = append(get(w).add, s)
			}
		}
	}
	if len(edits) == 0 {
		return *o
	}
	words := slices.Clone(o.words)
	for w := range edits {
		if _, found := slices.BinarySearch(o.words, w); !found {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	out := ownIndex{words: words[:0:0], post: make([][]int32, 0, len(words))}
	for _, w := range words {
		var post []int32
		if i, found := slices.BinarySearch(o.words, w); found {
			post = o.post[i]
		}
		if e := edits[w]; e != nil {
			slices.Sort(e.del)
			slices.Sort(e.add)
			next := make([]int32, 0, len(post)+len(e.add))
			for _, s := range post {
				if _, gone := slices.BinarySearch(e.del, s); !gone {
					next = append(next, s)
				}
			}
			next = append(next, e.add...)
			slices.Sort(next)
			post = next
		}
		if len(post) > 0 {
			out.words = append(out.words, w)
			out.post = append(out.post, post)
		}
	}
	return out
}

// candidates appends to dst[:0] the ordinals, ascending and unique, of
// providers whose own listing may contain one of tokens.
func (o *ownIndex) candidates(tokens []string, dst []int32) []int32 {
	dst = dst[:0]
	for _, t := range tokens {
		if i := strings.IndexByte(t, '\''); i >= 0 {
			t = t[:i]
		}
		if t == "" {
			continue
		}
		i, _ := slices.BinarySearch(o.words, t)
		for ; i < len(o.words) && strings.HasPrefix(o.words[i], t); i++ {
			dst = append(dst, o.post[i]...)
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}
