package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// BenchmarkAssign measures the incident assigner over a store of
// NEWSFLOW_BENCH_ARTICLES (default 100000) articles; see storetest.BenchAssign.
func BenchmarkAssign(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "assign.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchAssign(b, s, benchArticles(b), 5000)
}
