package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
	"github.com/newsflow/newsflow/pkg/progress"
	"github.com/newsflow/newsflow/services/indexer/internal/config"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// TestReindexAfterVersionChange fills the enriched topic as a replay does
// (every article under an old and then a new enricher version, plus one
// poison message) and rebuilds a store from it twice: every article is
// stored once, under the new version.
func TestReindexAfterVersionChange(t *testing.T) {
	ctx := context.Background()
	brokers := kafkatest.NewCluster(t, "enriched", "dlq")
	dbPath := filepath.Join(t.TempDir(), "newsflow.db")
	env := map[string]string{
		"KAFKA_BROKERS": strings.Join(brokers, ","), "TOPIC_ENRICHED": "enriched", "TOPIC_DLQ": "dlq",
		"INDEXER_STORE": "sqlite:" + dbPath, "INDEXER_BATCH_SIZE": "7",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	const n = 25
	var msgs []kafka.Message
	for _, version := range []string{"v1", "v2"} {
		for i := range n {
			a := storetest.Article(fmt.Sprintf("art-%02d", i), storetest.T0.Add(time.Duration(i)*time.Minute),
				storetest.At(storetest.Karachi, 1))
			a.EnricherVersion = version
			m, err := events.EnrichedMessage(a, "test")
			if err != nil {
				t.Fatal(err)
			}
			m.Topic = "enriched"
			msgs = append(msgs, m)
		}
	}
	msgs = append(msgs, kafka.Message{Topic: "enriched", Key: []byte("poison"), Value: []byte("{not json")})
	tr := cfg.Kafka.Transport()
	defer tr.CloseIdleConnections()
	w := kafkax.NewWriter(cfg.Kafka, tr)
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for run := range 2 { // the second run finds everything stored already
		var display bytes.Buffer
		res, err := runReindex(ctx, cfg, log, progress.New(progress.Options{Out: &display, Label: "reindex " + cfg.Topics.Enriched}))
		if err != nil {
			t.Fatalf("reindex %d: %v", run, err)
		}
		if res.Messages != int64(len(msgs)) || res.Poison != 1 {
			t.Errorf("reindex %d = %+v, want %d messages with 1 poison", run, res, len(msgs))
		}
		if want := fmt.Sprintf("reindex enriched: %d/%d (100%%)", len(msgs), len(msgs)); !strings.Contains(display.String(), want) {
			t.Errorf("progress display %q lacks %q", display.String(), want)
		}
		checkStored(t, dbPath, n, "v2")
	}
}

func checkStored(t *testing.T, dbPath string, n int, version string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Articles(ctx, store.ArticleQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != n {
		t.Errorf("store holds %d articles, want %d", len(page.Articles), n)
	}
	seen := map[string]bool{}
	for _, a := range page.Articles {
		if seen[a.ID] {
			t.Errorf("article %s stored twice", a.ID)
		}
		seen[a.ID] = true
		if a.EnricherVersion != version {
			t.Errorf("article %s stored with enricher version %q, want %q", a.ID, a.EnricherVersion, version)
		}
	}
}
