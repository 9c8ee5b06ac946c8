package hsds_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaSet is a small JSON-schema checker for the HSDS 3.0 schema files:
// it checks "required", "type", "enum", "$ref" (to sibling files), "items"
// and the "uuid", "date-time" and "email" formats — the parts of JSON
// Schema those files use for validation. No JSON-schema library is among
// the allowed dependencies, so this stands in for one.
type schemaSet struct {
	dir   string
	files map[string]map[string]any
}

func loadSchemas(t testing.TB, dir string) *schemaSet {
	t.Helper()
	s := &schemaSet{dir: dir, files: map[string]map[string]any{}}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m), p)
		s.files[filepath.Base(p)] = m
	}
	return s
}

var (
	reUUID  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
)

// validate returns every violation of the named schema file by doc.
func (s *schemaSet) validate(file string, doc any) []string {
	var errs []string
	s.check(s.files[file], doc, "$", &errs, 0)
	return errs
}

func (s *schemaSet) check(sch map[string]any, v any, path string, errs *[]string, depth int) {
	if sch == nil || depth > 20 {
		return
	}
	if ref, ok := sch["$ref"].(string); ok {
		target := s.files[ref]
		if target == nil {
			*errs = append(*errs, fmt.Sprintf("%s: unknown $ref %s", path, ref))
			return
		}
		s.check(target, v, path, errs, depth+1)
	}
	if typ, ok := sch["type"].(string); ok && !hasType(v, typ) {
		*errs = append(*errs, fmt.Sprintf("%s: want %s, got %T", path, typ, v))
		return
	}
	if enum, ok := sch["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == v {
				found = true
			}
		}
		if !found {
			*errs = append(*errs, fmt.Sprintf("%s: %v not in enum %v", path, v, enum))
		}
	}
	if f, ok := sch["format"].(string); ok {
		if str, isStr := v.(string); isStr {
			switch f {
			case "uuid":
				if !reUUID.MatchString(str) {
					*errs = append(*errs, fmt.Sprintf("%s: %q is not a uuid", path, str))
				}
			case "date-time":
				if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
					*errs = append(*errs, fmt.Sprintf("%s: %q is not a date-time", path, str))
				}
			case "email":
				if !reEmail.MatchString(str) {
					*errs = append(*errs, fmt.Sprintf("%s: %q is not an email", path, str))
				}
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if req, ok := sch["required"].([]any); ok {
			for _, r := range req {
				if _, present := x[r.(string)]; !present {
					*errs = append(*errs, fmt.Sprintf("%s: missing required %q", path, r))
				}
			}
		}
		props, _ := sch["properties"].(map[string]any)
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				s.check(ps, val, path+"."+k, errs, depth+1)
			}
		}
	case []any:
		if items, ok := sch["items"].(map[string]any); ok {
			for i, it := range x {
				s.check(items, it, fmt.Sprintf("%s[%d]", path, i), errs, depth+1)
			}
		}
	}
}

func hasType(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "null":
		return v == nil
	}
	return true
}

// validatePage checks every service of an exported page.
func validatePage(t *testing.T, s *schemaSet, data []byte) {
	t.Helper()
	var page map[string]any
	require.NoError(t, json.Unmarshal(data, &page))
	for _, k := range []string{"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"} {
		assert.Contains(t, page, k)
	}
	contents, ok := page["contents"].([]any)
	require.True(t, ok, "contents is a list")
	for i, svc := range contents {
		errs := s.validate("service.json", svc)
		assert.Empty(t, errs, "service %d: %s", i, strings.Join(errs, "\n"))
	}
}

// TestSchemaCheckerAgainstOfficialExamples checks the checker itself: the
// official examples pass (bar the fields the examples themselves get
// wrong), and documents broken on purpose fail with the expected message.
func TestSchemaCheckerAgainstOfficialExamples(t *testing.T) {
	t.Parallel()
	s := loadSchemas(t, "testdata/schema")
	read := func(name string) map[string]any {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		return m
	}
	t.Run("official examples pass", func(t *testing.T) {
		for file, schema := range map[string]string{
			"service_full.json":             "service.json",
			"service_at_location_full.json": "service_at_location.json",
			"organization_full.json":        "organization.json",
			"location.json":                 "location.json",
			"taxonomy_term.json":            "taxonomy_term.json",
			"taxonomy.json":                 "taxonomy.json",
		} {
			errs := s.validate(schema, read(file))
			assert.Empty(t, errs, "%s: %s", file, strings.Join(errs, "\n"))
		}
	})
	cases := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"missing name", func(m map[string]any) { delete(m, "name") }, `missing required "name"`},
		{"age as string", func(m map[string]any) { m["minimum_age"] = "12" }, "$.minimum_age: want number"},
		{"bad status", func(m map[string]any) { m["status"] = "open" }, "not in enum"},
		{"bad uuid", func(m map[string]any) { m["id"] = "svc-1" }, "is not a uuid"},
		{"nested location type", func(m map[string]any) {
			m["service_at_locations"].([]any)[0].(map[string]any)["location"].(map[string]any)["location_type"] = "mobile"
		}, "location_type: mobile not in enum"},
		{"phone without number", func(m map[string]any) {
			delete(m["phones"].([]any)[0].(map[string]any), "number")
		}, `$.phones[0]: missing required "number"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := read("service_full.json")
			tc.mutate(m)
			errs := s.validate("service.json", m)
			require.NotEmpty(t, errs)
			assert.Contains(t, strings.Join(errs, "\n"), tc.want)
		})
	}
}
