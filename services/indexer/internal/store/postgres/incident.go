package postgres

import (
	"context"
	"errors"
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
	var state []byte
	err := s.pool.QueryRow(ctx, "SELECT state FROM incidents WHERE id = $1", stripNUL(id)).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.IncidentDetail{}, store.ErrNoIncident
	}
	if err != nil {
		return store.IncidentDetail{}, fmt.Errorf("postgres: incident %s: %w", id, err)
	}
	inc, err := store.DecodeState(id, state)
	if err != nil {
		return store.IncidentDetail{}, fmt.Errorf("postgres: %w", err)
	}
	return store.DetailOf(inc), nil
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
	return x.states(ctx, "SELECT id, state FROM incidents WHERE id = ANY($1) ORDER BY id", ids)
}

func (x *session) IncidentsFirstReported(ctx context.Context, since, until time.Time) ([]*incident.Incident, error) {
	return x.states(ctx, "SELECT id, state FROM incidents WHERE first_report >= $1 AND first_report < $2 ORDER BY first_report, id",
		since.UTC(), until.UTC())
}

func (x *session) states(ctx context.Context, query string, args ...any) ([]*incident.Incident, error) {
	rows, err := x.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incidents: %w", err)
	}
	defer rows.Close()
	out, err := store.Collect(rows, store.ScanState)
	if err != nil {
		return nil, fmt.Errorf("postgres: read incidents: %w", err)
	}
	return out, nil
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

func (x *session) Save(ctx context.Context, w store.IncidentWrite) error {
	rows, err := store.RowsOf(w.Incidents)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	tx, err := x.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin incident write: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	for len(rows) > 0 {
		n := statementRows(rows)
		if err := writeIncidents(ctx, tx, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	if len(w.Links) > 0 {
		var arts, incs, srcs []string
		for _, l := range w.Links {
			arts, incs, srcs = append(arts, l.ArticleID), append(incs, l.IncidentID), append(srcs, stripNUL(l.Source))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO incident_articles (article_id, incident_id, source)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (article_id) DO NOTHING`, arts, incs, srcs); err != nil {
			return fmt.Errorf("postgres: link incident articles: %w", err)
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

// maxStatementBytes bounds the documents and states sent in one statement.
// The connection keeps a buffer as large as the largest message it sent, and
// a busy incident's state is hundreds of kilobytes: one statement for a
// whole batch of them kept tens of megabytes per connection.
const maxStatementBytes = 4 << 20

// statementRows is how many of rows, at least one, fit in one statement.
func statementRows(rows []store.IncidentRow) int {
	size := 0
	for i, r := range rows {
		size += len(r.Doc) + len(r.State)
		if i > 0 && size > maxStatementBytes {
			return i
		}
	}
	return len(rows)
}

// writeIncidents upserts rows in one statement.
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
