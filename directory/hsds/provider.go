package hsds

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// This file maps one service at one location onto a directory.Provider:
// place, phones, hours, languages, eligibility, cost and categories.

// firstOf returns the children of the first of keys (owners in priority
// order) that has any.
func firstOf(m map[string][]*row, keys ...string) []*row {
	for _, k := range keys {
		if rs := m[k]; len(rs) > 0 {
			return rs
		}
	}
	return nil
}

// allOf returns the children of every owner in keys.
func allOf(m map[string][]*row, keys ...string) []*row {
	var out []*row
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out
}

// provider maps one service at one location (sal nil: the service alone).
func (im *importer) provider(svc, sal *row) (directory.Provider, Source, bool) {
	sid := svc.get("id")
	src := Source{ServiceID: sid, File: svc.file, Line: svc.line, Path: svc.path}
	var p directory.Provider
	p.ID = sid
	var loc *row
	keys := struct{ svc, sal, loc, org string }{svc: "service:" + sid}
	if sal != nil {
		p.ID = sal.get("id")
		src.SALID = p.ID
		src.File, src.Line, src.Path = sal.file, sal.line, sal.path
		keys.sal = "sal:" + p.ID
		if lid := sal.get("location_id"); lid != "" {
			loc = im.locs[lid]
			if loc != nil {
				src.LocationID = lid
				keys.loc = "location:" + lid
			}
		}
	}
	if oid := svc.get("organization_id"); oid != "" {
		src.OrganizationID = oid
		keys.org = "org:" + oid
		if o := im.orgs[oid]; o != nil {
			p.Organization = o.get("name")
		}
	}
	p.Name = svc.get("name")
	if p.Name == "" {
		im.c.addf(svc.at("name"), tService, sid, "name", ErrMissingField, "name")
		return p, src, false
	}
	p.Description = svc.get("description")
	if sal != nil && p.Description == "" {
		p.Description = sal.get("description")
	}
	p.URL = svc.get("url")
	p.Email = svc.get("email")
	if o := im.orgs[src.OrganizationID]; o != nil {
		if p.URL == "" {
			p.URL = o.get("website", "url")
		}
		if p.Email == "" {
			p.Email = o.get("email")
		}
	}

	im.place(&p, loc, sal, svc)

	// Phone: the most specific record's first phone.
	if ph := firstOf(im.phones, keys.sal, keys.loc, keys.svc, keys.org); len(ph) > 0 {
		p.Phone = phoneText(ph[0])
		seen := map[string]bool{}
		for _, r := range ph {
			n := normPhone(r.get("number"))
			if n == "" {
				continue
			}
			if seen[n] {
				im.c.addf(r.at("number"), tPhone, r.get("id"), "number", ErrDuplicate, "phone %q listed twice for %q", r.get("number"), p.ID)
			}
			seen[n] = true
		}
	}
	// Hours: the schedule of the service at this location, else of the
	// service, else of the location.
	p.Hours = im.hours(firstOf(im.scheds, keys.sal, keys.svc, keys.loc), p.ID)

	// Languages of the service and of the place, and of its phones.
	langRows := allOf(im.langs, keys.svc, keys.loc)
	for _, r := range langRows {
		code, ok := langCode(r.get("code", "language"), r.get("name", "language"))
		if !ok {
			im.c.addf(r.at("code"), tLanguage, r.get("id"), "code", ErrBadValue, "language %q", r.get("code", "name", "language"))
			continue
		}
		if !slices.Contains(p.Languages, code) {
			p.Languages = append(p.Languages, code)
		}
	}
	for _, field := range []string{"languages"} { // 2.0 / 1.x services carry a list
		if v := svc.get(field); v != "" {
			for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
				if code, ok := langCode(l, l); ok && !slices.Contains(p.Languages, code) {
					p.Languages = append(p.Languages, code)
				}
			}
		}
	}
	sort.Strings(p.Languages)

	im.eligibility(&p, svc, allOf(im.elig, keys.svc))
	p.Cost = im.cost(svc, allOf(im.costs, keys.svc))

	// Service areas: who the service serves, by name.
	for _, r := range allOf(im.areas, keys.svc) {
		if a := r.get("name", "service_area", "description"); a != "" && !slices.Contains(p.ServiceAreas, a) {
			p.ServiceAreas = append(p.ServiceAreas, a)
		}
	}
	// Payments accepted (2.0) become attributes ("snap", "wic").
	for _, r := range allOf(im.pay, keys.svc) {
		if a := strings.ToLower(r.get("payment", "name")); a != "" && !slices.Contains(p.Attributes, a) {
			p.Attributes = append(p.Attributes, a)
		}
	}
	// Verified: assured_date, else last_modified.
	for _, f := range []string{"assured_date", "last_modified"} {
		if v := svc.get(f); v != "" {
			t, ok := parseDate(v)
			if !ok {
				im.c.addf(svc.at(f), tService, sid, f, ErrBadValue, "date %q", v)
				continue
			}
			p.LastVerified = t
			break
		}
	}
	// Extra columns the model has room for.
	for _, f := range []string{"capacity", "enrolled"} {
		v := ""
		if sal != nil {
			v = sal.get(f)
		}
		if v == "" {
			v = svc.get(f)
		}
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			im.c.addf(svc.at(f), tService, sid, f, ErrBadValue, "%s %q", f, v)
			continue
		}
		if f == "capacity" {
			p.Capacity = n
		} else {
			p.Enrolled = n
		}
	}
	if kw := svc.get("keywords"); kw != "" {
		for _, k := range strings.Split(kw, ",") {
			if k = strings.TrimSpace(k); k != "" && !slices.Contains(p.Keywords, k) {
				p.Keywords = append(p.Keywords, k)
			}
		}
	}

	im.categorize(&p, svc, allOf(im.attrs, keys.svc, keys.sal, keys.loc))
	if len(p.Categories) == 0 {
		return p, src, false
	}
	return p, src, true
}

