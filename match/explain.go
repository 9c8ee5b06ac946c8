package match

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
)

// Reason explains one component of a candidate's score.
type Reason struct {
	Component Component `json:"component"`
	// Value is the component's value in [0, 1]; Weight its weight.
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	// Text says it in words for a Navigator.
	Text string `json:"text"`
}

// Explain returns a reason for each component that counts in c's score,
// in this order: travel, transit, schedule, language, cost, capacity,
// specificity, words. Travel times are estimates and say so, except on
// foot. Confidential providers' stops are not named.
func (p *Prepared) Explain(c *Candidate) []Reason {
	if c.Item < 0 || c.Item >= len(p.items) || c.Provider == nil {
		return nil
	}
	pi := &p.items[c.Item]
	prov := c.Provider
	order := [...]Component{Travel, Transit, Schedule, Language, Cost, Capacity, Specificity, Words}
	out := make([]Reason, 0, len(order))
	for _, comp := range order {
		if pi.w[comp] == 0 {
			continue
		}
		var text string
		switch comp {
		case Travel:
			text = p.travelText(c)
		case Transit:
			text = p.transitText(c)
		case Schedule:
			text = p.scheduleText(c)
		case Language:
			text = p.languageText(prov)
		case Cost:
			text = costText(prov.Cost)
		case Capacity:
			text = capacityText(prov)
		case Specificity:
			text = p.specificityText(c, pi)
		case Words:
			text = wordsText(c, pi)
		}
		out = append(out, Reason{Component: comp, Value: c.Components[comp], Weight: pi.w[comp], Text: text})
	}
	return out
}

func joinReasons(rs []Reason) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.Text != "" {
			parts = append(parts, r.Text)
		}
	}
	return strings.Join(parts, "; ")
}

// minutes renders a duration as "16 min" or "1 h 05 min", rounded to the
// minute (at least 1 min).
func minutes(d time.Duration) string {
	m := int(math.Round(d.Minutes()))
	if m < 1 {
		m = 1
	}
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

func (p *Prepared) travelText(c *Candidate) string {
	dist := c.Distance.String()
	switch c.By {
	case ModeWalk:
		return dist + ", " + minutes(c.Travel) + " walk"
	case ModeCar:
		return dist + ", about " + minutes(c.Travel) + " by car (estimate)"
	case ModeSchool:
		return dist + " from school, about " + minutes(c.Travel) + " by school transport (estimate)"
	}
	t := &c.trip
	stops := p.m.net.Stops()
	to := "the stop"
	if t.board >= 0 && int(t.board) < len(stops) {
		to = stops[t.board].Name
	}
	transfer := ""
	if t.transfer {
		transfer = fmt.Sprintf(", %s for a transfer", minutes(TransferTime))
	}
	return fmt.Sprintf("%s, about %s by bus (estimate: %s walk to %s, %s wait, %s ride%s, %s walk from the stop)",
		dist, minutes(c.Travel), minutes(t.walkTo), to, minutes(t.wait), minutes(t.ride), transfer, minutes(t.walkFrom))
}

func (p *Prepared) transitText(c *Candidate) string {
	if c.By == ModeWalk {
		return "walkable, no bus needed"
	}
	t := &c.trip
	net := p.m.net
	name := "a bus stop"
	if !c.Provider.Confidential {
		name = "bus stop " + net.Stops()[t.alight].Name
	}
	routes := net.RouteNamesAt(int(t.alight))
	rs := ""
	switch len(routes) {
	case 0:
	case 1:
		rs = ", route " + routes[0]
	default:
		rs = ", routes " + strings.Join(routes[:len(routes)-1], ", ") + " and " + routes[len(routes)-1]
	}
	when := ""
	if int(t.group) < len(p.groups) {
		g := &p.groups[t.group]
		when = " " + Window{Days: g.days, Start: g.start, End: g.end}.String()
	}
	return fmt.Sprintf("%s %s away%s, %s%s", name, t.alightWalk, rs, perHour(t.alRte), when)
}

func perHour(r float64) string {
	switch {
	case r >= 1.5:
		return fmt.Sprintf("%.0f buses an hour", r)
	case r >= 1:
		return "1 bus an hour"
	case r > 0:
		return fmt.Sprintf("a bus every %s", minutes(time.Duration(float64(time.Hour)/r)))
	}
	return "no buses"
}

// windowsText renders the availability windows: "Mo-Fr 15:30-18:00, Sa
// 09:00-12:00".
func (p *Prepared) windowsText() string {
	type key struct{ s, e time.Duration }
	var keys []key
	days := map[key]Days{}
	for _, w := range p.windows {
		k := key{w.start, w.end}
		if _, ok := days[k]; !ok {
			keys = append(keys, k)
		}
		days[k] |= 1 << w.day
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = Window{Days: days[k], Start: k.s, End: k.e}.String()
	}
	return strings.Join(parts, ", ")
}

func (p *Prepared) scheduleText(c *Candidate) string {
	h := &c.Provider.Hours
	if !h.Known() {
		return "hours unknown, call ahead"
	}
	share := "fits all of "
	if c.open < p.winTotal {
		share = fmt.Sprintf("fits %.0f%% of ", 100*float64(c.open)/float64(p.winTotal))
	}
	return "open " + h.String() + ", " + share + p.windowsText()
}

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "ar": "Arabic", "vi": "Vietnamese", "sw": "Swahili",
	"fr": "French", "zh": "Chinese", "ko": "Korean", "so": "Somali", "ne": "Nepali",
	"pt": "Portuguese", "ru": "Russian", "uk": "Ukrainian", "ht": "Haitian Creole",
	"tl": "Tagalog", "hi": "Hindi", "my": "Burmese", "ps": "Pashto", "fa": "Persian",
	"am": "Amharic", "ti": "Tigrinya", "rw": "Kinyarwanda", "de": "German", "ja": "Japanese",
	"mam": "Mam", "quc": "K'iche'", "asl": "American Sign Language",
}

