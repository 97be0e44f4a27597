package fulltext_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/fetcher/internal/fulltext"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
)

func TestFetch(t *testing.T) {
	page, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	}))
	t.Cleanup(srv.Close)
	c, err := httpfetch.New(httpfetch.Options{Allow: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := fulltext.Fetch(context.Background(), c, srv.URL+"/story")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Relief workers reached", "at least 12 people had died", "recede slowly"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, junk := range []string{"Most read", "Cricket scores", "Privacy", "trackPageView"} {
		if strings.Contains(text, junk) {
			t.Errorf("text keeps page furniture %q:\n%s", junk, text)
		}
	}
}

func TestFetchBlocked(t *testing.T) {
	c, err := httpfetch.New(httpfetch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fulltext.Fetch(context.Background(), c, "http://169.254.169.254/latest/"); err == nil {
		t.Fatal("metadata address fetched")
	}
}

func FuzzExtract(f *testing.F) {
	if page, err := os.ReadFile("testdata/article.html"); err == nil {
		f.Add(page)
	}
	f.Add([]byte("<p>short</p>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = fulltext.Extract(body, "text/html", "https://x.example/a")
	})
}
