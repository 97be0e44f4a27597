// Package e2e runs the whole pipeline as separate processes, as in
// production: the sample feed farm, the fetcher, the enricher and the indexer
// over a real Kafka-protocol broker, and checks what comes out of the query
// API.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsflow/newsflow/e2e/feedfarm"
	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
)

// sampleItems is the number of items in the bundled feeds.
const sampleItems = 11

func TestPipelineEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every service")
	}
	bin := buildServices(t)
	brokers := kafkatest.NewCluster(t)

	feedList := sampleFeeds(t)
	dir := t.TempDir()
	addr := map[string]string{"fetcher": freeAddr(t), "enricher": freeAddr(t), "indexer": freeAddr(t), "api": freeAddr(t)}
	common := []string{"KAFKA_BROKERS=" + strings.Join(brokers, ","), "LOG_FORMAT=text", "LOG_LEVEL=info"}
	procs := []*service{
		start(t, bin, "indexer", append(common,
			"INDEXER_METRICS_ADDR="+addr["indexer"], "INDEXER_HTTP_ADDR="+addr["api"],
			"INDEXER_STORE=sqlite:"+filepath.Join(dir, "newsflow.db"))),
		start(t, bin, "enricher", append(common, "ENRICHER_METRICS_ADDR="+addr["enricher"])),
		start(t, bin, "fetcher", append(common,
			"FETCHER_METRICS_ADDR="+addr["fetcher"], "FETCHER_FEEDS="+feedList, "FETCHER_ALLOW_HOSTS=127.0.0.1",
			"FETCHER_MIN_INTERVAL=1s")),
	}

	articles := waitForArticles(t, addr["api"], sampleItems, 2*time.Minute)
	checkArticles(t, articles)

	for name, a := range addr {
		if name != "api" {
			waitReady(t, name, a)
		}
	}
	// Let every feed be polled again: the conditional GETs must come back
	// 304 and publish nothing twice.
	waitMetric(t, addr["fetcher"], `newsflow_fetcher_polls_total{result="not_modified"}`, 2*float64(len(feedfarm.Feeds)), time.Minute)
	want := map[string]map[string]float64{
		"fetcher": {
			"newsflow_fetcher_articles_published_total": sampleItems,
			// Each sample feed is polled every 2s.
			"newsflow_fetcher_feed_interval_seconds": 2 * float64(len(feedfarm.Feeds)),
		},
		"enricher": {"newsflow_enricher_articles_total": sampleItems, "newsflow_enricher_consumer_messages_total": sampleItems},
		"indexer":  {"newsflow_indexer_articles_written_total": sampleItems},
	}
	for name, metrics := range want {
		got := scrape(t, addr[name])
		for metric, v := range metrics {
			if got[metric] != v {
				t.Errorf("%s: %s = %v, want %v", name, metric, got[metric], v)
			}
		}
	}

	for _, p := range procs {
		p.stop(t)
	}
}

