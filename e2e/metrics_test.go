package e2e

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
)

// metricNamesFile lists the metric names the alert rules and dashboards read.
// deploy/validate (TestMetricNames) keeps it equal to what they use.
var metricNamesFile = filepath.Join("..", "deploy", "validate", "testdata", "metric-names.txt")

// synthesized are series Prometheus records about each scrape rather than
// reads from the target.
var synthesized = map[string]bool{"up": true}

// addrs are the listen addresses of one running pipeline.
type addrs struct{ fetcher, enricher, indexer, api string }

// runPipeline starts the three services on the sample feeds over an
// in-process broker and waits until every sample item is indexed.
func runPipeline(t *testing.T) ([]string, addrs) {
	t.Helper()
	bin := buildServices(t)
	brokers := kafkatest.NewCluster(t)

	feedList := sampleFeeds(t)
	dir := t.TempDir()
	a := addrs{fetcher: freeAddr(t), enricher: freeAddr(t), indexer: freeAddr(t), api: freeAddr(t)}
	common := []string{"KAFKA_BROKERS=" + strings.Join(brokers, ","), "LOG_FORMAT=text", "LOG_LEVEL=warn"}
	start(t, bin, "indexer", append(common,
		"INDEXER_METRICS_ADDR="+a.indexer, "INDEXER_HTTP_ADDR="+a.api,
		"INDEXER_STORE=sqlite:"+filepath.Join(dir, "newsflow.db")))
	start(t, bin, "enricher", append(common, "ENRICHER_METRICS_ADDR="+a.enricher))
	start(t, bin, "fetcher", append(common,
		"FETCHER_METRICS_ADDR="+a.fetcher, "FETCHER_FEEDS="+feedList, "FETCHER_ALLOW_HOSTS=127.0.0.1",
		"FETCHER_MIN_INTERVAL=1s"))
	waitForArticles(t, a.api, sampleItems, 2*time.Minute)
	return brokers, a
}

// readMetricNames reads the list deploy/validate writes: one name a line,
// # comments.
func readMetricNames(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(metricNamesFile)
	if err != nil {
		t.Fatalf("%v (deploy/validate writes it: go test -run TestMetricNames -update)", err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("%s lists no metric names", metricNamesFile)
	}
	return names
}

// exportedNames scrapes each endpoint and returns the metric names it
// exposes (histograms as name_bucket, name_sum and name_count, as PromQL
// reads them).
func exportedNames(t *testing.T, endpoints ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, addr := range endpoints {
		for series := range scrape(t, addr) {
			name, _, _ := strings.Cut(series, "{")
			out[name] = true
		}
	}
	return out
}

// TestMetricNamesUsedByDashboards runs the pipeline on the sample feeds,
// including one undecodable message so the dead-letter metrics exist, and
// checks every metric the alert rules and dashboards read is exported by one
// of the three services.
func TestMetricNamesUsedByDashboards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every service")
	}
	want := readMetricNames(t)
	brokers, a := runPipeline(t)

	// A message the indexer cannot decode: it must be dead-lettered, which
	// creates the poison and dead-letter series the dashboards show.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: "news.articles.enriched", RequiredAcks: kafka.RequireAll}
	defer w.Close()
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("poison"), Value: []byte("{not json")}); err != nil {
		t.Fatalf("publish poison message: %v", err)
	}
	waitMetric(t, a.indexer, "newsflow_indexer_poison_messages_total", 1, time.Minute)

	got := exportedNames(t, a.fetcher, a.enricher, a.indexer)
	var missing []string
	for _, name := range want {
		if !got[name] && !synthesized[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		var exported []string
		for n := range got {
			if strings.HasPrefix(n, "newsflow_") {
				exported = append(exported, n)
			}
		}
		slices.Sort(exported)
		t.Errorf("rules or dashboards read metrics no service exports: %v\nnewsflow metrics exported: %v", missing, exported)
	}
}
