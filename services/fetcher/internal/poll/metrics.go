package poll

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Poll results, the values of the result label.
const (
	ResultOK               = "ok"
	ResultNotModified      = "not_modified"
	ResultHTTP4xx          = "http_4xx"
	ResultHTTP5xx          = "http_5xx"
	ResultTimeout          = "timeout"
	ResultParseError       = "parse_error"
	ResultBlocked          = "blocked"
	ResultTooLarge         = "too_large"
	ResultTooManyRedirects = "too_many_redirects"
	ResultNetworkError     = "network_error"
	ResultPublishError     = "publish_error"
	ResultInternalError    = "internal_error"
)

var allResults = []string{
	ResultOK, ResultNotModified, ResultHTTP4xx, ResultHTTP5xx, ResultTimeout, ResultParseError,
	ResultBlocked, ResultTooLarge, ResultTooManyRedirects, ResultNetworkError, ResultPublishError, ResultInternalError,
}

type metrics struct {
	polls       *prometheus.CounterVec
	duration    prometheus.Histogram
	itemsSeen   prometheus.Counter
	published   *prometheus.CounterVec
	duplicates  prometheus.Counter
	bytes       prometheus.Counter
	lastSuccess *prometheus.GaugeVec
	interval    *prometheus.GaugeVec
	unhealthy   prometheus.Gauge
	feeds       prometheus.Gauge
	fulltext    *prometheus.CounterVec
	stateErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_fetcher_polls_total", Help: "Feed polls by result.",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "newsflow_fetcher_poll_duration_seconds", Help: "Time to poll one feed: request, parse and publish.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}),
		itemsSeen: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_fetcher_items_seen_total", Help: "Feed items read from successful polls.",
		}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_fetcher_articles_published_total", Help: "Articles published to the raw topic, by kind (new or revision).",
		}, []string{"kind"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_fetcher_duplicates_skipped_total", Help: "Feed items skipped because that content was already published.",
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_fetcher_response_bytes_total", Help: "Decompressed feed body bytes read.",
		}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsflow_fetcher_feed_last_success_timestamp_seconds", Help: "Unix time of each feed's last successful poll, by feed name.",
		}, []string{"feed"}),
		interval: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsflow_fetcher_feed_interval_seconds",
			Help: "Each feed's normal poll interval, by feed name; with the last-success time it tells a silent feed.",
		}, []string{"feed"}),
		unhealthy: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsflow_fetcher_feeds_unhealthy", Help: "Feeds that failed too many times in a row (still retried slowly).",
		}),
		feeds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsflow_fetcher_feeds", Help: "Feeds this replica polls.",
		}),
		fulltext: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsflow_fetcher_fulltext_fetches_total", Help: "Article page fetches for full text, by result (ok or error).",
		}, []string{"result"}),
		stateErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsflow_fetcher_state_write_errors_total", Help: "Failed writes to the seen-state topic (articles may be republished after a restart).",
		}),
	}
	for _, c := range []prometheus.Collector{m.polls, m.duration, m.itemsSeen, m.published, m.duplicates, m.bytes,
		m.lastSuccess, m.interval, m.unhealthy, m.feeds, m.fulltext, m.stateErrors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, r := range allResults {
		m.polls.WithLabelValues(r)
	}
	m.published.WithLabelValues("new")
	m.published.WithLabelValues("revision")
	m.fulltext.WithLabelValues("ok")
	m.fulltext.WithLabelValues("error")
	return m, nil
}
