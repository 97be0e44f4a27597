package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db", "test.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

func TestPlans(t *testing.T) {
	s := open(t)
	defer s.Close()
	storetest.RunPlans(t, s)
}

// The full-text merge setting is a migration's row in the FTS5 config table,
// which a typo in its SQL would leave at the default.
func TestFullTextAutomerge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("SELECT v FROM articles_fts_config WHERE k = 'automerge'").Scan(&v); err != nil || v != 16 {
		t.Errorf("automerge = %d (%v), want 16", v, err)
	}
}

// Migration 0005 rebuilds the full-text index from the stored documents; run
// again over a filled store, it must index the same title and body words.
func TestFullTextRebuild(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	a := storetest.Article("a1", storetest.T0, storetest.Text("Flood in Sylhet", "Rivers rose overnight."))
	a.Summary = "Monsoon warning"
	if _, err := s.Upsert(ctx, []events.EnrichedArticle{a, storetest.Article("a2", storetest.T0, storetest.Text("Quiet day", ""))}); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	s.Close()
	rebuild, err := os.ReadFile("migrations/0005_fts_detail_none.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(rebuild)); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	db.Close()

	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	for _, tc := range []struct {
		text string
		want int
	}{{"sylhet", 1}, {"monsoon", 1}, {"overnight", 1}, {"quiet", 1}, {"rivers flood", 1}, {"rivers quiet", 0}} {
		page, err := s.Articles(ctx, store.ArticleQuery{Text: tc.text})
		if err != nil {
			t.Fatalf("query %q: %v", tc.text, err)
		}
		if len(page.Articles) != tc.want {
			t.Errorf("%q found %d articles, want %d", tc.text, len(page.Articles), tc.want)
		}
	}
}
