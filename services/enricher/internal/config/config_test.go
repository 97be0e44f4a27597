package config_test

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/internal/config"
)

func TestLoad(t *testing.T) {
	tests := map[string]struct {
		env     map[string]string
		wantErr bool
		check   func(t *testing.T, c config.Config)
	}{
		"defaults": {env: map[string]string{}, check: func(t *testing.T, c config.Config) {
			if c.MetricsAddr != "127.0.0.1:9102" || c.Topics.Raw != "news.articles.raw" || c.BatchWait != 20*time.Millisecond {
				t.Errorf("unexpected defaults: %+v", c)
			}
		}},
		"overrides": {env: map[string]string{"ENRICHER_BATCH_SIZE": "64", "TOPIC_ENRICHED": "x.enriched"}, check: func(t *testing.T, c config.Config) {
			if c.BatchSize != 64 || c.Topics.Enriched != "x.enriched" {
				t.Errorf("overrides ignored: %+v", c)
			}
		}},
		"bad batch":        {env: map[string]string{"ENRICHER_BATCH_SIZE": "0"}, wantErr: true},
		"bad addr":         {env: map[string]string{"ENRICHER_METRICS_ADDR": "9102"}, wantErr: true},
		"same topics":      {env: map[string]string{"TOPIC_ENRICHED": "news.articles.raw"}, wantErr: true},
		"bad broker":       {env: map[string]string{"KAFKA_BROKERS": "localhost"}, wantErr: true},
		"sasl no password": {env: map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "u"}, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := config.Load(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}
