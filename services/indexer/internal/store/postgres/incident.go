package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsflow/newsflow/services/indexer/internal/incident"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// assignerLock is the session advisory lock key held by the one replica
// that runs the incident assigner.
const assignerLock = 7_320_150_002

// Incidents returns one page of incidents matching q, newest first report first.
func (s *Store) Incidents(ctx context.Context, q store.IncidentQuery) (store.IncidentPage, error) {
	query, args, err := store.IncidentsSQL(dialect{}, q)
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("postgres: incidents: %w", err)
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("postgres: query incidents: %w", err)
	}
	defer rows.Close()
	page, err := store.ReadIncidentPage(rows, store.PageLimit(q.Limit))
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("postgres: read incidents: %w", err)
	}
	return page, nil
}

// Incident returns one incident with its articles and toll histories.
func (s *Store) Incident(ctx context.Context, id string) (store.IncidentDetail, error) {
	// One snapshot, so that the head and the members are of the same save.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return store.IncidentDetail{}, fmt.Errorf("postgres: begin incident read: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	incs, err := readIncidents(ctx, tx, "SELECT id, state FROM incidents WHERE id = $1", stripNUL(id))
	if err != nil {
		return store.IncidentDetail{}, err
	}
	if len(incs) == 0 {
		return store.IncidentDetail{}, store.ErrNoIncident
	}
	return store.DetailOf(incs[0]), nil
}

// IncidentSummary totals incident estimates; see store.IncidentStore.
func (s *Store) IncidentSummary(ctx context.Context, q store.SummaryQuery) ([]store.SummaryGroup, error) {
	query, args, err := store.IncidentSummarySQL(dialect{}, q)
	if err != nil {
		return nil, fmt.Errorf("postgres: incident summary: %w", err)
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: query incident summary: %w", err)
	}
	defer rows.Close()
	out, err := store.Collect(rows, func(r store.Row) (store.SummaryGroup, error) { return store.ScanIncidentSummaryGroup(r, q.GroupBy) })
	if err != nil {
		return nil, fmt.Errorf("postgres: read incident summary: %w", err)
	}
	return out, nil
}

// Assigner takes the assigner's session advisory lock on a dedicated
// connection; every read and write of the session goes through that
// connection, so if it drops, the lock goes with it and another replica
// can take over without two writers ever overlapping.
func (s *Store) Assigner(ctx context.Context) (store.AssignSession, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: acquire assigner connection: %w", err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", assignerLock).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("postgres: lock assigner: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, store.ErrAssignerBusy
	}
	return &session{conn: conn}, nil
}

type session struct {
	conn *pgxpool.Conn
}

func (x *session) Close() error {
	if x.conn == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := x.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", assignerLock)
	if err != nil {
		// The lock is held by the session: a connection we cannot
		// unlock must not go back to the pool still holding it.
		_ = x.conn.Hijack().Close(ctx)
	} else {
		x.conn.Release()
	}
	x.conn = nil
	if err != nil {
		return fmt.Errorf("postgres: unlock assigner: %w", err)
	}
	return nil
}

