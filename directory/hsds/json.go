package hsds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// decodeJSON parses data keeping numbers exact. A syntax error names its
// line.
func decodeJSON(data []byte, file string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		case errors.As(err, &te):
			line = 1 + bytes.Count(data[:min(int(te.Offset), len(data))], []byte("\n"))
		}
		if line > 0 {
			return nil, fmt.Errorf("%w: %s:%d: %w", ErrMalformed, file, line, err)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, file, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: %s: data after the top-level value", ErrMalformed, file)
	}
	return v, nil
}

// flattener turns nested HSDS 3.0 JSON into tables, injecting the foreign
// keys that nesting implies. A record nested in several places (the same
// phone under service, location and organization) is kept once, its
// foreign keys merged.
type flattener struct {
	ds    *dataset
	c     *collector
	file  string
	seen  map[string]map[string]*row // table → id → row
	known int                        // records of a recognised kind
}

func newFlattener(ds *dataset, c *collector, file string) *flattener {
	return &flattener{ds: ds, c: c, file: file, seen: make(map[string]map[string]*row)}
}

// scalar renders a JSON scalar as the string a CSV cell would hold.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return cleanValue(x), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// top dispatches on the document's shape: a paginated page ("contents"),
// a list, the tabular JSON form (keys "services.csv"…) or one record.
func (f *flattener) top(v any) error {
	switch x := v.(type) {
	case []any:
		for i, it := range x {
			f.item(it, fmt.Sprintf("$[%d]", i))
		}
	case map[string]any:
		if c, ok := x["contents"]; ok {
			items, ok := c.([]any)
			if !ok {
				return fmt.Errorf("%w: %s: $.contents is not a list", ErrUnknownShape, f.file)
			}
			for i, it := range items {
				f.item(it, fmt.Sprintf("$.contents[%d]", i))
			}
			return nil
		}
		if f.tabular(x) {
			return nil
		}
		if _, ok := x["openapi_url"]; ok {
			return nil // the API's base document: no records
		}
		if detect(x) == "" {
			return fmt.Errorf("%w: %s: object with keys %s", ErrUnknownShape, f.file, keyList(x))
		}
		f.item(x, "$")
	default:
		return fmt.Errorf("%w: %s: top-level value is not an object or list", ErrUnknownShape, f.file)
	}
	return nil
}

func keyList(m map[string]any) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) > 6 {
		ks = append(ks[:6], "…")
	}
	return strings.Join(ks, ", ")
}

// tabular reads the JSON form of a tabular package: an object whose keys
// are CSV file names and whose values are lists of flat rows.
func (f *flattener) tabular(m map[string]any) bool {
	n := 0
	for k := range m {
		if strings.HasSuffix(k, ".csv") {
			n++
		}
	}
	if n == 0 || n < len(m) {
		return false
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		base := strings.TrimSuffix(k, ".csv")
		table, ok := tableFiles[base]
		rows, isList := m[k].([]any)
		if !ok || !isList {
			continue
		}
		for i, it := range rows {
			obj, ok := it.(map[string]any)
			if !ok {
				continue
			}
			r := f.flatRow(obj, fmt.Sprintf("$[%q][%d]", k, i))
			if strings.HasPrefix(base, "physical_address") && r.m["address_type"] == "" {
				r.m["address_type"] = "physical"
			} else if strings.HasPrefix(base, "postal_address") && r.m["address_type"] == "" {
				r.m["address_type"] = "postal"
			}
			f.ds.add(table, r)
			f.known++
		}
	}
	return true
}

// flatRow keeps an object's scalar fields.
func (f *flattener) flatRow(obj map[string]any, path string) *row {
	r := &row{pos: pos{file: f.file, path: path}, m: make(map[string]string, len(obj))}
	for k, v := range obj {
		if s, ok := scalar(v); ok {
			r.m[normHeader(k)] = s
		}
	}
	return r
}

