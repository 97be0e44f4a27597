// Command enricher consumes raw articles, extracts where each event happened
// and how many people were killed, injured, arrested, kidnapped, missing or
// displaced, and publishes the enriched articles.
//
// Usage:
//
//	enricher            run the service (configured by environment, see README)
//	enricher extract    enrich JSON Lines from stdin to stdout, for evaluation and backfills
//	enricher replay --from <RFC3339|earliest> [--to <RFC3339>]
//	                    re-enrich the raw topic's history into the enriched topic
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sync/errgroup"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/obs"
	"github.com/newsflow/newsflow/pkg/progress"
	enricherconfig "github.com/newsflow/newsflow/services/enricher/internal/config"
	"github.com/newsflow/newsflow/services/enricher/internal/enrich"
	"github.com/newsflow/newsflow/services/enricher/internal/extract"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
	"github.com/newsflow/newsflow/services/enricher/internal/stream"
)

// version identifies the extraction logic. Bump it when extraction changes,
// so the indexer replaces articles enriched by an older version on replay.
const version = "2026.11.27.2"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "enricher:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv config.Getenv, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "extract":
			e, err := newEnricher()
			if err != nil {
				return err
			}
			return extract.Run(ctx, stdin, stdout, stderr, e)
		case "replay":
			return replayCommand(ctx, args[1:], getenv, stderr, progress.IsTerminal(stderr))
		default:
			return fmt.Errorf("unknown command %q (want no command, extract or replay)", args[0])
		}
	}
	return serve(ctx, getenv, stderr)
}

func newEnricher() (*enrich.Enricher, error) {
	g, err := gazetteer.Load()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	return enrich.New(g, version), nil
}

func serve(ctx context.Context, getenv config.Getenv, stderr io.Writer) error {
	cfg, err := enricherconfig.Load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log, err := obs.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log = log.With(slog.String("service", "enricher"))
	enricher, err := newEnricher()
	if err != nil {
		return err
	}
	reg := obs.NewRegistry()
	tr := cfg.Kafka.Transport()
	writer := kafkax.NewWriter(cfg.Kafka, tr)
	handler, err := stream.New(stream.Options{
		Enricher: enricher, Out: writer, Topic: cfg.Topics.Enriched,
		MaxMessageBytes: cfg.MaxMessageBytes, Metrics: reg,
	})
	if err != nil {
		return err
	}
	consumer, err := kafkax.NewConsumer(kafkax.ConsumerConfig{
		Kafka: cfg.Kafka, Transport: tr, Topic: cfg.Topics.Raw, GroupID: cfg.Group,
		DLQTopic: cfg.Topics.DLQ, DLQ: writer, MaxBatch: cfg.BatchSize, MaxWait: cfg.BatchWait,
		Logger: log, Metrics: reg, Service: "enricher",
	})
	if err != nil {
		return err
	}
	server := &obs.Server{
		Addr: cfg.MetricsAddr, Registry: reg, Logger: log, Profiling: cfg.Pprof,
		Ready: func(ctx context.Context) error { return cfg.Kafka.Ping(ctx, tr) },
	}

	log.Info("starting", slog.String("version", version), slog.String("from", cfg.Topics.Raw), slog.String("to", cfg.Topics.Enriched))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return server.Run(ctx) })
	g.Go(func() error {
		topics := []kafkax.Topic{cfg.Topics.Spec(cfg.Topics.Raw), cfg.Topics.Spec(cfg.Topics.Enriched), cfg.Topics.Spec(cfg.Topics.DLQ)}
		if err := kafkax.AwaitTopics(ctx, cfg.Kafka, tr, log, topics...); err != nil {
			return nil // ctx is done: shutting down before Kafka came up
		}
		return kafkax.RunStaged(ctx, consumer, handler.Stages())
	})
	err = g.Wait()
	// The consumer has stopped fetching; leave the group and flush the writer.
	err = errors.Join(err, consumer.Close(), writer.Close())
	if err != nil {
		log.Error("stopped with error", slog.Any("error", err))
		return err
	}
	log.Info("stopped cleanly")
	return nil
}
