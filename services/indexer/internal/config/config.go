// Package config owns the indexer's settings: it is the only package that
// reads the environment, and it validates everything before any I/O.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	pkgconfig "github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

// Store backends.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Config is the indexer's configuration.
type Config struct {
	// Store is INDEXER_STORE (or the file named by INDEXER_STORE_FILE):
	// "sqlite:<path>" or a postgres:// URL.
	Store       string
	HTTPAddr    string
	MetricsAddr string
	// Consume turns the Kafka consumer on; replicas that only serve queries
	// over a shared PostgreSQL set it to false.
	Consume    bool
	GroupID    string
	BatchSize  int
	BatchWait  time.Duration
	PGMaxConns int
	// IncidentArticles bounds the incident assigner's memory: the articles
	// of the incidents it keeps loaded (the clustering window's days stay
	// whatever their size).
	IncidentArticles int
	// TileURL is an optional slippy-map tile template for the map page,
	// such as https://tile.example/{z}/{x}/{y}.png; empty draws outlines only.
	TileURL           string
	CoverageCountries []string
	LogFormat         string
	LogLevel          string
	// Pprof serves /debug/pprof/ on the metrics address (PPROF).
	Pprof  bool
	Kafka  kafkax.Config
	Topics kafkax.Topics
}

// Load reads and validates the configuration.
func Load(get pkgconfig.Getenv) (Config, error) {
	c := Config{
		HTTPAddr:          pkgconfig.String(get, "INDEXER_HTTP_ADDR", "127.0.0.1:8080"),
		MetricsAddr:       pkgconfig.String(get, "INDEXER_METRICS_ADDR", "127.0.0.1:9103"),
		GroupID:           pkgconfig.String(get, "INDEXER_GROUP", "newsflow-indexer"),
		TileURL:           pkgconfig.String(get, "INDEXER_MAP_TILE_URL", ""),
		CoverageCountries: pkgconfig.List(get, "INDEXER_COVERAGE_COUNTRIES", []string{"AF", "BD", "BT", "IN", "LK", "MV", "NP", "PK"}),
		LogFormat:         pkgconfig.String(get, "LOG_FORMAT", "json"),
		LogLevel:          pkgconfig.String(get, "LOG_LEVEL", "info"),
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	c.Store, err = pkgconfig.Secret(get, "INDEXER_STORE")
	add(err)
	if c.Store == "" {
		c.Store = "sqlite:./var/newsflow.db"
	}
	c.Consume, err = pkgconfig.Bool(get, "INDEXER_CONSUME", true)
	add(err)
	c.BatchSize, err = pkgconfig.Int(get, "INDEXER_BATCH_SIZE", 1000)
	add(err)
	c.BatchWait, err = pkgconfig.Duration(get, "INDEXER_BATCH_WAIT", 200*time.Millisecond)
	add(err)
	c.PGMaxConns, err = pkgconfig.Int(get, "INDEXER_PG_MAX_CONNS", 8)
	add(err)
	c.IncidentArticles, err = pkgconfig.Int(get, "INDEXER_INCIDENT_ARTICLES", 100_000)
	add(err)
	c.Pprof, err = pkgconfig.Bool(get, "PPROF", false)
	add(err)
	c.Kafka, err = kafkax.LoadConfig(get, "newsflow-indexer")
	add(err)
	c.Topics, err = kafkax.LoadTopics(get)
	add(err)
	add(c.Validate())
	return c, errors.Join(errs...)
}

// Validate checks values and cross-field rules.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := c.StoreTarget(); err != nil {
		errs = append(errs, err)
	}
	for name, addr := range map[string]string{"INDEXER_HTTP_ADDR": c.HTTPAddr, "INDEXER_METRICS_ADDR": c.MetricsAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not host:port", name, addr))
		}
	}
	if c.HTTPAddr == c.MetricsAddr && !strings.HasSuffix(c.HTTPAddr, ":0") {
		errs = append(errs, errors.New("INDEXER_HTTP_ADDR and INDEXER_METRICS_ADDR must differ"))
	}
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		errs = append(errs, fmt.Errorf("INDEXER_BATCH_SIZE: %d is not from 1 to 10000", c.BatchSize))
	}
	if c.BatchWait <= 0 {
		errs = append(errs, fmt.Errorf("INDEXER_BATCH_WAIT: %s must be positive", c.BatchWait))
	}
	if c.PGMaxConns < 1 {
		errs = append(errs, fmt.Errorf("INDEXER_PG_MAX_CONNS: %d must be positive", c.PGMaxConns))
	}
	if c.IncidentArticles <= 0 {
		errs = append(errs, fmt.Errorf("INDEXER_INCIDENT_ARTICLES: %d must be positive", c.IncidentArticles))
	}
	if c.TileURL != "" {
		u, err := url.Parse(c.TileURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.Contains(c.TileURL, "{z}") ||
			!strings.Contains(c.TileURL, "{x}") || !strings.Contains(c.TileURL, "{y}") {
			errs = append(errs, errors.New("INDEXER_MAP_TILE_URL: want an http(s) URL template with {z}, {x} and {y}"))
		}
	}
	for _, cc := range c.CoverageCountries {
		if len(cc) != 2 {
			errs = append(errs, fmt.Errorf("INDEXER_COVERAGE_COUNTRIES: %q is not a two-letter code", cc))
		}
	}
	if len(c.CoverageCountries) > 50 {
		errs = append(errs, errors.New("INDEXER_COVERAGE_COUNTRIES: at most 50 countries, to keep metric labels bounded"))
	}
	return errors.Join(errs...)
}

