package directory_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
)

// FuzzReadCSV checks that any input is either rejected with an error and
// no providers, or read into providers that build: the reader makes every
// check Build makes on a record (Build is given a default zone, as the
// reader may leave hours without one).
func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	d, err := demo.Directory()
	if err != nil {
		f.Fatal(err)
	}
	var ps []directory.Listing
	for p := range d.All() {
		ps = append(ps, p)
		if len(ps) == 20 {
			break
		}
	}
	if err := directory.WriteCSV(&buf, slices.Values(ps)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(csvHeader + "p1,A,basic.food,35,-85,Mo-Fr 09:00-17:00,America/New_York,3,12,free,20,yes,en;es\n")
	f.Add(csvHeader + csvRow(map[int]string{4: "0x1p-2", 13: "english"}))
	f.Add(csvHeader + csvRow(map[int]string{6: "Sa 12:00-33:00", 8: "12", 9: "8"}) + csvRow(nil))
	f.Add("\xef\xbb\xbfid,name\r\n\"a,b\",c\r\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		provs, err := directory.ReadCSV(t.Context(), strings.NewReader(in), directory.ReadOptions{Name: "fuzz.csv"})
		if err != nil {
			if provs != nil {
				t.Fatalf("error %v with %d providers", err, len(provs))
			}
			if n := directory.ProblemCount(err); n < 1 {
				t.Fatalf("error %v counts %d problems", err, n)
			}
			return
		}
		b := directory.NewBuilder()
		b.Location = time.UTC
		for _, p := range provs {
			b.Add(p)
		}
		if _, err := b.Build(t.Context()); err != nil {
			t.Fatalf("read providers do not build: %v", err)
		}
	})
}

// FuzzParseOpeningHours checks that parsed hours validate, that their
// String form parses back to hours open at exactly the same minutes of the
// week (a semantic round trip, checked minute by minute), and that errors
// never repeat more than a short excerpt of the value.
func FuzzParseOpeningHours(f *testing.F) {
	for _, s := range []string{"24/7", "Mo-Su 06:00-24:00", "Mo, We, Fr-Su 09:00-20:00, Tu, Th 08:30-20:00",
		"Mo-Fr 08:00-12:00,13:00-17:00; Su off", "Fr 20:00-02:00", "10:00-21:00", "", "Mo 10:00-35:00",
		"Sa 12:00-33:00", "Mo-Su 09:00-17:00; We off", "Th 23:00-47:00; Fr 00:00-24:00", "Sa 09:00-12:00; Sa 13:00-12:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := directory.ParseOpeningHours(s, "")
		if err != nil {
			if len(err.Error()) > 400 {
				t.Fatalf("error of %d bytes for a value of %d: %.400s", len(err.Error()), len(s), err)
			}
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("%q parsed into invalid hours: %v", s, err)
		}
		back, err := directory.ParseOpeningHours(h.String(), "")
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", s, h.String(), err)
		}
		if back.Known() != h.Known() {
			t.Fatalf("%q → %q: known %v, then %v", s, h.String(), h.Known(), back.Known())
		}
		if a, b := weekMask(h), weekMask(back); !slices.Equal(a, b) {
			m := 0
			for a[m] == b[m] {
				m++
			}
			t.Fatalf("%q → %q: open at minute %d of the week %v, then %v", s, h.String(), m, a[m], b[m])
		}
	})
}

// FuzzReadGeoJSON checks that any input is either rejected with no
// providers, or read into providers that build.
func FuzzReadGeoJSON(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[-85.3,35]},"properties":{"id":"a","name":"A","categories":["basic.food"]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"id":1}}]}`)
	f.Add(gjCollection(gjFeature(`{"type":"Point","coordinates":[35]}`, `{"id":"a","name":"A","categories":"basic.food","hours":"Mo 10:00-35:00","min_age":3}`)))
	f.Fuzz(func(t *testing.T, in string) {
		provs, err := directory.ReadGeoJSON(t.Context(), strings.NewReader(in), directory.ReadOptions{})
		if err != nil {
			if provs != nil {
				t.Fatalf("error %v with %d providers", err, len(provs))
			}
			return
		}
		b := directory.NewBuilder()
		b.Location = time.UTC
		for _, p := range provs {
			b.Add(p)
		}
		if _, err := b.Build(t.Context()); err != nil {
			t.Fatalf("read providers do not build: %v", err)
		}
	})
}
