package hsds

import (
	"strings"
)

// pos is where a record came from: file and line for CSV, file and JSON
// path for JSON.
type pos struct {
	file string
	line int
	path string
}

// row is one record of one table with its fields as trimmed strings,
// whether it came from a CSV row or a JSON object. CSV rows share their
// header's column index; JSON rows carry a map.
type row struct {
	pos
	idx  map[string]int
	vals []string
	m    map[string]string
}

// get returns the first non-blank value among the named fields.
func (r *row) get(names ...string) string {
	for _, n := range names {
		var v string
		if r.m != nil {
			v = r.m[n]
		} else if i, ok := r.idx[n]; ok && i < len(r.vals) {
			v = r.vals[i]
		}
		if v != "" {
			return v
		}
	}
	return ""
}

// at returns the position of field f: the row's line for CSV, the row's
// path with ".f" appended for JSON.
func (r *row) at(f string) pos {
	p := r.pos
	if p.path != "" && f != "" {
		p.path += "." + f
	}
	return p
}

// Canonical table names. Readers map each layout's file names onto these.
const (
	tOrganization = "organization"
	tService      = "service"
	tLocation     = "location"
	tSAL          = "service_at_location"
	tAddress      = "address"
	tPhone        = "phone"
	tSchedule     = "schedule"
	tLanguage     = "language"
	tCost         = "cost_option"
	tAccess       = "accessibility"
	tArea         = "service_area"
	tAttribute    = "attribute"
	tTerm         = "taxonomy_term"
	tTaxonomy     = "taxonomy"
	tEligibility  = "eligibility"
	tPayment      = "payment_accepted"
)

// dataset is the relational form every input is read into: HSDS's tabular
// model, with nested JSON flattened into tables and foreign keys.
type dataset struct {
	format string
	tables map[string][]*row
	rows   int
}

func newDataset(format string) *dataset {
	return &dataset{format: format, tables: make(map[string][]*row)}
}

func (d *dataset) add(table string, r *row) {
	d.tables[table] = append(d.tables[table], r)
	d.rows++
}

// tableFiles maps file names (without ".csv") of the 3.0 and 2.0 tabular
// layouts, and of older 1.x exports, onto canonical tables. Address tables
// of 2.0 carry their type in the file name.
var tableFiles = map[string]string{
	"organizations":                  tOrganization,
	"organization":                   tOrganization,
	"services":                       tService,
	"service":                        tService,
	"locations":                      tLocation,
	"location":                       tLocation,
	"service_at_location":            tSAL,
	"services_at_location":           tSAL,
	"services_at_locations":          tSAL,
	"service_at_locations":           tSAL,
	"addresses":                      tAddress,
	"address":                        tAddress,
	"physical_addresses":             tAddress,
	"physical_address":               tAddress,
	"postal_addresses":               tAddress,
	"postal_address":                 tAddress,
	"phones":                         tPhone,
	"phone":                          tPhone,
	"schedules":                      tSchedule,
	"schedule":                       tSchedule,
	"regular_schedules":              tSchedule,
	"regular_schedule":               tSchedule,
	"languages":                      tLanguage,
	"language":                       tLanguage,
	"cost_options":                   tCost,
	"cost_option":                    tCost,
	"accessibility":                  tAccess,
	"accessibility_for_disabilities": tAccess,
	"service_areas":                  tArea,
	"service_area":                   tArea,
	"attributes":                     tAttribute,
	"attribute":                      tAttribute,
	"service_attributes":             tAttribute,
	"services_taxonomy":              tAttribute,
	"service_taxonomy":               tAttribute,
	"taxonomy_terms":                 tTerm,
	"taxonomy_term":                  tTerm,
	"taxonomy":                       tTerm, // 2.0: taxonomy.csv holds the terms
	"taxonomies":                     tTaxonomy,
	"eligibility":                    tEligibility,
	"eligibilities":                  tEligibility,
	"payments_accepted":              tPayment,
	"payment_accepted":               tPayment,
}

// normHeader turns a CSV header into a field name: BOM and space trimmed,
// lower case, inner spaces and dashes as underscores.
func normHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, h)
}

// cleanValue trims stray whitespace and the literal quotes some exports
// wrap values in ("\"+44 1234\"").
func cleanValue(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
