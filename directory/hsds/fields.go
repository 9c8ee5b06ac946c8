package hsds

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/wraparound/wraparound/directory"
)

// Eligibility text. The canonical sentences are what WriteJSON appends for
// fields the free text does not already state; ReadJSON strips them back
// off the notes, so a round trip keeps Eligibility unchanged.
var (
	reAgeRange = regexp.MustCompile(`(?i)\bages?d?\s+(\d{1,3})\s*(?:-|–|to|through|thru)\s*(\d{1,3})\b`)
	reAgeMin   = regexp.MustCompile(`(?i)\b(?:ages?d?\s+)?(\d{1,3})\s*(?:\+|years?(?: old)?\s+(?:and|or)\s+(?:over|older|up)|(?:and|or)\s+(?:over|older|up))`)
	reAgeUnder = regexp.MustCompile(`(?i)\b(?:under|younger than|below)\s+(?:age\s+)?(\d{1,3})\b`)
	reAgeMax   = regexp.MustCompile(`(?i)\b(?:ages?d?\s+)?(\d{1,3})\s*(?:years?(?: old)?\s+)?(?:and|or)\s+(?:under|younger)\b`)
	reGrades   = regexp.MustCompile(`(?i)\bgrades?\s+(pre-?k|pk|k|\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|through|thru)\s*(k|\d{1,2})(?:st|nd|rd|th)?\b`)
	reGrade    = regexp.MustCompile(`(?i)\b(?:grade\s+(\d{1,2})\b|(\d{1,2})(?:st|nd|rd|th)\s+grade(?:rs)?\b)`)
	reFPL      = regexp.MustCompile(`(?i)\b(\d{2,3})\s*%\s*(?:of\s+(?:the\s+)?)?(?:federal poverty|fpl|poverty)`)
	reCanon    = regexp.MustCompile(`\s*(?:Grades (?:PK|K|\d{1,2})-(?:K|\d{1,2})\.|Income limit \d+% FPL\.|Residents of [^\s:]+:[^.]+ only\.)\s*$`)
)

func gradeNum(s string) (int, bool) {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "")) {
	case "prek", "pk":
		return directory.GradePreK, true
	case "k":
		return directory.GradeK, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 12
}

func gradeName(g int) string {
	switch g {
	case directory.GradePreK:
		return "PK"
	case directory.GradeK:
		return "K"
	}
	return strconv.Itoa(g)
}

// parseEligibility reads ages, grades, income limit and residency from
// eligibility text. Ages are used only when the structured minimum_age and
// maximum_age fields are blank (the caller decides). Notes keep the text
// less any canonical sentences.
func parseEligibility(text string) (e directory.Eligibility, minAge, maxAge int) {
	if strings.TrimSpace(text) == "" {
		return e, 0, 0
	}
	notes := text
	for {
		loc := reCanon.FindStringIndex(notes)
		if loc == nil {
			break
		}
		canon := strings.TrimSpace(notes[loc[0]:])
		notes = strings.TrimSpace(notes[:loc[0]])
		if rest, ok := strings.CutPrefix(canon, "Residents of "); ok {
			e.Residency = strings.TrimSuffix(rest, " only.")
		}
	}
	e.Notes = notes
	if m := reGrades.FindStringSubmatch(text); m != nil {
		lo, ok1 := gradeNum(m[1])
		hi, ok2 := gradeNum(m[2])
		if ok1 && ok2 && lo <= hi {
			e.HasGrades, e.MinGrade, e.MaxGrade = true, lo, hi
		}
	} else if m := reGrade.FindStringSubmatch(text); m != nil {
		g := m[1] + m[2]
		if n, ok := gradeNum(g); ok {
			e.HasGrades, e.MinGrade, e.MaxGrade = true, n, n
		}
	}
	if m := reFPL.FindStringSubmatch(text); m != nil {
		e.IncomeLimitFPL, _ = strconv.Atoi(m[1])
	}
	// Ages, from the text with grade and income phrases removed so that
	// "grades 6-12" and "200%" are not read as ages.
	t := reGrades.ReplaceAllString(text, " ")
	t = reFPL.ReplaceAllString(t, " ")
	if m := reAgeRange.FindStringSubmatch(t); m != nil {
		minAge, _ = strconv.Atoi(m[1])
		maxAge, _ = strconv.Atoi(m[2])
	} else {
		if m := reAgeMin.FindStringSubmatch(t); m != nil {
			minAge, _ = strconv.Atoi(m[1])
		}
		if m := reAgeUnder.FindStringSubmatch(t); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > 0 {
				maxAge = n - 1
			}
		} else if m := reAgeMax.FindStringSubmatch(t); m != nil {
			maxAge, _ = strconv.Atoi(m[1])
		}
	}
	if minAge > 130 || maxAge > 130 || (maxAge > 0 && maxAge < minAge) {
		minAge, maxAge = 0, 0
	}
	return e, minAge, maxAge
}

// eligibilityText renders e as text: its notes followed by a canonical
// sentence for each field the notes do not already state.
func eligibilityText(e directory.Eligibility) string {
	parts := []string{}
	if e.Notes != "" {
		parts = append(parts, e.Notes)
	}
	got, _, _ := parseEligibility(e.Notes)
	if e.HasGrades && (!got.HasGrades || got.MinGrade != e.MinGrade || got.MaxGrade != e.MaxGrade) {
		parts = append(parts, "Grades "+gradeName(e.MinGrade)+"-"+gradeName(e.MaxGrade)+".")
	}
	if e.IncomeLimitFPL > 0 && got.IncomeLimitFPL != e.IncomeLimitFPL {
		parts = append(parts, "Income limit "+strconv.Itoa(e.IncomeLimitFPL)+"% FPL.")
	}
	if e.Residency != "" {
		parts = append(parts, "Residents of "+e.Residency+" only.")
	}
	return strings.Join(parts, " ")
}