// StoreTarget splits Store into the backend and its target: a file path for
// SQLite, the DSN for PostgreSQL.
func (c Config) StoreTarget() (backend, target string, err error) {
	switch {
	case strings.HasPrefix(c.Store, "sqlite:"):
		path := strings.TrimPrefix(c.Store, "sqlite:")
		if path == "" {
			return "", "", errors.New("INDEXER_STORE: sqlite: needs a file path, such as sqlite:./var/newsflow.db")
		}
		return SQLite, path, nil
	case strings.HasPrefix(c.Store, "postgres://"), strings.HasPrefix(c.Store, "postgresql://"):
		if _, err := url.Parse(c.Store); err != nil {
			return "", "", errors.New("INDEXER_STORE: not a valid postgres:// URL")
		}
		return Postgres, c.Store, nil
	}
	return "", "", errors.New("INDEXER_STORE: want sqlite:<path> or a postgres:// URL")
}

// Dump is the configuration as printed by -config-dump: the store URL's
// password is redacted.
func (c Config) Dump() string {
	store := c.Store
	if u, err := url.Parse(c.Store); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			store = u.String()
		}
	}
	if u, err := url.Parse(store); err == nil {
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "REDACTED")
			u.RawQuery = q.Encode()
			store = u.String()
		}
	}
	var b strings.Builder
	row := func(k string, v any) { fmt.Fprintf(&b, "%s=%v\n", k, v) }
	row("INDEXER_STORE", store)
	row("INDEXER_HTTP_ADDR", c.HTTPAddr)
	row("INDEXER_METRICS_ADDR", c.MetricsAddr)
	row("INDEXER_CONSUME", c.Consume)
	row("INDEXER_GROUP", c.GroupID)
	row("INDEXER_BATCH_SIZE", c.BatchSize)
	row("INDEXER_BATCH_WAIT", c.BatchWait)
	row("INDEXER_PG_MAX_CONNS", c.PGMaxConns)
	row("INDEXER_INCIDENT_ARTICLES", c.IncidentArticles)
	row("INDEXER_MAP_TILE_URL", c.TileURL)
	row("INDEXER_COVERAGE_COUNTRIES", strings.Join(c.CoverageCountries, ","))
	row("LOG_FORMAT", c.LogFormat)
	row("LOG_LEVEL", c.LogLevel)
	row("KAFKA_BROKERS", strings.Join(c.Kafka.Brokers, ","))
	row("KAFKA_TLS", c.Kafka.TLS != nil)
	row("KAFKA_SASL", c.Kafka.SASL != nil)
	row("TOPIC_ENRICHED", c.Topics.Enriched)
	row("TOPIC_DLQ", c.Topics.DLQ)
	return b.String()
}
