// Package hsdsgen generates synthetic HSDS packages for tests, benchmarks
// and demos: a seeded world of organizations, services and locations in
// and around Chattanooga, written in the HSDS 3.0 tabular layout or the
// older 2.0 layout, with the messiness of real exports — blank and swapped
// coordinates, virtual locations, times like "9am", a monthly rule,
// duplicate phones, stray whitespace, IDs that resolve to nothing,
// inactive services, 211/AIRS-style codes next to Open Eligibility terms.
//
// The data are invented. Alongside the files, a Package carries the Truth:
// what an importer should find, computed from the generator's own
// bookkeeping rather than by parsing the files, so tests can check an
// importer against it.
//
// Generation is deterministic: the same Config gives the same bytes.
//
// Typical usage:
//
//	pkg := hsdsgen.Generate(hsdsgen.Config{Services: 2000, Seed: 1, Layout: hsdsgen.V3})
//	res, err := hsds.ReadPackage(ctx, pkg.FS(), hsds.Options{Mapping: hsdsgen.AIRSMapping})
package hsdsgen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"
)

// Layout selects the tabular layout written.
type Layout int

// Layouts.
const (
	V3 Layout = iota // HSDS 3.0: datapackage.json, service_at_location.csv, addresses.csv, attributes.csv…
	V2               // HSDS 2.0: services_at_location.csv, physical_addresses.csv, service_attributes.csv, eligibility.csv…
)

// Config sets what to generate. The zero value gives 100 services with
// seed 0 in the 3.0 layout.
type Config struct {
	Services int    `json:"services"`
	Seed     uint64 `json:"seed"`
	Layout   Layout `json:"layout"`
	// Clean turns the messiness off: every location placed, every time
	// canonical, every reference sound.
	Clean bool `json:"clean,omitempty"`
}

// Expect is what an importer should make of one provider.
type Expect struct {
	ID       string
	Name     string
	Category string // the category its terms or name map to
	Placed   bool
	Point    orb.Point // when Placed
	// Days and Open/Close give the weekly hours when HoursKnown.
	HoursKnown   bool
	Days         [7]bool // indexed by time.Weekday
	Open, Close  time.Duration
	MinAge       int
	MaxAge       int
	Languages    []string // ISO 639-1, sorted
	Phone        string
	Cost         string // "free", "sliding-scale", "fee" or "unknown"
	Confidential bool
}

// Finding is a problem an importer should report: its kind (as package
// hsds names kinds) and the ID of the record at fault.
type Finding struct {
	Kind string
	ID   string
}

// Truth is what the package holds, by construction.
type Truth struct {
	Services      int // service records with distinct IDs, inactive ones included
	Locations     int
	Organizations int
	Inactive      int // services that give no provider
	Providers     map[string]Expect
	Findings      []Finding
	// AIRSOnly lists services whose only term is an AIRS-style code: with
	// AIRSMapping they map, without it their category is guessed from
	// the name.
	AIRSOnly map[string]bool
}

// Placed counts the providers expected on the map.
func (t *Truth) Placed() int {
	n := 0
	for _, e := range t.Providers {
		if e.Placed {
			n++
		}
	}
	return n
}

// Package is a generated HSDS tabular package.
type Package struct {
	Files map[string][]byte // file name → contents
	Truth Truth
}

// FS returns the files as a read-only file system.
func (p *Package) FS() fs.FS {
	m := fstest.MapFS{}
	for n, b := range p.Files {
		m[n] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

// WriteDir writes the files into dir, creating it.
func (p *Package) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(p.Files))
	for n := range p.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), p.Files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// kind of service: its category, name stem (which the category's synonyms
// match), Open Eligibility term and AIRS-style code.
type kind struct {
	cat, stem, oe, airs string
}

