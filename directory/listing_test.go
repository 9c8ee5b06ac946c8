package directory_test

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/geo/transit"
)

// listingDir is the demo's providers with CARTA and a text index.
func listingDir(t *testing.T) *directory.Directory {
	t.Helper()
	provs, err := demo.Providers()
	require.NoError(t, err)
	net, err := demo.Network()
	require.NoError(t, err)
	loc, err := time.LoadLocation(demo.Zone)
	require.NoError(t, err)
	b := directory.NewBuilder()
	b.Location, b.Transit, b.TextIndex = loc, net, true
	for _, p := range provs {
		b.Add(p)
	}
	d, err := b.Build(t.Context())
	require.NoError(t, err)
	return d
}

// listingAnswers runs a fixed set of queries and lookups and returns them as
// JSON, so that two runs can be compared byte for byte.
func listingAnswers(t *testing.T, d *directory.Directory) string {
	t.Helper()
	home := pt(-85.2967, 35.0456)
	wd := time.Date(2026, 6, 2, 0, 0, 0, 0, d.Location())
	var out []any
	for _, q := range []directory.Query{
		{Near: home, K: 20},
		{Near: home, K: 10, Categories: []string{"basic.food"}},
		{Near: home, Radius: 3000, Categories: []string{"health"}},
		{Near: home, K: 10, Transit: &directory.TransitFilter{Window: transit.Window{Date: wd, Start: 15 * time.Hour, End: 18 * time.Hour}}},
	} {
		rs, err := d.Search(q)
		require.NoError(t, err)
		out = append(out, rs)
	}
	tr, err := d.SearchText(directory.TextQuery{Words: "food pantry", Query: directory.Query{Near: home, K: 10}})
	require.NoError(t, err)
	out = append(out, tr)
	out = append(out, slices.Collect(d.All()))
	for l := range d.All() {
		out = append(out, d.StopsNear(l))
	}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return string(b)
}

// scribble changes everything a caller can reach from l.
func scribble(l directory.Listing) {
	if c := l.Categories(); len(c) > 0 {
		c[0] = "scribbled"
	}
	if c := l.Languages(); len(c) > 0 {
		c[0] = "xx"
	}
	for _, s := range [][]string{l.Keywords(), l.Attributes(), l.Accessibility(), l.ServiceAreas()} {
		for i := range s {
			s[i] = "scribbled"
		}
	}
	h := l.Hours()
	for d := range h.Week {
		for i := range h.Week[d] {
			h.Week[d][i].Open = 0
		}
	}
	if r := l.Regions(); r != nil {
		for k := range r {
			r[k] = "scribbled"
		}
		r["new"] = "scribbled"
	}
	p := l.Provider()
	p.Name, p.Capacity, p.Point = "scribbled", 1, pt(0, 0)
	if len(p.Categories) > 0 {
		p.Categories[0] = "scribbled"
	}
	for d := range p.Hours.Week {
		for i := range p.Hours.Week[d] {
			p.Hours.Week[d][i].Close = 0
		}
	}
	for k := range p.Regions {
		p.Regions[k] = "scribbled"
	}
}

// TestListingsCannotChangeTheIndex checks that nothing a query or lookup
// hands out aliases what the directory reads: after scribbling over every
// list, map and copy reachable from the answers, the same queries give
// byte-identical answers.
func TestListingsCannotChangeTheIndex(t *testing.T) {
	t.Parallel()
	d := listingDir(t)
	before := listingAnswers(t, d)

	home := pt(-85.2967, 35.0456)
	wd := time.Date(2026, 6, 2, 0, 0, 0, 0, d.Location())
	rs, err := d.Search(directory.Query{Near: home, K: 10, Transit: &directory.TransitFilter{Window: transit.Window{Date: wd, Start: 15 * time.Hour, End: 18 * time.Hour}}})
	require.NoError(t, err)
	require.NotEmpty(t, rs)
	for _, r := range rs {
		scribble(r.Provider)
		if r.Transit != nil {
			for i := range r.Transit.Routes {
				r.Transit.Routes[i] = "scribbled"
			}
		}
	}
	tr, err := d.SearchText(directory.TextQuery{Words: "food pantry", Query: directory.Query{Near: home, K: 10}})
	require.NoError(t, err)
	for _, h := range tr.Hits {
		scribble(h.Provider)
	}
	for l := range d.All() {
		scribble(l)
		if s := d.StopsNear(l); len(s) > 0 {
			s[0].Stop, s[0].Walk = -1, -1
		}
	}
	assert.Equal(t, before, listingAnswers(t, d))
}

