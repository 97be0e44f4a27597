// Package kafkatest starts a real Kafka-protocol broker inside the test
// process (franz-go's kfake), so tests exercise the same client code paths as
// production without any installed service.
package kafkatest

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// NewCluster starts a one-broker cluster with the given topics (3 partitions
// each) and returns its addresses. It is closed when the test ends.
func NewCluster(t testing.TB, topics ...string) []string {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3)}
	if len(topics) > 0 {
		opts = append(opts, kfake.SeedTopics(3, topics...))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}
