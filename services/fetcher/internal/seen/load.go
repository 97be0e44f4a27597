package seen

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
)

// Load replays the state topic from its first to its last offset into set and
// returns the number of records applied. It reads each partition up to the
// end offset it found when it started, so it terminates while others write.
// Malformed records are logged and skipped: one bad record must not keep the
// fetcher from starting.
func Load(ctx context.Context, client *kafka.Client, dialer *kafka.Dialer, brokers []string, topic string, set *Set, log *slog.Logger) (int, error) {
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("load state %s: metadata: %w", topic, err)
	}
	var parts []int
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return 0, fmt.Errorf("load state %s: %w", topic, t.Error)
		}
		for _, p := range t.Partitions {
			parts = append(parts, p.ID)
		}
	}
	if len(parts) == 0 {
		return 0, nil
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, p := range parts {
		req.Topics[topic] = append(req.Topics[topic], kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
	}
	offs, err := client.ListOffsets(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("load state %s: list offsets: %w", topic, err)
	}
	n := 0
	for _, po := range offs.Topics[topic] {
		if po.Error != nil {
			return n, fmt.Errorf("load state %s/%d: %w", topic, po.Partition, po.Error)
		}
		if po.LastOffset <= po.FirstOffset {
			continue
		}
		got, err := loadPartition(ctx, dialer, brokers, topic, po, set, log)
		n += got
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func loadPartition(ctx context.Context, dialer *kafka.Dialer, brokers []string, topic string, po kafka.PartitionOffsets, set *Set, log *slog.Logger) (int, error) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   brokers,
		Topic:     topic,
		Partition: po.Partition,
		Dialer:    dialer,
		MinBytes:  1,
		MaxBytes:  8 << 20,
		MaxWait:   250 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(po.FirstOffset); err != nil {
		return 0, fmt.Errorf("load state %s/%d: %w", topic, po.Partition, err)
	}
	n := 0
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return n, fmt.Errorf("load state %s/%d at %d: %w", topic, po.Partition, r.Offset(), err)
		}
		if err := set.Apply(m.Key, m.Value); err != nil {
			log.Warn("skip malformed state record", slog.Int("partition", m.Partition), slog.Int64("offset", m.Offset), slog.Any("error", err))
		} else {
			n++
		}
		if m.Offset >= po.LastOffset-1 {
			return n, nil
		}
	}
}
