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
	"sort"
	"strings"
	"time"

	"github.com/wraparound/wraparound/directory"
)

// Options tune an import. The zero value is useful: default taxonomy, the
// Open Eligibility mapping, every schedule regardless of its dates,
// services no term places filed under "other" (and reported), hours in
// the zone their data gives or else reported as having none, 100
// problems kept per kind, and the default Limits.
type Options struct {
	// Taxonomy is the taxonomy categories must belong to; nil means
	// directory.DefaultTaxonomy(). Use the same one in the Builder.
	Taxonomy *directory.Taxonomy `json:"-"`
	// Mapping maps other taxonomies' codes or names (211/AIRS…) onto
	// categories. It is consulted before the Open Eligibility mapping.
	Mapping Mapping `json:"mapping,omitempty"`
	// DefaultCategory files services no term or word places in any
	// category. "" files them under directory.Uncategorised ("other")
	// with a KindUncategorised problem, their terms kept as keywords so
	// that text search finds them; with a Taxonomy that has no "other"
	// they are dropped with a KindNoCategory problem.
	DefaultCategory string `json:"default_category,omitempty"`
	// NoGuess turns off reading a category from a service's term names,
	// name and description when none of its terms maps.
	NoGuess bool `json:"no_guess,omitempty"`
	// Zone is the IANA time zone of schedules ("America/New_York"). HSDS
	// gives at most a UTC offset: hours take Zone when it has that offset
	// or none is given, else the offset's fixed zone (see the package
	// doc). With "" and no offset, Hours.Zone stays empty and a KindZone
	// problem says so: a zone is never assumed. An unknown name fails
	// the import with directory.ErrUnknownZone.
	Zone string `json:"zone,omitempty"`
	// Date, when set, keeps only schedules valid on that day (valid_from,
	// valid_to, until). The zero value keeps every schedule, so that
	// output depends on the input alone.
	Date time.Time `json:"date,omitzero"`
	// KeepInactive keeps services whose status is inactive, defunct or
	// temporarily closed; by default they are dropped and reported.
	KeepInactive bool `json:"keep_inactive,omitempty"`
	// MaxProblems is how many problems of each kind the Report keeps
	// (every one is counted); 0 means DefaultMaxProblems, negative keeps
	// all.
	MaxProblems int `json:"max_problems,omitempty"`
	// Limits bound the input's size; the zero value gives the defaults.
	Limits Limits `json:"limits,omitzero"`
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

// All yields read-only views of copies of the providers in ID order, the
// form WriteJSON takes.
func (r *Result) All() iter.Seq[directory.Listing] {
	return func(yield func(directory.Listing) bool) {
		for i := range r.Providers {
			if !yield(directory.ListingOf(r.Providers[i])) {
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
	lim := opts.Limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("hsds: %s: %w", name, err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrTooLarge, name, lim.MaxBytes)
	}
	v, err := decodeJSON(data, name)
	if err != nil {
		return nil, err
	}
	data = nil // the decoded tree is all that is needed from here
	c := newCollector(opts.MaxProblems)
	ds := newDataset("json")
	f := newFlattener(ds, c, name)
	if err := f.top(v); err != nil {
		return nil, err
	}
	if ds.rows > lim.MaxRows {
		return nil, fmt.Errorf("%w: %s: more than %d records", ErrTooLarge, name, lim.MaxRows)
	}
	if f.known == 0 && c.total > 0 {
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
	c := newCollector(opts.MaxProblems)
	ds, err := readPackage(ctx, fsys, c, opts.Limits.withDefaults())
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

	zoneLoc   *time.Location // Options.Zone loaded; nil when ""
	noZone    int            // providers with hours but no zone at all
	noZonePos *row           // the first schedule of the first of them

	unmapped map[Term]*Unmapped
	maxList  int // providers kept per unmapped term, unmapped terms kept
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
	im := &importer{opts: opts, tax: tax, mp: mp, c: c, unmapped: map[Term]*Unmapped{}, maxList: c.max}
	if opts.Zone != "" {
		loc, err := time.LoadLocation(opts.Zone)
		if err != nil {
			return nil, fmt.Errorf("%w: Options.Zone %q: %w", directory.ErrUnknownZone, opts.Zone, err)
		}
		im.zoneLoc = loc
	}
	im.index(ds)
	res := &Result{Sources: map[string]Source{}}
	res.Report.Format = ds.format
	res.Report.Services = len(im.svcs)
	res.Report.Locations = len(im.locs)
	res.Report.Organizations = len(im.orgs)

	// SALs by service, in input order.
	salsBy := map[string][]*row{}
	var links linkCount
	for _, r := range ds.tables[tSAL] {
		id := r.get("id")
		if id == "" || im.sals[id] != r {
			continue
		}
		sid, lid := r.get("service_id"), r.get("location_id")
		if lid != "" {
			links.locRefs++
			if im.locs[lid] == nil {
				links.locBroken++
			}
		}
		if sid == "" {
			c.addf(r.at("service_id"), tSAL, id, "service_id", ErrMissingField, "service_id")
			continue
		}
		links.svcRefs++
		if im.svcs[sid] == nil {
			links.svcBroken++
			c.addf(r.at("service_id"), tSAL, id, "service_id", ErrBrokenReference, "service %q", sid)
			continue
		}
		if lid != "" && im.locs[lid] == nil {
			c.addf(r.at("location_id"), tSAL, id, "location_id", ErrBrokenReference, "location %q", lid)
		}
		salsBy[sid] = append(salsBy[sid], r)
	}
	// Size the results once: a Provider is large, and growing the slice
	// by doubling would hold up to twice the providers at the end.
	// Services dropped early (no name, inactive) are not counted.
	want := 0
	for _, svc := range ds.tables[tService] {
		if sid := svc.get("id"); sid != "" && im.svcs[sid] == svc && svc.get("name") != "" && (opts.KeepInactive || !inactive(svc)) {
			want += max(1, len(salsBy[sid]))
		}
	}
	res.Providers = make([]directory.Provider, 0, want)
	res.Sources = make(map[string]Source, want)
	seenID := make(map[string]bool, want)
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
		if st := strings.ToLower(svc.get("status")); !opts.KeepInactive && inactive(svc) {
			c.addf(svc.at("status"), tService, sid, "status", ErrInactive, "status %q", st)
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
				c.addf(src.pos(), tSAL, p.ID, "id", ErrDuplicate, "provider id %q", p.ID)
				res.Report.Dropped++
				continue
			}
			seenID[p.ID] = true
			res.Providers = append(res.Providers, p)
			res.Sources[p.ID] = src
		}
	}
	if im.noZone > 0 {
		r := im.noZonePos
		im.c.addf(r.pos, tSchedule, r.get("id"), "timezone", ErrNoZone, "the hours of %d providers, from this schedule on, give no UTC offset and Options.Zone is empty; set it to the IANA zone of the data (\"America/New_York\"): the hours are not read as UTC", im.noZone)
	}
	seenID = nil
	if err := im.vet(ctx, res); err != nil {
		return nil, err
	}
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
		if p.Hours.Known() {
			if res.Report.Zones == nil {
				res.Report.Zones = map[string]int{}
			}
			res.Report.Zones[p.Hours.Zone]++
		}
	}
	res.Report.Providers = len(res.Providers)
	if res.Report.Placed == 0 && len(im.locs) > 0 && len(im.svcs) > 0 {
		im.nothingPlaced(ds, links)
	}
	for _, u := range im.unmapped {
		res.Report.Unmapped = append(res.Report.Unmapped, *u)
	}
	sort.Slice(res.Report.Unmapped, func(i, j int) bool {
		a, b := res.Report.Unmapped[i].Term, res.Report.Unmapped[j].Term
		if a.String() != b.String() {
			return a.String() < b.String()
		}
		return a.Taxonomy+"\x00"+a.Code+"\x00"+a.Name < b.Taxonomy+"\x00"+b.Code+"\x00"+b.Name
	})
	res.Report.UnmappedTotal = len(res.Report.Unmapped)
	if im.maxList >= 0 && len(res.Report.Unmapped) > im.maxList {
		res.Report.Unmapped = res.Report.Unmapped[:im.maxList]
	}
	c.fill(&res.Report)
	return res, nil
}

// inactive reports whether a service's status says it is not running.
func inactive(svc *row) bool {
	switch strings.ToLower(svc.get("status")) {
	case "inactive", "defunct", "temporarily closed":
		return true
	}
	return false
}

func (s Source) pos() pos { return pos{file: s.File, line: s.Line, path: s.Path} }

// linkCount counts service_at_location references and those that
// resolve to nothing.
type linkCount struct {
	svcRefs, svcBroken, locRefs, locBroken int
}

// tableName names a table in a summary: its file for CSV, else the table
// with "records".
func tableName(rows []*row, table string) string {
	switch {
	case len(rows) == 0:
		return table + " records"
	case rows[0].line > 0:
		return rows[0].file
	}
	return table + " records of " + rows[0].file
}

// nothingPlaced explains, as one KindNothingPlaced problem, why no
// provider reached the map although the input has locations: the link
// from services to locations that never resolves, or else coordinates.
func (im *importer) nothingPlaced(ds *dataset, l linkCount) {
	sals, locs, svcs := ds.tables[tSAL], ds.tables[tLocation], ds.tables[tService]
	salName, locName, svcName := tableName(sals, tSAL), tableName(locs, tLocation), tableName(svcs, tService)
	var p pos
	field := ""
	var msg string
	switch {
	case len(sals) == 0:
		p = locs[0].pos
		msg = fmt.Sprintf("no service_at_location records link the %d services to the %d locations of %s", len(im.svcs), len(im.locs), locName)
	case l.svcRefs > 0 && l.svcBroken == l.svcRefs:
		p, field = sals[0].pos, "service_id"
		msg = fmt.Sprintf("%s references service IDs not in %s (%d of %d references unresolved; %s has %d IDs)", salName, svcName, l.svcBroken, l.svcRefs, svcName, len(im.svcs))
	case l.locRefs > 0 && l.locBroken == l.locRefs:
		p, field = sals[0].pos, "location_id"
		msg = fmt.Sprintf("%s references location IDs not in %s (%d of %d references unresolved; %s has %d IDs)", salName, locName, l.locBroken, l.locRefs, locName, len(im.locs))
	case l.locRefs == 0:
		p, field = sals[0].pos, "location_id"
		msg = fmt.Sprintf("none of the %d rows of %s names a location", len(sals), salName)
	default:
		p, field = locs[0].pos, "latitude"
		msg = fmt.Sprintf("none of the services' locations in %s has usable coordinates (see the %s and %s problems; %d of %d location references unresolved)", locName, KindUnplaced, KindBadCoordinates, l.locBroken, l.locRefs)
	}
	im.c.add(p, "", "", field, fmt.Errorf("%w: %s", ErrNothingPlaced, msg)) // msg is ours: never clipped
}

// vetChunk is how many providers vet validates at a time: the Builder
// copies what it is given, so validating in chunks bounds that copy.
const vetChunk = 1024

// vet runs the Builder's validation over the providers and drops, with a
// problem, any that fail, so that every returned provider builds. IDs are
// unique already, so chunks are validated independently. It returns
// ctx.Err() once ctx is done.
func (im *importer) vet(ctx context.Context, res *Result) error {
	bad := map[string]bool{}
	for lo := 0; lo < len(res.Providers); lo += vetChunk {
		b := directory.NewBuilder()
		b.Taxonomy = im.tax
		// Validation only: hours without a zone are reported as ErrNoZone,
		// and the caller's Builder decides what its zone is.
		b.Location = time.UTC
		for i, p := range res.Providers[lo:min(lo+vetChunk, len(res.Providers))] {
			b.AddFrom(p, "", 0, lo+i)
		}
		_, err := b.Build(ctx)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
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
				im.c.addf(src.pos(), tSAL, re.ID, re.Field, ErrInvalidProvider, "%w", re.Err)
			}
		}
		walk(err)
	}
	if len(bad) == 0 {
		return nil
	}
	kept := res.Providers[:0]
	for _, p := range res.Providers {
		if bad[p.ID] {
			delete(res.Sources, p.ID)
			res.Report.Dropped++
			continue
		}
		kept = append(kept, p)
	}
	clear(res.Providers[len(kept):])
	res.Providers = kept
	return nil
}

