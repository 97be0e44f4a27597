// Package events owns the wire schema that crosses service boundaries: the raw
// article the fetcher publishes, the enriched article the enricher publishes,
// and their encoding as Kafka messages (JSON body, article id as key,
// CloudEvents binary-mode headers).
//
// Only this package is shared between services; a change here is a change to
// the contract, so every type has golden-file tests of its JSON.
package events

import (
	"time"
)

// SchemaVersion is the version of the JSON documents this package writes.
// Decoders reject any other version so a consumer never half-understands a
// message; such messages go to the dead-letter topic.
const SchemaVersion = 1

// RawArticle is one news item as the fetcher saw it.
type RawArticle struct {
	SchemaVersion int `json:"schema_version"`
	// ID is stable across polls and replicas: derived from the canonical URL,
	// falling back to the feed GUID and then a content hash.
	ID string `json:"id"`
	// Revision starts at 1 and grows when the same article's content changes.
	Revision     int    `json:"revision"`
	URL          string `json:"url"`
	CanonicalURL string `json:"canonical_url"`
	// Feed is the URL of the feed the item came from.
	Feed string `json:"feed"`
	// Source is the human name of the outlet ("Dawn", "The Hindu").
	Source string `json:"source"`
	// CountryHint is the ISO 3166-1 alpha-2 code of the feed's home country,
	// a prior for place resolution; empty when unknown.
	CountryHint string `json:"country_hint,omitempty"`
	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`
	// Text is the article's plain content text, when the feed or the full-text
	// fetch provided it.
	Text     string `json:"text,omitempty"`
	Language string `json:"language,omitempty"`
	// PublishedAt falls back to the time the fetcher first saw the item when
	// the feed gave no date; PublishedAtEstimated then says so.
	PublishedAt          time.Time `json:"published_at"`
	PublishedAtEstimated bool      `json:"published_at_estimated,omitempty"`
	FetchedAt            time.Time `json:"fetched_at"`
	GUID                 string    `json:"guid,omitempty"`
}

// Body is the longest text the article carries: the content text when present,
// else the summary. Extractors read Title and Body.
func (a RawArticle) Body() (field Field, text string) {
	if a.Text != "" {
		return FieldText, a.Text
	}
	return FieldSummary, a.Summary
}

// Field names the part of an article that a span's byte offsets point into.
type Field string

// The fields of a RawArticle that extractors read.
const (
	FieldTitle   Field = "title"
	FieldSummary Field = "summary"
	FieldText    Field = "text"
)

// Place is a resolved location: a GeoNames feature or a hand-curated region.
type Place struct {
	// ID is stable and unique across sources: "geonames:<geonameid>" or
	// "curated:<slug>".
	ID string `json:"id"`
	// GeonameID is the GeoNames id, zero for curated regions.
	GeonameID  int64   `json:"geonameid,omitempty"`
	Name       string  `json:"name"`
	Country    string  `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Admin1Code string  `json:"admin1_code,omitempty"`
	Admin1Name string  `json:"admin1_name,omitempty"`
	Admin2Code string  `json:"admin2_code,omitempty"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	// FeatureCode is the GeoNames feature code (PPL, PPLA, ADM1, PCLI, ...);
	// curated regions use RGN, or LCTY for lines such as the Line of Control.
	FeatureCode string `json:"feature_code,omitempty"`
}

// Span is a UTF-8 byte range [Start, End) into one field of the article.
type Span struct {
	Field Field `json:"field"`
	Start int   `json:"start"`
	End   int   `json:"end"`
}

// Location is one mention of a place in the text.
type Location struct {
	Place
	Span
	// Text is the surface form as written, equal to field[Start:End].
	Text string `json:"text"`
	// Confidence in the resolution, in [0, 1].
	Confidence float64 `json:"confidence"`
}

// PlaceCount is a distinct place an article mentions, with how often.
type PlaceCount struct {
	Place
	Mentions int `json:"mentions"`
}

// Kind is a category of casualty figure.
type Kind string

// The casualty kinds, in the order reports usually rank them.
const (
	Killed    Kind = "killed"
	Injured   Kind = "injured"
	Arrested  Kind = "arrested"
	Kidnapped Kind = "kidnapped"
	Missing   Kind = "missing"
	Displaced Kind = "displaced"
)

// Kinds lists every Kind, for iteration in a stable order.
var Kinds = []Kind{Killed, Injured, Arrested, Kidnapped, Missing, Displaced}

// Casualty is one figure stated in the text, with its evidence.
type Casualty struct {
	Kind Kind `json:"kind"`
	// Count is the number an analyst would quote: the stated number, or the
	// lower bound of a vague quantity ("dozens" -> 24).
	Count int `json:"count"`
	Min   int `json:"min"`
	Max   int `json:"max"`
	// Qualifier is how the text hedged the number: "exact", "at_least",
	// "more_than", "up_to", "about", "nearly", or "vague".
	Qualifier string `json:"qualifier"`
	// Group is the victim group when stated ("civilians", "soldiers", ...).
	Group string `json:"group,omitempty"`
	// Evidence is the span of the sentence or clause that states the figure.
	Evidence Span `json:"evidence"`
	// EvidenceText is the text of Evidence, for display.
	EvidenceText string `json:"evidence_text"`
	// Place is where the text says this figure happened, when it says so.
	Place *Place `json:"place,omitempty"`
}

// Totals are the per-article numbers an analyst would quote, one per kind.
type Totals struct {
	Killed    int `json:"killed"`
	Injured   int `json:"injured"`
	Arrested  int `json:"arrested"`
	Kidnapped int `json:"kidnapped"`
	Missing   int `json:"missing"`
	Displaced int `json:"displaced"`
}

// Get returns the total for one kind.
func (t Totals) Get(k Kind) int {
	switch k {
	case Killed:
		return t.Killed
	case Injured:
		return t.Injured
	case Arrested:
		return t.Arrested
	case Kidnapped:
		return t.Kidnapped
	case Missing:
		return t.Missing
	case Displaced:
		return t.Displaced
	}
	return 0
}

// Set stores the total for one kind; unknown kinds are ignored.
func (t *Totals) Set(k Kind, n int) {
	switch k {
	case Killed:
		t.Killed = n
	case Injured:
		t.Injured = n
	case Arrested:
		t.Arrested = n
	case Kidnapped:
		t.Kidnapped = n
	case Missing:
		t.Missing = n
	case Displaced:
		t.Displaced = n
	}
}

// EnrichedArticle is a raw article plus what the enricher found in it.
type EnrichedArticle struct {
	RawArticle
	// Locations are the place mentions in reading order (title, then body).
	Locations []Location `json:"locations"`
	// Places are the distinct places mentioned, most mentioned first.
	Places     []PlaceCount `json:"places"`
	Casualties []Casualty   `json:"casualties"`
	Totals     Totals       `json:"totals"`
	// Focus is where the reported event happened, when the text says.
	Focus           *Place    `json:"focus,omitempty"`
	EnricherVersion string    `json:"enricher_version"`
	EnrichedAt      time.Time `json:"enriched_at"`
}
