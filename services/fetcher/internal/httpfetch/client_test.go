package httpfetch_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
)

func TestGuard(t *testing.T) {
	g, err := httpfetch.NewGuard([]string{"127.0.0.1", "10.20.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{ // address -> allowed
		"127.0.0.1":        true,
		"127.0.0.2":        false,
		"::1":              false,
		"10.20.3.4":        true,
		"10.21.0.1":        false,
		"192.168.1.1":      false,
		"172.16.0.1":       false,
		"169.254.169.254":  false,
		"fe80::1":          false,
		"224.0.0.1":        false,
		"ff02::1":          false,
		"0.0.0.0":          false,
		"100.64.0.1":       false,
		"100.100.100.200":  false,
		"fd00:ec2::254":    false,
		"::ffff:10.0.0.1":  false,
		"::ffff:127.0.0.1": true,
		"8.8.8.8":          true,
		"2606:4700::1111":  true,
	}
	for addr, want := range tests {
		t.Run(addr, func(t *testing.T) {
			err := g.Check(netip.MustParseAddr(addr))
			if got := err == nil; got != want {
				t.Errorf("Check(%s) = %v, want allowed=%t", addr, err, want)
			}
			if err != nil && !errors.Is(err, httpfetch.ErrBlocked) {
				t.Errorf("error %v is not ErrBlocked", err)
			}
		})
	}
	if _, err := httpfetch.NewGuard([]string{"localhost"}); err == nil {
		t.Error("host name accepted in allow-list")
	}
}

func newClient(t *testing.T, opt httpfetch.Options) *httpfetch.Client {
	t.Helper()
	c, err := httpfetch.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func local(opt httpfetch.Options) httpfetch.Options {
	opt.Allow = []string{"127.0.0.1", "::1"}
	return opt
}

func TestGet(t *testing.T) {
	bomb, err := os.ReadFile("../../testdata/gzip-bomb-50MiB.gz") // 50 MiB of zeros, gzip -9
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	retryAt := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)

	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Thu, 26 Nov 2026 10:00:00 GMT")
		w.Header().Set("Cache-Control", "public, max-age=600")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write([]byte("<rss>" + r.Header.Get("User-Agent") + "</rss>"))
	})
	mux.HandleFunc("/429s", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/429date", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", retryAt)
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/404", http.NotFound)
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 50 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(bomb)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-ok", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	mux.HandleFunc("/metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.0.0.1/feed", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	c := newClient(t, local(httpfetch.Options{UserAgent: "TestAgent/1", MaxBody: 1 << 20, Timeout: 500 * time.Millisecond, MaxRedirects: 3}))
	tests := map[string]struct {
		path       string
		v          httpfetch.Validators
		err        error
		status     int
		retryAfter func(time.Duration) bool
		check      func(t *testing.T, r *httpfetch.Response)
	}{
		"200 with validators and freshness": {path: "/ok", check: func(t *testing.T, r *httpfetch.Response) {
			if string(r.Body) != "<rss>TestAgent/1</rss>" {
				t.Errorf("body %q: User-Agent not sent?", r.Body)
			}
			if r.Validators.ETag != `"v1"` || r.Validators.LastModified == "" {
				t.Errorf("validators = %+v", r.Validators)
			}
			if r.MaxAge != 10*time.Minute {
				t.Errorf("MaxAge = %s, want 10m", r.MaxAge)
			}
		}},
		"304 keeps validators": {path: "/ok", v: httpfetch.Validators{ETag: `"v1"`, LastModified: "x"}, check: func(t *testing.T, r *httpfetch.Response) {
			if !r.NotModified || r.Validators.ETag != `"v1"` || r.Validators.LastModified != "x" || len(r.Body) != 0 {
				t.Errorf("got %+v, want 304 with the same validators", r)
			}
		}},
		"redirect followed": {path: "/to-ok", check: func(t *testing.T, r *httpfetch.Response) {
			if !strings.HasSuffix(r.FinalURL, "/ok") {
				t.Errorf("FinalURL = %s", r.FinalURL)
			}
		}},
		"429 retry-after seconds": {path: "/429s", status: 429, retryAfter: func(d time.Duration) bool { return d == 2*time.Minute }},
		"429 retry-after date":    {path: "/429date", status: 429, retryAfter: func(d time.Duration) bool { return d > 58*time.Minute && d <= time.Hour }},
		"500":                     {path: "/500", status: 500},
		"404":                     {path: "/404", status: 404},
		"hanging server":          {path: "/hang", err: httpfetch.ErrTimeout},
		"50 MB body":              {path: "/big", err: httpfetch.ErrTooLarge},
		"gzip bomb":               {path: "/bomb", err: httpfetch.ErrTooLarge},
		"redirect loop":           {path: "/loop", err: httpfetch.ErrTooManyRedirects},
		"redirect to metadata":    {path: "/metadata", err: httpfetch.ErrBlocked},
		"redirect to private":     {path: "/private", err: httpfetch.ErrBlocked},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := c.Get(context.Background(), srv.URL+tc.path, tc.v, "")
			switch {
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			case tc.status != 0:
				var se *httpfetch.StatusError
				if !errors.As(err, &se) || se.Code != tc.status {
					t.Fatalf("err = %v, want status %d", err, tc.status)
				}
				if tc.retryAfter != nil && !tc.retryAfter(se.RetryAfter) {
					t.Errorf("RetryAfter = %s", se.RetryAfter)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, r)
			}
		})
	}
}

func TestLoopbackBlockedByDefault(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c := newClient(t, httpfetch.Options{})
	_, err := c.Get(context.Background(), srv.URL, httpfetch.Validators{}, "")
	if !errors.Is(err, httpfetch.ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	if hits.Load() != 0 {
		t.Error("blocked request reached the server")
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var inflight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond) // widen the window in which overlap would show
		inflight.Add(-1)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, local(httpfetch.Options{PerHost: 1}))
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), srv.URL, httpfetch.Validators{}, ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak.Load() != 1 {
		t.Errorf("peak concurrent requests to one host = %d, want 1", peak.Load())
	}
}
