package kafkax

import (
	"errors"

	"github.com/newsflow/newsflow/pkg/config"
)

// Topics names the pipeline's topics. Every service reads the same variables,
// so producers and consumers cannot disagree on a name.
type Topics struct {
	Raw          string // TOPIC_RAW, fetcher -> enricher
	Enriched     string // TOPIC_ENRICHED, enricher -> indexer
	DLQ          string // TOPIC_DLQ, poison messages from any consumer
	FetcherState string // TOPIC_FETCHER_STATE, the fetcher's compacted seen-state
	// Partitions and ReplicationFactor apply when a service creates a topic
	// that does not exist yet (TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR).
	Partitions        int
	ReplicationFactor int
}

// LoadTopics reads the topic settings, with the documented defaults.
func LoadTopics(get config.Getenv) (Topics, error) {
	t := Topics{
		Raw:          config.String(get, "TOPIC_RAW", "news.articles.raw"),
		Enriched:     config.String(get, "TOPIC_ENRICHED", "news.articles.enriched"),
		DLQ:          config.String(get, "TOPIC_DLQ", "news.articles.dlq"),
		FetcherState: config.String(get, "TOPIC_FETCHER_STATE", "news.fetcher.state"),
	}
	var errs [2]error
	t.Partitions, errs[0] = config.Int(get, "TOPIC_PARTITIONS", 3)
	t.ReplicationFactor, errs[1] = config.Int(get, "TOPIC_REPLICATION_FACTOR", 1)
	if err := errors.Join(errs[:]...); err != nil {
		return t, err
	}
	if t.Partitions < 1 || t.ReplicationFactor < 1 {
		return t, errors.New("TOPIC_PARTITIONS and TOPIC_REPLICATION_FACTOR must be at least 1")
	}
	return t, nil
}

// Spec returns the creation settings for one of the pipeline topics.
func (t Topics) Spec(name string) Topic {
	spec := Topic{Name: name, Partitions: t.Partitions, ReplicationFactor: t.ReplicationFactor}
	if name == t.FetcherState {
		// Seen-state keeps the latest record per key forever.
		spec.Configs = map[string]string{"cleanup.policy": "compact"}
	}
	return spec
}
