package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
	"github.com/wraparound/wraparound/trends"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is one loaded service shared by the tests: loading the demo
// and its generated requests takes seconds.
type fixture struct {
	d    *data
	srv  *httptest.Server
	logs *syncBuffer
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

// testRequests is the size of the tests' generated trends year: enough
// for counted and suppressed neighborhoods both.
const testRequests = 20000

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		o, err := parse([]string{"-requests", fmt.Sprint(testRequests)}, io.Discard)
		if err != nil {
			fixErr = err
			return
		}
		d, err := load(context.Background(), o)
		if err != nil {
			fixErr = err
			return
		}
		logs := &syncBuffer{}
		log := slog.New(slog.NewJSONHandler(logs, nil))
		fix = &fixture{d: d, logs: logs, srv: httptest.NewServer(newServer(context.Background(), d, log, 10*time.Second, ""))}
	})
	require.NoError(t, fixErr)
	return fix
}

// call makes a request and returns status, content type and body.
func call(t testing.TB, method, path, contentType string, body []byte) (int, string, []byte) {
	t.Helper()
	f := getFixture(t)
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func getJSON(t testing.TB, path string, v any) {
	t.Helper()
	code, ct, body := call(t, http.MethodGet, path, "", nil)
	require.Equal(t, http.StatusOK, code, "%s: %s", path, body)
	require.Contains(t, ct, "json")
	require.NoError(t, json.Unmarshal(body, v), "%s", path)
}

func postJSON(t testing.TB, path string, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	require.NoError(t, err)
	code, _, body := call(t, http.MethodPost, path, "application/json", b)
	require.Less(t, code, 300, "%s: %s", path, body)
	require.NoError(t, json.Unmarshal(body, out), "%s", path)
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// sampleStudents are plans of every shape: needs and interests, every
// mode, windows, languages, free only, a school.
func sampleStudents() []match.Student {
	school := orb.Point{-85.2790, 35.0440}
	return []match.Student{
		{
			Home: orb.Point{-85.2950, 35.0500}, Age: 9, Languages: []string{"en"},
			Needs: []match.Need{{Category: "basic.food", Severity: 3, Words: "food box"}, {Category: "basic.utilities", Severity: 2, Words: "electric bill"}},
			Constraints: match.Constraints{Mode: match.ModeTransit, MaxTravel: 45 * time.Minute, FreeOnly: true,
				Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(16, 0), End: hm(19, 0)}, {Days: match.DaysOf(time.Saturday), Start: hm(9, 0), End: hm(13, 0)}}},
		},
		{
			Home: orb.Point{-85.2890, 35.0330}, School: &school, Age: 12, Grade: 6, HasGrade: true, Languages: []string{"es", "en"},
			Needs:       []match.Need{{Category: "health.vision", Severity: 3, Words: "eye glasses"}},
			Interests:   []match.Interest{{Category: "enrichment.sports", Words: "soccer"}},
			Strengths:   []string{"goalkeeper"},
			Constraints: match.Constraints{Mode: match.ModeTransit, Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: hm(15, 30), End: hm(18, 0)}}},
		},
		{
			Home: orb.Point{-85.2450, 35.0180}, Age: 14, Languages: []string{"es"},
			Interests:   []match.Interest{{Category: "work.jobs", Words: "summer job"}, {Category: "enrichment.summer"}},
			Needs:       []match.Need{{Category: "education.tutoring", Severity: 1, Words: "math"}},
			Constraints: match.Constraints{Mode: match.ModeWalk, MaxTravel: 20 * time.Minute},
		},
		{
			Home: orb.Point{-85.31, 35.06}, School: &school,
			Needs:       []match.Need{{Category: "health.dental", Severity: 2}},
			Constraints: match.Constraints{Mode: match.ModeSchool},
		},
		{
			Home:        orb.Point{-85.20, 35.10},
			Needs:       []match.Need{{Category: "basic.housing", Severity: 3, Words: "rent help"}, {Category: "family.legal", Severity: 1}},
			Constraints: match.Constraints{Mode: match.ModeCar, MaxTravel: 15 * time.Minute, Wheelchair: true},
		},
	}
}