var kinds = []kind{
	{"basic.food.pantry", "Food Pantry", "Food Pantry", "BD-1800.2000"},
	{"basic.food.meals", "Community Meal", "Meals", "BD-5000.8300"},
	{"basic.housing.shelter", "Emergency Shelter", "Temporary Shelter", "BH-1800.8500"},
	{"basic.clothing", "Coat and Uniform Closet", "Clothing", "BM-6500.1500"},
	{"basic.utilities", "Electric Bill Assistance", "Help Pay for Utilities", "BV-8900.9300"},
	{"health.vision", "Eye Exams and Glasses", "Vision Care", "LT-8000"},
	{"health.dental", "Dentist Office", "Dental Care", "LV-1600"},
	{"health.mental", "Youth Counseling Center", "Counseling", "RP-1400"},
	{"education.tutoring", "Homework Help", "Tutoring", "HL-8120.8000"},
	{"education.mentoring", "Mentoring", "Mentoring", "PH-1400.5000"},
	{"enrichment.sports", "Youth Soccer League", "Sports & Recreation", "PL-7400.8000"},
	{"work.jobs", "Summer Jobs", "Help Find Work", "ND-1500"},
}

// AIRSMapping maps the AIRS-style codes the generator uses onto
// categories, as a caller would supply for a 211 export.
var AIRSMapping = func() map[string]string {
	m := map[string]string{}
	for _, k := range kinds {
		m[k.airs] = k.cat
	}
	return m
}()

var areas = []string{"Highland Park", "East Lake", "Alton Park", "North Chattanooga", "Brainerd", "Hixson",
	"St. Elmo", "Avondale", "Orchard Knob", "East Ridge", "Red Bank", "Lookout Valley", "Glass Street", "Bushtown"}

var zips = []string{"37402", "37403", "37404", "37405", "37406", "37407", "37408", "37410", "37411", "37412", "37415", "37416", "37421"}

var streets = []string{"Main St", "McCallie Ave", "Dodds Ave", "Glass St", "Market St", "Broad St", "Rossville Blvd", "Bailey Ave", "Wilcox Blvd", "Brainerd Rd", "Hixson Pike", "Central Ave"}

// hoursPattern is a weekly pattern: days (as RRULE codes) and a span.
type hoursPattern struct {
	byday       string
	open, close time.Duration
}

var patterns = []hoursPattern{
	{"MO,TU,WE,TH,FR", 9 * time.Hour, 17 * time.Hour},
	{"MO,WE,FR", 10 * time.Hour, 14 * time.Hour},
	{"TU,TH", 15 * time.Hour, 18 * time.Hour},
	{"SA", 8 * time.Hour, 12 * time.Hour},
	{"MO,TU,WE,TH", 15*time.Hour + 30*time.Minute, 18*time.Hour + 30*time.Minute},
}

