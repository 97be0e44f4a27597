package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/incident"
)

// ErrNoIncident reports that no stored incident has the requested id.
var ErrNoIncident = errors.New("store: incident not found")

// ErrAssignerBusy reports that another process holds the incident
// assigner; only one may run against a database at a time.
var ErrAssignerBusy = errors.New("store: another process runs the incident assigner")

// IncidentStore is the incidents part of Store: reading incidents, and the
// session the single incident assigner writes through.
//
// Upsert does not cluster: it only queues every inserted or replaced
// article (a trigger appends it to incident_queue), so indexing stays as
// fast as without incidents, and the assigner (package assign) drains the
// queue in write order.
type IncidentStore interface {
	Incidents(ctx context.Context, q IncidentQuery) (IncidentPage, error)
	Incident(ctx context.Context, id string) (IncidentDetail, error)
	// IncidentSummary totals the current estimates of the incidents first
	// reported in the window, each incident once.
	IncidentSummary(ctx context.Context, q SummaryQuery) ([]SummaryGroup, error)
	// Assigner opens the assigner's session, or fails with ErrAssignerBusy
	// when another process holds it. Close releases it.
	Assigner(ctx context.Context) (AssignSession, error)
}

// AssignSession is what the incident assigner reads and writes. It is used
// by one goroutine.
type AssignSession interface {
	// Queue returns up to limit queued articles, oldest first.
	Queue(ctx context.Context, limit int) ([]Queued, error)
	// IncidentIDs maps the given article ids to the incidents holding them;
	// articles in no incident are absent.
	IncidentIDs(ctx context.Context, articleIDs []string) (map[string]string, error)
	// LoadIncidents returns the stored incidents with the given ids.
	LoadIncidents(ctx context.Context, ids []string) ([]*incident.Incident, error)
	// IncidentsFirstReported returns the incidents first reported in
	// [since, until).
	IncidentsFirstReported(ctx context.Context, since, until time.Time) ([]*incident.Incident, error)
	// Save writes the changed incidents, links the newly assigned articles
	// and removes the consumed queue entries, in one transaction.
	Save(ctx context.Context, w IncidentWrite) error
	Close() error
}

// Queued is one incident_queue entry with the article as stored now.
// Missing is true when the article row is gone; the entry is just consumed.
type Queued struct {
	Seq     int64
	Article events.EnrichedArticle
	Missing bool
}

// IncidentWrite is one batch of the assigner's work.
type IncidentWrite struct {
	Changes []Change
	// Done are the consumed queue entries.
	Done []int64
}

// Change is one changed incident and the articles that joined it or were
// revised in it: the store rewrites the incident's head and only those
// members.
type Change struct {
	Incident *incident.Incident
	Articles []string
}

// IncidentQuery selects incidents, newest first report first. The filters
// mean what they mean for articles, applied to the incident: Country,
// Admin1 and Near to its focus, Kinds and MinCount to its current
// estimates, GeonameID, Text and Source to any of its articles.
type IncidentQuery struct {
	// Since and Until bound the first report: Since <= t < Until.
	Since, Until time.Time
	Country      string
	Admin1       string
	GeonameID    int64
	Near         *Circle
	Kinds        []events.Kind
	MinCount     int
	Text         string
	Source       string
	// MinSources is the least number of distinct outlets.
	MinSources int
	Limit      int
	// After continues a previous page (first report, id).
	After *Cursor
}

// IncidentPage is one page of incidents and the cursor of the next, nil at
// the end.
type IncidentPage struct {
	Incidents []IncidentItem
	Next      *Cursor
}

// IncidentItem is an incident as lists show it.
type IncidentItem struct {
	ID          string        `json:"id"`
	FirstReport time.Time     `json:"first_report"`
	LastReport  time.Time     `json:"last_report"`
	Focus       *events.Place `json:"focus"`
	Title       string        `json:"title"`
	Sources     []string      `json:"sources"`
	Articles    int           `json:"article_count"`
	// Estimates are the current best estimate of each kind.
	Estimates events.Totals `json:"estimates"`
}

