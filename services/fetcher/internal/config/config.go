// Package config owns the fetcher's settings: every environment variable it
// reads, their defaults, and the checks made before any I/O.
package config

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	pkgconfig "github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"

	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
)

// Config is the fetcher's configuration.
type Config struct {
	FeedsFile string // FETCHER_FEEDS
	// AllowHosts are IPs and CIDR prefixes the guarded client may dial even
	// though they are internal (FETCHER_ALLOW_HOSTS, e.g. "127.0.0.1,::1").
	AllowHosts     []string
	UserAgent      string        // FETCHER_USER_AGENT
	MaxBodyBytes   int64         // FETCHER_MAX_BODY_BYTES
	ConnectTimeout time.Duration // FETCHER_CONNECT_TIMEOUT
	Timeout        time.Duration // FETCHER_TIMEOUT
	MaxRedirects   int           // FETCHER_MAX_REDIRECTS
	Concurrency    int           // FETCHER_CONCURRENCY: polls in flight, all hosts
	PerHost        int           // FETCHER_PER_HOST_CONCURRENCY
	Interval       time.Duration // FETCHER_DEFAULT_INTERVAL
	MinInterval    time.Duration // FETCHER_MIN_INTERVAL
	MaxInterval    time.Duration // FETCHER_MAX_INTERVAL
	UnhealthyAfter int           // FETCHER_UNHEALTHY_AFTER
	// SeenRetention is how long an article is remembered after it was last
	// published or seen in its feed (FETCHER_SEEN_RETENTION; 0 = forever).
	SeenRetention time.Duration
	ReplicaIndex  int           // FETCHER_REPLICA_INDEX, or the ordinal at the end of HOSTNAME
	ReplicaCount  int           // FETCHER_REPLICA_COUNT
	Topics        kafkax.Topics // TOPIC_RAW, TOPIC_FETCHER_STATE, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR
	CreateTopics  bool          // FETCHER_CREATE_TOPICS
	MetricsAddr   string        // FETCHER_METRICS_ADDR
	LogFormat     string        // LOG_FORMAT
	LogLevel      string        // LOG_LEVEL
	Pprof         bool          // PPROF: serve /debug/pprof/ on the metrics address
	Kafka         kafkax.Config // KAFKA_*
}

// Load reads the configuration and validates it.
func Load(get pkgconfig.Getenv) (Config, error) {
	c := Config{
		FeedsFile:   pkgconfig.String(get, "FETCHER_FEEDS", "deploy/feeds/south-asia.yaml"),
		AllowHosts:  pkgconfig.List(get, "FETCHER_ALLOW_HOSTS", nil),
		UserAgent:   pkgconfig.String(get, "FETCHER_USER_AGENT", "NewsflowFetcher/1.0 (+https://github.com/newsflow/newsflow)"),
		MetricsAddr: pkgconfig.String(get, "FETCHER_METRICS_ADDR", "127.0.0.1:9101"),
		LogFormat:   pkgconfig.String(get, "LOG_FORMAT", "json"),
		LogLevel:    pkgconfig.String(get, "LOG_LEVEL", "info"),
	}
	var errs []error
	intVar := func(dst *int, key string, def int) {
		v, err := pkgconfig.Int(get, key, def)
		*dst = v
		errs = append(errs, err)
	}
	durVar := func(dst *time.Duration, key string, def time.Duration) {
		v, err := pkgconfig.Duration(get, key, def)
		*dst = v
		errs = append(errs, err)
	}
	var maxBody int
	intVar(&maxBody, "FETCHER_MAX_BODY_BYTES", 10<<20)
	c.MaxBodyBytes = int64(maxBody)
	durVar(&c.ConnectTimeout, "FETCHER_CONNECT_TIMEOUT", 10*time.Second)
	durVar(&c.Timeout, "FETCHER_TIMEOUT", 30*time.Second)
	intVar(&c.MaxRedirects, "FETCHER_MAX_REDIRECTS", 5)
	intVar(&c.Concurrency, "FETCHER_CONCURRENCY", 32)
	intVar(&c.PerHost, "FETCHER_PER_HOST_CONCURRENCY", 2)
	durVar(&c.Interval, "FETCHER_DEFAULT_INTERVAL", 15*time.Minute)
	durVar(&c.MinInterval, "FETCHER_MIN_INTERVAL", time.Minute)
	durVar(&c.MaxInterval, "FETCHER_MAX_INTERVAL", 6*time.Hour)
	intVar(&c.UnhealthyAfter, "FETCHER_UNHEALTHY_AFTER", 5)
	durVar(&c.SeenRetention, "FETCHER_SEEN_RETENTION", 30*24*time.Hour)
	intVar(&c.ReplicaCount, "FETCHER_REPLICA_COUNT", 1)
	create, err := pkgconfig.Bool(get, "FETCHER_CREATE_TOPICS", true)
	c.CreateTopics = create
	errs = append(errs, err)
	c.Pprof, err = pkgconfig.Bool(get, "PPROF", false)
	errs = append(errs, err)
	c.ReplicaIndex, err = replicaIndex(get)
	errs = append(errs, err)
	c.Kafka, err = kafkax.LoadConfig(get, "newsflow-fetcher")
	errs = append(errs, err)
	c.Topics, err = kafkax.LoadTopics(get)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// replicaIndex prefers FETCHER_REPLICA_INDEX and otherwise takes the ordinal a
// StatefulSet puts at the end of the pod's host name ("fetcher-2" -> 2).
func replicaIndex(get pkgconfig.Getenv) (int, error) {
	if strings.TrimSpace(get("FETCHER_REPLICA_INDEX")) != "" {
		return pkgconfig.Int(get, "FETCHER_REPLICA_INDEX", 0)
	}
	if strings.TrimSpace(get("FETCHER_REPLICA_COUNT")) == "" {
		return 0, nil
	}
	host := get("HOSTNAME")
	i := strings.LastIndexByte(host, '-')
	if i < 0 {
		return 0, fmt.Errorf("FETCHER_REPLICA_INDEX unset and HOSTNAME %q has no -<ordinal> suffix", host)
	}
	n, err := strconv.Atoi(host[i+1:])
	if err != nil {
		return 0, fmt.Errorf("FETCHER_REPLICA_INDEX unset and HOSTNAME %q has no -<ordinal> suffix", host)
	}
	return n, nil
}

// Validate checks ranges and cross-field rules.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.FeedsFile != "", "FETCHER_FEEDS: required")
	check(c.MaxBodyBytes > 0, "FETCHER_MAX_BODY_BYTES: must be positive")
	check(c.ConnectTimeout > 0 && c.Timeout > 0, "FETCHER_CONNECT_TIMEOUT and FETCHER_TIMEOUT: must be positive")
	check(c.MaxRedirects >= 0 && c.MaxRedirects <= 20, "FETCHER_MAX_REDIRECTS: want 0..20, got %d", c.MaxRedirects)
	check(c.Concurrency > 0, "FETCHER_CONCURRENCY: must be positive")
	check(c.PerHost > 0, "FETCHER_PER_HOST_CONCURRENCY: must be positive")
	check(c.MinInterval > 0, "FETCHER_MIN_INTERVAL: must be positive")
	check(c.MaxInterval >= c.MinInterval, "FETCHER_MAX_INTERVAL (%s) below FETCHER_MIN_INTERVAL (%s)", c.MaxInterval, c.MinInterval)
	check(c.Interval >= c.MinInterval && c.Interval <= c.MaxInterval, "FETCHER_DEFAULT_INTERVAL %s outside [%s, %s]", c.Interval, c.MinInterval, c.MaxInterval)
	check(c.UnhealthyAfter > 0, "FETCHER_UNHEALTHY_AFTER: must be positive")
	// Records are refreshed when a poll sees them after half the retention;
	// polls come at most MaxInterval apart, so anything shorter could forget
	// articles that are still in their feed.
	check(c.SeenRetention == 0 || c.SeenRetention >= 2*c.MaxInterval,
		"FETCHER_SEEN_RETENTION %s: want 0 (forever) or at least twice FETCHER_MAX_INTERVAL (%s)", c.SeenRetention, 2*c.MaxInterval)
	check(c.ReplicaCount > 0, "FETCHER_REPLICA_COUNT: must be positive")
	check(c.ReplicaIndex >= 0 && c.ReplicaIndex < c.ReplicaCount, "FETCHER_REPLICA_INDEX %d outside [0, %d)", c.ReplicaIndex, c.ReplicaCount)
	check(c.Topics.Raw != c.Topics.FetcherState, "TOPIC_RAW and TOPIC_FETCHER_STATE must differ")
	if _, err := httpfetch.NewGuard(c.AllowHosts); err != nil {
		errs = append(errs, fmt.Errorf("FETCHER_ALLOW_HOSTS: %w", err))
	}
	return errors.Join(errs...)
}

