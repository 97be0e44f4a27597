// Command bench measures the whole pipeline end to end: it starts the
// enricher and indexer as processes (and the embedded broker, unless it is
// given a real Kafka), publishes synthetic raw articles from e2e/loadgen into
// the raw topic, and reads from the store when each article became durable
// (the indexer's indexed_at column). It prints one machine-readable line:
//
//	case=kfake-sqlite partitions=3 instances=1 rate=0 articles=N seconds=S articles_per_second=R p50_ms=A p99_ms=B enricher_rss_mb=X indexer_rss_mb=Y broker_rss_mb=Z enricher_cpu_us_per_article=C indexer_cpu_us_per_article=D broker_cpu_us_per_article=E
//
// Latency is from the producer's acknowledgement of an article to its
// indexed_at; throughput is articles over the time from the first publish
// to the last indexed_at. Peak resident memory is each process's VmHWM; CPU
// per article is each service's CPU time over the measured run, divided by
// N.
//
// Run it from the e2e module after `make build` (see `make bench-e2e`).
package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/segmentio/kafka-go"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/newsflow/newsflow/e2e/loadgen"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	n          int
	warm       int
	rate       int
	partitions int
	instances  int
	brokers    string // empty: start bin/devkafka
	store      string // sqlite or a postgres:// URL
	bin        string
	timeout    time.Duration
	keep       bool
	env        []string // extra service settings, such as INDEXER_BATCH_WAIT=100ms
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 20000, "articles to publish and measure")
	fs.IntVar(&o.warm, "warm", 300, "articles published and indexed before measuring, so group joins and caches are done")
	fs.IntVar(&o.rate, "rate", 0, "articles per second to publish; 0 publishes as fast as possible")
	fs.IntVar(&o.partitions, "partitions", 3, "partitions of the run's topics")
	fs.IntVar(&o.instances, "instances", 1, "enricher and indexer processes each (one consumer group per service)")
	fs.StringVar(&o.brokers, "brokers", "", "a running Kafka (host:port,...); empty starts the embedded broker bin/devkafka")
	fs.StringVar(&o.store, "store", "sqlite", `"sqlite" (a fresh file) or a postgres:// URL`)
	fs.StringVar(&o.bin, "bin", "../bin", "directory holding enricher, indexer and devkafka")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	fs.BoolVar(&o.keep, "keep", false, "keep the run's directory (logs, SQLite file)")
	fs.Func("env", "NAME=value for every service, such as INDEXER_BATCH_WAIT=100ms (repeatable)", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("%q is not NAME=value", v)
		}
		o.env = append(o.env, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.n < 1 || o.partitions < 1 || o.instances < 1 || o.rate < 0 || o.warm < 0 {
		return errors.New("-n, -partitions and -instances must be positive, -rate and -warm not negative")
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "newsflow-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(stderr, "bench: run directory", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	b := &bench{o: o, dir: dir, run: fmt.Sprintf("bench%d", time.Now().Unix()), stderr: stderr}
	defer b.stopAll()
	line, err := b.measure(ctx)
	if err != nil {
		b.dumpLogs()
		return err
	}
	_, err = fmt.Fprintln(stdout, line)
	return err
}

type bench struct {
	o      options
	dir    string
	run    string
	stderr io.Writer
	procs  []*proc
	kafka  kafkax.Config
	topics kafkax.Topics
	db     *sql.DB
	pg     bool
}

type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func (b *bench) measure(ctx context.Context) (string, error) {
	brokers := b.o.brokers
	broker := "kafka"
	if brokers == "" {
		addr, err := freeAddr()
		if err != nil {
			return "", err
		}
		if _, err := b.start("devkafka", nil, "-addr", addr, "-partitions", strconv.Itoa(b.o.partitions)); err != nil {
			return "", err
		}
		brokers, broker = addr, "kfake"
	}
	b.kafka = kafkax.Config{Brokers: strings.Split(brokers, ","), ClientID: "newsflow-bench"}
	b.topics = kafkax.Topics{Raw: b.run + ".raw", Enriched: b.run + ".enriched", DLQ: b.run + ".dlq", FetcherState: b.run + ".state",
		Partitions: b.o.partitions, ReplicationFactor: 1}
	tr := b.kafka.Transport()
	defer tr.CloseIdleConnections()
	ts := b.topics
	if err := waitFor(ctx, "topics", func() error {
		return kafkax.EnsureTopics(ctx, b.kafka, tr, ts.Spec(ts.Raw), ts.Spec(ts.Enriched), ts.Spec(ts.DLQ))
	}); err != nil {
		return "", err
	}

	storeURL, storeName := b.o.store, "postgres"
	if b.o.store == "sqlite" {
		storeURL, storeName = "sqlite:"+filepath.Join(b.dir, "newsflow.db"), "sqlite"
	} else {
		// A database of the run's own: the articles and incidents of earlier
		// runs would otherwise join this run's working set.
		var err error
		if storeURL, err = createDatabase(ctx, b.o.store, b.run); err != nil {
			return "", err
		}
		if !b.o.keep {
			defer dropDatabase(b.o.store, b.run, b.stderr)
		}
	}
	env := []string{"KAFKA_BROKERS=" + brokers, "LOG_FORMAT=text", "LOG_LEVEL=info",
		"TOPIC_RAW=" + ts.Raw, "TOPIC_ENRICHED=" + ts.Enriched, "TOPIC_DLQ=" + ts.DLQ, "TOPIC_FETCHER_STATE=" + ts.FetcherState,
		"TOPIC_PARTITIONS=" + strconv.Itoa(b.o.partitions),
		"ENRICHER_GROUP=" + b.run + "-enricher", "INDEXER_GROUP=" + b.run + "-indexer", "INDEXER_STORE=" + storeURL}
	env = append(env, b.o.env...)
	var metrics []string
	for i := range b.o.instances {
		for _, svc := range []string{"enricher", "indexer"} {
			m, err := freeAddr()
			if err != nil {
				return "", err
			}
			extra := []string{strings.ToUpper(svc) + "_METRICS_ADDR=" + m}
			if svc == "indexer" {
				api, err := freeAddr()
				if err != nil {
					return "", err
				}
				extra = append(extra, "INDEXER_HTTP_ADDR="+api)
			}
			if _, err := b.start(svc, append(slices.Clone(env), extra...)); err != nil {
				return "", err
			}
			metrics = append(metrics, m)
			if i == 0 && svc == "indexer" {
				// Let the first indexer create the schema before others race it.
				if err := waitFor(ctx, "indexer ready", func() error { return ready(ctx, m) }); err != nil {
					return "", err
				}
			}
		}
	}
	for _, m := range metrics {
		if err := waitFor(ctx, "services ready", func() error { return ready(ctx, m) }); err != nil {
			return "", err
		}
	}
	if err := b.openStore(storeURL); err != nil {
		return "", err
	}
	defer b.db.Close()

	w := kafkax.NewWriter(b.kafka, tr)
	defer w.Close()
	if b.o.warm > 0 {
		warm := loadgen.Articles(b.run+"w", b.o.warm, time.Now())
		msgs, err := loadgen.Messages(ts.Raw, warm)
		if err != nil {
			return "", err
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			return "", fmt.Errorf("publish warm-up articles: %w", err)
		}
		if _, err := b.await(ctx, b.run+"w", b.o.warm); err != nil {
			return "", fmt.Errorf("warm-up: %w", err)
		}
	}

	arts := loadgen.Articles(b.run, b.o.n, time.Now())
	msgs, err := loadgen.Messages(ts.Raw, arts)
	if err != nil {
		return "", err
	}
	index := make(map[string]int, len(msgs))
	for i, m := range msgs {
		index[string(m.Key)] = i
	}
	cpu0 := b.cpu()
	start := time.Now()
	// The enricher's finish, from the enriched topic's end offsets, splits
	// the time between the two stages.
	enrichedBy := make(chan time.Time, 1)
	go func() {
		t, err := b.awaitTopic(ctx, tr, ts.Enriched, int64(b.o.warm+b.o.n))
		if err != nil {
			fmt.Fprintln(b.stderr, "bench: watch enriched topic:", err)
		}
		enrichedBy <- t
	}()
	acked, err := loadgen.PublishAtRate(ctx, w, msgs, b.o.rate, 16)
	if err != nil {
		return "", err
	}
	published := time.Since(start)
	indexed, err := b.await(ctx, b.run, b.o.n)
	if err != nil {
		return "", err
	}
	var lat []time.Duration
	var last time.Time
	for id, at := range indexed {
		i, ok := index[id]
		if !ok {
			return "", fmt.Errorf("stored id %s was never published", id)
		}
		lat = append(lat, at.Sub(acked[i]))
		if at.After(last) {
			last = at
		}
	}
	slices.Sort(lat)
	secs := last.Sub(start).Seconds()
	fmt.Fprintf(b.stderr, "bench: published %d articles in %s (%.0f/s)\n", b.o.n, published.Round(time.Millisecond), float64(b.o.n)/published.Seconds())

	enrichedSecs := -1.0
	if t := <-enrichedBy; !t.IsZero() {
		enrichedSecs = t.Sub(start).Seconds()
	}
	line := fmt.Sprintf("case=%s-%s partitions=%d instances=%d rate=%d articles=%d seconds=%.2f articles_per_second=%.0f p50_ms=%.0f p99_ms=%.0f enriched_seconds=%.2f",
		broker, storeName, b.o.partitions, b.o.instances, b.o.rate, len(lat), secs, float64(len(lat))/secs,
		ms(quantile(lat, 0.50)), ms(quantile(lat, 0.99)), enrichedSecs)
	cpu := b.cpu()
	peaks := map[string]int64{}
	for _, p := range b.procs {
		peaks[p.name] = max(peaks[p.name], peakRSS(p.cmd.Process.Pid))
	}
	for _, name := range []string{"enricher", "indexer", "devkafka"} {
		if kb, ok := peaks[name]; ok {
			line += fmt.Sprintf(" %s_rss_mb=%.0f", strings.Replace(name, "devkafka", "broker", 1), float64(kb)/1024)
		}
	}
	// CPU per article is steadier than the rate on a shared machine, and
	// says which stage costs what.
	for _, name := range []string{"enricher", "indexer", "devkafka"} {
		if d, ok := cpu[name]; ok {
			line += fmt.Sprintf(" %s_cpu_us_per_article=%.0f", strings.Replace(name, "devkafka", "broker", 1),
				float64((d-cpu0[name]).Microseconds())/float64(b.o.n))
		}
	}
	return line, nil
}

// cpu is the user and system CPU time of each service so far, summed over
// its instances.
func (b *bench) cpu() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range b.procs {
		out[p.name] += cpuTime(p.cmd.Process.Pid)
	}
	return out
}

