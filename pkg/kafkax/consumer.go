package kafkax

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
)

// Poison is a message that can never be handled, with the reason. It goes to
// the dead-letter topic and is then committed, so the pipeline moves on.
type Poison struct {
	Message kafka.Message
	Err     error
}

// Handler processes one batch of messages, in offset order per partition.
//
// It returns the poison messages among them. A non-nil error means a
// transient failure (the store or Kafka is down): the whole batch is retried
// with backoff and nothing is committed, so handlers must be idempotent.
type Handler func(ctx context.Context, batch []kafka.Message) (poison []Poison, err error)

// ConsumerConfig configures a Consumer.
type ConsumerConfig struct {
	Kafka     Config
	Transport *kafka.Transport
	Topic     string
	GroupID   string
	DLQTopic  string
	// DLQ writes dead letters; usually the process's shared writer.
	DLQ *kafka.Writer
	// MaxBatch and MaxWait bound a batch: it is handed over when it holds
	// MaxBatch messages or MaxWait after its first message arrived.
	MaxBatch int
	MaxWait  time.Duration
	Logger   *slog.Logger
	Metrics  prometheus.Registerer
	// Service names the metric family: newsflow_<service>_consumer_*.
	Service string
	// StallTimeout is how long the Reader may wait on Kafka without progress
	// while the group has lag before it is recreated; zero means
	// DefaultStallTimeout.
	StallTimeout time.Duration
}

func (c ConsumerConfig) validate() error {
	var errs []error
	if c.Topic == "" || c.GroupID == "" || c.DLQTopic == "" {
		errs = append(errs, errors.New("consumer: topic, group and dead-letter topic are required"))
	}
	if c.DLQ == nil || c.Transport == nil || c.Logger == nil || c.Metrics == nil {
		errs = append(errs, errors.New("consumer: DLQ writer, transport, logger and metrics are required"))
	}
	if c.MaxBatch < 1 || c.MaxWait <= 0 {
		errs = append(errs, fmt.Errorf("consumer: MaxBatch %d and MaxWait %s must be positive", c.MaxBatch, c.MaxWait))
	}
	return errors.Join(errs...)
}

// Consumer runs the at-least-once loop: fetch a batch, hand it to the
// handler, dead-letter its poison, and only then commit its offsets. The
// next batch is fetched (and prepared, see Stages) while the handler works,
// but batches are handled and committed one at a time, in order.
type Consumer struct {
	cfg ConsumerConfig
	m   *consumerMetrics
	wd  *watchdog

	mu     sync.Mutex // guards reader, replaced by the watchdog
	reader *kafka.Reader
}

// NewConsumer builds a consumer in the given group. It does not connect until
// Run.
func NewConsumer(cfg ConsumerConfig) (*Consumer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m, err := newConsumerMetrics(cfg.Metrics, cfg.Service)
	if err != nil {
		return nil, err
	}
	return &Consumer{cfg: cfg, m: m, wd: newWatchdog(cfg.StallTimeout, time.Now)}, nil
}

func (c *Consumer) newReader() *kafka.Reader {
	cfg := c.cfg
	log := cfg.Logger.With(slog.String("topic", cfg.Topic), slog.String("group", cfg.GroupID))
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:  cfg.Kafka.Brokers,
		GroupID:  cfg.GroupID,
		Topic:    cfg.Topic,
		Dialer:   cfg.Kafka.Dialer(),
		MinBytes: 1,
		MaxBytes: 16 << 20,
		// The broker answers a fetch as soon as data arrives, so a long wait
		// costs no latency; kafka-go keeps a second of it as network margin,
		// which spares busy machines spurious i/o timeouts.
		MaxWait: 2 * time.Second,
		// Offsets are committed synchronously by the loop, never in the
		// background, so a commit always follows durable work.
		CommitInterval:        0,
		StartOffset:           kafka.FirstOffset,
		WatchPartitionChanges: true,
		ReadBackoffMin:        100 * time.Millisecond,
		ReadBackoffMax:        2 * time.Second,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			log.Warn("kafka reader", slog.String("detail", fmt.Sprintf(msg, args...)))
		}),
	})
}

// Run consumes until ctx is done. An unfinished batch is left uncommitted and
// will be delivered again, to this process or another member of the group.
func (c *Consumer) Run(ctx context.Context, h Handler) error {
	return RunStaged(ctx, c, Stages[struct{}]{
		Prepare: func([]kafka.Message) struct{} { return struct{}{} },
		Handle: func(ctx context.Context, batch []kafka.Message, _ struct{}) ([]Poison, error) {
			return h(ctx, batch)
		},
	})
}

