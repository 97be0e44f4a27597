package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A stage is a temporary table, one per connection, that COPY fills with a
// write's large rows before one INSERT ... SELECT upserts them. Binding the
// rows as arrays instead (unnest) made pgx encode every title, body and
// document into one growing buffer per column and copy that again into the
// Bind message: the largest transient allocation of the indexer, and with
// two parts in flight what set its peak resident memory. COPY sends the rows
// in chunks of 64 kB as it encodes them, building each row only when its
// turn comes. ON COMMIT DELETE ROWS empties the table at the end of each
// write and costs nothing in transactions that do not touch it. Column n is
// the row's position, so the upsert keeps the order the arrays had.
//
// PostgreSQL moves a value compressed in the stage into the target table as
// it is, so the stage must not compress with another method than the
// target's column (lz4 for articles.doc where the server has it): such
// columns copy the target's compression. Rows are kept whole up to a page
// (toast_tuple_target), so most are not compressed in the stage at all:
// what the server would do twice is done once, in the target table, as
// before.
type stage struct {
	name    string
	columns []string
	// create is the block that creates the table in the session unless it
	// exists.
	create string
}

// newStage describes a stage table: defs are its column definitions, and
// stored maps a column to the table whose column of the same name it is
// written to unchanged.
func newStage(name string, columns []string, defs string, stored map[string]string) stage {
	// A block, because a column's compression is read from the catalog.
	var b strings.Builder
	fmt.Fprintf(&b, "DO $$\nBEGIN\nIF to_regclass('pg_temp.%s') IS NULL THEN\n", name)
	fmt.Fprintf(&b, "CREATE TEMP TABLE %s (\n\t%s\n) WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS;\n", name, defs)
	for _, col := range slices.Sorted(maps.Keys(stored)) {
		fmt.Fprintf(&b, `EXECUTE (SELECT format('ALTER TABLE pg_temp.%s ALTER COLUMN %s SET COMPRESSION %%s',
	CASE attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz' ELSE 'default' END)
	FROM pg_attribute WHERE attrelid = '%s'::regclass AND attname = '%s');
`, name, col, stored[col], col)
	}
	b.WriteString("END IF;\nEND\n$$")
	return stage{name: name, columns: columns, create: b.String()}
}

var articleStage = newStage("article_stage",
	[]string{"n", "id", "revision", "enricher_version", "published_at", "enriched_at", "source",
		"place_id", "country", "admin1", "admin1_name", "lat", "lon", "killed", "injured", "arrested", "kidnapped", "missing", "displaced",
		"title", "body", "doc"},
	`n INTEGER NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL, enricher_version TEXT NOT NULL,
	published_at TIMESTAMPTZ NOT NULL, enriched_at TIMESTAMPTZ NOT NULL, source TEXT NOT NULL,
	place_id TEXT NOT NULL, country TEXT NOT NULL, admin1 TEXT NOT NULL, admin1_name TEXT NOT NULL,
	lat DOUBLE PRECISION, lon DOUBLE PRECISION, killed INTEGER NOT NULL, injured INTEGER NOT NULL,
	arrested INTEGER NOT NULL, kidnapped INTEGER NOT NULL, missing INTEGER NOT NULL, displaced INTEGER NOT NULL,
	title TEXT NOT NULL, body TEXT NOT NULL, doc TEXT NOT NULL`,
	map[string]string{"doc": "articles"})

var memberStage = newStage("member_stage",
	[]string{"n", "article_id", "incident_id", "source", "ord", "part"},
	`n INTEGER NOT NULL, article_id TEXT NOT NULL, incident_id TEXT NOT NULL, source TEXT NOT NULL,
	ord INTEGER NOT NULL, part TEXT NOT NULL`,
	map[string]string{"part": "incident_articles"})

// copy streams n rows into the table (see copyRows), creating it first if
// the session has none. Both in tx: the check costs a round trip, but a
// table created outside would have to be remembered per connection, and
// anything that ends the session's temporary tables (a rolled back
// creation, DISCARD, a pooler handing out other sessions) would break that.
func (st stage) copy(ctx context.Context, tx pgx.Tx, n int, row func(i int, vals []any) []any) (int64, error) {
	if _, err := tx.Exec(ctx, st.create); err != nil {
		return 0, fmt.Errorf("create %s: %w", st.name, err)
	}
	return copyRows(ctx, tx, pgx.Identifier{"pg_temp", st.name}, st.columns, n, row)
}

// copyRows streams n rows into table with COPY; row appends the values of
// row i, in the order of columns, to a reused slice.
func copyRows(ctx context.Context, tx pgx.Tx, table pgx.Identifier, columns []string, n int, row func(i int, vals []any) []any) (int64, error) {
	return tx.CopyFrom(ctx, table, columns, &lazyRows{n: n, row: row, i: -1})
}

// lazyRows is a pgx.CopyFromSource that builds each row when COPY asks for
// it, so no second copy of a write's text exists beside its rows.
type lazyRows struct {
	n, i int
	row  func(int, []any) []any
	vals []any
}

func (r *lazyRows) Next() bool {
	r.i++
	return r.i < r.n
}

func (r *lazyRows) Values() ([]any, error) {
	r.vals = r.row(r.i, r.vals[:0])
	return r.vals, nil
}

func (r *lazyRows) Err() error { return nil }