// IncidentDetail is one incident with its articles and toll histories.
type IncidentDetail struct {
	IncidentItem
	Members []IncidentArticle `json:"articles"`
	// Tolls hold, per kind, every report, the estimate and the report it
	// follows (the evidence).
	Tolls []incident.Toll `json:"tolls"`
}

// IncidentArticle is one article of an incident.
type IncidentArticle struct {
	ID          string        `json:"id"`
	Source      string        `json:"source"`
	PublishedAt time.Time     `json:"published_at"`
	Title       string        `json:"title"`
	Totals      events.Totals `json:"totals"`
}

// ItemOf is the list view of inc.
func ItemOf(inc *incident.Incident) IncidentItem {
	it := IncidentItem{
		ID: inc.ID, FirstReport: inc.FirstReport.UTC(), LastReport: inc.LastReport.UTC(), Focus: inc.Focus,
		Title: inc.Title, Sources: append([]string{}, inc.Sources...), Articles: len(inc.Members),
	}
	for _, t := range inc.Tolls {
		it.Estimates.Set(t.Kind, t.Estimate)
	}
	return it
}

// DetailOf is the full view of inc.
func DetailOf(inc *incident.Incident) IncidentDetail {
	d := IncidentDetail{IncidentItem: ItemOf(inc), Members: make([]IncidentArticle, 0, len(inc.Members)), Tolls: []incident.Toll{}}
	for _, m := range inc.Members {
		d.Members = append(d.Members, IncidentArticle{ID: m.ArticleID, Source: m.Source, PublishedAt: m.At.UTC(), Title: m.Title, Totals: m.Totals})
	}
	for _, t := range inc.Tolls {
		t.History = append([]incident.Report{}, t.History...)
		d.Tolls = append(d.Tolls, t)
	}
	return d
}

// IncidentRow is the incidents table row of one incident.
type IncidentRow struct {
	ID                      string
	FirstReport, LastReport time.Time
	PlaceID, Country        string
	Admin1, Admin1Name      string
	Lat, Lon                *float64
	Sources, Articles       int
	Estimates               events.Totals
	// Doc is the IncidentItem JSON; State the incident's head
	// (incident.Head) as JSON.
	Doc, State string
}

// MemberRow is the incident_articles row of one member: its article, and
// the member and its reports (incident.Part) as JSON. Ord is the member's
// position in the incident.
type MemberRow struct {
	ArticleID, IncidentID, Source string
	Ord                           int
	Part                          string
}

// RowOf derives the row inc is stored as.
func RowOf(inc *incident.Incident) (IncidentRow, error) {
	it := ItemOf(inc)
	doc, err := json.Marshal(it)
	if err != nil {
		return IncidentRow{}, fmt.Errorf("encode incident %s: %w", inc.ID, err)
	}
	state, err := json.Marshal(inc.Head())
	if err != nil {
		return IncidentRow{}, fmt.Errorf("encode incident %s state: %w", inc.ID, err)
	}
	r := IncidentRow{
		ID: inc.ID, FirstReport: it.FirstReport.Truncate(time.Microsecond), LastReport: it.LastReport.Truncate(time.Microsecond),
		Sources: len(inc.Sources), Articles: len(inc.Members), Estimates: it.Estimates, Doc: noCopy(doc), State: noCopy(state),
	}
	if p := inc.Focus; p != nil {
		r.PlaceID, r.Country, r.Admin1, r.Admin1Name = PlaceID(*p), p.Country, p.Admin1Code, p.Admin1Name
		lat, lon := p.Lat, p.Lon
		r.Lat, r.Lon = &lat, &lon
	}
	return r, nil
}

// ScanHead reads one (id, state) row as an incident without its members.
func ScanHead(r Row) (*incident.Incident, error) {
	var (
		id    string
		state []byte
	)
	if err := r.Scan(&id, &state); err != nil {
		return nil, fmt.Errorf("scan incident: %w", err)
	}
	var inc incident.Incident
	if err := json.Unmarshal(state, &inc); err != nil {
		return nil, fmt.Errorf("decode stored incident %s: %w", id, err)
	}
	return &inc, nil
}

// StoredPart is one incident_articles row as read back.
type StoredPart struct {
	IncidentID string
	Part       incident.Part
}

