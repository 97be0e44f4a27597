package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/config"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	backend, target, err := c.StoreTarget()
	if err != nil || backend != config.SQLite || target != "./var/newsflow.db" {
		t.Errorf("store = %s %s %v", backend, target, err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.MetricsAddr != "127.0.0.1:9103" || c.BatchWait != 200*time.Millisecond || !c.Consume {
		t.Errorf("defaults = %+v", c)
	}
}

func TestInvalid(t *testing.T) {
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"store scheme":    {map[string]string{"INDEXER_STORE": "mysql://x"}, "INDEXER_STORE"},
		"sqlite no path":  {map[string]string{"INDEXER_STORE": "sqlite:"}, "INDEXER_STORE"},
		"http addr":       {map[string]string{"INDEXER_HTTP_ADDR": "8080"}, "INDEXER_HTTP_ADDR"},
		"same addrs":      {map[string]string{"INDEXER_HTTP_ADDR": "127.0.0.1:1", "INDEXER_METRICS_ADDR": "127.0.0.1:1"}, "must differ"},
		"batch size":      {map[string]string{"INDEXER_BATCH_SIZE": "0"}, "INDEXER_BATCH_SIZE"},
		"batch wait":      {map[string]string{"INDEXER_BATCH_WAIT": "soon"}, "INDEXER_BATCH_WAIT"},
		"incident memory": {map[string]string{"INDEXER_INCIDENT_ARTICLES": "-1"}, "INDEXER_INCIDENT_ARTICLES"},
		"tile url":        {map[string]string{"INDEXER_MAP_TILE_URL": "https://tiles.example/a.png"}, "INDEXER_MAP_TILE_URL"},
		"country":         {map[string]string{"INDEXER_COVERAGE_COUNTRIES": "PK,India"}, "INDEXER_COVERAGE_COUNTRIES"},
		"store both ways": {map[string]string{"INDEXER_STORE": "sqlite:a", "INDEXER_STORE_FILE": "/x"}, "INDEXER_STORE"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := config.Load(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestDumpRedactsPassword(t *testing.T) {
	c, err := config.Load(env(map[string]string{"INDEXER_STORE": "postgres://app:s3cret@db:5432/newsflow?sslmode=disable"}))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Dump()
	if strings.Contains(d, "s3cret") || !strings.Contains(d, "INDEXER_STORE=postgres://app:REDACTED@db:5432/newsflow") {
		t.Errorf("dump = %s", d)
	}
}
