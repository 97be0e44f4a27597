// Package web owns the map page served at /: static assets bundled into the
// binary (no CDN at run time), the outline it draws on, and the small
// config.json that tells the page whether map tiles are configured.
package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
)

//go:embed assets
var assets embed.FS

// Config is what New needs.
type Config struct {
	// TileURL is an optional slippy-map tile template with {z}, {x}, {y};
	// without it the page draws the embedded outline.
	TileURL string
	// TileAttribution is shown under the map when tiles are used.
	TileAttribution string
}

// New returns the handler for the page and its assets.
func New(cfg Config) (http.Handler, error) {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, fmt.Errorf("web: assets: %w", err)
	}
	pageConfig, err := json.Marshal(map[string]string{"tile_url": cfg.TileURL, "tile_attribution": cfg.TileAttribution})
	if err != nil {
		return nil, fmt.Errorf("web: encode config: %w", err)
	}
	imgSrc := "'self' data:"
	if cfg.TileURL != "" {
		u, err := url.Parse(cfg.TileURL)
		if err != nil {
			return nil, fmt.Errorf("web: tile URL: %w", err)
		}
		imgSrc += " " + u.Scheme + "://" + u.Host
	}
	// Everything the page loads comes from this server (tiles excepted).
	csp := "default-src 'self'; img-src " + imgSrc + "; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
	files := http.FileServerFS(sub)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pageConfig)
	})
	mux.Handle("GET /", files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		mux.ServeHTTP(w, r)
	}), nil
}
