package hsds_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
)

// accounted says, for every field the official HSDS 3.0 examples carry,
// what the importer does with it: "→ Provider.X" (mapped), "link" (an ID
// used to join records), or why it is left out. The inventory test fails
// if an example carries a field missing from this table.
var accounted = map[string]map[string]string{
	"service": {
		"id": "→ Source.ServiceID; Provider.ID when the service has no location", "name": "→ Provider.Name",
		"alternate_name": "left out: the model has one name", "description": "→ Provider.Description",
		"url": "→ Provider.URL", "email": "→ Provider.Email", "status": "inactive/defunct dropped and reported",
		"interpretation_services": "left out: free text; languages come from language records",
		"application_process":     "left out: free text", "fees_description": "→ Provider.Cost",
		"wait_time": "left out", "fees": "→ Provider.Cost (2.0 field)", "accreditations": "left out",
		"eligibility_description": "→ Provider.Eligibility (notes, grades, income, ages when fields blank)",
		"minimum_age":             "→ Eligibility.MinAge", "maximum_age": "→ Eligibility.MaxAge",
		"assured_date": "→ Provider.LastVerified", "assurer_email": "left out: personal",
		"licenses": "left out", "alert": "left out: transient notice", "last_modified": "→ LastVerified when no assured_date",
		"organization_id": "link", "program_id": "link (programs are not modelled)",
		"phones": "nested", "schedules": "nested", "service_areas": "nested", "service_at_locations": "nested",
		"languages": "nested", "organization": "nested", "funding": "left out", "cost_options": "nested",
		"program": "left out", "required_documents": "left out", "contacts": "left out: personal",
		"attributes": "nested", "metadata": "left out: change log",
	},
	"service_at_location": {
		"id": "→ Provider.ID", "description": "→ Provider.Description when the service has none",
		"service_id": "link", "location_id": "link", "contacts": "left out: personal", "phones": "nested",
		"schedules": "nested", "location": "nested", "service": "nested", "attributes": "nested", "metadata": "left out",
	},
	"location": {
		"id": "→ Source.LocationID", "location_type": "virtual/postal → Unplaced", "url": "left out",
		"organization_id": "link", "name": "left out: the provider is named by its service",
		"alternate_name": "left out", "description": "left out", "transportation": "left out: transit comes from GTFS",
		"latitude": "→ Provider.Point", "longitude": "→ Provider.Point", "external_identifier": "left out",
		"external_identifier_type": "left out", "languages": "nested", "addresses": "nested", "contacts": "left out: personal",
		"accessibility": "nested", "phones": "nested", "schedules": "nested", "attributes": "nested", "metadata": "left out",
	},
	"address": {
		"id": "left out", "location_id": "link", "attention": "left out: personal", "address_1": "→ Address.Street",
		"address_2": "→ Address.Street (joined)", "city": "→ Address.City", "region": "left out",
		"state_province": "→ Address.State", "postal_code": "→ Address.PostalCode", "country": "→ Address.Country",
		"address_type": "physical preferred over postal",
	},
	"phone": {
		"id": "duplicate detection", "number": "→ Provider.Phone", "extension": "→ Provider.Phone (\" x100\")",
		"type": "left out", "description": "left out", "languages": "nested",
		"location_id": "link", "service_id": "link", "organization_id": "link", "contact_id": "left out",
		"service_at_location_id": "link",
	},
	"schedule": {
		"id": "reported with problems", "service_id": "link", "location_id": "link", "service_at_location_id": "link",
		"valid_from": "filters by Options.Date", "valid_to": "filters by Options.Date", "dtstart": "left out",
		"timezone": "left out: a number, not a zone; Options.Zone", "until": "filters by Options.Date",
		"count": "left out", "wkst": "left out: no effect on weekly hours", "freq": "WEEKLY only; others reported",
		"interval": "1 only; others reported", "byday": "→ Hours days", "byweekno": "reported as ignored",
		"bymonthday": "reported as ignored", "byyearday": "reported as ignored", "description": "\"24 hours\" read when no times",
		"opens_at": "→ Span.Open", "closes_at": "→ Span.Close", "schedule_link": "left out",
		"attending_type": "left out", "notes": "left out",
	},
	"language": {"id": "left out", "name": "→ Provider.Languages (by name)", "code": "→ Provider.Languages", "note": "left out",
		"service_id": "link", "location_id": "link", "phone_id": "link"},
	"service_area": {"id": "left out", "service_id": "link", "name": "→ Provider.ServiceAreas", "description": "→ ServiceAreas when no name",
		"extent": "left out: geometry not modelled", "extent_type": "left out", "uri": "left out"},
	"cost_option": {"id": "left out", "service_id": "link", "valid_from": "left out", "valid_to": "left out",
		"option": "→ Provider.Cost", "currency": "left out", "amount": "→ Provider.Cost", "amount_description": "→ Provider.Cost"},
	"accessibility": {"id": "left out", "location_id": "link", "description": "→ Provider.Accessibility, Wheelchair",
		"details": "→ Accessibility when no description", "url": "left out"},
	"attribute": {"id": "reported with problems", "link_id": "link", "taxonomy_term_id": "link", "link_type": "link kind",
		"link_entity": "link kind", "value": "→ wraparound flags (capacity, keyword…)", "taxonomy_term": "nested"},
	"taxonomy_term": {"id": "link", "code": "→ Provider.Categories via mapping", "name": "→ Categories via mapping, else Keywords",
		"description": "left out", "parent_id": "left out", "taxonomy": "selects the mapping", "taxonomy_detail": "nested",
		"language": "left out", "taxonomy_id": "left out", "term_uri": "left out"},
	"taxonomy": {"id": "left out", "name": "→ term's taxonomy", "description": "left out", "uri": "left out", "version": "left out"},
	"organization": {"id": "→ Source.OrganizationID", "name": "→ Provider.Organization", "alternate_name": "left out",
		"description": "left out", "email": "→ Provider.Email when the service has none",
		"website": "→ Provider.URL when the service has none", "tax_status": "left out", "tax_id": "left out",
		"year_incorporated": "left out", "legal_status": "left out", "logo": "left out", "uri": "left out",
		"parent_organization_id": "left out", "funding": "left out", "contacts": "left out: personal", "phones": "nested",
		"locations": "nested", "programs": "left out", "organization_identifiers": "left out", "services": "nested"},
	// Tables the provider model has no use for: present, read for nothing.
	"contact": {"*": "left out: personal"}, "funding": {"*": "left out"}, "program": {"*": "left out"},
	"required_document": {"*": "left out"}, "metadata": {"*": "left out"}, "organization_identifier": {"*": "left out"},
	"meta_table_description": {"*": "left out"},
	"page":                   {"total_items": "left out", "total_pages": "left out", "page_number": "left out", "size": "left out", "first_page": "left out", "last_page": "left out", "empty": "left out", "contents": "nested"},
	"base":                   {"version": "left out", "profile": "left out", "openapi_url": "left out"},
}

