// Command fetcher polls the news feeds in the feed list and publishes every
// new or changed article to Kafka (news.articles.raw). `fetcher import-opml`
// converts an OPML subscription list into a feed list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // feed timezones must resolve in a scratch container too

	"github.com/segmentio/kafka-go"
	"golang.org/x/sync/errgroup"

	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/obs"

	"github.com/newsflow/newsflow/services/fetcher/internal/config"
	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
	"github.com/newsflow/newsflow/services/fetcher/internal/poll"
	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "import-opml" {
		return importOPML(args[1:], stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("fetcher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dump := fs.Bool("config-dump", false, "print the parsed configuration and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if *dump {
		return cfg.Dump(stdout)
	}
	log, err := obs.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log = log.With(slog.String("service", "fetcher"))
	return serve(ctx, cfg, log)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	all, err := feedlist.Load(cfg.FeedsFile)
	if err != nil {
		return err
	}
	feeds := feedlist.Shard(all, cfg.ReplicaIndex, cfg.ReplicaCount)
	log.Info("feed list loaded", slog.String("file", cfg.FeedsFile), slog.Int("feeds_total", len(all)),
		slog.Int("feeds_owned", len(feeds)), slog.Int("replica_index", cfg.ReplicaIndex), slog.Int("replica_count", cfg.ReplicaCount))

	client, err := httpfetch.New(httpfetch.Options{
		Allow: cfg.AllowHosts, UserAgent: cfg.UserAgent, MaxBody: cfg.MaxBodyBytes, ConnectTimeout: cfg.ConnectTimeout,
		Timeout: cfg.Timeout, MaxRedirects: cfg.MaxRedirects, PerHost: cfg.PerHost,
	})
	if err != nil {
		return err
	}

	tr := cfg.Kafka.Transport()
	set := seen.NewSet()
	writer := kafkax.NewWriter(cfg.Kafka, tr)
	reg := obs.NewRegistry()
	svc, err := poll.New(poll.Options{
		Feeds: feeds, Client: client, Writer: writer, Seen: set,
		Scheduler: schedule.New(schedule.Policy{
			Min: cfg.MinInterval, Max: cfg.MaxInterval, Interval: cfg.Interval, UnhealthyAfter: cfg.UnhealthyAfter,
		}, uint64(time.Now().UnixNano())),
		TopicRaw: cfg.Topics.Raw, TopicState: cfg.Topics.FetcherState, Concurrency: cfg.Concurrency,
		Retention: cfg.SeenRetention, Metrics: reg, Logger: log,
	})
	if err != nil {
		return errors.Join(err, writer.Close())
	}
	// The health server starts first, so probes get an answer (not ready)
	// while Kafka is down or rejects the credentials, instead of a refused
	// connection that a liveness probe would turn into a restart loop.
	var started atomic.Bool
	srv := &obs.Server{
		Addr: cfg.MetricsAddr, Registry: reg, Logger: log, Profiling: cfg.Pprof,
		Ready: func(ctx context.Context) error {
			if !started.Load() {
				return errors.New("starting: waiting for Kafka, the topics and the seen-state")
			}
			return cfg.Kafka.Ping(ctx, tr)
		},
		Handlers: map[string]http.Handler{"GET /feeds": svc.Handler()},
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Run(gctx) })
	g.Go(func() error {
		if err := prepare(gctx, cfg, tr, set, log); err != nil {
			return nil // ctx is done: shutting down before Kafka came up
		}
		started.Store(true)
		return svc.Run(gctx)
	})
	err = g.Wait()
	log.Info("fetcher stopped", slog.Any("error", err))
	// Run has returned, so no poll is in flight: closing flushes the writer.
	return errors.Join(err, writer.Close())
}

// prepare waits for Kafka, creates the topics when asked to, and loads the
// seen-state, retrying until it succeeds or ctx is done: a broker that is
// down or still electing leaders is a reason to wait, not to exit.
func prepare(ctx context.Context, cfg config.Config, tr *kafka.Transport, set *seen.Set, log *slog.Logger) error {
	if cfg.CreateTopics {
		// The state topic keeps the latest record per key; with a retention,
		// records not rewritten for that long (articles gone from their feed)
		// are deleted too. The fetcher rewrites live ones after half of it.
		state := cfg.Topics.Spec(cfg.Topics.FetcherState)
		state.Configs = map[string]string{"cleanup.policy": "compact"}
		if cfg.SeenRetention > 0 {
			state.Configs = map[string]string{"cleanup.policy": "compact,delete", "retention.ms": fmt.Sprint(cfg.SeenRetention.Milliseconds())}
		}
		if err := kafkax.AwaitTopics(ctx, cfg.Kafka, tr, log, cfg.Topics.Spec(cfg.Topics.Raw), state); err != nil {
			return err
		}
	}
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		start := time.Now()
		n, err := seen.Load(ctx, cfg.Kafka.Client(tr), cfg.Kafka.Dialer(), cfg.Kafka.Brokers, cfg.Topics.FetcherState, set, log)
		if err == nil {
			log.Info("seen-state loaded", slog.String("topic", cfg.Topics.FetcherState), slog.Int("records", n),
				slog.Int("articles", set.Len()), slog.Duration("took", time.Since(start)))
			return nil
		}
		log.Warn("load seen-state; retrying", slog.Duration("backoff", wait), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func importOPML(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fetcher import-opml", flag.ContinueOnError)
	fs.SetOutput(stderr)
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country hint for every imported feed")
	language := fs.String("language", "", "language for feeds whose outline does not say")
	interval := fs.Duration("interval", 0, "poll interval for every imported feed (0: service default)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: fetcher import-opml [flags] FILE.opml|- > feeds.yaml")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import-opml: want exactly one OPML file (- for stdin)")
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import-opml: %w", err)
		}
		defer f.Close()
		in = f
	}
	feeds, err := feedlist.ParseOPML(in)
	if err != nil {
		return fmt.Errorf("import-opml: %w", err)
	}
	for i := range feeds {
		feeds[i].Country = *country
		if feeds[i].Language == "" {
			feeds[i].Language = *language
		}
		feeds[i].Interval = feedlist.Duration(*interval)
	}
	if err := feedlist.Validate(feeds); err != nil {
		return fmt.Errorf("import-opml: %w", err)
	}
	out, err := feedlist.Marshal(feeds)
	if err != nil {
		return fmt.Errorf("import-opml: %w", err)
	}
	_, err = stdout.Write(out)
	return err
}
