package directory_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/wraparound/wraparound/directory"
)

// BenchmarkReadCSV reads n rows, all good or all bad (three problems
// each), beside the baseline of encoding/csv splitting the same bytes.
// Time per row should not grow with n: the error list is cut at 100.
func BenchmarkReadCSV(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		for _, kind := range []string{"good", "bad"} {
			var in strings.Builder
			in.WriteString(csvHeader)
			for i := range n {
				if kind == "good" {
					fmt.Fprintf(&in, "p%d,A,basic.food.pantry,35.04,-85.3,Mo-Fr 09:00-17:00,America/New_York,3,12,free,20,yes,en;es\n", i)
				} else {
					fmt.Fprintf(&in, "p%d,A,basic.food,95,-85,Mo 25:00-26:00,,x,,,,,\n", i)
				}
			}
			data := in.String()
			b.Run(fmt.Sprintf("rows=%s/n=%d/baseline-encoding-csv", kind, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					r := csv.NewReader(strings.NewReader(data))
					r.ReuseRecord = true
					for {
						if _, err := r.Read(); err == io.EOF {
							break
						}
					}
				}
			})
			b.Run(fmt.Sprintf("rows=%s/n=%d/ReadCSV", kind, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					_, err := directory.ReadCSV(context.Background(), strings.NewReader(data), directory.ReadOptions{})
					if (err != nil) != (kind == "bad") {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
	}
}

// BenchmarkParseOpeningHours parses values of growing length (the longest
// near 1.5 KB, under the cap) beside the baseline of splitting the same
// text into tokens; time per byte should stay flat.
func BenchmarkParseOpeningHours(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		var s strings.Builder
		for i := range n {
			if i > 0 {
				// "," adds to a day; ";" would replace it, and a rule
				// replaced on every day it names is refused.
				s.WriteString(", ")
			}
			d := []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}[i%7]
			fmt.Fprintf(&s, "%s %02d:00-%02d:30", d, i/7%24, i/7%24)
		}
		v := s.String()
		b.Run(fmt.Sprintf("rules=%d/baseline-fields", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(v)))
			for b.Loop() {
				_ = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
			}
		})
		b.Run(fmt.Sprintf("rules=%d/ParseOpeningHours", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(v)))
			for b.Loop() {
				if _, err := directory.ParseOpeningHours(v, "America/New_York"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
