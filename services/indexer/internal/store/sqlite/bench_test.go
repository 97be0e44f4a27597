package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// benchArticles is the size of the query benchmark's store:
// NEWSFLOW_BENCH_ARTICLES, default 100000 (BENCHMARKS.md uses 1000000).
func benchArticles(b *testing.B) int {
	n := 100_000
	if s := os.Getenv("NEWSFLOW_BENCH_ARTICLES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("NEWSFLOW_BENCH_ARTICLES=%q", s)
		}
		n = v
	}
	return n
}

func BenchmarkUpsert(b *testing.B) {
	for _, batch := range []int{100, 500} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.BenchUpsert(b, s, 0, batch)
		})
	}
}

// BenchmarkQueries queries a store of NEWSFLOW_BENCH_ARTICLES synthetic
// articles. The store is built once and kept in the temp directory, so
// later runs skip the fill.
func BenchmarkQueries(b *testing.B) {
	n := benchArticles(b)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("newsflow-bench-v3-%d.db", n))
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	syn := storetest.NewSynth(n, storetest.T0)
	page, err := s.Articles(ctx, store.ArticleQuery{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(page.Articles) == 0 || page.Articles[0].ID != syn.Article(n-1).ID {
		b.Logf("filling %s with %d articles", path, n)
		rate, err := storetest.Fill(ctx, s, syn, 0, n, 5000)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("filled at %.0f articles/s", rate)
	}
	storetest.BenchQueries(b, s, storetest.QueryCases(syn, storetest.T0))
}
