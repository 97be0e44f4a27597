// Package sqlite is the embedded Store: one database file in WAL mode, a
// single writer connection and a small pool of readers, full-text search
// with FTS5. It is the default for single-machine use.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
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
	write   *sql.DB
	read    *sql.DB
	readers int // the read pool's size
	now     func() time.Time
	// sinceOptimize counts articles written since planner statistics were
	// last refreshed; only Upsert touches it, under the single writer.
	sinceOptimize atomic.Int64
	assigning     atomic.Bool // an incident assigner session is open (incident.go)
	places        store.PlaceCache
	// stmts are the writer's prepared inserts by SQL text; read-only
	// after Open.
	stmts map[string]*sql.Stmt
}

// writerPragmas size the writer's page cache and checkpoint less often:
// pages that every batch touches again (index interiors, the FTS
// segments, the right edge of the time indexes) are then copied into the
// database once per checkpoint instead of once per thousand pages. The
// cache lives outside the Go heap, so GOMEMLIMIT does not bound it: 64 MiB
// was no faster end to end and added about 100 MB to the indexer's resident
// memory, and 8 MiB (since the full-text index keeps no positions) writes
// batches of 1,000 as fast as 16 MiB did with 13-25 MB less.
const writerPragmas = "&_pragma=cache_size(-8192)&_pragma=wal_autocheckpoint(8192)"

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
	// synchronous(FULL): offsets are committed once a batch is stored, so a
	// commit must survive a power failure, which WAL's NORMAL does not promise.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=analysis_limit(1000)"
	write, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=journal_mode(WAL)&"+pragmas+writerPragmas)
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
	if err := s.prepare(ctx); err != nil {
		closeStmts(s.stmts)
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
	// A connection reads the planner statistics once, with the schema, and
	// keeps them; see refreshReaders. A connection busy during a refresh
	// learns the new statistics at the latest when it is replaced.
	read.SetConnMaxLifetime(10 * time.Minute)
	s.read, s.readers = read, readers
	return s, nil
}

// Close updates planner statistics and closes both connection pools.
func (s *Store) Close() error {
	_, err := s.write.Exec("PRAGMA optimize")
	return errors.Join(err, closeStmts(s.stmts), s.read.Close(), s.write.Close())
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
// index once per statement instead of once per article. Every statement is a
// plain INSERT, UPDATE or DELETE, so triggers on these tables see each row.
func (s *Store) Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	batch, dropped := store.Dedupe(batch)
	res := store.UpsertResult{Unchanged: dropped}
	if len(batch) == 0 {
		return res, nil
	}
	// Rows are built before the transaction takes the database's one write
	// lock, so encoding them does not hold up the incident assigner. A
	// replayed article's rows are built in vain, which replays can afford.
	all, err := store.BuildRows(batch)
	if err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: %w", err)
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
	var (
		write []events.EnrichedArticle
		sets  []store.RowSet
		old   []int64 // stored seq of write[i], 0 when new
	)
	for i, a := range batch {
		v, exists := stored[a.ID]
		if exists && !store.VersionOf(a).Newer(v.Version) {
			res.Unchanged++
			continue
		}
		write = append(write, a)
		sets = append(sets, all[i])
		old = append(old, v.seq)
	}
	if len(write) == 0 {
		return res, nil
	}
	// The transaction holds the write lock (_txlock=immediate), so no other
	// writer can take the sequence numbers between here and the inserts;
	// choosing them here saves reading them back with RETURNING.
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM articles").Scan(&next); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: next seq: %w", err)
	}
	indexedAt := s.now().UnixMicro()
	var (
		inserts, fts, mentions, figures [][]any
		places                          = map[string]events.Place{}
	)
	for i, a := range write {
		rs := &sets[i]
		art := &rs.Article
		seq := old[i]
		if seq == 0 {
			next++
			seq = next
		}
		row := []any{seq, art.ID, art.Revision, art.EnricherVersion, art.PublishedAt.UnixMicro(), art.EnrichedAt.UnixMicro(), indexedAt,
			art.Source, art.PlaceID, art.Country, art.Admin1, art.Admin1Name, art.Lat, art.Lon,
			art.Totals.Killed, art.Totals.Injured, art.Totals.Arrested, art.Totals.Kidnapped, art.Totals.Missing, art.Totals.Displaced,
			art.Doc}
		if old[i] != 0 {
			if err := replace(ctx, tx, row); err != nil {
				return store.UpsertResult{}, fmt.Errorf("sqlite: replace article %s: %w", a.ID, err)
			}
			res.Replaced++
		} else {
			inserts = append(inserts, row)
			res.Inserted++
			res.New = append(res.New, a)
		}
		fts = append(fts, []any{seq, art.Title, art.Body})
		for _, p := range rs.Places {
			places[p.ID] = p
		}
		published := art.PublishedAt.UnixMicro()
		for _, m := range rs.Mentions {
			mentions = append(mentions, []any{a.ID, m.PlaceID, m.GeonameID, m.Country, m.Admin1, m.Mentions, published})
		}
		for _, c := range rs.Casualties {
			figures = append(figures, []any{a.ID, c.Ord, c.Kind, c.Count, c.Min, c.Max, c.Qualifier, c.Group, c.EvidenceText, c.PlaceID, c.Country, c.Admin1, published})
		}
	}
	if err := s.execPrepared(ctx, tx, insertArticle, inserts); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: insert articles: %w", err)
	}
	if err := execRows(ctx, tx, "INSERT INTO articles_fts (rowid, title, body) VALUES ", 3, fts, ""); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: index text: %w", err)
	}
	newPlaces := s.places.Unknown(places)
	if err := execRows(ctx, tx, "INSERT INTO places (id, geonameid, name, country, admin1_code, admin1_name, admin2_code, lat, lon, feature_code) VALUES ", 10, placeRows(newPlaces),
		` ON CONFLICT (id) DO UPDATE SET geonameid = excluded.geonameid, name = excluded.name, country = excluded.country,
			admin1_code = excluded.admin1_code, admin1_name = excluded.admin1_name, admin2_code = excluded.admin2_code,
			lat = excluded.lat, lon = excluded.lon, feature_code = excluded.feature_code
		WHERE (geonameid, name, country, admin1_code, admin1_name, admin2_code, lat, lon, feature_code) IS NOT
			(excluded.geonameid, excluded.name, excluded.country, excluded.admin1_code, excluded.admin1_name, excluded.admin2_code,
			excluded.lat, excluded.lon, excluded.feature_code)`); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: upsert places: %w", err)
	}
	if err := s.execPrepared(ctx, tx, insertMention, mentions); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: insert article places: %w", err)
	}
	if err := s.execPrepared(ctx, tx, insertCasualty, figures); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: insert casualties: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return store.UpsertResult{}, fmt.Errorf("sqlite: commit upsert: %w", err)
	}
	s.places.Remember(newPlaces)
	if s.sinceOptimize.Add(int64(res.Inserted+res.Replaced)) >= optimizeEvery {
		s.sinceOptimize.Store(0)
		if _, err := s.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return res, fmt.Errorf("sqlite: optimize: %w", err)
		}
		s.refreshReaders()
	}
	return res, nil
}

