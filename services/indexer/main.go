// Command indexer consumes enriched articles into a durable store (SQLite or
// PostgreSQL) and serves the read-only query API and the map page.
//
// Usage:
//
//	indexer                run the service (configured by environment, see README)
//	indexer -config-dump   print the parsed configuration, secrets redacted
//	indexer reindex        rebuild the store from the enriched topic
//	indexer cluster        assign enriched JSON Lines on stdin to incidents, for evaluation
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sync/errgroup"

	pkgconfig "github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/obs"
	"github.com/newsflow/newsflow/pkg/progress"
	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/config"
	"github.com/newsflow/newsflow/services/indexer/internal/index"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/postgres"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv pkgconfig.Getenv, stdout, stderr io.Writer) error {
	return runWith(ctx, args, getenv, stdout, stderr, nil)
}

// runWith is run with a hook that receives the API listener's address, for
// tests that bind port 0.
func runWith(ctx context.Context, args []string, getenv pkgconfig.Getenv, stdout, stderr io.Writer, apiBound func(net.Addr)) error {
	if len(args) > 0 && args[0] == "cluster" {
		return runCluster(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "reindex" {
		return reindexCommand(ctx, args[1:], getenv, stderr, progress.IsTerminal(stderr))
	}
	flags := flag.NewFlagSet("indexer", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dump := flags.Bool("config-dump", false, "print the parsed configuration (secrets redacted) and exit")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if *dump {
		_, err := io.WriteString(stdout, cfg.Dump())
		return err
	}
	log, err := obs.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log = log.With(slog.String("service", "indexer"))
	reg := obs.NewRegistry()

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	apiHandler, err := api.New(api.Config{Store: st, Logger: log, Metrics: reg})
	if err != nil {
		return errors.Join(err, st.Close())
	}
	webHandler, err := web.New(web.Config{TileURL: cfg.TileURL})
	if err != nil {
		return errors.Join(err, st.Close())
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/", webHandler)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return errors.Join(fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err), st.Close())
	}
	if apiBound != nil {
		apiBound(ln.Addr())
	}

	tr := cfg.Kafka.Transport()
	dlq := kafkax.NewWriter(cfg.Kafka, tr)
	var consumer *kafkax.Consumer
	var ix *index.Indexer
	var assigner *assign.Assigner
	if cfg.Consume {
		// Writers also cluster; with PostgreSQL one replica at a time.
		assigner, err = assign.New(assign.Config{Store: st, Logger: log, Metrics: reg, Countries: cfg.CoverageCountries,
			KeepArticles: cfg.IncidentArticles})
		if err == nil {
			ix, err = index.New(index.Config{Store: st, Logger: log, Metrics: reg, Countries: cfg.CoverageCountries, Stored: assigner.Wake})
		}
		if err == nil {
			consumer, err = kafkax.NewConsumer(kafkax.ConsumerConfig{
				Kafka: cfg.Kafka, Transport: tr, Topic: cfg.Topics.Enriched, GroupID: cfg.GroupID,
				DLQTopic: cfg.Topics.DLQ, DLQ: dlq, MaxBatch: cfg.BatchSize, MaxWait: cfg.BatchWait,
				Logger: log, Metrics: reg, Service: "indexer",
			})
		}
		if err != nil {
			return errors.Join(err, ln.Close(), dlq.Close(), st.Close())
		}
	}
	server := &obs.Server{
		Addr: cfg.MetricsAddr, Registry: reg, Logger: log, Profiling: cfg.Pprof,
		Ready: func(ctx context.Context) error {
			if err := st.Ping(ctx); err != nil {
				return err
			}
			if cfg.Consume {
				return cfg.Kafka.Ping(ctx, tr)
			}
			return nil
		},
	}

	backend, _, _ := cfg.StoreTarget()
	log.Info("starting", slog.String("store", backend), slog.String("api_addr", ln.Addr().String()),
		slog.Bool("consume", cfg.Consume), slog.String("from", cfg.Topics.Enriched))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return server.Run(ctx) })
	g.Go(func() error { return obs.Serve(ctx, ln, mux, log) })
	if consumer != nil {
		g.Go(func() error {
			topics := []kafkax.Topic{cfg.Topics.Spec(cfg.Topics.Enriched), cfg.Topics.Spec(cfg.Topics.DLQ)}
			if err := kafkax.AwaitTopics(ctx, cfg.Kafka, tr, log, topics...); err != nil {
				return nil // ctx is done: shutting down before Kafka came up
			}
			return consumer.Run(ctx, ix.Handle)
		})
		g.Go(func() error { return assigner.Run(ctx) })
	}
	err = g.Wait()
	// The consumer has stopped and committed what is stored; leave the
	// group, flush dead letters, then close the store.
	if consumer != nil {
		err = errors.Join(err, consumer.Close())
	}
	err = errors.Join(err, dlq.Close(), st.Close())
	if err != nil {
		log.Error("stopped", slog.Any("error", err))
		return err
	}
	log.Info("stopped")
	return nil
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	backend, target, err := cfg.StoreTarget()
	if err != nil {
		return nil, err
	}
	switch backend {
	case config.Postgres:
		return postgres.Open(ctx, target, postgres.Options{MaxConns: int32(cfg.PGMaxConns)})
	default:
		return sqlite.Open(ctx, target, sqlite.Options{})
	}
}
