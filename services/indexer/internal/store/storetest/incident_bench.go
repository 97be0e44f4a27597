package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// BenchAssign measures the incident assigner on s, a new store: it fills
// s with n synthetic articles and assigns that backlog (logged, with its
// rate), then each iteration stores batchSize newer articles (not timed)
// and assigns them (timed) in one long session, the steady state of a
// live indexer over a store of n articles. It reports articles assigned per second and the
// assigner's CPU time per article.
func BenchAssign(b *testing.B, s store.Store, n, batchSize int) {
	ctx := context.Background()
	syn := NewSynth(n, T0) // n articles over a year; later ones continue the stream
	start := time.Now()
	if _, err := Fill(ctx, s, syn, 0, n, 5000); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d articles in %v", n, time.Since(start).Round(time.Second))
	a, err := assign.New(assign.Config{Store: s})
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	cpu0 := processCPU()
	done, err := a.Drain(ctx)
	if err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.Logf("assigned the backlog of %d articles in %v: %.0f articles/s, %.0f cpu-µs/article", done, el.Round(time.Millisecond),
		float64(done)/el.Seconds(), float64((processCPU()-cpu0).Microseconds())/float64(max(done, 1)))
	if groups, err := s.IncidentSummary(ctx, store.SummaryQuery{GroupBy: store.ByCountry}); err == nil {
		incs, arts := 0, 0
		for _, g := range groups {
			incs, arts = incs+*g.Incidents, arts+g.Articles
		}
		b.Logf("%d incidents hold the %d articles", incs, arts)
	}
	sess, err := a.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	next, assigned := n, 0
	batch := make([]events.EnrichedArticle, batchSize)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		for j := range batch {
			batch[j] = syn.Article(next + j)
		}
		next += batchSize
		if _, err := s.Upsert(ctx, batch); err != nil {
			b.Fatal(err)
		}
		before := processCPU()
		b.StartTimer()
		got, err := sess.Drain(ctx)
		b.StopTimer()
		cpu += processCPU() - before
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		if got != batchSize {
			b.Fatalf("assigned %d of %d", got, batchSize)
		}
		assigned += got
	}
	b.ReportMetric(float64(assigned)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(assigned), "cpu-µs/article")
}
