package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// syncBuffer is a log sink safe for the service's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServiceEndToEnd runs the whole service against an in-process Kafka:
// enriched messages in, articles out of the API, poison in the DLQ.
func TestServiceEndToEnd(t *testing.T) {
	brokers := kafkatest.NewCluster(t, "news.articles.enriched", "news.articles.dlq")
	env := map[string]string{
		"KAFKA_BROKERS":        strings.Join(brokers, ","),
		"INDEXER_STORE":        "sqlite:" + filepath.Join(t.TempDir(), "var", "newsflow.db"),
		"INDEXER_HTTP_ADDR":    "127.0.0.1:0",
		"INDEXER_METRICS_ADDR": "127.0.0.1:0",
		"INDEXER_BATCH_WAIT":   "50ms",
		"LOG_FORMAT":           "text",
		"LOG_LEVEL":            "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		done <- runWith(ctx, nil, func(k string) string { return env[k] }, io.Discard, logs, func(a net.Addr) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("service exited: %v\n%s", err, logs)
	}

	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: "news.articles.enriched", Balancer: &kafka.Hash{}, BatchTimeout: time.Millisecond}
	defer w.Close()
	var msgs []kafka.Message
	for i, id := range []string{"a", "b", "c"} {
		m, err := events.EnrichedMessage(storetest.Article(id, storetest.T0.Add(time.Duration(i)*time.Hour), storetest.At(storetest.Karachi, 1)), "test")
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	// A duplicate delivery and a poison message.
	msgs = append(msgs, msgs[0], kafka.Message{Key: []byte("bad"), Value: []byte("{not json")})
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce: %v", err)
	}

	var list api.ArticleList
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Get(base + "/api/v1/articles?limit=10")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&list)
			resp.Body.Close()
		}
		if err == nil && len(list.Articles) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("articles never reached 3 (last %d, %v)\n%s", len(list.Articles), err, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := []string{list.Articles[0].ID, list.Articles[1].ID, list.Articles[2].ID}; strings.Join(got, ",") != "c,b,a" {
		t.Errorf("articles = %v, want newest first c,b,a", got)
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: "news.articles.dlq", GroupID: "dlq-check", StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	readCtx, readCancel := context.WithTimeout(ctx, 60*time.Second)
	defer readCancel()
	dead, err := r.ReadMessage(readCtx)
	if err != nil {
		t.Fatalf("read dead letter: %v", err)
	}
	if string(dead.Value) != "{not json" {
		t.Errorf("dead letter = %q", dead.Value)
	}

	for _, path := range []string{"/", "/app.js", "/outline.json", "/config.json", "/api/v1/openapi.json"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestConfigDumpAndBadConfig(t *testing.T) {
	var out bytes.Buffer
	env := map[string]string{"INDEXER_STORE": "postgres://u:pw@127.0.0.1/db"}
	if err := run(context.Background(), []string{"-config-dump"}, func(k string) string { return env[k] }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "pw@") || !strings.Contains(out.String(), "INDEXER_HTTP_ADDR=127.0.0.1:8080") {
		t.Errorf("dump = %s", out.String())
	}
	env["INDEXER_STORE"] = "nope"
	if err := run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "INDEXER_STORE") {
		t.Errorf("bad store: err = %v", err)
	}
}
