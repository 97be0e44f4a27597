package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/kafkax"
)

// brokerEnv is the real broker the fault tests run against, as printed by
// deploy/local/kafka.sh env.
type brokerEnv struct {
	ctl          string // deploy/local/kafka.sh
	brokers      string
	saslBrokers  string
	saslUser     string
	saslPassword string
}

// needBroker skips the test unless a real broker is configured, and makes
// sure the broker runs again when the test ends, however it ends.
func needBroker(t *testing.T) brokerEnv {
	t.Helper()
	b := brokerEnv{
		ctl: os.Getenv("KAFKA_CTL"), brokers: os.Getenv("KAFKA_BROKERS"),
		saslBrokers: os.Getenv("KAFKA_SASL_BROKERS"), saslUser: os.Getenv("KAFKA_SASL_USERNAME"),
		saslPassword: os.Getenv("KAFKA_SASL_PASSWORD"),
	}
	if b.ctl == "" || b.brokers == "" {
		t.Skip("needs a real broker: set -a; eval \"$(deploy/local/kafka.sh env)\" (make test-integration does)")
	}
	if testing.Short() {
		t.Skip("fault tests run the whole pipeline against a real broker")
	}
	t.Cleanup(func() {
		if err := exec.Command(b.ctl, "status").Run(); err != nil {
			t.Logf("broker not ready after the test (%v); starting it", err)
			if out, err := exec.Command(b.ctl, "start").CombinedOutput(); err != nil {
				t.Errorf("restart broker: %v\n%s", err, out)
			}
		}
	})
	return b
}

// broker runs deploy/local/kafka.sh with the test's environment (which
// carries any non-default ports and data folder).
func (b brokerEnv) broker(t *testing.T, action string) {
	t.Helper()
	if err := b.try(t, action); err != nil {
		t.Fatal(err)
	}
}

// try is broker for other goroutines than the test's.
func (b brokerEnv) try(t *testing.T, action string) error {
	start := time.Now()
	out, err := exec.Command(b.ctl, action).CombinedOutput()
	if err != nil {
		return fmt.Errorf("kafka.sh %s: %w\n%s", action, err, out)
	}
	t.Logf("kafka.sh %s took %s", action, time.Since(start).Round(100*time.Millisecond))
	return nil
}

// bins compiles the services once for all the tests of the package.
var bins struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bins.dir != "" {
		os.RemoveAll(bins.dir)
	}
	os.Exit(code)
}

func serviceBinaries(t *testing.T) string {
	t.Helper()
	bins.once.Do(func() {
		bins.dir, bins.err = os.MkdirTemp("", "newsflow-e2e-bin")
		if bins.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", bins.dir+string(os.PathSeparator), "./services/fetcher", "./services/enricher", "./services/indexer")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			bins.err = fmt.Errorf("build services: %w\n%s", err, out)
		}
	})
	if bins.err != nil {
		t.Fatal(bins.err)
	}
	return bins.dir
}

// proc is a service process whose log lines are kept in memory: a fault
// test inspects them, and prints their end only when it fails.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the exit, once done is closed

	mu    sync.Mutex
	lines []string
}

func launch(t *testing.T, bin, name string, env []string) *proc {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, strings.Fields(name)[0]))
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	out, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, out)
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			p.dump(t, 30)
		}
	})
	return p
}

func (p *proc) logs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

func (p *proc) dump(t *testing.T, n int) {
	lines := p.logs()
	t.Logf("--- last %d of %d log lines of %s", min(n, len(lines)), len(lines), p.name)
	for _, l := range lines[max(0, len(lines)-n):] {
		t.Logf("[%s] %s", p.name, l)
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL: no shutdown, no flush, no commit.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill %s: %v", p.name, err)
	}
	<-p.done
}

// term sends SIGTERM and expects a clean exit.
func (p *proc) term(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal %s: %v", p.name, err)
		return
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s exited with %v after SIGTERM, want a clean exit", p.name, p.err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s of SIGTERM", p.name)
	}
}

