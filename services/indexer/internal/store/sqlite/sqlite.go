// Package sqlite is the embedded Store: one database file in WAL mode, a
// single writer connection and a small pool of readers, full-text search
// with FTS5. It is the default for single-machine use.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a SQLite-backed store.Store.
type Store struct {
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	// sinceOptimize counts articles written since planner statistics were
	// last refreshed; only Upsert touches it, under the single writer.
	sinceOptimize atomic.Int64
}

// optimizeEvery is how many written articles trigger PRAGMA optimize, so
// the planner's statistics follow a growing database without a restart.
const optimizeEvery = 100_000

var _ store.Store = (*Store)(nil)

// Options tunes Open; the zero value is fine.
type Options struct {
	// Readers is the size of the read connection pool (default 4).
	Readers int
	// Now is the clock for indexed_at (default time.Now).
	Now func() time.Time
}

// Open opens or creates the database file at path, creating its directory,
// and applies pending migrations.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: create directory %s: %w", dir, err)
		}
	}
	// analysis_limit bounds the work PRAGMA optimize does on a large file.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=analysis_limit(1000)"
	write, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=journal_mode(WAL)&"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway, and a single connection
	// avoids busy errors between our own transactions.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	// Refresh planner statistics where they are missing or stale; cheap, and
	// what SQLite recommends for long-lived connections.
	if _, err := write.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: optimize: %w", err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?mode=ro&"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	readers := opts.Readers
	if readers <= 0 {
		readers = 4
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	s.read = read
	return s, nil
}

// Close updates planner statistics and closes both connection pools.
func (s *Store) Close() error {
	_, err := s.write.Exec("PRAGMA optimize")
	return errors.Join(err, s.read.Close(), s.write.Close())
}

// Ping checks the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: list migrations: %w", err)
	}
	sort.Strings(files)
	for _, f := range files {
		version, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: bad version prefix: %w", f, err)
		}
		body, err := migrations.ReadFile(f)
		if err != nil {
			return fmt.Errorf("sqlite: read migration %s: %w", f, err)
		}
		if err := s.applyMigration(ctx, version, string(body)); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", f, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, version int, body string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", version, s.now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

// Upsert writes batch in one transaction; see store.Store for the rules.
//
// New articles and their rows go in with multi-row statements: besides
// saving round trips through the driver, it makes FTS5 flush its pending
// index once per statement instead of once per article.
func (s *Store) Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	batch, dropped := store.Dedupe(batch)
	res := store.UpsertResult{Unchanged: dropped}
	if len(batch) == 0 {
		return res, nil
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: begin upsert: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	stored, err := storedVersions(ctx, tx, batch)
	if err != nil {
		return store.UpsertResult{}, err
	}
	indexedAt := s.now().UnixMicro()
	var (
		inserts           [][]any
		insertIDs         []string
		text              = map[string][2]string{} // id -> title, body
		seqs              = map[string]int64{}
		places            = map[string]events.Place{}
		mentions, figures [][]any
	)
	for _, a := range batch {
		old, exists := stored[a.ID]
		if exists && !store.VersionOf(a).Newer(old.Version) {
			res.Unchanged++
			continue
		}
		art, ms, cs, ps, err := store.Rows(a)
		if err != nil {
			return store.UpsertResult{}, fmt.Errorf("sqlite: %w", err)
		}
		row := []any{art.ID, art.Revision, art.EnricherVersion, art.PublishedAt.UnixMicro(), art.EnrichedAt.UnixMicro(), indexedAt,
			art.Source, art.PlaceID, art.Country, art.Admin1, art.Admin1Name, art.Lat, art.Lon,
			art.Totals.Killed, art.Totals.Injured, art.Totals.Arrested, art.Totals.Kidnapped, art.Totals.Missing, art.Totals.Displaced,
			string(art.Doc)}
		if exists {
			if err := replace(ctx, tx, old.seq, a.ID, row); err != nil {
				return store.UpsertResult{}, fmt.Errorf("sqlite: replace article %s: %w", a.ID, err)
			}
			seqs[a.ID] = old.seq
			res.Replaced++
		} else {
			inserts = append(inserts, row)
			insertIDs = append(insertIDs, a.ID)
			res.Inserted++
			res.New = append(res.New, a)
		}
		text[a.ID] = [2]string{art.Title, art.Body}
		for _, p := range ps {
			places[p.ID] = p
		}
		published := art.PublishedAt.UnixMicro()
		for _, m := range ms {
			mentions = append(mentions, []any{a.ID, m.PlaceID, m.GeonameID, m.Country, m.Admin1, m.Mentions, published})
		}
		for _, c := range cs {
			figures = append(figures, []any{a.ID, c.Ord, c.Kind, c.Count, c.Min, c.Max, c.Qualifier, c.Group, c.EvidenceText, c.PlaceID, c.Country, c.Admin1, published})
		}
	}
	if len(text) == 0 {
		return res, nil
	}
	if err := insertArticles(ctx, tx, inserts, seqs); err != nil {
		return store.UpsertResult{}, err
	}
	var fts [][]any
	for _, id := range append(insertIDs, replacedIDs(seqs, insertIDs)...) {
		fts = append(fts, []any{seqs[id], text[id][0], text[id][1]})
	}
	if err := execRows(ctx, tx, "INSERT INTO articles_fts (rowid, title, body) VALUES ", 3, fts, ""); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: index text: %w", err)
	}
	if err := execRows(ctx, tx, "INSERT INTO places (id, geonameid, name, country, admin1_code, admin1_name, admin2_code, lat, lon, feature_code) VALUES ", 10, placeRows(places),
		` ON CONFLICT (id) DO UPDATE SET geonameid = excluded.geonameid, name = excluded.name, country = excluded.country,
			admin1_code = excluded.admin1_code, admin1_name = excluded.admin1_name, admin2_code = excluded.admin2_code,
			lat = excluded.lat, lon = excluded.lon, feature_code = excluded.feature_code`); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: upsert places: %w", err)
	}
	if err := execRows(ctx, tx, "INSERT INTO article_places (article_id, place_id, geonameid, country, admin1, mentions, published_at) VALUES ", 7, mentions, ""); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: insert article places: %w", err)
	}
	if err := execRows(ctx, tx, `INSERT INTO casualties (article_id, ord, kind, count, min, max, qualifier, victim_group, evidence_text, place_id, country, admin1, published_at) VALUES `, 13, figures, ""); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: insert casualties: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: commit upsert: %w", err)
	}
	if s.sinceOptimize.Add(int64(res.Inserted+res.Replaced)) >= optimizeEvery {
		s.sinceOptimize.Store(0)
		if _, err := s.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return res, fmt.Errorf("sqlite: optimize: %w", err)
		}
	}
	return res, nil
}