// place sets the point, address, accessibility and confidentiality from
// the location.
func (im *importer) place(p *directory.Provider, loc, sal, svc *row) {
	p.Unplaced = true
	if loc == nil {
		r, table, id := svc, tService, svc.get("id")
		if sal != nil {
			r, table, id = sal, tSAL, sal.get("id")
		}
		im.c.addf(r.pos, table, id, "location", ErrUnplaced, "provider %q has no location", p.ID)
		return
	}
	lid := loc.get("id")
	p.Confidential = truthy(loc.get("confidential"))
	for _, r := range im.attrs["location:"+lid] {
		if t := im.terms[r.get("taxonomy_term_id")]; t != nil {
			if normTerm(t.get("code")) == "confidential" || normTerm(t.get("name")) == "confidential" {
				p.Confidential = true
			}
		}
	}
	// Address: physical first, then any other kind.
	addrs := im.addrs["location:"+lid]
	var addr *row
	for _, want := range []string{"physical", ""} {
		for _, a := range addrs {
			if t := strings.ToLower(a.get("address_type")); want == "" || t == want {
				addr = a
				break
			}
		}
		if addr != nil {
			break
		}
	}
	if addr != nil {
		street := addr.get("address_1")
		if a2 := addr.get("address_2"); a2 != "" {
			street = strings.TrimSpace(street + ", " + a2)
		}
		p.Address = directory.Address{
			Street:     street,
			City:       addr.get("city"),
			State:      addr.get("state_province", "state"),
			PostalCode: addr.get("postal_code", "zip"),
			Country:    addr.get("country"),
		}
	}
	for _, r := range im.access["location:"+lid] {
		for _, f := range []string{"description", "accessibility", "details"} {
			v := r.get(f)
			if v == "" {
				continue
			}
			if wheelchairText(v) {
				p.Wheelchair = true
			}
			if strings.EqualFold(v, wheelchairCanon) {
				break
			}
			if !slices.Contains(p.Accessibility, v) {
				p.Accessibility = append(p.Accessibility, v)
			}
			break // details elaborate on the description
		}
	}
	lt := strings.ToLower(loc.get("location_type"))
	latS, lonS := loc.get("latitude", "lat"), loc.get("longitude", "lon", "lng", "long")
	if lt == "virtual" || lt == "postal" {
		im.c.addf(loc.at("location_type"), tLocation, lid, "location_type", ErrUnplaced, "%s location of provider %q", lt, p.ID)
		return
	}
	if latS == "" || lonS == "" {
		im.c.addf(loc.at("latitude"), tLocation, lid, "latitude", ErrUnplaced, "provider %q has no coordinates", p.ID)
		return
	}
	lat, err1 := geo.ParseDegrees(strings.TrimSpace(latS))
	lon, err2 := geo.ParseDegrees(strings.TrimSpace(lonS))
	if err1 != nil || err2 != nil {
		field := "latitude"
		if err1 == nil {
			field = "longitude"
		}
		im.c.addf(loc.at(field), tLocation, lid, field, ErrBadCoordinates, "%q, %q", latS, lonS)
		return
	}
	pt := orb.Point{lon, lat}
	if err := geo.ValidatePoint(pt); err != nil {
		field := "latitude"
		var pe *geo.PointError
		if errors.As(err, &pe) && pe.Field == "longitude" {
			field = "longitude"
		}
		im.c.addf(loc.at(field), tLocation, lid, field, ErrBadCoordinates, "%w", err)
		return
	}
	if geo.LikelySwappedUS(pt) {
		im.c.addf(loc.at("latitude"), tLocation, lid, "latitude", ErrBadCoordinates, "latitude %s and longitude %s look swapped", latS, lonS)
		return
	}
	p.Point = pt
	p.Unplaced = false
}

