package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// Writer is the part of a kafka.Writer that PublishAtRate uses.
type Writer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// PublishAtRate writes msgs at rate messages per second (as fast as possible
// when rate is 0) and returns when the broker acknowledged each one, for
// measuring latency from publication. Chunks are written by up to inflight
// goroutines: a synchronous write waits for the acknowledgement, and a single
// writer would cap the rate at chunk size over the round trip.
func PublishAtRate(ctx context.Context, w Writer, msgs []kafka.Message, rate, inflight int) ([]time.Time, error) {
	acked := make([]time.Time, len(msgs))
	chunk := 500
	if rate > 0 {
		chunk = max(1, rate/100) // a chunk every 10 ms
	}
	start := time.Now()
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(inflight, 1))
	errs := make(chan error, 1)
	for i := 0; i < len(msgs) && ctx.Err() == nil; i += chunk {
		part := msgs[i:min(i+chunk, len(msgs))]
		if rate > 0 {
			due := start.Add(time.Duration(float64(i) / float64(rate) * float64(time.Second)))
			select {
			case <-ctx.Done():
			case <-time.After(time.Until(due)):
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := w.WriteMessages(ctx, part...); err != nil {
				select {
				case errs <- fmt.Errorf("publish messages %d-%d: %w", i, i+len(part), err):
				default:
				}
				return
			}
			now := time.Now()
			for j := range part {
				acked[i+j] = now
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return acked, err
	default:
	}
	return acked, ctx.Err()
}