// planGot is planResponse as a client decodes it: the staff reasons'
// components are names, which match does not parse back.
type planGot struct {
	Lang  string
	Items []struct {
		Category string
		Matches  []struct {
			ID     string
			Rank   int
			Score  float64
			Staff  string
			Family match.Family
			Legs   []match.Leg
		}
		Unmet *planUnmet
	}
	FamilyText string `json:"family_text"`
}

// TestPlanEqualsLibrary posts students and compares every answer with
// Matcher.Plan called directly with the same K, and the family text with
// Plan.Family.
func TestPlanEqualsLibrary(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	for _, k := range []int{1, 3, 7} {
		m, err := match.New(ctx, f.d.dir, match.Config{K: k, Week: f.d.week})
		require.NoError(t, err)
		for i, s := range sampleStudents() {
			want, err := m.Plan(ctx, s)
			require.NoError(t, err)
			for _, lang := range []string{"en", "es"} {
				var got planGot
				postJSON(t, fmt.Sprintf("/api/plan?k=%d&lang=%s", k, lang), s, &got)
				require.Len(t, got.Items, len(want.Items), "student %d", i)
				assert.Equal(t, want.Family(f.d.tax, language.Make(lang)), got.FamilyText, "student %d k %d %s", i, k, lang)
				assert.Equal(t, lang, got.Lang)
				for j, wi := range want.Items {
					gi := got.Items[j]
					assert.Equal(t, wi.Item.Category, gi.Category)
					var wantIDs, gotIDs []string
					for _, mt := range wi.Matches {
						wantIDs = append(wantIDs, mt.Provider.ID())
					}
					for r, mt := range gi.Matches {
						gotIDs = append(gotIDs, mt.ID)
						assert.Equal(t, r+1, mt.Rank)
						wm := wi.Matches[r]
						assert.InDelta(t, wm.Score, mt.Score, 0.0005)
						assert.Equal(t, wm.Explanation, mt.Staff)
						assert.Equal(t, wm.Family(language.Make(lang)), mt.Family)
						assert.Equal(t, wm.Legs, mt.Legs)
					}
					assert.Equal(t, wantIDs, gotIDs, "student %d item %d k %d", i, j, k)
					if wi.Unmet != nil {
						require.NotNil(t, gi.Unmet, "student %d item %d", i, j)
						assert.Equal(t, wi.Unmet.Reason.String(), gi.Unmet.Reason)
						assert.Equal(t, wi.Unmet.Explanation, gi.Unmet.Staff)
					} else {
						assert.Nil(t, gi.Unmet)
					}
				}
			}
		}
	}
}

// TestSearchEndpointsEqualLibrary compares nearby and text search with
// the directory's own answers to the same queries.
func TestSearchEndpointsEqualLibrary(t *testing.T) {
	f := getFixture(t)
	near := orb.Point{-85.29, 35.04}
	nearbyCases := []struct {
		query string
		q     directory.Query
	}{
		{"category=basic.food&k=5", directory.Query{Categories: []string{"basic.food"}, K: 5}},
		{"category=health,education.tutoring&k=20&free=1", directory.Query{Categories: []string{"health", "education.tutoring"}, K: 20, FreeOnly: true}},
		{"k=10&radius_m=1500&language=es", directory.Query{K: 10, Radius: 1500, Language: "es"}},
		{"category=enrichment&age=12&wheelchair=true&k=3", directory.Query{Categories: []string{"enrichment"}, Age: 12, Wheelchair: true, K: 3}},
	}
	ids := func(ps []place) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range nearbyCases {
		tc.q.Near = near
		want, err := f.d.dir.Search(tc.q)
		require.NoError(t, err)
		var got struct{ Results []place }
		getJSON(t, "/api/nearby?lon=-85.29&lat=35.04&"+tc.query, &got)
		var wantIDs []string
		for _, r := range want {
			wantIDs = append(wantIDs, r.Provider.ID())
		}
		assert.Equal(t, wantIDs, ids(got.Results), tc.query)
		require.NotEmpty(t, got.Results, tc.query)
		for i, r := range got.Results {
			assert.InDelta(t, float64(want[i].Distance), r.DistanceM, 0.5)
		}
	}
	textCases := []struct {
		query string
		q     directory.TextQuery
	}{
		{"q=food+bank&k=5", directory.TextQuery{Words: "food bank", Query: directory.Query{K: 5}}},
		{"q=despensa&k=10&category=basic.food", directory.TextQuery{Words: "despensa", Query: directory.Query{K: 10, Categories: []string{"basic.food"}}}},
		{"q=soccer+league&k=3&free=1", directory.TextQuery{Words: "soccer league", Query: directory.Query{K: 3, FreeOnly: true}}},
	}
	for _, tc := range textCases {
		tc.q.Near = near
		want, err := f.d.dir.SearchText(tc.q)
		require.NoError(t, err)
		var got struct {
			Results []place
			Total   int
		}
		getJSON(t, "/api/search?lon=-85.29&lat=35.04&"+tc.query, &got)
		var wantIDs []string
		for _, h := range want.Hits {
			wantIDs = append(wantIDs, h.Provider.ID())
		}
		assert.Equal(t, wantIDs, ids(got.Results), tc.query)
		assert.Equal(t, want.Total, got.Total)
		require.NotEmpty(t, got.Results, tc.query)
	}
}

