package directory_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

// FuzzReadCSV checks that any input is either read into providers that
// build, or rejected with an error — never a panic, never both.
func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	d, err := demo.Directory()
	if err != nil {
		f.Fatal(err)
	}
	var ps []*directory.Provider
	for p := range d.All() {
		ps = append(ps, p)
		if len(ps) == 20 {
			break
		}
	}
	if err := directory.WriteCSV(&buf, ps); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(csvHeader + "p1,A,basic.food,35,-85,Mo-Fr 09:00-17:00,America/New_York,3,12,free,20,yes,en;es\n")
	f.Add("\xef\xbb\xbfid,name\r\n\"a,b\",c\r\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		provs, err := directory.ReadCSV(strings.NewReader(in), directory.ReadOptions{Name: "fuzz.csv"})
		if err != nil {
			if provs != nil {
				t.Fatalf("error %v with %d providers", err, len(provs))
			}
			return
		}
		b := directory.NewBuilder()
		for _, p := range provs {
			b.Add(p)
		}
		_, _ = b.Build() // may reject (unknown category, duplicate ID) but must not panic
	})
}

// FuzzParseOpeningHours checks that parsed hours validate and that their
// String form parses back to the same hours.
func FuzzParseOpeningHours(f *testing.F) {
	for _, s := range []string{"24/7", "Mo-Su 06:00-24:00", "Mo, We, Fr-Su 09:00-20:00, Tu, Th 08:30-20:00", "Mo-Fr 08:00-12:00,13:00-17:00; Su off", "Fr 20:00-02:00", "10:00-21:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := directory.ParseOpeningHours(s, "")
		if err != nil {
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("%q parsed into invalid hours: %v", s, err)
		}
		back, err := directory.ParseOpeningHours(h.String(), "")
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", s, h.String(), err)
		}
		if back.String() != h.String() {
			t.Fatalf("%q → %q → %q", s, h.String(), back.String())
		}
	})
}

// FuzzReadGeoJSON checks that any input is read or rejected without panic.
func FuzzReadGeoJSON(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[-85.3,35]},"properties":{"id":"a","name":"A","categories":["basic.food"]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"id":1}}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		provs, err := directory.ReadGeoJSON(strings.NewReader(in), directory.ReadOptions{})
		if err != nil && provs != nil {
			t.Fatalf("error %v with %d providers", err, len(provs))
		}
	})
}
