package poll_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"

	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
	"github.com/newsflow/newsflow/services/fetcher/internal/poll"
	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

// TestKafkaRestartKeepsSeenState publishes through a real (in-process) Kafka
// broker, then starts a second service from the state topic alone, as a
// restarted pod would, and checks that nothing is published twice while a
// changed article still is, as revision 2.
func TestKafkaRestartKeepsSeenState(t *testing.T) {
	brokers := kafkatest.NewCluster(t, topicRaw, topicState)
	cfg := kafkax.Config{Brokers: brokers, ClientID: "fetcher-test"}
	tr := cfg.Transport()
	w := kafkax.NewWriter(cfg, tr)
	t.Cleanup(func() { _ = w.Close() })
	f := newFarm(t)
	feeds := []feedlist.Feed{f.feed("/changing")}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	start := func(set *seen.Set) *poll.Service {
		client, err := httpfetch.New(httpfetch.Options{Allow: []string{"127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := poll.New(poll.Options{
			Feeds: feeds, Client: client, Writer: w, Seen: set, Scheduler: schedule.New(policy, 1),
			TopicRaw: topicRaw, TopicState: topicState, Metrics: prometheus.NewRegistry(), Logger: log,
		})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}

	first := start(seen.NewSet())
	if r := first.PollNow(ctx, 0); r.Result != poll.ResultOK || r.Published != 2 {
		t.Fatalf("first poll = %+v", r)
	}

	// "Restart": a fresh set loaded from the state topic only.
	set := seen.NewSet()
	n, err := seen.Load(ctx, cfg.Client(tr), cfg.Dialer(), brokers, topicState, set, log)
	if err != nil {
		t.Fatalf("load state: %v", err)
	}
	if n != 3 || set.Len() != 2 {
		t.Fatalf("loaded %d records, %d articles; want 3 records (2 articles + validators), 2 articles", n, set.Len())
	}
	second := start(set)
	if r := second.PollNow(ctx, 0); r.Result != poll.ResultNotModified {
		t.Errorf("poll after restart = %+v, want not_modified (validators restored)", r)
	}
	set.SetValidators(f.srv.URL+"/changing", seen.Validators{})
	if r := second.PollNow(ctx, 0); r.Published != 0 || r.Duplicates != 2 {
		t.Errorf("full poll after restart = %+v, want 0 published, 2 duplicates", r)
	}
	f.version.Add(1)
	if r := second.PollNow(ctx, 0); r.Published != 1 {
		t.Errorf("poll after change = %+v, want 1 published", r)
	}

	got := readAll(ctx, t, brokers, topicRaw, 3)
	revs := map[string][]int{}
	for _, m := range got {
		a, err := events.DecodeRaw(m.Value)
		if err != nil {
			t.Fatal(err)
		}
		revs[a.ID] = append(revs[a.ID], a.Revision)
	}
	if len(got) != 3 || len(revs) != 2 {
		t.Fatalf("raw topic holds %d messages for %d ids, want 3 for 2: %v", len(got), len(revs), revs)
	}
}

// readAll reads want messages from every partition of topic.
func readAll(ctx context.Context, t *testing.T, brokers []string, topic string, want int) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	for p := range 3 {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p, MaxWait: 100 * time.Millisecond})
		conn, err := kafka.DialLeader(ctx, "tcp", brokers[0], topic, p)
		if err != nil {
			t.Fatal(err)
		}
		last, err := conn.ReadLastOffset()
		_ = conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := int64(0); i < last; i++ {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("read %s/%d: %v", topic, p, err)
			}
			out = append(out, m)
		}
		_ = r.Close()
	}
	if len(out) != want {
		t.Errorf("read %d messages from %s, want %d", len(out), topic, want)
	}
	return out
}