const articleCols = "id, revision, enricher_version, published_at, enriched_at, indexed_at, source, place_id, country, admin1, admin1_name, lat, lon, killed, injured, arrested, kidnapped, missing, displaced, doc"

// nArticleCols is the number of columns in articleCols.
const nArticleCols = 20

type storedVersion struct {
	store.Version
	seq int64
}

// maxParams stays under SQLite's default limit of 32766 bind parameters.
const maxParams = 30000

func storedVersions(ctx context.Context, tx *sql.Tx, batch []events.EnrichedArticle) (map[string]storedVersion, error) {
	out := make(map[string]storedVersion, len(batch))
	for start := 0; start < len(batch); start += maxParams {
		chunk := batch[start:min(start+maxParams, len(batch))]
		args := make([]any, len(chunk))
		for i, a := range chunk {
			args[i] = a.ID
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, seq, revision, enricher_version FROM articles WHERE id IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: read stored versions: %w", err)
		}
		for rows.Next() {
			var (
				id string
				v  storedVersion
			)
			if err := rows.Scan(&id, &v.seq, &v.Revision, &v.EnricherVersion); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: scan stored version: %w", err)
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: read stored versions: %w", err)
		}
	}
	return out, nil
}

// replace drops an article's old rows and updates it in place, keeping its
// seq (the full-text rowid).
func replace(ctx context.Context, tx *sql.Tx, seq int64, id string, row []any) error {
	for _, q := range []string{"DELETE FROM article_places WHERE article_id = ?", "DELETE FROM casualties WHERE article_id = ?"} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM articles_fts WHERE rowid = ?", seq); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE articles SET ("+articleCols+") = ("+placeholders(nArticleCols)+") WHERE seq = ?", append(row, seq)...)
	return err
}

func insertArticles(ctx context.Context, tx *sql.Tx, rows [][]any, seqs map[string]int64) error {
	per := maxParams / nArticleCols
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*nArticleCols)
		for _, r := range chunk {
			args = append(args, r...)
		}
		res, err := tx.QueryContext(ctx, "INSERT INTO articles ("+articleCols+") VALUES "+tuples(len(chunk), nArticleCols)+" RETURNING id, seq", args...)
		if err != nil {
			return fmt.Errorf("sqlite: insert articles: %w", err)
		}
		for res.Next() {
			var (
				id  string
				seq int64
			)
			if err := res.Scan(&id, &seq); err != nil {
				res.Close()
				return fmt.Errorf("sqlite: scan inserted article: %w", err)
			}
			seqs[id] = seq
		}
		res.Close()
		if err := res.Err(); err != nil {
			return fmt.Errorf("sqlite: insert articles: %w", err)
		}
	}
	return nil
}

