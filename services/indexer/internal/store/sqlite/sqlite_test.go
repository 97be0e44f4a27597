package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

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
