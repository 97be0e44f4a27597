package kafkax

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
)

// NewWriter returns the process's single writer. It waits for every in-sync
// replica to acknowledge (RequireAll), keeps per-key order with the Hash
// balancer (the key is the article id), and batches briefly so a synchronous
// WriteMessages call returns quickly. Messages must carry their Topic.
//
// The writer is safe for concurrent use; Close it on shutdown to flush.
func NewWriter(c Config, t *kafka.Transport) *kafka.Writer {
	return &kafka.Writer{
		Addr:         kafka.TCP(c.Brokers...),
		Transport:    t,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		BatchSize:    500,
		BatchBytes:   8 << 20,
		Compression:  kafka.Lz4,
		MaxAttempts:  5,
		// Topics are created explicitly by EnsureTopics with the configured
		// partition count; auto-creation would silently use broker defaults.
		AllowAutoTopicCreation: false,
	}
}

// Topic describes a topic to create.
type Topic struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	// Configs are topic-level settings such as cleanup.policy=compact.
	Configs map[string]string
}

// EnsureTopics creates the topics that do not exist yet. Existing topics are
// left as they are (their partition count is not changed).
func EnsureTopics(ctx context.Context, c Config, t *kafka.Transport, topics ...Topic) error {
	req := &kafka.CreateTopicsRequest{}
	for _, tp := range topics {
		cfg := kafka.TopicConfig{
			Topic:             tp.Name,
			NumPartitions:     max(tp.Partitions, 1),
			ReplicationFactor: max(tp.ReplicationFactor, 1),
		}
		for k, v := range tp.Configs {
			cfg.ConfigEntries = append(cfg.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: v})
		}
		req.Topics = append(req.Topics, cfg)
	}
	resp, err := c.Client(t).CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for name, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// AwaitTopics calls EnsureTopics until it succeeds or ctx is done, so a
// service can start before Kafka does and simply wait for it (reporting not
// ready meanwhile).
func AwaitTopics(ctx context.Context, c Config, t *kafka.Transport, log *slog.Logger, topics ...Topic) error {
	wait := 250 * time.Millisecond
	for {
		err := EnsureTopics(ctx, c, t, topics...)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("kafka not available yet; retrying", slog.Duration("backoff", wait), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}