var dayIndex = map[string]time.Weekday{"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}

type world struct {
	rng   *rand.Rand
	cfg   Config
	truth Truth

	orgs  []org
	locs  []loc
	svcs  []svc
	sals  []sal
	terms []term
}

type org struct{ id, name string }

type loc struct {
	id, orgID, name       string
	lat, lon              string // as written (blank, swapped…)
	virtual, confidential bool
	placed                bool
	finding               string // the problem an importer reports for it
	pt                    orb.Point
	street, city, zip     string
	access                string
}

type svc struct {
	id, orgID, name, desc string
	kind                  kind
	status                string
	feesText              string
	amount                string
	cost                  string
	minAge, maxAge        int
	eligText              string
	langs                 []string // codes as intended
	areas                 []string
	assured               string
	termIDs               []string
	airsOnly              bool
}

type sal struct {
	id, svcID, locID string
	phones           []string
	phoneIDs         []string
	sched            *sched
}

type sched struct {
	id                string
	freq, byday       string
	opensAt, closesAt string
	known             bool
	days              [7]bool
	open, close       time.Duration
}

type term struct{ id, code, name, taxonomy string }

func (w *world) uuid() string {
	r := w.rng
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, 0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
}

func (w *world) chance(p float64) bool { return !w.cfg.Clean && w.rng.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (w *world) find(kind, id string) {
	w.truth.Findings = append(w.truth.Findings, Finding{Kind: kind, ID: id})
}

// Generate builds a package.
func Generate(cfg Config) *Package {
	if cfg.Services <= 0 {
		cfg.Services = 100
	}
	w := &world{rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), cfg: cfg}
	w.truth.Providers = map[string]Expect{}
	w.truth.AIRSOnly = map[string]bool{}
	w.build()
	files := map[string][]byte{}
	if cfg.Layout == V2 {
		w.writeV2(files)
	} else {
		w.writeV3(files)
	}
	return &Package{Files: files, Truth: w.truth}
}

func (w *world) build() {
	n := w.cfg.Services
	r := w.rng
	// Terms: one per kind for Open Eligibility and one per AIRS code.
	oeTerm := map[string]string{}
	airsTerm := map[string]string{}
	for _, k := range kinds {
		t := term{id: w.uuid(), name: k.oe, taxonomy: "Open Eligibility"}
		w.terms = append(w.terms, t)
		oeTerm[k.cat] = t.id
		a := term{id: w.uuid(), code: k.airs, name: k.stem + " (AIRS)", taxonomy: "AIRS"}
		w.terms = append(w.terms, a)
		airsTerm[k.cat] = a.id
	}
	situation := term{id: w.uuid(), name: "Teens", taxonomy: "Open Eligibility"}
	unknown := term{id: w.uuid(), code: "ZZ-9999", name: "Community Garden Plots", taxonomy: "Local"}
	w.terms = append(w.terms, situation, unknown)
	unknownUsed := false

	for i := range max(1, n/4) {
		a := areas[i%len(areas)]
		w.orgs = append(w.orgs, org{id: w.uuid(), name: fmt.Sprintf("%s Community Partners %d", a, i+1)})
	}
	nLoc := max(1, n*4/5)
	for i := range nLoc {
		l := loc{id: w.uuid(), orgID: pick(r, w.orgs).id}
		area := pick(r, areas)
		l.name = area + " Center " + strconv.Itoa(i+1)
		l.pt = orb.Point{-85.40 + r.Float64()*0.25, 34.99 + r.Float64()*0.16}
		l.pt = orb.Point{round6(l.pt[0]), round6(l.pt[1])}
		l.placed = true
		l.lat, l.lon = strconv.FormatFloat(l.pt[1], 'f', -1, 64), strconv.FormatFloat(l.pt[0], 'f', -1, 64)
		l.street = strconv.Itoa(100+r.IntN(4900)) + " " + pick(r, streets)
		l.city, l.zip = "Chattanooga", pick(r, zips)
		switch {
		case w.chance(0.06):
			l.lat, l.lon, l.placed, l.finding = "", "", false, "unplaced"
		case w.chance(0.02):
			l.virtual, l.lat, l.lon, l.placed, l.finding = true, "", "", false, "unplaced"
		case w.chance(0.012):
			l.lat, l.lon, l.placed, l.finding = l.lon, l.lat, false, "bad_coordinates" // swapped
		case w.chance(0.01):
			l.confidential = true
		}
		if w.chance(0.08) {
			l.lat = " " + l.lat // stray whitespace
		}
		if r.IntN(3) == 0 {
			l.access = "Wheelchair accessible entrance on the side"
		}
		w.locs = append(w.locs, l)
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		s := svc{id: w.uuid(), orgID: pick(r, w.orgs).id, kind: k, status: "active"}
		s.name = pick(r, areas) + " " + k.stem
		if w.chance(0.1) {
			s.name = "  " + s.name + " " // stray whitespace
		}
		s.desc = "A " + strings.ToLower(k.stem) + " for families in Hamilton County."
		switch x := r.IntN(20); {
		case x < 12:
			s.cost = "free"
			s.feesText = pick(r, []string{"Free", "No cost", "Free of charge"})
			s.amount = "0"
		case x < 15:
			s.cost = "sliding-scale"
			s.feesText = "Sliding scale fees based on income"
		case x < 17:
			s.cost = "fee"
			s.feesText = "$10 per visit"
			s.amount = "10"
		default:
			s.cost = "unknown"
		}
		switch x := r.IntN(10); {
		case x == 0:
			s.minAge, s.maxAge, s.eligText = 5, 18, "Ages 5-18"
		case x == 1:
			s.minAge, s.maxAge, s.eligText = 14, 24, "Youth ages 14 to 24"
		case x == 2:
			s.minAge, s.maxAge, s.eligText = 0, 5, "Children under 6"
		case x == 3:
			s.minAge, s.maxAge, s.eligText = 12, 0, "Ages 12 and over"
		}
		s.langs = []string{"en"}
		if r.IntN(5) < 2 {
			s.langs = append(s.langs, "es")
		}
		if r.IntN(20) == 0 {
			s.langs = append(s.langs, "vi")
		}
		sort.Strings(s.langs)
		s.areas = []string{pick(r, zips)}
		d := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(900))
		s.assured = d.Format("2006-01-02")
		if w.chance(0.05) {
			s.assured = d.Format("01/02/2006")
		}
		switch {
		case w.chance(0.1):
			s.termIDs = []string{airsTerm[k.cat]}
			s.airsOnly = true
			w.truth.AIRSOnly[s.id] = true
		default:
			s.termIDs = []string{oeTerm[k.cat]}
		}
		if r.IntN(8) == 0 {
			s.termIDs = append(s.termIDs, situation.id)
		}
		withUnknown := w.chance(0.03)
		if withUnknown {
			s.termIDs = append(s.termIDs, unknown.id)
		}
		if w.chance(0.02) {
			s.status = "inactive"
			w.truth.Inactive++
			w.find("inactive", s.id)
		} else if withUnknown {
			unknownUsed = true
		}
		w.svcs = append(w.svcs, s)
	}
	if unknownUsed {
		w.find("unmapped_term", unknown.id)
	}
	// Services at locations.
	for si := range w.svcs {
		s := &w.svcs[si]
		nSAL := 1
		switch x := r.IntN(20); {
		case x == 0:
			nSAL = 0 // a hotline
		case x < 4:
			nSAL = 2
		}
		if nSAL == 0 {
			if s.status == "active" {
				w.expect(s, nil, nil, s.id)
				w.find("unplaced", s.id)
			}
			continue
		}
		used := map[int]bool{}
		for range nSAL {
			li := r.IntN(len(w.locs))
			if used[li] {
				continue
			}
			used[li] = true
			sa := sal{id: w.uuid(), svcID: s.id, locID: w.locs[li].id}
			var l *loc = &w.locs[li]
			if w.chance(0.01) {
				sa.locID = w.uuid() // unknown location
				l = nil
				if s.status == "active" {
					w.find("broken_reference", sa.id)
					w.find("unplaced", sa.id)
				}
			}
			sa.phones = []string{fmt.Sprintf("(423) 555-%04d", r.IntN(10000))}
			sa.phoneIDs = []string{w.uuid()}
			if w.chance(0.03) {
				sa.phones = append(sa.phones, sa.phones[0])
				sa.phoneIDs = append(sa.phoneIDs, w.uuid())
				if s.status == "active" {
					w.find("duplicate", sa.phoneIDs[1])
				}
			}
			sa.sched = w.schedule(s.status == "active")
			w.sals = append(w.sals, sa)
			if s.status == "active" {
				if l != nil && !l.placed {
					w.find(l.finding, l.id)
				}
				w.expect(s, &sa, l, sa.id)
			}
		}
	}
	// IDs that resolve to nothing: a service at location naming an
	// unknown service.
	if !w.cfg.Clean {
		for range max(1, n/200) {
			sa := sal{id: w.uuid(), svcID: w.uuid(), locID: pick(r, w.locs).id}
			w.sals = append(w.sals, sa)
			w.find("broken_reference", sa.id)
		}
	}
	w.truth.Services = len(w.svcs)
	w.truth.Locations = len(w.locs)
	w.truth.Organizations = len(w.orgs)
}

