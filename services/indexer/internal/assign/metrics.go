package assign

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/incident"
)

type metrics struct {
	countries map[string]bool
	assigned  prometheus.Counter
	opened    prometheus.Counter
	errors    prometheus.Counter
	batch     prometheus.Histogram
	working   prometheus.Gauge
	// Incident estimates move both ways (a revision, an outlier set
	// aside); counters only go up, so rises and falls are counted apart
	// and their difference is the net toll.
	raised, lowered *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, countries []string) (*metrics, error) {
	m := &metrics{
		countries: map[string]bool{},
		assigned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_indexer_incident_articles_assigned_total",
			Help: "Queued article writes the incident assigner consumed (new articles and revisions).",
		}),
		opened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_indexer_incidents_opened_total",
			Help: "Incidents opened by the assigner.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_indexer_incident_assigner_errors_total",
			Help: "Failed assigner batches (rolled back and retried).",
		}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsflow_indexer_incident_batch_duration_seconds",
			Help:    "Time to assign and save one batch of queued articles.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		working: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsflow_indexer_incident_working_set_incidents",
			Help: "Incidents the assigner holds in memory.",
		}),
		raised: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_incident_casualties_raised_total",
			Help: "Increases of incident casualty estimates by country of the incident's focus (configured list, other, none) and kind; each incident counts once.",
		}, []string{"country", "kind"}),
		lowered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_indexer_incident_casualties_lowered_total",
			Help: "Decreases of incident casualty estimates by country and kind; raised minus lowered is the current total.",
		}, []string{"country", "kind"}),
	}
	for _, c := range countries {
		m.countries[c] = true
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.assigned, m.opened, m.errors, m.batch, m.working, m.raised, m.lowered} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("assign: register metrics: %w", err)
		}
	}
	return m, nil
}

// coverage is an incident's estimates under its country label.
type coverage struct {
	country   string
	estimates events.Totals
}

func (m *metrics) coverageOf(inc *incident.Incident) coverage {
	c := coverage{country: "none"}
	if inc.Focus != nil && inc.Focus.Country != "" {
		c.country = "other"
		if m.countries[inc.Focus.Country] {
			c.country = inc.Focus.Country
		}
	}
	for _, t := range inc.Tolls {
		c.estimates.Set(t.Kind, t.Estimate)
	}
	return c
}

// count adds the change from before to after; a focus that moved to
// another country takes its figures along.
func (m *metrics) count(before, after coverage) {
	for _, k := range events.Kinds {
		b, a := before.estimates.Get(k), after.estimates.Get(k)
		if before.country != after.country {
			m.add(before.country, k, -b)
			m.add(after.country, k, a)
			continue
		}
		m.add(after.country, k, a-b)
	}
}

func (m *metrics) add(country string, k events.Kind, delta int) {
	if delta == 0 {
		return
	}
	// Both series exist from the first change on, so raised - lowered in
	// PromQL finds its pair even where nothing was ever lowered.
	up, down := m.raised.WithLabelValues(country, string(k)), m.lowered.WithLabelValues(country, string(k))
	if delta > 0 {
		up.Add(float64(delta))
	} else {
		down.Add(float64(-delta))
	}
}
