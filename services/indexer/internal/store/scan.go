package store

import (
	"fmt"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Row is the one method the rows of database/sql and pgx share, so both
// stores read the queries built here with the same code.
type Row interface {
	Scan(dest ...any) error
}

// ResultSet is a result set of either driver.
type ResultSet interface {
	Row
	Next() bool
	Err() error
}

// Collect reads every row with scan; the caller closes rows.
func Collect[T any](rows ResultSet, scan func(Row) (T, error)) ([]T, error) {
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ReadArticlePage reads the rows of one articles plan into a page of at most
// limit articles; full reports that a further row exists, so the page has a
// next cursor.
func ReadArticlePage(rows ResultSet, limit int) (page ArticlePage, full bool, err error) {
	page.Articles, full, err = readPage(rows, limit, DecodeDoc)
	if full {
		last := page.Articles[limit-1]
		page.Next = &Cursor{PublishedAt: last.PublishedAt.UTC().Truncate(time.Microsecond), ID: last.ID}
	}
	return page, full, err
}

// ReadIncidentPage reads the rows of IncidentsSQL into a page of at most
// limit incidents.
func ReadIncidentPage(rows ResultSet, limit int) (IncidentPage, error) {
	var (
		page IncidentPage
		full bool
		err  error
	)
	page.Incidents, full, err = readPage(rows, limit, ScanIncidentDoc)
	if full {
		last := page.Incidents[limit-1]
		page.Next = &Cursor{PublishedAt: last.FirstReport.UTC().Truncate(time.Microsecond), ID: last.ID}
	}
	return page, err
}

// readPage reads list rows, each (doc, sort key, id), decoding up to limit of
// them; one more row means the page is full. The sort key only orders the
// query (its type differs between drivers), so it is read and dropped.
func readPage[T any](rows ResultSet, limit int, decode func(id string, doc []byte) (T, error)) (items []T, full bool, err error) {
	items = []T{}
	for rows.Next() {
		var (
			doc []byte
			key any
			id  string
		)
		if err := rows.Scan(&doc, &key, &id); err != nil {
			return nil, false, fmt.Errorf("scan row: %w", err)
		}
		if len(items) == limit {
			return items, true, nil
		}
		v, err := decode(id, doc)
		if err != nil {
			return nil, false, err
		}
		items = append(items, v)
	}
	return items, false, rows.Err()
}

// ScanPlaceStat reads one row of TopPlacesSQL.
func ScanPlaceStat(r Row) (PlaceStat, error) {
	var st PlaceStat
	p := &st.Place
	err := r.Scan(&p.ID, &p.GeonameID, &p.Name, &p.Country, &p.Admin1Code, &p.Admin1Name, &p.Admin2Code,
		&p.Lat, &p.Lon, &p.FeatureCode, &st.Articles, &st.Mentions)
	return st, err
}

// ScanSummaryGroup reads one row of SummarySQL grouped by by.
func ScanSummaryGroup(r Row, by GroupBy) (SummaryGroup, error) {
	var (
		g        SummaryGroup
		t        = &g.Totals
		lat, lon *float64
	)
	if err := r.Scan(&g.Country, &g.Admin1Code, &g.Admin1Name, &g.Day, &g.Articles,
		&t.Killed, &t.Injured, &t.Arrested, &t.Kidnapped, &t.Missing, &t.Displaced, &lat, &lon); err != nil {
		return g, err
	}
	if lat != nil && lon != nil {
		g.Lat, g.Lon = lat, lon
	}
	SummaryKey(&g, by)
	return g, nil
}

// DecodeDoc decodes the stored document of article id.
func DecodeDoc(id string, doc []byte) (events.EnrichedArticle, error) {
	var a events.EnrichedArticle
	if err := events.Unmarshal(doc, &a); err != nil {
		return events.EnrichedArticle{}, fmt.Errorf("decode stored article %s: %w", id, err)
	}
	return a, nil
}
