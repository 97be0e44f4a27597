package kafkax_test

// Integration tests against a real Apache Kafka broker. They run only when
// KAFKA_BROKERS is set, e.g. after `deploy/local/kafka.sh start`:
//
//	set -a; eval "$(deploy/local/kafka.sh env)"; set +a
//	go test -run Integration -count=1 ./kafkax/
//
// The SASL tests also need KAFKA_SASL_BROKERS (a SASL_PLAINTEXT listener),
// KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; the TLS tests KAFKA_TLS_BROKERS
// (a listener that requires client certificates) and KAFKA_TLS_TEST_DIR (its
// ca.pem, client.pem and client-key.pem). Every run uses fresh topic and
// group names, so the broker's data from earlier runs does not matter.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/kafkax"
)

// integrationConfig returns the settings of the real broker, or skips.
func integrationConfig(t *testing.T) kafkax.Config {
	t.Helper()
	if os.Getenv("KAFKA_BROKERS") == "" {
		t.Skip("KAFKA_BROKERS is not set; start a broker with deploy/local/kafka.sh start")
	}
	cfg, err := kafkax.LoadConfig(os.Getenv, "newsflow-integration-test")
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// unique returns a name no earlier run used, so runs against a broker that
// keeps its data do not see each other's messages or offsets.
func unique(prefix string) string {
	return fmt.Sprintf("it.%s.%d", prefix, time.Now().UnixNano())
}

// ensureTopics creates the topics and deletes them when the test ends, so a
// broker that keeps its data does not pile up test topics.
func ensureTopics(ctx context.Context, t *testing.T, cfg kafkax.Config, tr *kafka.Transport, topics ...kafkax.Topic) {
	t.Helper()
	var names []string
	for _, tp := range topics {
		names = append(names, tp.Name)
	}
	deleteAtEnd(t, cfg, tr, names...)
	if err := kafkax.EnsureTopics(ctx, cfg, tr, topics...); err != nil {
		t.Fatalf("create topics %v: %v", names, err)
	}
}

// deleteAtEnd deletes the topics when the test ends.
func deleteAtEnd(t *testing.T, cfg kafkax.Config, tr *kafka.Transport, names ...string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := cfg.Client(tr).DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: names}); err != nil {
			t.Logf("delete test topics %v: %v", names, err)
		}
	})
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// TestIntegrationEnsureTopics creates a topic with a partition count and a
// topic config, then checks both on the broker, and that a second call with
// other settings neither fails nor changes the existing topic.
func TestIntegrationEnsureTopics(t *testing.T) {
	cfg := integrationConfig(t)
	tr := cfg.Transport()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	name := unique("ensure")
	deleteAtEnd(t, cfg, tr, name)
	spec := kafkax.Topic{Name: name, Partitions: 4, ReplicationFactor: 1,
		Configs: map[string]string{"cleanup.policy": "compact"}}
	if err := kafkax.EnsureTopics(ctx, cfg, tr, spec); err != nil {
		t.Fatalf("create: %v", err)
	}
	again := kafkax.Topic{Name: name, Partitions: 6, ReplicationFactor: 1}
	if err := kafkax.EnsureTopics(ctx, cfg, tr, again); err != nil {
		t.Fatalf("second EnsureTopics of an existing topic: %v", err)
	}

	cl := cfg.Client(tr)
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{name}})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil {
		t.Fatalf("metadata of %s: %+v", name, meta.Topics)
	}
	if got := len(meta.Topics[0].Partitions); got != 4 {
		t.Errorf("%s has %d partitions, want 4", name, got)
	}

	desc, err := cl.DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{Resources: []kafka.DescribeConfigRequestResource{{
		ResourceType: kafka.ResourceTypeTopic, ResourceName: name, ConfigNames: []string{"cleanup.policy"},
	}}})
	if err != nil {
		t.Fatalf("describe configs: %v", err)
	}
	var policy string
	for _, r := range desc.Resources {
		for _, e := range r.ConfigEntries {
			if e.ConfigName == "cleanup.policy" {
				policy = e.ConfigValue
			}
		}
	}
	if policy != "compact" {
		t.Errorf("%s has cleanup.policy %q, want compact", name, policy)
	}
}