var nestedKind = map[string]string{
	"phones": "phone", "schedules": "schedule", "location": "location", "locations": "location",
	"addresses": "address", "languages": "language", "accessibility": "accessibility",
	"service_areas": "service_area", "cost_options": "cost_option", "attributes": "attribute",
	"taxonomy_term": "taxonomy_term", "taxonomy_detail": "taxonomy", "organization": "organization",
	"service": "service", "services": "service", "service_at_locations": "service_at_location",
	"contacts": "contact", "funding": "funding", "program": "program", "programs": "program",
	"required_documents": "required_document", "metadata": "metadata",
	"organization_identifiers": "organization_identifier",
}

// fieldsOf lists "kind.field" for every field of v, a record of kind.
func fieldsOf(kind string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			out[kind+"."+k] = true
			if nk, ok := nestedKind[k]; ok {
				fieldsOf(nk, val, out)
			} else if kind == "page" && k == "contents" {
				fieldsOf("service", val, out) // every list example lists its root kind; close enough for the inventory
			}
		}
	case []any:
		for _, it := range x {
			fieldsOf(kind, it, out)
		}
	}
}

func TestOfficialFieldsAccountedFor(t *testing.T) {
	t.Parallel()
	roots := map[string]string{
		"service_full.json": "service", "service_list.json": "page", "service_at_location_full.json": "service_at_location",
		"service_at_location_list.json": "page", "organization_full.json": "organization", "organization_list.json": "page",
		"location.json": "location", "taxonomy_term.json": "taxonomy_term", "taxonomy_term_list.json": "page",
		"taxonomy.json": "taxonomy", "taxonomy_list.json": "page", "base.json": "base",
	}
	seen := map[string]bool{}
	for file, kind := range roots {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(data, &v))
		if kind == "page" {
			// A page's contents are of the kind its file names.
			m := v.(map[string]any)
			for k := range m {
				seen["page."+k] = true
			}
			inner := strings.TrimSuffix(file, "_list.json")
			fieldsOf(inner, m["contents"], seen)
			continue
		}
		fieldsOf(kind, v, seen)
	}
	// The tabular package: table name → kind, headers → fields.
	csvs, err := filepath.Glob("testdata/csv/*.csv")
	require.NoError(t, err)
	for _, p := range csvs {
		f, err := os.Open(p)
		require.NoError(t, err)
		header, err := csv.NewReader(f).Read()
		f.Close()
		require.NoError(t, err)
		kind := strings.TrimSuffix(filepath.Base(p), ".csv")
		switch kind {
		case "accessibility", "funding", "metadata", "service_at_location":
		case "taxonomies":
			kind = "taxonomy"
		case "addresses":
			kind = "address"
		default:
			kind = strings.TrimSuffix(kind, "s")
		}
		for _, h := range header {
			seen[kind+"."+h] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kind, field, _ := strings.Cut(k, ".")
		m, ok := accounted[kind]
		if !assert.True(t, ok, "kind %q (field %q) not accounted for", kind, field) {
			continue
		}
		_, ok = m[field]
		_, all := m["*"]
		assert.True(t, ok || all, "field %s not accounted for", k)
	}
	assert.Greater(t, len(keys), 200, "inventory covers the examples")
}