// refreshReaders closes the idle read connections, so the next queries
// open new ones that plan with the statistics PRAGMA optimize just wrote.
// The old ones would keep planning with what they read when they opened:
// on a database that was young then, no statistics at all, and a text
// query with a country and a week took 127 ms instead of 6 over 120,000
// articles.
func (s *Store) refreshReaders() {
	s.read.SetMaxIdleConns(0)
	s.read.SetMaxIdleConns(s.readers)
}

var (
	insertArticle  = insert{prefix: "INSERT INTO articles (" + articleCols + ") VALUES ", cols: nArticleCols}
	insertMention  = insert{prefix: "INSERT INTO article_places (article_id, place_id, geonameid, country, admin1, mentions, published_at) VALUES ", cols: 7}
	insertCasualty = insert{prefix: "INSERT INTO casualties (article_id, ord, kind, count, min, max, qualifier, victim_group, evidence_text, place_id, country, admin1, published_at) VALUES ", cols: 13}
)

const articleCols = "seq, id, revision, enricher_version, published_at, enriched_at, indexed_at, source, place_id, country, admin1, admin1_name, lat, lon, killed, injured, arrested, kidnapped, missing, displaced, doc"

// nArticleCols is the number of columns in articleCols.
const nArticleCols = 21

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
// seq (the full-text rowid). row is the articles row, seq first.
func replace(ctx context.Context, tx *sql.Tx, row []any) error {
	seq, id := row[0], row[1]
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

// execRows runs prefix + "(?,..),(?,..)" + suffix over rows in chunks as
// large as the bind parameter limit allows.
func execRows(ctx context.Context, tx *sql.Tx, prefix string, cols int, rows [][]any, suffix string) error {
	per := maxParams / cols
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		if _, err := tx.ExecContext(ctx, prefix+tuples(len(chunk), cols)+suffix, flatten(chunk, cols)...); err != nil {
			return err
		}
	}
	return nil
}

// insert is a multi-row statement run through prepared statements.
type insert struct {
	prefix string
	cols   int
}

// stmtRows are the row counts of the prepared multi-row statements, powers
// of two so any number of rows is a sum of them. Compiling one statement
// with thousands of parameters per batch cost a tenth of a write; these are
// compiled once, at Open (a transaction holds the only writer connection, so
// they cannot be prepared in the middle of one).
var stmtRows = []int{64, 32, 16, 8, 4, 2, 1}

