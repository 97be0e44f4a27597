// Package feed owns turning the bytes of an RSS, Atom or JSON feed into items:
// charset repair, parsing with gofeed, plain text from HTML, and dates read the
// way a South Asian newsroom writes them. It does no I/O.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// ErrParse reports a body that is not a feed gofeed can read.
var ErrParse = errors.New("parse feed")

// Options says how to read one feed.
type Options struct {
	// Location is the feed's timezone override; nil when none was configured.
	Location *time.Location
	// Country is the feed's ISO country hint; "BD" makes BST mean Bangladesh
	// Standard Time.
	Country string
	// Now is the fetch time, used as the publication time of undated items.
	Now time.Time
}

// Feed is a parsed feed document.
type Feed struct {
	Title    string
	Language string
	// TTL is the RSS <ttl> (zero when absent): how long the publisher asks
	// readers to wait before polling again.
	TTL   time.Duration
	Items []Item
}

// Item is one entry of a feed.
type Item struct {
	// GUID is the feed's id for the item; empty when the feed repeated it for
	// more than one item in this document, because then it identifies nothing.
	GUID  string
	Link  string
	Title string
	// Summary and Text are plain text (HTML removed).
	Summary string
	Text    string
	// Published is in UTC. Estimated is true when the feed gave no usable
	// date and Published is the fetch time.
	Published time.Time
	Estimated bool
}

// Parse reads a feed document. contentType is the HTTP Content-Type header,
// used only to pick a charset for bytes that are not UTF-8.
func Parse(body []byte, contentType string, opt Options) (Feed, error) {
	utf, err := ToUTF8(body, contentType)
	if err != nil {
		return Feed{}, fmt.Errorf("%w: %w", ErrParse, err)
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	gf, err := p.Parse(bytes.NewReader(utf))
	if err != nil {
		return Feed{}, fmt.Errorf("%w: %w", ErrParse, err)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	out := Feed{Title: strings.TrimSpace(gf.Title), Language: gf.Language}
	if rf, ok := gf.OriginalFeed().(*rss.Feed); ok && rf != nil {
		if m, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && m > 0 {
			out.TTL = time.Duration(m) * time.Minute
		}
	}
	guids := make(map[string]int, len(gf.Items))
	for _, it := range gf.Items {
		if it != nil && it.GUID != "" {
			guids[strings.TrimSpace(it.GUID)]++
		}
	}
	for _, it := range gf.Items {
		if it == nil {
			continue
		}
		item := Item{
			GUID:    strings.TrimSpace(it.GUID),
			Link:    strings.TrimSpace(it.Link),
			Title:   Text(it.Title),
			Summary: Text(it.Description),
			Text:    Text(it.Content),
		}
		if guids[item.GUID] > 1 {
			item.GUID = ""
		}
		if item.Link == "" && len(it.Links) > 0 {
			item.Link = strings.TrimSpace(it.Links[0])
		}
		if item.Text == item.Summary {
			item.Text = ""
		}
		item.Published, item.Estimated = itemDate(it, opt)
		out.Items = append(out.Items, item)
	}
	return out, nil
}

func itemDate(it *gofeed.Item, opt Options) (time.Time, bool) {
	cands := []struct {
		raw    string
		parsed *time.Time
	}{{it.Published, it.PublishedParsed}, {it.Updated, it.UpdatedParsed}}
	if it.DublinCoreExt != nil && len(it.DublinCoreExt.Date) > 0 {
		cands = append(cands, struct {
			raw    string
			parsed *time.Time
		}{it.DublinCoreExt.Date[0], nil})
	}
	for _, c := range cands {
		if t, ok := Date(c.raw, c.parsed, opt.Location, opt.Country); ok {
			return t.UTC(), false
		}
	}
	return opt.Now.UTC(), true
}
