// Package index owns the Kafka side of the indexer: it decodes batches of
// enriched-article messages, sends what can never be stored to the
// dead-letter topic, writes the rest to the store in one upsert, and keeps
// the write and coverage metrics. The kafkax.Consumer commits offsets only
// after Handle returns, that is after the batch is durable.
package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Upserter stores a batch durably before returning; see store.Store.Upsert.
type Upserter interface {
	Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error)
}

// Config is what New needs.
type Config struct {
	Store   Upserter
	Logger  *slog.Logger
	Metrics prometheus.Registerer
	// Countries are the ISO codes that get their own coverage label; every
	// other country is counted as "other", keeping label sets bounded.
	Countries []string
	// Stored, when set, is called after each batch is durable.
	Stored func()
}

// Indexer is the batch handler.
type Indexer struct {
	store     Upserter
	log       *slog.Logger
	m         *metrics
	countries map[string]bool
	stored    func()
}

// New builds an indexer and registers its metrics.
func New(cfg Config) (*Indexer, error) {
	if cfg.Store == nil || cfg.Logger == nil || cfg.Metrics == nil {
		return nil, errors.New("index: store, logger and metrics are required")
	}
	m, err := newMetrics(cfg.Metrics)
	if err != nil {
		return nil, err
	}
	x := &Indexer{store: cfg.Store, log: cfg.Logger, m: m, countries: map[string]bool{}, stored: cfg.Stored}
	if x.stored == nil {
		x.stored = func() {}
	}
	for _, c := range cfg.Countries {
		x.countries[strings.ToUpper(strings.TrimSpace(c))] = true
	}
	return x, nil
}

// Handle is a kafkax.Handler: it writes a batch. Undecodable or invalid
// messages are poison. A store failure is returned as a transient error, so
// the consumer retries the batch, unless storing the articles one by one
// shows that only some of them fail: those are poison and the rest are
// stored.
func (x *Indexer) Handle(ctx context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
	var (
		poison   []kafkax.Poison
		articles = make([]events.EnrichedArticle, 0, len(batch))
		msgOf    = make([]kafka.Message, 0, len(batch))
	)
	for _, msg := range batch {
		a, err := decode(msg)
		if err != nil {
			x.m.poison.WithLabelValues(reason(err)).Inc()
			x.log.WarnContext(ctx, "poison message", slog.String("topic", msg.Topic), slog.Int("partition", msg.Partition),
				slog.Int64("offset", msg.Offset), slog.Any("error", err))
			poison = append(poison, kafkax.Poison{Message: msg, Err: err})
			continue
		}
		articles = append(articles, a)
		msgOf = append(msgOf, msg)
	}
	if len(articles) == 0 {
		return poison, nil
	}
	x.m.batchSize.Observe(float64(len(articles)))
	start := time.Now()
	res, err := x.store.Upsert(ctx, articles)
	if err == nil {
		x.m.batchDuration.Observe(time.Since(start).Seconds())
	}
	if err != nil {
		x.m.storeErrors.Inc()
		if ctx.Err() != nil || len(articles) == 1 {
			return nil, fmt.Errorf("index batch of %d: %w", len(articles), err)
		}
		x.log.WarnContext(ctx, "batch upsert failed; storing articles one by one", slog.Int("articles", len(articles)), slog.Any("error", err))
		more, res2, err := x.oneByOne(ctx, articles, msgOf)
		if err != nil {
			return nil, err
		}
		poison, res = append(poison, more...), res2
	}
	x.count(res)
	x.stored()
	return poison, nil
}

// oneByOne stores each article alone. If none can be stored the store is
// down and the batch is retried; otherwise the failures are poison.
func (x *Indexer) oneByOne(ctx context.Context, articles []events.EnrichedArticle, msgs []kafka.Message) ([]kafkax.Poison, store.UpsertResult, error) {
	var (
		total   store.UpsertResult
		failed  []kafkax.Poison
		lastErr error
	)
	for i, a := range articles {
		res, err := x.store.Upsert(ctx, []events.EnrichedArticle{a})
		if err != nil {
			x.m.storeErrors.Inc()
			lastErr = err
			failed = append(failed, kafkax.Poison{Message: msgs[i], Err: fmt.Errorf("store article %s: %w", a.ID, err)})
			continue
		}
		total.Inserted += res.Inserted
		total.Replaced += res.Replaced
		total.Unchanged += res.Unchanged
		total.New = append(total.New, res.New...)
	}
	if len(failed) == len(articles) || ctx.Err() != nil {
		// Stored ones are idempotent to store again on retry.
		return nil, store.UpsertResult{}, fmt.Errorf("index batch of %d: %w", len(articles), lastErr)
	}
	for _, p := range failed {
		x.m.poison.WithLabelValues("store").Inc()
		x.log.WarnContext(ctx, "poison message", slog.Int64("offset", p.Message.Offset), slog.Any("error", p.Err))
	}
	return failed, total, nil
}

func decode(msg kafka.Message) (events.EnrichedArticle, error) {
	a, err := events.DecodeEnriched(msg.Value)
	if err != nil {
		return a, err
	}
	if strings.ContainsRune(a.ID, 0) {
		return a, fmt.Errorf("%w: id contains a NUL byte", events.ErrInvalid)
	}
	return a, nil
}

func reason(err error) string {
	switch {
	case errors.Is(err, events.ErrSchemaVersion):
		return "schema_version"
	case errors.Is(err, events.ErrInvalid):
		return "invalid"
	}
	return "decode"
}

func (x *Indexer) count(res store.UpsertResult) {
	x.m.written.WithLabelValues("inserted").Add(float64(res.Inserted))
	x.m.written.WithLabelValues("replaced").Add(float64(res.Replaced))
	x.m.written.WithLabelValues("unchanged").Add(float64(res.Unchanged))
	for _, a := range res.New {
		country := "none"
		if p, ok := store.Primary(a); ok && p.Country != "" {
			country = "other"
			if c := strings.ToUpper(p.Country); x.countries[c] {
				country = c
				if p.Admin1Name != "" {
					x.m.articlesByRegion.WithLabelValues(c, p.Admin1Name).Inc()
				}
			}
		}
		x.m.articlesByCountry.WithLabelValues(country).Inc()
		for _, k := range events.Kinds {
			if n := a.Totals.Get(k); n > 0 {
				x.m.casualties.WithLabelValues(country, string(k)).Add(float64(n))
			}
		}
	}
}
