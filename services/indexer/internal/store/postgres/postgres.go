// Package postgres is the Store for production and for several indexer
// replicas: a pgx connection pool, set-based batch writes (COPY, through
// temporary stage tables where rows are upserted, and unnest),
// and full-text search with a tsvector column and a GIN index.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key that serialises migrations when
// several replicas start at once.
const migrationLock = 7_320_150_001

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	pool    *pgxpool.Pool
	now     func() time.Time
	writers int
	places  store.PlaceCache
}

var _ store.Store = (*Store)(nil)

// Options tunes Open; the zero value is fine.
type Options struct {
	// MaxConns caps the pool (default: pgxpool's, or pool_max_conns in the DSN).
	MaxConns int32
	// Now is the clock for indexed_at (default time.Now).
	Now func() time.Time
	// Writers is how many concurrent transactions one large Upsert is
	// split into (default 2, at most MaxConns).
	Writers int
}

// Open connects to dsn (a postgres:// URL or key=value string), checks the
// connection and applies pending migrations.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The DSN may hold a password: do not echo it.
		return nil, errors.New("postgres: parse connection string: invalid DSN")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	s := &Store{pool: pool, now: opts.Now, writers: opts.Writers}
	if s.writers <= 0 {
		s.writers = 2
	}
	s.writers = max(1, min(s.writers, int(cfg.MaxConns)))
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks a connection answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: list migrations: %w", err)
	}
	sort.Strings(files)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin migrations: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("postgres: lock migrations: %w", err)
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"); err != nil {
		return fmt.Errorf("postgres: create schema_migrations: %w", err)
	}
	for _, f := range files {
		version, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: bad version prefix: %w", f, err)
		}
		var applied bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", version).Scan(&applied); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", f, err)
		}
		if applied {
			continue
		}
		body, err := migrations.ReadFile(f)
		if err != nil {
			return fmt.Errorf("postgres: read migration %s: %w", f, err)
		}
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", f, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", version, s.now()); err != nil {
			return fmt.Errorf("postgres: record migration %s: %w", f, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit migrations: %w", err)
	}
	return nil
}