// official is the provider every full example describes, worked out by
// hand from the example files.
func official(id string) directory.Provider {
	day := []directory.Span{{Open: 10 * time.Hour, Close: 18 * time.Hour}}
	var week [7][]directory.Span
	week[time.Thursday], week[time.Friday] = day, day
	return directory.Provider{
		ID:           id,
		Name:         "Community Counselling",
		Organization: "Example Organization Inc.",
		Description:  "Counselling Services provided by trained professionals. Suitable for people with mental health conditions such as anxiety, depression, or eating disorders as well as people experiencing difficult life events and circumstances.",
		// No term maps (the example's term is "code"/"name"): read from the
		// description's "anxiety" and "depression".
		Categories: []string{"health.mental"},
		Unplaced:   true, // latitude 100 is out of range
		Address:    directory.Address{Street: "1-30 Main Street, MyVillage", City: "MyCity", State: "MyState", PostalCode: "ABC 1234", Country: "US"},
		Phone:      "+44 1234 234567 x100",
		URL:        "http://example.com/counselling",
		Email:      "email@example.com",
		Languages:  []string{"ur"},
		Hours:      directory.Hours{Week: week, Zone: "Etc/GMT-3"}, // "timezone": 3 is UTC+03:00
		Eligibility: directory.Eligibility{MinAge: 12, MaxAge: 100,
			Notes: "This service is intended for all people aged 12 and over who require counselling services in the MyCity area"},
		Cost:          directory.CostFee, // £35 cost option and "pay" in fees_description
		Wheelchair:    true,
		Accessibility: []string{"The building is equipped with induction loops for hearing aids. Wheelchair access is possible on all levels."},
		Keywords:      []string{"name"},
		ServiceAreas:  []string{"The service is available to all residents of the MyCity area. We provide the service in our offices or via video conferencing to any who can provide evidence of their residency."},
		LastVerified:  time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

const (
	salID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
	svcID = "ac148810-d857-441c-9679-408f346de14b"
	locID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
)

func TestOfficialExamplesImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	full := official(salID)
	// The tabular form links the attribute to an unknown ID, so the term
	// is not the service's and gives no keyword.
	tabular := official(salID)
	tabular.Keywords = nil
	// The list shapes carry the service without its nested records.
	bare := directory.Provider{ID: svcID, Name: full.Name, Organization: full.Organization, Description: full.Description,
		Categories: full.Categories, Unplaced: true, URL: full.URL, Email: full.Email,
		Eligibility: full.Eligibility, Cost: full.Cost, LastVerified: full.LastVerified}
	cases := []struct {
		path     string
		format   string
		want     []directory.Provider
		kinds    []hsds.Kind
		services int
	}{
		{"service_full.json", "json", []directory.Provider{full}, []hsds.Kind{hsds.KindBadCoordinates, hsds.KindSchedule, hsds.KindUnmappedTerm, hsds.KindGuessed}, 1},
		{"service_at_location_full.json", "json", []directory.Provider{full}, []hsds.Kind{hsds.KindBadCoordinates, hsds.KindSchedule, hsds.KindUnmappedTerm, hsds.KindGuessed}, 1},
		{"organization_full.json", "json", []directory.Provider{full}, []hsds.Kind{hsds.KindBadCoordinates, hsds.KindSchedule, hsds.KindUnmappedTerm, hsds.KindGuessed}, 1},
		{"service_list.json", "json", []directory.Provider{bare}, []hsds.Kind{hsds.KindUnplaced, hsds.KindGuessed}, 1},
		{"service_at_location_list.json", "json", nil, nil, 1},
		{"tabular.json", "json", []directory.Provider{tabular}, []hsds.Kind{hsds.KindBrokenRef, hsds.KindBadCoordinates, hsds.KindSchedule, hsds.KindGuessed}, 1},
		{"csv", "csv-3.0", []directory.Provider{tabular}, []hsds.Kind{hsds.KindBrokenRef, hsds.KindBadCoordinates, hsds.KindSchedule, hsds.KindGuessed}, 1},
		{"location.json", "json", nil, nil, 0},
		{"organization_list.json", "json", nil, nil, 0},
		{"taxonomy_term_list.json", "json", nil, nil, 0},
		{"base.json", "json", nil, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			res, err := hsds.Open(ctx, filepath.Join("testdata", tc.path), hsds.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.format, res.Report.Format)
			assert.Equal(t, tc.services, res.Report.Services)
			if tc.want != nil {
				assert.Equal(t, tc.want, res.Providers)
				for _, k := range tc.kinds {
					assert.Positive(t, res.Report.Count(k), "kind %s in %v", k, res.Report.Problems)
				}
			}
			for _, p := range res.Report.Problems {
				assert.NotEmpty(t, p.File)
				assert.True(t, p.Line > 0 || p.Path != "", "problem has a line or path: %v", p)
			}
		})
	}
	t.Run("service_at_location_list", func(t *testing.T) {
		// The SAL list's service has no nested records but its location
		// is there, so the provider has the SAL's ID.
		res, err := hsds.Open(ctx, "testdata/service_at_location_list.json", hsds.Options{})
		require.NoError(t, err)
		require.Len(t, res.Providers, 1)
		assert.Equal(t, salID, res.Providers[0].ID)
		assert.Equal(t, hsds.Source{ServiceID: svcID, LocationID: locID, SALID: salID, OrganizationID: "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", File: "service_at_location_list.json", Path: "$.contents[0]"}, res.Sources[salID])
	})
}

func TestOfficialExportValidatesAndRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := loadSchemas(t, "testdata/schema")
	res, err := hsds.Open(ctx, "testdata/service_full.json", hsds.Options{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, hsds.WriteJSON(&buf, res.All(), hsds.ExportOptions{Sources: res.Sources, Indent: "  "}))
	validatePage(t, s, buf.Bytes())
	again, err := hsds.ReadJSON(ctx, bytes.NewReader(buf.Bytes()), "export.json", hsds.Options{})
	require.NoError(t, err)
	assert.Equal(t, res.Providers, again.Providers)
	assert.Equal(t, res.Sources[salID].ServiceID, again.Sources[salID].ServiceID)
	assert.Equal(t, res.Sources[salID].LocationID, again.Sources[salID].LocationID)
	assert.Zero(t, again.Report.Count(hsds.KindGuessed), "categories travel as wraparound terms")
}

func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name, doc string
		want      error
		msg       string
	}{
		{"not json", "{\n  \"id\": \n}", hsds.ErrMalformed, "x.json:3"},
		{"unknown object", `{"foo": 1}`, hsds.ErrUnknownShape, "foo"},
		{"scalar", `42`, hsds.ErrUnknownShape, "top-level"},
		{"list of junk", `[1, 2]`, hsds.ErrUnknownShape, "no HSDS records"},
		{"trailing data", `{"id":"a","name":"b","status":"active"} {}`, hsds.ErrMalformed, "after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := hsds.ReadJSON(ctx, strings.NewReader(tc.doc), "x.json", hsds.Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	t.Run("package without services", func(t *testing.T) {
		_, err := hsds.ReadPackage(ctx, os.DirFS("testdata/schema"), hsds.Options{})
		assert.ErrorIs(t, err, hsds.ErrMissingTable)
	})
	t.Run("bad mapping target", func(t *testing.T) {
		_, err := hsds.ReadJSON(ctx, strings.NewReader(`[]`), "x.json", hsds.Options{Mapping: hsds.Mapping{"X": "no.such"}})
		assert.ErrorIs(t, err, directory.ErrUnknownCategory)
	})
	t.Run("cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := hsds.ReadPackage(c, os.DirFS("testdata/csv"), hsds.Options{})
		assert.True(t, errors.Is(err, context.Canceled))
	})
}