// ScanPart reads one (incident_id, article_id, part) row.
func ScanPart(r Row) (StoredPart, error) {
	var (
		p         StoredPart
		articleID string
		part      []byte
	)
	if err := r.Scan(&p.IncidentID, &articleID, &part); err != nil {
		return p, fmt.Errorf("scan incident member: %w", err)
	}
	if err := json.Unmarshal(part, &p.Part); err != nil {
		return p, fmt.Errorf("decode member %s of incident %s: %w", articleID, p.IncidentID, err)
	}
	return p, nil
}

// Restore joins heads with their parts, which are in member order.
func Restore(heads []*incident.Incident, parts []StoredPart) []*incident.Incident {
	byID := map[string][]incident.Part{}
	for _, p := range parts {
		byID[p.IncidentID] = append(byID[p.IncidentID], p.Part)
	}
	out := make([]*incident.Incident, len(heads))
	for i, h := range heads {
		out[i] = incident.Restore(h, byID[h.ID])
	}
	return out
}

// incidentTotals maps kinds to the incidents columns holding estimates.
var incidentTotals = map[events.Kind]string{
	events.Killed:    "i.killed",
	events.Injured:   "i.injured",
	events.Arrested:  "i.arrested",
	events.Kidnapped: "i.kidnapped",
	events.Missing:   "i.missing",
	events.Displaced: "i.displaced",
}

// IncidentsSQL returns the query for one page of q, selecting i.doc,
// i.first_report, i.id, one row more than the page.
func IncidentsSQL(d Dialect, q IncidentQuery) (string, []any, error) {
	b := NewBuilder(d)
	b.timeRange("i.first_report", q.Since, q.Until)
	if q.Country != "" {
		b.Where("i.country = " + b.Arg(q.Country))
	}
	if q.Admin1 != "" {
		b.Where("i.admin1 = " + b.Arg(q.Admin1))
	}
	if q.MinSources > 0 {
		b.Where("i.sources >= " + b.Arg(q.MinSources))
	}
	if n := q.Near; n != nil {
		dLat := n.KM / kmPerDegree
		cos := math.Cos(n.Lat * math.Pi / 180)
		if cos < 0.01 {
			cos = 0.01
		}
		dLon := dLat / cos
		b.Where("i.lat BETWEEN " + b.Arg(n.Lat-dLat) + " AND " + b.Arg(n.Lat+dLat))
		b.Where("i.lon BETWEEN " + b.Arg(n.Lon-dLon) + " AND " + b.Arg(n.Lon+dLon))
		b.Where(fmt.Sprintf("((i.lat - %s) * (i.lat - %s) + (i.lon - %s) * (i.lon - %s) * %s) <= %s",
			b.Arg(n.Lat), b.Arg(n.Lat), b.Arg(n.Lon), b.Arg(n.Lon), b.Arg(cos*cos), b.Arg(dLat*dLat)))
	}
	if len(q.Kinds) > 0 || q.MinCount > 0 {
		kinds := q.Kinds
		if len(kinds) == 0 {
			kinds = events.Kinds
		}
		cols := make([]string, 0, len(kinds))
		for _, k := range kinds {
			col, ok := incidentTotals[k]
			if !ok {
				return "", nil, fmt.Errorf("unknown casualty kind %q", k)
			}
			cols = append(cols, col)
		}
		b.Where("(" + strings.Join(cols, " + ") + ") >= " + b.Arg(max(q.MinCount, 1)))
	}
	if q.Source != "" {
		b.Where("i.id IN (SELECT ia.incident_id FROM incident_articles ia WHERE ia.source = " + b.Arg(q.Source) + ")")
	}
	if q.GeonameID != 0 {
		b.Where("i.id IN (SELECT ia.incident_id FROM article_places p JOIN incident_articles ia ON ia.article_id = p.article_id WHERE p.geonameid = " +
			b.Arg(q.GeonameID) + ")")
	}
	if q.Text != "" {
		if arg, ok := d.TextArg(q.Text); ok {
			b.Where("i.id IN (SELECT ia.incident_id FROM articles a" + d.TextJoin() +
				" JOIN incident_articles ia ON ia.article_id = a.id WHERE " + d.TextMatch(b.Arg(arg)) + ")")
		} else {
			b.Where("1 = 0")
		}
	}
	if c := q.After; c != nil {
		b.Where("(i.first_report, i.id) < (" + b.Arg(d.Time(c.PublishedAt)) + ", " + b.Arg(c.ID) + ")")
	}
	sql := "SELECT i.doc, i.first_report, i.id FROM incidents i" + b.Clause() +
		" ORDER BY i.first_report DESC, i.id DESC LIMIT " + b.Arg(PageLimit(q.Limit)+1)
	return sql, b.Args, nil
}

