package kafkax

import (
	"context"
	"testing"
	"time"
)

func TestWatchdog(t *testing.T) {
	const stall = 30 * time.Second
	type step struct {
		after          time.Duration // clock advance before the step
		wait           bool          // begin a wait on Kafka (held until the end)
		commit         bool          // this consumer commits
		lag, committed int64
		trip           bool // observe(lag, committed) must trip
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"stuck wait with lag trips", []step{
			{wait: true, lag: 10, committed: 5},
			{after: stall, lag: 10, committed: 5, trip: true},
		}},
		{"no lag never trips", []step{
			{wait: true, lag: 0, committed: 5},
			{after: 2 * stall, lag: 0, committed: 5},
		}},
		{"group progress resets the clock", []step{
			{wait: true, lag: 10, committed: 5},
			{after: stall - time.Second, lag: 10, committed: 6},
			{after: stall - time.Second, lag: 10, committed: 6},
			{after: time.Second, lag: 10, committed: 6, trip: true},
		}},
		{"own commit resets the clock", []step{
			{wait: true, lag: 10, committed: 5},
			{after: stall - time.Second, commit: true, lag: 10, committed: 5},
			{after: 2 * time.Second, lag: 10, committed: 5},
		}},
		{"busy in the handler is not a stall", []step{
			{lag: 10, committed: 5},
			{after: 3 * stall, lag: 10, committed: 5},
		}},
		{"an overlapping later wait does not hide an older one", []step{
			{wait: true, lag: 10, committed: 5},
			{after: stall / 2, wait: true, lag: 10, committed: 5},
			{after: stall / 2, lag: 10, committed: 5, trip: true},
		}},
		{"a fresh wait after a long handler is not a stall", []step{
			{lag: 10, committed: 5},
			{after: 3 * stall, wait: true, lag: 10, committed: 5},
			{after: stall / 2, lag: 10, committed: 5},
			{after: stall / 2, lag: 10, committed: 5, trip: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Unix(1e9, 0)
			w := newWatchdog(stall, func() time.Time { return now })
			var wctx context.Context
			for i, s := range tt.steps {
				now = now.Add(s.after)
				if s.wait {
					var end func()
					wctx, end = w.begin(context.Background())
					defer end()
				}
				if s.commit {
					w.progress()
				}
				if got := w.observe(s.lag, s.committed); got != s.trip {
					t.Fatalf("step %d: observe tripped = %v, want %v", i, got, s.trip)
				}
				if s.trip {
					if wctx == nil || wctx.Err() == nil {
						t.Fatalf("step %d: tripped without cancelling the wait", i)
					}
					if !w.reset() || w.reset() {
						t.Fatalf("step %d: reset should report one trip", i)
					}
				}
			}
		})
	}
}
