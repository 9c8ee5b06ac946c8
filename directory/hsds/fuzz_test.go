package hsds_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/internal/hsdsgen"
)

// checkResult asserts the invariants every import must keep, whatever
// the input: providers sorted and unique, all buildable, counts adding up,
// every problem with a kind and a position.
func checkResult(t *testing.T, res *hsds.Result) {
	t.Helper()
	for i, p := range res.Providers {
		if i > 0 && res.Providers[i-1].ID >= p.ID {
			t.Fatalf("providers not sorted and unique at %d: %q, %q", i, res.Providers[i-1].ID, p.ID)
		}
		if _, ok := res.Sources[p.ID]; !ok {
			t.Fatalf("provider %q has no source", p.ID)
		}
	}
	b := directory.NewBuilder()
	b.Location = time.UTC // hours the data gives no zone for take the caller's
	res.AddTo(b)
	if _, err := b.Build(t.Context()); err != nil {
		t.Fatalf("imported providers do not build: %v", err)
	}
	r := res.Report
	if r.Placed+r.Unplaced != r.Providers || r.Providers != len(res.Providers) {
		t.Fatalf("counts do not add up: %+v", r)
	}
	for _, p := range r.Problems {
		if p.Kind == "" || p.Err == nil || p.Error() == "" {
			t.Fatalf("problem without kind or cause: %#v", p)
		}
	}
	// Whatever was read can be written and read back.
	var buf bytes.Buffer
	if err := hsds.WriteJSON(&buf, res.All(), hsds.ExportOptions{Sources: res.Sources}); err != nil {
		t.Fatalf("export: %v", err)
	}
	again, err := hsds.ReadJSON(context.Background(), &buf, "again.json", hsds.Options{Zone: "America/New_York"})
	if err != nil {
		t.Fatalf("re-import of export: %v", err)
	}
	if len(again.Providers) != len(res.Providers) {
		t.Fatalf("re-import gives %d providers, want %d", len(again.Providers), len(res.Providers))
	}
}

func FuzzReadJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(pantry))
	f.Add([]byte(`{"contents": [{"id": "x", "service": {"id": "s", "name": "Food Pantry", "status": "active"}, "location": {"id": "l", "latitude": "a", "longitude": 1e999}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := hsds.ReadJSON(context.Background(), bytes.NewReader(data), "fuzz.json", hsds.Options{DefaultCategory: "family", Zone: "America/New_York"})
		if err != nil {
			return
		}
		checkResult(t, res)
	})
}

// FuzzReadPackage fuzzes the CSV reader: the fuzzed bytes are the services
// table, beside sound locations, links and schedules, and then the
// schedules table beside sound services.
func FuzzReadPackage(f *testing.F) {
	official := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata/csv", name))
		if err != nil {
			f.Fatal(err)
		}
		return data
	}
	gen := hsdsgen.Generate(hsdsgen.Config{Services: 12, Seed: 5})
	f.Add(official("services.csv"), official("schedules.csv"))
	f.Add(gen.Files["services.csv"], gen.Files["schedules.csv"])
	f.Add([]byte("id,name,status\n\"s1,\"\"x\ns2,Food Pantry,active,extra\n"), []byte("id,service_id,byday,opens_at,closes_at\nq,s2,MO-FR,9am,5\n"))
	f.Fuzz(func(t *testing.T, services, schedules []byte) {
		for _, fsys := range []fstest.MapFS{
			{
				"services.csv":            {Data: services},
				"locations.csv":           {Data: official("locations.csv")},
				"service_at_location.csv": {Data: official("service_at_location.csv")},
				"schedules.csv":           {Data: official("schedules.csv")},
			},
			{
				"services.csv":            {Data: gen.Files["services.csv"]},
				"locations.csv":           {Data: gen.Files["locations.csv"]},
				"service_at_location.csv": {Data: gen.Files["service_at_location.csv"]},
				"schedules.csv":           {Data: schedules},
			},
		} {
			res, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{DefaultCategory: "family", Zone: "America/New_York"})
			if err != nil {
				continue
			}
			checkResult(t, res)
		}
	})
}
