package poll_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
	"github.com/newsflow/newsflow/services/fetcher/internal/poll"
	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

// BenchmarkPollFarm polls a local farm of 5,000 feeds in which 19 of every 20
// answer 304 Not Modified and the rest return a 20-item feed that was already
// published (so the parse and duplicate paths run too). One iteration polls
// every feed once with 32 polls in flight. Run with -cpu 1 for the one-core
// figure; the farm's HTTP server shares that core. peak_rss_MB is the whole
// test process (client, farm server and seen-state) and so an upper bound.
func BenchmarkPollFarm(b *testing.B) {
	const nFeeds, workers = 5000, 32
	var body strings.Builder
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title><ttl>15</ttl>`)
	for i := range 20 {
		fmt.Fprintf(&body, "<item><title>Story %d about flooding in the plains</title><link>https://bench.example/story/%d</link>"+
			"<description>Paragraph of summary text for story %d, long enough to look like a real feed item summary.</description>"+
			"<pubDate>Fri, 27 Nov 2026 09:%02d:00 +0530</pubDate></item>", i, i, i, i)
	}
	body.WriteString(`</channel></rss>`)
	feedBody := []byte(body.String())

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
		if n%20 != 0 && r.Header.Get("If-None-Match") == `"b"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"b"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(feedBody)
	}))
	b.Cleanup(srv.Close)

	feeds := make([]feedlist.Feed, nFeeds)
	for i := range feeds {
		feeds[i] = feedlist.Feed{URL: fmt.Sprintf("%s/f/%d", srv.URL, i), Name: fmt.Sprintf("feed %d", i)}
	}
	client, err := httpfetch.New(httpfetch.Options{Allow: []string{"127.0.0.1"}, PerHost: workers})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := poll.New(poll.Options{
		Feeds: feeds, Client: client, Writer: discardWriter{}, Seen: seen.NewSet(),
		Scheduler: schedule.New(schedule.Policy{}, 1), TopicRaw: topicRaw, TopicState: topicState,
		Metrics: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	pollAll := func() {
		next := make(chan int)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range next {
					if r := svc.PollNow(context.Background(), i); r.Err != nil {
						b.Error(r.Err)
					}
				}
			})
		}
		for i := range nFeeds {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	pollAll() // first contact: every feed 200, articles published once

	start := time.Now()
	polls := 0
	for b.Loop() {
		pollAll()
		polls += nFeeds
	}
	b.ReportMetric(float64(polls)/time.Since(start).Minutes(), "polls/min")
	b.ReportMetric(peakRSSMB(), "peak_rss_MB")
}

// discardWriter acknowledges and drops messages, so that the benchmark's
// memory is the fetcher's and not a stored copy of everything published.
type discardWriter struct{}

func (discardWriter) WriteMessages(context.Context, ...kafka.Message) error { return nil }

// peakRSSMB reads the process's peak resident set size (VmHWM) on Linux.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
