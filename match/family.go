package match

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// LegKind is what a family does on one leg of a trip.
type LegKind int

// Leg kinds.
const (
	LegWalk   LegKind = iota // on foot: to a stop, between stops, or to the door
	LegRide                  // on a bus (or any transit vehicle)
	LegCar                   // by car
	LegSchool                // by the school's transport
	numLegKinds
)

var legNames = [...]string{"walk", "ride", "car", "school"}

// String returns "walk", "ride", "car" or "school".
func (k LegKind) String() string {
	if k < 0 || k >= numLegKinds {
		return fmt.Sprintf("LegKind(%d)", int(k))
	}
	return legNames[k]
}

// MarshalText implements encoding.TextMarshaler.
func (k LegKind) MarshalText() ([]byte, error) {
	if k < 0 || k >= numLegKinds {
		return nil, ErrBadLeg
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: "walk", "ride",
// "car" or "school".
func (k *LegKind) UnmarshalText(b []byte) error {
	for i, n := range legNames {
		if n == string(b) {
			*k = LegKind(i)
			return nil
		}
	}
	return ErrBadLeg
}

// ErrBadLeg reports a leg kind that is not one of the LegKind constants.
var ErrBadLeg = errors.New("match: unknown leg kind")

// Leg is one part of the way to a provider, in the terms a family
// follows: walk to a stop, ride a route to another stop, walk to the
// door. Directions renders a list of legs; Prepared.Legs makes them from
// a candidate's travel estimate, and a timetable itinerary (board and
// alight times, headsign) fills the same fields.
type Leg struct {
	Kind LegKind `json:"kind"`
	// Duration is the leg's time, waiting for the vehicle included in a
	// ride's Wait rather than here.
	Duration time.Duration `json:"duration"`
	// Distance is a walk's or drive's length; 0 when not known.
	Distance geo.Meters `json:"distance,omitempty"`
	// From and To name the stops a leg starts and ends at; "" means home
	// (or school) and the provider's door. A confidential provider's
	// stop is never named.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Routes are the names of the routes a ride can be made on, any of
	// them ("4"); Transfer marks a ride that needs a change of bus on
	// the way (an estimate not knowing where).
	Routes   []string `json:"routes,omitempty"`
	Transfer bool     `json:"transfer,omitempty"`
	// Headsign is where the vehicle is going, as shown on it.
	Headsign string `json:"headsign,omitempty"`
	// Depart and Arrive are a timetabled ride's times, wall clock from
	// local midnight; zero for an estimate.
	Depart time.Duration `json:"depart,omitempty"`
	Arrive time.Duration `json:"arrive,omitempty"`
	// Every is the typical time between vehicles, Wait the expected
	// wait before boarding; zero when not known.
	Every time.Duration `json:"every,omitempty"`
	Wait  time.Duration `json:"wait,omitempty"`
	// Estimate marks legs whose times are estimated, not timetabled.
	Estimate bool `json:"estimate,omitempty"`
	// StayOn marks a ride the family does not board: the bus of the ride
	// before goes on as this route, and they stay on board (its Wait is
	// the bus's layover). The ride before does not say to get off.
	StayOn bool `json:"stay_on,omitempty"`
}

// Legs returns how c's trip is made, leg by leg: one walk, drive or
// school-transport leg (drives are estimates), or for a bus trip the
// timetable's itinerary of the departure whose time is c.Travel
// (Prepared.Journey): the walk to the stop, each ride with its route,
// headsign, times and the wait before it, walks between stops, and the
// walk to the door. A confidential provider's last stop is not named. It
// returns nil for a candidate of no item.
func (p *Prepared) Legs(c *Candidate) []Leg {
	if c.Item < 0 || c.Item >= len(p.items) || c.prov == nil {
		return nil
	}
	d := c.Distance * geo.DetourFactor
	switch c.By {
	case ModeWalk:
		return []Leg{{Kind: LegWalk, Duration: c.Travel, Distance: d}}
	case ModeCar:
		return []Leg{{Kind: LegCar, Duration: c.Travel, Distance: d, Estimate: true}}
	case ModeSchool:
		return []Leg{{Kind: LegSchool, Duration: c.Travel, Distance: d, Estimate: true}}
	}
	j, ok := p.Journey(c)
	if !ok {
		return []Leg{{Kind: LegRide, Duration: c.Travel}}
	}
	lastRide := -1
	for i, l := range j.Legs {
		if l.Kind == transit.LegRide {
			lastRide = i
		}
	}
	clock := func(t time.Time) time.Duration {
		y, m, dd := t.Date()
		return t.Sub(time.Date(y, m, dd, 0, 0, 0, 0, t.Location()))
	}
	var out []Leg
	var ready time.Time // when the rider is at the stop
	rides := 0
	for i, l := range j.Legs {
		switch l.Kind {
		case transit.LegRide:
			if !l.StayOn {
				rides++
			}
			to := l.To
			if c.prov.Confidential && i == lastRide {
				to = ""
			}
			leg := Leg{Kind: LegRide, Duration: l.Arrive.Sub(l.Depart), From: l.From, To: to,
				Routes: []string{l.Route}, Headsign: l.Headsign, Depart: clock(l.Depart), Arrive: clock(l.Arrive),
				StayOn: l.StayOn}
			if !ready.IsZero() && l.Depart.After(ready) {
				leg.Wait = l.Depart.Sub(ready)
			}
			if rides == 1 && c.trip.rate > 0 && !l.StayOn {
				leg.Every = time.Duration(float64(time.Hour) / float64(c.trip.rate)).Round(time.Minute)
			}
			out = append(out, leg)
			ready = l.Arrive
		case transit.LegTransfer:
			if l.FromStop != l.ToStop {
				out = append(out, Leg{Kind: LegWalk, Duration: l.Arrive.Sub(l.Depart), Distance: l.Walk, From: l.From, To: l.To})
			}
			ready = l.Arrive
		default:
			from := l.From
			if c.prov.Confidential && i > lastRide {
				from = ""
			}
			out = append(out, Leg{Kind: LegWalk, Duration: l.Arrive.Sub(l.Depart), Distance: l.Walk, From: from, To: l.To})
			ready = l.Arrive
		}
	}
	return out
}

// Family is the family-facing rendering of one match: short sentences in
// plain words, in English or Spanish, without scores. The scoring detail
// for staff stays in Match.Reasons and Match.Explanation.
type Family struct {
	// What is the provider's name, with its organization when that says
	// more.
	What string `json:"what"`
	// Where is the address (or that it is confidential) and the distance
	// from home in miles.
	Where string `json:"where"`
	// When is the opening hours, or that they are not listed.
	When string `json:"when"`
	// HowToGetThere is Directions for the match's legs.
	HowToGetThere string `json:"how_to_get_there"`
	// Language says which languages are spoken there.
	Language string `json:"language"`
	// Cost says whether it is free.
	Cost string `json:"cost"`
	// Seats says how many places are left, when capacity is listed.
	Seats string `json:"seats,omitempty"`
	// Contact is the phone number, when listed.
	Contact string `json:"contact,omitempty"`
}

// String renders f as lines: what, where, when, how to get there,
// language, cost, seats and contact, leaving out empty ones.
func (f Family) String() string {
	var b strings.Builder
	for i, s := range []string{f.What, f.Where, f.When, f.HowToGetThere, f.Language, f.Cost, f.Seats, f.Contact} {
		if s == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

// metersPerMile converts distances for US families, who think in miles.
const metersPerMile = 1609.344

// Family renders the match for the family in the language closest to
// tag (English or Spanish; see FamilyLanguages). How to get there comes
// from mt.Legs (Directions), or from the travel time and mode alone when
// there are none. A confidential provider's address and stop are never
// given. Safe for concurrent use; it allocates the strings it returns.
func (mt *Match) Family(tag language.Tag) Family {
	pr := printer(tag)
	prov := mt.prov
	if prov == nil {
		return Family{}
	}
	f := Family{What: prov.Name}
	if prov.Organization != "" && !strings.Contains(prov.Name, prov.Organization) {
		f.What = pr.Sprintf("%s (%s)", prov.Name, prov.Organization)
	}
	var where []string
	switch {
	case prov.Confidential:
		where = append(where, pr.Sprintf("Confidential location: they give the address by phone."))
	case prov.Address.Street != "":
		where = append(where, pr.Sprintf("Address: %s.", addressLine(prov.Address)))
	}
	if !prov.Unplaced {
		miles := math.Max(0.1, float64(mt.Distance)/metersPerMile)
		if mt.By == ModeSchool {
			where = append(where, pr.Sprintf("%.1f miles from school.", miles))
		} else {
			where = append(where, pr.Sprintf("%.1f miles from home.", miles))
		}
	}
	f.Where = strings.Join(where, " ")
	f.When = hoursText(pr, &prov.Hours, familyTag(tag))
	if len(mt.Legs) > 0 {
		f.HowToGetThere = Directions(mt.Legs, tag)
	} else {
		f.HowToGetThere = Directions([]Leg{{Kind: modeLeg(mt.By), Duration: mt.Travel, Estimate: mt.By != ModeWalk}}, tag)
	}
	f.Language = languagesText(pr, prov.Languages, tag)
	f.Cost = costFamily(pr, prov.Cost)
	if prov.Capacity > 0 {
		f.Seats = pr.Sprintf("%d seats open.", max(0, prov.Capacity-prov.Enrolled))
	}
	if prov.Phone != "" {
		f.Contact = pr.Sprintf("Phone: %s.", prov.Phone)
	}
	return f
}

func modeLeg(m TravelMode) LegKind {
	switch m {
	case ModeCar:
		return LegCar
	case ModeSchool:
		return LegSchool
	case ModeTransit:
		return LegRide
	}
	return LegWalk
}

func addressLine(a directory.Address) string {
	var parts []string
	for _, s := range []string{a.Street, a.City} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// wholeMinutes rounds d to whole minutes, at least 1.
func wholeMinutes(d time.Duration) int { return max(1, int(math.Round(d.Minutes()))) }

// Directions renders legs as sentences a family can follow, in the
// language closest to tag: "Walk about 6 min to the 3rd & Central stop.
// Take route 4 (it comes about every 15 min) and get off at McCallie &
// Central. Walk 2 min to the door. About 24 min door to door." A
// timetabled ride (Depart set) gives its times and headsign. The total
// counts every leg and wait; estimates say so. It renders any list of
// legs, so an itinerary from a timetable router slots in as it is.
func Directions(legs []Leg, tag language.Tag) string {
	pr := printer(tag)
	lt := familyTag(tag)
	var parts []string
	var total time.Duration
	estimate, rides := false, 0
	for i, l := range legs {
		total += l.Duration + l.Wait
		estimate = estimate || l.Estimate
		m := wholeMinutes(l.Duration)
		switch l.Kind {
		case LegCar:
			parts = append(parts, pr.Sprintf("About %d min by car.", m))
		case LegSchool:
			parts = append(parts, pr.Sprintf("About %d min by school transport, from school.", m))
		case LegWalk:
			switch {
			case len(legs) == 1:
				parts = append(parts, pr.Sprintf("About %d min on foot.", m))
			case i == len(legs)-1:
				parts = append(parts, pr.Sprintf("Walk %d min to the door.", m))
			case l.To != "" && i > 0:
				parts = append(parts, pr.Sprintf("Walk %d min to the %s stop to change buses.", m, l.To))
			case l.To != "":
				parts = append(parts, pr.Sprintf("Walk %d min to the %s stop.", m, l.To))
			default:
				parts = append(parts, pr.Sprintf("Walk %d min to the bus stop.", m))
			}
		case LegRide:
			rides++
			var s string
			switch {
			case l.StayOn && len(l.Routes) > 0 && l.Headsign != "":
				s = pr.Sprintf("Stay on the bus when it becomes route %s toward %s", orList(pr, l.Routes), l.Headsign)
			case l.StayOn && len(l.Routes) > 0:
				s = pr.Sprintf("Stay on the bus when it becomes route %s", orList(pr, l.Routes))
			case l.StayOn:
				s = pr.Sprintf("Stay on the bus as it goes on")
			case len(l.Routes) > 0 && l.Headsign != "":
				s = pr.Sprintf("Take route %s toward %s", orList(pr, l.Routes), l.Headsign)
			case len(l.Routes) > 0:
				s = pr.Sprintf("Take route %s", orList(pr, l.Routes))
			default:
				s = pr.Sprintf("Take the bus")
			}
			if l.Depart > 0 && !l.StayOn {
				s += pr.Sprintf(" at %s", clockText(l.Depart, lt))
			}
			if l.Every > 0 {
				s += pr.Sprintf(" (it comes about every %d min)", wholeMinutes(l.Every))
			}
			if l.Transfer {
				s += pr.Sprintf(", change buses on the way")
			}
			switch {
			case i+1 < len(legs) && legs[i+1].Kind == LegRide && legs[i+1].StayOn:
				// They stay on: no getting off here.
			case l.To != "" && l.Arrive > 0:
				s += pr.Sprintf(" and get off at %s, %s", l.To, clockText(l.Arrive, lt))
			case l.To != "":
				s += pr.Sprintf(" and get off at %s", l.To)
			case i < len(legs)-1:
				s += pr.Sprintf(" and get off at the stop nearest the address")
			}
			parts = append(parts, s+".")
		}
	}
	if len(legs) == 1 && legs[0].Kind == LegRide {
		// Only a time is known: say so without inventing stops.
		parts = parts[:0]
	}
	if len(legs) > 1 || rides > 0 {
		if estimate {
			parts = append(parts, pr.Sprintf("About %d min door to door (an estimate: check the times before you go).", wholeMinutes(total)))
		} else {
			parts = append(parts, pr.Sprintf("About %d min door to door.", wholeMinutes(total)))
		}
	}
	return strings.Join(parts, " ")
}

// orList joins route names: "4", "4 and 10A", "1, 4 and 10A" ("y" in
// Spanish).
func orList(pr *message.Printer, xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + pr.Sprintf(" and ") + xs[len(xs)-1]
}

// clockText renders a wall-clock offset from midnight: "3:42 pm" in
// English, "15:42" in Spanish. Offsets past 24 h wrap to the next day.
func clockText(d time.Duration, tag language.Tag) string {
	m := int(d/time.Minute) % (24 * 60)
	h, mm := m/60, m%60
	if tag == language.Spanish {
		return fmt.Sprintf("%d:%02d", h, mm)
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if mm == 0 {
		return fmt.Sprintf("%d %s", h12, suffix)
	}
	return fmt.Sprintf("%d:%02d %s", h12, mm, suffix)
}

// hoursText renders opening hours by runs of days with the same spans,
// Monday first: "Open Mon–Fri 9 am to 5 pm; Sat 9 am to 1 pm."
func hoursText(pr *message.Printer, h *directory.Hours, tag language.Tag) string {
	if !h.Known() {
		return pr.Sprintf("Hours not listed: call before you go.")
	}
	if h.Always {
		return pr.Sprintf("Open 24 hours, every day.")
	}
	names := dayNames[tag]
	spans := func(d time.Weekday) string {
		var ss []string
		for _, s := range h.Week[d] {
			ss = append(ss, pr.Sprintf("%s to %s", clockText(s.Open, tag), clockText(s.Close, tag)))
		}
		return strings.Join(ss, ", ")
	}
	var parts []string
	for i := 0; i < 7; {
		d := dayOrder[i]
		s := spans(d)
		j := i
		for j+1 < 7 && spans(dayOrder[j+1]) == s {
			j++
		}
		if s != "" {
			days := names[d]
			switch {
			case j-i >= 2:
				days += "–" + names[dayOrder[j]]
			case j > i:
				days += ", " + names[dayOrder[j]]
			}
			parts = append(parts, days+" "+s)
		}
		i = j + 1
	}
	return pr.Sprintf("Open %s.", strings.Join(parts, "; "))
}

func languagesText(pr *message.Printer, codes []string, tag language.Tag) string {
	if len(codes) == 0 {
		return pr.Sprintf("Languages spoken are not listed.")
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = LanguageName(strings.ToLower(c), tag)
	}
	return pr.Sprintf("They speak %s.", orList(pr, names))
}

func costFamily(pr *message.Printer, c directory.Cost) string {
	switch c {
	case directory.CostFree:
		return pr.Sprintf("Free.")
	case directory.CostSlidingScale:
		return pr.Sprintf("Fees on a sliding scale: you pay what fits your income.")
	case directory.CostFee:
		return pr.Sprintf("There is a fee.")
	}
	return pr.Sprintf("Cost not listed: ask when you call.")
}

// unmetFamily says why nothing was found, for the family.
var unmetFamily = [numConstraints]string{
	"No place of this kind is listed yet.",
	"None serves the child's age.",
	"None serves the child's grade.",
	"None is free of charge.",
	"None is wheelchair accessible.",
	"The ones listed were already tried.",
	"The ones listed serve residents of other areas only.",
	"All of them are full right now.",
	"None is open when you said you can go.",
	"None is close enough to reach in the time you gave.",
}

// FamilyItem is the family-facing rendering of one need or interest of a
// plan.
type FamilyItem struct {
	// Heading is "Need: Food" or "Interés: Deportes".
	Heading string `json:"heading"`
	// Label is the category's label in the family's language.
	Label   string   `json:"label"`
	Matches []Family `json:"matches"`
	// Call lists providers without an address to call ("Call Homework
	// Hotline: (423) 555-0199.").
	Call []string `json:"call,omitempty"`
	// Unmet says why nothing was found, when nothing was.
	Unmet string `json:"unmet,omitempty"`
}

// Family renders the item for the family in the language closest to
// tag, with the category's label from tax (see CategoryLabel; nil uses
// the item's English label).
func (ip *ItemPlan) Family(tax *directory.Taxonomy, tag language.Tag) FamilyItem {
	pr := printer(tag)
	label := ip.Label
	if l := CategoryLabel(tax, ip.Item.Category, tag); tax != nil || l != ip.Item.Category {
		label = l
	}
	fi := FamilyItem{Label: label, Matches: make([]Family, len(ip.Matches))}
	if ip.Item.Kind == KindInterest {
		fi.Heading = pr.Sprintf("Interest: %s", label)
	} else {
		fi.Heading = pr.Sprintf("Need: %s", label)
	}
	for i := range ip.Matches {
		fi.Matches[i] = ip.Matches[i].Family(tag)
	}
	for _, c := range ip.Call {
		fi.Call = append(fi.Call, pr.Sprintf("Call %s: %s.", c.prov.Name, c.prov.Phone))
	}
	if u := ip.Unmet; u != nil {
		why := ""
		for i := range numConstraints {
			if u.Reason == 1<<i {
				why = pr.Sprintf(unmetFamily[i])
			}
		}
		fi.Unmet = strings.TrimSpace(pr.Sprintf("Not found yet: %s.", strings.ToLower(label)) + " " + why + " " + pr.Sprintf("Your Navigator will keep looking."))
	}
	return fi
}

// String renders the item as text: the heading, the providers numbered
// with their lines indented, and what was not found with the reason.
func (fi FamilyItem) String() string {
	var b strings.Builder
	b.WriteString(fi.Heading)
	b.WriteByte('\n')
	for j, f := range fi.Matches {
		fmt.Fprintf(&b, "%d. %s\n", j+1, strings.ReplaceAll(f.String(), "\n", "\n   "))
	}
	for _, c := range fi.Call {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	if fi.Unmet != "" {
		b.WriteString(fi.Unmet)
		b.WriteByte('\n')
	}
	return b.String()
}

// Family renders the whole plan for the family as text, in the language
// closest to tag: each need and interest (FamilyItem.String), separated
// by blank lines.
func (p *Plan) Family(tax *directory.Taxonomy, tag language.Tag) string {
	parts := make([]string, len(p.Items))
	for i := range p.Items {
		parts[i] = p.Items[i].Family(tax, tag).String()
	}
	return strings.Join(parts, "\n")
}
