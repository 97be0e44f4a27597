package loadgen

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// countingWriter records every key written and fails once failAt is reached.
type countingWriter struct {
	mu     sync.Mutex
	keys   map[string]int
	failAt int
}

func (w *countingWriter) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range msgs {
		if w.failAt > 0 && len(w.keys) >= w.failAt {
			return errors.New("broker down")
		}
		w.keys[string(m.Key)]++
	}
	return nil
}

func TestPublishAtRate(t *testing.T) {
	msgs, err := Messages("raw", Articles("rate", 1234, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rate    int
		failAt  int
		wantErr string
	}{
		{name: "as fast as possible"},
		{name: "at a rate", rate: 100000},
		{name: "broker fails", failAt: 700, wantErr: "broker down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &countingWriter{keys: map[string]int{}, failAt: tt.failAt}
			acked, err := PublishAtRate(context.Background(), w, msgs, tt.rate, 4)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range msgs {
				if w.keys[string(m.Key)] != 1 {
					t.Errorf("%s written %d times, want once", m.Key, w.keys[string(m.Key)])
				}
				if acked[i].IsZero() {
					t.Errorf("message %d has no acknowledgement time", i)
				}
			}
		})
	}
}