// TestListingAccessors checks every accessor against the provider a
// deep copy gives, and the zero Listing.
func TestListingAccessors(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	n := 0
	for l := range d.All() {
		p := l.Provider()
		got := directory.Provider{
			ID: l.ID(), Name: l.Name(), Organization: l.Organization(), Description: l.Description(),
			Categories: l.Categories(), Point: l.Point(), Unplaced: l.Unplaced(), Confidential: l.Confidential(),
			Address: l.Address(), Phone: l.Phone(), URL: l.URL(), Email: l.Email(), Languages: l.Languages(),
			Hours: l.Hours(), Eligibility: l.Eligibility(), Cost: l.Cost(), Capacity: l.Capacity(), Enrolled: l.Enrolled(),
			Wheelchair: l.Wheelchair(), Accessibility: l.Accessibility(), Keywords: l.Keywords(), Attributes: l.Attributes(),
			ServiceAreas: l.ServiceAreas(), LastVerified: l.LastVerified(), Regions: l.Regions(),
		}
		require.Equal(t, p, got, p.ID)
		for set, name := range p.Regions {
			assert.Equal(t, name, l.Region(set))
		}
		assert.Equal(t, p.HasSeats(), l.HasSeats())
		assert.Equal(t, p.Hours.Known(), l.HoursKnown())
		at := time.Date(2026, 6, 2, 16, 0, 0, 0, d.Location())
		assert.Equal(t, p.Hours.OpenAt(at), l.OpenAt(at))
		for _, c := range []string{"basic", "basic.food", "health.vision"} {
			assert.Equal(t, p.InCategory(c), l.InCategory(c))
		}
		assert.Equal(t, p.SpeaksLanguage("es"), l.SpeaksLanguage("es"))
		assert.Equal(t, p.HasAttribute("snap"), l.HasAttribute("snap"))
		a, err := json.Marshal(p)
		require.NoError(t, err)
		b, err := json.Marshal(l)
		require.NoError(t, err)
		assert.JSONEq(t, string(a), string(b))
		n++
	}
	require.Positive(t, n)

	var z directory.Listing
	assert.True(t, z.IsZero())
	assert.Empty(t, z.ID())
	assert.Nil(t, z.Categories())
	assert.False(t, z.HasSeats() && z.Capacity() != 0)
	b, err := json.Marshal(z)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))

	// ListingOf copies: changing the value afterwards changes nothing.
	p := directory.Provider{ID: "x", Name: "Pantry", Categories: []string{"basic.food.pantry"}}
	l := directory.ListingOf(p)
	p.Categories[0] = "scribbled"
	assert.Equal(t, []string{"basic.food.pantry"}, l.Categories())
}

// TestListingsRaceFree runs readers of a directory beside goroutines that
// scribble over what those readers were handed; under -race any shared
// memory between the two is reported.
func TestListingsRaceFree(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	home := pt(-85.2967, 35.0456)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				rs, err := d.Search(directory.Query{Near: home, K: 10, Categories: []string{[]string{"basic", "health", "education"}[(g+i)%3]}})
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range rs {
					if g%2 == 0 {
						scribble(r.Provider)
					} else {
						_ = r.Provider.Categories()
						_ = r.Provider.Hours()
						_, _ = json.Marshal(r.Provider)
					}
				}
			}
		}()
	}
	wg.Wait()
}
