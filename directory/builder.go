package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

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
//	dir, err := b.Build(ctx)
type Builder struct {
	// Taxonomy checks and expands categories; nil means DefaultTaxonomy.
	Taxonomy *Taxonomy
	// Location is the time zone of hours that name none. nil means there
	// is no default: Build then refuses, with ErrNoZone, every provider
	// whose hours need a zone and name none (hours that are unknown or
	// 24/7 need none). No zone is ever assumed; set time.UTC explicitly
	// for data kept in UTC.
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

// Add adds a provider. It is validated by Build, which names it by ID and
// by its index among the providers added.
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

// Build validates every provider and builds the Directory. Every problem
// of every bad record is reported as a *RecordError (its file and line when
// added with AddFrom, else its index and ID), joined with errors.Join and
// cut at MaxReportedErrors; on error no Directory is returned. The Builder
// may be reused afterwards. The checks are those ReadCSV and ReadGeoJSON
// already make at read time, plus duplicate IDs across sources, residency
// regions against the region sets, and a zone for every provider's hours
// (see Location).
//
// Build sorts providers by ID, builds the spatial index (a packed grid of
// filter records over every placed provider and one per taxonomy
// category, holding the providers of the category and its descendants)
// and annotates regions. Its cost is O(n log n), with (1 + category
// depth) grid records per placed provider.
//
// Build looks at ctx every few thousand providers and between its
// phases; once ctx is done it returns ctx.Err() and no Directory, and the
// Builder is as it was.
func (b *Builder) Build(ctx context.Context) (*Directory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tax := b.Taxonomy
	if tax == nil {
		tax = DefaultTaxonomy()
	}
	loc := b.Location
	d := &Directory{
		tax:       tax,
		loc:       loc,
		routing:   new(routerState),
		catSum:    make(map[string]*catSummary),
		catCount:  make(map[string]int),
		regionSet: make(map[string]*geo.Regions, len(b.regionSets)),
	}
	for _, rs := range b.regionSets {
		d.regionSet[rs.name] = rs.regions
		d.regionNames = append(d.regionNames, rs.name)
	}
	var errs errList
	zc := zoneCache{}
	ck := checker{tax: tax, zc: zc, regionSet: d.regionSet, needZone: loc == nil, text: true}
	seen := make(map[string]int, len(b.recs))
	for i, r := range b.recs {
		if err := ctxEvery(ctx, i); err != nil {
			return nil, err
		}
		fail := func(field string, err error) {
			errs.add(&RecordError{File: r.file, Line: r.line, Index: r.index, ID: r.p.ID, Field: field, Err: err})
		}
		if r.p.ID == "" {
			fail("id", ErrMissingID)
		} else if first, dup := seen[r.p.ID]; dup {
			fail("id", fmt.Errorf("%w: also record %d", ErrDuplicateID, first))
		} else {
			seen[r.p.ID] = r.index
		}
		for _, fe := range ck.check(&r.p) {
			fail(fe.field, fe.err)
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	provs := make([]Provider, len(b.recs))
	for i, r := range b.recs {
		provs[i] = cloneProvider(r.p)
	}
	sort.Slice(provs, func(i, j int) bool { return provs[i].ID < provs[j].ID })
	ptrs := make([]*Provider, len(provs))
	metas := make([]meta, len(provs))
	d.order = make([]int32, len(provs))
	byID := make(map[string]int32, len(provs))
	for i := range provs {
		if err := ctxEvery(ctx, i); err != nil {
			return nil, err
		}
		p := &provs[i]
		ptrs[i] = p
		d.order[i] = int32(i)
		byID[p.ID] = int32(i)
		p.Hours.resolve(zc, loc)
		d.locate(p)
		metas[i] = newMeta(p)
	}
	d.provs, d.metas, d.ids = makeCow(ptrs), makeCow(metas), idIndex{base: byID}
	d.recZone = loc
	if loc == nil {
		d.recZone = commonZone(metas)
	}
	d.gone = makeCow(make([]string, len(provs)))
	d.version = versionIDs.Add(1)
	members := map[string][]int32{}
	for i := range provs {
		p := &provs[i]
		for _, c := range p.Categories {
			d.catCount[c]++
		}
		if p.Unplaced {
			continue
		}
		members[""] = append(members[""], int32(i))
		// A member of the grid of every category and ancestor the
		// provider belongs to.
		for _, code := range p.treeCodes() {
			sum := d.catSum[code]
			if sum == nil {
				sum = new(catSummary)
				d.catSum[code] = sum
			}
			sum.add(p)
			members[code] = append(members[code], int32(i))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.Transit != nil {
		reach := b.TransitReach
		if reach <= 0 {
			reach = DefaultTransitReach
		}
		d.annotateTransit(b.Transit, reach)
	}
	// The grids' records carry each provider's walk to its nearest stop.
	d.grids = make(map[string]*catGrid, len(members))
	for code, ms := range members {
		d.grids[code] = newCatGrid(d, ms)
	}
	if b.TextIndex {
		if err := d.buildText(ctx); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// commonZone returns the zone most providers' hours are in (nil when
// none has hours that need one), first met on ties.
func commonZone(metas []meta) *time.Location {
	count := map[*time.Location]int{}
	var best *time.Location
	for i := range metas {
		loc := metas[i].loc
		if loc == nil {
			continue
		}
		count[loc]++
		if best == nil || count[loc] > count[best] {
			best = loc
		}
	}
	return best
}

// locate records the region of each set that contains p
// (Provider.Regions).
func (d *Directory) locate(p *Provider) {
	p.Regions = nil
	if !p.Unplaced {
		p.Regions = d.RegionsAt(p.Point)
	}
}

// RegionsAt returns, for each region set of the directory, the name of
// the region containing pt (boundary as geo.Regions.Locate); sets with
// no region there are left out, and nil means the directory has no region
// sets. It is the one lookup behind Provider.Regions, the Region filter
// and a student's residency in package match. Cost: one point-in-region
// lookup per set.
func (d *Directory) RegionsAt(pt orb.Point) map[string]string {
	if len(d.regionNames) == 0 {
		return nil
	}
	out := make(map[string]string, len(d.regionNames))
	for _, name := range d.regionNames {
		if reg, ok := d.regionSet[name].Locate(pt); ok {
			out[name] = reg.Name
		}
	}
	return out
}

// ctxCheckEvery is how many providers long loops handle between looks at
// their context: often enough to stop within milliseconds, rarely
// enough to cost nothing measurable.
const ctxCheckEvery = 4096

// ctxEvery returns ctx.Err() when i is a multiple of ctxCheckEvery, nil
// otherwise.
func ctxEvery(ctx context.Context, i int) error {
	if i%ctxCheckEvery != 0 {
		return nil
	}
	return ctx.Err()
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

// fieldError is one problem with one field of a provider.
type fieldError struct {
	field string
	err   error
}

// checker runs the checks on a provider's values that do not depend on
// how it was read: taxonomy codes, language codes, eligibility, hours.
// Importers run it at read time, Build again for providers added in code.
type checker struct {
	tax       *Taxonomy
	zc        zoneCache
	regionSet map[string]*geo.Regions // residency regions; nil at read time
	needZone  bool                    // hours that need a zone must name one
	text      bool                    // check text fields (importers check raw fields instead)
}

// check returns every problem with p, in field order.
func (c *checker) check(p *Provider) []fieldError {
	var out []fieldError
	fail := func(field string, err error) { out = append(out, fieldError{field, err}) }
	if c.text {
		if err := checkText(p.ID, true); err != nil {
			fail("id", err)
		}
		for _, f := range []struct{ name, v string }{
			{"name", p.Name}, {"organization", p.Organization}, {"description", p.Description},
			{"street", p.Address.Street}, {"city", p.Address.City}, {"state", p.Address.State},
			{"postal_code", p.Address.PostalCode}, {"phone", p.Phone}, {"url", p.URL}, {"email", p.Email},
			{"keywords", strings.Join(p.Keywords, " ")}, {"attributes", strings.Join(p.Attributes, " ")},
			{"accessibility", strings.Join(p.Accessibility, " ")}, {"service_areas", strings.Join(p.ServiceAreas, " ")},
		} {
			if err := checkText(f.v, f.name != "description" && f.name != "street"); err != nil {
				fail(f.name, err)
			}
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		fail("name", ErrMissingName)
	}
	if len(p.Categories) == 0 {
		fail("categories", ErrNoCategory)
	}
	for _, code := range p.Categories {
		if err := c.checkCategory(code); err != nil {
			fail("categories", err)
		}
	}
	if !p.Unplaced {
		if err := geo.ValidatePoint(p.Point); err != nil {
			fail("point", fmt.Errorf("%w: %w", ErrBadLocation, err))
		}
	}
	if err := p.Hours.validate(c.zc); errors.Is(err, ErrUnknownZone) {
		fail("timezone", err)
	} else if err != nil {
		fail("hours", err)
	} else if c.needZone && p.Hours.Zone == "" && p.Hours.Known() && !p.Hours.Always {
		fail("timezone", fmt.Errorf("%w: name one in the timezone column, ReadOptions.Zone or Builder.Location", ErrNoZone))
	}
	e := p.Eligibility
	if e.MinAge < 0 || e.MinAge > 130 || e.MaxAge < 0 || e.MaxAge > 130 {
		fail("eligibility.age", fmt.Errorf("%w: age limits %d-%d are not within 0-130", ErrBadEligibility, e.MinAge, e.MaxAge))
	} else if e.MaxAge > 0 && e.MaxAge < e.MinAge {
		fail("eligibility.age", fmt.Errorf("%w: max age %d below min age %d", ErrBadEligibility, e.MaxAge, e.MinAge))
	}
	if e.HasGrades && (e.MinGrade < GradePreK || e.MaxGrade > 12 || e.MaxGrade < e.MinGrade) {
		fail("eligibility.grades", fmt.Errorf("%w: grades %s-%s are not an ordered range within PK-12", ErrBadEligibility, gradeString(e.MinGrade), gradeString(e.MaxGrade)))
	}
	if e.IncomeLimitFPL < 0 {
		fail("eligibility.income_limit_fpl", fmt.Errorf("%w: negative income limit", ErrBadEligibility))
	}
	if e.Residency != "" {
		set, name, ok := strings.Cut(e.Residency, ":")
		if !ok || set == "" || name == "" {
			fail("eligibility.residency", fmt.Errorf("%w: residency %q is not set:name, as in \"zipcodes:37404\"", ErrBadEligibility, excerpt(e.Residency)))
		} else if rs, known := c.regionSet[set]; known {
			if _, ok := rs.ByName(name); !ok {
				fail("eligibility.residency", fmt.Errorf("%w: no region %q in set %q", ErrBadEligibility, excerpt(name), set))
			}
		}
	}
	if p.Capacity < 0 || p.Enrolled < 0 {
		fail("capacity", fmt.Errorf("%w: negative capacity or enrolment", ErrBadValue))
	}
	if p.Cost < CostUnknown || p.Cost > CostFee {
		fail("cost", fmt.Errorf("%w: cost %d", ErrBadValue, int(p.Cost)))
	}
	for _, l := range p.Languages {
		if err := checkLanguage(l); err != nil {
			fail("languages", err)
		}
	}
	return out
}

// checkCategory checks a category code against the taxonomy and, when it
// is unknown, names the codes that could have been meant.
func (c *checker) checkCategory(code string) error {
	if err := checkText(code, true); err != nil {
		return err
	}
	if c.tax.Check(code) == nil {
		return nil
	}
	parent := ParentCode(code)
	for parent != "" && c.tax.Check(parent) != nil {
		parent = ParentCode(parent)
	}
	var opts []string
	if parent != "" {
		opts = c.tax.Children(parent)
		if len(opts) == 0 {
			return fmt.Errorf("%w: %q; %q has no subcategories, use it", ErrUnknownCategory, excerpt(code), parent)
		}
	} else {
		opts = c.tax.Roots()
	}
	more := ""
	if len(opts) > 8 {
		opts, more = opts[:8], ", …"
	}
	return fmt.Errorf("%w: %q; use one of %s%s", ErrUnknownCategory, excerpt(code), strings.Join(opts, ", "), more)
}

// languageCodes maps language names a clerk may type to ISO 639-1 codes.
var languageCodes = map[string]string{
	"english": "en", "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
	"arabic": "ar", "somali": "so", "vietnamese": "vi", "chinese": "zh", "mandarin": "zh",
	"cantonese": "zh", "french": "fr", "swahili": "sw", "nepali": "ne", "burmese": "my",
	"korean": "ko", "russian": "ru", "portuguese": "pt", "haitian creole": "ht", "creole": "ht",
	"kreyol": "ht", "amharic": "am", "tigrinya": "ti", "farsi": "fa", "persian": "fa", "dari": "fa",
	"pashto": "ps", "ukrainian": "uk", "hindi": "hi", "urdu": "ur", "bengali": "bn",
	"german": "de", "japanese": "ja", "tagalog": "tl", "filipino": "tl", "kinyarwanda": "rw",
	"italian": "it", "polish": "pl", "turkish": "tr", "hmong": "hmn", "karen": "kar",
	"sign language": "ase", "asl": "ase", "american sign language": "ase",
}

// checkLanguage accepts a lower-case ISO 639 code (two or three letters)
// and, for a language name it knows, says which code to use.
func checkLanguage(l string) error {
	ok := len(l) >= 2 && len(l) <= 3
	for i := 0; ok && i < len(l); i++ {
		ok = l[i] >= 'a' && l[i] <= 'z'
	}
	if ok {
		return nil
	}
	if code, known := languageCodes[strings.ToLower(strings.TrimSpace(l))]; known {
		return fmt.Errorf("%w: language %q is not a lower-case ISO 639 code; use %q", ErrBadValue, excerpt(l), code)
	}
	if low := strings.ToLower(l); low != l && checkLanguage(low) == nil {
		return fmt.Errorf("%w: language %q is not a lower-case ISO 639 code; use %q", ErrBadValue, excerpt(l), low)
	}
	return fmt.Errorf("%w: language %q is not a lower-case ISO 639 code such as \"en\" or \"es\"", ErrBadValue, excerpt(l))
}

// checkText refuses text that is not valid UTF-8, has a NUL, or, when
// oneLine, any control character; free text (descriptions) may hold tabs
// and line breaks. Positions are byte offsets from 1.
func checkText(s string, oneLine bool) error {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return fmt.Errorf("%w: byte %d (0x%02x) is not UTF-8; save the file as UTF-8 (it may be Windows-1252)", ErrBadText, i+1, s[i])
		case r == 0:
			return fmt.Errorf("%w: NUL byte at byte %d", ErrBadText, i+1)
		case unicode.IsControl(r) && (oneLine || r != '\t' && r != '\n' && r != '\r'):
			return fmt.Errorf("%w: control character %U at byte %d", ErrBadText, r, i+1)
		}
		i += n
	}
	return nil
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