func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

func (p *Prepared) languageText(prov *directory.Provider) string {
	first := languageName(p.langs[0])
	for i, l := range p.langs {
		if prov.SpeaksLanguage(l) {
			if i == 0 {
				return first + " spoken"
			}
			return languageName(l) + " spoken, not " + first
		}
	}
	return "no " + first + " service listed"
}

func costText(c directory.Cost) string {
	switch c {
	case directory.CostFree:
		return "free"
	case directory.CostSlidingScale:
		return "sliding-scale fees"
	case directory.CostFee:
		return "charges a fee"
	}
	return "cost not stated"
}

func capacityText(prov *directory.Provider) string {
	if prov.Capacity <= 0 {
		return "capacity not stated"
	}
	open := max(0, prov.Capacity-prov.Enrolled)
	if open == 0 {
		return fmt.Sprintf("no open seats (%d taken)", prov.Capacity)
	}
	return fmt.Sprintf("%d of %d seats open", open, prov.Capacity)
}

func (p *Prepared) specificityText(c *Candidate, pi *pitem) string {
	if c.level <= 0 {
		return "listed under " + pi.label
	}
	broader := directory.ParentCode(pi.Category)
	for i := 1; i < int(c.level); i++ {
		broader = directory.ParentCode(broader)
	}
	label := broader
	if cat, ok := p.m.tax.Lookup(broader); ok {
		label = cat.Label
	}
	return "listed only under " + label + ", broader than " + pi.label
}

func wordsText(c *Candidate, pi *pitem) string {
	list := strings.Join(pi.tokens, ", ")
	found := c.words + c.catWords
	var s string
	switch {
	case c.ntokens == 0:
		return ""
	case found == c.ntokens:
		s = "matches all the words asked for (" + list + ")"
	case found == 0:
		return "matches none of the words asked for (" + list + ")"
	default:
		s = fmt.Sprintf("matches %d of %d words asked for (%s)", found, c.ntokens, list)
	}
	switch {
	case c.catWords == 0:
	case c.words == 0:
		s += ", only through its category"
	default:
		s += fmt.Sprintf(", %d only through its category", c.catWords)
	}
	return s
}

// constraintPhrase says what a constraint demands, to complete "no
// <category> provider …".
func (p *Prepared) constraintPhrase(c Constraint) string {
	switch c {
	case ConstraintCategory:
		return "in the directory"
	case ConstraintAge:
		return fmt.Sprintf("serving age %d", p.age)
	case ConstraintGrade:
		return fmt.Sprintf("serving grade %d", p.grade)
	case ConstraintFree:
		return "free of charge"
	case ConstraintWheelchair:
		return "wheelchair accessible"
	case ConstraintExcluded:
		return "not already tried or declined"
	case ConstraintResidency:
		return "open to residents of the family's area"
	case ConstraintSeats:
		return "with an open seat"
	case ConstraintSchedule:
		return "open during " + p.windowsText()
	case ConstraintTravel:
		var by string
		switch p.mode {
		case ModeWalk:
			by = "on foot"
		case ModeTransit:
			by = "by transit"
		case ModeCar:
			by = "by car"
		default:
			by = "by school transport"
		}
		s := "within " + minutes(p.limit) + " " + by
		if p.maxDist > 0 {
			s += " and " + p.maxDist.String()
		}
		return s
	}
	return ""
}

var shortPhrase = [numConstraints]string{
	"outside the category", "age limits", "grade limits", "not free", "not wheelchair accessible",
	"excluded", "residents only", "full", "closed when the student is free", "too far",
}

func (p *Prepared) unmetText(u *Unmet) string {
	head := fmt.Sprintf("no %s provider %s", u.Label, p.constraintPhrase(u.Reason))
	if u.Considered == 0 {
		return head
	}
	var parts []string
	for i := range numConstraints {
		if n := u.ByConstraint[1<<i]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, shortPhrase[i]))
		}
	}
	return fmt.Sprintf("%s (of %d listed: %s)", head, u.Considered, strings.Join(parts, ", "))
}
