package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// prometheusBinary returns PROMETHEUS_BIN, or prometheus on PATH (Debian's
// prometheus package installs /usr/bin/prometheus).
func prometheusBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROMETHEUS_BIN"); p != "" {
		return p
	}
	p, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("needs a Prometheus server: set PROMETHEUS_BIN or apt-get install prometheus")
	}
	return p
}

// scrapeConfig is a prometheus.yml with the targets of the ServiceMonitors in
// deploy/k8s/base/monitoring: jobs named after the Services, path /metrics.
// It also loads the alert rules, so Prometheus itself checks they load.
func scrapeConfig(a addrs, rules string) string {
	return fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: fetcher
    metrics_path: /metrics
    static_configs: [{targets: [%q]}]
  - job_name: enricher
    metrics_path: /metrics
    static_configs: [{targets: [%q]}]
  - job_name: indexer
    metrics_path: /metrics
    static_configs: [{targets: [%q]}]
`, rules, a.fetcher, a.enricher, a.indexer)
}

// promResult is the part of an /api/v1/query answer the test reads.
type promResult struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// query runs an instant query and returns each result's labels and value.
func query(ctx context.Context, base, q string) (map[string]float64, error) {
	var r promResult
	if err := getJSON(ctx, base+"/api/v1/query?query="+url.QueryEscape(q), &r); err != nil {
		return nil, err
	}
	if r.Status != "success" || r.Data.ResultType != "vector" {
		return nil, fmt.Errorf("query %s: status %s, result type %s", q, r.Status, r.Data.ResultType)
	}
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		str, ok := s.Value[1].(string)
		if !ok {
			return nil, fmt.Errorf("query %s: value %v is not a string", q, s.Value[1])
		}
		v, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q, err)
		}
		out[s.Metric["job"]] = v
	}
	return out, nil
}

// TestIntegrationPrometheus has a real Prometheus scrape the running
// pipeline as the ServiceMonitors configure it, and checks the query for
// indexed articles, the targets' health and the alert rules through its API.
func TestIntegrationPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline and a Prometheus server")
	}
	prom := prometheusBinary(t)
	rules, err := filepath.Abs(filepath.Join("..", "deploy", "prometheus", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, a := runPipeline(t)

	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(scrapeConfig(a, rules)), 0o644); err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	logFile, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(prom, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+listen)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", prom, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			if log, err := os.ReadFile(logFile.Name()); err == nil {
				t.Logf("prometheus log:\n%s", log)
			}
		}
	})
	base := "http://" + listen

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var last error
	waitFor(t, "Prometheus to see indexed articles", time.Minute, func() bool {
		got, err := query(ctx, base, "sum(newsflow_indexer_articles_indexed_total) > 0")
		if err != nil {
			last = err
			return false
		}
		return got[""] > 0
	})
	got, err := query(ctx, base, "sum(newsflow_indexer_articles_indexed_total)")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Prometheus: sum(newsflow_indexer_articles_indexed_total) = %v (last transient error: %v)", got[""], last)
	if got[""] < sampleItems {
		t.Errorf("sum(newsflow_indexer_articles_indexed_total) = %v, want at least %d (every sample item)", got[""], sampleItems)
	}

	// Each target is scraped on its own schedule: wait for all three.
	var up map[string]float64
	waitFor(t, "Prometheus to scrape every service", 30*time.Second, func() bool {
		up, err = query(ctx, base, `up{job=~"fetcher|enricher|indexer"}`)
		return err == nil && len(up) == 3
	})
	for _, job := range []string{"fetcher", "enricher", "indexer"} {
		if up[job] != 1 {
			t.Errorf("up{job=%q} = %v, want 1 (targets: %v)", job, up[job], up)
		}
	}

	// Prometheus loaded every alert rule and evaluates them without error.
	var rulesResp struct {
		Status string `json:"status"`
		Data   struct {
			Groups []struct {
				Name  string `json:"name"`
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	waitFor(t, "every rule to be evaluated", 30*time.Second, func() bool {
		if err := getJSON(ctx, base+"/api/v1/rules", &rulesResp); err != nil {
			return false
		}
		n := 0
		for _, g := range rulesResp.Data.Groups {
			for _, r := range g.Rules {
				if r.Health == "unknown" {
					return false
				}
				n++
			}
		}
		return n > 0
	})
	for _, g := range rulesResp.Data.Groups {
		for _, r := range g.Rules {
			if r.Health != "ok" {
				t.Errorf("rule %s in group %s: health %s: %s", r.Name, g.Name, r.Health, r.LastError)
			}
		}
	}
	if resp, err := http.Get(base + "/-/healthy"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("Prometheus not healthy at the end: %v", err)
	} else {
		resp.Body.Close()
	}
}