// TestListsEqualLibrary checks health, config, taxonomy, regions and
// routes against the loaded data and the feed.
func TestListsEqualLibrary(t *testing.T) {
	f := getFixture(t)
	var health map[string]any
	getJSON(t, "/healthz", &health)
	assert.Equal(t, "ok", health["status"])
	assert.EqualValues(t, f.d.dir.Len(), health["providers"])
	assert.EqualValues(t, f.d.store.Len(), health["requests"])

	var cats []category
	getJSON(t, "/api/taxonomy", &cats)
	require.Len(t, cats, len(f.d.tax.All()))
	for i, c := range f.d.tax.All() {
		assert.Equal(t, c.Code, cats[i].Code)
		assert.Equal(t, c.Label, cats[i].Label)
		assert.NotEmpty(t, cats[i].LabelES)
		assert.Equal(t, f.d.dir.CategoryCount(c.Code), cats[i].Count)
	}
	es := map[string]string{}
	for _, c := range cats {
		es[c.Code] = c.LabelES
	}
	assert.Equal(t, "Deportes", es["enrichment.sports"])

	var sets []struct {
		Name    string
		Regions int
	}
	getJSON(t, "/api/regions", &sets)
	require.Len(t, sets, len(f.d.sets))
	for i, s := range sets {
		assert.Equal(t, f.d.sets[i], s.Name)
		assert.Equal(t, f.d.regions[s.Name].Len(), s.Regions)
		var names []struct {
			Name     string
			Lon, Lat float64
		}
		getJSON(t, "/api/regions/"+s.Name+"/names", &names)
		require.Len(t, names, s.Regions)
		// The point given for each region lies in a region of that name.
		rs := f.d.regions[s.Name]
		for _, n := range names[:min(len(names), 20)] {
			reg, ok := rs.Locate(orb.Point{n.Lon, n.Lat})
			if ok {
				assert.Equal(t, n.Name, strings.TrimSpace(reg.Name))
			}
		}
		var fc struct {
			Type     string
			Features []json.RawMessage
		}
		getJSON(t, "/api/regions/"+s.Name, &fc)
		assert.Equal(t, "FeatureCollection", fc.Type)
		assert.Len(t, fc.Features, s.Regions)
	}

	// Every route of the feed with trips is drawn, once, with its name.
	var routes struct {
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates [][][2]float64
			}
			Properties struct{ Route, Name string }
		}
	}
	getJSON(t, "/api/routes", &routes)
	var got, want []string
	for _, ft := range routes.Features {
		assert.Equal(t, "MultiLineString", ft.Geometry.Type)
		got = append(got, ft.Properties.Route)
		for _, ls := range ft.Geometry.Coordinates {
			for _, p := range ls {
				assert.True(t, f.d.area.Contains(orb.Point(p)), "route %s leaves the area", ft.Properties.Route)
			}
		}
	}
	for _, r := range f.d.net.Routes() {
		want = append(want, r.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	assert.Equal(t, want, got)

	var cfg map[string]any
	getJSON(t, "/api/config", &cfg)
	assert.Equal(t, "", cfg["tiles"])

	code, ct, body := call(t, http.MethodGet, "/", "", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, ct, "text/html")
	assert.Contains(t, string(body), "vendor/leaflet/leaflet.js")
	for _, p := range []string{"/app.js", "/app.css", "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css", "/vendor/leaflet/images/marker-icon.png"} {
		code, _, _ := call(t, http.MethodGet, p, "", nil)
		assert.Equal(t, http.StatusOK, code, p)
	}
}

// TestTrendsEqualLibrary compares the trends endpoints with the store's
// own answers.
func TestTrendsEqualLibrary(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	set := f.d.sets[0]
	for _, cat := range []string{"", "basic.housing", "basic.food.pantry"} {
		want, err := f.d.store.Counts(ctx, trends.Query{Set: set, Category: cat, Bucket: trends.Year})
		require.NoError(t, err)
		var got struct {
			Rows    []trends.Row
			Periods []string
			K       int
		}
		getJSON(t, "/api/trends/counts?set="+set+"&category="+cat, &got)
		assert.Equal(t, want.Rows, got.Rows, cat)
		assert.Equal(t, []string{"2025"}, got.Periods)
		assert.Equal(t, 10, got.K)
	}
	// The demo year has both counted and suppressed neighborhoods for
	// housing: the page must show both.
	tb, err := f.d.store.Counts(ctx, trends.Query{Set: set, Category: "basic.housing", Bucket: trends.Year})
	require.NoError(t, err)
	counted, suppressed := 0, 0
	for _, r := range tb.Rows {
		if r.Cells[0].Suppressed {
			suppressed++
		} else {
			counted++
		}
	}
	assert.Positive(t, counted)
	assert.Positive(t, suppressed)

	rep, err := f.d.store.RisingNeeds(ctx, trends.RisingQuery{Set: set, Category: "basic", Bucket: trends.Half, At: f.d.trendsAt})
	require.NoError(t, err)
	var rising struct {
		Rises            []trends.Rise
		Current          string
		Tested, Withheld int
	}
	getJSON(t, "/api/trends/rising?set="+set+"&category=basic&bucket=half", &rising)
	assert.Equal(t, rep.Tested, rising.Tested)
	assert.Equal(t, rep.Current.Label(), rising.Current)
	var sig []trends.Rise
	for _, r := range rep.Rises {
		if r.Significant {
			sig = append(sig, r)
		}
	}
	require.NotEmpty(t, sig, "the planted housing surge must show")
	assert.Equal(t, sig[0].Region, rising.Rises[0].Region)

	gaps, err := f.d.store.SupplyGaps(ctx, f.d.dir, trends.GapQuery{Set: set, Category: "basic.housing", Bucket: trends.Month, At: f.d.trendsAt, Near: 2000})
	require.NoError(t, err)
	var gotGaps struct{ Gaps []trends.Gap }
	getJSON(t, "/api/trends/gaps?set="+set+"&category=basic.housing&near_m=2000", &gotGaps)
	assert.Equal(t, gaps.Gaps, gotGaps.Gaps)
}

// cohortGot is jobStatus as a client decodes it.
type cohortGot struct {
	State  string
	Result *struct {
		Totals   match.Totals
		Assigned []match.Assigned
		Names    map[string]string
		Summary  string
	}
}

// TestCohortEqualsLibrary runs a small cohort through the API, following
// it by server-sent events and by polling, and compares the totals and
// assignments with Matcher.Assign called directly.
func TestCohortEqualsLibrary(t *testing.T) {
	f := getFixture(t)
	students := sampleStudents()
	for i := range students {
		students[i].Interests = nil // Assign matches needs
		students[i].Strengths = nil
	}
	want, err := f.d.matcher.Assign(context.Background(), students, match.AssignOptions{Policy: match.EquityFirst, RegionSet: f.d.sets[0]})
	require.NoError(t, err)
	var started map[string]string
	postJSON(t, "/api/cohort", map[string]any{"students": students, "policy": "equityfirst"}, &started)
	require.NotEmpty(t, started["id"])

	// Events: progress, then done.
	resp, err := f.srv.Client().Get(f.srv.URL + started["events"])
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var events []string
	var last cohortGot
	for sc.Scan() {
		line := sc.Text()
		if ev, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, ev)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			require.NoError(t, json.Unmarshal([]byte(data), &last))
		}
	}
	require.NotEmpty(t, events)
	assert.Equal(t, "done", events[len(events)-1])
	require.NotNil(t, last.Result)
	assert.Equal(t, want.Totals, last.Result.Totals)
	wantAssigned := slices.Clone(want.Assigned)
	for i := range wantAssigned {
		wantAssigned[i].Provider = directory.Listing{} // not in JSON: ProviderID is
	}
	assert.Equal(t, wantAssigned, last.Result.Assigned)

	// Polling gives the same.
	var polled cohortGot
	getJSON(t, started["status"], &polled)
	assert.Equal(t, "done", polled.State)
	assert.Equal(t, want.Totals, polled.Result.Totals)
	for _, a := range want.Assigned {
		assert.Equal(t, a.Provider.Name(), polled.Result.Names[a.ProviderID])
	}
}

