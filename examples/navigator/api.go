package main

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/match"
	"github.com/wraparound/wraparound/trends"
)

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"status": "ok", "providers": s.d.dir.Len(), "transit": s.d.net != nil, "requests": s.d.store.Len()})
}

// config tells the page where the map is and what it may draw.
func (s *server) config(w http.ResponseWriter, r *http.Request) {
	c := s.d.area.Center()
	writeJSON(w, map[string]any{
		"center":      []float64{c[1], c[0]}, // lat, lon for Leaflet
		"bounds":      [][]float64{{s.d.area.Min[1], s.d.area.Min[0]}, {s.d.area.Max[1], s.d.area.Max[0]}},
		"tiles":       s.tiles,
		"sets":        s.d.sets,
		"transit":     s.d.net != nil,
		"max_k":       maxK,
		"attribution": s.d.attribution,
		"trends_at":   s.d.trendsAt.Format(time.DateOnly),
		"k_anonymity": s.d.store.K(),
	})
}

// category is a taxonomy category in both family languages.
type category struct {
	Code     string   `json:"code"`
	Parent   string   `json:"parent,omitempty"`
	Depth    int      `json:"depth"`
	Label    string   `json:"label"`
	LabelES  string   `json:"label_es"`
	Synonyms []string `json:"synonyms,omitempty"`
	Count    int      `json:"providers"`
}

func (s *server) taxonomy(w http.ResponseWriter, r *http.Request) {
	var out []category
	for _, c := range s.d.tax.All() {
		out = append(out, category{
			Code: c.Code, Parent: c.Parent(), Depth: directory.Depth(c.Code), Label: c.Label,
			LabelES: match.CategoryLabel(s.d.tax, c.Code, language.Spanish), Synonyms: c.Synonyms,
			Count: s.d.dir.CategoryCount(c.Code),
		})
	}
	writeJSON(w, out)
}

func (s *server) regionSets(w http.ResponseWriter, r *http.Request) {
	type set struct {
		Name    string `json:"name"`
		Regions int    `json:"regions"`
	}
	out := []set{}
	for _, name := range s.d.sets {
		out = append(out, set{name, s.d.regions[name].Len()})
	}
	writeJSON(w, out)
}

func (s *server) regionSet(r *http.Request) (string, *geo.Regions, error) {
	name := r.PathValue("set")
	rs, ok := s.d.regions[name]
	if !ok {
		return "", nil, &apiError{status: http.StatusNotFound, field: "set", msg: "no such region set; see /api/regions"}
	}
	return name, rs, nil
}

func (s *server) regionGeoJSON(w http.ResponseWriter, r *http.Request) {
	name, _, err := s.regionSet(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(s.d.regionJSON[name])
}

// regionNames lists a set's regions by name with a point inside each,
// for picking a home by neighborhood.
func (s *server) regionNames(w http.ResponseWriter, r *http.Request) {
	_, rs, err := s.regionSet(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type region struct {
		Name string  `json:"name"`
		Lon  float64 `json:"lon"`
		Lat  float64 `json:"lat"`
	}
	out := []region{}
	for i, reg := range rs.All() {
		c := rs.Centroid(i)
		out = append(out, region{strings.TrimSpace(reg.Name), c[0], c[1]})
	}
	slices.SortFunc(out, func(a, b region) int { return strings.Compare(a.Name, b.Name) })
	writeJSON(w, out)
}

func (s *server) routeGeoJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(s.d.routes)
}

// params reads and checks query parameters, gathering every problem.
type params struct {
	q        url.Values
	problems []fieldProblem
}

func newParams(r *http.Request) *params { return &params{q: r.URL.Query()} }

func (p *params) bad(field, problem string) {
	p.problems = append(p.problems, fieldProblem{field, problem})
}

func (p *params) str(name string, maxLen int) string {
	v := p.q.Get(name)
	switch {
	case len(v) > maxLen:
		p.bad(name, fmt.Sprintf("longer than %d bytes", maxLen))
		return ""
	case !utf8.ValidString(v):
		p.bad(name, "not valid UTF-8")
		return ""
	}
	return v
}

func (p *params) num(name string, def, lo, hi float64) float64 {
	v := p.q.Get(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.bad(name, "not a number")
		return def
	}
	if f < lo || f > hi {
		p.bad(name, fmt.Sprintf("out of range [%g, %g]", lo, hi))
		return def
	}
	return f
}

func (p *params) integer(name string, def, lo, hi int) int {
	v := p.q.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.bad(name, "not an integer")
		return def
	}
	if n < lo || n > hi {
		p.bad(name, fmt.Sprintf("out of range [%d, %d]", lo, hi))
		return def
	}
	return n
}

func (p *params) flag(name string) bool {
	switch v := p.q.Get(name); v {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	}
	p.bad(name, "want true or false")
	return false
}

