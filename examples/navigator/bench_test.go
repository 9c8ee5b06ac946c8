package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/match"
)

// BenchmarkAPI times each kind of request of the load test through the
// handler (decoding, checks, the library, rendering, JSON, the log line;
// no network), each beside its baseline: the library call alone, with
// the family text for plans.
func BenchmarkAPI(b *testing.B) {
	f := getFixture(b)
	s := newServer(context.Background(), f.d, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*time.Second, "")
	st := sampleStudents()[1] // transit, a window, a need and an interest
	body, err := json.Marshal(st)
	if err != nil {
		b.Fatal(err)
	}
	serve := func(b *testing.B, method, target string, body []byte) {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(method, target, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	}
	m, err := match.New(context.Background(), f.d.dir, match.Config{K: 3, Week: f.d.week})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("plan/handler", func(b *testing.B) { serve(b, http.MethodPost, "/api/plan?k=3&lang=es", body) })
	b.Run("plan/library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := m.Plan(context.Background(), st)
			if err != nil {
				b.Fatal(err)
			}
			_ = p.Family(f.d.tax, language.Spanish)
		}
	})
	b.Run("nearby/handler", func(b *testing.B) {
		serve(b, http.MethodGet, "/api/nearby?lon=-85.29&lat=35.04&k=10&category=basic.food", nil)
	})
	b.Run("nearby/library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.d.dir.Search(directory.Query{Near: orb.Point{-85.29, 35.04}, K: 10, Categories: []string{"basic.food"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text/handler", func(b *testing.B) {
		serve(b, http.MethodGet, "/api/search?lon=-85.29&lat=35.04&k=10&q=food+bank", nil)
	})
	b.Run("text/library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.d.dir.SearchText(directory.TextQuery{Words: "food bank", Query: directory.Query{Near: orb.Point{-85.29, 35.04}, K: 10}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