// TestIntegrationConsumerContract runs the consume loop against the real
// broker and checks its contract: a failing batch is retried and its offset is
// not committed past it; a consumer stopped mid-stream and replaced by another
// member of the group loses nothing (at-least-once); poison goes to the
// dead-letter topic with its provenance; at the end the group's lag is 0.
func TestIntegrationConsumerContract(t *testing.T) {
	cfg := integrationConfig(t)
	tr := cfg.Transport()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	in, dlq, group := unique("in"), unique("dlq"), unique("group")
	ensureTopics(ctx, t, cfg, tr,
		kafkax.Topic{Name: in, Partitions: 3, ReplicationFactor: 1},
		kafkax.Topic{Name: dlq, Partitions: 1, ReplicationFactor: 1})
	w := kafkax.NewWriter(cfg, tr)
	defer w.Close()

	const n = 600
	const blocker = "good-300" // held back as "unfinished" by the first consumer
	good, poison := map[string]bool{}, map[string]bool{}
	var msgs []kafka.Message
	for i := range n {
		v := fmt.Sprintf("good-%d", i)
		if i%50 == 7 {
			v = fmt.Sprintf("poison-%d", i)
			poison[v] = true
		} else {
			good[v] = true
		}
		msgs = append(msgs, kafka.Message{Topic: in, Key: []byte(strconv.Itoa(i)), Value: []byte(v)})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce: %v", err)
	}

	var mu sync.Mutex
	seen := map[string]int{}
	var held kafka.Message // the blocker, once the first consumer fetched it
	attempts := 0          // how often the first consumer tried the blocker's batch
	handle := func(block bool) kafkax.Handler {
		return func(_ context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
			mu.Lock()
			defer mu.Unlock()
			var bad []kafkax.Poison
			for _, m := range batch {
				v := string(m.Value)
				if block && v == blocker {
					held = m
					attempts++
					return nil, errors.New("store unavailable")
				}
				if strings.HasPrefix(v, "poison") {
					bad = append(bad, kafkax.Poison{Message: m, Err: errors.New("bad json")})
				}
			}
			for _, m := range batch {
				if v := string(m.Value); !strings.HasPrefix(v, "poison") {
					seen[v]++
				}
			}
			return bad, nil
		}
	}
	newConsumer := func() *kafkax.Consumer {
		c, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
			Kafka: cfg, Transport: tr, Topic: in, GroupID: group, DLQTopic: dlq, DLQ: w,
			MaxBatch: 50, MaxWait: 50 * time.Millisecond,
			Logger: testLogger(t), Metrics: prometheus.NewRegistry(), Service: "test",
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	run := func(c *kafkax.Consumer, h kafkax.Handler) (stop func()) {
		runCtx, cancelRun := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(runCtx, h) }()
		return func() {
			cancelRun()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	}

	// First member: stuck on the blocker's batch, which keeps failing.
	stopFirst := run(newConsumer(), handle(true))
	waitFor(ctx, t, "the blocker's batch to be retried", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return attempts >= 2
	})
	committed := committedOffsets(ctx, t, cfg.Client(tr), group, in)
	mu.Lock()
	if off, ok := committed[held.Partition]; ok && off > held.Offset {
		t.Errorf("partition %d committed up to %d past the unfinished message at offset %d",
			held.Partition, off, held.Offset)
	}
	t.Logf("while %s (partition %d, offset %d) failed %d times, the committed offsets were %v",
		blocker, held.Partition, held.Offset, attempts, committed)
	mu.Unlock()
	stopFirst()

	// Second member of the same group: takes over from the committed offsets.
	stopSecond := run(newConsumer(), handle(false))
	waitFor(ctx, t, "lag 0", func() bool {
		lag, err := kafkax.Lag(ctx, cfg.Client(tr), in, group)
		return err == nil && lag == 0
	})
	stopSecond()

	mu.Lock()
	var missing []string
	duplicates := 0
	for v := range good {
		if seen[v] == 0 {
			missing = append(missing, v)
		}
		duplicates += max(seen[v]-1, 0)
	}
	if len(missing) > 0 {
		t.Errorf("%d good messages never handled, e.g. %v", len(missing), missing[:min(len(missing), 5)])
	}
	if len(seen) != len(good) {
		t.Errorf("handled %d distinct messages, want %d", len(seen), len(good))
	}
	if seen[blocker] == 0 {
		t.Errorf("the held-back message %s was never handled", blocker)
	}
	mu.Unlock()
	t.Logf("handled %d distinct good messages (%d redelivered after the hand-over), %d poison",
		len(seen), duplicates, len(poison))

	checkDeadLetters(ctx, t, cfg, dlq, in, poison)
}