// point reads lon and lat, which must lie in the service area; when
// optional and both are missing it returns def.
func (s *server) point(p *params, optional bool, def orb.Point) orb.Point {
	if optional && p.q.Get("lon") == "" && p.q.Get("lat") == "" {
		return def
	}
	if p.q.Get("lon") == "" || p.q.Get("lat") == "" {
		p.bad("lon,lat", "both are required")
		return def
	}
	pt := orb.Point{p.num("lon", 0, -180, 180), p.num("lat", 0, -90, 90)}
	if len(p.problems) == 0 && !s.d.area.Contains(pt) {
		p.bad("lon,lat", "outside the service area")
	}
	return pt
}

// categories reads a comma-separated list of known category codes.
func (s *server) categories(p *params, name string) []string {
	v := p.str(name, 512)
	if v == "" {
		return nil
	}
	var out []string
	for c := range strings.SplitSeq(v, ",") {
		c = strings.TrimSpace(c)
		if _, ok := s.d.tax.Lookup(c); !ok {
			p.bad(name, "unknown category; see /api/taxonomy")
			return nil
		}
		out = append(out, c)
	}
	if len(out) > 16 {
		p.bad(name, "more than 16 categories")
		return nil
	}
	return out
}

func (p *params) lang() language.Tag {
	v := p.q.Get("lang")
	if v == "" {
		return language.English
	}
	t, err := language.Parse(v)
	if err != nil || len(v) > 16 {
		p.bad("lang", "not a language tag such as en or es")
		return language.English
	}
	return t
}

// err returns the problems as one 400, or nil.
func (p *params) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	f := p.problems[0]
	return &apiError{status: http.StatusBadRequest, field: f.Field, msg: f.Field + ": " + f.Problem, fields: p.problems}
}

// place is a provider as the page shows it.
type place struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Lon        float64  `json:"lon"`
	Lat        float64  `json:"lat"`
	Categories []string `json:"categories"`
	Cost       string   `json:"cost"`
	Languages  []string `json:"languages,omitempty"`
	Hours      string   `json:"hours"`
	Phone      string   `json:"phone,omitempty"`
	Address    string   `json:"address,omitempty"`
	DistanceM  float64  `json:"distance_m"`
	WalkMin    float64  `json:"walk_min"`
}

func toPlace(p directory.Listing, d geo.Meters, walk time.Duration) place {
	pl := place{ID: p.ID(), Name: p.Name(), Categories: p.Categories(), Cost: p.Cost().String(), Languages: p.Languages(),
		Hours: p.Hours().String(), Phone: p.Phone(), DistanceM: math.Round(float64(d)), WalkMin: math.Round(walk.Minutes())}
	if !p.Confidential() {
		pt, addr := p.Point(), p.Address()
		pl.Lon, pl.Lat = pt[0], pt[1]
		pl.Address = strings.Trim(addr.Street+", "+addr.City, ", ")
	}
	return pl
}

// nearby answers GET /api/nearby?lon=&lat=&category=&k=&radius_m=&free=&wheelchair=&language=&age=:
// the k nearest providers passing the filters.
func (s *server) nearby(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	q := directory.Query{
		Near:       s.point(p, false, orb.Point{}),
		K:          p.integer("k", 10, 1, maxK),
		Radius:     geo.Meters(p.num("radius_m", 0, 0, maxRadius)),
		Categories: s.categories(p, "category"),
		FreeOnly:   p.flag("free"),
		Wheelchair: p.flag("wheelchair"),
		HasSeats:   p.flag("seats"),
		Age:        p.integer("age", 0, 0, 120),
	}
	if l := p.str("language", 8); l != "" {
		if !isLangCode(l) {
			p.bad("language", "not a lower-case ISO 639 code such as es")
		}
		q.Language = l
	}
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.d.dir.Search(q)
	if err != nil {
		s.fail(w, r, badField("query", "the directory rejected the query"))
		return
	}
	out := make([]place, len(res))
	for i, x := range res {
		out[i] = toPlace(x.Provider, x.Distance, x.Walk)
	}
	writeJSON(w, map[string]any{"results": out})
}