func round6(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 6, 64), 64)
	return v
}

// schedule makes one weekly rule, sometimes in an odd form.
func (w *world) schedule(active bool) *sched {
	r := w.rng
	pt := pick(r, patterns)
	sc := &sched{id: w.uuid(), freq: "WEEKLY", byday: pt.byday, known: true, open: pt.open, close: pt.close}
	for _, d := range strings.Split(pt.byday, ",") {
		sc.days[dayIndex[d]] = true
	}
	sc.opensAt, sc.closesAt = hhmm(pt.open, r.IntN(2) == 0), hhmm(pt.close, r.IntN(2) == 0)
	switch {
	case w.chance(0.10):
		sc.opensAt, sc.closesAt = ampm(pt.open), ampm(pt.close)
		if active {
			w.find("odd_time", sc.id)
		}
	case w.chance(0.01):
		sc.opensAt, sc.closesAt = "Monday", "" // times in the wrong column
		sc.known = false
		if active {
			w.find("bad_time", sc.id)
		}
	case w.chance(0.02):
		sc.freq, sc.byday = "MONTHLY", "1SA"
		sc.known = false
		if active {
			w.find("unsupported_schedule", sc.id)
		}
	}
	return sc
}

func hhmm(d time.Duration, secs bool) string {
	m := int(d / time.Minute)
	s := fmt.Sprintf("%02d:%02d", m/60, m%60)
	if secs {
		s += ":00"
	}
	return s
}

