package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/incident"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Incidents returns one page of incidents matching q, newest first report first.
func (s *Store) Incidents(ctx context.Context, q store.IncidentQuery) (store.IncidentPage, error) {
	query, args, err := store.IncidentsSQL(dialect{}, q)
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("sqlite: incidents: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("sqlite: query incidents: %w", err)
	}
	defer rows.Close()
	page, err := store.ReadIncidentPage(rows, store.PageLimit(q.Limit))
	if err != nil {
		return store.IncidentPage{}, fmt.Errorf("sqlite: read incidents: %w", err)
	}
	return page, nil
}

// Incident returns one incident with its articles and toll histories.
func (s *Store) Incident(ctx context.Context, id string) (store.IncidentDetail, error) {
	incs, err := s.incidents(ctx, "SELECT id, state FROM incidents WHERE id = ?", id)
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
		return nil, fmt.Errorf("sqlite: incident summary: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query incident summary: %w", err)
	}
	defer rows.Close()
	out, err := store.Collect(rows, func(r store.Row) (store.SummaryGroup, error) { return store.ScanIncidentSummaryGroup(r, q.GroupBy) })
	if err != nil {
		return nil, fmt.Errorf("sqlite: read incident summary: %w", err)
	}
	return out, nil
}

// Assigner opens the assigner session. SQLite is used by one process, so
// the lock is the store's own flag.
func (s *Store) Assigner(ctx context.Context) (store.AssignSession, error) {
	if !s.assigning.CompareAndSwap(false, true) {
		return nil, store.ErrAssignerBusy
	}
	return &session{s: s}, nil
}

// session reads through the reader pool (committed data, never blocking
// the writer) and saves through the single writer connection, taking it
// as briefly as one Upsert does.
type session struct {
	s      *Store
	closed bool
}

func (x *session) Close() error {
	if !x.closed {
		x.closed = true
		x.s.assigning.Store(false)
	}
	return nil
}