// Stages split the handling of a batch in two, so that the CPU work on the
// next batch overlaps the wait for the current one's store or publish.
// Prepare runs as soon as a batch is fetched, one batch ahead of Handle, in
// fetch order; it must not have effects that need a commit, because a batch
// fetched ahead is dropped when the Reader is recreated. Handle has the
// contract of a Handler and gets Prepare's result.
type Stages[T any] struct {
	Prepare func(batch []kafka.Message) T
	Handle  func(ctx context.Context, batch []kafka.Message, prepared T) ([]Poison, error)
}

// fetched is a batch that the fetcher has read and prepared, or its error.
type fetched[T any] struct {
	batch    []kafka.Message
	prepared T
	err      error
}

// RunStaged is Run with the batch handling split into stages.
func RunStaged[T any](ctx context.Context, c *Consumer, s Stages[T]) error {
	// The Reader is made here, not in NewConsumer: a kafka-go group Reader
	// starts joining at once, and before the service has waited for Kafka
	// and its topics that only floods the log with failed joins.
	c.mu.Lock()
	if c.reader == nil {
		c.reader = c.newReader()
	}
	c.mu.Unlock()
	go c.watchLag(ctx)
	ahead, stop := startFetcher(ctx, c, s.Prepare)
	defer func() { stop() }()
	fetchBackoff := time.Second
	for {
		var f fetched[T]
		select {
		case <-ctx.Done():
			return nil
		case f = <-ahead:
		}
		if c.wd.reset() {
			// A partial batch is dropped: it is not committed, so the new
			// Reader fetches it again.
			stop()
			c.restart(ctx, fmt.Sprintf("no progress for %s although the group has lag", c.wd.stall))
			ahead, stop = startFetcher(ctx, c, s.Prepare)
			continue
		}
		if f.err != nil {
			// A group Reader gives up when it cannot reach the coordinator
			// for a while (a broker restart): wait, then start a new one,
			// which rejoins and resumes from the committed offsets.
			stop()
			c.m.retries.WithLabelValues("fetch").Inc()
			c.cfg.Logger.Warn("fetch failed", slog.String("topic", c.cfg.Topic),
				slog.Duration("backoff", fetchBackoff), slog.Any("error", f.err))
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(fetchBackoff):
			}
			fetchBackoff = min(2*fetchBackoff, 30*time.Second)
			c.restart(ctx, "fetch failed")
			ahead, stop = startFetcher(ctx, c, s.Prepare)
			continue
		}
		fetchBackoff = time.Second
		if !c.complete(ctx, f.batch, func(ctx context.Context) ([]Poison, error) {
			return s.Handle(ctx, f.batch, f.prepared)
		}) {
			if ctx.Err() != nil {
				return nil
			}
			// Only the watchdog ends a commit early. The batch was handled
			// but not committed: it comes again, and handlers are
			// idempotent. The batch fetched ahead came from the old Reader.
			stop()
			c.wd.reset()
			c.restart(ctx, fmt.Sprintf("commit stalled for %s", c.wd.stall))
			ahead, stop = startFetcher(ctx, c, s.Prepare)
		}
	}
}

// complete handles a batch, dead-letters its poison and commits it. It
// reports whether the batch was committed.
func (c *Consumer) complete(ctx context.Context, batch []kafka.Message, h func(context.Context) ([]Poison, error)) bool {
	poison, ok := c.handle(ctx, batch, h)
	if !ok {
		return false
	}
	if !c.retry(ctx, "dead_letter", func() error { return c.deadLetter(ctx, poison) }) {
		return false
	}
	wctx, end := c.wd.begin(ctx)
	ok = c.retry(wctx, "commit", func() error { return c.current().CommitMessages(wctx, batch...) })
	end()
	if !ok {
		return false
	}
	c.wd.progress()
	c.m.consumed.Add(float64(len(batch)))
	c.m.deadLettered.Add(float64(len(poison)))
	return true
}

