package index_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
	"github.com/newsflow/newsflow/services/indexer/internal/index"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/postgres"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// countingStore counts stored articles so the benchmark knows when the
// consumer has caught up.
type countingStore struct {
	index.Upserter
	n atomic.Int64
}

func (c *countingStore) Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	res, err := c.Upserter.Upsert(ctx, batch)
	if err == nil {
		c.n.Add(int64(res.Inserted + res.Replaced + res.Unchanged))
	}
	return res, err
}

// benchKafka produces n enriched articles to an in-process broker, then
// times the indexer's consumer from the first fetch until all are stored.
// The broker shares the CPU with the indexer, so the rate is a lower bound.
func benchKafka(b *testing.B, s index.Upserter, n int) {
	brokers := kafkatest.NewCluster(b, "enriched", "dlq")
	ctx := context.Background()
	syn := storetest.NewSynth(n, storetest.T0)
	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: "enriched", Balancer: &kafka.Hash{}, BatchSize: 1000, BatchTimeout: time.Millisecond}
	msgs := make([]kafka.Message, 0, 1000)
	for i := range n {
		m, err := events.EnrichedMessage(syn.Article(i), "bench")
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, m)
		if len(msgs) == cap(msgs) || i == n-1 {
			if err := w.WriteMessages(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
	w.Close()

	counter := &countingStore{Upserter: s}
	for b.Loop() {
		counter.n.Store(0)
		reg := prometheus.NewRegistry()
		x, err := index.New(index.Config{Store: counter, Logger: quiet, Metrics: reg})
		if err != nil {
			b.Fatal(err)
		}
		kc := kafkax.Config{Brokers: brokers, ClientID: "bench"}
		tr := kc.Transport()
		dlq := kafkax.NewWriter(kc, tr)
		c, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
			Kafka: kc, Transport: tr, Topic: "enriched", GroupID: fmt.Sprintf("bench-%d", time.Now().UnixNano()),
			DLQTopic: "dlq", DLQ: dlq, MaxBatch: 1000, MaxWait: 200 * time.Millisecond, Logger: quiet, Metrics: reg, Service: "indexer",
		})
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(runCtx, x.Handle) }()
		for counter.n.Load() < int64(n) {
			select {
			case err := <-done:
				b.Fatalf("consumer stopped: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		<-done
		c.Close()
		dlq.Close()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// benchArticles is NEWSFLOW_BENCH_ARTICLES, default 20,000: more amortise
// the consumer group's join, which the rate includes.
func benchArticles() int {
	if v, err := strconv.Atoi(os.Getenv("NEWSFLOW_BENCH_ARTICLES")); err == nil && v > 0 {
		return v
	}
	return 20_000
}

func BenchmarkKafkaToSQLite(b *testing.B) {
	benchKafka(b, newSQLite(b), benchArticles())
}

func BenchmarkKafkaToPostgres(b *testing.B) {
	dsn := os.Getenv("POSTGRES_DSN")
	if dsn == "" {
		b.Skip("set POSTGRES_DSN to run")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	schema := fmt.Sprintf("bench_kafka_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	defer admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck // best-effort cleanup
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchKafka(b, s, benchArticles())
}
