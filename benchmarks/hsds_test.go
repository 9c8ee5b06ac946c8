package benchmarks

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/internal/hsdsgen"
)

// csvBaseline parses every CSV file of a package with encoding/csv and
// nothing else: the floor an importer of the same files cannot beat.
func csvBaseline(files map[string][]byte) (rows int, err error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if len(n) < 4 || n[len(n)-4:] != ".csv" {
			continue
		}
		r := csv.NewReader(bytes.NewReader(files[n]))
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return rows, err
			}
			rows++
		}
	}
	return rows, nil
}

var hsdsLayouts = []struct {
	name   string
	layout hsdsgen.Layout
}{{"3.0", hsdsgen.V3}, {"2.0", hsdsgen.V2}}

// TestHSDSImportAgainstBaseline checks the importer reads every service
// row the plain CSV parse sees, and the provider count the generator
// intended.
func TestHSDSImportAgainstBaseline(t *testing.T) {
	for _, l := range hsdsLayouts {
		pkg := hsdsgen.Generate(hsdsgen.Config{Services: 2000, Seed: 1, Layout: l.layout})
		r := csv.NewReader(bytes.NewReader(pkg.Files["services.csv"]))
		recs, err := r.ReadAll()
		require.NoError(t, err)
		res, err := hsds.ReadPackage(context.Background(), pkg.FS(), hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/New_York"})
		require.NoError(t, err)
		assert.Equal(t, len(recs)-1, res.Report.Services, l.name)
		assert.Equal(t, len(pkg.Truth.Providers), res.Report.Providers, l.name)
		assert.Equal(t, pkg.Truth.Placed(), res.Report.Placed, l.name)
	}
}

// BenchmarkHSDSImport imports a generated package of 2,000 services
// (about 2,250 providers, 1,600 locations, with the messiness of real
// exports) in each tabular layout, beside plain encoding/csv parsing of
// the same files; and the same directory as HSDS 3.0 JSON, beside a plain
// json.Unmarshal of it. The target is an import under 2 s.
func BenchmarkHSDSImport(b *testing.B) {
	ctx := context.Background()
	const n = 2000
	for _, l := range hsdsLayouts {
		pkg := hsdsgen.Generate(hsdsgen.Config{Services: n, Seed: 1, Layout: l.layout})
		fsys := pkg.FS()
		size := 0
		for _, f := range pkg.Files {
			size += len(f)
		}
		b.Run("layout="+l.name+"/n=2000/import", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			var res *hsds.Result
			for b.Loop() {
				var err error
				res, err = hsds.ReadPackage(ctx, fsys, hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/New_York"})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Report.Providers), "providers")
			b.ReportMetric(float64(res.Report.Total), "problems")
		})
		b.Run("layout="+l.name+"/n=2000/csv-baseline", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := csvBaseline(pkg.Files); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("layout="+l.name+"/n=2000/import+build", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := hsds.ReadPackage(ctx, fsys, hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/New_York"})
				if err != nil {
					b.Fatal(err)
				}
				bld := directory.NewBuilder()
				res.AddTo(bld)
				if _, err := bld.Build(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	res, err := hsds.ReadPackage(ctx, hsdsgen.Generate(hsdsgen.Config{Services: n, Seed: 1}).FS(), hsds.Options{Mapping: hsdsgen.AIRSMapping, Zone: "America/New_York"})
	if err != nil {
		b.Fatal(err)
	}
	var doc bytes.Buffer
	if err := hsds.WriteJSON(&doc, res.All(), hsds.ExportOptions{Sources: res.Sources}); err != nil {
		b.Fatal(err)
	}
	data := doc.Bytes()
	b.Run("json/n=2000/import", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := hsds.ReadJSON(ctx, bytes.NewReader(data), "export.json", hsds.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json/n=2000/unmarshal-baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json/n=2000/export", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := hsds.WriteJSON(io.Discard, res.All(), hsds.ExportOptions{Sources: res.Sources}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