// prepare compiles every statement execPrepared uses.
func (s *Store) prepare(ctx context.Context) error {
	s.stmts = map[string]*sql.Stmt{}
	for _, ins := range []insert{insertArticle, insertMention, insertCasualty} {
		for _, n := range stmtRows {
			q := ins.prefix + tuples(n, ins.cols)
			st, err := s.write.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("sqlite: prepare %.40s...: %w", q, err)
			}
			s.stmts[q] = st
		}
	}
	return nil
}

// execPrepared runs ins over rows with the prepared statements: full
// chunks of the largest size, then the rest in decreasing powers of two.
func (s *Store) execPrepared(ctx context.Context, tx *sql.Tx, ins insert, rows [][]any) error {
	for len(rows) > 0 {
		n := stmtRows[0]
		for _, size := range stmtRows {
			if size <= len(rows) {
				n = size
				break
			}
		}
		st := s.stmts[ins.prefix+tuples(n, ins.cols)]
		if _, err := tx.StmtContext(ctx, st).ExecContext(ctx, flatten(rows[:n], ins.cols)...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func closeStmts(stmts map[string]*sql.Stmt) error {
	var errs []error
	for _, st := range stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

func flatten(rows [][]any, cols int) []any {
	args := make([]any, 0, len(rows)*cols)
	for _, r := range rows {
		args = append(args, r...)
	}
	return args
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

// Placeholder numbers the parameters (?1, ?2, ...), so a query can use one
// more than once.
func (dialect) Placeholder(n int) string { return "?" + strconv.Itoa(n) }
func (dialect) Time(t time.Time) any     { return t.UnixMicro() }
func (dialect) TextJoin() string         { return " JOIN articles_fts ON articles_fts.rowid = a.seq" }
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

// TextMinSeq bounds the FTS rowid (articles.seq) by the smallest seq the
// other filters allow, so FTS5 reads only the newer part of each doclist.
// The query's "seq + 0" keeps SQLite from answering MIN(seq) by walking the
// table in rowid order; the time (or country, place...) index answers it.
func (dialect) TextMinSeq(minSeq string) string {
	return "articles_fts.rowid >= (" + minSeq + ")"
}

func (dialect) Cell(lat, lon string) string {
	return "(CAST(" + lat + " + 90 AS INTEGER) * 360 + CAST(" + lon + " + 180 AS INTEGER))"
}

// Articles returns one page of articles matching q, newest first.
func (s *Store) Articles(ctx context.Context, q store.ArticleQuery) (store.ArticlePage, error) {
	opts := store.PlanOptions{WindowText: true}
	if (q.Near != nil || q.Text != "") && q.After == nil && q.Until.IsZero() {
		var newest sql.NullInt64
		if err := s.read.QueryRowContext(ctx, "SELECT MAX(published_at) FROM articles").Scan(&newest); err != nil {
			return store.ArticlePage{}, fmt.Errorf("sqlite: newest article: %w", err)
		}
		if newest.Valid {
			opts.Newest = time.UnixMicro(newest.Int64).UTC()
		}
	}
	plans, err := store.ArticlePlans(dialect{}, q, opts)
	if err != nil {
		return store.ArticlePage{}, fmt.Errorf("sqlite: articles: %w", err)
	}
	limit := store.PageLimit(q.Limit)
	for _, p := range plans {
		if p.Guard != "" {
			var ok bool
			if err := s.read.QueryRowContext(ctx, p.Guard, p.GuardArgs...).Scan(&ok); err != nil {
				return store.ArticlePage{}, fmt.Errorf("sqlite: articles guard: %w", err)
			}
			if !ok {
				continue
			}
			p.Final = true
		}
		page, full, err := s.articles(ctx, p, limit)
		if err != nil || full || p.Final {
			return page, err
		}
	}
	return store.ArticlePage{}, errors.New("sqlite: articles: no final plan")
}

// articles runs one plan; full reports that it filled the page.
func (s *Store) articles(ctx context.Context, p store.Plan, limit int) (store.ArticlePage, bool, error) {
	rows, err := s.read.QueryContext(ctx, p.SQL, p.Args...)
	if err != nil {
		return store.ArticlePage{}, false, fmt.Errorf("sqlite: query articles: %w", err)
	}
	defer rows.Close()
	page, full, err := store.ReadArticlePage(rows, limit)
	if err != nil {
		return store.ArticlePage{}, false, fmt.Errorf("sqlite: read articles: %w", err)
	}
	return page, full, nil
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
	out, err := store.Collect(rows, store.ScanPlaceStat)
	if err != nil {
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
	out, err := store.Collect(rows, func(r store.Row) (store.SummaryGroup, error) { return store.ScanSummaryGroup(r, q.GroupBy) })
	if err != nil {
		return nil, fmt.Errorf("sqlite: read summary: %w", err)
	}
	return out, nil
}