func ampm(d time.Duration) string {
	m := int(d / time.Minute)
	h, mm := m/60, m%60
	suf := "am"
	if h >= 12 {
		suf = "pm"
	}
	if h > 12 {
		h -= 12
	}
	if mm == 0 {
		return fmt.Sprintf("%d%s", h, suf)
	}
	return fmt.Sprintf("%d:%02d %s", h, mm, strings.ToUpper(suf))
}

func (w *world) expect(s *svc, sa *sal, l *loc, id string) {
	e := Expect{ID: id, Name: strings.TrimSpace(s.name), Category: s.kind.cat, MinAge: s.minAge, MaxAge: s.maxAge,
		Languages: s.langs, Cost: s.cost}
	if l != nil {
		e.Placed = l.placed
		e.Confidential = l.confidential
		if l.placed {
			e.Point = l.pt
		}
	}
	if sa != nil {
		e.Phone = sa.phones[0]
		if sa.sched != nil && sa.sched.known {
			e.HoursKnown = true
			e.Days = sa.sched.days
			e.Open, e.Close = sa.sched.open, sa.sched.close
		}
	}
	w.truth.Providers[id] = e
}

var langNames = map[string]string{"en": "English", "es": "Spanish", "vi": "Vietnamese"}

// table accumulates one CSV file.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(vals ...string) { t.rows = append(t.rows, vals) }

func (t *table) bytes() []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(t.header)
	cw.WriteAll(t.rows)
	cw.Flush()
	return b.Bytes()
}