// createDatabase creates the database name on the server of serverURL and
// returns serverURL naming it instead.
func createDatabase(ctx context.Context, serverURL, name string) (string, error) {
	db, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", serverURL, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", serverURL, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabase drops the run's database, closing what still uses it.
func dropDatabase(serverURL, name string, stderr io.Writer) {
	db, err := sql.Open("pgx", serverURL)
	if err == nil {
		_, err = db.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
		db.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: drop database %s: %v\n", name, err)
	}
}

func (b *bench) openStore(storeURL string) error {
	var err error
	if strings.HasPrefix(storeURL, "sqlite:") {
		path := strings.TrimPrefix(storeURL, "sqlite:")
		b.db, err = sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	} else {
		b.db, err = sql.Open("pgx", storeURL)
		b.pg = true
	}
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	return nil
}

// await polls the store until n articles whose ids start with prefix+"-"
// are stored, and returns when each became durable.
func (b *bench) await(ctx context.Context, prefix string, n int) (map[string]time.Time, error) {
	lo, hi := prefix+"-", prefix+"." // '.' follows '-': the range holds exactly the prefix's ids
	count := "SELECT COUNT(*) FROM articles WHERE id >= ? AND id < ?"
	list := "SELECT id, indexed_at FROM articles WHERE id >= ? AND id < ?"
	if b.pg {
		count = "SELECT COUNT(*) FROM articles WHERE id >= $1 AND id < $2"
		list = "SELECT id, (EXTRACT(EPOCH FROM indexed_at) * 1000000)::bigint FROM articles WHERE id >= $1 AND id < $2"
	}
	seen, lastChange := -1, time.Now()
	for {
		var got int
		if err := b.db.QueryRowContext(ctx, count, lo, hi).Scan(&got); err != nil && !strings.Contains(err.Error(), "no such table") {
			return nil, fmt.Errorf("count stored articles: %w", err)
		}
		if got >= n {
			break
		}
		if got != seen {
			seen, lastChange = got, time.Now()
		} else if time.Since(lastChange) > 2*time.Minute {
			return nil, fmt.Errorf("stuck at %d of %d stored articles for 2 minutes", got, n)
		}
		for _, p := range b.procs {
			select {
			case <-p.done:
				return nil, fmt.Errorf("%s exited early (log %s)", p.name, p.log)
			default:
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d articles stored: %w", got, n, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	rows, err := b.db.QueryContext(ctx, list, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("read indexed_at: %w", err)
	}
	defer rows.Close()
	out := make(map[string]time.Time, n)
	for rows.Next() {
		var id string
		var us int64
		if err := rows.Scan(&id, &us); err != nil {
			return nil, fmt.Errorf("read indexed_at: %w", err)
		}
		out[id] = time.UnixMicro(us)
	}
	return out, rows.Err()
}

// awaitTopic polls topic's end offsets until they sum to n and returns when.
func (b *bench) awaitTopic(ctx context.Context, tr *kafka.Transport, topic string, n int64) (time.Time, error) {
	cl := b.kafka.Client(tr)
	var reqs []kafka.OffsetRequest
	for p := range b.o.partitions {
		reqs = append(reqs, kafka.LastOffsetOf(p))
	}
	for {
		resp, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
		if err != nil {
			return time.Time{}, err
		}
		var got int64
		for _, po := range resp.Topics[topic] {
			got += max(po.LastOffset, 0)
		}
		if got >= n {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (b *bench) start(name string, env []string, args ...string) (*proc, error) {
	logPath := filepath.Join(b.dir, fmt.Sprintf("%s-%d.log", name, len(b.procs)))
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(b.o.bin, name), args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), env...), f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s (run make build first): %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status is seen in the log
		f.Close()
		close(p.done)
	}()
	b.procs = append(b.procs, p)
	return p, nil
}

// stopAll stops the services before the broker, so they leave their groups.
func (b *bench) stopAll() {
	for i := len(b.procs) - 1; i >= 0; i-- {
		p := b.procs[i]
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

func (b *bench) dumpLogs() {
	for _, p := range b.procs {
		data, _ := os.ReadFile(p.log)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fmt.Fprintf(b.stderr, "--- %s (last lines of %s)\n%s\n", p.name, p.log, strings.Join(lines[max(0, len(lines)-15):], "\n"))
	}
}

func waitFor(ctx context.Context, what string, try func() error) error {
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last error: %v)", what, ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func ready(ctx context.Context, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/readyz: %s", addr, resp.Status)
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// peakRSS is the process's peak resident set in KiB (VmHWM), 0 if unknown.
func peakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTime is the process's user plus system CPU time, 0 if unknown.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux architecture Go runs the benchmark on.
const clockTicks = 100

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
