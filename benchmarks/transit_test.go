package benchmarks

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
)

func loadCARTA(tb testing.TB) *transit.Network {
	tb.Helper()
	z := demo.CARTAFeed()
	n, err := transit.ReadZip(context.Background(), bytes.NewReader(z), int64(len(z)))
	require.NoError(tb, err)
	return n
}

// peakLoad loads the feed once while sampling the heap every 100 µs and
// returns the highest heap above the starting point, and what the loaded
// network keeps once garbage is collected.
func peakLoad(b *testing.B) (peak, retained uint64) {
	runtime.GC()
	base := heapObjects()
	var n *transit.Network
	hi := peakHeap(100*time.Microsecond, func() { n = loadCARTA(b) })
	runtime.GC()
	kept := heapObjects()
	runtime.KeepAlive(n)
	if hi > base {
		peak = hi - base
	}
	if kept > base {
		retained = kept - base
	}
	return peak, retained
}

// BenchmarkTransitLoad reads CARTA's whole GTFS zip into a network
// (carta) beside the floor of any loader: decompressing every file of the
// zip and discarding the bytes (unzip). carta reports the peak heap of a
// load and what the network retains, in MB.
func BenchmarkTransitLoad(b *testing.B) {
	z := demo.CARTAFeed()
	b.Run("unzip", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range zr.File {
				r, err := f.Open()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		}
	})
	b.Run("carta", func(b *testing.B) {
		peak, retained := peakLoad(b)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := transit.ReadZip(context.Background(), bytes.NewReader(z), int64(len(z))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(peak)/1e6, "peak-MB")
		b.ReportMetric(float64(retained)/1e6, "retained-MB")
	})
}

var (
	cartaOnce sync.Once
	cartaNet  *transit.Network
)

func cartaNetwork(tb testing.TB) *transit.Network {
	cartaOnce.Do(func() { cartaNet = loadCARTA(tb) })
	return cartaNet
}

// cityPoints returns n seeded random points inside Chattanooga's
// neighborhood associations: places where people live.
func cityPoints(tb testing.TB, n int) []orb.Point {
	hoods, err := demo.Regions(demo.Neighborhoods)
	require.NoError(tb, err)
	rng := rand.New(rand.NewPCG(2026, 5))
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		p := orb.Point{-85.40 + rng.Float64()*0.25, 34.98 + rng.Float64()*0.15}
		if _, ok := hoods.Locate(p); ok {
			pts = append(pts, p)
		}
	}
	return pts
}

var saturdayMorning = transit.Window{
	Date:  time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC),
	Start: 9 * time.Hour, End: 12 * time.Hour,
}

// scanAccess answers Access by checking every stop: the baseline.
func scanAccess(n *transit.Network, p orb.Point, maxWalk geo.Meters, w transit.Window) transit.Access {
	rates := n.DeparturesPerHour(w)
	a := transit.Access{Best: -1}
	for i, s := range n.Stops() {
		if s.LocationType != transit.LocationStop {
			continue
		}
		d := geo.Distance(p, s.Point)
		if geo.WalkDistance(d) > maxWalk {
			continue
		}
		a.Stops = append(a.Stops, transit.StopAccess{
			Stop: i, Name: s.Name, Distance: geo.WalkDistance(d), Walk: geo.WalkTime(d),
			Routes: n.RouteNamesAtIn(i, w), DeparturesPerHour: rates[i],
		})
	}
	slices.SortFunc(a.Stops, func(x, y transit.StopAccess) int {
		if x.Distance != y.Distance {
			if x.Distance < y.Distance {
				return -1
			}
			return 1
		}
		return strings.Compare(n.Stops()[x.Stop].ID, n.Stops()[y.Stop].ID)
	})
	for i, s := range a.Stops {
		if s.DeparturesPerHour > a.DeparturesPerHour {
			a.Best, a.DeparturesPerHour = i, s.DeparturesPerHour
		}
	}
	a.Level = transit.LevelFor(a.DeparturesPerHour)
	return a
}

// BenchmarkTransitAccess computes access figures (stops within 400 m on
// foot, their routes and Saturday-morning departure rates, the level) at
// random points in the city's neighborhoods: carta with the rtree, scan by checking all
// 1,163 stops, and nearby for the rtree search alone. The window's rates
// are memoized before the loop, as they are after a directory's first
// query.
func BenchmarkTransitAccess(b *testing.B) {
	n := cartaNetwork(b)
	pts := cityPoints(b, 4096)
	n.DeparturesPerHour(saturdayMorning)
	b.Run("carta", func(b *testing.B) {
		b.ReportAllocs()
		i, stops := 0, 0
		for b.Loop() {
			a := n.Access(pts[i%len(pts)], transit.WalkBuffer, saturdayMorning)
			stops += len(a.Stops)
			i++
		}
		b.ReportMetric(float64(stops)/float64(i), "stops/op")
	})
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			scanAccess(n, pts[i%len(pts)], transit.WalkBuffer, saturdayMorning)
			i++
		}
	})
	b.Run("nearby", func(b *testing.B) {
		b.ReportAllocs()
		i, c := 0, 0
		for b.Loop() {
			for range n.NearbyStops(pts[i%len(pts)], transit.WalkBuffer) {
				c++
			}
			i++
		}
	})
}

// TestTransitAccessMatchesScan checks that the benchmark's subject and
// baseline agree.
func TestTransitAccessMatchesScan(t *testing.T) {
	t.Parallel()
	n := cartaNetwork(t)
	for _, p := range cityPoints(t, 500) {
		for _, walk := range []geo.Meters{transit.WalkBuffer, 800} {
			assert.Equal(t, scanAccess(n, p, walk, saturdayMorning), n.Access(p, walk, saturdayMorning), "point %v walk %v", p, walk)
		}
	}
}