func (w *world) writeV3(files map[string][]byte) {
	r := w.rng
	orgs := &table{header: []string{"id", "name", "description", "email", "website"}}
	for _, o := range w.orgs {
		orgs.add(o.id, o.name, "", "", "")
	}
	svcs := &table{header: []string{"id", "organization_id", "name", "description", "url", "email", "status", "fees_description", "eligibility_description", "minimum_age", "maximum_age", "assured_date", "last_modified"}}
	costs := &table{header: []string{"id", "service_id", "option", "amount", "currency"}}
	langs := &table{header: []string{"id", "service_id", "location_id", "phone_id", "name", "code", "note"}}
	areasT := &table{header: []string{"id", "service_id", "name", "description"}}
	attrs := &table{header: []string{"id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"}}
	for _, s := range w.svcs {
		minA, maxA := "", ""
		if s.minAge != 0 || s.maxAge != 0 {
			minA, maxA = strconv.Itoa(s.minAge), strconv.Itoa(s.maxAge)
			if s.maxAge == 0 {
				maxA = ""
			}
		}
		svcs.add(s.id, s.orgID, s.name, s.desc, "", "", s.status, s.feesText, s.eligText, minA, maxA, s.assured, "")
		if s.amount != "" {
			costs.add(w.uuid(), s.id, s.feesText, s.amount, "USD")
		}
		for _, l := range s.langs {
			code, name := l, langNames[l]
			if l == "es" && r.IntN(4) == 0 {
				code = "spa" // ISO 639-2, as some systems export
			}
			langs.add(w.uuid(), s.id, "", "", name, code, "")
		}
		for _, a := range s.areas {
			areasT.add(w.uuid(), s.id, a, "Residents of zip code "+a)
		}
		for _, t := range s.termIDs {
			attrs.add(w.uuid(), s.id, t, "", "service", "")
		}
	}
	locs := &table{header: []string{"id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation", "latitude", "longitude", "confidential"}}
	addrs := &table{header: []string{"id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type"}}
	access := &table{header: []string{"id", "location_id", "description", "details", "url"}}
	for _, l := range w.locs {
		lt := "physical"
		if l.virtual {
			lt = "virtual"
		}
		conf := ""
		if l.confidential {
			conf = "true"
		}
		locs.add(l.id, lt, "", l.orgID, l.name, "", "", "", l.lat, l.lon, conf)
		if !l.virtual {
			addrs.add(w.uuid(), l.id, "", l.street, "", l.city, "", "TN", l.zip, "US", "physical")
		}
		if l.access != "" {
			access.add(w.uuid(), l.id, l.access, "", "")
		}
	}
	sals := &table{header: []string{"id", "service_id", "location_id", "description"}}
	phones := &table{header: []string{"id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number", "extension", "type", "description"}}
	scheds := &table{header: []string{"id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"}}
	for _, sa := range w.sals {
		sals.add(sa.id, sa.svcID, sa.locID, "")
		for i, p := range sa.phones {
			phones.add(sa.phoneIDs[i], "", "", "", "", sa.id, p, "", "voice", "")
		}
		if sc := sa.sched; sc != nil {
			scheds.add(sc.id, "", "", sa.id, "", "", "", "", "", "", "", sc.freq, "1", sc.byday, "", "", "", "", sc.opensAt, sc.closesAt, "", "", "")
		}
	}
	terms := &table{header: []string{"id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"}}
	for _, t := range w.terms {
		terms.add(t.id, t.code, t.name, t.name, "", t.taxonomy, "en", "", "")
	}
	put := map[string]*table{
		"organizations.csv": orgs, "services.csv": svcs, "locations.csv": locs, "service_at_location.csv": sals,
		"addresses.csv": addrs, "phones.csv": phones, "schedules.csv": scheds, "languages.csv": langs,
		"cost_options.csv": costs, "accessibility.csv": access, "service_areas.csv": areasT,
		"attributes.csv": attrs, "taxonomy_terms.csv": terms,
	}
	var res []string
	names := make([]string, 0, len(put))
	for n, t := range put {
		files[n] = t.bytes()
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		res = append(res, fmt.Sprintf(`{"name": %q, "path": %q, "format": "csv", "mediatype": "text/csv", "profile": "tabular-data-resource"}`, strings.TrimSuffix(strings.TrimSuffix(n, ".csv"), "s"), n))
	}
	files["datapackage.json"] = []byte("{\n  \"name\": \"hsdsgen\",\n  \"title\": \"Synthetic HSDS package (invented data)\",\n  \"version\": \"3.0\",\n  \"resources\": [\n    " + strings.Join(res, ",\n    ") + "\n  ]\n}\n")
}

