package directory

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tidwall/rtree"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

// Builder collects providers and builds an immutable Directory. It is for
// one goroutine; the Directory it builds is for any number.
//
// Typical usage:
//
//	b := directory.NewBuilder()
//	b.Location = nyc // zone for hours given without one
//	b.AddRegions("neighborhoods", hoods)
//	for _, p := range providers {
//		b.Add(p)
//	}
//	dir, err := b.Build()
type Builder struct {
	// Taxonomy checks and expands categories; nil means DefaultTaxonomy.
	Taxonomy *Taxonomy
	// Location is the time zone of hours that name none; nil means UTC.
	Location *time.Location

	// Transit, when set, is recorded with the directory: each provider's
	// stops within TransitReach walking distance are found at build time
	// so queries can filter on transit access (Query.Transit).
	Transit *transit.Network
	// TransitReach bounds the walk to a stop that queries may ask for;
	// 0 means DefaultTransitReach (800 m).
	TransitReach geo.Meters

	// TextIndex builds the full-text index (see Directory.SearchText).
	// It costs build time and memory, so it is off by default.
	TextIndex bool

	recs       []record
	regionSets []regionSet
}

type record struct {
	p     Provider
	file  string
	line  int
	index int
}

type regionSet struct {
	name    string
	regions *geo.Regions
}

// NewBuilder returns an empty Builder with the default taxonomy.
func NewBuilder() *Builder { return &Builder{} }

// Len returns the number of providers added so far.
func (b *Builder) Len() int { return len(b.recs) }

// Add adds a provider. It is validated by Build.
func (b *Builder) Add(p Provider) { b.recs = append(b.recs, record{p: p, index: len(b.recs)}) }

// AddFrom adds a provider read from file at line (1-based, 0 if none) or
// record index, so that validation errors from Build can say where it came
// from.
func (b *Builder) AddFrom(p Provider, file string, line, index int) {
	b.recs = append(b.recs, record{p: p, file: file, line: line, index: index})
}

// AddRegions gives a named region set (neighborhoods, zip codes…). Build
// records, for each placed provider, the region containing it in each set
// (Provider.Regions), and queries can then filter by region.
func (b *Builder) AddRegions(set string, rs *geo.Regions) {
	b.regionSets = append(b.regionSets, regionSet{name: set, regions: rs})
}

