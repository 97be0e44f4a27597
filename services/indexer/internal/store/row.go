package store

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/newsflow/newsflow/pkg/events"
)

// Primary is the place an article is filed and drawn under: the enricher's
// Focus when it found one, else the most mentioned place. Country, admin1,
// near filters and the summaries use it, so an article is counted in one
// place only. It returns false for articles that name no place.
func Primary(a events.EnrichedArticle) (events.Place, bool) {
	if a.Focus != nil {
		return *a.Focus, true
	}
	if len(a.Places) > 0 {
		return a.Places[0].Place, true
	}
	return events.Place{}, false
}

// Dedupe keeps the newest version of each id in batch, in first-seen order,
// and returns how many deliveries it dropped.
func Dedupe(batch []events.EnrichedArticle) (out []events.EnrichedArticle, dropped int) {
	pos := make(map[string]int, len(batch))
	out = make([]events.EnrichedArticle, 0, len(batch))
	for _, a := range batch {
		i, seen := pos[a.ID]
		if !seen {
			pos[a.ID] = len(out)
			out = append(out, a)
			continue
		}
		dropped++
		if VersionOf(a).Newer(VersionOf(out[i])) {
			out[i] = a
		}
	}
	return out, dropped
}

// VersionOf returns the version fields of a.
func VersionOf(a events.EnrichedArticle) Version {
	return Version{Revision: a.Revision, EnricherVersion: a.EnricherVersion}
}

// ArticleRow is the articles table row of one article, less its sequence
// number and time representation, which each database chooses.
type ArticleRow struct {
	ID              string
	Revision        int
	EnricherVersion string
	PublishedAt     time.Time
	EnrichedAt      time.Time
	Source          string
	PlaceID         string
	Country         string
	Admin1          string
	Admin1Name      string
	// Lat and Lon are nil when the article names no place.
	Lat, Lon *float64
	Totals   events.Totals
	Title    string
	Body     string
	// Doc is the article's JSON, as the API returns it.
	Doc string
}

// PlaceRow is one article_places row.
type PlaceRow struct {
	PlaceID   string
	GeonameID int64
	Country   string
	Admin1    string
	Mentions  int
}

// CasualtyRow is one casualties row; Ord is the figure's index in the article.
type CasualtyRow struct {
	Ord          int
	Kind         string
	Count        int
	Min, Max     int
	Qualifier    string
	Group        string
	EvidenceText string
	PlaceID      string
	Country      string
	Admin1       string
}

// Rows derives every row one article is stored as. places are the distinct
// places to upsert into the places table.
func Rows(a events.EnrichedArticle) (art ArticleRow, mentions []PlaceRow, casualties []CasualtyRow, places []events.Place, err error) {
	a.SchemaVersion = events.SchemaVersion
	doc, err := json.Marshal(a)
	if err != nil {
		return art, nil, nil, nil, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	art = ArticleRow{
		ID:              a.ID,
		Revision:        a.Revision,
		EnricherVersion: a.EnricherVersion,
		PublishedAt:     a.PublishedAt.UTC().Truncate(time.Microsecond),
		EnrichedAt:      a.EnrichedAt.UTC().Truncate(time.Microsecond),
		Source:          a.Source,
		Totals:          a.Totals,
		Title:           a.Title,
		Doc:             noCopy(doc),
	}
	parts := make([]string, 0, 2)
	for _, s := range []string{a.Summary, a.Text} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	art.Body = strings.Join(parts, "\n")
	if p, ok := Primary(a); ok {
		p.ID = PlaceID(p)
		art.PlaceID, art.Country, art.Admin1, art.Admin1Name = p.ID, p.Country, p.Admin1Code, p.Admin1Name
		lat, lon := p.Lat, p.Lon
		art.Lat, art.Lon = &lat, &lon
		if p.ID != "" {
			places = append(places, p)
		}
	}
	seen := map[string]bool{}
	for _, p := range places {
		seen[p.ID] = true
	}
	for _, pc := range a.Places {
		p := pc.Place
		p.ID = PlaceID(p)
		if p.ID == "" {
			continue
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			places = append(places, p)
		}
		dup := false
		for _, m := range mentions {
			dup = dup || m.PlaceID == p.ID
		}
		if dup {
			continue
		}
		mentions = append(mentions, PlaceRow{PlaceID: p.ID, GeonameID: p.GeonameID, Country: p.Country, Admin1: p.Admin1Code, Mentions: pc.Mentions})
	}
	for i, c := range a.Casualties {
		row := CasualtyRow{
			Ord: i, Kind: string(c.Kind), Count: c.Count, Min: c.Min, Max: c.Max,
			Qualifier: c.Qualifier, Group: c.Group, EvidenceText: c.EvidenceText,
		}
		if c.Place != nil {
			row.PlaceID, row.Country, row.Admin1 = PlaceID(*c.Place), c.Place.Country, c.Place.Admin1Code
		}
		casualties = append(casualties, row)
	}
	return art, mentions, casualties, places, nil
}

// PlaceID is p.ID, or "geonames:<id>" when the enricher left it empty.
func PlaceID(p events.Place) string {
	if p.ID != "" {
		return p.ID
	}
	if p.GeonameID != 0 {
		return "geonames:" + strconv.FormatInt(p.GeonameID, 10)
	}
	return ""
}

// RowSet is every row one article is stored as; see Rows.
type RowSet struct {
	Article    ArticleRow
	Mentions   []PlaceRow
	Casualties []CasualtyRow
	Places     []events.Place
}

// parallelMin is the batch size from which BuildRows spreads the work over
// the cores: below it the goroutines cost more than they save.
const parallelMin = 64

// BuildRows derives the rows of every article in batch, encoding the JSON
// documents on every core: the encoding is the largest CPU cost of a write
// outside the database, and the database itself has a single writer.
func BuildRows(batch []events.EnrichedArticle) ([]RowSet, error) {
	out := make([]RowSet, len(batch))
	errs := make([]error, len(batch))
	build := func(from, to int) {
		for i := from; i < to; i++ {
			r := &out[i]
			r.Article, r.Mentions, r.Casualties, r.Places, errs[i] = Rows(batch[i])
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(batch)/parallelMin)
	if workers <= 1 {
		build(0, len(batch))
	} else {
		var wg sync.WaitGroup
		per := (len(batch) + workers - 1) / workers
		for from := 0; from < len(batch); from += per {
			wg.Go(func() { build(from, min(from+per, len(batch))) })
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// noCopy returns b as a string without copying it. b must never change
// afterwards: callers pass a fresh encoding that nothing else holds. The
// stores bind documents as strings, and copying each would double a batch's
// largest allocations (a busy incident's state is hundreds of kilobytes).
func noCopy(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
