package hsds

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
)

// Options tune an import. The zero value is useful: default taxonomy, the
// Open Eligibility mapping, every schedule regardless of its dates, and
// services with no category dropped (and reported).
type Options struct {
	// Taxonomy is the taxonomy categories must belong to; nil means
	// directory.DefaultTaxonomy(). Use the same one in the Builder.
	Taxonomy *directory.Taxonomy `json:"-"`
	// Mapping maps other taxonomies' codes or names (211/AIRS…) onto
	// categories. It is consulted before the Open Eligibility mapping.
	Mapping Mapping `json:"mapping,omitempty"`
	// DefaultCategory files services no term or word places in any
	// category; "" drops them with a KindNoCategory problem.
	DefaultCategory string `json:"default_category,omitempty"`
	// NoGuess turns off reading a category from a service's term names,
	// name and description when none of its terms maps.
	NoGuess bool `json:"no_guess,omitempty"`
	// Zone is the IANA time zone of the schedules ("America/New_York");
	// HSDS gives none. "" leaves Hours.Zone empty (the directory default).
	Zone string `json:"zone,omitempty"`
	// Date, when set, keeps only schedules valid on that day (valid_from,
	// valid_to, until). The zero value keeps every schedule, so that
	// output depends on the input alone.
	Date time.Time `json:"date,omitzero"`
	// KeepInactive keeps services whose status is inactive, defunct or
	// temporarily closed; by default they are dropped and reported.
	KeepInactive bool `json:"keep_inactive,omitempty"`
}

