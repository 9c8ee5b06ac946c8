package directory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
)

// BenchmarkBleveSearch measures why SearchText does not run queries
// through bleve's searcher: the same words, best 10, no place or filter,
// asked of bleve (a conjunction over the words of a disjunction over the
// ten text fields, as bleve's match queries analyse them) and of
// SearchText. The headline benchmarks are in package benchmarks.
func BenchmarkBleveSearch(b *testing.B) {
	bld := directory.NewBuilder()
	bld.TextIndex = true
	for _, p := range synth.Providers(1, 100_000) {
		bld.Add(p)
	}
	d, err := bld.Build(context.Background())
	require.NoError(b, err)
	idx, err := directory.BleveIndex(d)
	require.NoError(b, err)
	defer idx.Close()
	words := []string{"food pantry", "eye glasses", "comida gratis", "winter coat", "counseling"}
	b.Run("n=100000/bleve", func(b *testing.B) {
		b.ReportAllocs()
		i, hits := 0, uint64(0)
		for b.Loop() {
			var conj []query.Query
			for _, w := range strings.Fields(words[i%len(words)]) {
				var dis []query.Query
				for _, f := range directory.BleveFields() {
					m := bleve.NewMatchQuery(w)
					m.SetField(f)
					dis = append(dis, m)
				}
				conj = append(conj, bleve.NewDisjunctionQuery(dis...))
			}
			res, err := idx.Search(bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(conj...), 10, 0, false))
			if err != nil {
				b.Fatal(err)
			}
			hits += res.Total
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "matches/op")
	})
	b.Run("n=100000/index", func(b *testing.B) {
		b.ReportAllocs()
		i, hits := 0, 0
		for b.Loop() {
			res, err := d.SearchText(directory.TextQuery{Words: words[i%len(words)], Query: directory.Query{Near: demo.Downtown, K: 10}})
			if err != nil {
				b.Fatal(err)
			}
			hits += res.Total
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "matches/op")
	})
}
