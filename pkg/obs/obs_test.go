package obs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/obs"
)

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := obs.NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("shown", slog.String("feed", "dawn"))
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, `"feed":"dawn"`) {
		t.Errorf("log output = %q", got)
	}
	for _, bad := range [][2]string{{"xml", "info"}, {"json", "loud"}} {
		if _, err := obs.NewLogger(io.Discard, bad[0], bad[1]); err == nil {
			t.Errorf("NewLogger(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestServerEndpoints(t *testing.T) {
	var notReady error = errors.New("kafka: connection refused")
	srv := &obs.Server{
		Registry: obs.NewRegistry(),
		Ready:    func(context.Context) error { return notReady },
		Handlers: map[string]http.Handler{"GET /feeds": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "[]")
		})},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") {
		t.Errorf("/readyz while not ready = %d %q", code, body)
	}
	notReady = nil
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz when ready = %d", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d, missing go collector", code)
	}
	if code, body := get("/feeds"); code != http.StatusOK || body != "[]" {
		t.Errorf("/feeds = %d %q", code, body)
	}
}

func TestServerProfiling(t *testing.T) {
	for _, on := range []bool{false, true} {
		srv := &obs.Server{Registry: obs.NewRegistry(), Profiling: on, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		ts := httptest.NewServer(srv.Handler())
		resp, err := http.Get(ts.URL + "/debug/pprof/heap?debug=1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ts.Close()
		served := resp.StatusCode == http.StatusOK && strings.Contains(string(body), "heap profile")
		if served != on {
			t.Errorf("Profiling=%v: /debug/pprof/heap answered %d (heap profile served: %v)", on, resp.StatusCode, served)
		}
	}
}