func (x *session) Queue(ctx context.Context, limit int) ([]store.Queued, error) {
	rows, err := x.conn.Query(ctx, `SELECT q.seq, q.article_id, a.doc FROM incident_queue q
		LEFT JOIN articles a ON a.id = q.article_id ORDER BY q.seq LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incident queue: %w", err)
	}
	defer rows.Close()
	var (
		out  []store.Queued
		ids  []string
		docs [][]byte
	)
	for rows.Next() {
		var (
			q   store.Queued
			id  string
			doc []byte
		)
		if err := rows.Scan(&q.Seq, &id, &doc); err != nil {
			return nil, fmt.Errorf("postgres: scan incident queue: %w", err)
		}
		q.Missing = doc == nil
		out, ids, docs = append(out, q), append(ids, id), append(docs, doc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read incident queue: %w", err)
	}
	arts, err := store.DecodeDocs(ids, docs)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	for i := range out {
		out[i].Article = arts[i]
	}
	return out, nil
}

func (x *session) IncidentIDs(ctx context.Context, articleIDs []string) (map[string]string, error) {
	rows, err := x.conn.Query(ctx, "SELECT article_id, incident_id FROM incident_articles WHERE article_id = ANY($1)", articleIDs)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incident links: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, i string
		if err := rows.Scan(&a, &i); err != nil {
			return nil, fmt.Errorf("postgres: scan incident link: %w", err)
		}
		out[a] = i
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read incident links: %w", err)
	}
	return out, nil
}

func (x *session) LoadIncidents(ctx context.Context, ids []string) ([]*incident.Incident, error) {
	return readIncidents(ctx, x.conn, "SELECT id, state FROM incidents WHERE id = ANY($1) ORDER BY id", ids)
}

func (x *session) IncidentsFirstReported(ctx context.Context, since, until time.Time) ([]*incident.Incident, error) {
	return readIncidents(ctx, x.conn, "SELECT id, state FROM incidents WHERE first_report >= $1 AND first_report < $2 ORDER BY first_report, id",
		since.UTC(), until.UTC())
}

// querier is a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readIncidents reads the heads a query selects as (id, state) and
// restores each from its members.
func readIncidents(ctx context.Context, db querier, query string, args ...any) ([]*incident.Incident, error) {
	heads, err := collect(ctx, db, store.ScanHead, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incidents: %w", err)
	}
	ids := make([]string, len(heads))
	for i, h := range heads {
		ids[i] = h.ID
	}
	parts, err := collect(ctx, db, store.ScanPart,
		"SELECT incident_id, article_id, part FROM incident_articles WHERE incident_id = ANY($1) ORDER BY incident_id, ord", ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incident members: %w", err)
	}
	return store.Restore(heads, parts), nil
}

func collect[T any](ctx context.Context, db querier, scan func(store.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.Collect(rows, scan)
}

const upsertIncidents = `
INSERT INTO incidents (id, first_report, last_report, place_id, country, admin1, admin1_name, lat, lon,
	sources, articles, killed, injured, arrested, kidnapped, missing, displaced, doc, state)
SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
	$8::float8[], $9::float8[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[],
	$18::text[], $19::text[])
ON CONFLICT (id) DO UPDATE SET first_report = excluded.first_report, last_report = excluded.last_report,
	place_id = excluded.place_id, country = excluded.country, admin1 = excluded.admin1, admin1_name = excluded.admin1_name,
	lat = excluded.lat, lon = excluded.lon, sources = excluded.sources, articles = excluded.articles,
	killed = excluded.killed, injured = excluded.injured, arrested = excluded.arrested, kidnapped = excluded.kidnapped,
	missing = excluded.missing, displaced = excluded.displaced, doc = excluded.doc, state = excluded.state`

// upsertMembers moves the staged members into incident_articles; their
// parts (the members' state, text signatures included) are most of an
// incident write, hence the stage.
const upsertMembers = `
INSERT INTO incident_articles (article_id, incident_id, source, ord, part)
SELECT article_id, incident_id, source, ord, part FROM pg_temp.member_stage ORDER BY n
ON CONFLICT (article_id) DO UPDATE SET source = excluded.source, ord = excluded.ord, part = excluded.part`

func (x *session) Save(ctx context.Context, w store.IncidentWrite) error {
	heads, members, err := store.WriteRows(w)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	tx, err := x.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin incident write: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if len(heads) > 0 {
		if err := writeIncidents(ctx, tx, heads); err != nil {
			return err
		}
	}
	if len(members) > 0 {
		if err := writeMembers(ctx, tx, members); err != nil {
			return err
		}
	}
	if len(w.Done) > 0 {
		if _, err := tx.Exec(ctx, "DELETE FROM incident_queue WHERE seq = ANY($1)", w.Done); err != nil {
			return fmt.Errorf("postgres: consume incident queue: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit incident write: %w", err)
	}
	return nil
}

// writeIncidents upserts the heads in one statement.
func writeIncidents(ctx context.Context, tx pgx.Tx, rows []store.IncidentRow) error {
	var (
		ids, places, countries, admin1s, names, docs, states           []string
		firsts, lasts                                                  []time.Time
		lats, lons                                                     []*float64
		srcs, arts, killed, injured, arrested, kidnapped, miss, displc []int
	)
	for _, r := range rows {
		z := stripNUL
		ids, places, countries, admin1s, names = append(ids, r.ID), append(places, z(r.PlaceID)), append(countries, z(r.Country)),
			append(admin1s, z(r.Admin1)), append(names, z(r.Admin1Name))
		docs, states = append(docs, r.Doc), append(states, r.State)
		firsts, lasts = append(firsts, r.FirstReport), append(lasts, r.LastReport)
		lats, lons = append(lats, r.Lat), append(lons, r.Lon)
		e := r.Estimates
		srcs, arts = append(srcs, r.Sources), append(arts, r.Articles)
		killed, injured, arrested = append(killed, e.Killed), append(injured, e.Injured), append(arrested, e.Arrested)
		kidnapped, miss, displc = append(kidnapped, e.Kidnapped), append(miss, e.Missing), append(displc, e.Displaced)
	}
	if _, err := tx.Exec(ctx, upsertIncidents, ids, firsts, lasts, places, countries, admin1s, names, lats, lons,
		srcs, arts, killed, injured, arrested, kidnapped, miss, displc, docs, states); err != nil {
		return fmt.Errorf("postgres: write incidents: %w", err)
	}
	return nil
}

// writeMembers upserts the changed members in one statement, through the
// member stage (see stage).
func writeMembers(ctx context.Context, tx pgx.Tx, rows []store.MemberRow) error {
	if _, err := memberStage.copy(ctx, tx, len(rows), func(i int, vals []any) []any {
		m := rows[i]
		return append(vals, i, m.ArticleID, m.IncidentID, stripNUL(m.Source), m.Ord, m.Part)
	}); err != nil {
		return fmt.Errorf("postgres: stage incident members: %w", err)
	}
	if _, err := tx.Exec(ctx, upsertMembers); err != nil {
		return fmt.Errorf("postgres: write incident members: %w", err)
	}
	return nil
}
