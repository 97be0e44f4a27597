package kafkax

// History: re-reading a bounded stretch of a topic, for replays and
// rebuilds. Partitions are read directly, without joining a consumer group,
// so a replay never moves a live service's committed offsets.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
)

// Range is the offsets [Start, End) of one partition.
type Range struct {
	Partition  int
	Start, End int64
}

// Len is the number of offsets in the range.
func (r Range) Len() int64 { return max(r.End-r.Start, 0) }

// TotalLen is the number of offsets in all ranges.
func TotalLen(rs []Range) int64 {
	var n int64
	for _, r := range rs {
		n += r.Len()
	}
	return n
}

// PlanRanges finds, on every partition of topic, the first offset at or after from
// (the earliest when from is zero) and the first offset at or after to (the
// end offset now when to is zero).
func PlanRanges(ctx context.Context, cl *kafka.Client, topic string, from, to time.Time) ([]Range, error) {
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil || len(meta.Topics[0].Partitions) == 0 {
		var terr error
		if len(meta.Topics) == 1 {
			terr = meta.Topics[0].Error
		}
		return nil, fmt.Errorf("topic %s not found (%v)", topic, terr)
	}
	var parts []int
	for _, p := range meta.Topics[0].Partitions {
		parts = append(parts, p.ID)
	}
	bounds, err := listOffsets(ctx, cl, topic, parts, func(p int) []kafka.OffsetRequest {
		return []kafka.OffsetRequest{kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p)}
	})
	if err != nil {
		return nil, err
	}
	ranges := make([]Range, 0, len(parts))
	for _, p := range parts {
		b := bounds[p]
		ranges = append(ranges, Range{Partition: p, Start: b.FirstOffset, End: b.LastOffset})
	}
	// Offsets by time are asked one time per request: the answer maps
	// offsets to timestamps, and says nothing of which time was asked.
	for i, at := range []time.Time{from, to} {
		if at.IsZero() {
			continue
		}
		found, err := listOffsets(ctx, cl, topic, parts, func(p int) []kafka.OffsetRequest {
			return []kafka.OffsetRequest{kafka.TimeOffsetOf(p, at)}
		})
		if err != nil {
			return nil, err
		}
		for j := range ranges {
			r := &ranges[j]
			off := r.End // no message at or after the time
			for o := range found[r.Partition].Offsets {
				if o >= 0 {
					off = min(max(o, r.Start), r.End)
				}
			}
			if i == 0 {
				r.Start = off
			} else {
				r.End = off
			}
		}
	}
	for j := range ranges {
		ranges[j].End = max(ranges[j].End, ranges[j].Start)
	}
	return ranges, nil
}

func listOffsets(ctx context.Context, cl *kafka.Client, topic string, parts []int, reqs func(p int) []kafka.OffsetRequest) (map[int]kafka.PartitionOffsets, error) {
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, p := range parts {
		req.Topics[topic] = append(req.Topics[topic], reqs(p)...)
	}
	resp, err := cl.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("offsets of %s: %w", topic, err)
	}
	out := map[int]kafka.PartitionOffsets{}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("offsets of %s partition %d: %w", topic, po.Partition, po.Error)
		}
		out[po.Partition] = po
	}
	return out, nil
}

// ReadOptions configure ReadRanges.
type ReadOptions struct {
	Kafka Config
	Topic string
	// MaxBatch bounds the batches handed to the handler.
	MaxBatch int
	Logger   *slog.Logger
	// Progress, when not nil, is called with the number of offsets each
	// handled batch covered.
	Progress func(n int)
	// Idle is how long a partition may deliver nothing before its range is
	// taken as finished (default 10 s): offsets of a range can be missing,
	// such as transaction markers, and the last of them never comes.
	Idle time.Duration
}

// ReadResult counts what ReadRanges did.
type ReadResult struct {
	Messages int64 // handed to the handler
	Poison   int64 // of which the handler called poison
}

