// Package loadgen makes streams of realistic raw articles, and poison
// messages, for the fault tests: it publishes straight into the raw topic, as
// a fleet of fetchers would, so the enricher and indexer see production-sized
// traffic without any feeds.
package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
)

// The sentences are written for this generator; the place names are real
// (the enricher resolves them with its GeoNames gazetteer) and the incidents
// invented.
var (
	places = []string{
		"Quetta", "Peshawar", "Karachi", "Lahore", "Srinagar", "Kabul", "Kandahar", "Dhaka",
		"Chittagong", "Kathmandu", "Colombo", "Jaffna", "Mumbai", "Imphal", "Raipur", "Multan",
		"Gilgit", "Jalalabad", "Sylhet", "Batticaloa", "Guwahati", "Dantewada", "Bannu", "Herat",
	}
	sources = []string{"Dawn", "The Hindu", "Daily Star", "Kathmandu Post", "Daily Mirror", "Pajhwok", "The Express Tribune"}
	leads   = []string{
		"%d people were killed and %d injured when a bomb exploded near a busy market in %s on %s.",
		"Police in %[3]s said %[1]d people died and %[2]d were wounded in clashes that broke out on %[4]s.",
		"At least %d people were killed and %d others hurt in an attack on a bus outside %s on %s.",
		"Security forces arrested %[2]d suspects in %[3]s on %[4]s after a raid in which %[1]d militants were killed.",
	}
	filler = []string{
		"Officials said rescue teams reached the site within an hour and took the wounded to the district hospital.",
		"The provincial government announced compensation for the families of the victims and ordered an inquiry.",
		"Residents described scenes of panic as shopkeepers pulled down their shutters and traffic came to a halt.",
		"No group has claimed responsibility, although police said they were examining footage from nearby cameras.",
		"The area was cordoned off for several hours while bomb disposal experts searched the surrounding streets.",
		"Opposition leaders criticised the administration for failing to act on earlier warnings about the threat.",
		"Hospital staff appealed for blood donations as the number of people brought in for treatment kept rising.",
		"Schools in the district were closed for the rest of the week and public gatherings were banned until further notice.",
		"A senior officer told reporters that additional checkpoints would be set up on the main roads into the city.",
		"Human rights groups urged the authorities to ensure that those detained were given access to lawyers.",
		"The attack came days before local elections that had already been marred by sporadic violence across the region.",
		"Traders said business had not recovered from a similar incident in the same neighbourhood earlier this year.",
	}
)

// Articles returns n raw articles with ids run-000000, run-000001, ...: each
// 2-3 KB of text naming a place and a casualty count, published at distinct
// recent times.
func Articles(run string, n int, now time.Time) []events.RawArticle {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(len(run))))
	out := make([]events.RawArticle, n)
	for i := range out {
		place := places[rng.IntN(len(places))]
		day := now.Add(-time.Duration(i) * time.Minute).Format("January 2")
		killed, injured := 1+rng.IntN(30), rng.IntN(60)
		var text strings.Builder
		fmt.Fprintf(&text, leads[rng.IntN(len(leads))], killed, injured, place, day)
		for text.Len() < 2000+rng.IntN(900) {
			text.WriteString(" ")
			text.WriteString(filler[rng.IntN(len(filler))])
		}
		id := fmt.Sprintf("%s-%06d", run, i)
		url := fmt.Sprintf("https://news.example.org/%s/%s", strings.ToLower(place), id)
		out[i] = events.RawArticle{
			ID:           id,
			Revision:     1,
			URL:          url,
			CanonicalURL: url,
			Feed:         "https://news.example.org/feed.xml",
			Source:       sources[rng.IntN(len(sources))],
			Title:        fmt.Sprintf("%d killed in %s violence (%s)", killed, place, id),
			Text:         text.String(),
			Language:     "en",
			PublishedAt:  now.Add(-time.Duration(i) * time.Second).UTC().Truncate(time.Second),
			FetchedAt:    now.UTC(),
			GUID:         id,
		}
	}
	return out
}

// Messages encodes articles for topic the way the fetcher does.
func Messages(topic string, articles []events.RawArticle) ([]kafka.Message, error) {
	msgs := make([]kafka.Message, len(articles))
	for i, a := range articles {
		m, err := events.RawMessage(a, a.Feed)
		if err != nil {
			return nil, err
		}
		m.Topic = topic
		msgs[i] = m
	}
	return msgs, nil
}

// Poison returns n messages for topic that the enricher must dead-letter,
// keyed poison-0, poison-1, ...: in turn broken JSON, an unknown schema
// version, an article without an id, and (when maxBytes > 0) a message
// larger than maxBytes.
func Poison(topic string, n, maxBytes int) []kafka.Message {
	kinds := 3
	if maxBytes > 0 {
		kinds = 4
	}
	out := make([]kafka.Message, n)
	for i := range out {
		var v string
		switch i % kinds {
		case 0:
			v = `{"schema_version":1,"id":"broken` // cut short
		case 1:
			v = fmt.Sprintf(`{"schema_version":99,"id":"future-%d","revision":1}`, i)
		case 2:
			v = fmt.Sprintf(`{"schema_version":%d,"id":"","revision":1,"published_at":"2026-11-27T10:00:00Z"}`, events.SchemaVersion)
		case 3:
			v = fmt.Sprintf(`{"schema_version":%d,"id":"huge-%d","revision":1,"published_at":"2026-11-27T10:00:00Z","text":"%s"}`,
				events.SchemaVersion, i, strings.Repeat("x", maxBytes))
		}
		out[i] = kafka.Message{Topic: topic, Key: fmt.Appendf(nil, "poison-%d", i), Value: []byte(v)}
	}
	return out
}

// Publish writes msgs in chunks of chunk messages, calling after (if not
// nil) with the number written so far after each chunk, so a test can break
// something mid-stream. A failed chunk is retried until ctx is done: the
// broker may be down on purpose, and a retried chunk may land twice, as
// with any at-least-once producer.
func Publish(ctx context.Context, w *kafka.Writer, msgs []kafka.Message, chunk int, after func(written int)) error {
	for start := 0; start < len(msgs); start += chunk {
		part := msgs[start:min(start+chunk, len(msgs))]
		for {
			err := w.WriteMessages(ctx, part...)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return fmt.Errorf("publish messages %d-%d: %w", start, start+len(part), err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(500 * time.Millisecond):
			}
		}
		if after != nil {
			after(start + len(part))
		}
	}
	return nil
}
