package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIntegrationPipelineTLS runs fetcher, enricher and indexer against the
// broker's mutual-TLS listener, configured only through the environment as
// in production: every Kafka path (the fetcher's writer and its compacted
// seen-state, the consumers, the dead-letter writer, topic creation and
// the lag client) must work over TLS with a client certificate, and the
// sample feeds must arrive in the store.
func TestIntegrationPipelineTLS(t *testing.T) {
	b := needBroker(t)
	tlsBrokers, dir := os.Getenv("KAFKA_TLS_BROKERS"), os.Getenv("KAFKA_TLS_TEST_DIR")
	if tlsBrokers == "" || dir == "" {
		t.Skip("needs KAFKA_TLS_BROKERS and KAFKA_TLS_TEST_DIR (deploy/local/kafka.sh env)")
	}
	p := newPipeline(t, b)
	feedList := sampleFeeds(t)
	overTLS := []string{
		"KAFKA_BROKERS=" + tlsBrokers, "KAFKA_TLS=true",
		"KAFKA_TLS_CA_FILE=" + filepath.Join(dir, "ca.pem"),
		"KAFKA_TLS_CERT_FILE=" + filepath.Join(dir, "client.pem"),
		"KAFKA_TLS_KEY_FILE=" + filepath.Join(dir, "client-key.pem"),
	}
	procs := map[string]*proc{
		"indexer":  p.indexer(overTLS...),
		"enricher": p.enricher("enricher", overTLS...),
		"fetcher":  p.fetcher(feedList, overTLS...),
	}
	for name, s := range procs {
		waitFor(t, name+" to become ready over TLS", time.Minute, func() bool {
			if s.exited() {
				s.dump(t, 20)
				t.Fatalf("%s exited: %v", name, s.err)
			}
			return readyz(p.addr[name]) == 200
		})
	}
	articles := waitForArticles(t, p.addr["api"], sampleItems, 2*time.Minute)
	if len(articles) != sampleItems {
		t.Errorf("stored %d articles over TLS, want %d", len(articles), sampleItems)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The seen-state is written after each publish is acknowledged; finding
	// it shows the fetcher's second writer also went over TLS.
	if n, err := p.messages(ctx, p.topics.FetcherState); err != nil || n < sampleItems {
		t.Errorf("fetcher seen-state over TLS: %d messages (%v), want at least %d", n, err, sampleItems)
	}
	t.Logf("over TLS with a client certificate: %d articles stored", len(articles))
	for _, name := range []string{"fetcher", "enricher", "indexer"} {
		if trace := firstMatch(procs[name].logs(), "goroutine ", "panic:"); trace != "" {
			t.Errorf("%s printed a stack trace: %s", name, trace)
		}
		procs[name].term(t)
	}
}
