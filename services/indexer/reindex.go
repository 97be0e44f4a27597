package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	pkgconfig "github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/obs"
	"github.com/newsflow/newsflow/pkg/progress"
	"github.com/newsflow/newsflow/services/indexer/internal/config"
	"github.com/newsflow/newsflow/services/indexer/internal/index"
)

// reindexCommand is `indexer reindex`: it rebuilds the configured store from
// the enriched topic, from the earliest offsets to the end offsets when it
// starts. The store's upsert keeps the newest revision and enricher version
// of each article, so reindexing into a store that already holds articles
// adds nothing twice. It reads the partitions directly and commits no
// offsets, so the running indexer's consumer group is untouched.
func reindexCommand(ctx context.Context, args []string, getenv pkgconfig.Getenv, stderr io.Writer, terminal bool) error {
	flags := flag.NewFlagSet("indexer reindex", flag.ContinueOnError)
	flags.SetOutput(stderr)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("reindex: unexpected argument %q", flags.Arg(0))
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// The log goes through the meter, so its lines keep clear of the bar.
	meter := progress.New(progress.Options{Out: stderr, Label: "reindex " + cfg.Topics.Enriched, Terminal: terminal})
	log, err := obs.NewLogger(meter, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log = log.With(slog.String("service", "indexer"), slog.String("command", "reindex"))
	_, err = runReindex(ctx, cfg, log, meter)
	return err
}

// runReindex reads the whole enriched topic into the store; it sets the
// meter's total once the offsets are planned.
func runReindex(ctx context.Context, cfg config.Config, log *slog.Logger, meter *progress.Meter) (kafkax.ReadResult, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return kafkax.ReadResult{}, err
	}
	ix, err := index.New(index.Config{Store: st, Logger: log, Metrics: prometheus.NewRegistry(), Countries: cfg.CoverageCountries})
	if err != nil {
		return kafkax.ReadResult{}, errors.Join(err, st.Close())
	}
	cfg.Kafka.ClientID = fmt.Sprintf("newsflow-indexer-reindex-%d", time.Now().Unix())
	tr := cfg.Kafka.Transport()
	defer tr.CloseIdleConnections()
	ranges, err := kafkax.PlanRanges(ctx, cfg.Kafka.Client(tr), cfg.Topics.Enriched, time.Time{}, time.Time{})
	if err != nil {
		return kafkax.ReadResult{}, errors.Join(fmt.Errorf("reindex: %w", err), st.Close())
	}
	total := kafkax.TotalLen(ranges)
	log.Info("reindexing", slog.String("from", cfg.Topics.Enriched), slog.Int64("messages", total))
	meter.SetTotal(total)
	res, err := kafkax.ReadRanges(ctx, kafkax.ReadOptions{
		Kafka: cfg.Kafka, Topic: cfg.Topics.Enriched, MaxBatch: cfg.BatchSize, Logger: log, Progress: meter.Add,
	}, ranges, ix.Handle)
	meter.Finish()
	if err = errors.Join(err, st.Close()); err != nil {
		return res, fmt.Errorf("reindex: %w", err)
	}
	log.Info("reindex done", slog.Int64("messages", res.Messages), slog.Int64("poison_skipped", res.Poison))
	return res, nil
}