// detect names the kind of an HSDS object, or "" when it is none.
func detect(m map[string]any) string {
	has := func(k string) bool { _, ok := m[k]; return ok }
	isObj := func(k string) bool { _, ok := m[k].(map[string]any); return ok }
	switch {
	case has("service_at_locations") || (has("status") && has("name")):
		return tService
	case isObj("service") || isObj("location"):
		return tSAL
	case has("services") || has("locations") || has("legal_status") || has("year_incorporated") ||
		has("tax_status") || has("organization_identifiers") || has("website"):
		return tOrganization
	case has("location_type") || has("latitude") || has("addresses"):
		return tLocation
	case has("taxonomy_detail") || has("term_uri") || (has("code") && has("parent_id")):
		return tTerm
	case has("name") && (has("eligibility_description") || has("minimum_age") || has("fees_description") ||
		has("service_areas") || has("cost_options") || isObj("organization")):
		return tService
	}
	return ""
}

func (f *flattener) item(v any, path string) {
	obj, ok := v.(map[string]any)
	if !ok {
		f.c.addf(pos{file: f.file, path: path}, "", "", "", ErrMalformed, "list item is not an object")
		return
	}
	switch detect(obj) {
	case tService:
		f.service(obj, path, "")
	case tSAL:
		f.sal(obj, path, "")
	case tOrganization:
		f.organization(obj, path)
	case tLocation:
		f.location(obj, path, "")
	case tTerm:
		f.record(tTerm, obj, path, nil)
	default:
		f.c.addf(pos{file: f.file, path: path}, "", "", "", ErrUnknownShape, "object with keys %s", keyList(obj))
	}
}

// record adds obj's scalar fields as a row of table, with the foreign keys
// fk filled in where obj leaves them blank. It returns the record's ID. A
// record already seen under the same ID is merged, not repeated: the same
// phone nested under a service and its location is one phone. A record
// whose own fields disagree with the one seen before is a different
// record under a used ID: it is reported as a duplicate and dropped with
// everything nested in it (ok is false), as the CSV path drops a repeated
// ID.
func (f *flattener) record(table string, obj map[string]any, path string, fk map[string]string) (id string, ok bool) {
	r := f.flatRow(obj, path)
	id = r.m["id"]
	if id != "" {
		seen := f.seen[table]
		if seen == nil {
			seen = make(map[string]*row)
			f.seen[table] = seen
		}
		if old, dup := seen[id]; dup {
			keys := make([]string, 0, len(r.m))
			for k := range r.m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if v, was := r.m[k], old.m[k]; v != "" && was != "" && v != was {
					f.c.addf(r.pos, table, id, k, ErrDuplicate, "%s id %q differs from the record at %s (field %q); dropped", table, id, old.path, k)
					return id, false
				}
			}
			for k, v := range fk {
				if v != "" && r.m[k] == "" {
					r.m[k] = v
				}
			}
			for k, v := range r.m {
				if old.m[k] == "" {
					old.m[k] = v
				}
			}
			return id, true
		}
		seen[id] = r
	}
	for k, v := range fk {
		if v != "" && r.m[k] == "" {
			r.m[k] = v
		}
	}
	f.ds.add(table, r)
	f.known++
	return id, true
}

// list calls fn for each object of the list under key.
func (f *flattener) list(obj map[string]any, key, path string, fn func(m map[string]any, path string)) {
	v, ok := obj[key]
	if !ok || v == nil {
		return
	}
	items, ok := v.([]any)
	if !ok {
		f.c.addf(pos{file: f.file, path: path + "." + key}, "", "", key, ErrBadValue, "not a list")
		return
	}
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			f.c.addf(pos{file: f.file, path: fmt.Sprintf("%s.%s[%d]", path, key, i)}, "", "", key, ErrBadValue, "not an object")
			continue
		}
		fn(m, fmt.Sprintf("%s.%s[%d]", path, key, i))
	}
}

// object calls fn for the object under key, if any.
func (f *flattener) object(obj map[string]any, key, path string, fn func(m map[string]any, path string)) {
	v, ok := obj[key]
	if !ok || v == nil {
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		f.c.addf(pos{file: f.file, path: path + "." + key}, "", "", key, ErrBadValue, "not an object")
		return
	}
	fn(m, path+"."+key)
}

