package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
)

// FuzzQuery feeds arbitrary query strings to every list endpoint: the
// answer is always 200 or a 400, never a store error or a panic.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"", "limit=2", "country=PK&kind=killed,injured&min_count=3", "near=24.8,67,50", "q=bombing%20Karachi",
		"since=2026-11-20&until=2026-11-21", "cursor=MTIzOmE", "group_by=day", "q=%22%2A%28", "place=1174872&format=geojson",
		"min_sources=2&count=articles",
	} {
		f.Add(seed)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), sqlite.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if _, err := s.Upsert(context.Background(), fixtures()); err != nil {
		f.Fatal(err)
	}
	drainIncidents(f, s)
	h, err := api.New(api.Config{Store: s})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		for _, path := range []string{"/api/v1/articles", "/api/v1/places/top", "/api/v1/casualties/summary", "/api/v1/incidents"} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawQuery = path, rawQuery
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Errorf("%s?%s: status %d: %s", path, rawQuery, rec.Code, rec.Body)
			}
		}
	})
}