// startFetcher fetches and prepares batches from the current Reader, one
// ahead of the handler, until the returned stop is called or a fetch fails;
// a failure is the last thing it sends. stop waits for it to end.
func startFetcher[T any](ctx context.Context, c *Consumer, prepare func([]kafka.Message) T) (<-chan fetched[T], func()) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan fetched[T])
	done := make(chan struct{})
	r := c.current()
	go func() {
		defer close(done)
		for {
			wctx, end := c.wd.begin(ctx)
			batch, err := c.fetch(wctx, r)
			end()
			f := fetched[T]{batch: batch, err: err}
			if err == nil {
				f.prepared = prepare(batch)
			}
			select {
			case out <- f:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out, func() {
		cancel()
		<-done
	}
}

func (c *Consumer) current() *kafka.Reader {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reader
}

// closeTimeout bounds closing a stuck Reader: leaving the group needs the
// broker, which may be the reason the Reader is stuck.
const closeTimeout = 10 * time.Second

// restart replaces a stalled Reader with a new one, which joins the group
// again and resumes from the committed offsets.
func (c *Consumer) restart(ctx context.Context, why string) {
	c.m.readerRestarts.Inc()
	c.cfg.Logger.Warn("recreating the kafka reader", slog.String("reason", why),
		slog.String("topic", c.cfg.Topic), slog.String("group", c.cfg.GroupID))
	c.mu.Lock()
	old := c.reader
	c.reader = c.newReader()
	c.mu.Unlock()
	closed := make(chan error, 1)
	go func() { closed <- old.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			c.cfg.Logger.Debug("close stalled reader", slog.Any("error", err))
		}
	case <-time.After(closeTimeout):
		c.cfg.Logger.Warn("stalled kafka reader did not close; abandoning it", slog.String("topic", c.cfg.Topic))
	case <-ctx.Done():
	}
}

// fetch blocks for the first message, then gathers more until the batch is
// full or MaxWait has passed.
func (c *Consumer) fetch(ctx context.Context, r *kafka.Reader) ([]kafka.Message, error) {
	first, err := r.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafka.Message{first}
	wctx, cancel := context.WithTimeout(ctx, c.cfg.MaxWait)
	defer cancel()
	for len(batch) < c.cfg.MaxBatch {
		m, err := r.FetchMessage(wctx)
		if err != nil {
			break // the wait is over or ctx is done; hand over what we have
		}
		batch = append(batch, m)
	}
	return batch, nil
}

func (c *Consumer) handle(ctx context.Context, batch []kafka.Message, h func(context.Context) ([]Poison, error)) ([]Poison, bool) {
	var poison []Poison
	ok := c.retry(ctx, "handle", func() error {
		start := time.Now()
		var err error
		poison, err = h(ctx)
		c.m.batchSeconds.Observe(time.Since(start).Seconds())
		c.m.batchSize.Observe(float64(len(batch)))
		return err
	})
	return poison, ok
}

// retry runs op until it succeeds or ctx is done, backing off exponentially
// from 100 ms to 30 s. It reports whether op succeeded.
func (c *Consumer) retry(ctx context.Context, what string, op func() error) bool {
	wait := 100 * time.Millisecond
	for {
		err := op()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.m.retries.WithLabelValues(what).Inc()
		c.cfg.Logger.Warn("transient failure, retrying", slog.String("op", what),
			slog.String("topic", c.cfg.Topic), slog.Duration("backoff", wait), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// Headers set on dead letters, beside the original message's own headers.
const (
	HeaderDLQError     = "dlq_error"
	HeaderDLQTopic     = "dlq_source_topic"
	HeaderDLQPartition = "dlq_source_partition"
	HeaderDLQOffset    = "dlq_source_offset"
	HeaderDLQService   = "dlq_service"
)

func (c *Consumer) deadLetter(ctx context.Context, poison []Poison) error {
	if len(poison) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, len(poison))
	for i, p := range poison {
		m := p.Message
		c.cfg.Logger.Warn("dead-lettering message", slog.String("topic", m.Topic),
			slog.Int("partition", m.Partition), slog.Int64("offset", m.Offset), slog.Any("error", p.Err))
		headers := append([]kafka.Header(nil), m.Headers...)
		headers = append(headers,
			kafka.Header{Key: HeaderDLQError, Value: []byte(p.Err.Error())},
			kafka.Header{Key: HeaderDLQTopic, Value: []byte(m.Topic)},
			kafka.Header{Key: HeaderDLQPartition, Value: []byte(strconv.Itoa(m.Partition))},
			kafka.Header{Key: HeaderDLQOffset, Value: []byte(strconv.FormatInt(m.Offset, 10))},
			kafka.Header{Key: HeaderDLQService, Value: []byte(c.cfg.Service)},
		)
		msgs[i] = kafka.Message{Topic: c.cfg.DLQTopic, Key: m.Key, Value: m.Value, Headers: headers}
	}
	if err := c.cfg.DLQ.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("write %d dead letters to %s: %w", len(msgs), c.cfg.DLQTopic, err)
	}
	return nil
}

// Close leaves the consumer group.
func (c *Consumer) Close() error {
	c.mu.Lock()
	r := c.reader
	c.mu.Unlock()
	if r == nil {
		return nil // never run
	}
	if err := r.Close(); err != nil {
		return fmt.Errorf("close reader of %s: %w", c.cfg.Topic, err)
	}
	return nil
}
