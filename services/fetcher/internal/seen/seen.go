// Package seen owns the fetcher's memory of what it has published: per feed
// and article id, the content hash and revision, plus each feed's cache
// validators. The memory lives in a compacted Kafka topic so that it survives
// restarts without a local disk; this package encodes its records, applies
// them to an in-memory set, and replays the topic at start.
package seen

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// Entry is what we remember of one published article.
type Entry struct {
	Hash     string    `json:"hash"`
	Revision int       `json:"revision"`
	At       time.Time `json:"at"`
}

// Validators are a feed's HTTP cache validators, remembered so a restarted
// fetcher can still send conditional requests.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

type entry struct {
	hash uint64
	rev  int32
	// at is when the article was last published or seen in its feed, in
	// minutes since the Unix epoch; it drives pruning.
	at uint32
}

func minutes(t time.Time) uint32 {
	m := t.Unix() / 60
	if m < 0 {
		return 0
	}
	return uint32(m)
}

// Set is the in-memory view of the state topic. It is safe for concurrent use.
type Set struct {
	mu    sync.RWMutex
	items map[[16]byte]entry
	feeds map[string]Validators
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{items: map[[16]byte]entry{}, feeds: map[string]Validators{}}
}

func itemKey(feed, id string) [16]byte {
	h := sha256.Sum256([]byte(feed + "\x00" + id))
	var k [16]byte
	copy(k[:], h[:16])
	return k
}

// hash64 keeps 64 bits of a content hash: enough to tell revisions of one
// article apart, at a fraction of the memory of the hex string.
func hash64(hexHash string) uint64 {
	var v uint64
	for i := 0; i < len(hexHash) && i < 16; i++ {
		c := hexHash[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		default:
			d = c // non-hex input still yields a deterministic value
		}
		v = v<<4 | uint64(d&0xf)
	}
	return v
}

// Len is the number of remembered articles.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.items)
}

// Decision is what to do with an article seen in a feed.
type Decision struct {
	// Publish is false for an article already published with this content.
	Publish bool
	// Revision is the revision to publish (1 for a new article).
	Revision int
}

// Check compares an article's content hash with what was published before.
func (s *Set) Check(feed, id, hash string) Decision {
	s.mu.RLock()
	e, ok := s.items[itemKey(feed, id)]
	s.mu.RUnlock()
	switch {
	case !ok:
		return Decision{Publish: true, Revision: 1}
	case e.hash == hash64(hash):
		return Decision{Publish: false, Revision: int(e.rev)}
	default:
		return Decision{Publish: true, Revision: int(e.rev) + 1}
	}
}

// Mark remembers a published article. Call it only after Kafka acknowledged
// both the article and its state record.
func (s *Set) Mark(feed, id string, e Entry) {
	s.mu.Lock()
	s.items[itemKey(feed, id)] = entry{hash: hash64(e.Hash), rev: int32(e.Revision), at: minutes(e.At)}
	s.mu.Unlock()
}

// Touch records that an already published article is still in its feed at
// now. When its last record is older than refreshAfter it returns the entry
// to write to the state topic again, so that the record outlives the topic's
// retention for as long as the feed carries the article.
func (s *Set) Touch(feed, id string, now time.Time, refreshAfter time.Duration) (Entry, bool) {
	k := itemKey(feed, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.items[k]
	if !ok {
		return Entry{}, false
	}
	nowMin := minutes(now)
	if refreshAfter <= 0 || time.Duration(nowMin-min(e.at, nowMin))*time.Minute < refreshAfter {
		return Entry{}, false
	}
	e.at = nowMin
	s.items[k] = e
	return Entry{Hash: fmt.Sprintf("%016x", e.hash), Revision: int(e.rev), At: now.UTC()}, true
}

// Prune forgets articles last published or seen before cutoff and returns how
// many it removed. Their records leave the state topic by its time retention.
func (s *Set) Prune(cutoff time.Time) int {
	c := minutes(cutoff)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, e := range s.items {
		if e.at < c {
			delete(s.items, k)
			n++
		}
	}
	return n
}

// Validators returns a feed's remembered cache validators.
func (s *Set) Validators(feed string) Validators {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.feeds[feed]
}

// SetValidators remembers a feed's cache validators.
func (s *Set) SetValidators(feed string, v Validators) {
	s.mu.Lock()
	s.feeds[feed] = v
	s.mu.Unlock()
}

// Record keys. Keys carry the full feed URL and id so the topic is readable
// and compaction keeps exactly one record per article.
const (
	articlePrefix = "article\x1f"
	feedPrefix    = "feed\x1f"
	sep           = "\x1f"
)

// ArticleRecord is the state message for a published article (Topic unset).
func ArticleRecord(feed, id string, e Entry) (kafka.Message, error) {
	v, err := json.Marshal(e)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode seen entry %s: %w", id, err)
	}
	return kafka.Message{Key: []byte(articlePrefix + feed + sep + id), Value: v}, nil
}

// ValidatorsRecord is the state message for a feed's validators (Topic unset).
func ValidatorsRecord(feed string, v Validators) (kafka.Message, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode validators %s: %w", feed, err)
	}
	return kafka.Message{Key: []byte(feedPrefix + feed), Value: b}, nil
}

// Apply folds one state record into the set. Unknown keys are ignored so that
// a newer fetcher can add record kinds; malformed values are errors.
func (s *Set) Apply(key, value []byte) error {
	k := string(key)
	switch {
	case strings.HasPrefix(k, articlePrefix):
		feed, id, ok := strings.Cut(strings.TrimPrefix(k, articlePrefix), sep)
		if !ok {
			return fmt.Errorf("apply state record %q: no id", k)
		}
		if value == nil { // tombstone
			s.mu.Lock()
			delete(s.items, itemKey(feed, id))
			s.mu.Unlock()
			return nil
		}
		var e Entry
		if err := json.Unmarshal(value, &e); err != nil {
			return fmt.Errorf("apply state record %q: %w", k, err)
		}
		s.Mark(feed, id, e)
	case strings.HasPrefix(k, feedPrefix):
		feed := strings.TrimPrefix(k, feedPrefix)
		var v Validators
		if value != nil {
			if err := json.Unmarshal(value, &v); err != nil {
				return fmt.Errorf("apply state record %q: %w", k, err)
			}
		}
		s.SetValidators(feed, v)
	}
	return nil
}
