package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/postgres"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

var schemas atomic.Int64

// openIsolated returns a store in a fresh schema of the database named by
// POSTGRES_DSN, dropped when the test ends.
func openIsolated(t *testing.T) store.Store {
	t.Helper()
	s, _ := openIsolatedAdmin(t)
	return s
}

// openIsolatedAdmin is openIsolated that also returns a connection whose
// search_path is the store's schema.
func openIsolatedAdmin(t *testing.T) (*postgres.Store, *pgx.Conn) {
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
	if _, err := admin.Exec(ctx, "SET search_path TO "+schema); err != nil {
		t.Fatalf("set search_path: %v", err)
	}
	return s, admin
}

func TestIntegrationConformance(t *testing.T) {
	storetest.Run(t, openIsolated)
}

func TestIntegrationPlans(t *testing.T) {
	s := openIsolated(t)
	defer s.Close()
	storetest.RunPlans(t, s)
}

// analyzedStore runs ANALYZE before its first query, so the full-text
// plans see the statistics of the filled table (store.PlanOptions.RareText
// false for common words) where a fresh table has none (true for all).
type analyzedStore struct {
	store.Store
	admin *pgx.Conn
	once  sync.Once
	err   error
}

func (s *analyzedStore) Articles(ctx context.Context, q store.ArticleQuery) (store.ArticlePage, error) {
	s.once.Do(func() { _, s.err = s.admin.Exec(ctx, "ANALYZE articles") })
	if s.err != nil {
		return store.ArticlePage{}, s.err
	}
	return s.Store.Articles(ctx, q)
}

// TestIntegrationPlansAnalyzed checks the plans again with statistics, which
// reorders the full-text ones, then what the statistics say of some texts.
func TestIntegrationPlansAnalyzed(t *testing.T) {
	s, admin := openIsolatedAdmin(t)
	defer s.Close()
	storetest.RunPlans(t, &analyzedStore{Store: s, admin: admin})
	// The synthetic vocabulary puts each word in about one article in ten.
	tests := map[string]struct{ lo, hi float64 }{
		"flood":                {0.05, 0.2},
		"bombing market":       {0.0025, 0.04},
		"bombing zqxjunlisted": {0, 0},
		"zqxjunlisted":         {0, 0},
		"the":                  {0, 0}, // a stop word: no lexeme at all
	}
	for text, want := range tests {
		got, err := s.TextShare(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		if got < want.lo || got > want.hi {
			t.Errorf("TextShare(%q) = %g, want within [%g, %g]", text, got, want.lo, want.hi)
		}
	}
}

// TestIntegrationStageKeepsCompression checks that documents reach
// articles compressed as the column says (lz4 where the server has it):
// PostgreSQL keeps a value compressed in the stage table as it is, so a
// stage compressing with another method would change how articles store
// them. Documents of every size are written, from under the stage's
// threshold for compressing a row to well over it.
func TestIntegrationStageKeepsCompression(t *testing.T) {
	s, admin := openIsolatedAdmin(t)
	defer s.Close()
	ctx := context.Background()
	var batch []events.EnrichedArticle
	for i, size := range []int{3_000, 6_000, 9_000, 20_000, 60_000} {
		body := strings.Repeat(fmt.Sprintf("Sentence %d of a long report on the floods. ", i), size/45)
		batch = append(batch, storetest.Article(fmt.Sprintf("long-%d", i), storetest.T0, storetest.Text("Floods", body)))
	}
	if _, err := s.Upsert(ctx, batch); err != nil {
		t.Fatal(err)
	}
	var want string
	if err := admin.QueryRow(ctx, `SELECT CASE attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz' ELSE current_setting('default_toast_compression') END
		FROM pg_attribute WHERE attrelid = 'articles'::regclass AND attname = 'doc'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	rows, err := admin.Query(ctx, "SELECT id, length(doc), COALESCE(pg_column_compression(doc), 'none') FROM articles ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id, got string
			size    int
		)
		if err := rows.Scan(&id, &size, &got); err != nil {
			t.Fatal(err)
		}
		n++
		if got != want {
			t.Errorf("article %s (%d-byte document) stored with compression %s, want %s", id, size, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(batch) {
		t.Errorf("read %d articles, want %d", n, len(batch))
	}
}

// TestIntegrationWriteAfterFailedWrite checks that a write failing after
// the stage table was created in its transaction, which rolls the creation
// back, leaves the store able to write: the next write on the connection
// must create the table again.
func TestIntegrationWriteAfterFailedWrite(t *testing.T) {
	s := openIsolated(t)
	defer s.Close()
	ctx := context.Background()
	// A count beyond PostgreSQL's integer fails as the rows are sent.
	bad := storetest.Article("bad", storetest.T0, storetest.Hit(events.Killed, 1<<40, "Countless were killed."))
	if _, err := s.Upsert(ctx, []events.EnrichedArticle{bad}); err == nil {
		t.Fatal("Upsert of a count beyond integer range succeeded, want an error")
	}
	for i := range 3 {
		a := storetest.Article(fmt.Sprintf("good-%d", i), storetest.T0, storetest.Hit(events.Killed, 3, "Three were killed."))
		res, err := s.Upsert(ctx, []events.EnrichedArticle{a})
		if err != nil {
			t.Fatalf("Upsert %d after a failed write: %v", i, err)
		}
		if res.Inserted != 1 {
			t.Errorf("Upsert %d after a failed write inserted %d, want 1", i, res.Inserted)
		}
		if _, err := s.Article(ctx, a.ID); err != nil {
			t.Errorf("Article(%s): %v", a.ID, err)
		}
	}
}