// Source says where a provider came from in the HSDS input: the IDs of
// its service, location, service_at_location and organization, and the
// position of the service_at_location record.
type Source struct {
	ServiceID      string `json:"service_id"`
	LocationID     string `json:"location_id,omitempty"`
	SALID          string `json:"service_at_location_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	File           string `json:"file,omitempty"`
	Line           int    `json:"line,omitempty"`
	Path           string `json:"path,omitempty"`
}

// Result is an imported directory: providers ready for directory.Builder,
// where each came from, and a report of what was read and what was wrong.
type Result struct {
	// Providers are sorted by ID. Every one passes the Builder's
	// validation with Options.Taxonomy; providers without usable
	// coordinates have Unplaced set and are found by ID only.
	Providers []directory.Provider
	// Sources maps each provider ID to its origin.
	Sources map[string]Source
	Report  Report
}

// All yields pointers to the providers in ID order, the form WriteJSON
// takes.
func (r *Result) All() iter.Seq[*directory.Provider] {
	return func(yield func(*directory.Provider) bool) {
		for i := range r.Providers {
			if !yield(&r.Providers[i]) {
				return
			}
		}
	}
}

// AddTo adds every provider to b with its source position, so that the
// Builder's errors (should a different taxonomy be used there) name the
// HSDS record.
func (r *Result) AddTo(b *directory.Builder) {
	for i, p := range r.Providers {
		s := r.Sources[p.ID]
		b.AddFrom(p, s.File, s.Line, i)
	}
}

// ReadJSON imports an HSDS 3.0 JSON document: one service, service at
// location, organization or location; a list of them; a paginated API page
// ({"contents": […]}); or the tabular JSON form ({"services.csv": […]}).
// name labels positions in problems. It fails only when the document is
// not JSON or not HSDS at all; every other problem is in the report.
func ReadJSON(ctx context.Context, r io.Reader, name string, opts Options) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("hsds: %s: %w", name, err)
	}
	v, err := decodeJSON(data, name)
	if err != nil {
		return nil, err
	}
	c := &collector{}
	ds := newDataset("json")
	f := newFlattener(ds, c, name)
	if err := f.top(v); err != nil {
		return nil, err
	}
	if f.known == 0 && len(c.probs) > 0 {
		return nil, fmt.Errorf("%w: %s: no HSDS records", ErrUnknownShape, name)
	}
	return assemble(ctx, ds, c, opts)
}

// ReadPackage imports an HSDS tabular package from fsys: the 3.0 layout
// (datapackage.json and one CSV per table) or the older 2.0 layout
// (services.csv, locations.csv, services_at_location.csv,
// physical_addresses.csv, service_attributes.csv, eligibility.csv…).
// Columns are matched by header; missing optional tables are fine. It
// fails only without a services table or on I/O errors.
func ReadPackage(ctx context.Context, fsys fs.FS, opts Options) (*Result, error) {
	c := &collector{}
	ds, err := readPackage(ctx, fsys, c)
	if err != nil {
		return nil, err
	}
	return assemble(ctx, ds, c, opts)
}

// Open imports from a path: a folder or .zip holding a tabular package, a
// package's datapackage.json or one of its CSV files, or a JSON document.
func Open(ctx context.Context, path string, opts Options) (*Result, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("hsds: %w", err)
	}
	if st.IsDir() {
		return ReadPackage(ctx, os.DirFS(path), opts)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".zip":
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, path, err)
		}
		defer zr.Close()
		return ReadPackage(ctx, packageRoot(zr), opts)
	case ".csv":
		return ReadPackage(ctx, os.DirFS(filepath.Dir(path)), opts)
	}
	if filepath.Base(path) == "datapackage.json" {
		return ReadPackage(ctx, os.DirFS(filepath.Dir(path)), opts)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("hsds: %w", err)
	}
	return ReadJSON(ctx, bytes.NewReader(data), filepath.Base(path), opts)
}

// packageRoot descends into a zip's single top-level folder when the
// tables are there rather than at the root.
func packageRoot(fsys fs.FS) fs.FS {
	for range 3 {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil || len(entries) != 1 || !entries[0].IsDir() {
			return fsys
		}
		sub, err := fs.Sub(fsys, entries[0].Name())
		if err != nil {
			return fsys
		}
		fsys = sub
	}
	return fsys
}

// importer maps a dataset onto providers.
type importer struct {
	opts Options
	tax  *directory.Taxonomy
	mp   *mapper
	c    *collector

	orgs, locs, svcs, sals, terms map[string]*row
	// children of each owner, keyed "kind:id" (kind is service, location,
	// sal or org).
	phones, scheds, langs, addrs, access, areas, costs, elig, pay, attrs map[string][]*row

	unmapped map[Term][]string
}

// assemble turns a dataset into providers and a report.
func assemble(ctx context.Context, ds *dataset, c *collector, opts Options) (*Result, error) {
	tax := opts.Taxonomy
	if tax == nil {
		tax = directory.DefaultTaxonomy()
	}
	if opts.DefaultCategory != "" {
		if err := tax.Check(opts.DefaultCategory); err != nil {
			return nil, fmt.Errorf("hsds: default category: %w", err)
		}
	}
	mp, err := newMapper(tax, opts.Mapping)
	if err != nil {
		return nil, fmt.Errorf("hsds: mapping: %w", err)
	}
	im := &importer{opts: opts, tax: tax, mp: mp, c: c, unmapped: map[Term][]string{}}
	im.index(ds)
	res := &Result{Sources: map[string]Source{}}
	res.Report.Format = ds.format
	res.Report.Services = len(im.svcs)
	res.Report.Locations = len(im.locs)
	res.Report.Organizations = len(im.orgs)

	// SALs by service, in input order.
	salsBy := map[string][]*row{}
	for _, r := range ds.tables[tSAL] {
		id := r.get("id")
		if id == "" || im.sals[id] != r {
			continue
		}
		sid, lid := r.get("service_id"), r.get("location_id")
		if sid == "" {
			c.add(r.at("service_id"), tSAL, id, "service_id", fmt.Errorf("%w: service_id", ErrMissingField))
			continue
		}
		if im.svcs[sid] == nil {
			c.add(r.at("service_id"), tSAL, id, "service_id", fmt.Errorf("%w: service %q", ErrBrokenReference, sid))
			continue
		}
		if lid != "" && im.locs[lid] == nil {
			c.add(r.at("location_id"), tSAL, id, "location_id", fmt.Errorf("%w: location %q", ErrBrokenReference, lid))
		}
		salsBy[sid] = append(salsBy[sid], r)
	}
	seenID := map[string]bool{}
	for i, svc := range ds.tables[tService] {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sid := svc.get("id")
		if sid == "" || im.svcs[sid] != svc {
			continue
		}
		if st := strings.ToLower(svc.get("status")); !opts.KeepInactive && (st == "inactive" || st == "defunct" || st == "temporarily closed") {
			c.add(svc.at("status"), tService, sid, "status", fmt.Errorf("%w: status %q", ErrInactive, st))
			res.Report.Dropped += max(1, len(salsBy[sid]))
			continue
		}
		sals := salsBy[sid]
		if len(sals) == 0 {
			// A service with no location (a hotline, an online program):
			// one unplaced provider under the service's own ID.
			sals = []*row{nil}
		}
		for _, sal := range sals {
			p, src, ok := im.provider(svc, sal)
			if !ok {
				res.Report.Dropped++
				continue
			}
			if seenID[p.ID] {
				c.add(src.pos(), tSAL, p.ID, "id", fmt.Errorf("%w: provider id %q", ErrDuplicate, p.ID))
				res.Report.Dropped++
				continue
			}
			seenID[p.ID] = true
			res.Providers = append(res.Providers, p)
			res.Sources[p.ID] = src
		}
	}
	im.vet(res)
	sort.Slice(res.Providers, func(i, j int) bool { return res.Providers[i].ID < res.Providers[j].ID })
	res.Report.Categories = map[string]int{}
	for _, p := range res.Providers {
		if p.Unplaced {
			res.Report.Unplaced++
		} else {
			res.Report.Placed++
		}
		if p.Confidential {
			res.Report.Confidential++
		}
		for _, cat := range p.Categories {
			res.Report.Categories[cat]++
		}
	}
	res.Report.Providers = len(res.Providers)
	for t, ids := range im.unmapped {
		res.Report.Unmapped = append(res.Report.Unmapped, Unmapped{Term: t, Providers: ids})
	}
	sort.Slice(res.Report.Unmapped, func(i, j int) bool {
		a, b := res.Report.Unmapped[i].Term, res.Report.Unmapped[j].Term
		return a.String() < b.String()
	})
	res.Report.Problems = c.probs
	return res, nil
}

func (s Source) pos() pos { return pos{file: s.File, line: s.Line, path: s.Path} }

// vet runs the Builder's validation over the providers and drops, with a
// problem, any that fail, so that every returned provider builds.
func (im *importer) vet(res *Result) {
	b := directory.NewBuilder()
	b.Taxonomy = im.tax
	for i, p := range res.Providers {
		b.AddFrom(p, "", 0, i)
	}
	_, err := b.Build()
	if err == nil {
		return
	}
	bad := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		var re *directory.RecordError
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if errors.As(e, &re) {
			bad[re.ID] = true
			src := res.Sources[re.ID]
			im.c.add(src.pos(), tSAL, re.ID, re.Field, fmt.Errorf("%w: %w", ErrInvalidProvider, re.Err))
		}
	}
	walk(err)
	kept := res.Providers[:0]
	for _, p := range res.Providers {
		if bad[p.ID] {
			delete(res.Sources, p.ID)
			res.Report.Dropped++
			continue
		}
		kept = append(kept, p)
	}
	res.Providers = kept
}

// index builds the ID maps and the owner → children maps, reporting
// duplicate IDs and references to unknown records.
func (im *importer) index(ds *dataset) {
	byID := func(table string) map[string]*row {
		m := map[string]*row{}
		for _, r := range ds.tables[table] {
			id := r.get("id")
			if id == "" {
				im.c.add(r.at("id"), table, "", "id", fmt.Errorf("%w: id", ErrMissingField))
				continue
			}
			if _, dup := m[id]; dup {
				im.c.add(r.at("id"), table, id, "id", fmt.Errorf("%w: %s id %q", ErrDuplicate, table, id))
				continue
			}
			m[id] = r
		}
		return m
	}
	im.orgs = byID(tOrganization)
	im.locs = byID(tLocation)
	im.svcs = byID(tService)
	im.sals = byID(tSAL)
	im.terms = map[string]*row{}
	for _, r := range ds.tables[tTerm] {
		if id := r.get("id"); id != "" {
			if _, dup := im.terms[id]; !dup {
				im.terms[id] = r
			}
		}
	}
	for _, r := range ds.tables[tService] {
		if o := r.get("organization_id"); o != "" && im.orgs[o] == nil && len(im.orgs) > 0 {
			im.c.add(r.at("organization_id"), tService, r.get("id"), "organization_id", fmt.Errorf("%w: organization %q", ErrBrokenReference, o))
		}
	}
	for _, r := range ds.tables[tLocation] {
		if o := r.get("organization_id"); o != "" && im.orgs[o] == nil && len(im.orgs) > 0 {
			im.c.add(r.at("organization_id"), tLocation, r.get("id"), "organization_id", fmt.Errorf("%w: organization %q", ErrBrokenReference, o))
		}
	}
	type owner struct {
		field, kind string
		m           map[string]*row
	}
	svc := owner{"service_id", "service", im.svcs}
	loc := owner{"location_id", "location", im.locs}
	sal := owner{"service_at_location_id", "sal", im.sals}
	org := owner{"organization_id", "org", im.orgs}
	link := func(table string, owners ...owner) map[string][]*row {
		out := map[string][]*row{}
		for _, r := range ds.tables[table] {
			linked, named := false, false
			for _, o := range owners {
				v := r.get(o.field)
				if v == "" {
					continue
				}
				named = true
				if o.m[v] == nil {
					im.c.add(r.at(o.field), table, r.get("id"), o.field, fmt.Errorf("%w: %s %q", ErrBrokenReference, o.kind, v))
					continue
				}
				out[o.kind+":"+v] = append(out[o.kind+":"+v], r)
				linked = true
			}
			if !named && !linked && table != tLanguage {
				im.c.add(r.pos, table, r.get("id"), "", fmt.Errorf("%w: no owner id", ErrMissingField))
			}
		}
		return out
	}
	im.phones = link(tPhone, sal, loc, svc, org)
	im.scheds = link(tSchedule, sal, svc, loc)
	im.langs = link(tLanguage, svc, loc)
	im.addrs = link(tAddress, loc)
	im.access = link(tAccess, loc)
	im.areas = link(tArea, svc)
	im.costs = link(tCost, svc)
	im.elig = link(tEligibility, svc)
	im.pay = link(tPayment, svc)
	im.attrs = map[string][]*row{}
	for _, r := range ds.tables[tAttribute] {
		id := r.get("link_id", "service_id", "location_id", "service_at_location_id", "organization_id")
		if id == "" {
			im.c.add(r.at("link_id"), tAttribute, r.get("id"), "link_id", fmt.Errorf("%w: link_id", ErrMissingField))
			continue
		}
		kind := ""
		switch strings.ToLower(r.get("link_entity", "link_type")) {
		case "service", "services":
			kind = "service"
		case "location", "locations":
			kind = "location"
		case "service_at_location", "service_at_locations":
			kind = "sal"
		case "organization", "organizations":
			kind = "org"
		}
		if r.get("service_id") != "" && r.get("link_id") == "" {
			kind = "service"
		}
		known := func(k string) bool {
			switch k {
			case "service":
				return im.svcs[id] != nil
			case "location":
				return im.locs[id] != nil
			case "sal":
				return im.sals[id] != nil
			case "org":
				return im.orgs[id] != nil
			}
			return false
		}
		if kind == "" || !known(kind) {
			kind = ""
			for _, k := range []string{"service", "sal", "location", "org"} {
				if known(k) {
					kind = k
					break
				}
			}
		}
		if kind == "" {
			im.c.add(r.at("link_id"), tAttribute, r.get("id"), "link_id", fmt.Errorf("%w: %q", ErrBrokenReference, id))
			continue
		}
		tid := r.get("taxonomy_term_id", "taxonomy_id")
		if tid != "" && im.terms[tid] == nil {
			im.c.add(r.at("taxonomy_term_id"), tAttribute, r.get("id"), "taxonomy_term_id", fmt.Errorf("%w: taxonomy term %q", ErrBrokenReference, tid))
			continue
		}
		im.attrs[kind+":"+id] = append(im.attrs[kind+":"+id], r)
	}
}

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
		im.c.add(svc.at("name"), tService, sid, "name", fmt.Errorf("%w: name", ErrMissingField))
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
				im.c.add(r.at("number"), tPhone, r.get("id"), "number", fmt.Errorf("%w: phone %q listed twice for %q", ErrDuplicate, r.get("number"), p.ID))
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
			im.c.add(r.at("code"), tLanguage, r.get("id"), "code", fmt.Errorf("%w: language %q", ErrBadValue, r.get("code", "name", "language")))
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
				im.c.add(svc.at(f), tService, sid, f, fmt.Errorf("%w: date %q", ErrBadValue, v))
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
			im.c.add(svc.at(f), tService, sid, f, fmt.Errorf("%w: %s %q", ErrBadValue, f, v))
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
		im.c.add(r.pos, table, id, "location", fmt.Errorf("%w: provider %q has no location", ErrUnplaced, p.ID))
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
		im.c.add(loc.at("location_type"), tLocation, lid, "location_type", fmt.Errorf("%w: %s location of provider %q", ErrUnplaced, lt, p.ID))
		return
	}
	if latS == "" || lonS == "" {
		im.c.add(loc.at("latitude"), tLocation, lid, "latitude", fmt.Errorf("%w: provider %q has no coordinates", ErrUnplaced, p.ID))
		return
	}
	lat, err1 := geo.ParseDegrees(strings.TrimSpace(latS))
	lon, err2 := geo.ParseDegrees(strings.TrimSpace(lonS))
	if err1 != nil || err2 != nil {
		field := "latitude"
		if err1 == nil {
			field = "longitude"
		}
		im.c.add(loc.at(field), tLocation, lid, field, fmt.Errorf("%w: %q, %q", ErrBadCoordinates, latS, lonS))
		return
	}
	pt := orb.Point{lon, lat}
	if err := geo.ValidatePoint(pt); err != nil {
		field := "latitude"
		var pe *geo.PointError
		if errors.As(err, &pe) && pe.Field == "longitude" {
			field = "longitude"
		}
		im.c.add(loc.at(field), tLocation, lid, field, fmt.Errorf("%w: %w", ErrBadCoordinates, err))
		return
	}
	if geo.LikelySwappedUS(pt) {
		im.c.add(loc.at("latitude"), tLocation, lid, "latitude", fmt.Errorf("%w: latitude %s and longitude %s look swapped", ErrBadCoordinates, latS, lonS))
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
			im.c.add(svc.at(f), tService, sid, f, fmt.Errorf("%w: age %q", ErrBadValue, v))
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
		im.c.add(svc.at("maximum_age"), tService, sid, "maximum_age", fmt.Errorf("%w: maximum age %d below minimum %d", ErrBadValue, maxA, minA))
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
				im.c.add(r.at("amount"), tCost, r.get("id"), "amount", fmt.Errorf("%w: amount %q", ErrBadValue, a))
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
			if ids := im.unmapped[term]; len(ids) == 0 || ids[len(ids)-1] != p.ID {
				if len(ids) == 0 {
					im.c.add(a.pos, tTerm, t.get("id"), "taxonomy_term_id", fmt.Errorf("%w: %s", ErrUnmappedTerm, term))
				}
				im.unmapped[term] = append(ids, p.ID)
			}
		}
	}
	if len(p.Categories) > 0 {
		return
	}
	if !im.opts.NoGuess {
		if code := im.mp.guess(strings.Join(termNames, " "), p.Name, p.Description); code != "" {
			p.Categories = []string{code}
			im.c.add(svc.pos, tService, svc.get("id"), "categories", fmt.Errorf("%w: %q for %q", errGuessed, code, p.ID))
			return
		}
	}
	if im.opts.DefaultCategory != "" {
		p.Categories = []string{im.opts.DefaultCategory}
		return
	}
	im.c.add(svc.pos, tService, svc.get("id"), "categories", fmt.Errorf("%w: %q dropped", ErrNoCategory, p.ID))
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
			im.c.add(a.at("value"), tAttribute, a.get("id"), "value", fmt.Errorf("%w: %s %q", ErrBadValue, t.Code, v))
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
