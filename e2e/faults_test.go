package e2e

// Fault tests: the delivery guarantees of the README, checked against a real
// Kafka broker (deploy/local/kafka.sh) while things break. Each test has its
// own topics, consumer groups and store, and leaves the broker running.

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/e2e/loadgen"
	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

// publishArticles generates n articles, publishes them into the raw topic in
// chunks and returns their ids; after sees the count written so far.
func (p *pipeline) publishArticles(ctx context.Context, n int, after func(int)) []string {
	p.t.Helper()
	return p.publishBatch(ctx, "", n, after)
}

// publishBatch is publishArticles for one of several batches: label keeps
// the ids of each batch apart.
func (p *pipeline) publishBatch(ctx context.Context, label string, n int, after func(int)) []string {
	p.t.Helper()
	arts := loadgen.Articles(strings.ReplaceAll(p.topics.Raw, ".raw", "")+label, n, time.Now())
	msgs, err := loadgen.Messages(p.topics.Raw, arts)
	if err != nil {
		p.t.Fatal(err)
	}
	w := kafkax.NewWriter(p.kafka, p.tr)
	defer w.Close()
	start := time.Now()
	if err := loadgen.Publish(ctx, w, msgs, 500, after); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("published %d articles (%d bytes of text on average) in %s", n, avgText(arts), time.Since(start).Round(time.Millisecond))
	ids := make([]string, n)
	for i, a := range arts {
		ids[i] = a.ID
	}
	return ids
}

func avgText(arts []events.RawArticle) int {
	total := 0
	for _, a := range arts {
		total += len(a.Text)
	}
	return total / max(len(arts), 1)
}

// report logs what the services counted.
func (p *pipeline) report() {
	p.t.Helper()
	for _, m := range []struct{ svc, name string }{
		{"enricher", "newsflow_enricher_consumer_messages_total"},
		{"enricher", "newsflow_enricher_consumer_reader_restarts_total"},
		{"enricher", "newsflow_enricher_consumer_retries_total"},
		{"indexer", `newsflow_indexer_articles_written_total{result="inserted"}`},
		{"indexer", `newsflow_indexer_articles_written_total{result="unchanged"}`},
		{"indexer", "newsflow_indexer_consumer_reader_restarts_total"},
		{"indexer", "newsflow_indexer_consumer_retries_total"},
	} {
		p.t.Logf("%s (last process): %s = %v", m.svc, m.name, metricSeries(p.addr[m.svc], m.name))
	}
}

// metricSeries reads one series, labels included, or a metric summed over
// its labels.
func metricSeries(addr, series string) float64 {
	name, labels, ok := strings.Cut(series, "{")
	if !ok {
		return metric(addr, name)
	}
	return metric(addr, name+"{"+labels)
}