func checkArticles(t *testing.T, articles []events.EnrichedArticle) {
	t.Helper()
	ids := map[string]bool{}
	titles := map[string]events.EnrichedArticle{}
	for _, a := range articles {
		if ids[a.ID] {
			t.Errorf("article %s stored twice", a.ID)
		}
		ids[a.ID] = true
		titles[a.Title] = a
		if a.URL == "" || a.Source == "" || a.PublishedAt.IsZero() || a.EnricherVersion == "" || a.Text == "" && a.Summary == "" {
			t.Errorf("article %q lost fields: %+v", a.Title, a.RawArticle)
		}
		if strings.Contains(a.CanonicalURL, "utm_") {
			t.Errorf("canonical URL keeps tracking parameters: %s", a.CanonicalURL)
		}
	}
	if len(articles) != sampleItems {
		t.Errorf("stored %d articles, want %d", len(articles), sampleItems)
	}

	seed, ok := titles["Pakistan extends crackdown on Mumbai suspects"]
	if !ok {
		t.Fatalf("seed article missing; stored titles: %v", keys(titles))
	}
	var names []string
	for _, p := range seed.Places {
		names = append(names, p.Name)
	}
	for _, want := range []string{"Mumbai", "Multan", "Kashmir"} {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, want) }) {
			t.Errorf("seed article places %v lack %s", names, want)
		}
	}
	if seed.Totals.Killed != 171 || seed.Totals.Arrested != 20 {
		t.Errorf("seed totals = %+v, want killed 171 and arrested 20", seed.Totals)
	}

	quetta := titles["Seven killed, 23 injured as bomb rips through Quetta market"]
	if quetta.Focus == nil || quetta.Focus.Name != "Quetta" || quetta.Totals.Killed != 7 || quetta.Totals.Injured != 23 {
		t.Errorf("Quetta article: focus %+v totals %+v", quetta.Focus, quetta.Totals)
	}
	if !quetta.PublishedAt.Equal(time.Date(2026, 11, 26, 13, 40, 0, 0, time.UTC)) {
		t.Errorf("Quetta published_at = %v, want 2026-11-26T13:40Z", quetta.PublishedAt)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// buildServices compiles the three services once into a temporary folder.
func buildServices(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin+string(os.PathSeparator), "./services/fetcher", "./services/enricher", "./services/indexer")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build services: %v\n%s", err, out)
	}
	return bin
}

// sampleFeeds serves the bundled sample feeds for the test's duration and
// writes a fetcher feed list that polls them every 2 s; it returns the list.
func sampleFeeds(t *testing.T) string {
	t.Helper()
	farm := httptest.NewUnstartedServer(nil)
	farm.Config.Handler = feedfarm.Handler("http://" + farm.Listener.Addr().String())
	farm.Start()
	t.Cleanup(farm.Close)
	feedList := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(feedList, feedfarm.FeedList(farm.URL, "2s"), 0o644); err != nil {
		t.Fatal(err)
	}
	return feedList
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type service struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// start runs a service with exactly the given environment (plus PATH and
// HOME), streaming its log lines into the test log.
func start(t *testing.T, bin, name string, env []string) *service {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, name))
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	s := &service{name: name, cmd: cmd, done: make(chan error, 1)}
	var logs sync.WaitGroup
	logs.Go(func() { relay(t, name, stderr) })
	go func() {
		logs.Wait()
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return s
}

func relay(t *testing.T, name string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		t.Logf("[%s] %s", name, sc.Text())
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *service) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal %s: %v", s.name, err)
		return
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM, want a clean exit", s.name, err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s of SIGTERM", s.name)
	}
}

func waitForArticles(t *testing.T, api string, n int, within time.Duration) []events.EnrichedArticle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var page struct {
		Articles   []events.EnrichedArticle `json:"articles"`
		NextCursor string                   `json:"next_cursor"`
	}
	for {
		err := getJSON(ctx, "http://"+api+"/api/v1/articles?limit=100", &page)
		if err == nil && len(page.Articles) >= n {
			// Wait a little longer: more than n would be a duplicate.
			time.Sleep(2 * time.Second)
			if err := getJSON(ctx, "http://"+api+"/api/v1/articles?limit=100", &page); err != nil {
				t.Fatal(err)
			}
			return page.Articles
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after %s the API holds %d articles, want %d (last error: %v)", within, len(page.Articles), n, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// waitMetric waits until a metric (summed over labels) reaches at least min.
func waitMetric(t *testing.T, addr, name string, min float64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for scrape(t, addr)[name] < min {
		if time.Now().After(deadline) {
			t.Fatalf("%s stayed below %v for %s", name, min, within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func waitReady(t *testing.T, name, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never became ready", name)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// scrape reads a /metrics endpoint. It records every series under its full
// name with labels, and each metric name summed over its labels.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		series, value := line[:i], line[i+1:]
		var v float64
		if _, err := fmt.Sscan(value, &v); err != nil {
			continue
		}
		out[series] = v
		if name, _, labelled := strings.Cut(series, "{"); labelled {
			out[name] += v
		}
	}
	return out
}
