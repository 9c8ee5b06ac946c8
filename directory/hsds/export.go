package hsds

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/wraparound/wraparound/directory"
)

// ExportOptions tune WriteJSON. The zero value is useful.
type ExportOptions struct {
	// Sources gives the HSDS IDs of imported providers (Result.Sources),
	// so that a service offered at several locations is written once
	// with one service_at_location per provider. Providers without a
	// source get IDs derived from their own.
	Sources map[string]Source `json:"-"`
	// Taxonomy supplies category labels; nil means the default taxonomy.
	Taxonomy *directory.Taxonomy `json:"-"`
	// Indent pretty-prints with this indent ("  "); "" writes compactly.
	Indent string `json:"indent,omitempty"`
}

// Exported HSDS 3.0 objects. Field order follows the schemas; required
// fields carry no omitempty.
type (
	xPage struct {
		TotalItems int         `json:"total_items"`
		TotalPages int         `json:"total_pages"`
		PageNumber int         `json:"page_number"`
		Size       int         `json:"size"`
		FirstPage  bool        `json:"first_page"`
		LastPage   bool        `json:"last_page"`
		Empty      bool        `json:"empty"`
		Contents   []*xService `json:"contents"`
	}
	xService struct {
		ID                     string       `json:"id"`
		Name                   string       `json:"name"`
		Description            string       `json:"description,omitempty"`
		URL                    string       `json:"url,omitempty"`
		Email                  string       `json:"email,omitempty"`
		Status                 string       `json:"status"`
		FeesDescription        string       `json:"fees_description,omitempty"`
		EligibilityDescription string       `json:"eligibility_description,omitempty"`
		MinimumAge             *int         `json:"minimum_age,omitempty"`
		MaximumAge             *int         `json:"maximum_age,omitempty"`
		AssuredDate            string       `json:"assured_date,omitempty"`
		LastModified           string       `json:"last_modified,omitempty"`
		Organization           *xOrg        `json:"organization,omitempty"`
		Phones                 []xPhone     `json:"phones,omitempty"`
		Schedules              []xSchedule  `json:"schedules,omitempty"`
		ServiceAreas           []xArea      `json:"service_areas,omitempty"`
		Languages              []xLanguage  `json:"languages,omitempty"`
		Attributes             []xAttribute `json:"attributes,omitempty"`
		ServiceAtLocations     []*xSAL      `json:"service_at_locations,omitempty"`
	}
	xOrg struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	xSAL struct {
		ID         string       `json:"id"`
		Phones     []xPhone     `json:"phones,omitempty"`
		Schedules  []xSchedule  `json:"schedules,omitempty"`
		Location   *xLocation   `json:"location,omitempty"`
		Attributes []xAttribute `json:"attributes,omitempty"`
	}
	xLocation struct {
		ID            string       `json:"id"`
		LocationType  string       `json:"location_type"`
		Latitude      *float64     `json:"latitude,omitempty"`
		Longitude     *float64     `json:"longitude,omitempty"`
		Addresses     []xAddress   `json:"addresses,omitempty"`
		Accessibility []xAccess    `json:"accessibility,omitempty"`
		Attributes    []xAttribute `json:"attributes,omitempty"`
	}
	xAddress struct {
		ID            string `json:"id"`
		Address1      string `json:"address_1"`
		City          string `json:"city"`
		StateProvince string `json:"state_province"`
		PostalCode    string `json:"postal_code"`
		Country       string `json:"country"`
		AddressType   string `json:"address_type"`
	}
	xAccess struct {
		ID          string `json:"id"`
		Description string `json:"description"`
	}
	xPhone struct {
		ID     string `json:"id"`
		Number string `json:"number"`
	}
	xSchedule struct {
		ID          string   `json:"id"`
		Freq        string   `json:"freq"`
		Byday       string   `json:"byday"`
		OpensAt     string   `json:"opens_at"`
		ClosesAt    string   `json:"closes_at"`
		Timezone    *float64 `json:"timezone,omitempty"`
		Description string   `json:"description,omitempty"`
	}
	xArea struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	xLanguage struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Code string `json:"code"`
	}
	xAttribute struct {
		ID             string `json:"id"`
		LinkID         string `json:"link_id"`
		TaxonomyTermID string `json:"taxonomy_term_id"`
		LinkEntity     string `json:"link_entity"`
		Value          string `json:"value,omitempty"`
		TaxonomyTerm   xTerm  `json:"taxonomy_term"`
	}
	xTerm struct {
		ID          string `json:"id"`
		Code        string `json:"code"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Taxonomy    string `json:"taxonomy"`
	}
)

// uuid derives a name-based UUID (version 5 layout over SHA-1) from parts,
// so that exported child records get stable, well-formed IDs.
func uuid(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// WriteJSON writes providers as an HSDS 3.0 page of services
// ({"contents": [service…]}), each service with its service_at_locations
// and their locations, valid against the HSDS 3.0 JSON schemas.
//
// Providers sharing a service (by Sources) are written as one service when
// their service-level fields agree. Categories, keywords, flags
// (Attributes), capacity and confidentiality are written as attributes
// with terms of the "wraparound" taxonomy; hours as weekly schedules;
// eligibility fields as eligibility_description text (the notes followed
// by a canonical sentence per field) and minimum_age/maximum_age; cost as
// fees_description. ReadJSON reads all of it back: import → export →
// import keeps every field of the provider model except Hours.Zone when
// it is a named zone (HSDS has only a numeric UTC offset, written for
// the fixed zones "Etc/GMT±N" alone; set Options.Zone), Regions (the Builder's
// annotation) and, for confidential providers, the coordinates and street
// address, which are never written: such a provider reads back unplaced.
//
// Output is deterministic: services appear in the order of their first
// provider.
func WriteJSON(w io.Writer, providers iter.Seq[directory.Listing], opts ExportOptions) error {
	tax := opts.Taxonomy
	if tax == nil {
		tax = directory.DefaultTaxonomy()
	}
	ex := &exporter{tax: tax, sources: opts.Sources, svcs: map[string]*xService{}, svcKey: map[string]string{}, locKey: map[string]string{}}
	for l := range providers {
		p := l.Provider()
		ex.add(&p)
	}
	page := xPage{TotalItems: len(ex.order), TotalPages: 1, PageNumber: 1, Size: len(ex.order), FirstPage: true, LastPage: true, Empty: len(ex.order) == 0, Contents: ex.order}
	if page.Contents == nil {
		page.Contents = []*xService{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if opts.Indent != "" {
		enc.SetIndent("", opts.Indent)
	}
	if err := enc.Encode(page); err != nil {
		return fmt.Errorf("hsds: writing json: %w", err)
	}
	return nil
}

type exporter struct {
	tax     *directory.Taxonomy
	sources map[string]Source
	order   []*xService
	svcs    map[string]*xService
	svcKey  map[string]string // service ID → fingerprint of service-level fields
	locKey  map[string]string // location ID → fingerprint of location fields
}

func fingerprint(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (ex *exporter) add(p *directory.Provider) {
	src, hasSrc := ex.sources[p.ID]
	bare := p.Unplaced && p.Address.IsZero() && len(p.Accessibility) == 0 && !p.Wheelchair && !p.Confidential &&
		(!hasSrc || (src.SALID == "" && src.LocationID == ""))
	svcID := p.ID
	if hasSrc && src.ServiceID != "" && !bare {
		svcID = src.ServiceID
	}
	key := fingerprint([]any{p.Name, p.Organization, p.Description, p.URL, p.Email, p.Languages, p.Eligibility, p.Cost, p.ServiceAreas, p.LastVerified, bare})
	if old, ok := ex.svcKey[svcID]; ok && (old != key || bare) {
		svcID = uuid(svcID, p.ID)
	}
	s := ex.svcs[svcID]
	if s == nil {
		s = ex.service(svcID, p, src)
		ex.svcs[svcID] = s
		ex.svcKey[svcID] = key
		ex.order = append(ex.order, s)
	}
	phones := []xPhone(nil)
	if p.Phone != "" {
		phones = []xPhone{{ID: uuid(p.ID, "phone"), Number: p.Phone}}
	}
	scheds := schedules(p)
	if bare {
		s.Phones, s.Schedules = phones, scheds
		s.Attributes = ex.attributes(p, s.ID, "service")
		return
	}
	sal := &xSAL{ID: p.ID, Phones: phones, Schedules: scheds}
	sal.Attributes = ex.attributes(p, sal.ID, "service_at_location")
	sal.Location = ex.location(p, src)
	s.ServiceAtLocations = append(s.ServiceAtLocations, sal)
}

func (ex *exporter) service(id string, p *directory.Provider, src Source) *xService {
	s := &xService{ID: id, Name: p.Name, Description: p.Description, URL: p.URL, Email: p.Email, Status: "active"}
	s.FeesDescription = costText(p.Cost)
	e := p.Eligibility
	s.EligibilityDescription = eligibilityText(e)
	_, tMin, tMax := parseEligibility(s.EligibilityDescription)
	if e.MinAge != 0 || e.MaxAge != 0 || tMin != 0 || tMax != 0 {
		mn, mx := e.MinAge, e.MaxAge
		s.MinimumAge, s.MaximumAge = &mn, &mx
	}
	if !p.LastVerified.IsZero() {
		t := p.LastVerified.UTC()
		if t.Equal(t.Truncate(24 * time.Hour)) {
			s.AssuredDate = t.Format("2006-01-02")
		} else {
			s.LastModified = t.Format(time.RFC3339Nano)
		}
	}
	if p.Organization != "" {
		oid := src.OrganizationID
		if oid == "" {
			oid = uuid("organization", p.Organization)
		}
		s.Organization = &xOrg{ID: oid, Name: p.Organization, Description: ""}
	}
	for i, a := range p.ServiceAreas {
		s.ServiceAreas = append(s.ServiceAreas, xArea{ID: uuid(id, "area", strconv.Itoa(i)), Name: a})
	}
	for _, l := range p.Languages {
		name := languageNames[l]
		if name == "" {
			name = l
		}
		s.Languages = append(s.Languages, xLanguage{ID: uuid(id, "language", l), Name: name, Code: l})
	}
	return s
}

// location writes the provider's place. Confidential places carry no
// coordinates and no address, only the confidential flag.
func (ex *exporter) location(p *directory.Provider, src Source) *xLocation {
	id := src.LocationID
	if id == "" {
		id = uuid(p.ID, "location")
	}
	key := fingerprint([]any{p.Point, p.Unplaced, p.Address, p.Accessibility, p.Wheelchair, p.Confidential})
	if old, ok := ex.locKey[id]; ok && old != key {
		id = uuid(id, p.ID)
	}
	ex.locKey[id] = key
	l := &xLocation{ID: id, LocationType: "physical"}
	if p.Confidential {
		l.Attributes = []xAttribute{ex.attr(id, "location", "confidential", "Confidential location", "")}
	} else if p.Unplaced && p.Address.IsZero() {
		l.LocationType = "virtual"
	}
	if !p.Unplaced && !p.Confidential {
		lat, lon := p.Point[1], p.Point[0]
		l.Latitude, l.Longitude = &lat, &lon
	}
	if !p.Address.IsZero() && !p.Confidential {
		a := p.Address
		l.Addresses = []xAddress{{ID: uuid(id, "address"), Address1: a.Street, City: a.City, StateProvince: a.State, PostalCode: a.PostalCode, Country: a.Country, AddressType: "physical"}}
	}
	for i, a := range p.Accessibility {
		l.Accessibility = append(l.Accessibility, xAccess{ID: uuid(id, "accessibility", strconv.Itoa(i)), Description: a})
	}
	if p.Wheelchair && !slices.ContainsFunc(p.Accessibility, wheelchairText) {
		l.Accessibility = append(l.Accessibility, xAccess{ID: uuid(id, "accessibility", "wheelchair"), Description: wheelchairCanon})
	}
	return l
}

// attr writes one attribute linking entity id to a wraparound term.
func (ex *exporter) attr(linkID, entity, code, label, value string) xAttribute {
	t := xTerm{ID: uuid(Taxonomy, code), Code: code, Name: label, Description: label, Taxonomy: Taxonomy}
	return xAttribute{ID: uuid(linkID, "attribute", code, value), LinkID: linkID, TaxonomyTermID: t.ID, LinkEntity: entity, Value: value, TaxonomyTerm: t}
}

func (ex *exporter) attributes(p *directory.Provider, id, entity string) []xAttribute {
	var out []xAttribute
	for _, c := range p.Categories {
		label := c
		if cat, ok := ex.tax.Lookup(c); ok {
			label = cat.Label
		}
		out = append(out, ex.attr(id, entity, c, label, ""))
	}
	for _, k := range p.Keywords {
		out = append(out, ex.attr(id, entity, "keyword", "Keyword", k))
	}
	for _, a := range p.Attributes {
		out = append(out, ex.attr(id, entity, "attribute", "Attribute", a))
	}
	if p.Capacity > 0 {
		out = append(out, ex.attr(id, entity, "capacity", "Capacity", strconv.Itoa(p.Capacity)))
	}
	if p.Enrolled > 0 {
		out = append(out, ex.attr(id, entity, "enrolled", "Enrolled", strconv.Itoa(p.Enrolled)))
	}
	return out
}

// schedules writes weekly hours as one WEEKLY rule per distinct span,
// listing the days that have it.
func schedules(p *directory.Provider) []xSchedule {
	h := p.Hours
	if h.Always {
		return []xSchedule{{ID: uuid(p.ID, "schedule", "always"), Freq: "WEEKLY", Byday: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "24:00", Description: "Open 24 hours"}}
	}
	type group struct {
		sp   directory.Span
		days []string
	}
	var groups []*group
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for _, d := range order {
		for _, sp := range h.Week[d] {
			i := slices.IndexFunc(groups, func(g *group) bool { return g.sp == sp })
			if i < 0 {
				groups = append(groups, &group{sp: sp})
				i = len(groups) - 1
			}
			groups[i].days = append(groups[i].days, rruleDay[d])
		}
	}
	var tz *float64
	if off, ok := zoneOffset(h.Zone); ok {
		hours := off.Hours()
		tz = &hours
	}
	var out []xSchedule
	for _, g := range groups {
		byday := ""
		for i, d := range g.days {
			if i > 0 {
				byday += ","
			}
			byday += d
		}
		out = append(out, xSchedule{
			ID:       uuid(p.ID, "schedule", g.sp.String()),
			Freq:     "WEEKLY",
			Byday:    byday,
			OpensAt:  clock(g.sp.Open),
			ClosesAt: clock(g.sp.Close % (24 * time.Hour)),
			Timezone: tz,
		})
		if g.sp.Close == 24*time.Hour {
			out[len(out)-1].ClosesAt = "24:00"
		}
	}
	return out
}

func clock(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