func (f *flattener) children(obj map[string]any, path, table, key, fkField, id string) {
	f.list(obj, key, path, func(m map[string]any, p string) {
		f.record(table, m, p, map[string]string{fkField: id})
	})
}

func (f *flattener) phones(obj map[string]any, path, fkField, id string) {
	f.list(obj, "phones", path, func(m map[string]any, p string) {
		if pid, ok := f.record(tPhone, m, p, map[string]string{fkField: id}); ok {
			f.children(m, p, tLanguage, "languages", "phone_id", pid)
		}
	})
}

func (f *flattener) attributes(obj map[string]any, path, entity, id string) {
	f.list(obj, "attributes", path, func(m map[string]any, p string) {
		fk := map[string]string{"link_id": id, "link_entity": entity}
		f.object(m, "taxonomy_term", p, func(t map[string]any, tp string) {
			fk["taxonomy_term_id"] = f.term(t, tp)
		})
		f.record(tAttribute, m, p, fk)
	})
}

func (f *flattener) term(t map[string]any, path string) string {
	fk := map[string]string{}
	f.object(t, "taxonomy_detail", path, func(d map[string]any, _ string) {
		if s, ok := scalar(d["name"]); ok {
			fk["taxonomy"] = s
		}
	})
	id, _ := f.record(tTerm, t, path, fk)
	return id
}

func (f *flattener) service(obj map[string]any, path, orgID string) string {
	fk := map[string]string{"organization_id": orgID}
	f.object(obj, "organization", path, func(m map[string]any, p string) {
		fk["organization_id"] = f.organization(m, p)
	})
	id, ok := f.record(tService, obj, path, fk)
	if id == "" || !ok {
		return id
	}
	f.phones(obj, path, "service_id", id)
	f.children(obj, path, tSchedule, "schedules", "service_id", id)
	f.children(obj, path, tArea, "service_areas", "service_id", id)
	f.children(obj, path, tLanguage, "languages", "service_id", id)
	f.children(obj, path, tCost, "cost_options", "service_id", id)
	f.attributes(obj, path, "service", id)
	f.list(obj, "service_at_locations", path, func(m map[string]any, p string) {
		f.sal(m, p, id)
	})
	return id
}

func (f *flattener) sal(obj map[string]any, path, serviceID string) string {
	fk := map[string]string{"service_id": serviceID}
	f.object(obj, "service", path, func(m map[string]any, p string) {
		fk["service_id"] = f.service(m, p, "")
	})
	f.object(obj, "location", path, func(m map[string]any, p string) {
		fk["location_id"] = f.location(m, p, "")
	})
	id, ok := f.record(tSAL, obj, path, fk)
	if id == "" || !ok {
		return id
	}
	f.phones(obj, path, "service_at_location_id", id)
	f.children(obj, path, tSchedule, "schedules", "service_at_location_id", id)
	f.attributes(obj, path, "service_at_location", id)
	return id
}

func (f *flattener) location(obj map[string]any, path, orgID string) string {
	id, ok := f.record(tLocation, obj, path, map[string]string{"organization_id": orgID})
	if id == "" || !ok {
		return id
	}
	f.children(obj, path, tAddress, "addresses", "location_id", id)
	f.phones(obj, path, "location_id", id)
	f.children(obj, path, tSchedule, "schedules", "location_id", id)
	f.children(obj, path, tLanguage, "languages", "location_id", id)
	f.children(obj, path, tAccess, "accessibility", "location_id", id)
	f.attributes(obj, path, "location", id)
	return id
}

func (f *flattener) organization(obj map[string]any, path string) string {
	id, ok := f.record(tOrganization, obj, path, nil)
	if id == "" || !ok {
		return id
	}
	f.phones(obj, path, "organization_id", id)
	f.list(obj, "locations", path, func(m map[string]any, p string) { f.location(m, p, id) })
	f.list(obj, "services", path, func(m map[string]any, p string) { f.service(m, p, id) })
	f.attributes(obj, path, "organization", id)
	return id
}
