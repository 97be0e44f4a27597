// Command demofeeds serves the bundled sample feeds for `make demo`, and
// writes the matching feed list for the fetcher.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsflow/newsflow/e2e/feedfarm"
	"github.com/newsflow/newsflow/pkg/obs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "demofeeds:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demofeeds", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address")
	list := fs.String("feed-list", "", "write the fetcher's feed list (YAML) for these feeds to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	if *list != "" {
		if err := os.WriteFile(*list, feedfarm.FeedList(base, "1m"), 0o644); err != nil {
			return fmt.Errorf("write feed list: %w", err)
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With(slog.String("service", "demofeeds"))
	return obs.Serve(ctx, ln, feedfarm.Handler(base), log)
}