// marker is put into every student field a hostile request carries, so
// that a response or a log line quoting it is caught.
const marker = "ZQXMARKER"

// hostile is a malformed or hostile request.
type hostile struct {
	name        string
	method      string
	path        string
	contentType string
	body        []byte
}

// base returns a valid student as a map, carrying the marker in its
// words, for mutation.
func base() map[string]any {
	return map[string]any{
		"home":      []any{-85.289, 35.033},
		"age":       12,
		"grade":     6,
		"has_grade": true,
		"languages": []any{"es"},
		"needs":     []any{map[string]any{"category": "basic.food", "severity": 3, "words": marker + " food"}},
		"interests": []any{map[string]any{"category": "enrichment.sports", "words": marker}},
		"constraints": map[string]any{
			"mode": "transit", "max_travel": 45 * 60e9,
			"availability": []any{map[string]any{"days": "Mo-Fr", "start": 15 * 3600e9, "end": 18 * 3600e9}},
		},
	}
}

// set assigns v at path ("constraints.mode", "needs.0.severity") in m.
func set(m map[string]any, path string, v any) map[string]any {
	parts := strings.Split(path, ".")
	var cur any = m
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
			} else {
				cur = c[p]
			}
		case []any:
			var j int
			fmt.Sscan(p, &j)
			if last {
				c[j] = v
			} else {
				cur = c[j]
			}
		}
	}
	return m
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// hostileRequests generates the malformed and hostile requests: wrong
// types and out-of-range values in every student field, unknown
// categories and fields, homes at (0, 0) and abroad, K = 10⁹, huge and
// broken bodies, non-UTF-8, bad query parameters on every GET endpoint,
// bad cohorts, and wrong methods and paths.
func hostileRequests() []hostile {
	var hs []hostile
	plan := func(name string, body []byte) {
		hs = append(hs, hostile{name: "plan/" + name, method: http.MethodPost, path: "/api/plan", contentType: "application/json", body: body})
	}
	// Wrong values in each field of a valid student.
	bad := map[string][]any{
		"home":                               {"x", 5, map[string]any{}, []any{1.0}, []any{1.0, 2.0, 3.0}, []any{"a", "b"}, nil, []any{0.0, 0.0}, []any{-122.4, 37.8}, []any{-85.3, 200.0}, []any{500.0, 35.0}, []any{35.03, -85.28}},
		"school":                             {[]any{0.0, 0.0}, "school", []any{10.0, 10.0}},
		"age":                                {"12", -1, 1e9, 12.5, []any{12}, true},
		"grade":                              {"6", 1e9, -5},
		"has_grade":                          {"yes", 1},
		"languages":                          {"es", []any{1}, []any{"ESP"}, []any{"e"}, []any{marker}, []any{""}},
		"needs":                              {"food", []any{1}, map[string]any{}, []any{map[string]any{"category": 5}}},
		"needs.0.category":                   {"nope", "basic.nope", "", "BASIC.FOOD", "../etc/passwd", marker, 7, nil, strings.Repeat("a.", 300)},
		"needs.0.severity":                   {0, 4, -1, 1e9, "3", 2.5, nil},
		"needs.0.words":                      {strings.Repeat(marker+" ", 200), 5, []any{"a"}},
		"needs.0.extra":                      {marker},
		"interests.0.category":               {"nope", "", 1, marker},
		"interests.0.words":                  {strings.Repeat("x", 600), false},
		"strengths":                          {"goalkeeper", []any{1}},
		"constraints":                        {"walk", 5, []any{}},
		"constraints.mode":                   {"bike", 5, "TRANSIT", marker, []any{"walk"}},
		"constraints.max_travel":             {"1h", -1, 1e18, 99 * 3600e9, []any{1}},
		"constraints.max_distance":           {-5, "far", 1e300},
		"constraints.availability":           {"Mo-Fr", 5, []any{1}},
		"constraints.availability.0.days":    {"Xx", 5, "Mo-Zz", marker, ""},
		"constraints.availability.0.start":   {-1, "15:00", 30 * 3600e9, 1e30},
		"constraints.availability.0.end":     {25 * 3600e9, 0, "18:00"},
		"constraints.free_only":              {"yes", 1},
		"constraints.exclude":                {"a", []any{1}},
		"constraints.wheelchair":             {"no"},
		"unknown_field":                      {1, marker},
		"constraints.availability.0.weekday": {1},
	}
	keys := make([]string, 0, len(bad))
	for k := range bad {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for i, v := range bad[k] {
			plan(fmt.Sprintf("%s#%d", k, i), mustJSON(set(base(), k, v)))
		}
	}
	// Too many needs, no needs.
	many := make([]any, match.MaxItems+1)
	for i := range many {
		many[i] = map[string]any{"category": "basic.food", "severity": 1}
	}
	plan("too many needs", mustJSON(set(set(base(), "needs", many), "interests", []any{})))
	plan("no needs", mustJSON(set(set(base(), "needs", []any{}), "interests", []any{})))
	// Broken bodies.
	for name, body := range map[string]string{
		"empty": "", "null": "null", "array": "[]", "number": "42", "string": `"student"`, "open brace": "{",
		"two values": "{}{}", "trailing garbage": `{"home":[-85.289,35.033]} x`, "unquoted": "{home: 1}",
		"single quotes": `{'home': [1, 2]}`, "comment": `{"home":[-85.289,35.033]} // hi`,
		"deep nesting": strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		"nan":          `{"home":[NaN, 35]}`, "infinity": `{"home":[-85.3, Infinity]}`,
		"huge number":    `{"home":[-85.3, 35.0], "age": 1` + strings.Repeat("0", 400) + `}`,
		"bom":            "\ufeff" + string(mustJSON(base())),
		"non-utf8 words": `{"home":[-85.289,35.033],"needs":[{"category":"basic.food","severity":3,"words":"` + "\xff\xfe" + marker + `"}]}`,
		"non-utf8 key":   `{"ho` + "\xc3\x28" + `me":[-85.289,35.033]}`,
		"nul bytes":      "\x00\x00\x00",
	} {
		plan("body "+name, []byte(body))
	}
	// Bodies beyond the limit.
	big := base()
	big["needs"].([]any)[0].(map[string]any)["words"] = strings.Repeat(marker, maxPlanBody/len(marker)+10)
	plan("body over 64 KB", mustJSON(big))
	plan("body of 5 MB", bytes.Repeat([]byte(" "), 5<<20))
	// Wrong content types.
	for _, ct := range []string{"text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		hs = append(hs, hostile{name: "plan/content-type " + ct, method: http.MethodPost, path: "/api/plan", contentType: ct, body: mustJSON(base())})
	}
	// Bad plan parameters.
	for _, q := range []string{"k=0", "k=-1", "k=21", "k=1000000000", "k=abc", "k=1.5", "k=99999999999999999999999", "lang=xx-invalid-!!", "lang=" + strings.Repeat("a", 40), "k=%ff"} {
		hs = append(hs, hostile{name: "plan/query " + q, method: http.MethodPost, path: "/api/plan?" + q, contentType: "application/json", body: mustJSON(base())})
	}
	get := func(name, path string) {
		hs = append(hs, hostile{name: name, method: http.MethodGet, path: path})
	}
	here := "lon=-85.29&lat=35.04"
	for _, q := range []string{
		"", "lon=-85.29", "lat=35.04", "lon=abc&lat=35", "lon=NaN&lat=35.04", "lon=-85.29&lat=Inf", "lon=1e400&lat=35",
		"lon=0&lat=0", "lon=-122.4&lat=37.8", "lon=200&lat=35", "lon=-85.29&lat=-100", "lon=%ff&lat=35",
		here + "&k=0", here + "&k=-5", here + "&k=21", here + "&k=1000000000", here + "&k=999999999999999999999",
		here + "&radius_m=-1", here + "&radius_m=1e9", here + "&radius_m=NaN", here + "&category=nope",
		here + "&category=basic.food,nope", here + "&category=" + strings.Repeat("basic,", 20) + "basic", here + "&category=%ff",
		here + "&free=maybe", here + "&wheelchair=2", here + "&language=ESP", here + "&language=e", here + "&language=%ff%fe",
		here + "&age=-1", here + "&age=1000", here + "&age=twelve", here + "&seats=x",
	} {
		get("nearby/"+q, "/api/nearby?"+q)
	}
	for _, q := range []string{
		"", "q=", "q=%20%20", "q=" + strings.Repeat("food+", 60), "q=%ff%fe", "q=food&k=0", "q=food&k=1000000000",
		"q=food&lon=-85.29", "q=food&lon=0&lat=0", "q=food&category=nope", "q=food&radius_m=-3", "q=food&free=perhaps",
	} {
		get("search/"+q, "/api/search?"+q)
	}
	for _, ep := range []string{"counts", "rising", "gaps"} {
		for _, q := range []string{"set=nope", "category=nope", "bucket=day", "bucket=week", "bucket=x", "category=basic,health", "set=%ff", "near_m=-1"} {
			if q == "near_m=-1" && ep != "gaps" {
				continue
			}
			get("trends/"+ep+"/"+q, "/api/trends/"+ep+"?"+q)
		}
	}
	// Cohorts.
	cohort := func(name string, body []byte) {
		hs = append(hs, hostile{name: "cohort/" + name, method: http.MethodPost, path: "/api/cohort", contentType: "application/json", body: body})
	}
	one := base()
	delete(one, "interests")
	cohort("no students", mustJSON(map[string]any{"students": []any{}}))
	cohort("students not a list", mustJSON(map[string]any{"students": "all"}))
	tooMany := make([]any, maxCohort+1)
	for i := range tooMany {
		tooMany[i] = map[string]any{"home": []any{-85.289, 35.033}, "needs": []any{map[string]any{"category": "basic.food", "severity": 1}}}
	}
	cohort("too many students", mustJSON(map[string]any{"students": tooMany}))
	cohort("bad policy", mustJSON(map[string]any{"students": []any{one}, "policy": "fastest"}))
	cohort("candidates 1e9", mustJSON(map[string]any{"students": []any{one}, "max_candidates": 1000000000}))
	cohort("candidates -1", mustJSON(map[string]any{"students": []any{one}, "max_candidates": -1}))
	cohort("home 0,0", mustJSON(map[string]any{"students": []any{set(base(), "home", []any{0.0, 0.0})}}))
	cohort("unknown category", mustJSON(map[string]any{"students": []any{set(base(), "needs.0.category", "nope")}}))
	cohort("unknown field", mustJSON(map[string]any{"students": []any{one}, "priority": "me"}))
	cohort("body of 3 MB", bytes.Repeat([]byte(" "), 3<<20))
	cohort("broken", []byte(`{"students": [`))
	// Methods and paths.
	for _, r := range [][2]string{
		{"DELETE", "/api/plan"}, {"PUT", "/api/nearby"}, {"GET", "/api/plan"}, {"POST", "/api/nearby"}, {"PATCH", "/api/taxonomy"},
		{"GET", "/api/cohort/nope"}, {"GET", "/api/cohort/nope/events"}, {"GET", "/api/regions/nope"}, {"GET", "/api/regions/nope/names"},
		{"GET", "/api/trends/foo"}, {"GET", "/api/nothing"}, {"POST", "/"}, {"DELETE", "/healthz"}, {"GET", "/api/regions/%ff"},
		{"GET", "/api/regions/..%2f..%2fetc"},
	} {
		hs = append(hs, hostile{name: "route/" + r[0] + " " + r[1], method: r[0], path: r[1]})
	}
	return hs
}