// Dump writes the parsed configuration for -config-dump. The fetcher holds no
// secrets of its own; the Kafka SASL password is never printed.
func (c Config) Dump(w io.Writer) error {
	k := c.Kafka
	sasl := ""
	if k.SASL != nil {
		sasl = k.SASL.Name() + " (credentials REDACTED)"
	}
	_, err := fmt.Fprintf(w, `FETCHER_FEEDS=%s
FETCHER_ALLOW_HOSTS=%s
FETCHER_USER_AGENT=%s
FETCHER_MAX_BODY_BYTES=%d
FETCHER_CONNECT_TIMEOUT=%s
FETCHER_TIMEOUT=%s
FETCHER_MAX_REDIRECTS=%d
FETCHER_CONCURRENCY=%d
FETCHER_PER_HOST_CONCURRENCY=%d
FETCHER_DEFAULT_INTERVAL=%s
FETCHER_MIN_INTERVAL=%s
FETCHER_MAX_INTERVAL=%s
FETCHER_UNHEALTHY_AFTER=%d
FETCHER_SEEN_RETENTION=%s
FETCHER_REPLICA_INDEX=%d
FETCHER_REPLICA_COUNT=%d
TOPIC_RAW=%s
TOPIC_FETCHER_STATE=%s
FETCHER_CREATE_TOPICS=%t
TOPIC_PARTITIONS=%d
TOPIC_REPLICATION_FACTOR=%d
FETCHER_METRICS_ADDR=%s
LOG_FORMAT=%s
LOG_LEVEL=%s
KAFKA_BROKERS=%s
KAFKA_TLS=%t
KAFKA_SASL=%s
`, c.FeedsFile, strings.Join(c.AllowHosts, ","), c.UserAgent, c.MaxBodyBytes, c.ConnectTimeout, c.Timeout,
		c.MaxRedirects, c.Concurrency, c.PerHost, c.Interval, c.MinInterval, c.MaxInterval, c.UnhealthyAfter, c.SeenRetention,
		c.ReplicaIndex, c.ReplicaCount, c.Topics.Raw, c.Topics.FetcherState, c.CreateTopics, c.Topics.Partitions, c.Topics.ReplicationFactor,
		c.MetricsAddr, c.LogFormat, c.LogLevel, strings.Join(k.Brokers, ","), k.TLS != nil, sasl)
	if err != nil {
		return fmt.Errorf("dump config: %w", err)
	}
	return nil
}
