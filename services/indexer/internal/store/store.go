// Package store owns the indexer's storage contract: the query types, the
// version rule that makes writes idempotent, the row shapes both databases
// store, and the SQL filter builder they share. The implementations live in
// the sqlite and postgres sub-packages and pass the storetest suite.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// ErrNotFound reports that no stored article has the requested id.
var ErrNotFound = errors.New("store: article not found")

// ErrInvalidID reports an article id the store cannot hold (it contains a
// NUL byte). It is permanent: the message is poison.
var ErrInvalidID = errors.New("invalid article id")

// Store is the full contract the two implementations satisfy; consumers
// declare the smaller slices they use (index.Upserter, api.Reader).
//
// All methods are safe for concurrent use. Upsert is idempotent: writing the
// same article (same id, revision and enricher version) again changes
// nothing, an older one is ignored and a newer one replaces every stored row
// of that article, so replays never double-count.
type Store interface {
	Upsert(ctx context.Context, batch []events.EnrichedArticle) (UpsertResult, error)
	Articles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	Article(ctx context.Context, id string) (events.EnrichedArticle, error)
	TopPlaces(ctx context.Context, q PlaceQuery) ([]PlaceStat, error)
	CasualtySummary(ctx context.Context, q SummaryQuery) ([]SummaryGroup, error)
	IncidentStore
	Ping(ctx context.Context) error
	Close() error
}

// UpsertResult counts what one Upsert did with its batch.
type UpsertResult struct {
	// Inserted are articles the store had not seen.
	Inserted int
	// Replaced are articles whose stored version was older.
	Replaced int
	// Unchanged are duplicates or older versions of stored articles,
	// including duplicates within the batch.
	Unchanged int
	// New lists the inserted articles, so callers can count coverage
	// without counting replays or revisions twice.
	New []events.EnrichedArticle
}

// ArticleQuery selects articles, newest first.
type ArticleQuery struct {
	// Since and Until bound published_at: Since <= t < Until. Zero means open.
	Since, Until time.Time
	// Country and Admin1 match the article's primary place (see Primary).
	Country string
	Admin1  string
	// GeonameID matches any place the article mentions.
	GeonameID int64
	// Near matches articles whose primary place lies within the circle.
	Near *Circle
	// Kinds and MinCount select by casualty totals: the sum of the article's
	// totals over Kinds (every kind when empty) must be at least MinCount.
	// With Kinds set and MinCount zero, at least 1 is required.
	Kinds    []events.Kind
	MinCount int
	// Text is a full-text query over title, summary and text; words are
	// ANDed, stemmed for English.
	Text string
	// Source matches the outlet name exactly.
	Source string
	// Limit is the page size; the store treats <= 0 as 50.
	Limit int
	// After continues a previous page.
	After *Cursor
}

// Circle is a point and a radius in kilometres.
type Circle struct {
	Lat, Lon, KM float64
}

// ArticlePage is one page of articles and the cursor of the next, nil at the end.
type ArticlePage struct {
	Articles []events.EnrichedArticle
	Next     *Cursor
}

// PlaceQuery selects the most mentioned places.
type PlaceQuery struct {
	Since, Until time.Time
	Country      string
	Limit        int
}

// PlaceStat is a place and how many stored articles mention it.
type PlaceStat struct {
	Place    events.Place `json:"place"`
	Articles int          `json:"articles"`
	Mentions int          `json:"mentions"`
}

// GroupBy names how CasualtySummary groups articles.
type GroupBy string

// The groupings CasualtySummary supports.
const (
	ByCountry GroupBy = "country"
	ByAdmin1  GroupBy = "admin1"
	ByDay     GroupBy = "day"
)

// SummaryQuery selects articles to total, grouped by their primary place or
// their UTC publication day.
type SummaryQuery struct {
	Since, Until time.Time
	Country      string
	GroupBy      GroupBy
}

// SummaryGroup is the casualty totals of the articles in one group. Each
// article counts once, with its own Totals, so figures repeated inside one
// article are not summed twice.
type SummaryGroup struct {
	// Key is the country code, "CC.admin1" code or "YYYY-MM-DD"; empty for
	// articles without a place.
	Key        string `json:"key"`
	Country    string `json:"country,omitempty"`
	Admin1Code string `json:"admin1_code,omitempty"`
	Admin1Name string `json:"admin1_name,omitempty"`
	Day        string `json:"day,omitempty"`
	Articles   int    `json:"articles"`
	// Incidents is the number of incidents in the group, set when the
	// summary counts incidents (then Totals sum their current estimates).
	Incidents *int          `json:"incidents,omitempty"`
	Totals    events.Totals `json:"totals"`
	// Lat and Lon are the mean position of the group's articles, for maps;
	// nil when no article in the group has a position.
	Lat *float64 `json:"lat,omitempty"`
	Lon *float64 `json:"lon,omitempty"`
}