// checkDeadLetters reads the dead-letter topic until every poison message was
// found, checking the provenance headers of each.
func checkDeadLetters(ctx context.Context, t *testing.T, cfg kafkax.Config, dlq, source string, poison map[string]bool) {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cfg.Brokers, Topic: dlq, Partition: 0, Dialer: cfg.Dialer()})
	defer r.Close()
	found := map[string]bool{}
	for len(found) < len(poison) {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read dead letters (found %d of %d): %v", len(found), len(poison), err)
		}
		h := map[string]string{}
		for _, hd := range m.Headers {
			h[hd.Key] = string(hd.Value)
		}
		v := string(m.Value)
		if !poison[v] {
			t.Errorf("dead letter %q is not one of the poison messages", v)
			continue
		}
		found[v] = true
		_, perr := strconv.Atoi(h[kafkax.HeaderDLQPartition])
		_, oerr := strconv.ParseInt(h[kafkax.HeaderDLQOffset], 10, 64)
		if h[kafkax.HeaderDLQError] != "bad json" || h[kafkax.HeaderDLQTopic] != source ||
			h[kafkax.HeaderDLQService] != "test" || perr != nil || oerr != nil {
			t.Errorf("dead letter %q has headers %v", v, h)
		}
	}
	t.Logf("%d dead letters with provenance headers", len(found))
}

// committedOffsets returns the group's committed offset per partition;
// partitions without a commit are absent.
func committedOffsets(ctx context.Context, t *testing.T, cl *kafka.Client, group, topic string) map[int]int64 {
	t.Helper()
	res, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: {0, 1, 2}}})
	if err != nil {
		t.Fatalf("offset fetch: %v", err)
	}
	out := map[int]int64{}
	for _, p := range res.Topics[topic] {
		if p.Error == nil && p.CommittedOffset >= 0 {
			out[p.Partition] = p.CommittedOffset
		}
	}
	return out
}

// waitFor polls cond until it holds; ctx bounds the wait, so a broken
// contract fails the test instead of hanging it.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s: %v", what, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestIntegrationSASL connects to the SASL listener with each mechanism, as a
// service would (settings from the environment). The right password gives a
// working connection; a wrong one makes Ping fail promptly with Kafka's
// authentication error instead of hanging.
func TestIntegrationSASL(t *testing.T) {
	integrationConfig(t)
	brokers, user, pass := os.Getenv("KAFKA_SASL_BROKERS"), os.Getenv("KAFKA_SASL_USERNAME"), os.Getenv("KAFKA_SASL_PASSWORD")
	if brokers == "" || user == "" || pass == "" {
		t.Skip("KAFKA_SASL_BROKERS, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are not all set")
	}
	tests := []struct {
		mechanism, password string
		wantErr             error
	}{
		{"SCRAM-SHA-512", pass, nil},
		{"SCRAM-SHA-512", pass + "-wrong", kafka.SASLAuthenticationFailed},
		{"SCRAM-SHA-256", pass, nil},
		{"SCRAM-SHA-256", "wrong", kafka.SASLAuthenticationFailed},
		{"PLAIN", pass, nil},
		{"PLAIN", "wrong", kafka.SASLAuthenticationFailed},
	}
	for _, tt := range tests {
		name := tt.mechanism + "/right"
		if tt.wantErr != nil {
			name = tt.mechanism + "/wrong"
		}
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				"KAFKA_BROKERS":        brokers,
				"KAFKA_SASL_MECHANISM": tt.mechanism,
				"KAFKA_SASL_USERNAME":  user,
				"KAFKA_SASL_PASSWORD":  tt.password,
			}
			cfg, err := kafkax.LoadConfig(func(k string) string { return env[k] }, "newsflow-sasl-test")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			err = cfg.Ping(ctx, cfg.Transport())
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Ping with the right password: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Ping with a wrong password = %v; want %v", err, tt.wantErr)
			}
			t.Logf("wrong password: %v", err)
		})
	}
}

// TestIntegrationSASLRoundTrip produces and consumes through the SCRAM-SHA-512
// listener: the writer's transport and the reader's dialer both authenticate.
func TestIntegrationSASLRoundTrip(t *testing.T) {
	integrationConfig(t)
	brokers, user, pass := os.Getenv("KAFKA_SASL_BROKERS"), os.Getenv("KAFKA_SASL_USERNAME"), os.Getenv("KAFKA_SASL_PASSWORD")
	if brokers == "" || user == "" || pass == "" {
		t.Skip("KAFKA_SASL_BROKERS, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are not all set")
	}
	env := map[string]string{
		"KAFKA_BROKERS": brokers, "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME": user, "KAFKA_SASL_PASSWORD": pass,
	}
	cfg, err := kafkax.LoadConfig(func(k string) string { return env[k] }, "newsflow-sasl-test")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, cfg, "sasl")
}

