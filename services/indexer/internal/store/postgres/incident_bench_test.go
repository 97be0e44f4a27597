package postgres_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// BenchmarkIntegrationAssign measures the incident assigner over a fresh
// schema of NEWSFLOW_BENCH_ARTICLES (default 100000) articles; see
// storetest.BenchAssign.
func BenchmarkIntegrationAssign(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("NEWSFLOW_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	s := openSchema(b, fmt.Sprintf("bench_assign_%d", time.Now().UnixNano()), true)
	storetest.BenchAssign(b, s, n, 5000)
}
