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
// Batches are compressed with snappy, not lz4: kafka-go's lz4 writes frames
// of 4 MB blocks, and every consumer then decompresses each fetch into a
// fresh 4 MB buffer. With three partitions that held the indexer 11–35 MB
// higher in the end-to-end benchmark (40,000 articles). Both codecs
// compress about 300 MB/s here; snappy decompresses 10–15% slower and its
// batches are about a third larger on the wire.
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
		Compression:  kafka.Snappy,
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
		// kafka-go reports any failure to reach the controller, a rejected
		// password included, as "Broker Not Available"; a metadata round
		// trip names the real cause.
		if perr := c.Ping(ctx, t); perr != nil {
			err = perr
		}
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
			err = topicsLed(ctx, c, topics)
		}
		if err == nil {
			// The Transport cached the metadata of the topics as created,
			// without leaders, and would route requests by it until its
			// MetadataTTL: start it afresh.
			t.CloseIdleConnections()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if authFailure(err) {
			// Retrying is still right (the secret may be rotated in), but
			// this will not fix itself: say so loudly.
			log.Error("kafka rejected the credentials; check KAFKA_SASL_* and KAFKA_TLS_*; retrying",
				slog.Duration("backoff", wait), slog.Any("error", err))
		} else {
			log.Warn("kafka or its topics not available yet; retrying", slog.Duration("backoff", wait), slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// authFailure reports whether err is Kafka refusing who we are, as opposed
// to Kafka being unreachable.
func authFailure(err error) bool {
	for _, e := range []kafka.Error{kafka.SASLAuthenticationFailed, kafka.IllegalSASLState,
		kafka.UnsupportedSASLMechanism, kafka.ClusterAuthorizationFailed, kafka.TopicAuthorizationFailed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// topicsLed reports an error until every partition of the topics answers:
// just after creation or a broker start a topic exists, but reading its
// offsets fails with "Not Leader For Partition" for a moment. It uses a
// throwaway Transport, because a Transport answers metadata requests from
// its cache.
func topicsLed(ctx context.Context, c Config, topics []Topic) error {
	tr := c.Transport()
	defer tr.CloseIdleConnections()
	cl := c.Client(tr)
	names := make([]string, len(topics))
	for i, tp := range topics {
		names[i] = tp.Name
	}
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return fmt.Errorf("topic metadata: %w", err)
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, tp := range meta.Topics {
		if tp.Error != nil {
			return fmt.Errorf("topic %s: %w", tp.Name, tp.Error)
		}
		if len(tp.Partitions) == 0 {
			return fmt.Errorf("topic %s has no partitions yet", tp.Name)
		}
		for _, p := range tp.Partitions {
			if p.Error != nil || p.Leader.Host == "" {
				return fmt.Errorf("topic %s partition %d has no leader yet (%v)", tp.Name, p.ID, p.Error)
			}
			req.Topics[tp.Name] = append(req.Topics[tp.Name], kafka.FirstOffsetOf(p.ID))
		}
	}
	offs, err := cl.ListOffsets(ctx, req)
	if err != nil {
		return fmt.Errorf("topic offsets: %w", err)
	}
	for name, parts := range offs.Topics {
		for _, p := range parts {
			if p.Error != nil {
				return fmt.Errorf("topic %s partition %d: %w", name, p.Partition, p.Error)
			}
		}
	}
	return nil
}
