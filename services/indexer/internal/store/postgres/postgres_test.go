package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/postgres"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

var schemas atomic.Int64

// openIsolated returns a store in a fresh schema of the database named by
// POSTGRES_DSN, dropped when the test ends.
func openIsolated(t *testing.T) store.Store {
	t.Helper()
	dsn := os.Getenv("POSTGRES_DSN")
	if dsn == "" {
		t.Skip("set POSTGRES_DSN (for example postgres://postgres:postgres@127.0.0.1:5432/newsflow_test?sslmode=disable) to run")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	schema := fmt.Sprintf("storetest_%d_%d", time.Now().UnixNano(), schemas.Add(1))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("POSTGRES_DSN must be a URL: %v", err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	s, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestIntegrationConformance(t *testing.T) {
	storetest.Run(t, openIsolated)
}

func TestIntegrationPlans(t *testing.T) {
	s := openIsolated(t)
	defer s.Close()
	storetest.RunPlans(t, s)
}