// index builds the ID maps and the owner → children maps, reporting
// duplicate IDs and references to unknown records.
func (im *importer) index(ds *dataset) {
	byID := func(table string) map[string]*row {
		m := map[string]*row{}
		for _, r := range ds.tables[table] {
			id := r.get("id")
			if id == "" {
				im.c.addf(r.at("id"), table, "", "id", ErrMissingField, "id")
				continue
			}
			if _, dup := m[id]; dup {
				im.c.addf(r.at("id"), table, id, "id", ErrDuplicate, "%s id %q", table, id)
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
			im.c.addf(r.at("organization_id"), tService, r.get("id"), "organization_id", ErrBrokenReference, "organization %q", o)
		}
	}
	for _, r := range ds.tables[tLocation] {
		if o := r.get("organization_id"); o != "" && im.orgs[o] == nil && len(im.orgs) > 0 {
			im.c.addf(r.at("organization_id"), tLocation, r.get("id"), "organization_id", ErrBrokenReference, "organization %q", o)
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
					im.c.addf(r.at(o.field), table, r.get("id"), o.field, ErrBrokenReference, "%s %q", o.kind, v)
					continue
				}
				out[o.kind+":"+v] = append(out[o.kind+":"+v], r)
				linked = true
			}
			if !named && !linked && table != tLanguage {
				im.c.addf(r.pos, table, r.get("id"), "", ErrMissingField, "no owner id")
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
			im.c.addf(r.at("link_id"), tAttribute, r.get("id"), "link_id", ErrMissingField, "link_id")
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
			im.c.addf(r.at("link_id"), tAttribute, r.get("id"), "link_id", ErrBrokenReference, "%q", id)
			continue
		}
		tid := r.get("taxonomy_term_id", "taxonomy_id")
		if tid != "" && im.terms[tid] == nil {
			im.c.addf(r.at("taxonomy_term_id"), tAttribute, r.get("id"), "taxonomy_term_id", ErrBrokenReference, "taxonomy term %q", tid)
			continue
		}
		im.attrs[kind+":"+id] = append(im.attrs[kind+":"+id], r)
	}
}
