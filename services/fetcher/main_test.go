package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"

	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
)

func TestImportOPML(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"import-opml", "-country", "PK", "-interval", "10m", "internal/feedlist/testdata/subscriptions.opml"},
		func(string) string { return "" }, nil, &out, &errb)
	if err != nil {
		t.Fatalf("import-opml: %v (%s)", err, errb.String())
	}
	feeds, err := feedlist.Parse(out.Bytes())
	if err != nil {
		t.Fatalf("output is not a valid feed list: %v\n%s", err, out.String())
	}
	if len(feeds) != 4 || feeds[0].Country != "PK" || time.Duration(feeds[0].Interval) != 10*time.Minute {
		t.Errorf("imported %+v", feeds)
	}
}

func TestConfigErrorsBeforeIO(t *testing.T) {
	err := run(context.Background(), nil, func(k string) string {
		return map[string]string{"FETCHER_ALLOW_HOSTS": "not-an-ip", "FETCHER_FEEDS": "/nonexistent"}[k]
	}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "FETCHER_ALLOW_HOSTS") {
		t.Fatalf("err = %v, want a config error naming FETCHER_ALLOW_HOSTS", err)
	}
}

func TestConfigDump(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-config-dump"}, func(k string) string {
		return map[string]string{"FETCHER_ALLOW_HOSTS": "127.0.0.1"}[k]
	}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "FETCHER_ALLOW_HOSTS=127.0.0.1\n") {
		t.Errorf("dump:\n%s", out.String())
	}
}

// TestRunPublishes starts the whole service against an in-process Kafka and a
// local feed, as `make run` does, and waits for the articles on the raw topic.
func TestRunPublishes(t *testing.T) {
	brokers := kafkatest.NewCluster(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `<rss version="2.0"><channel><title>t</title>`+
			`<item><title>One</title><link>https://n.example/1</link></item>`+
			`<item><title>Two</title><link>https://n.example/2</link></item></channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	list := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(list, []byte("feeds:\n  - url: "+srv.URL+"/rss\n    name: Local\n    country: NP\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"KAFKA_BROKERS": strings.Join(brokers, ","), "FETCHER_FEEDS": list, "FETCHER_ALLOW_HOSTS": "127.0.0.1",
		"FETCHER_METRICS_ADDR": "127.0.0.1:0", "FETCHER_MIN_INTERVAL": "1s", "FETCHER_DEFAULT_INTERVAL": "1s",
		"TOPIC_PARTITIONS": "1", "LOG_LEVEL": "error",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(runCtx, nil, func(k string) string { return env[k] }, nil, io.Discard, io.Discard) }()

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: "news.articles.raw", Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	titles := map[string]bool{}
	for len(titles) < 2 {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read raw topic: %v", err)
		}
		a, err := events.DecodeRaw(m.Value)
		if err != nil {
			t.Fatal(err)
		}
		if a.CountryHint != "NP" || a.Source != "Local" {
			t.Errorf("article %+v", a)
		}
		titles[a.Title] = true
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}
