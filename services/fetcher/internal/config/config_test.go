package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if c.Topics.Raw != "news.articles.raw" || c.Topics.FetcherState != "news.fetcher.state" || c.MetricsAddr != "127.0.0.1:9101" ||
		c.Interval != 15*time.Minute || c.ReplicaCount != 1 || len(c.AllowHosts) != 0 {
		t.Errorf("defaults = %+v", c)
	}

	c, err = config.Load(env(map[string]string{
		"FETCHER_FEEDS": "/etc/feeds.yaml", "FETCHER_ALLOW_HOSTS": "127.0.0.1, 10.0.0.0/8",
		"FETCHER_REPLICA_COUNT": "3", "HOSTNAME": "fetcher-2", "FETCHER_MIN_INTERVAL": "5s", "FETCHER_DEFAULT_INTERVAL": "30s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.FeedsFile != "/etc/feeds.yaml" || strings.Join(c.AllowHosts, "|") != "127.0.0.1|10.0.0.0/8" || c.ReplicaIndex != 2 || c.Interval != 30*time.Second {
		t.Errorf("parsed = %+v", c)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"allow-list host name":   {env: map[string]string{"FETCHER_ALLOW_HOSTS": "localhost"}, want: "FETCHER_ALLOW_HOSTS"},
		"replica index too high": {env: map[string]string{"FETCHER_REPLICA_COUNT": "2", "FETCHER_REPLICA_INDEX": "2"}, want: "FETCHER_REPLICA_INDEX"},
		"no ordinal in hostname": {env: map[string]string{"FETCHER_REPLICA_COUNT": "2", "HOSTNAME": "laptop"}, want: "HOSTNAME"},
		"bad duration":           {env: map[string]string{"FETCHER_TIMEOUT": "soon"}, want: "FETCHER_TIMEOUT"},
		"max below min":          {env: map[string]string{"FETCHER_MIN_INTERVAL": "1h", "FETCHER_MAX_INTERVAL": "1m"}, want: "FETCHER_MAX_INTERVAL"},
		"same topics":            {env: map[string]string{"TOPIC_RAW": "x", "TOPIC_FETCHER_STATE": "x"}, want: "must differ"},
		"bad broker":             {env: map[string]string{"KAFKA_BROKERS": "nohostport"}, want: "KAFKA_BROKERS"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := config.Load(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %s", err, tc.want)
			}
		})
	}
}