// Upsert writes batch with a fixed number of statements per transaction,
// whatever the batch size; see store.Store for the rules.
//
// A large batch is split into parts written by concurrent transactions on
// separate connections, so the server's work (text search vectors, index
// inserts, compression) runs on several cores. Upsert returns after every
// part committed; if one fails it returns the error and the caller retries
// the whole batch, which is idempotent: parts already committed are then
// counted as unchanged (and missing from UpsertResult.New, so coverage
// metrics can undercount after a failed write, never double-count).
//
// Rows of an existing article are locked first, so two replicas writing the
// same article serialise; Kafka's keyed partitioning normally means only one
// ever does.
func (s *Store) Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	batch, dropped := store.Dedupe(batch)
	res := store.UpsertResult{Unchanged: dropped}
	if len(batch) == 0 {
		return res, nil
	}
	for _, a := range batch {
		if strings.ContainsRune(a.ID, 0) {
			return store.UpsertResult{}, fmt.Errorf("postgres: article id %q: %w", a.ID, store.ErrInvalidID)
		}
	}
	// Places first, in their own statement: the few hundred places that
	// recur in every batch are then neither sent nor locked again, so the
	// parts below do not queue behind each other's place rows.
	places := map[string]events.Place{}
	for _, a := range batch {
		for _, p := range placesOf(a) {
			places[p.ID] = p
		}
	}
	if fresh := s.places.Unknown(places); len(fresh) > 0 {
		if _, err := s.pool.Exec(ctx, upsertPlaces, placeArgs(fresh)...); err != nil {
			return store.UpsertResult{}, fmt.Errorf("postgres: upsert places: %w", err)
		}
		s.places.Remember(fresh)
	}
	parts := min(s.writers, len(batch)/minPart)
	if parts <= 1 {
		r, err := s.upsertPart(ctx, batch)
		if err != nil {
			return store.UpsertResult{}, err
		}
		return add(res, r), nil
	}
	var (
		wg      sync.WaitGroup
		results = make([]store.UpsertResult, parts)
		errs    = make([]error, parts)
		per     = (len(batch) + parts - 1) / parts
	)
	for i := range parts {
		part := batch[min(i*per, len(batch)):min((i+1)*per, len(batch))]
		wg.Go(func() { results[i], errs[i] = s.upsertPart(ctx, part) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return store.UpsertResult{}, err
	}
	for _, r := range results {
		res = add(res, r)
	}
	return res, nil
}

// minPart is the fewest articles worth a transaction of their own.
const minPart = 100

func add(a, b store.UpsertResult) store.UpsertResult {
	a.Inserted += b.Inserted
	a.Replaced += b.Replaced
	a.Unchanged += b.Unchanged
	a.New = append(a.New, b.New...)
	return a
}

// placesOf returns the places an article's rows refer to.
func placesOf(a events.EnrichedArticle) []events.Place {
	var out []events.Place
	if p, ok := store.Primary(a); ok {
		out = append(out, p)
	}
	for _, pc := range a.Places {
		out = append(out, pc.Place)
	}
	for i := range out {
		out[i].ID = store.PlaceID(out[i])
	}
	return slices.DeleteFunc(out, func(p events.Place) bool { return p.ID == "" })
}

// upsertPart writes articles with distinct ids in one transaction.
func (s *Store) upsertPart(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	var res store.UpsertResult
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("postgres: begin upsert: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	idList := make([]string, len(batch))
	for i, a := range batch {
		idList[i] = a.ID
	}
	stored := map[string]store.Version{}
	rows, err := tx.Query(ctx, "SELECT id, revision, enricher_version FROM articles WHERE id = ANY($1) ORDER BY id FOR UPDATE", idList)
	if err != nil {
		return res, fmt.Errorf("postgres: read stored versions: %w", err)
	}
	for rows.Next() {
		var (
			id string
			v  store.Version
		)
		if err := rows.Scan(&id, &v.Revision, &v.EnricherVersion); err != nil {
			rows.Close()
			return res, fmt.Errorf("postgres: scan stored version: %w", err)
		}
		stored[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("postgres: read stored versions: %w", err)
	}

	write := make([]events.EnrichedArticle, 0, len(batch))
	for _, a := range batch {
		if old, exists := stored[a.ID]; exists && !store.VersionOf(a).Newer(old) {
			res.Unchanged++
			continue
		}
		write = append(write, a)
	}
	if len(write) == 0 {
		return res, nil
	}
	sets, err := store.BuildRows(write)
	if err != nil {
		return res, fmt.Errorf("postgres: %w", err)
	}
	var (
		replaced            []string
		mentions, casualtys []rowRef
	)
	indexedAt := s.now()
	for i, a := range write {
		if _, exists := stored[a.ID]; exists {
			replaced = append(replaced, a.ID)
			res.Replaced++
		} else {
			res.Inserted++
			res.New = append(res.New, a)
		}
		for j := range sets[i].Mentions {
			mentions = append(mentions, rowRef{i, j})
		}
		for j := range sets[i].Casualties {
			casualtys = append(casualtys, rowRef{i, j})
		}
	}
	if len(replaced) > 0 {
		for _, table := range []string{"article_places", "casualties"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE article_id = ANY($1)", replaced); err != nil {
				return store.UpsertResult{}, fmt.Errorf("postgres: delete old %s: %w", table, err)
			}
		}
	}
	if _, err := articleStage.copy(ctx, tx, len(sets), func(i int, row []any) []any {
		a, z := sets[i].Article, stripNUL
		return append(row, i, z(a.ID), a.Revision, z(a.EnricherVersion), a.PublishedAt, a.EnrichedAt, z(a.Source),
			z(a.PlaceID), z(a.Country), z(a.Admin1), z(a.Admin1Name), a.Lat, a.Lon,
			a.Totals.Killed, a.Totals.Injured, a.Totals.Arrested, a.Totals.Kidnapped, a.Totals.Missing, a.Totals.Displaced,
			z(a.Title), z(a.Body), a.Doc)
	}); err != nil {
		return store.UpsertResult{}, fmt.Errorf("postgres: stage articles: %w", err)
	}
	if _, err := tx.Exec(ctx, upsertArticles, indexedAt); err != nil {
		return store.UpsertResult{}, fmt.Errorf("postgres: upsert articles: %w", err)
	}
	z := stripNUL
	if len(mentions) > 0 {
		if _, err := copyRows(ctx, tx, pgx.Identifier{"article_places"},
			[]string{"article_id", "place_id", "geonameid", "country", "admin1", "mentions", "published_at"},
			len(mentions), func(i int, vals []any) []any {
				a, m := sets[mentions[i].article].Article, sets[mentions[i].article].Mentions[mentions[i].row]
				return append(vals, z(a.ID), z(m.PlaceID), m.GeonameID, z(m.Country), z(m.Admin1), m.Mentions, a.PublishedAt)
			}); err != nil {
			return store.UpsertResult{}, fmt.Errorf("postgres: copy article places: %w", err)
		}
	}
	if len(casualtys) > 0 {
		if _, err := copyRows(ctx, tx, pgx.Identifier{"casualties"},
			[]string{"article_id", "ord", "kind", "count", "min", "max", "qualifier", "victim_group", "evidence_text", "place_id", "country", "admin1", "published_at"},
			len(casualtys), func(i int, vals []any) []any {
				a, c := sets[casualtys[i].article].Article, sets[casualtys[i].article].Casualties[casualtys[i].row]
				return append(vals, z(a.ID), c.Ord, z(c.Kind), c.Count, c.Min, c.Max, z(c.Qualifier), z(c.Group), z(c.EvidenceText),
					z(c.PlaceID), z(c.Country), z(c.Admin1), a.PublishedAt)
			}); err != nil {
			return store.UpsertResult{}, fmt.Errorf("postgres: copy casualties: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return store.UpsertResult{}, fmt.Errorf("postgres: commit upsert: %w", err)
	}
	return res, nil
}

// upsertArticles moves the staged part into articles in the order it came
// ($1 is indexed_at), computing the search vector on the server.
const upsertArticles = `
INSERT INTO articles (id, revision, enricher_version, published_at, enriched_at, indexed_at, source, place_id, country, admin1, admin1_name,
	lat, lon, killed, injured, arrested, kidnapped, missing, displaced, search, doc)
SELECT u.id, u.revision, u.enricher_version, u.published_at, u.enriched_at, $1::timestamptz, u.source, u.place_id, u.country, u.admin1, u.admin1_name,
	u.lat, u.lon, u.killed, u.injured, u.arrested, u.kidnapped, u.missing, u.displaced,
	setweight(to_tsvector('english', u.title), 'A') || to_tsvector('english', u.body), u.doc
FROM pg_temp.article_stage u ORDER BY u.n
ON CONFLICT (id) DO UPDATE SET
	revision = excluded.revision, enricher_version = excluded.enricher_version, published_at = excluded.published_at,
	enriched_at = excluded.enriched_at, indexed_at = excluded.indexed_at, source = excluded.source, place_id = excluded.place_id,
	country = excluded.country, admin1 = excluded.admin1, admin1_name = excluded.admin1_name, lat = excluded.lat, lon = excluded.lon,
	killed = excluded.killed, injured = excluded.injured, arrested = excluded.arrested, kidnapped = excluded.kidnapped,
	missing = excluded.missing, displaced = excluded.displaced, search = excluded.search, doc = excluded.doc`

const upsertPlaces = `
INSERT INTO places (id, geonameid, name, country, admin1_code, admin1_name, admin2_code, lat, lon, feature_code)
SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::text[])
ON CONFLICT (id) DO UPDATE SET geonameid = excluded.geonameid, name = excluded.name, country = excluded.country,
	admin1_code = excluded.admin1_code, admin1_name = excluded.admin1_name, admin2_code = excluded.admin2_code,
	lat = excluded.lat, lon = excluded.lon, feature_code = excluded.feature_code`

// stripNUL removes NUL bytes, which PostgreSQL text cannot hold, from the
// columns used to filter and search; the JSON document keeps them escaped,
// so the article itself is returned unchanged.
func stripNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

// rowRef is the row-th mention or casualty row of a part's article-th
// article, in the order they are copied.
type rowRef struct{ article, row int }

func placeArgs(places map[string]events.Place) []any {
	n := len(places)
	var (
		ids, names, countries, a1, a1n, a2, fc = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		gids                                   = make([]int64, 0, n)
		lats, lons                             = make([]float64, 0, n), make([]float64, 0, n)
	)
	keys := make([]string, 0, n)
	for k := range places {
		keys = append(keys, k)
	}
	// A stable order keeps concurrent batches from deadlocking on place rows.
	sort.Strings(keys)
	for _, k := range keys {
		p := places[k]
		ids, gids, names, countries = append(ids, stripNUL(p.ID)), append(gids, p.GeonameID), append(names, stripNUL(p.Name)), append(countries, stripNUL(p.Country))
		a1, a1n, a2 = append(a1, stripNUL(p.Admin1Code)), append(a1n, stripNUL(p.Admin1Name)), append(a2, stripNUL(p.Admin2Code))
		lats, lons, fc = append(lats, p.Lat), append(lons, p.Lon), append(fc, stripNUL(p.FeatureCode))
	}
	return []any{ids, gids, names, countries, a1, a1n, a2, lats, lons, fc}
}

// dialect is PostgreSQL's SQL: $n parameters, timestamptz, tsvector search.
type dialect struct{}

func (dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }
func (dialect) Time(t time.Time) any     { return t.UTC() }
func (dialect) TextJoin() string         { return "" }
func (dialect) TextMatch(ph string) string {
	return "a.search @@ plainto_tsquery('english', " + ph + ")"
}

// TextArg keeps only words, so the result matches what SQLite searches for.
func (dialect) TextArg(q string) (any, bool) {
	words := store.Words(q)
	if len(words) == 0 {
		return nil, false
	}
	return strings.Join(words, " "), true
}

func (dialect) Day(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}

// TextMinSeq is empty: the GIN index has no order to skip by.
func (dialect) TextMinSeq(string) string { return "" }

func (dialect) Cell(lat, lon string) string {
	return "(floor(" + lat + " + 90)::int * 360 + floor(" + lon + " + 180)::int)"
}

// Articles returns one page of articles matching q, newest first.
func (s *Store) Articles(ctx context.Context, q store.ArticleQuery) (store.ArticlePage, error) {
	opts := store.PlanOptions{FewText: true}
	if q.Near != nil && q.After == nil && q.Until.IsZero() {
		var newest *time.Time
		if err := s.pool.QueryRow(ctx, "SELECT MAX(published_at) FROM articles").Scan(&newest); err != nil {
			return store.ArticlePage{}, fmt.Errorf("postgres: newest article: %w", err)
		}
		if newest != nil {
			opts.Newest = *newest
		}
	}
	if store.TextOnly(q) {
		if arg, ok := (dialect{}).TextArg(q.Text); ok {
			share, err := s.textShare(ctx, arg)
			if err != nil {
				return store.ArticlePage{}, err
			}
			opts.TextShare = share
		}
	}
	plans, err := store.ArticlePlans(dialect{}, q, opts)
	if err != nil {
		return store.ArticlePage{}, fmt.Errorf("postgres: articles: %w", err)
	}
	limit := store.PageLimit(q.Limit)
	for _, p := range plans {
		if p.Guard != "" {
			var ok bool
			if err := s.pool.QueryRow(ctx, p.Guard, planArgs(q, p.GuardArgs)...).Scan(&ok); err != nil {
				return store.ArticlePage{}, fmt.Errorf("postgres: articles guard: %w", err)
			}
			if !ok {
				continue
			}
			p.Final = true
		}
		p.Args = planArgs(q, p.Args)
		page, full, err := s.articles(ctx, p, limit)
		if err != nil || full || p.Final {
			return page, err
		}
	}
	return store.ArticlePage{}, errors.New("postgres: articles: no final plan")
}

// textShareSQL estimates the share of articles matching the text ($1) as
// the planner does: the product of its words' frequencies among the most
// common elements ANALYZE keeps for articles.search (up to ten times the
// statistics target). Only for such words is the planner's estimate a
// measurement; any other word it guesses at 0.5% of rows however rare it
// is, so then the answer is 0 (unknown), as it is without statistics and
// for text with no searchable word (which matches nothing). The frequency
// array is longer than the elements (three summary numbers follow), so the
// zip leaves those without an element.
const textShareSQL = `SELECT COALESCE((
	SELECT CASE WHEN count(m.f) = count(*) THEN exp(sum(ln(m.f))) END
	FROM unnest(tsvector_to_array(to_tsvector('english', $1))) l
	LEFT JOIN (
		SELECT e, f FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m (e, f)
		WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search'
	) m ON m.e = l), 0)`

// textShare returns the statistics' estimate of the share of articles
// matching the text, 0 when they cannot tell; it decides the order of the
// full-text plans (store.PlanOptions.TextShare). A catalog read, under a
// millisecond: it replaces either a walk of the newest 20,000 articles that
// a rare word cannot fill a page from (~25 ms over a million articles) or
// a text-index count that a pair of common words makes read ~100,000
// index entries (~17 ms).
func (s *Store) textShare(ctx context.Context, text any) (float64, error) {
	var share float64
	if err := s.pool.QueryRow(ctx, textShareSQL, text).Scan(&share); err != nil {
		return 0, fmt.Errorf("postgres: text statistics: %w", err)
	}
	return share, nil
}

// planArgs makes a full-text query's plans planned for their own
// arguments each time (an unnamed statement) rather than prepared once:
// after five runs a prepared statement may switch to a generic plan, in
// which plainto_tsquery of the unknown text is no constant and runs once
// per row read (measured: the scan of the newest articles for two common
// words in the last week went from 8 to 28 ms). Planning these costs well
// under a millisecond.
func planArgs(q store.ArticleQuery, args []any) []any {
	if q.Text == "" {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// articles runs one plan; full reports that it filled the page.
func (s *Store) articles(ctx context.Context, p store.Plan, limit int) (store.ArticlePage, bool, error) {
	rows, err := s.pool.Query(ctx, p.SQL, p.Args...)
	if err != nil {
		return store.ArticlePage{}, false, fmt.Errorf("postgres: query articles: %w", err)
	}
	defer rows.Close()
	page, full, err := store.ReadArticlePage(rows, limit)
	if err != nil {
		return store.ArticlePage{}, false, fmt.Errorf("postgres: read articles: %w", err)
	}
	return page, full, nil
}

// Article returns the stored article with id, or store.ErrNotFound.
func (s *Store) Article(ctx context.Context, id string) (events.EnrichedArticle, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, "SELECT doc FROM articles WHERE id = $1", stripNUL(id)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return events.EnrichedArticle{}, store.ErrNotFound
	}
	if err != nil {
		return events.EnrichedArticle{}, fmt.Errorf("postgres: article %s: %w", id, err)
	}
	a, err := store.DecodeDoc(id, doc)
	if err != nil {
		return a, fmt.Errorf("postgres: %w", err)
	}
	return a, nil
}

// TopPlaces returns the places mentioned by the most articles.
func (s *Store) TopPlaces(ctx context.Context, q store.PlaceQuery) ([]store.PlaceStat, error) {
	query, args := store.TopPlacesSQL(dialect{}, q)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: query top places: %w", err)
	}
	defer rows.Close()
	out, err := store.Collect(rows, store.ScanPlaceStat)
	if err != nil {
		return nil, fmt.Errorf("postgres: read top places: %w", err)
	}
	return out, nil
}

// CasualtySummary totals casualties by group.
func (s *Store) CasualtySummary(ctx context.Context, q store.SummaryQuery) ([]store.SummaryGroup, error) {
	query, args, err := store.SummarySQL(dialect{}, q)
	if err != nil {
		return nil, fmt.Errorf("postgres: summary: %w", err)
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: query summary: %w", err)
	}
	defer rows.Close()
	out, err := store.Collect(rows, func(r store.Row) (store.SummaryGroup, error) { return store.ScanSummaryGroup(r, q.GroupBy) })
	if err != nil {
		return nil, fmt.Errorf("postgres: read summary: %w", err)
	}
	return out, nil
}