// TestIntegrationFaultBrokerKilled kills the broker with SIGKILL in the
// middle of a 20,000-article stream and restarts it with its data: every
// article must end up in the store exactly once.
func TestIntegrationFaultBrokerKilled(t *testing.T) {
	b := needBroker(t)
	p := newPipeline(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	p.createTopics(ctx)
	indexer := p.indexer()
	enricher := p.enricher("enricher")

	const n = 20000
	var restarted sync.WaitGroup
	killed := false
	ids := p.publishArticles(ctx, n, func(written int) {
		if killed || written < n/2 {
			return
		}
		// Kill while the consumers are under way too, not only the publisher.
		waitFor(t, "the enricher to be under way", 2*time.Minute, func() bool {
			return metric(p.addr["enricher"], "newsflow_enricher_consumer_messages_total") >= 2000
		})
		killed = true
		t.Logf("SIGKILL to the broker after %d of %d articles published; enricher had consumed %v, indexer %v",
			written, n, metric(p.addr["enricher"], "newsflow_enricher_consumer_messages_total"),
			metric(p.addr["indexer"], "newsflow_indexer_consumer_messages_total"))
		b.broker(t, "kill")
		// The publisher retries while the broker comes back, like the fetcher.
		restarted.Go(func() {
			if err := b.try(t, "start"); err != nil {
				t.Error(err)
				cancel() // the publisher would wait for nothing
			}
		})
	})
	restarted.Wait()
	if !killed {
		t.Fatal("the broker was never killed")
	}
	p.waitDrained(5 * time.Minute)
	for _, s := range []*proc{indexer, enricher} {
		if s.exited() {
			t.Errorf("%s exited during the test: %v", s.name, s.err)
		}
		if l := firstMatch(s.logs(), "recreating the kafka reader"); l != "" {
			t.Logf("%s watchdog: %s", s.name, l)
		}
	}
	raw, err := p.messages(ctx, p.topics.Raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("raw topic holds %d messages for %d articles (%d written twice by publisher retries)", raw, n, raw-n)
	p.report()
	checkExactlyOnce(t, p.stored(), ids)
	enricher.term(t)
	indexer.term(t)
}

// TestIntegrationFaultServicesKilled kills the enricher and then the indexer
// with SIGKILL while they work through a stream, and restarts them: nothing
// is lost and the replayed duplicates are absorbed.
func TestIntegrationFaultServicesKilled(t *testing.T) {
	b := needBroker(t)
	p := newPipeline(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	p.createTopics(ctx)
	// Each kill comes after 1,500 committed messages plus up to 0.4 s more
	// work, which on a backlog can be 4,000 messages more: the two kills of
	// a service must leave it work still to do.
	const n, killAfter = 24000, 1500
	ids := p.publishArticles(ctx, n, nil)

	start := map[string]func() *proc{"indexer": func() *proc { return p.indexer() }, "enricher": func() *proc { return p.enricher("enricher") }}
	procs := map[string]*proc{}
	consumed := func(svc string) float64 {
		return metric(p.addr[svc], "newsflow_"+svc+"_consumer_messages_total")
	}
	// Each service is killed twice, each time after its current process
	// committed killAfter messages, plus a random part of a batch's
	// time so the kill lands anywhere in the fetch-handle-commit cycle.
	// The indexer starts only when its turn comes: running from the start,
	// it kept up with the enricher and had nothing left to do at its kills.
	// Started late, it faces the whole enriched stream.
	for _, svc := range []string{"enricher", "indexer"} {
		procs[svc] = start[svc]()
		for round := 1; round <= 2; round++ {
			waitFor(t, svc+" to be under way", 3*time.Minute, func() bool { return consumed(svc) >= killAfter })
			time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
			at := consumed(svc)
			procs[svc].kill(t)
			t.Logf("SIGKILL %d to the %s after its process committed %v messages", round, svc, at)
			if lag, err := kafkax.Lag(ctx, p.kafka.Client(p.tr), map[string]string{"enricher": p.topics.Raw, "indexer": p.topics.Enriched}[svc], p.groups[svc]); err != nil || lag == 0 {
				t.Fatalf("%s had nothing left to do at the kill (lag %d, %v); the test needs a longer stream", svc, lag, err)
			}
			procs[svc] = start[svc]()
		}
	}
	enricher, indexer := procs["enricher"], procs["indexer"]

	p.waitDrained(4 * time.Minute)
	p.report()
	enriched, err := p.messages(ctx, p.topics.Enriched)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("enriched topic holds %d messages for %d articles: %d duplicates from replays reached the indexer", enriched, n, enriched-n)
	checkExactlyOnce(t, p.stored(), ids)
	enricher.term(t)
	indexer.term(t)
}

// TestIntegrationFaultPoison mixes 100 poison messages into 10,000 good
// ones: exactly the 100 go to the dead-letter topic, with headers naming
// the error and where they came from, and the 10,000 are indexed.
func TestIntegrationFaultPoison(t *testing.T) {
	b := needBroker(t)
	p := newPipeline(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p.createTopics(ctx)

	const good, bad, maxBytes = 10000, 100, 64 << 10
	arts := loadgen.Articles(strings.TrimSuffix(p.topics.Raw, ".raw"), good, time.Now())
	msgs, err := loadgen.Messages(p.topics.Raw, arts)
	if err != nil {
		t.Fatal(err)
	}
	poison := loadgen.Poison(p.topics.Raw, bad, maxBytes)
	for i, m := range poison {
		at := (i*good)/bad + i + 37 // spread through the stream
		msgs = slices.Insert(msgs, at, m)
	}
	w := kafkax.NewWriter(p.kafka, p.tr)
	defer w.Close()
	if err := loadgen.Publish(ctx, w, msgs, 500, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("published %d messages: %d articles, %d poison", len(msgs), good, bad)

	indexer := p.indexer()
	enricher := p.enricher("enricher", "ENRICHER_MAX_MESSAGE_BYTES="+strconv.Itoa(maxBytes))
	p.waitDrained(4 * time.Minute)
	p.report()

	inDLQ, err := p.messages(ctx, p.topics.DLQ)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dead-letter topic holds %d messages", inDLQ)
	if inDLQ != bad {
		t.Errorf("dead-letter topic holds %d messages, want %d", inDLQ, bad)
	}
	letters := p.readAll(ctx, p.topics.DLQ, int(inDLQ))
	keys := map[string]bool{}
	reasons := map[string]int{}
	for _, m := range letters {
		keys[string(m.Key)] = true
		h := map[string]string{}
		for _, x := range m.Headers {
			h[x.Key] = string(x.Value)
		}
		if h[kafkax.HeaderDLQError] == "" || h[kafkax.HeaderDLQTopic] != p.topics.Raw || h[kafkax.HeaderDLQService] != "enricher" {
			t.Errorf("dead letter %s: headers %v", m.Key, h)
		}
		if _, err := strconv.Atoi(h[kafkax.HeaderDLQPartition]); err != nil {
			t.Errorf("dead letter %s: partition header %q", m.Key, h[kafkax.HeaderDLQPartition])
		}
		if _, err := strconv.ParseInt(h[kafkax.HeaderDLQOffset], 10, 64); err != nil {
			t.Errorf("dead letter %s: offset header %q", m.Key, h[kafkax.HeaderDLQOffset])
		}
		reason := h[kafkax.HeaderDLQError]
		switch {
		case strings.Contains(reason, events.ErrSchemaVersion.Error()):
			reasons["schema version"]++
		case strings.Contains(reason, events.ErrInvalid.Error()):
			reasons["invalid"]++
		case strings.Contains(reason, "exceeds"):
			reasons["oversize"]++
		case strings.Contains(reason, "decode article"):
			reasons["broken json"]++
		default:
			reasons["other: "+reason]++
		}
	}
	t.Logf("dead letters by reason: %v", reasons)
	for _, kind := range []string{"broken json", "schema version", "invalid", "oversize"} {
		if reasons[kind] != bad/4 {
			t.Errorf("%d dead letters for %s, want %d (one kind in four of the poison)", reasons[kind], kind, bad/4)
		}
	}
	for _, m := range poison {
		if !keys[string(m.Key)] {
			t.Errorf("poison message %s is not in the dead-letter topic", m.Key)
		}
	}
	ids := make([]string, len(arts))
	for i, a := range arts {
		ids[i] = a.ID
	}
	checkExactlyOnce(t, p.stored(), ids)
	enricher.term(t)
	indexer.term(t)
}

// readAll reads n messages from every partition of topic, from the start.
func (p *pipeline) readAll(ctx context.Context, topic string, n int) []kafka.Message {
	p.t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: p.kafka.Brokers, Topic: topic, GroupID: topic + "-reader",
		StartOffset: kafka.FirstOffset, MaxWait: 250 * time.Millisecond,
	})
	defer r.Close()
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.FetchMessage(rctx)
		if err != nil {
			p.t.Fatalf("read %s: got %d of %d messages: %v", topic, len(out), n, err)
		}
		out = append(out, m)
	}
	return out
}

// TestIntegrationFaultRebalance has a second enricher join the group during
// the stream and leave it again: the partitions move twice, nothing is lost.
func TestIntegrationFaultRebalance(t *testing.T) {
	b := needBroker(t)
	p := newPipeline(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p.createTopics(ctx)
	const n = 8000
	ids := p.publishBatch(ctx, "a", n/4, nil)

	indexer := p.indexer()
	first := p.enricher("enricher")
	consumed := func(which string) float64 {
		return metric(p.addr[which], "newsflow_enricher_consumer_messages_total")
	}
	waitFor(t, "the first enricher to be under way", 3*time.Minute, func() bool { return consumed("enricher") >= n/8 })
	t.Logf("second enricher joins after the first committed %v of %d", consumed("enricher"), n)
	second := p.enricher("enricher2")
	waitFor(t, "both enrichers to own partitions", 3*time.Minute, func() bool { return p.membersWithPartitions(ctx, p.groups["enricher"]) == 2 })
	// The rest is published at a steady 1,000 a second while the second
	// member works and leaves, so the partitions move back mid-stream
	// however fast the machine is.
	rest := loadgen.Articles(p.topics.Raw+"-b", n-n/4, time.Now())
	msgs, err := loadgen.Messages(p.topics.Raw, rest)
	if err != nil {
		t.Fatal(err)
	}
	published := make(chan error, 1)
	go func() {
		w := kafkax.NewWriter(p.kafka, p.tr)
		defer w.Close()
		_, err := loadgen.PublishAtRate(ctx, w, msgs, 1000, 4)
		published <- err
	}()
	for _, a := range rest {
		ids = append(ids, a.ID)
	}
	waitFor(t, "the second enricher to get partitions and commit", 3*time.Minute, func() bool { return consumed("enricher2") >= 200 })
	byFirst, bySecond := consumed("enricher"), consumed("enricher2")
	second.term(t)
	t.Logf("second enricher left after committing %v (first: %v)", bySecond, byFirst)
	if err := <-published; err != nil {
		t.Fatalf("publish the rest: %v", err)
	}

	p.waitDrained(4 * time.Minute)
	p.report()
	checkExactlyOnce(t, p.stored(), ids)
	first.term(t)
	indexer.term(t)
}

// membersWithPartitions counts the members of a stable group that own at
// least one partition; -1 when the group cannot be described.
func (p *pipeline) membersWithPartitions(ctx context.Context, group string) int {
	resp, err := p.kafka.Client(p.tr).DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil || len(resp.Groups) != 1 || resp.Groups[0].Error != nil || resp.Groups[0].GroupState != "Stable" {
		return -1
	}
	n := 0
	for _, m := range resp.Groups[0].Members {
		for _, tp := range m.MemberAssignments.Topics {
			if len(tp.Partitions) > 0 {
				n++
				break
			}
		}
	}
	return n
}

// TestIntegrationFaultStartBeforeBroker starts the fetcher, enricher and
// indexer while the broker is down: they stay up and unready, then become
// ready and run the pipeline once the broker starts.
func TestIntegrationFaultStartBeforeBroker(t *testing.T) {
	b := needBroker(t)
	p := newPipeline(t, b)
	b.broker(t, "stop")

	feedList := sampleFeeds(t)
	procs := map[string]*proc{
		"indexer":  p.indexer(),
		"enricher": p.enricher("enricher"),
		"fetcher":  p.fetcher(feedList),
	}
	// Kafka stays down for a while: nobody may crash or claim readiness.
	p.stayUnready(procs, 5*time.Second, "while the broker is down")
	for name, s := range procs {
		t.Logf("%s while the broker was down: /readyz %d, %d log lines, first warning: %s",
			name, readyz(p.addr[name]), len(s.logs()), firstMatch(s.logs(), "level=WARN", "level=ERROR"))
	}

	b.broker(t, "start")
	for name, s := range procs {
		waitFor(t, name+" to become ready", time.Minute, func() bool {
			if s.exited() {
				logs := s.logs()
				t.Fatalf("%s exited after the broker came up (%v); its last log line: %s", name, s.err, logs[max(0, len(logs)-1)])
			}
			return readyz(p.addr[name]) == 200
		})
	}
	articles := waitForArticles(t, p.addr["api"], sampleItems, 3*time.Minute)
	t.Logf("after the broker started: %d articles stored through fetcher, enricher and indexer", len(articles))
	if len(articles) != sampleItems {
		t.Errorf("stored %d articles, want %d", len(articles), sampleItems)
	}
	for _, name := range []string{"fetcher", "enricher", "indexer"} {
		procs[name].term(t)
	}
}

// TestIntegrationFaultWrongPassword runs the services against the SASL
// listener with a wrong password: a clear error in the logs, never ready,
// no crash loop, no stack traces, and nothing written anywhere.
func TestIntegrationFaultWrongPassword(t *testing.T) {
	b := needBroker(t)
	if b.saslBrokers == "" || b.saslUser == "" {
		t.Skip("needs KAFKA_SASL_BROKERS and KAFKA_SASL_USERNAME")
	}
	p := newPipeline(t, b)
	feedList := sampleFeeds(t)
	wrong := []string{
		"KAFKA_BROKERS=" + b.saslBrokers, "KAFKA_SASL_MECHANISM=SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME=" + b.saslUser, "KAFKA_SASL_PASSWORD=" + b.saslPassword + "-wrong",
	}
	procs := map[string]*proc{
		"indexer":  p.indexer(wrong...),
		"enricher": p.enricher("enricher", wrong...),
		"fetcher":  p.fetcher(feedList, wrong...),
	}
	// Long enough for several connection attempts and feed polls.
	p.stayUnready(procs, 10*time.Second, "with a wrong password")
	for name, s := range procs {
		logs := s.logs()
		auth := ""
		for _, l := range logs {
			if strings.Contains(l, "level=ERROR") && strings.Contains(l, "SASL Authentication Failed") {
				auth = l
				break
			}
		}
		t.Logf("%s with a wrong password: /readyz %d, %d log lines in 10s, auth error: %s", name, readyz(p.addr[name]), len(logs), auth)
		if auth == "" {
			t.Errorf("%s logged no error naming the failed SASL authentication", name)
		}
		if trace := firstMatch(logs, "goroutine ", "panic:"); trace != "" {
			t.Errorf("%s printed a stack trace: %s", name, trace)
		}
	}

	// Nothing written: the topics were never created (or are empty), the
	// store is empty.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, topic := range []string{p.topics.Raw, p.topics.Enriched, p.topics.DLQ, p.topics.FetcherState} {
		n, err := p.messages(ctx, topic)
		switch {
		case err != nil && strings.Contains(err.Error(), errTopicMissing.Error()):
		case err != nil:
			t.Errorf("count %s: %v", topic, err)
		case n > 0:
			t.Errorf("%d messages written to %s with a wrong password", n, topic)
		}
	}
	if got := p.stored(); len(got) != 0 {
		t.Errorf("%d articles stored with a wrong password", len(got))
	}
	t.Logf("nothing written: topics absent or empty, store empty")
	for _, name := range []string{"fetcher", "enricher", "indexer"} {
		procs[name].term(t)
	}
}

// stayUnready checks, for the given time, that every service answers its
// health server, never reports ready, and never exits: a service that exits
// is crash-looped by its supervisor.
func (p *pipeline) stayUnready(procs map[string]*proc, d time.Duration, why string) {
	p.t.Helper()
	for name := range procs {
		answersReadyz(p.t, name, p.addr[name])
	}
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		for name, s := range procs {
			if code := readyz(p.addr[name]); code == 200 {
				p.t.Errorf("%s reports ready %s", name, why)
			}
			if s.exited() {
				p.t.Fatalf("%s exited %s: %v", name, why, s.err)
			}
		}
	}
}

// answersReadyz waits for a service's health server. A service waiting for
// Kafka must still answer: an unanswered /healthz makes an orchestrator
// restart it, which is a crash loop by another name.
func answersReadyz(t *testing.T, name, addr string) bool {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for readyz(addr) == 0 {
		if time.Now().After(deadline) {
			t.Errorf("%s does not answer /readyz (nor, then, /healthz) while it cannot use Kafka", name)
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

// firstMatch returns the first line containing any of the substrings.
func firstMatch(lines []string, subs ...string) string {
	for _, l := range lines {
		for _, s := range subs {
			if strings.Contains(l, s) {
				return l
			}
		}
	}
	return ""
}