func isLangCode(l string) bool {
	if len(l) < 2 || len(l) > 3 {
		return false
	}
	for _, c := range l {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// search answers GET /api/search?q=&lon=&lat=&k=&category=: text search
// over names, descriptions, keywords and category words, blended with
// distance.
func (s *server) search(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	words := strings.TrimSpace(p.str("q", maxQuery))
	if words == "" && len(p.problems) == 0 {
		p.bad("q", "missing: type some words")
	}
	q := directory.TextQuery{Words: words, Query: directory.Query{
		Near:       s.point(p, true, s.d.area.Center()),
		K:          p.integer("k", 10, 1, maxK),
		Radius:     geo.Meters(p.num("radius_m", 0, 0, maxRadius)),
		Categories: s.categories(p, "category"),
		FreeOnly:   p.flag("free"),
	}}
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.d.dir.SearchText(q)
	if err != nil {
		s.fail(w, r, badField("q", "the words could not be searched (too many words?)"))
		return
	}
	type hit struct {
		place
		Relevance float64 `json:"relevance"`
		Score     float64 `json:"score"`
	}
	out := make([]hit, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = hit{toPlace(h.Provider, h.Distance, h.Walk), h.Relevance, h.Score}
	}
	writeJSON(w, map[string]any{"results": out, "total": res.Total, "suggestions": res.Suggestions, "unmatched": res.Unmatched, "corrections": res.Corrections})
}

// planMatch is one proposed provider: the family's text, the staff's
// score detail, and the legs.
type planMatch struct {
	Rank      int            `json:"rank"`
	place                    // where (no point for a confidential provider)
	Score     float64        `json:"score"`
	TravelMin float64        `json:"travel_min"`
	By        string         `json:"by"`
	Family    match.Family   `json:"family"`
	Staff     string         `json:"staff"`
	Reasons   []match.Reason `json:"reasons"`
	Legs      []match.Leg    `json:"legs,omitempty"`
}

type planItem struct {
	Kind     string      `json:"kind"`
	Index    int         `json:"index"`
	Category string      `json:"category"`
	Label    string      `json:"label"`
	Heading  string      `json:"heading"`
	Matches  []planMatch `json:"matches"`
	Unmet    *planUnmet  `json:"unmet,omitempty"`
}

type planUnmet struct {
	Reason string `json:"reason"`
	Family string `json:"family"`
	Staff  string `json:"staff"`
}

type planResponse struct {
	Lang       string     `json:"lang"`
	Items      []planItem `json:"items"`
	FamilyText string     `json:"family_text"`
}

// plan answers POST /api/plan?k=&lang= with a match.Student as the body:
// for each need and interest the k best providers (as Matcher.Plan gives
// them), each rendered for the family in lang and detailed for staff.
func (s *server) plan(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	k := p.integer("k", match.DefaultK, 1, maxK)
	tag := p.lang()
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	var st match.Student
	if err := decodeBody(w, r, maxPlanBody, &st); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.checkPlaces(&st); err != nil {
		s.fail(w, r, err)
		return
	}
	plan, err := s.planK(r, &st, k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, s.renderPlan(plan, tag))
}

// checkPlaces rejects homes and schools outside the service area ((0, 0)
// included): the library accepts any coordinates, the service only its
// own.
func (s *server) checkPlaces(st *match.Student) error {
	if !s.d.area.Contains(st.Home) {
		return badField("home", "home: outside the service area (want [lon, lat] inside it)")
	}
	if st.School != nil && !s.d.area.Contains(*st.School) {
		return badField("school", "school: outside the service area (want [lon, lat] inside it)")
	}
	return nil
}

// planK is Matcher.Plan with k providers per item instead of the
// matcher's K: the same Prepare, Top, Explain, Legs and Diagnose calls.
func (s *server) planK(r *http.Request, st *match.Student, k int) (*match.Plan, error) {
	ctx := r.Context()
	pr, err := s.d.matcher.Prepare(ctx, *st)
	if err != nil {
		return nil, err
	}
	items := pr.Items()
	plan := &match.Plan{Items: make([]match.ItemPlan, len(items))}
	var buf []match.Candidate
	for i, it := range items {
		if buf, err = pr.Top(ctx, i, k, buf[:0]); err != nil {
			return nil, err
		}
		label := it.Category
		if c, ok := s.d.tax.Lookup(it.Category); ok {
			label = c.Label
		}
		ip := match.ItemPlan{Item: it, Label: label, Matches: make([]match.Match, len(buf))}
		for j := range buf {
			reasons := pr.Explain(&buf[j])
			texts := make([]string, 0, len(reasons))
			for _, x := range reasons {
				if x.Text != "" {
					texts = append(texts, x.Text)
				}
			}
			ip.Matches[j] = match.Match{Candidate: buf[j], Reasons: reasons, Explanation: strings.Join(texts, "; "), Legs: pr.Legs(&buf[j])}
		}
		if len(buf) == 0 {
			u, err := pr.Diagnose(ctx, i)
			if err != nil {
				return nil, err
			}
			ip.Unmet = &u
		}
		plan.Items[i] = ip
	}
	return plan, nil
}

func (s *server) renderPlan(plan *match.Plan, tag language.Tag) planResponse {
	base, _ := tag.Base()
	out := planResponse{Lang: base.String(), Items: make([]planItem, len(plan.Items))}
	texts := make([]string, len(plan.Items))
	for i := range plan.Items {
		ip := &plan.Items[i]
		fi := ip.Family(s.d.tax, tag)
		texts[i] = fi.String() // as Plan.Family joins them
		pi := planItem{Kind: ip.Item.Kind.String(), Index: ip.Item.Index, Category: ip.Item.Category, Label: fi.Label,
			Heading: fi.Heading, Matches: make([]planMatch, len(ip.Matches))}
		for j := range ip.Matches {
			mt := &ip.Matches[j]
			pi.Matches[j] = planMatch{
				Rank: j + 1, place: toPlace(mt.Provider, mt.Distance, geo.WalkTime(mt.Distance)),
				Score: math.Round(mt.Score*1000) / 1000, TravelMin: math.Round(mt.Travel.Minutes()), By: mt.By.String(),
				Family: fi.Matches[j], Staff: mt.Explanation, Reasons: mt.Reasons, Legs: mt.Legs,
			}
		}
		if ip.Unmet != nil {
			pi.Unmet = &planUnmet{Reason: ip.Unmet.Reason.String(), Family: fi.Unmet, Staff: ip.Unmet.Explanation}
		}
		out.Items[i] = pi
	}
	out.FamilyText = strings.Join(texts, "\n")
	return out
}

// trendQuery reads the set, category and bucket of a trends request.
func (s *server) trendQuery(p *params, defBucket trends.Bucket) (set, cat string, b trends.Bucket) {
	set = p.str("set", 64)
	if set == "" {
		set = s.d.sets[0]
	} else if _, ok := s.d.regions[set]; !ok {
		p.bad("set", "no such region set; see /api/regions")
	}
	if cs := s.categories(p, "category"); len(cs) > 1 {
		p.bad("category", "one category only")
	} else if len(cs) == 1 {
		cat = cs[0]
	}
	b = defBucket
	if v := p.q.Get("bucket"); v != "" {
		switch v {
		case "month":
			b = trends.Month
		case "quarter":
			b = trends.Quarter
		case "half":
			b = trends.Half
		case "year":
			b = trends.Year
		default:
			p.bad("bucket", "want month, quarter, half or year")
		}
	}
	return set, cat, b
}

// trendCounts answers GET /api/trends/counts?set=&category=&bucket=: the
// requests by region and period, suppressed below k.
func (s *server) trendCounts(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	set, cat, b := s.trendQuery(p, trends.Year)
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.d.store.Counts(r.Context(), trends.Query{Set: set, Category: cat, Bucket: b})
	if err != nil {
		s.fail(w, r, s.trendsError(err))
		return
	}
	periods := make([]string, len(t.Periods))
	for i, pe := range t.Periods {
		periods[i] = pe.Label()
	}
	writeJSON(w, map[string]any{"set": set, "category": cat, "bucket": b.String(), "periods": periods, "rows": t.Rows, "k": t.K})
}

// trendRising answers GET /api/trends/rising?set=&category=&bucket=: the
// regions and categories whose requests rose, the latest period against
// the one before.
func (s *server) trendRising(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	set, cat, b := s.trendQuery(p, trends.Half)
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.d.store.RisingNeeds(r.Context(), trends.RisingQuery{Set: set, Category: cat, Bucket: b, At: s.d.trendsAt})
	if err != nil {
		s.fail(w, r, s.trendsError(err))
		return
	}
	rises := []trends.Rise{}
	for _, x := range rep.Rises {
		if x.Significant && !math.IsInf(x.Ratio, 0) {
			rises = append(rises, x)
		}
	}
	writeJSON(w, map[string]any{"current": rep.Current.Label(), "baseline": rep.Baseline.Label(), "tested": rep.Tested, "withheld": rep.Withheld, "rises": rises})
}

// trendGaps answers GET /api/trends/gaps?set=&category=&bucket=&near_m=:
// demand against the directory's known capacity, region by region.
func (s *server) trendGaps(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	set, cat, b := s.trendQuery(p, trends.Month)
	near := p.num("near_m", 0, 0, maxRadius)
	if err := p.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.d.store.SupplyGaps(r.Context(), s.d.dir, trends.GapQuery{Set: set, Category: cat, Bucket: b, At: s.d.trendsAt, Near: geo.Meters(near)})
	if err != nil {
		s.fail(w, r, s.trendsError(err))
		return
	}
	writeJSON(w, map[string]any{"period": rep.Period.Label(), "gaps": rep.Gaps})
}

// trendsError maps the store's input errors to a 400; the rest pass on.
func (s *server) trendsError(err error) error {
	for _, e := range []error{trends.ErrUnknownCategory, trends.ErrUnknownRegionSet, trends.ErrOffLattice, trends.ErrBadQuery} {
		if errors.Is(err, e) {
			return badField("query", strings.TrimPrefix(e.Error(), "trends: "))
		}
	}
	return err
}
