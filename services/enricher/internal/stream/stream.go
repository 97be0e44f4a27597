// Package stream owns the enricher's place in the pipeline: it turns a batch
// of raw-article messages into enriched-article messages, publishes them, and
// names the poison so the consumer can dead-letter it. Offsets are committed
// by the caller only after Publish returns, that is after Kafka acknowledged
// every enriched message of the batch.
package stream

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

// Enricher extracts places and casualty figures from an article. It must be
// safe for concurrent use.
type Enricher interface {
	Enrich(a events.RawArticle) events.EnrichedArticle
}

// Publisher writes messages and returns once Kafka acknowledged them all.
type Publisher interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Options configure a Stream.
type Options struct {
	Enricher Enricher
	Out      Publisher
	// Topic receives the enriched articles.
	Topic string
	// MaxMessageBytes marks larger input messages as poison.
	MaxMessageBytes int
	Metrics         prometheus.Registerer
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Stream is the batch handler of the enricher.
type Stream struct {
	opts    Options
	workers int
	m       *metrics
}

// New builds a Stream and registers its metrics.
func New(opts Options) (*Stream, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m, err := newMetrics(opts.Metrics)
	if err != nil {
		return nil, err
	}
	return &Stream{opts: opts, workers: runtime.GOMAXPROCS(0), m: m}, nil
}

// result is the outcome for one input message.
type result struct {
	out    kafka.Message
	poison error
	took   time.Duration
	doc    events.EnrichedArticle
}

// Stages are the enricher's kafkax stages: enriching a batch overlaps the
// publishing of the one before.
func (s *Stream) Stages() kafkax.Stages[Enriched] {
	return kafkax.Stages[Enriched]{Prepare: s.Enrich, Handle: s.Publish}
}

// Handle is a kafkax.Handler: Enrich, then Publish.
func (s *Stream) Handle(ctx context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
	return s.Publish(ctx, batch, s.Enrich(batch))
}

// Enriched holds a batch's enriched messages, or why each input is poison,
// in input order.
type Enriched []result

// Enrich enriches a batch on every core.
func (s *Stream) Enrich(batch []kafka.Message) Enriched {
	results := make(Enriched, len(batch))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(s.workers, len(batch)) {
		wg.Go(func() {
			for i := range next {
				results[i] = s.enrich(batch[i])
			}
		})
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// Publish writes an enriched batch in input order and returns the inputs
// that can never be enriched. A failed write is transient.
func (s *Stream) Publish(ctx context.Context, batch []kafka.Message, results Enriched) ([]kafkax.Poison, error) {
	var out []kafka.Message
	var poison []kafkax.Poison
	for i, r := range results {
		if r.poison != nil {
			poison = append(poison, kafkax.Poison{Message: batch[i], Err: r.poison})
			continue
		}
		out = append(out, r.out)
	}
	if len(out) > 0 {
		if err := s.opts.Out.WriteMessages(ctx, out...); err != nil {
			return nil, fmt.Errorf("publish %d enriched articles to %s: %w", len(out), s.opts.Topic, err)
		}
	}
	now := s.opts.Now()
	for _, r := range results {
		if r.poison == nil {
			s.m.observe(r.doc, r.took, now)
		}
	}
	return poison, nil
}

func (s *Stream) enrich(m kafka.Message) result {
	if len(m.Value) > s.opts.MaxMessageBytes {
		return result{poison: fmt.Errorf("message of %d bytes exceeds the %d-byte limit", len(m.Value), s.opts.MaxMessageBytes)}
	}
	raw, err := events.DecodeRaw(m.Value)
	if err != nil {
		return result{poison: err}
	}
	start := time.Now()
	doc := s.opts.Enricher.Enrich(raw)
	took := time.Since(start)
	msg, err := events.EnrichedMessage(doc, "newsflow/enricher")
	if err != nil {
		return result{poison: err}
	}
	msg.Topic = s.opts.Topic
	return result{out: msg, took: took, doc: doc}
}