// IncidentSummarySQL is SummarySQL over incidents: key columns, the
// incident count, the article count, the six estimate sums in events.Kinds
// order, and mean lat, lon. Groups follow the incident's focus and first
// report day.
func IncidentSummarySQL(d Dialect, q SummaryQuery) (string, []any, error) {
	return summarySQL(d, q, "incidents", "first_report", "SUM(t.articles), ")
}

// ScanIncidentSummaryGroup reads one row of IncidentSummarySQL.
func ScanIncidentSummaryGroup(r Row, by GroupBy) (SummaryGroup, error) {
	var (
		g        SummaryGroup
		t        = &g.Totals
		lat, lon *float64
		n        int
	)
	if err := r.Scan(&g.Country, &g.Admin1Code, &g.Admin1Name, &g.Day, &n, &g.Articles,
		&t.Killed, &t.Injured, &t.Arrested, &t.Kidnapped, &t.Missing, &t.Displaced, &lat, &lon); err != nil {
		return g, err
	}
	g.Incidents = &n
	if lat != nil && lon != nil {
		g.Lat, g.Lon = lat, lon
	}
	SummaryKey(&g, by)
	return g, nil
}

// ScanIncidentDoc reads one row of IncidentsSQL.
func ScanIncidentDoc(id string, doc []byte) (IncidentItem, error) {
	var it IncidentItem
	if err := json.Unmarshal(doc, &it); err != nil {
		return it, fmt.Errorf("decode stored incident %s: %w", id, err)
	}
	return it, nil
}

// WriteRows derives the rows of one write, encoding on every core: the
// assigner waits for this between batches. An article named twice in a
// change gives one row.
func WriteRows(w IncidentWrite) ([]IncidentRow, []MemberRow, error) {
	type ref struct {
		inc *incident.Incident
		id  string
	}
	var refs []ref
	for _, c := range w.Changes {
		seen := map[string]bool{}
		for _, id := range c.Articles {
			if !seen[id] {
				seen[id] = true
				refs = append(refs, ref{c.Incident, id})
			}
		}
	}
	heads := make([]IncidentRow, len(w.Changes))
	members := make([]MemberRow, len(refs))
	err := Parallel(len(heads)+len(refs), func(i int) error {
		if i < len(heads) {
			var err error
			heads[i], err = RowOf(w.Changes[i].Incident)
			return err
		}
		r := refs[i-len(heads)]
		p, ord, ok := r.inc.Part(r.id)
		if !ok {
			return fmt.Errorf("incident %s has no member %s", r.inc.ID, r.id)
		}
		part, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("encode member %s of incident %s: %w", r.id, r.inc.ID, err)
		}
		members[i-len(heads)] = MemberRow{ArticleID: r.id, IncidentID: r.inc.ID, Source: p.Source, Ord: ord, Part: noCopy(part)}
		return nil
	})
	return heads, members, err
}

// DecodeDocs decodes stored article documents on every core; docs[i] nil
// leaves out[i] zero.
func DecodeDocs(ids []string, docs [][]byte) ([]events.EnrichedArticle, error) {
	out := make([]events.EnrichedArticle, len(docs))
	err := Parallel(len(docs), func(i int) error {
		if docs[i] == nil {
			return nil
		}
		var err error
		out[i], err = DecodeDoc(ids[i], docs[i])
		return err
	})
	return out, err
}

// Parallel calls fn(i) for i in [0, n) on GOMAXPROCS goroutines and
// returns the first error.
func Parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if errs == nil {
						errs = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return errs
}
