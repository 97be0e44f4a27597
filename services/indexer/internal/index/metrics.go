package index

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	written           *prometheus.CounterVec
	batchSize         prometheus.Histogram
	batchDuration     prometheus.Histogram
	storeErrors       prometheus.Counter
	poison            *prometheus.CounterVec
	articlesByCountry *prometheus.CounterVec
	articlesByRegion  *prometheus.CounterVec
	casualties        *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		written: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_articles_written_total",
			Help: "Articles handed to the store, by outcome: inserted, replaced (newer version) or unchanged (duplicate or older).",
		}, []string{"result"}),
		// The consumer's own batch size and handling time are
		// newsflow_indexer_consumer_batch_*; these measure the store alone.
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsflow_indexer_store_upsert_articles",
			Help:    "Articles per store upsert (a consumed batch less its poison).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		batchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsflow_indexer_store_upsert_duration_seconds",
			Help:    "Time for one store upsert to commit.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_indexer_store_errors_total",
			Help: "Failed store writes (each is retried or dead-lettered).",
		}),
		poison: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_poison_messages_total",
			Help: "Messages sent to the dead-letter topic, by reason: decode, schema_version, invalid or store.",
		}, []string{"reason"}),
		articlesByCountry: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_articles_indexed_total",
			Help: "Newly indexed articles by the country of their primary place (configured countries, other, or none).",
		}, []string{"country"}),
		// Bounded: only the first-level divisions of the configured
		// countries, a few hundred series at most.
		articlesByRegion: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_articles_indexed_by_region_total",
			Help: "Newly indexed articles of the configured countries by the first-level division (province, state) of their primary place.",
		}, []string{"country", "region"}),
		casualties: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_casualties_indexed_total",
			Help: "Casualty totals of newly indexed articles by country (as for articles_indexed) and kind.",
		}, []string{"country", "kind"}),
	}
	for _, c := range []prometheus.Collector{m.written, m.batchSize, m.batchDuration, m.storeErrors, m.poison, m.articlesByCountry, m.articlesByRegion, m.casualties} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("index: register metrics: %w", err)
		}
	}
	return m, nil
}