// TestHostileRequests sends every hostile request and checks each gets a
// 4xx JSON error with a message, never a 5xx or a panic, and that no
// response and no log line quotes a value the request carried.
func TestHostileRequests(t *testing.T) {
	f := getFixture(t)
	hs := hostileRequests()
	require.GreaterOrEqual(t, len(hs), 200)
	t.Logf("%d hostile requests", len(hs))
	for _, h := range hs {
		code, ct, body := call(t, h.method, h.path, h.contentType, h.body)
		if !assert.True(t, code >= 400 && code < 500, "%s: status %d: %.300s", h.name, code, body) {
			continue
		}
		assert.Contains(t, ct, "application/json", h.name)
		var e struct {
			Error struct {
				Status  int
				Message string
			}
		}
		if assert.NoError(t, json.Unmarshal(body, &e), "%s: %.200s", h.name, body) {
			assert.Equal(t, code, e.Error.Status, h.name)
			assert.NotEmpty(t, e.Error.Message, h.name)
		}
		assert.NotContains(t, string(body), marker, "%s echoes a value", h.name)
		assert.NotContains(t, string(body), "passwd", "%s echoes a value", h.name)
	}
	logs := f.logs.String()
	assert.NotContains(t, logs, marker)
	assert.NotContains(t, logs, "35.033")
}

