package index_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/index"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func message(t testing.TB, a events.EnrichedArticle, offset int64) kafka.Message {
	t.Helper()
	m, err := events.EnrichedMessage(a, "test")
	if err != nil {
		t.Fatal(err)
	}
	m.Offset = offset
	return m
}

func newSQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "idx.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newIndexer(t testing.TB, s index.Upserter) (*index.Indexer, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	x, err := index.New(index.Config{Store: s, Logger: quiet, Metrics: reg, Countries: []string{"PK", "AF"}})
	if err != nil {
		t.Fatal(err)
	}
	return x, reg
}

func TestHandlePoisonAndStore(t *testing.T) {
	s := newSQLite(t)
	x, reg := newIndexer(t, s)
	good1 := storetest.Article("g1", storetest.T0, storetest.At(storetest.Karachi, 1), storetest.Hit(events.Killed, 3, "Three killed."))
	good2 := storetest.Article("g2", storetest.T0, storetest.At(storetest.Mumbai, 1), storetest.Hit(events.Injured, 2, "Two injured."))
	noVersion := storetest.Article("bad", storetest.T0)
	noVersion.EnricherVersion = ""
	batch := []kafka.Message{
		message(t, good1, 1),
		{Offset: 2, Value: []byte("not json")},
		{Offset: 3, Value: []byte(`{"schema_version":99,"id":"x"}`)},
		message(t, noVersion, 4),
		message(t, good2, 5),
	}
	poison, err := x.Handle(context.Background(), batch)
	if err != nil {
		t.Fatalf("handle: %v", err)
	}
	var offsets []int64
	for _, p := range poison {
		offsets = append(offsets, p.Message.Offset)
		if p.Err == nil {
			t.Errorf("poison at offset %d has no reason", p.Message.Offset)
		}
	}
	if len(offsets) != 3 || offsets[0] != 2 || offsets[1] != 3 || offsets[2] != 4 {
		t.Errorf("poison offsets = %v, want [2 3 4]", offsets)
	}
	page, err := s.Articles(context.Background(), store.ArticleQuery{})
	if err != nil || len(page.Articles) != 2 {
		t.Fatalf("stored %d articles (%v), want 2", len(page.Articles), err)
	}

	// A replay of the same batch stores nothing new and counts nothing twice.
	if _, err := x.Handle(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP newsflow_indexer_articles_indexed_by_region_total Newly indexed articles of the configured countries by the first-level division (province, state) of their primary place.
# TYPE newsflow_indexer_articles_indexed_by_region_total counter
newsflow_indexer_articles_indexed_by_region_total{country="PK",region="Sindh"} 1
# HELP newsflow_indexer_articles_indexed_total Newly indexed articles by the country of their primary place (configured countries, other, or none).
# TYPE newsflow_indexer_articles_indexed_total counter
newsflow_indexer_articles_indexed_total{country="PK"} 1
newsflow_indexer_articles_indexed_total{country="other"} 1
# HELP newsflow_indexer_casualties_indexed_total Casualty totals of newly indexed articles by country (as for articles_indexed) and kind.
# TYPE newsflow_indexer_casualties_indexed_total counter
newsflow_indexer_casualties_indexed_total{country="PK",kind="killed"} 3
newsflow_indexer_casualties_indexed_total{country="other",kind="injured"} 2
# HELP newsflow_indexer_articles_written_total Articles handed to the store, by outcome: inserted, replaced (newer version) or unchanged (duplicate or older).
# TYPE newsflow_indexer_articles_written_total counter
newsflow_indexer_articles_written_total{result="inserted"} 2
newsflow_indexer_articles_written_total{result="replaced"} 0
newsflow_indexer_articles_written_total{result="unchanged"} 2
# HELP newsflow_indexer_poison_messages_total Messages sent to the dead-letter topic, by reason: decode, schema_version, invalid or store.
# TYPE newsflow_indexer_poison_messages_total counter
newsflow_indexer_poison_messages_total{reason="decode"} 2
newsflow_indexer_poison_messages_total{reason="invalid"} 2
newsflow_indexer_poison_messages_total{reason="schema_version"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"newsflow_indexer_articles_indexed_total", "newsflow_indexer_articles_indexed_by_region_total",
		"newsflow_indexer_casualties_indexed_total",
		"newsflow_indexer_articles_written_total", "newsflow_indexer_poison_messages_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "newsflow_indexer_store_upsert_duration_seconds"); n != 1 {
		t.Errorf("batch duration series = %d, want 1", n)
	}
}

// flakyStore fails every upsert, or only upserts containing one id.
type flakyStore struct {
	failID string
	calls  int
	stored []string
}

var errDown = errors.New("store is down")

func (f *flakyStore) Upsert(_ context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	f.calls++
	for _, a := range batch {
		if f.failID == "" || a.ID == f.failID {
			return store.UpsertResult{}, errDown
		}
	}
	for _, a := range batch {
		f.stored = append(f.stored, a.ID)
	}
	return store.UpsertResult{Inserted: len(batch), New: batch}, nil
}

func TestHandleStoreFailures(t *testing.T) {
	batch := func(t *testing.T) []kafka.Message {
		return []kafka.Message{
			message(t, storetest.Article("a", storetest.T0), 1),
			message(t, storetest.Article("b", storetest.T0), 2),
			message(t, storetest.Article("c", storetest.T0), 3),
		}
	}
	t.Run("store down is transient", func(t *testing.T) {
		f := &flakyStore{}
		x, reg := newIndexer(t, f)
		poison, err := x.Handle(context.Background(), batch(t))
		if !errors.Is(err, errDown) || len(poison) != 0 {
			t.Errorf("handle = %v poison, %v; want no poison and the store error", poison, err)
		}
		if got := counterValue(t, reg, "newsflow_indexer_store_errors_total"); got < 1 {
			t.Errorf("store errors = %v", got)
		}
	})
	t.Run("one bad article is poison", func(t *testing.T) {
		f := &flakyStore{failID: "b"}
		x, _ := newIndexer(t, f)
		poison, err := x.Handle(context.Background(), batch(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(poison) != 1 || poison[0].Message.Offset != 2 {
			t.Errorf("poison = %+v, want offset 2", poison)
		}
		if strings.Join(f.stored, ",") != "a,c" {
			t.Errorf("stored = %v, want a,c", f.stored)
		}
	})
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

func FuzzHandle(f *testing.F) {
	m, _ := events.EnrichedMessage(storetest.Article("seed", storetest.T0, storetest.At(storetest.Kabul, 1), storetest.Hit(events.Killed, 1, "One killed.")), "fuzz")
	f.Add(m.Value)
	f.Add([]byte(`{"schema_version":1}`))
	f.Add([]byte(`{"schema_version":1,"id":"x","revision":1,"published_at":"2026-01-01T00:00:00Z","enricher_version":"1","places":null,"focus":{"lat":1e308}}`))
	s := newSQLite(f)
	x, _ := newIndexer(f, s)
	f.Fuzz(func(t *testing.T, body []byte) {
		poison, err := x.Handle(context.Background(), []kafka.Message{{Value: body}})
		if err != nil {
			t.Fatalf("a single message gave a transient error: %v", err)
		}
		if len(poison) > 1 {
			t.Fatalf("%d poison for one message", len(poison))
		}
	})
}
