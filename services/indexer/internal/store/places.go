package store

import (
	"sync"

	"github.com/newsflow/newsflow/pkg/events"
)

// PlaceCache remembers the places a store has written, so a batch only
// sends the places that are new or changed: a few hundred places recur in
// every batch. It holds one entry per distinct place (a gazetteer's worth
// at most). Another process writing the same database can only have written
// a place from the same gazetteer, so a stale entry costs nothing. The zero
// value is ready to use.
type PlaceCache struct {
	mu   sync.Mutex
	seen map[string]events.Place
}

// Unknown returns the places not written before in the same form.
func (c *PlaceCache) Unknown(places map[string]events.Place) map[string]events.Place {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]events.Place, len(places))
	for id, p := range places {
		if known, ok := c.seen[id]; !ok || known != p {
			out[id] = p
		}
	}
	return out
}

// Remember records places as written, once their transaction committed.
func (c *PlaceCache) Remember(places map[string]events.Place) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]events.Place, len(places))
	}
	for id, p := range places {
		c.seen[id] = p
	}
}
