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

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/obs"
	"github.com/newsflow/newsflow/pkg/progress"
	enricherconfig "github.com/newsflow/newsflow/services/enricher/internal/config"
	"github.com/newsflow/newsflow/services/enricher/internal/stream"
)

// replayCommand is `enricher replay --from <RFC3339|earliest> [--to <RFC3339>]`:
// it enriches the raw articles published in that span again, with the current
// extraction version, into the enriched topic. The indexer replaces articles
// enriched by an older version, so a replay after an improvement updates the
// store without duplicates. It reads the partitions directly and commits no
// offsets, so the running enricher's consumer group is untouched.
func replayCommand(ctx context.Context, args []string, getenv config.Getenv, stderr io.Writer, terminal bool) error {
	flags := flag.NewFlagSet("enricher replay", flag.ContinueOnError)
	flags.SetOutput(stderr)
	fromText := flags.String("from", "", `first publication time to replay: RFC 3339 (2026-11-01T00:00:00Z) or "earliest" (required)`)
	toText := flags.String("to", "", "replay up to this RFC 3339 time (default: the end of the topic when the replay starts)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("replay: unexpected argument %q", flags.Arg(0))
	}
	from, to, err := replaySpan(*fromText, *toText)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	cfg, err := enricherconfig.Load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// The log goes through the meter, so its lines keep clear of the bar.
	meter := progress.New(progress.Options{Out: stderr, Label: "replay " + cfg.Topics.Raw, Terminal: terminal})
	log, err := obs.NewLogger(meter, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	enricher, err := newEnricher()
	if err != nil {
		return err
	}
	_, err = runReplay(ctx, replayParams{
		Config: cfg, Enricher: enricher, From: from, To: to,
		Logger: log.With(slog.String("service", "enricher"), slog.String("command", "replay")),
		Meter:  meter,
	})
	return err
}

// replaySpan parses the --from and --to flags; a zero time means the
// earliest (from) or the end of the topic at start (to).
func replaySpan(fromText, toText string) (from, to time.Time, err error) {
	switch fromText {
	case "":
		return from, to, errors.New(`--from is required (an RFC 3339 time or "earliest")`)
	case "earliest":
	default:
		if from, err = time.Parse(time.RFC3339, fromText); err != nil {
			return from, to, fmt.Errorf("--from %q: want RFC 3339 or earliest: %w", fromText, err)
		}
	}
	if toText != "" {
		if to, err = time.Parse(time.RFC3339, toText); err != nil {
			return from, to, fmt.Errorf("--to %q: want RFC 3339: %w", toText, err)
		}
		if !from.IsZero() && !to.After(from) {
			return from, to, fmt.Errorf("--to %s is not after --from %s", toText, fromText)
		}
	}
	return from, to, nil
}

type replayParams struct {
	Config   enricherconfig.Config
	Enricher stream.Enricher
	From, To time.Time
	Logger   *slog.Logger
	// Meter shows the progress; runReplay sets its total.
	Meter *progress.Meter
}

// runReplay plans the offsets of the span, then enriches and publishes them.
func runReplay(ctx context.Context, p replayParams) (kafkax.ReadResult, error) {
	cfg := p.Config
	// The client id names the run in broker logs and quotas.
	cfg.Kafka.ClientID = fmt.Sprintf("newsflow-enricher-replay-%d", time.Now().Unix())
	tr := cfg.Kafka.Transport()
	defer tr.CloseIdleConnections()
	ranges, err := kafkax.PlanRanges(ctx, cfg.Kafka.Client(tr), cfg.Topics.Raw, p.From, p.To)
	if err != nil {
		return kafkax.ReadResult{}, fmt.Errorf("replay: %w", err)
	}
	total := kafkax.TotalLen(ranges)
	p.Logger.Info("replaying", slog.String("from", cfg.Topics.Raw), slog.String("to", cfg.Topics.Enriched),
		slog.String("version", version), slog.Int64("messages", total))
	writer := kafkax.NewWriter(cfg.Kafka, tr)
	handler, err := stream.New(stream.Options{
		Enricher: p.Enricher, Out: writer, Topic: cfg.Topics.Enriched,
		MaxMessageBytes: cfg.MaxMessageBytes, Metrics: prometheus.NewRegistry(),
	})
	if err != nil {
		return kafkax.ReadResult{}, errors.Join(err, writer.Close())
	}
	p.Meter.SetTotal(total)
	res, err := kafkax.ReadRanges(ctx, kafkax.ReadOptions{
		Kafka: cfg.Kafka, Topic: cfg.Topics.Raw, MaxBatch: cfg.BatchSize, Logger: p.Logger, Progress: p.Meter.Add,
	}, ranges, handler.Handle)
	p.Meter.Finish()
	err = errors.Join(err, writer.Close())
	if err != nil {
		return res, fmt.Errorf("replay: %w", err)
	}
	p.Logger.Info("replay done", slog.Int64("messages", res.Messages), slog.Int64("poison_skipped", res.Poison))
	return res, nil
}
