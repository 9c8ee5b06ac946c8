package match

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
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
// specificity, words. A trip by bus is told as its itinerary from the
// timetable (Prepared.Journey); car and school transport times are
// estimates and say so. Confidential providers' stops are not named.
func (p *Prepared) Explain(c *Candidate) []Reason {
	if c.Item < 0 || c.Item >= len(p.items) || c.prov == nil {
		return nil
	}
	pi := &p.items[c.Item]
	prov := c.prov
	j, hasJ := p.Journey(c)
	order := [...]Component{Travel, Transit, Schedule, Language, Cost, Capacity, Specificity, Words}
	out := make([]Reason, 0, len(order))
	for _, comp := range order {
		if pi.w[comp] == 0 {
			continue
		}
		var text string
		switch comp {
		case Travel:
			text = p.travelText(c, j, hasJ)
		case Transit:
			text = p.transitText(c, j, hasJ)
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

// Journey returns the itinerary of c's trip by bus: the timetable's
// journey departing home at the minute whose travel time is c.Travel, in
// the window group it was found in. False when c is not a trip by bus.
func (p *Prepared) Journey(c *Candidate) (transit.Journey, bool) {
	if c.By != ModeTransit || c.prov == nil || int(c.trip.group) >= len(p.groups) {
		return transit.Journey{}, false
	}
	g := &p.groups[c.trip.group]
	if g.prof == nil {
		return transit.Journey{}, false
	}
	return g.prof.journey(c.prov, c.trip.minute)
}

func (p *Prepared) travelText(c *Candidate, j transit.Journey, hasJ bool) string {
	dist := c.Distance.String()
	switch c.By {
	case ModeWalk:
		return dist + ", " + minutes(c.Travel) + " walk"
	case ModeCar:
		return dist + ", about " + minutes(c.Travel) + " by car (estimate)"
	case ModeSchool:
		return dist + " from school, about " + minutes(c.Travel) + " by school transport (estimate)"
	}
	g := &p.groups[c.trip.group]
	leaving := fmt.Sprintf("leaving %s between %s and %s", g.days, clock(g.start), clock(g.end))
	stat := ""
	switch p.m.cfg.Travel {
	case StatMin:
		stat = " at best"
	case StatP90:
		stat = " or less 9 times in 10"
	}
	door := fmt.Sprintf("about %s door to door%s, %s", minutes(c.Travel), stat, leaving)
	if !hasJ {
		return dist + ", by bus: " + door
	}
	return itineraryText(j, c.prov.Confidential, c.trip.rate) + ": " + door
}

// itineraryText tells a journey's legs: "walk 6 min to 3rd & Central,
// route 4 toward Downtown at 15:42 — a trip every 15 min — to McCallie &
// Central (5 stops), walk 2 min"; a ride the rider stays on for as the
// bus goes on reads "stay on as route 10G toward …". With hidden, the
// stop nearest the destination is not named.
func itineraryText(j transit.Journey, hidden bool, rate float32) string {
	var parts []string
	rides := 0
	lastRide := -1
	for i, l := range j.Legs {
		if l.Kind == transit.LegRide {
			lastRide = i
		}
	}
	for i, l := range j.Legs {
		d := l.Arrive.Sub(l.Depart)
		switch l.Kind {
		case transit.LegWalk:
			if l.ToStop >= 0 {
				parts = append(parts, fmt.Sprintf("walk %s to %s", minutes(d), l.To))
			} else {
				parts = append(parts, "walk "+minutes(d))
			}
		case transit.LegTransfer:
			if l.FromStop != l.ToStop && l.ToStop >= 0 {
				parts = append(parts, fmt.Sprintf("walk %s to %s", minutes(d), l.To))
			}
		case transit.LegRide:
			verb := "route"
			switch {
			case l.StayOn:
				verb = "stay on as route"
			case rides > 0:
				verb = "change to route"
			}
			if !l.StayOn {
				rides++
			}
			text := verb + " " + l.Route
			if l.Headsign != "" {
				text += " toward " + l.Headsign
			}
			if !l.StayOn {
				text += " at " + l.Depart.Format("15:04")
			}
			if rides == 1 && rate > 0 && !l.StayOn {
				text += " — " + tripsText(float64(rate)) + " —"
			}
			to := l.To
			if hidden && i == lastRide {
				to = "a stop near it"
			}
			stops := "1 stop"
			if l.Stops != 1 {
				stops = fmt.Sprintf("%d stops", l.Stops)
			}
			text += fmt.Sprintf(" to %s (%s)", to, stops)
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, ", ")
}

// tripsText renders distinct trips an hour: "a trip every 15 min".
func tripsText(r float64) string {
	if r <= 0 {
		return "no trip"
	}
	return "a trip every " + minutes(time.Duration(float64(time.Hour)/r))
}

func (p *Prepared) transitText(c *Candidate, j transit.Journey, hasJ bool) string {
	if c.By == ModeWalk {
		return "walkable, no bus needed"
	}
	g := &p.groups[c.trip.group]
	var routes []string
	if hasJ {
		for _, l := range j.Legs {
			if l.Kind == transit.LegRide && !slices.Contains(routes, l.Route) {
				routes = append(routes, l.Route)
			}
		}
	}
	rs := ""
	switch len(routes) {
	case 0:
	case 1:
		rs = " on route " + routes[0]
	default:
		rs = " on routes " + strings.Join(routes[:len(routes)-1], ", ") + " and " + routes[len(routes)-1]
	}
	return fmt.Sprintf("%s%s within the limit, %s", tripsText(float64(c.trip.rate)), rs, WeeklyWindow{Days: g.days, Start: g.start, End: g.end})
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
		parts[i] = WeeklyWindow{Days: days[k], Start: k.s, End: k.e}.String()
	}
	return strings.Join(parts, ", ")
}

func (p *Prepared) scheduleText(c *Candidate) string {
	h := &c.prov.Hours
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

func (p *Prepared) unmetText(u *UnmetDiagnosis) string {
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

// callable returns up to k providers of item without a location but with
// a phone number that break no hard constraint but travel, by provider
// ID, explained as a call. O(providers without a location).
func (p *Prepared) callable(item, k int) []Match {
	pi := &p.items[item]
	var out []Match
	for _, idx := range p.m.phoneOnly() {
		prov := p.m.prov(idx)
		var c Candidate
		viol, _ := p.evaluate(pi, idx, prov, 0, levelUnknown, -1, -1, evalWhy, &c)
		if viol&^ConstraintTravel != 0 {
			continue
		}
		c.Item = item
		text := "no address listed: call " + prov.Phone
		out = append(out, Match{Candidate: c, Reasons: []Reason{{Component: Travel, Text: text}}, Explanation: text})
	}
	slices.SortFunc(out, func(a, b Match) int { return strings.Compare(a.prov.ID, b.prov.ID) })
	if len(out) > k {
		out = out[:k]
	}
	return out
}
