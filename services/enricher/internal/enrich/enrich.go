// Package enrich owns the turning of a raw article into an enriched one: it
// reads the title's and body's words once (package word), runs the casualty
// extractor over them, then the toponym extractor with the casualty evidence
// as anchors for the event's focus, and ties each casualty figure to the
// place its evidence names.
package enrich

import (
	"sync"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/casualty"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
	"github.com/newsflow/newsflow/services/enricher/internal/toponym"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// Enricher enriches articles. It is safe for concurrent use.
type Enricher struct {
	places  *toponym.Extractor
	figures *casualty.Extractor
	version string
	now     func() time.Time
	// pool holds per-call scratch buffers: the figures are gathered in a
	// reused buffer and copied once into a slice of the exact size, so an
	// article costs one allocation for its figures rather than a growing
	// append over title and body.
	pool *sync.Pool
}

type scratch struct {
	// words are the title's and the body's tokens: the article is read
	// once, and both extractors take its words from here.
	words   [2][]word.Token
	figs    []events.Casualty
	anchors []events.Span
}

// New builds an Enricher over a loaded gazetteer. version is written into
// every enriched article.
func New(g *gazetteer.Gazetteer, version string) *Enricher {
	return &Enricher{
		places:  toponym.New(g),
		figures: casualty.New(),
		version: version,
		now:     time.Now,
		pool:    &sync.Pool{New: func() any { return new(scratch) }},
	}
}

// WithClock returns a copy of e that stamps EnrichedAt from now; tests pass
// a fixed clock so output is deterministic.
func (e *Enricher) WithClock(now func() time.Time) *Enricher {
	c := *e
	c.now = now
	return &c
}

// Version is the enricher version stamped on every article.
func (e *Enricher) Version() string { return e.version }

// Enrich returns a enriched copy of a. Slices in the result are never nil,
// so they encode as [] rather than null. A casualty's Place points into the
// result's Locations, and so does the Focus when it is a place the text
// names: the result is to be read, not edited in place.
func (e *Enricher) Enrich(a events.RawArticle) events.EnrichedArticle {
	bodyField, body := a.Body()
	s := e.pool.Get().(*scratch)
	s.words[0] = word.Tokenize(s.words[0][:0], a.Title)
	s.words[1] = word.Tokenize(s.words[1][:0], body)
	buf := e.figures.AppendExtractWords(s.figs[:0], events.FieldTitle, a.Title, s.words[0])
	buf = e.figures.AppendExtractWords(buf, bodyField, body, s.words[1])

	anchors := s.anchors[:0]
	for i := range buf {
		// The figures of one sentence share its evidence: the toponym
		// extractor asks only whether a mention is near some anchor, so
		// one anchor a sentence is enough, and each costs a test per
		// mention.
		if f := &buf[i]; f.Count > 0 && (len(anchors) == 0 || anchors[len(anchors)-1] != f.Evidence) {
			anchors = append(anchors, f.Evidence)
		}
	}
	res := e.places.Extract(toponym.Document{
		Title:       a.Title,
		Body:        body,
		BodyField:   bodyField,
		CountryHint: a.CountryHint,
		Anchors:     anchors,
		Tokens:      &s.words,
	})
	figs := []events.Casualty{}
	if len(buf) > 0 {
		figs = make([]events.Casualty, len(buf))
		copy(figs, buf)
	}
	// The buffers go back to the pool without the article's strings, which
	// they would otherwise keep alive.
	clear(buf)
	s.figs, s.anchors = buf[:0], anchors[:0]
	e.pool.Put(s)

	linkPlaces(figs, res.Locations)
	if res.Focus == nil {
		res.Focus = figurePlace(figs)
	}

	out := events.EnrichedArticle{
		RawArticle:      a,
		Locations:       res.Locations,
		Places:          res.Places,
		Casualties:      figs,
		Totals:          e.figures.Totals(figs),
		Focus:           res.Focus,
		EnricherVersion: e.version,
		EnrichedAt:      e.now().UTC(),
	}
	if out.Locations == nil {
		out.Locations = []events.Location{}
	}
	if out.Places == nil {
		out.Places = []events.PlaceCount{}
	}
	return out
}

// linkPlaces sets each figure's Place to the most specific place mentioned
// inside its evidence span: a town over its province over its country
// ("bomb kills four in Pakistan's Karachi" is Karachi).
func linkPlaces(figs []events.Casualty, locs []events.Location) {
	for i := range figs {
		ev := figs[i].Evidence
		if i > 0 && figs[i-1].Evidence == ev {
			// A sentence with several figures: the same place as the
			// figure before, without reading every location again.
			figs[i].Place = figs[i-1].Place
			continue
		}
		best, bestRank := -1, -1
		for j := range locs {
			// A Location is large: copying it per figure showed in profiles.
			// Offsets are tested before the field, a string compare.
			l := &locs[j]
			if l.Start < ev.Start || l.End > ev.End || l.Field != ev.Field {
				continue
			}
			if r := specificity(l.FeatureCode); r > bestRank {
				best, bestRank = j, r
			}
		}
		if best >= 0 {
			// The location's own Place, not a copy: a copy per figure was a
			// fifth of the bytes allocated per article, and the garbage
			// collector's work grows with those bytes.
			figs[i].Place = &locs[best].Place
		}
	}
}

// specificity ranks GeoNames feature codes from country (lowest) to
// populated place (highest).
func specificity(code string) int {
	switch {
	case code == "":
		return 0
	case len(code) >= 3 && code[:3] == "PCL", code == "TERR":
		return 1
	case code == "ADM1", code == "RGN", code == "LCTY":
		return 2
	case len(code) >= 3 && code[:3] == "ADM":
		return 3
	}
	return 4
}

// figurePlace is the place of the largest figure that names one: the focus
// when the toponym extractor found none of its own.
func figurePlace(figs []events.Casualty) *events.Place {
	var best *events.Casualty
	for i := range figs {
		f := &figs[i]
		if f.Place != nil && f.Count > 0 && (best == nil || f.Count > best.Count) {
			best = f
		}
	}
	if best == nil {
		return nil
	}
	return best.Place
}