// Build validates every provider and builds the Directory. All bad records
// are reported together as *RecordError values joined with errors.Join;
// on error no Directory is returned. The Builder may be reused afterwards.
//
// Build sorts providers by ID, builds one rtree over every placed provider
// and one per taxonomy category (holding the providers of the category and
// its descendants) plus a packed grid per category for nearest-k queries,
// and annotates regions. Its cost is O(n log n) with
// about (1 + category depth) rtree inserts per provider.
func (b *Builder) Build() (*Directory, error) {
	tax := b.Taxonomy
	if tax == nil {
		tax = DefaultTaxonomy()
	}
	loc := b.Location
	if loc == nil {
		loc = time.UTC
	}
	d := &Directory{
		tax:       tax,
		loc:       loc,
		byID:      make(map[string]int32, len(b.recs)),
		byCat:     make(map[string]*rtree.RTreeG[int32]),
		catSum:    make(map[string]*catSummary),
		catCount:  make(map[string]int),
		regionSet: make(map[string]*geo.Regions, len(b.regionSets)),
	}
	for _, rs := range b.regionSets {
		d.regionSet[rs.name] = rs.regions
		d.regionNames = append(d.regionNames, rs.name)
	}
	var errs []error
	zc := zoneCache{}
	seen := make(map[string]int, len(b.recs))
	for _, r := range b.recs {
		fail := func(field string, err error) {
			errs = append(errs, &RecordError{File: r.file, Line: r.line, Index: r.index, ID: r.p.ID, Field: field, Err: err})
		}
		if r.p.ID == "" {
			fail("id", ErrMissingID)
			continue
		}
		if _, dup := seen[r.p.ID]; dup {
			fail("id", ErrDuplicateID)
			continue
		}
		seen[r.p.ID] = r.index
		if field, err := d.validate(&r.p, zc); err != nil {
			fail(field, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	d.providers = make([]Provider, len(b.recs))
	for i, r := range b.recs {
		d.providers[i] = cloneProvider(r.p)
	}
	sort.Slice(d.providers, func(i, j int) bool { return d.providers[i].ID < d.providers[j].ID })
	d.metas = make([]meta, len(d.providers))
	for i := range d.providers {
		p := &d.providers[i]
		d.byID[p.ID] = int32(i)
		p.Hours.resolve(zc, loc)
		d.metas[i] = newMeta(p)
		for _, c := range p.Categories {
			d.catCount[c]++
		}
		if p.Unplaced {
			continue
		}
		if len(d.regionSet) > 0 {
			p.Regions = make(map[string]string, len(d.regionSet))
			for _, rs := range b.regionSets {
				if reg, ok := rs.regions.Locate(p.Point); ok {
					p.Regions[rs.name] = reg.Name
				}
			}
		}
		d.all.Insert(p.Point, p.Point, int32(i))
		// Insert once into the tree of every category and ancestor the
		// provider belongs to.
		for _, code := range p.treeCodes() {
			t := d.byCat[code]
			if t == nil {
				t = new(rtree.RTreeG[int32])
				d.byCat[code] = t
			}
			t.Insert(p.Point, p.Point, int32(i))
			sum := d.catSum[code]
			if sum == nil {
				sum = new(catSummary)
				d.catSum[code] = sum
			}
			sum.add(p)
		}
	}
	members := map[string][]int32{}
	for i := range d.providers {
		p := &d.providers[i]
		if p.Unplaced {
			continue
		}
		members[""] = append(members[""], int32(i))
		for _, code := range p.treeCodes() {
			members[code] = append(members[code], int32(i))
		}
	}
	d.grids = make(map[string]*catGrid, len(members))
	for code, ms := range members {
		d.grids[code] = newCatGrid(d, ms)
	}
	if b.Transit != nil {
		reach := b.TransitReach
		if reach <= 0 {
			reach = DefaultTransitReach
		}
		d.annotateTransit(b.Transit, reach)
	}
	if b.TextIndex {
		if err := d.buildText(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// treeCodes returns the provider's categories and all their ancestors,
// without repeats.
func (p *Provider) treeCodes() []string {
	var out []string
	for _, c := range p.Categories {
		for code := c; code != ""; code = ParentCode(code) {
			if !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	return out
}

// validate returns the first problem with p and the field at fault.
func (d *Directory) validate(p *Provider, zc zoneCache) (string, error) {
	if strings.TrimSpace(p.Name) == "" {
		return "name", ErrMissingName
	}
	if len(p.Categories) == 0 {
		return "categories", ErrNoCategory
	}
	for _, c := range p.Categories {
		if err := d.tax.Check(c); err != nil {
			return "categories", err
		}
	}
	if !p.Unplaced {
		if err := geo.ValidatePoint(p.Point); err != nil {
			return "point", fmt.Errorf("%w: %w", ErrBadLocation, err)
		}
	}
	if err := p.Hours.validate(zc); err != nil {
		return "hours", err
	}
	e := p.Eligibility
	switch {
	case e.MinAge < 0 || e.MinAge > 130 || e.MaxAge < 0 || e.MaxAge > 130:
		return "eligibility.age", fmt.Errorf("%w: age limits %d-%d out of range", ErrBadEligibility, e.MinAge, e.MaxAge)
	case e.MaxAge > 0 && e.MaxAge < e.MinAge:
		return "eligibility.age", fmt.Errorf("%w: max age %d below min age %d", ErrBadEligibility, e.MaxAge, e.MinAge)
	case e.HasGrades && (e.MinGrade < GradePreK || e.MaxGrade > 12 || e.MaxGrade < e.MinGrade):
		return "eligibility.grades", fmt.Errorf("%w: grades %d-%d", ErrBadEligibility, e.MinGrade, e.MaxGrade)
	case e.IncomeLimitFPL < 0:
		return "eligibility.income_limit_fpl", fmt.Errorf("%w: negative income limit", ErrBadEligibility)
	}
	if e.Residency != "" {
		set, name, ok := strings.Cut(e.Residency, ":")
		if !ok || name == "" {
			return "eligibility.residency", fmt.Errorf("%w: residency %q is not set:name", ErrBadEligibility, e.Residency)
		}
		if rs, known := d.regionSet[set]; known {
			if _, ok := rs.ByName(name); !ok {
				return "eligibility.residency", fmt.Errorf("%w: no region %q in set %q", ErrBadEligibility, name, set)
			}
		}
	}
	if p.Capacity < 0 || p.Enrolled < 0 {
		return "capacity", fmt.Errorf("%w: negative capacity or enrolment", ErrBadValue)
	}
	if p.Cost < CostUnknown || p.Cost > CostFee {
		return "cost", fmt.Errorf("%w: cost %d", ErrBadValue, int(p.Cost))
	}
	for _, l := range p.Languages {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l {
			return "languages", fmt.Errorf("%w: language %q is not a lower-case ISO 639 code", ErrBadValue, l)
		}
	}
	return "", nil
}

func cloneProvider(p Provider) Provider {
	p.Categories = slices.Clone(p.Categories)
	p.Languages = slices.Clone(p.Languages)
	p.Accessibility = slices.Clone(p.Accessibility)
	p.Keywords = slices.Clone(p.Keywords)
	p.Attributes = slices.Clone(p.Attributes)
	p.ServiceAreas = slices.Clone(p.ServiceAreas)
	for d := range p.Hours.Week {
		p.Hours.Week[d] = slices.Clone(p.Hours.Week[d])
	}
	p.Regions = nil
	return p
}
