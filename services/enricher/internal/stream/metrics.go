package stream

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
)

type metrics struct {
	articles   prometheus.Counter
	located    prometheus.Counter
	figures    *prometheus.CounterVec
	enrichTime prometheus.Histogram
	latency    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		articles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_enricher_articles_total", Help: "Articles enriched and published.",
		}),
		located: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_enricher_articles_located_total", Help: "Enriched articles with a focus place.",
		}),
		figures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_enricher_casualty_figures_total", Help: "Casualty figures extracted, by kind.",
		}, []string{"kind"}),
		enrichTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "newsflow_enricher_enrich_duration_seconds", Help: "CPU time to enrich one article.",
			Buckets: prometheus.ExponentialBuckets(10e-6, 3, 10),
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsflow_enricher_pipeline_latency_seconds",
			Help:    "Time from the fetcher seeing an article to its enriched version being acknowledged by Kafka.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
	}
	for _, c := range []prometheus.Collector{m.articles, m.located, m.figures, m.enrichTime, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register enricher metrics: %w", err)
		}
	}
	for _, k := range events.Kinds {
		m.figures.WithLabelValues(string(k)) // export zeros so dashboards see every kind
	}
	return m, nil
}

func (m *metrics) observe(doc events.EnrichedArticle, took time.Duration, now time.Time) {
	m.articles.Inc()
	if doc.Focus != nil {
		m.located.Inc()
	}
	for _, c := range doc.Casualties {
		m.figures.WithLabelValues(string(c.Kind)).Inc()
	}
	m.enrichTime.Observe(took.Seconds())
	if !doc.FetchedAt.IsZero() {
		m.latency.Observe(now.Sub(doc.FetchedAt).Seconds())
	}
}
