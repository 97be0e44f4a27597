package kafkax_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
)

// TestConsumerAtLeastOnce runs the loop against a real Kafka-protocol broker:
// every good message is handled, poison goes to the dead-letter topic with
// its provenance, a transient failure is retried, and offsets end committed.
func TestConsumerAtLeastOnce(t *testing.T) {
	const in, dlq, group = "in", "in.dlq", "test-group"
	cfg := kafkax.Config{Brokers: kafkatest.NewCluster(t), ClientID: "test"}
	tr := cfg.Transport()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := kafkax.EnsureTopics(ctx, cfg, tr, kafkax.Topic{Name: in, Partitions: 3}, kafkax.Topic{Name: dlq, Partitions: 1}); err != nil {
		t.Fatal(err)
	}
	w := kafkax.NewWriter(cfg, tr)
	defer w.Close()

	const n = 200
	var msgs []kafka.Message
	for i := range n {
		v := fmt.Sprintf("good-%d", i)
		if i%50 == 7 {
			v = fmt.Sprintf("poison-%d", i)
		}
		msgs = append(msgs, kafka.Message{Topic: in, Key: []byte(fmt.Sprint(i)), Value: []byte(v)})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	c, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
		Kafka: cfg, Transport: tr, Topic: in, GroupID: group, DLQTopic: dlq, DLQ: w,
		MaxBatch: 32, MaxWait: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: reg, Service: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	failedOnce := false
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- c.Run(runCtx, func(_ context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
			mu.Lock()
			defer mu.Unlock()
			if !failedOnce {
				failedOnce = true
				return nil, errors.New("store unavailable")
			}
			var poison []kafkax.Poison
			for _, m := range batch {
				if strings.HasPrefix(string(m.Value), "poison") {
					poison = append(poison, kafkax.Poison{Message: m, Err: errors.New("bad json")})
					continue
				}
				seen[string(m.Value)]++
			}
			return poison, nil
		})
	}()

	deadline := time.Now().Add(30 * time.Second)
	for counterValue(t, reg, "newsflow_test_consumer_messages_total") < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n-4 {
		t.Errorf("handled %d distinct good messages, want %d", len(seen), n-4)
	}
	if lag, err := kafkax.Lag(ctx, cfg.Client(tr), in, group); err != nil || lag != 0 {
		t.Errorf("lag after consuming everything = %d, %v; want 0", lag, err)
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cfg.Brokers, Topic: dlq, Partition: 0})
	defer r.Close()
	for i := range 4 {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("dead letter %d: %v", i, err)
		}
		h := map[string]string{}
		for _, hd := range m.Headers {
			h[hd.Key] = string(hd.Value)
		}
		if !strings.HasPrefix(string(m.Value), "poison") || h[kafkax.HeaderDLQError] != "bad json" ||
			h[kafkax.HeaderDLQTopic] != in || h[kafkax.HeaderDLQOffset] == "" || h[kafkax.HeaderDLQPartition] == "" {
			t.Errorf("dead letter %q has headers %v", m.Value, h)
		}
	}
}

// counterValue reads one unlabelled counter from reg.
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
	return 0
}

// TestRunStagedPreparesAhead checks the pipelining: while the handler holds
// the first batch, the next one is fetched and prepared, and every batch
// reaches the handler with its own prepared value.
func TestRunStagedPreparesAhead(t *testing.T) {
	const in, dlq = "staged", "staged.dlq"
	cfg := kafkax.Config{Brokers: kafkatest.NewCluster(t), ClientID: "test"}
	tr := cfg.Transport()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := kafkax.EnsureTopics(ctx, cfg, tr, kafkax.Topic{Name: in, Partitions: 1}, kafkax.Topic{Name: dlq, Partitions: 1}); err != nil {
		t.Fatal(err)
	}
	w := kafkax.NewWriter(cfg, tr)
	defer w.Close()
	const n = 40
	var msgs []kafka.Message
	for i := range n {
		msgs = append(msgs, kafka.Message{Topic: in, Value: []byte(fmt.Sprint(i))})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	c, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
		Kafka: cfg, Transport: tr, Topic: in, GroupID: "staged-group", DLQTopic: dlq, DLQ: w,
		MaxBatch: 10, MaxWait: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: reg, Service: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	preparedAhead := make(chan struct{})
	var (
		mu       sync.Mutex
		prepared int
		handled  int
		first    = true
	)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- kafkax.RunStaged(runCtx, c, kafkax.Stages[string]{
			Prepare: func(batch []kafka.Message) string {
				mu.Lock()
				prepared++
				if prepared == 2 {
					close(preparedAhead)
				}
				mu.Unlock()
				return string(batch[0].Value) + "+" + fmt.Sprint(len(batch))
			},
			Handle: func(ctx context.Context, batch []kafka.Message, p string) ([]kafkax.Poison, error) {
				if want := string(batch[0].Value) + "+" + fmt.Sprint(len(batch)); p != want {
					t.Errorf("batch %s handled with %q prepared", want, p)
				}
				if first {
					first = false
					select {
					case <-preparedAhead:
					case <-ctx.Done():
						return nil, ctx.Err()
					}
				}
				mu.Lock()
				handled += len(batch)
				mu.Unlock()
				return nil, nil
			},
		})
	}()
	for counterValue(t, reg, "newsflow_test_consumer_messages_total") < n && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("RunStaged: %v", err)
	}
	if handled != n {
		t.Errorf("handled %d of %d messages", handled, n)
	}
}