func (w *world) writeV2(files map[string][]byte) {
	// Columns in another order than 3.0, with extra columns, to exercise
	// matching by header.
	orgs := &table{header: []string{"id", "name", "alternate_name", "description", "email", "url", "tax_status", "tax_id", "year_incorporated", "legal_status"}}
	for _, o := range w.orgs {
		orgs.add(o.id, o.name, "", "", "", "", "", "", "", "")
	}
	svcs := &table{header: []string{"id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status", "interpretation_services", "application_process", "wait_time", "fees", "accreditations", "licenses", "assured_date"}}
	elig := &table{header: []string{"id", "service_id", "eligibility"}}
	langs := &table{header: []string{"id", "service_id", "location_id", "language"}}
	areasT := &table{header: []string{"id", "service_id", "service_area", "description"}}
	attrs := &table{header: []string{"id", "service_id", "taxonomy_term_id", "other"}}
	for _, s := range w.svcs {
		svcs.add(s.id, s.orgID, "", s.name, "", s.desc, "", "", s.status, "", "", "", s.feesText, "", "", s.assured)
		if s.eligText != "" {
			elig.add(w.uuid(), s.id, s.eligText)
		}
		for _, l := range s.langs {
			langs.add(w.uuid(), s.id, "", langNames[l])
		}
		for _, a := range s.areas {
			areasT.add(w.uuid(), s.id, a, "")
		}
		for _, t := range s.termIDs {
			attrs.add(w.uuid(), s.id, t, "")
		}
	}
	locs := &table{header: []string{"id", "organization_id", "latitude", "longitude", "name", "alternate_name", "description", "transportation", "confidential", "notes"}}
	addrs := &table{header: []string{"id", "location_id", "attention", "address_1", "address_2", "address_3", "address_4", "city", "region", "state_province", "postal_code", "country"}}
	access := &table{header: []string{"id", "location_id", "accessibility", "details"}}
	for _, l := range w.locs {
		conf := ""
		if l.confidential {
			conf = "yes"
		}
		locs.add(l.id, l.orgID, l.lat, l.lon, l.name, "", "", "", conf, "")
		if !l.virtual {
			addrs.add(w.uuid(), l.id, "", l.street, "", "", "", l.city, "", "TN", l.zip, "US")
		}
		if l.access != "" {
			access.add(w.uuid(), l.id, l.access, "")
		}
	}
	sals := &table{header: []string{"id", "service_id", "location_id", "description"}}
	phones := &table{header: []string{"id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number", "extension", "type", "language", "description"}}
	scheds := &table{header: []string{"id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at"}}
	for _, sa := range w.sals {
		sals.add(sa.id, sa.svcID, sa.locID, "")
		for i, p := range sa.phones {
			phones.add(sa.phoneIDs[i], "", "", "", "", sa.id, p, "", "voice", "", "")
		}
		if sc := sa.sched; sc != nil {
			scheds.add(sc.id, "", "", sa.id, "", "", "", sc.freq, "", sc.byday, "", "", "", "", sc.opensAt, sc.closesAt)
		}
	}
	terms := &table{header: []string{"id", "term", "description", "parent_id", "taxonomy", "language", "code"}}
	for _, t := range w.terms {
		terms.add(t.id, t.name, "", "", t.taxonomy, "en", t.code)
	}
	put := map[string]*table{
		"organizations.csv": orgs, "services.csv": svcs, "locations.csv": locs, "services_at_location.csv": sals,
		"physical_addresses.csv": addrs, "phones.csv": phones, "schedules.csv": scheds, "languages.csv": langs,
		"eligibility.csv": elig, "accessibility_for_disabilities.csv": access, "service_areas.csv": areasT,
		"service_attributes.csv": attrs, "taxonomy_terms.csv": terms,
	}
	for n, t := range put {
		files[n] = t.bytes()
	}
}
