// Command devkafka runs an embedded Kafka-protocol broker (franz-go's kfake)
// for `make run`, `make demo` and local experiments, so a machine with nothing
// but Go can run the whole pipeline. It keeps everything in memory: stop it
// and the topics are gone. Use a real Kafka (deploy/local/kafka.sh) for
// anything that must survive a restart.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "devkafka:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("devkafka", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9092", "listen address (host:port)")
	partitions := fs.Int("partitions", 3, "partitions of topics created on first use")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, portText, ok := strings.Cut(*addr, ":")
	port, err := strconv.Atoi(portText)
	if !ok || err != nil || host != "127.0.0.1" {
		return fmt.Errorf("-addr %q: want 127.0.0.1:<port>", *addr)
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.DefaultNumPartitions(*partitions),
	)
	if err != nil {
		return fmt.Errorf("start broker on %s: %w", *addr, err)
	}
	defer c.Close()
	fmt.Fprintf(os.Stderr, "devkafka: embedded Kafka-protocol broker listening on %s\n", strings.Join(c.ListenAddrs(), ","))
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "devkafka: stopping")
	return nil
}