// costFromText classifies fee text: sliding scale, free, or a fee.
func costFromText(s string) directory.Cost {
	t := " " + normWords(s) + " "
	switch {
	case strings.TrimSpace(t) == "":
		return directory.CostUnknown
	case strings.Contains(t, " sliding "):
		return directory.CostSlidingScale
	case strings.Contains(t, " free ") || strings.Contains(t, " no cost ") || strings.Contains(t, " no charge ") ||
		strings.Contains(t, " no fee ") || strings.Contains(t, " no fees ") || strings.Contains(t, " gratis "):
		return directory.CostFree
	case strings.Contains(t, " fee") || strings.Contains(t, " pay") || strings.Contains(t, " charge") ||
		strings.Contains(t, " cost") || strings.Contains(t, " per ") || strings.ContainsAny(s, "$£€"):
		return directory.CostFee
	}
	return directory.CostUnknown
}

// costText is the fees_description WriteJSON gives each Cost.
func costText(c directory.Cost) string {
	switch c {
	case directory.CostFree:
		return "Free"
	case directory.CostSlidingScale:
		return "Sliding scale"
	case directory.CostFee:
		return "Fees apply"
	}
	return ""
}

// languages maps ISO 639-2/3 codes and English and native names of the
// languages most common in U.S. listings onto ISO 639-1.
var languages = map[string]string{
	"eng": "en", "english": "en", "spa": "es", "spanish": "es", "español": "es", "espanol": "es",
	"fra": "fr", "fre": "fr", "french": "fr", "deu": "de", "ger": "de", "german": "de",
	"zho": "zh", "chi": "zh", "chinese": "zh", "mandarin": "zh", "cantonese": "zh",
	"vie": "vi", "vietnamese": "vi", "ara": "ar", "arabic": "ar", "kor": "ko", "korean": "ko",
	"rus": "ru", "russian": "ru", "por": "pt", "portuguese": "pt", "tgl": "tl", "tagalog": "tl",
	"fil": "tl", "filipino": "tl", "hin": "hi", "hindi": "hi", "urd": "ur", "urdu": "ur",
	"pol": "pl", "polish": "pl", "slk": "sk", "slo": "sk", "slovak": "sk", "som": "so", "somali": "so",
	"swa": "sw", "swahili": "sw", "amh": "am", "amharic": "am", "tir": "ti", "tigrinya": "ti",
	"hat": "ht", "haitian creole": "ht", "creole": "ht", "jpn": "ja", "japanese": "ja",
	"ita": "it", "italian": "it", "fas": "fa", "per": "fa", "persian": "fa", "farsi": "fa",
	"pus": "ps", "pashto": "ps", "nep": "ne", "nepali": "ne", "mya": "my", "bur": "my", "burmese": "my",
	"khm": "km", "khmer": "km", "lao": "lo", "ukr": "uk", "ukrainian": "uk", "ben": "bn", "bengali": "bn",
	"guj": "gu", "gujarati": "gu", "pan": "pa", "punjabi": "pa", "tha": "th", "thai": "th",
	"hmong": "hmn", "asl": "sgn", "american sign language": "sgn", "sign language": "sgn",
	"kinyarwanda": "rw", "kin": "rw", "karen": "kar", "dari": "prs", "prs": "prs",
}

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "fr": "French", "de": "German", "zh": "Chinese",
	"vi": "Vietnamese", "ar": "Arabic", "ko": "Korean", "ru": "Russian", "pt": "Portuguese",
	"tl": "Tagalog", "hi": "Hindi", "ur": "Urdu", "pl": "Polish", "sk": "Slovak", "so": "Somali",
	"sw": "Swahili", "am": "Amharic", "ti": "Tigrinya", "ht": "Haitian Creole", "ja": "Japanese",
	"it": "Italian", "fa": "Persian", "ps": "Pashto", "ne": "Nepali", "my": "Burmese", "km": "Khmer",
	"lo": "Lao", "uk": "Ukrainian", "bn": "Bengali", "gu": "Gujarati", "pa": "Punjabi", "th": "Thai",
	"hmn": "Hmong", "sgn": "Sign language", "rw": "Kinyarwanda", "kar": "Karen", "prs": "Dari",
}

// langCode normalises a language code or name to lower-case ISO 639-1 (or
// a 639-3 code where there is no 639-1 one).
func langCode(code, name string) (string, bool) {
	for _, s := range []string{code, name} {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			continue
		}
		if i := strings.IndexAny(s, "-_"); i > 0 && i <= 3 {
			s = s[:i] // "en-US"
		}
		if v, ok := languages[s]; ok {
			return v, true
		}
		if _, ok := languageNames[s]; ok {
			return s, true
		}
		if len(s) == 2 && isLower(s) {
			return s, true
		}
		if len(s) == 3 && isLower(s) && s == strings.ToLower(strings.TrimSpace(code)) {
			return s, true
		}
	}
	return "", false
}

func isLower(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// truthy reads a yes/no flag.
func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "yes", "y", "x":
		return true
	}
	return false
}

// wheelchairText reports whether accessibility text says the place is
// wheelchair accessible.
func wheelchairText(s string) bool {
	t := normWords(s)
	i := strings.Index(t, "wheelchair")
	if i < 0 {
		return false
	}
	before := t[:i]
	return !strings.HasSuffix(before, "no ") && !strings.HasSuffix(before, "not ") && !strings.Contains(t, "not wheelchair") && !strings.Contains(t, "no wheelchair")
}

// parseNum reads a number field, tolerating "12.0" and stray spaces.
func parseNum(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}