// pipeline is one fault test's enricher and indexer (and optionally fetcher)
// with topics, consumer groups, store and ports of its own.
type pipeline struct {
	t      *testing.T
	b      brokerEnv
	bin    string
	topics kafkax.Topics
	groups map[string]string // consumer group by service
	store  string
	addr   map[string]string // metrics of enricher, enricher2, indexer, fetcher; api
	kafka  kafkax.Config
	tr     *kafka.Transport
}

func newPipeline(t *testing.T, b brokerEnv) *pipeline {
	t.Helper()
	run := fmt.Sprintf("ft-%s-%d", strings.TrimPrefix(t.Name(), "TestIntegrationFault"), time.Now().UnixNano())
	p := &pipeline{
		t: t, b: b, bin: serviceBinaries(t),
		topics: kafkax.Topics{
			Raw: run + ".raw", Enriched: run + ".enriched", DLQ: run + ".dlq", FetcherState: run + ".state",
			Partitions: 3, ReplicationFactor: 1,
		},
		groups: map[string]string{"enricher": run + "-enricher", "indexer": run + "-indexer"},
		store:  "sqlite:" + filepath.Join(t.TempDir(), "newsflow.db"),
		addr:   map[string]string{},
		kafka:  kafkax.Config{Brokers: strings.Split(b.brokers, ","), ClientID: "fault-test"},
	}
	for _, name := range []string{"enricher", "enricher2", "indexer", "fetcher", "api"} {
		p.addr[name] = freeAddr(t)
	}
	p.tr = p.kafka.Transport()
	t.Cleanup(p.tr.CloseIdleConnections)
	return p
}

// env is what every service of the pipeline gets.
func (p *pipeline) env(extra ...string) []string {
	return append([]string{
		"KAFKA_BROKERS=" + p.b.brokers, "LOG_FORMAT=text", "LOG_LEVEL=info",
		"TOPIC_RAW=" + p.topics.Raw, "TOPIC_ENRICHED=" + p.topics.Enriched, "TOPIC_DLQ=" + p.topics.DLQ,
		"TOPIC_FETCHER_STATE=" + p.topics.FetcherState, "TOPIC_PARTITIONS=3",
	}, extra...)
}

// enricher starts an enricher; which is "enricher" or "enricher2" (its
// metrics address), both in the same consumer group.
func (p *pipeline) enricher(which string, extra ...string) *proc {
	name := "enricher"
	if which != "enricher" {
		name = "enricher " + which // the binary is the first word
	}
	return launch(p.t, p.bin, name, p.env(append([]string{
		"ENRICHER_METRICS_ADDR=" + p.addr[which], "ENRICHER_GROUP=" + p.groups["enricher"],
	}, extra...)...))
}

// fetcher starts a fetcher that polls feedList, as made by sampleFeeds.
func (p *pipeline) fetcher(feedList string, extra ...string) *proc {
	return launch(p.t, p.bin, "fetcher", p.env(append([]string{
		"FETCHER_METRICS_ADDR=" + p.addr["fetcher"], "FETCHER_FEEDS=" + feedList,
		"FETCHER_ALLOW_HOSTS=127.0.0.1", "FETCHER_MIN_INTERVAL=1s",
	}, extra...)...))
}

func (p *pipeline) indexer(extra ...string) *proc {
	return launch(p.t, p.bin, "indexer", p.env(append([]string{
		"INDEXER_METRICS_ADDR=" + p.addr["indexer"], "INDEXER_HTTP_ADDR=" + p.addr["api"],
		"INDEXER_GROUP=" + p.groups["indexer"], "INDEXER_STORE=" + p.store,
	}, extra...)...))
}

// createTopics creates the pipeline's topics as the services would, so the
// load generator can publish before they are up.
func (p *pipeline) createTopics(ctx context.Context) {
	p.t.Helper()
	ts := p.topics
	if err := kafkax.EnsureTopics(ctx, p.kafka, p.tr, ts.Spec(ts.Raw), ts.Spec(ts.Enriched), ts.Spec(ts.DLQ)); err != nil {
		p.t.Fatal(err)
	}
}

