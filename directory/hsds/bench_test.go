package hsds_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"testing"

	"github.com/wraparound/wraparound/directory/hsds"
)

// csvFloor reads every file of a generated package with encoding/csv
// (lazy quotes) and nothing else: the baseline an importer of the same
// bytes cannot beat.
func csvFloor(fsys genFS) error {
	names := make([]string, 0, len(fsys))
	for n := range fsys {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cr := csv.NewReader(&genReader{f: fsys[n]})
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkAdversarial imports the memory-bound inputs at two sizes, ten
// times apart, beside encoding/csv reading the same bytes: time per byte
// stays flat as the input grows (linear), and the floor shows what the
// bounded reader and the import add.
func BenchmarkAdversarial(b *testing.B) {
	for _, mc := range memCases {
		if mc.name == "unterminated JSON string" {
			continue
		}
		for _, size := range []int{mc.small / 10, mc.small} {
			fsys := mc.build(size)
			var input int64
			for _, f := range fsys {
				input += f.bytes()
			}
			name := fmt.Sprintf("%s/bytes=%d", mc.name, input)
			b.Run(name+"/import", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(input)
				for b.Loop() {
					if _, err := hsds.ReadPackage(context.Background(), fsys, hsds.Options{Zone: "America/New_York"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/encoding-csv", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(input)
				for b.Loop() {
					if err := csvFloor(fsys); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
