// Command loadgen publishes synthetic raw articles (from e2e/loadgen: 2-3 KB
// each, South Asian places, casualty sentences) into the raw topic, at a
// chosen rate or as fast as possible, as a fleet of fetchers would. Kafka
// settings come from the environment as for the services (KAFKA_BROKERS,
// KAFKA_TLS*, KAFKA_SASL*).
//
//	loadgen -n 10000 -rate 500 -topic news.articles.raw
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/newsflow/newsflow/e2e/loadgen"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/kafkax"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 10000, "articles to publish")
	rate := fs.Int("rate", 0, "articles per second; 0 publishes as fast as possible")
	topic := fs.String("topic", config.String(getenv, "TOPIC_RAW", "news.articles.raw"), "raw topic (default TOPIC_RAW)")
	runID := fs.String("run", fmt.Sprintf("load%d", time.Now().Unix()), "id prefix: articles are <run>-000000, <run>-000001, ...")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *rate < 0 {
		return errors.New("-n must be positive and -rate not negative")
	}
	kcfg, err := kafkax.LoadConfig(getenv, "newsflow-loadgen")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	msgs, err := loadgen.Messages(*topic, loadgen.Articles(*runID, *n, time.Now()))
	if err != nil {
		return err
	}
	tr := kcfg.Transport()
	defer tr.CloseIdleConnections()
	w := kafkax.NewWriter(kcfg, tr)
	start := time.Now()
	_, err = loadgen.PublishAtRate(ctx, w, msgs, *rate, 16)
	err = errors.Join(err, w.Close())
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	_, err = fmt.Fprintf(stdout, "published=%d topic=%s seconds=%.2f articles_per_second=%.0f\n", *n, *topic, secs, float64(*n)/secs)
	return err
}
