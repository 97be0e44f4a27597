package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/indexer/internal/web"
)

func TestAssetsAndConfig(t *testing.T) {
	tests := map[string]struct {
		cfg      web.Config
		path     string
		contains string
	}{
		"page":           {web.Config{}, "/", `<svg id="map"`},
		"script":         {web.Config{}, "/app.js", "application/geo+json"},
		"outline":        {web.Config{}, "/outline.json", `"Pakistan"`},
		"no tiles":       {web.Config{}, "/config.json", `"tile_url":""`},
		"tiles":          {web.Config{TileURL: "https://tiles.example/{z}/{x}/{y}.png"}, "/config.json", `"tile_url":"https://tiles.example/{z}/{x}/{y}.png"`},
		"no CDN in page": {web.Config{}, "/", `src="app.js"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h, err := web.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != 200 || !strings.Contains(string(body), tc.contains) {
				t.Errorf("GET %s: %d, body lacks %q", tc.path, rec.Code, tc.contains)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
			if strings.Contains(string(body), "https://cdn") || strings.Contains(string(body), "unpkg.com") {
				t.Errorf("GET %s refers to a CDN", tc.path)
			}
		})
	}
}

func TestOutlineIsWellFormed(t *testing.T) {
	h, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/outline.json", nil))
	var outline struct {
		Attribution string     `json:"attribution"`
		BBox        [4]float64 `json:"bbox"`
		Countries   []struct {
			Name  string      `json:"name"`
			Rings [][]float64 `json:"rings"`
		} `json:"countries"`
	}
	if err := json.NewDecoder(rec.Body).Decode(&outline); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(outline.Attribution, "Natural Earth") {
		t.Errorf("attribution = %q", outline.Attribution)
	}
	names := map[string]bool{}
	for _, c := range outline.Countries {
		names[c.Name] = true
		for _, r := range c.Rings {
			if len(r) < 6 || len(r)%2 != 0 {
				t.Errorf("%s: ring of %d numbers", c.Name, len(r))
			}
			for i := 0; i+1 < len(r); i += 2 {
				if r[i] < -180 || r[i] > 180 || r[i+1] < -90 || r[i+1] > 90 {
					t.Fatalf("%s: point %v,%v out of range", c.Name, r[i], r[i+1])
				}
			}
		}
	}
	for _, want := range []string{"Afghanistan", "Bangladesh", "Bhutan", "India", "Maldives", "Nepal", "Pakistan", "Sri Lanka"} {
		if !names[want] {
			t.Errorf("outline lacks %s", want)
		}
	}
}
