package storetest

import (
	"strconv"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Places used by the fixtures; ids, codes and coordinates are from GeoNames
// (geonames.org, CC BY 4.0).
var (
	Karachi  = place(1174872, "Karachi", "PK", "05", "Sindh", 24.8608, 67.0104)
	Lahore   = place(1172451, "Lahore", "PK", "04", "Punjab", 31.558, 74.35071)
	Peshawar = place(1168197, "Peshawar", "PK", "03", "Khyber Pakhtunkhwa", 34.008, 71.57849)
	Kabul    = place(1138958, "Kabul", "AF", "13", "Kabul", 34.52813, 69.17233)
	Mumbai   = place(1275339, "Mumbai", "IN", "16", "Maharashtra", 19.07283, 72.88261)
	Dhaka    = place(1185241, "Dhaka", "BD", "81", "Dhaka Division", 23.7104, 90.40744)
)

func place(id int64, name, country, a1, a1name string, lat, lon float64) events.Place {
	return events.Place{
		ID: "geonames:" + strconv.FormatInt(id, 10), GeonameID: id, Name: name, Country: country,
		Admin1Code: a1, Admin1Name: a1name, Lat: lat, Lon: lon, FeatureCode: "PPLA",
	}
}

// T0 is the fixtures' reference time; fixtures are published at offsets.
var T0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Article builds a valid enriched article. Options adjust it.
func Article(id string, published time.Time, opts ...func(*events.EnrichedArticle)) events.EnrichedArticle {
	a := events.EnrichedArticle{
		RawArticle: events.RawArticle{
			SchemaVersion: events.SchemaVersion,
			ID:            id,
			Revision:      1,
			URL:           "https://news.example/" + id,
			CanonicalURL:  "https://news.example/" + id,
			Feed:          "https://news.example/feed.xml",
			Source:        "Example News",
			Title:         "Report " + id,
			Summary:       "A summary of report " + id + ".",
			Language:      "en",
			PublishedAt:   published,
			FetchedAt:     published.Add(time.Minute),
		},
		Locations:       []events.Location{},
		Places:          []events.PlaceCount{},
		Casualties:      []events.Casualty{},
		EnricherVersion: "1.0.0",
		EnrichedAt:      published.Add(2 * time.Minute),
	}
	for _, o := range opts {
		o(&a)
	}
	return a
}

// At mentions p n times; the first place given becomes the focus.
func At(p events.Place, n int) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) {
		a.Places = append(a.Places, events.PlaceCount{Place: p, Mentions: n})
		a.Locations = append(a.Locations, events.Location{Place: p, Span: events.Span{Field: events.FieldTitle, Start: 0, End: len(p.Name)}, Text: p.Name, Confidence: 0.9})
		if a.Focus == nil {
			f := p
			a.Focus = &f
		}
	}
}

// Mentions adds p as a mentioned place without making it the focus.
func Mentions(p events.Place, n int) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) {
		a.Places = append(a.Places, events.PlaceCount{Place: p, Mentions: n})
	}
}

// Hit adds a casualty figure and raises the totals.
func Hit(k events.Kind, n int, evidence string) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) {
		c := events.Casualty{Kind: k, Count: n, Min: n, Max: n, Qualifier: "exact", Evidence: events.Span{Field: events.FieldSummary, Start: 0, End: len(evidence)}, EvidenceText: evidence}
		if a.Focus != nil {
			p := *a.Focus
			c.Place = &p
		}
		a.Casualties = append(a.Casualties, c)
		a.Totals.Set(k, a.Totals.Get(k)+n)
	}
}

// Text sets the title and body text.
func Text(title, body string) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) { a.Title, a.Text = title, body }
}

// Source sets the outlet.
func Source(s string) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) { a.Source = s }
}

// Version sets the revision and enricher version.
func Version(rev int, enricher string) func(*events.EnrichedArticle) {
	return func(a *events.EnrichedArticle) { a.Revision, a.EnricherVersion = rev, enricher }
}