// roundTrip produces 20 messages and consumes them in a group, through cfg's
// connection settings: the writer's transport and the reader's dialer both
// use them.
func roundTrip(t *testing.T, cfg kafkax.Config, label string) {
	t.Helper()
	tr := cfg.Transport()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	topic, group := unique(label), unique(label+"-group")
	ensureTopics(ctx, t, cfg, tr, kafkax.Topic{Name: topic, Partitions: 1, ReplicationFactor: 1})
	w := kafkax.NewWriter(cfg, tr)
	defer w.Close()
	const n = 20
	for i := range n {
		if err := w.WriteMessages(ctx, kafka.Message{Topic: topic, Key: []byte(strconv.Itoa(i)), Value: []byte(strconv.Itoa(i))}); err != nil {
			t.Fatalf("produce over %s: %v", label, err)
		}
	}

	c, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
		Kafka: cfg, Transport: tr, Topic: topic, GroupID: group, DLQTopic: topic + ".dlq", DLQ: w,
		MaxBatch: 10, MaxWait: 50 * time.Millisecond,
		Logger: testLogger(t), Metrics: prometheus.NewRegistry(), Service: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string]bool{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- c.Run(runCtx, func(_ context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range batch {
				got[string(m.Value)] = true
			}
			return nil, nil
		})
	}()
	waitFor(ctx, t, "lag 0 over "+label, func() bool {
		lag, err := kafkax.Lag(ctx, cfg.Client(tr), topic, group)
		return err == nil && lag == 0
	})
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		t.Errorf("consumed %d distinct messages over %s, want %d", len(got), label, n)
	}
}

// tlsEnv returns the settings a service would get for the TLS listener, or
// skips the test when the broker has none.
func tlsEnv(t *testing.T) map[string]string {
	t.Helper()
	integrationConfig(t)
	brokers, dir := os.Getenv("KAFKA_TLS_BROKERS"), os.Getenv("KAFKA_TLS_TEST_DIR")
	if brokers == "" || dir == "" {
		t.Skip("KAFKA_TLS_BROKERS and KAFKA_TLS_TEST_DIR are not both set")
	}
	return map[string]string{
		"KAFKA_BROKERS":       brokers,
		"KAFKA_TLS":           "true",
		"KAFKA_TLS_CA_FILE":   filepath.Join(dir, "ca.pem"),
		"KAFKA_TLS_CERT_FILE": filepath.Join(dir, "client.pem"),
		"KAFKA_TLS_KEY_FILE":  filepath.Join(dir, "client-key.pem"),
	}
}

// TestIntegrationTLS connects to the mutual-TLS listener as a service would.
// With the private CA and the client certificate Ping works; without the
// client certificate the broker refuses the handshake, and without the CA
// the client refuses the broker's certificate. Each failure is an error from
// Ping, not a hang.
func TestIntegrationTLS(t *testing.T) {
	base := tlsEnv(t)
	tests := []struct {
		name    string
		drop    []string
		wantErr string
	}{
		{name: "ca and client certificate"},
		{name: "no client certificate", drop: []string{"KAFKA_TLS_CERT_FILE", "KAFKA_TLS_KEY_FILE"}, wantErr: "tls"},
		{name: "system roots only", drop: []string{"KAFKA_TLS_CA_FILE"}, wantErr: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(base)
			for _, k := range tt.drop {
				delete(env, k)
			}
			cfg, err := kafkax.LoadConfig(func(k string) string { return env[k] }, "newsflow-tls-test")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			tr := cfg.Transport()
			defer tr.CloseIdleConnections()
			err = cfg.Ping(ctx, tr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Ping: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("Ping succeeded; want a TLS failure")
			case tt.wantErr != "" && !strings.Contains(strings.ToLower(err.Error()), tt.wantErr):
				t.Fatalf("Ping = %v; want an error mentioning %q", err, tt.wantErr)
			case err != nil:
				t.Logf("%s: %v", tt.name, err)
			}
		})
	}
}

// TestIntegrationTLSRoundTrip produces and consumes through the mutual-TLS
// listener.
func TestIntegrationTLSRoundTrip(t *testing.T) {
	env := tlsEnv(t)
	cfg, err := kafkax.LoadConfig(func(k string) string { return env[k] }, "newsflow-tls-test")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, cfg, "tls")
}
