package kafkax

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
)

type consumerMetrics struct {
	consumed       prometheus.Counter
	deadLettered   prometheus.Counter
	retries        *prometheus.CounterVec
	batchSeconds   prometheus.Histogram
	batchSize      prometheus.Histogram
	lag            prometheus.Gauge
	readerRestarts prometheus.Counter
}

func newConsumerMetrics(reg prometheus.Registerer, service string) (*consumerMetrics, error) {
	name := func(s string) string { return fmt.Sprintf("newsflow_%s_consumer_%s", service, s) }
	m := &consumerMetrics{
		consumed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: name("messages_total"), Help: "Messages consumed and committed.",
		}),
		deadLettered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: name("dead_letters_total"), Help: "Messages sent to the dead-letter topic.",
		}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: name("retries_total"), Help: "Transient failures retried, by operation.",
		}, []string{"op"}),
		batchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: name("batch_duration_seconds"), Help: "Time to handle one batch.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: name("batch_size_messages"), Help: "Messages per handled batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: name("lag_messages"),
			Help: "Messages in the topic not yet committed by the group (end offset minus committed offset, summed over partitions).",
		}),
		readerRestarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: name("reader_restarts_total"),
			Help: "Kafka readers recreated by the progress watchdog after stalling while the group had lag.",
		}),
	}
	for _, c := range []prometheus.Collector{m.consumed, m.deadLettered, m.retries, m.batchSeconds, m.batchSize, m.lag, m.readerRestarts} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register consumer metrics: %w", err)
		}
	}
	// Export every op from the start, so dashboards see zeros, not gaps.
	for _, op := range []string{"fetch", "handle", "dead_letter", "commit"} {
		m.retries.WithLabelValues(op)
	}
	return m, nil
}

// lagInterval is how often lag is recomputed; lag moves slowly compared to a
// scrape interval, and each computation costs three requests.
const lagInterval = 10 * time.Second

// watchLag computes lag from committed and end offsets, because kafka-go's
// Reader reports no lag when it is part of a consumer group. It also feeds
// the progress watchdog.
func (c *Consumer) watchLag(ctx context.Context) {
	t := time.NewTicker(lagInterval)
	defer t.Stop()
	// After an error the lag is computed over a fresh transport of its own:
	// the watchdog must keep seeing the group even if the shared transport
	// holds dead connections or stale metadata after a broker restart.
	tr := c.cfg.Transport
	defer func() {
		if tr != c.cfg.Transport {
			tr.CloseIdleConnections()
		}
	}()
	for {
		// Bounded, so an unreachable broker cannot hold up the next round.
		lctx, cancel := context.WithTimeout(ctx, lagInterval)
		lag, committed, err := groupOffsets(lctx, c.cfg.Kafka.Client(tr), c.cfg.Topic, c.cfg.GroupID)
		cancel()
		if err != nil {
			if tr != c.cfg.Transport {
				tr.CloseIdleConnections()
			}
			tr = c.cfg.Kafka.Transport()
		}
		if err == nil {
			c.m.lag.Set(float64(lag))
			c.wd.observe(lag, committed)
		} else if ctx.Err() == nil {
			c.cfg.Logger.Debug("compute consumer lag", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Lag returns how many messages of topic the group has not committed yet.
// Partitions without a committed offset count from their first offset.
func Lag(ctx context.Context, cl *kafka.Client, topic, group string) (int64, error) {
	lag, _, err := groupOffsets(ctx, cl, topic, group)
	return lag, err
}

// groupOffsets returns the group's lag on topic and its committed offsets
// summed over partitions (which grow exactly when the group makes progress).
func groupOffsets(ctx context.Context, cl *kafka.Client, topic, group string) (lag, committedSum int64, err error) {
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, 0, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil {
		return 0, 0, fmt.Errorf("metadata of %s: topic missing", topic)
	}
	var parts []int
	var reqs []kafka.OffsetRequest
	for _, p := range meta.Topics[0].Partitions {
		parts = append(parts, p.ID)
		reqs = append(reqs, kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
	}
	ends, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, 0, fmt.Errorf("end offsets of %s: %w", topic, err)
	}
	committed, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return 0, 0, fmt.Errorf("committed offsets of %s for %s: %w", topic, group, err)
	}
	done := map[int]int64{}
	for _, p := range committed.Topics[topic] {
		done[p.Partition] = p.CommittedOffset
	}
	for _, p := range ends.Topics[topic] {
		if p.Error != nil {
			return 0, 0, fmt.Errorf("end offset of %s/%d: %w", topic, p.Partition, p.Error)
		}
		from, ok := done[p.Partition]
		if !ok || from < p.FirstOffset {
			from = p.FirstOffset
		}
		lag += max(p.LastOffset-from, 0)
		committedSum += from
	}
	return lag, committedSum, nil
}
