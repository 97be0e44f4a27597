package kafkax

import (
	"context"
	"sync"
	"time"
)

// DefaultStallTimeout is how long a consumer may wait on Kafka, while its
// group has lag and commits nothing, before it recreates its Reader.
const DefaultStallTimeout = 45 * time.Second

// watchdog notices a kafka-go Reader that has stopped delivering: after a
// broker restart a Reader can keep a dead connection or a stale group
// generation and block in FetchMessage or CommitMessages forever while
// messages pile up. The consumer loop tells the watchdog when it waits on
// Kafka (begin/end; the fetch ahead and the commit may wait at once) and
// when it commits; the lag loop reports the group's
// offsets. When the loop has waited longer than the stall timeout, the group
// has lag, and its committed offsets have not moved for as long, the
// watchdog cancels the wait and the loop recreates the Reader.
//
// Recreating is safe for at-least-once: nothing uncommitted is lost, the new
// Reader starts again from the group's committed offsets.
type watchdog struct {
	stall time.Duration
	now   func() time.Time

	mu        sync.Mutex
	waits     map[*wait]struct{} // the waits on Kafka under way
	tripped   bool
	committed int64     // the group's committed offsets, summed
	moved     time.Time // when the group last made progress
}

func newWatchdog(stall time.Duration, now func() time.Time) *watchdog {
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	return &watchdog{stall: stall, now: now, waits: map[*wait]struct{}{}, committed: -1, moved: now()}
}

// wait is one wait on Kafka: the fetcher's and the commit's may overlap.
type wait struct {
	start  time.Time
	cancel context.CancelFunc
}

// begin marks the start of a wait on Kafka. The returned context is
// cancelled when the watchdog trips; end must be called when the wait is over.
func (w *watchdog) begin(ctx context.Context) (context.Context, func()) {
	wctx, cancel := context.WithCancel(ctx)
	wt := &wait{cancel: cancel}
	w.mu.Lock()
	wt.start = w.now()
	w.waits[wt] = struct{}{}
	w.mu.Unlock()
	return wctx, func() {
		w.mu.Lock()
		delete(w.waits, wt)
		w.mu.Unlock()
		cancel()
	}
}

// progress records a commit by this consumer; a trip that raced with it is
// moot.
func (w *watchdog) progress() {
	w.mu.Lock()
	w.moved, w.tripped = w.now(), false
	w.mu.Unlock()
}

// observe takes the group's lag and committed offsets (summed over
// partitions) and trips the watchdog if the loop is stalled. It reports
// whether it tripped.
func (w *watchdog) observe(lag, committed int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if lag <= 0 || committed != w.committed {
		// Nothing to do, or another member (or this one) moved on.
		w.committed, w.moved = committed, now
		return false
	}
	if w.tripped || now.Sub(w.moved) < w.stall {
		return false
	}
	for wt := range w.waits {
		if now.Sub(wt.start) >= w.stall {
			w.tripped = true
		}
	}
	if w.tripped {
		for wt := range w.waits {
			wt.cancel()
		}
	}
	return w.tripped
}

// reset reports whether the watchdog tripped since the last call, and re-arms it.
func (w *watchdog) reset() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	tripped := w.tripped
	if tripped {
		w.tripped, w.moved = false, w.now()
	}
	return tripped
}
