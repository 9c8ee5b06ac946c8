package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
	"github.com/wraparound/wraparound/match"
)

var (
	changedOnce                sync.Once
	changedApplied, changedNew *directory.Directory
)

// changedDirectories returns the 100,000-provider synthetic directory
// with transit after 10,000 changes applied in batches of 1,000, and a
// directory built afresh from the same providers.
func changedDirectories(tb testing.TB) (applied, fresh *directory.Directory) {
	changedOnce.Do(func() {
		net, err := synth.Transit(1)
		if err != nil {
			panic(err)
		}
		m := synth.NewModel(synth.Providers(1, 100_000))
		d := buildWith(m, net)
		rng := rand.New(rand.NewPCG(4, 4))
		for range 10 {
			d, err = d.Apply(context.Background(), m.Changes(rng, 1000))
			if err != nil {
				panic(err)
			}
		}
		changedApplied, changedNew = d, buildWith(m, net)
	})
	return changedApplied, changedNew
}

func buildWith(m *synth.Model, net *transit.Network) *directory.Directory {
	b := directory.NewBuilder()
	b.Transit = net
	d, err := m.Build(context.Background(), b)
	if err != nil {
		panic(err)
	}
	return d
}

// BenchmarkAfterChanges answers the district mixes of nearby queries and
// plans on a version after 10,000 changes and on a directory built afresh
// from the same providers: the applied version should be within 10%.
func BenchmarkAfterChanges(b *testing.B) {
	applied, fresh := changedDirectories(b)
	queries := districtNearbyQueries(b, 3, mixSize)
	students := districtStudents(b, 5, mixSize)
	ctx := context.Background()
	for _, v := range []struct {
		name string
		d    *directory.Directory
	}{{"fresh", fresh}, {"applied", applied}} {
		b.Run(fmt.Sprintf("nearby/n=100000/changes=10000/%s", v.name), func(b *testing.B) {
			timeEach(b, len(queries), func(i int) error {
				_, err := v.d.Search(queries[i])
				return err
			})
		})
	}
	for _, v := range []struct {
		name string
		d    *directory.Directory
	}{{"fresh", fresh}, {"applied", applied}} {
		m, err := match.New(ctx, v.d, match.Config{K: 3, Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC), ProfileCache: -1})
		require.NoError(b, err)
		b.Run(fmt.Sprintf("plan/n=100000/changes=10000/%s", v.name), func(b *testing.B) {
			timeEach(b, len(students), func(i int) error {
				_, err := m.Plan(ctx, students[i])
				return err
			})
		})
	}
}

// TestAfterChangesSameAnswers checks the benchmark's premise: the applied
// version and the fresh build answer the district mix alike.
func TestAfterChangesSameAnswers(t *testing.T) {
	if short() {
		t.Skip("builds two 100,000-provider directories; run without -short")
	}
	applied, fresh := changedDirectories(t)
	for _, q := range districtNearbyQueries(t, 3, 300) {
		want, err := fresh.Search(q)
		require.NoError(t, err)
		got, err := applied.Search(q)
		require.NoError(t, err)
		require.Equal(t, ids(want), ids(got), "%+v", q)
	}
}

// BenchmarkMatcherNew makes a Matcher over the 100,000-provider
// directory: a view that copies no provider (without transit, and with
// the timetable router it builds), and Rebase onto a later version.
func BenchmarkMatcherNew(b *testing.B) {
	plain, _ := synthDirectory(b)
	withNet := synthTransitDirectory(b)
	cfg := match.Config{K: 3, Week: time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)}
	b.Run("n=100000/new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := match.New(context.Background(), plain, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("n=100000/new/transit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := match.New(context.Background(), withNet, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	m, err := match.New(context.Background(), withNet, cfg)
	require.NoError(b, err)
	next, err := withNet.Apply(context.Background(), []directory.Change{directory.Enroll("p000001", 1)})
	require.NoError(b, err)
	b.Run("n=100000/rebase", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Rebase(next); err != nil {
				b.Fatal(err)
			}
		}
	})
}