// messages counts the messages in a topic (end minus start offsets).
func (p *pipeline) messages(ctx context.Context, topic string) (int64, error) {
	cl := p.kafka.Client(p.tr)
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, err
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil {
		return 0, fmt.Errorf("topic %s: %w", topic, errTopicMissing)
	}
	var reqs []kafka.OffsetRequest
	for _, part := range meta.Topics[0].Partitions {
		reqs = append(reqs, kafka.FirstOffsetOf(part.ID), kafka.LastOffsetOf(part.ID))
	}
	offs, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, part := range offs.Topics[topic] {
		if part.Error != nil {
			return 0, part.Error
		}
		n += part.LastOffset - part.FirstOffset
	}
	return n, nil
}

var errTopicMissing = errors.New("no such topic")

// waitDrained waits until both consumer groups have committed everything:
// the enricher first (its output is then all written), then the indexer
// (which commits only what its store made durable).
func (p *pipeline) waitDrained(within time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	cl := p.kafka.Client(p.tr)
	var lastErr error
	var rawLag, enrichedLag int64 = -1, -1
	for {
		rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
		rawLag, lastErr = kafkax.Lag(rctx, cl, p.topics.Raw, p.groups["enricher"])
		if lastErr == nil && rawLag == 0 {
			enrichedLag, lastErr = kafkax.Lag(rctx, cl, p.topics.Enriched, p.groups["indexer"])
			if lastErr == nil && enrichedLag == 0 {
				rcancel()
				return
			}
		}
		rcancel()
		select {
		case <-ctx.Done():
			p.t.Fatalf("not drained after %s: enricher lag %d, indexer lag %d (last error: %v)", within, rawLag, enrichedLag, lastErr)
		case <-time.After(time.Second):
		}
	}
}

// stored pages through the query API and counts how often each article id
// comes back (more than once would be a duplicate in the store).
func (p *pipeline) stored() map[string]int {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ids := map[string]int{}
	cursor := ""
	for {
		var page struct {
			Articles []struct {
				ID string `json:"id"`
			} `json:"articles"`
			NextCursor string `json:"next_cursor"`
		}
		u := "http://" + p.addr["api"] + "/api/v1/articles?limit=500"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		if err := getJSON(ctx, u, &page); err != nil {
			p.t.Fatalf("list stored articles: %v", err)
		}
		for _, a := range page.Articles {
			ids[a.ID]++
		}
		if page.NextCursor == "" || len(page.Articles) == 0 {
			return ids
		}
		cursor = page.NextCursor
	}
}

// checkExactlyOnce compares the stored ids with the published ones.
func checkExactlyOnce(t *testing.T, stored map[string]int, want []string) {
	t.Helper()
	var missing, dup []string
	wanted := map[string]bool{}
	for _, id := range want {
		wanted[id] = true
		switch n := stored[id]; {
		case n == 0:
			missing = append(missing, id)
		case n > 1:
			dup = append(dup, id)
		}
	}
	extra := 0
	for id := range stored {
		if !wanted[id] {
			extra++
		}
	}
	t.Logf("store: %d distinct articles; published %d; missing %d, stored twice %d, unexpected %d",
		len(stored), len(want), len(missing), len(dup), extra)
	if len(missing) > 0 {
		t.Errorf("%d articles lost, such as %v", len(missing), missing[:min(5, len(missing))])
	}
	if len(dup) > 0 {
		t.Errorf("%d articles stored more than once, such as %v", len(dup), dup[:min(5, len(dup))])
	}
	if extra > 0 {
		t.Errorf("%d unexpected articles in the store", extra)
	}
}

// metric scrapes one metric (summed over labels) without failing the test
// when the service is not up.
func metric(addr, name string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var sum float64
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if rest == "" || (rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v); err == nil {
			sum += v
		}
	}
	return sum
}

// waitFor polls cond every 100 ms until it holds, failing after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readyz returns the status of /readyz, or 0 when nothing answers.
func readyz(addr string) int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