// wheelchairCanon is the accessibility entry WriteJSON writes for
// Provider.Wheelchair.
const wheelchairCanon = "Wheelchair accessible"

func phoneText(r *row) string {
	n := cleanValue(r.get("number"))
	if ext := r.get("extension"); ext != "" {
		n += " x" + ext
	}
	return n
}

func normPhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// eligibility reads ages from minimum_age/maximum_age, else from the text;
// grades, income and residency from the text.
func (im *importer) eligibility(p *directory.Provider, svc *row, extra []*row) {
	text := svc.get("eligibility_description", "eligibility")
	for _, r := range extra {
		if v := r.get("eligibility", "description"); v != "" {
			if text != "" {
				text += "; "
			}
			text += v
		}
	}
	e, minT, maxT := parseEligibility(text)
	minA, maxA := minT, maxT
	sid := svc.get("id")
	readAge := func(f string, into *int) {
		v := svc.get(f)
		if v == "" {
			return
		}
		n, ok := parseNum(v)
		if !ok || n < 0 || n > 130 {
			im.c.addf(svc.at(f), tService, sid, f, ErrBadValue, "age %q", v)
			return
		}
		*into = int(n)
	}
	if svc.get("minimum_age") != "" || svc.get("maximum_age") != "" {
		minA, maxA = 0, 0
		readAge("minimum_age", &minA)
		readAge("maximum_age", &maxA)
	}
	if maxA > 0 && maxA < minA {
		im.c.addf(svc.at("maximum_age"), tService, sid, "maximum_age", ErrBadValue, "maximum age %d below minimum %d", maxA, minA)
		minA, maxA = 0, 0
	}
	e.MinAge, e.MaxAge = minA, maxA
	p.Eligibility = e
}

// cost classifies what the service costs from its cost options and fee
// text: a sliding scale anywhere wins, then any positive amount or fee
// text, then anything saying free.
func (im *importer) cost(svc *row, opts []*row) directory.Cost {
	free, fee, sliding := false, false, false
	see := func(c directory.Cost) {
		switch c {
		case directory.CostFree:
			free = true
		case directory.CostFee:
			fee = true
		case directory.CostSlidingScale:
			sliding = true
		}
	}
	for _, r := range opts {
		if a := r.get("amount"); a != "" {
			n, ok := parseNum(a)
			switch {
			case !ok:
				im.c.addf(r.at("amount"), tCost, r.get("id"), "amount", ErrBadValue, "amount %q", a)
			case n == 0:
				free = true
			default:
				fee = true
			}
		}
		see(costFromText(r.get("option") + " " + r.get("amount_description")))
	}
	see(costFromText(svc.get("fees_description")))
	see(costFromText(svc.get("fees")))
	switch {
	case sliding:
		return directory.CostSlidingScale
	case fee:
		return directory.CostFee
	case free:
		return directory.CostFree
	}
	return directory.CostUnknown
}