// TestLogLines checks that every request log line has exactly the keys
// method, pattern, status and duration besides time, level and message:
// no query, body, address or student field.
func TestLogLines(t *testing.T) {
	f := getFixture(t)
	var pr planGot
	postJSON(t, "/api/plan?lang=es", sampleStudents()[1], &pr)
	call(t, http.MethodGet, "/api/nearby?lon=-85.29&lat=35.04&category=basic.food", "", nil)
	n := 0
	for line := range strings.Lines(f.logs.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec["msg"] != "request" {
			continue
		}
		n++
		keys := make([]string, 0, len(rec))
		for k := range rec {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		assert.Equal(t, []string{"duration", "level", "method", "msg", "pattern", "status", "time"}, keys)
		assert.NotContains(t, rec["pattern"], "?")
	}
	assert.Positive(t, n)
	assert.NotContains(t, f.logs.String(), "-85.289")
	assert.NotContains(t, f.logs.String(), "soccer")
}

func TestHelpExitsCleanly(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &out, nil)
	assert.NoError(t, err)
	assert.Contains(t, out.String(), "-addr")
	assert.Contains(t, out.String(), "-tiles")
	assert.Error(t, run(context.Background(), []string{"-snapshot", "a", "-hsds", "b"}, io.Discard, io.Discard, nil))
	assert.Error(t, run(context.Background(), []string{"-timeout", "0s"}, io.Discard, io.Discard, nil))
	assert.Error(t, run(context.Background(), []string{"stray"}, io.Discard, io.Discard, nil))
}

// TestGracefulShutdown starts the real server, makes a request, ends its
// context as SIGINT would and checks it returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo a second time; run without -short")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-requests", "0"}, io.Discard, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("server did not start")
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("no shutdown")
	}
	_, err = http.Get("http://" + addr + "/healthz")
	assert.Error(t, err, "still serving after shutdown")
}
