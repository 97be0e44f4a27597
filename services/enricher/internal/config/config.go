// Package config owns the enricher's settings: what it reads from the
// environment, the defaults, and the rules checked before any I/O.
package config

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

// Config is the enricher's whole configuration.
type Config struct {
	Kafka  kafkax.Config
	Topics kafkax.Topics
	// Group is the consumer group on the raw topic (ENRICHER_GROUP).
	Group string
	// MetricsAddr serves /metrics, /healthz and /readyz (ENRICHER_METRICS_ADDR).
	MetricsAddr string
	// BatchSize and BatchWait bound one consume batch (ENRICHER_BATCH_SIZE,
	// ENRICHER_BATCH_WAIT).
	BatchSize int
	BatchWait time.Duration
	// MaxMessageBytes rejects oversize raw messages to the dead-letter topic
	// (ENRICHER_MAX_MESSAGE_BYTES).
	MaxMessageBytes int
	LogFormat       string // LOG_FORMAT: json or text
	LogLevel        string // LOG_LEVEL
	Pprof           bool   // PPROF: serve /debug/pprof/ on the metrics address
}

// Load reads and validates the configuration.
func Load(get config.Getenv) (Config, error) {
	c := Config{
		Group:       config.String(get, "ENRICHER_GROUP", "newsflow-enricher"),
		MetricsAddr: config.String(get, "ENRICHER_METRICS_ADDR", "127.0.0.1:9102"),
		LogFormat:   config.String(get, "LOG_FORMAT", "json"),
		LogLevel:    config.String(get, "LOG_LEVEL", "info"),
	}
	errs := make([]error, 6)
	c.Kafka, errs[0] = kafkax.LoadConfig(get, "newsflow-enricher")
	c.Topics, errs[1] = kafkax.LoadTopics(get)
	c.BatchSize, errs[2] = config.Int(get, "ENRICHER_BATCH_SIZE", 256)
	c.BatchWait, errs[3] = config.Duration(get, "ENRICHER_BATCH_WAIT", 20*time.Millisecond)
	c.MaxMessageBytes, errs[4] = config.Int(get, "ENRICHER_MAX_MESSAGE_BYTES", 1<<20)
	c.Pprof, errs[5] = config.Bool(get, "PPROF", false)
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.validate()
}

func (c Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
		errs = append(errs, fmt.Errorf("ENRICHER_METRICS_ADDR: %q is not host:port", c.MetricsAddr))
	}
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		errs = append(errs, fmt.Errorf("ENRICHER_BATCH_SIZE: %d is outside 1..10000", c.BatchSize))
	}
	if c.BatchWait <= 0 {
		errs = append(errs, errors.New("ENRICHER_BATCH_WAIT must be positive"))
	}
	if c.MaxMessageBytes < 1024 {
		errs = append(errs, fmt.Errorf("ENRICHER_MAX_MESSAGE_BYTES: %d is below 1024", c.MaxMessageBytes))
	}
	if c.Topics.Raw == c.Topics.Enriched {
		errs = append(errs, errors.New("TOPIC_RAW and TOPIC_ENRICHED must differ"))
	}
	return errors.Join(errs...)
}
