// Package feedfarm serves the bundled sample feeds (RSS 2.0, Atom and JSON
// Feed) over HTTP, for `make demo` and the end-to-end test. Links in the feeds
// point back at the serving address, so the pipeline sees a self-contained
// little news site.
package feedfarm

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed feeds
var files embed.FS

// Feed is one bundled feed.
type Feed struct {
	// Path is the URL path the feed is served at, such as /feeds/wire-desk.xml.
	Path string
	Name string
	// Country is the outlet's home country (ISO 3166-1 alpha-2).
	Country string
}

// Feeds lists the bundled feeds.
var Feeds = []Feed{
	{Path: "/feeds/indus-courier.xml", Name: "Indus Courier (sample)", Country: "PK"},
	{Path: "/feeds/ganges-chronicle.atom", Name: "Ganges Chronicle (sample)", Country: "IN"},
	{Path: "/feeds/bay-herald.json", Name: "Bay Herald (sample)", Country: "BD"},
	{Path: "/feeds/wire-desk.xml", Name: "Wire Desk (sample)", Country: ""},
}

var contentTypes = map[string]string{
	".xml":  "application/rss+xml; charset=utf-8",
	".atom": "application/atom+xml; charset=utf-8",
	".json": "application/feed+json; charset=utf-8",
}

// modified is the Last-Modified of every feed, so conditional GETs from the
// fetcher get a cheap 304 after the first poll.
var modified = time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

// Handler serves the feeds under /feeds/ and a plain page for every article
// link. base is the scheme and host the server is reached at, such as
// http://127.0.0.1:8089.
func Handler(base string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		b, err := fs.ReadFile(files, "feeds/"+name)
		ctype, known := contentTypes[path.Ext(name)]
		if err != nil || !known {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		body := bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(strings.TrimSuffix(base, "/")))
		http.ServeContent(w, r, name, modified, bytes.NewReader(body))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>sample article</title><p>This sample site only serves feeds.</p>"))
	})
	return mux
}

// FeedList renders a fetcher feed list (YAML) for the bundled feeds served at
// base, each polled at the given interval.
func FeedList(base, interval string) []byte {
	var b bytes.Buffer
	b.WriteString("# Generated for the sample feeds; see e2e/feedfarm.\nfeeds:\n")
	for _, f := range Feeds {
		b.WriteString("  - url: " + base + f.Path + "\n")
		b.WriteString("    name: \"" + f.Name + "\"\n")
		if f.Country != "" {
			b.WriteString("    country: " + f.Country + "\n")
		}
		b.WriteString("    language: en\n    interval: " + interval + "\n")
	}
	return b.Bytes()
}