// errGuessed marks a category read from words; its Problem has
// KindGuessed.
var errGuessed = errors.New("hsds: no taxonomy term maps; category read from the service's words")

// categorize maps taxonomy terms onto categories, flags and keywords.
func (im *importer) categorize(p *directory.Provider, svc *row, attrs []*row) {
	var termNames []string
	seenTerm := map[Term]bool{}
	for _, a := range attrs {
		t := im.terms[a.get("taxonomy_term_id", "taxonomy_id")]
		if t == nil {
			continue
		}
		term := Term{Taxonomy: t.get("taxonomy", "vocabulary"), Code: t.get("code"), Name: t.get("name", "term")}
		if term.Code == "" && term.Taxonomy == "" && a.get("taxonomy_id") != "" {
			term.Code = t.get("id") // 2.0 taxonomy.csv: the ID is the code
		}
		if normTerm(term.Code) == "confidential" || normTerm(term.Name) == "confidential" {
			continue // read with the location
		}
		if strings.EqualFold(term.Taxonomy, Taxonomy) {
			if im.wraparoundTerm(p, term, a) {
				continue
			}
		}
		code, situation := im.mp.resolve(term)
		if code != "" {
			if !slices.Contains(p.Categories, code) {
				p.Categories = append(p.Categories, code)
			}
			continue
		}
		kw := term.Name
		if kw == "" {
			kw = term.Code
		}
		if kw != "" && !slices.Contains(p.Keywords, kw) {
			p.Keywords = append(p.Keywords, kw)
		}
		if !situation {
			termNames = append(termNames, term.Name)
			u := im.unmapped[term]
			if u == nil {
				u = &Unmapped{Term: term}
				im.unmapped[term] = u
				im.c.addf(a.pos, tTerm, t.get("id"), "taxonomy_term_id", ErrUnmappedTerm, "%s", term)
			}
			if !seenTerm[term] {
				seenTerm[term] = true
				u.Count++
				if im.maxList < 0 || len(u.Providers) < im.maxList {
					u.Providers = append(u.Providers, p.ID)
				}
			}
		}
	}
	if len(p.Categories) > 0 {
		return
	}
	if !im.opts.NoGuess {
		if code := im.mp.guess(strings.Join(termNames, " "), p.Name, p.Description); code != "" {
			p.Categories = []string{code}
			im.c.addf(svc.pos, tService, svc.get("id"), "categories", errGuessed, "%q for %q", code, p.ID)
			return
		}
	}
	if im.opts.DefaultCategory != "" {
		p.Categories = []string{im.opts.DefaultCategory}
		return
	}
	if im.tax.Check(directory.Uncategorised) == nil {
		p.Categories = []string{directory.Uncategorised}
		what := "it has no taxonomy terms"
		if len(termNames) > 0 {
			what = fmt.Sprintf("its %d taxonomy terms map to no category and are kept as keywords", len(termNames))
		}
		im.c.add(svc.pos, tService, svc.get("id"), "categories", fmt.Errorf("%w: %q filed under %q: %s", ErrUncategorised, clip(p.ID), directory.Uncategorised, what))
		return
	}
	im.c.addf(svc.pos, tService, svc.get("id"), "categories", ErrNoCategory, "%q dropped (the taxonomy has no %q category)", p.ID, directory.Uncategorised)
}

// wraparoundTerm reads the flags WriteJSON files under the wraparound
// taxonomy. It reports whether the term was one of them.
func (im *importer) wraparoundTerm(p *directory.Provider, t Term, a *row) bool {
	v := a.get("value")
	switch t.Code {
	case "keyword":
		if v != "" && !slices.Contains(p.Keywords, v) {
			p.Keywords = append(p.Keywords, v)
		}
	case "attribute":
		if v != "" && !slices.Contains(p.Attributes, v) {
			p.Attributes = append(p.Attributes, v)
		}
	case "capacity", "enrolled":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			im.c.addf(a.at("value"), tAttribute, a.get("id"), "value", ErrBadValue, "%s %q", t.Code, v)
			return true
		}
		if t.Code == "capacity" {
			p.Capacity = n
		} else {
			p.Enrolled = n
		}
	case "confidential":
		// read with the location
	default:
		return false
	}
	return true
}