func (x *session) Queue(ctx context.Context, limit int) ([]store.Queued, error) {
	rows, err := x.s.read.QueryContext(ctx, `SELECT q.seq, q.article_id, a.doc FROM incident_queue q
		LEFT JOIN articles a ON a.id = q.article_id ORDER BY q.seq LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read incident queue: %w", err)
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
			return nil, fmt.Errorf("sqlite: scan incident queue: %w", err)
		}
		q.Missing = doc == nil
		out, ids, docs = append(out, q), append(ids, id), append(docs, doc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read incident queue: %w", err)
	}
	arts, err := store.DecodeDocs(ids, docs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	for i := range out {
		out[i].Article = arts[i]
	}
	return out, nil
}

// chunkSize keeps IN lists under SQLite's bind parameter limit.
const chunkSize = 10_000

func (x *session) IncidentIDs(ctx context.Context, articleIDs []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(articleIDs); start += chunkSize {
		chunk := articleIDs[start:min(start+chunkSize, len(articleIDs))]
		rows, err := x.s.read.QueryContext(ctx, "SELECT article_id, incident_id FROM incident_articles WHERE article_id IN ("+
			qmarks(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: read incident links: %w", err)
		}
		for rows.Next() {
			var a, i string
			if err := rows.Scan(&a, &i); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: scan incident link: %w", err)
			}
			out[a] = i
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: read incident links: %w", err)
		}
	}
	return out, nil
}

func (x *session) LoadIncidents(ctx context.Context, ids []string) ([]*incident.Incident, error) {
	var out []*incident.Incident
	for start := 0; start < len(ids); start += chunkSize {
		chunk := ids[start:min(start+chunkSize, len(ids))]
		got, err := x.s.incidents(ctx, "SELECT id, state FROM incidents WHERE id IN ("+qmarks(len(chunk))+") ORDER BY id", anys(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func (x *session) IncidentsFirstReported(ctx context.Context, since, until time.Time) ([]*incident.Incident, error) {
	return x.s.incidents(ctx, "SELECT id, state FROM incidents WHERE first_report >= ? AND first_report < ? ORDER BY first_report, id",
		since.UnixMicro(), until.UnixMicro())
}

// incidents reads the heads a query selects as (id, state) and restores
// each from its members, in one read transaction so that heads and members
// are of the same save.
func (s *Store) incidents(ctx context.Context, query string, args ...any) ([]*incident.Incident, error) {
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin incident read: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	heads, err := collect(ctx, tx, store.ScanHead, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read incidents: %w", err)
	}
	var parts []store.StoredPart
	for start := 0; start < len(heads); start += chunkSize {
		chunk := heads[start:min(start+chunkSize, len(heads))]
		ids := make([]any, len(chunk))
		for i, h := range chunk {
			ids[i] = h.ID
		}
		got, err := collect(ctx, tx, store.ScanPart, "SELECT incident_id, article_id, part FROM incident_articles WHERE incident_id IN ("+
			qmarks(len(chunk))+") ORDER BY incident_id, ord", ids...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: read incident members: %w", err)
		}
		parts = append(parts, got...)
	}
	return store.Restore(heads, parts), nil
}

func collect[T any](ctx context.Context, tx *sql.Tx, scan func(store.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.Collect(rows, scan)
}

const upsertIncident = `INSERT INTO incidents (id, first_report, last_report, place_id, country, admin1, admin1_name, lat, lon,
	sources, articles, killed, injured, arrested, kidnapped, missing, displaced, doc, state)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET first_report = excluded.first_report, last_report = excluded.last_report,
	place_id = excluded.place_id, country = excluded.country, admin1 = excluded.admin1, admin1_name = excluded.admin1_name,
	lat = excluded.lat, lon = excluded.lon, sources = excluded.sources, articles = excluded.articles,
	killed = excluded.killed, injured = excluded.injured, arrested = excluded.arrested, kidnapped = excluded.kidnapped,
	missing = excluded.missing, displaced = excluded.displaced, doc = excluded.doc, state = excluded.state`

const upsertMembers = `INSERT INTO incident_articles (article_id, incident_id, source, ord, part) VALUES `
const onMemberConflict = ` ON CONFLICT (article_id) DO UPDATE SET source = excluded.source, ord = excluded.ord, part = excluded.part`

func (x *session) Save(ctx context.Context, w store.IncidentWrite) error {
	// Encode before taking the writer, so Upsert waits for SQL only.
	heads, members, err := store.WriteRows(w)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	tx, err := x.s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin incident write: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	stmt, err := tx.PrepareContext(ctx, upsertIncident)
	if err != nil {
		return fmt.Errorf("sqlite: prepare incident write: %w", err)
	}
	defer stmt.Close()
	for _, r := range heads {
		e := r.Estimates
		if _, err := stmt.ExecContext(ctx, r.ID, r.FirstReport.UnixMicro(), r.LastReport.UnixMicro(), r.PlaceID, r.Country, r.Admin1, r.Admin1Name,
			r.Lat, r.Lon, r.Sources, r.Articles, e.Killed, e.Injured, e.Arrested, e.Kidnapped, e.Missing, e.Displaced,
			r.Doc, r.State); err != nil {
			return fmt.Errorf("sqlite: write incident %s: %w", r.ID, err)
		}
	}
	rows := make([][]any, len(members))
	for i, m := range members {
		rows[i] = []any{m.ArticleID, m.IncidentID, m.Source, m.Ord, m.Part}
	}
	if err := execRows(ctx, tx, upsertMembers, 5, rows, onMemberConflict); err != nil {
		return fmt.Errorf("sqlite: write incident members: %w", err)
	}
	for start := 0; start < len(w.Done); start += chunkSize {
		chunk := w.Done[start:min(start+chunkSize, len(w.Done))]
		args := make([]any, len(chunk))
		for i, seq := range chunk {
			args[i] = seq
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM incident_queue WHERE seq IN ("+qmarks(len(chunk))+")", args...); err != nil {
			return fmt.Errorf("sqlite: consume incident queue: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit incident write: %w", err)
	}
	return nil
}

func qmarks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