func replacedIDs(seqs map[string]int64, inserted []string) []string {
	isNew := make(map[string]bool, len(inserted))
	for _, id := range inserted {
		isNew[id] = true
	}
	var out []string
	for id := range seqs {
		if !isNew[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func placeRows(places map[string]events.Place) [][]any {
	keys := make([]string, 0, len(places))
	for k := range places {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		p := places[k]
		rows = append(rows, []any{p.ID, p.GeonameID, p.Name, p.Country, p.Admin1Code, p.Admin1Name, p.Admin2Code, p.Lat, p.Lon, p.FeatureCode})
	}
	return rows
}

// execRows runs prefix + "(?,..),(?,..)" + suffix over rows in chunks.
func execRows(ctx context.Context, tx *sql.Tx, prefix string, cols int, rows [][]any, suffix string) error {
	per := maxParams / cols
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, prefix+tuples(len(chunk), cols)+suffix, args...); err != nil {
			return err
		}
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func tuples(rows, cols int) string {
	one := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// dialect is SQLite's SQL: ? parameters, times as Unix microseconds.
type dialect struct{}

func (dialect) Placeholder(int) string { return "?" }
func (dialect) Time(t time.Time) any   { return t.UnixMicro() }
func (dialect) TextJoin() string       { return " JOIN articles_fts ON articles_fts.rowid = a.seq" }
func (dialect) TextMatch(ph string) string {
	return "articles_fts MATCH " + ph
}

// TextArg quotes each word as an FTS5 string, so the words are ANDed and
// nothing the user typed is read as FTS5 syntax.
func (dialect) TextArg(q string) (any, bool) {
	words := store.Words(q)
	if len(words) == 0 {
		return nil, false
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " "), true
}

func (dialect) Day(col string) string {
	return "strftime('%Y-%m-%d', " + col + " / 1000000, 'unixepoch')"
}

// Articles returns one page of articles matching q, newest first.
func (s *Store) Articles(ctx context.Context, q store.ArticleQuery) (store.ArticlePage, error) {
	query, args, err := store.ArticlesSQL(dialect{}, q)
	if err != nil {
		return store.ArticlePage{}, fmt.Errorf("sqlite: articles: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return store.ArticlePage{}, fmt.Errorf("sqlite: query articles: %w", err)
	}
	defer rows.Close()
	limit := store.PageLimit(q.Limit)
	var page store.ArticlePage
	for rows.Next() {
		var (
			doc       []byte
			published int64
			id        string
		)
		if err := rows.Scan(&doc, &published, &id); err != nil {
			return store.ArticlePage{}, fmt.Errorf("sqlite: scan article: %w", err)
		}
		if len(page.Articles) == limit {
			last := page.Articles[limit-1]
			page.Next = &store.Cursor{PublishedAt: last.PublishedAt.UTC().Truncate(time.Microsecond), ID: last.ID}
			break
		}
		var a events.EnrichedArticle
		if err := json.Unmarshal(doc, &a); err != nil {
			return store.ArticlePage{}, fmt.Errorf("sqlite: decode stored article %s: %w", id, err)
		}
		page.Articles = append(page.Articles, a)
	}
	if err := rows.Err(); err != nil {
		return store.ArticlePage{}, fmt.Errorf("sqlite: read articles: %w", err)
	}
	return page, nil
}

// Article returns the stored article with id, or store.ErrNotFound.
func (s *Store) Article(ctx context.Context, id string) (events.EnrichedArticle, error) {
	var doc []byte
	err := s.read.QueryRowContext(ctx, "SELECT doc FROM articles WHERE id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return events.EnrichedArticle{}, store.ErrNotFound
	}
	if err != nil {
		return events.EnrichedArticle{}, fmt.Errorf("sqlite: article %s: %w", id, err)
	}
	a, err := store.DecodeDoc(id, doc)
	if err != nil {
		return a, fmt.Errorf("sqlite: %w", err)
	}
	return a, nil
}

// TopPlaces returns the places mentioned by the most articles.
func (s *Store) TopPlaces(ctx context.Context, q store.PlaceQuery) ([]store.PlaceStat, error) {
	query, args := store.TopPlacesSQL(dialect{}, q)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query top places: %w", err)
	}
	defer rows.Close()
	out := []store.PlaceStat{}
	for rows.Next() {
		st, err := store.ScanPlaceStat(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan top place: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read top places: %w", err)
	}
	return out, nil
}

// CasualtySummary totals casualties by group.
func (s *Store) CasualtySummary(ctx context.Context, q store.SummaryQuery) ([]store.SummaryGroup, error) {
	query, args, err := store.SummarySQL(dialect{}, q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: summary: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query summary: %w", err)
	}
	defer rows.Close()
	out := []store.SummaryGroup{}
	for rows.Next() {
		g, err := store.ScanSummaryGroup(rows, q.GroupBy)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan summary: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read summary: %w", err)
	}
	return out, nil
}