// ReadRanges hands every message of the ranges to h, partition after partition,
// in batches of at most MaxBatch. A handler error is transient: the batch is
// retried with backoff until ctx is done. Poison is logged and skipped (the
// live consumer dead-lettered it when it first came).
func ReadRanges(ctx context.Context, opts ReadOptions, ranges []Range, h Handler) (ReadResult, error) {
	if opts.MaxBatch < 1 || opts.Logger == nil {
		return ReadResult{}, errors.New("read ranges: MaxBatch and Logger are required")
	}
	if opts.Idle <= 0 {
		opts.Idle = 10 * time.Second
	}
	var res ReadResult
	for _, r := range ranges {
		if r.Len() == 0 {
			continue
		}
		if err := readRange(ctx, opts, r, h, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func readRange(ctx context.Context, opts ReadOptions, rg Range, h Handler, res *ReadResult) error {
	reader := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   opts.Kafka.Brokers,
		Topic:     opts.Topic,
		Partition: rg.Partition,
		Dialer:    opts.Kafka.Dialer(),
		MinBytes:  1,
		MaxBytes:  16 << 20,
		MaxWait:   2 * time.Second, // see the consumer: margin against spurious timeouts
	})
	defer reader.Close()
	if err := reader.SetOffset(rg.Start); err != nil {
		return fmt.Errorf("seek %s partition %d to %d: %w", opts.Topic, rg.Partition, rg.Start, err)
	}
	next := rg.Start
	for next < rg.End {
		batch, err := fetchRange(ctx, reader, rg.End, opts)
		if err != nil {
			return fmt.Errorf("read %s partition %d at offset %d: %w", opts.Topic, rg.Partition, next, err)
		}
		if len(batch) == 0 {
			opts.Logger.Warn("partition delivered nothing before the end of its range; taking it as finished",
				slog.String("topic", opts.Topic), slog.Int("partition", rg.Partition),
				slog.Int64("offset", next), slog.Int64("end", rg.End))
			if opts.Progress != nil {
				opts.Progress(int(rg.End - next))
			}
			return nil
		}
		if err := handleRange(ctx, opts.Logger, h, batch, res); err != nil {
			return err
		}
		last := batch[len(batch)-1].Offset + 1
		if opts.Progress != nil {
			opts.Progress(int(last - next))
		}
		next = last
	}
	return nil
}

// fetch gathers messages below end until the batch is full, the range is
// done, or no message came for a moment. It returns an empty batch when the
// partition stayed idle for opts.Idle.
func fetchRange(ctx context.Context, r *kafka.Reader, end int64, opts ReadOptions) ([]kafka.Message, error) {
	var batch []kafka.Message
	for len(batch) < opts.MaxBatch {
		wait := 100 * time.Millisecond // later messages of a batch are usually buffered already
		if len(batch) == 0 {
			wait = opts.Idle
		}
		fctx, cancel := context.WithTimeout(ctx, wait)
		m, err := r.FetchMessage(fctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				return batch, nil
			}
			return nil, err
		}
		if m.Offset >= end {
			return batch, nil
		}
		batch = append(batch, m)
		if m.Offset == end-1 {
			return batch, nil
		}
	}
	return batch, nil
}

func handleRange(ctx context.Context, log *slog.Logger, h Handler, batch []kafka.Message, res *ReadResult) error {
	wait := 100 * time.Millisecond
	for {
		poison, err := h(ctx, batch)
		if err == nil {
			for _, p := range poison {
				log.Warn("skipping poison message", slog.String("topic", p.Message.Topic),
					slog.Int("partition", p.Message.Partition), slog.Int64("offset", p.Message.Offset), slog.Any("error", p.Err))
			}
			res.Messages += int64(len(batch))
			res.Poison += int64(len(poison))
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("transient failure, retrying batch", slog.Duration("backoff", wait), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}
