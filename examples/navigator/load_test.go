package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var loadFor = flag.Duration("navigator.load", 0, "run the load test this long with 50 clients and check p99 ≤ 50 ms (default: 2 s with 8 clients, p99 reported)")

// TestLoad runs concurrent clients against the service on loopback, each
// cycling through a mix of plans (English and Spanish), nearby searches
// and text searches. It checks that no request fails, and that the heap
// after a GC at the end is not above the heap a third of the way in by
// more than a margin: memory does not grow with requests served. With
// -navigator.load=30s it runs the 50 clients for that long and
// checks p99 ≤ 50 ms; the default short run reports p99.
func TestLoad(t *testing.T) {
	// Its own server, whose log lines go nowhere: the shared fixture keeps
	// every line in memory for the privacy tests, which would read as
	// heap growth here.
	shared := getFixture(t)
	srv := httptest.NewServer(newServer(context.Background(), shared.d, slog.New(slog.NewJSONHandler(io.Discard, nil)), 10*time.Second, ""))
	defer srv.Close()
	f := &fixture{d: shared.d, srv: srv}
	dur, clients := 2*time.Second, 8
	full := *loadFor > 0
	if full {
		dur, clients = *loadFor, 50
	}
	students := sampleStudents()
	bodies := make([][]byte, len(students))
	for i, s := range students {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		bodies[i] = b
	}
	words := []string{"food+bank", "eye+glasses", "soccer", "tutoring+math", "despensa", "rent+help", "dentist", "summer+camp"}
	cats := []string{"basic.food", "health", "education.tutoring", "enrichment.sports", "basic.housing"}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	do := func(rng *rand.Rand) (time.Duration, error) {
		var req *http.Request
		var err error
		switch x := rng.IntN(3); x {
		case 0:
			lang := [2]string{"en", "es"}[rng.IntN(2)]
			req, err = http.NewRequest(http.MethodPost, f.srv.URL+"/api/plan?k=3&lang="+lang, bytes.NewReader(bodies[rng.IntN(len(bodies))]))
			req.Header.Set("Content-Type", "application/json")
		case 1:
			req, err = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/nearby?lon=%.4f&lat=%.4f&k=10&category=%s",
				f.srv.URL, -85.35+rng.Float64()*0.15, 34.99+rng.Float64()*0.1, cats[rng.IntN(len(cats))]), nil)
		default:
			req, err = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/search?lon=%.4f&lat=%.4f&k=10&q=%s",
				f.srv.URL, -85.35+rng.Float64()*0.15, 34.99+rng.Float64()*0.1, words[rng.IntN(len(words))]), nil)
		}
		if err != nil {
			return 0, err
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return took, err
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var (
		mu    sync.Mutex
		lats  []time.Duration
		errs  []error
		wg    sync.WaitGroup
		third uint64
	)
	end := time.Now().Add(dur)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 15))
			var mine []time.Duration
			for time.Now().Before(end) {
				took, err := do(rng)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				mine = append(mine, took)
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	time.Sleep(dur / 3)
	third = heap()
	wg.Wait()
	last := heap()
	require.NotEmpty(t, lats)
	slices.Sort(lats)
	p := func(q float64) time.Duration { return lats[min(len(lats)-1, int(q*float64(len(lats))))] }
	t.Logf("%d clients, %v: %d requests (%.0f/s), p50 %v, p99 %v, max %v; heap %.1f MB at a third, %.1f MB at the end",
		clients, dur, len(lats), float64(len(lats))/dur.Seconds(), p(0.5), p(0.99), lats[len(lats)-1],
		float64(third)/1e6, float64(last)/1e6)
	assert.Empty(t, errs, "failed requests")
	assert.LessOrEqual(t, last, third+third/5+8<<20, "heap grew from %d to %d bytes", third, last)
	if full {
		assert.LessOrEqual(t, p(0.99), 50*time.Millisecond, "p99")
	}
}
