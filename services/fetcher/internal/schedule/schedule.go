// Package schedule owns when each feed is polled next: the configured
// interval stretched by what the publisher asks for (RSS ttl, Cache-Control,
// Expires, Retry-After), exponential backoff on failure, jitter so that feeds
// do not poll in lock step, and the health flag for feeds that keep failing.
package schedule

import (
	"math/rand/v2"
	"time"
)

// Policy bounds the schedule. Zero fields take the defaults noted.
type Policy struct {
	// Min and Max clamp every delay (defaults 1m and 6h). Max is also the
	// retry period of unhealthy feeds: they are never dropped.
	Min, Max time.Duration
	// Interval is used for feeds without their own (default 15m).
	Interval time.Duration
	// Jitter is the fraction of the delay added or removed at random
	// (default 0.1; negative disables it).
	Jitter float64
	// UnhealthyAfter is the number of consecutive failures that marks a feed
	// unhealthy (default 5).
	UnhealthyAfter int
}

func (p Policy) withDefaults() Policy {
	if p.Min <= 0 {
		p.Min = time.Minute
	}
	if p.Max <= 0 {
		p.Max = 6 * time.Hour
	}
	if p.Max < p.Min {
		p.Max = p.Min
	}
	if p.Interval <= 0 {
		p.Interval = 15 * time.Minute
	}
	switch {
	case p.Jitter == 0 || p.Jitter >= 1:
		p.Jitter = 0.1
	case p.Jitter < 0:
		p.Jitter = 0
	}
	if p.UnhealthyAfter <= 0 {
		p.UnhealthyAfter = 5
	}
	return p
}

// Outcome is what one poll learnt about the feed's pace.
type Outcome struct {
	// Failed is true for errors, blocked addresses, 4xx/5xx, timeouts and
	// parse errors; false for 200 and 304.
	Failed bool
	// TTL, MaxAge and RetryAfter are the publisher's hints; zero when absent.
	TTL, MaxAge, RetryAfter time.Duration
}

// State is the schedule of one feed. The zero value is a new feed.
type State struct {
	Failures  int
	Unhealthy bool
}

// Scheduler computes delays. It is not safe for concurrent use (its random
// source is not); the service owns one and calls it under its lock.
type Scheduler struct {
	p   Policy
	rnd *rand.Rand
}

// New returns a Scheduler. seed makes jitter reproducible in tests.
func New(p Policy, seed uint64) *Scheduler {
	return &Scheduler{p: p.withDefaults(), rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Policy returns the effective policy (defaults applied).
func (s *Scheduler) Policy() Policy { return s.p }

// First is the delay before a feed's first poll: a random point within its
// interval, so that a restart does not fire every feed at once.
func (s *Scheduler) First(interval time.Duration) time.Duration {
	iv := s.interval(interval)
	return time.Duration(s.rnd.Int64N(int64(iv)/4 + 1))
}

// Next records a poll outcome and returns the new state and the delay until
// the next poll.
func (s *Scheduler) Next(st State, interval time.Duration, o Outcome) (State, time.Duration) {
	iv := s.interval(interval)
	var d time.Duration
	if o.Failed {
		st.Failures++
		// interval * 2^(failures-1), computed without overflow.
		d = iv
		for i := 1; i < st.Failures && d < s.p.Max; i++ {
			d *= 2
		}
	} else {
		st.Failures = 0
		d = max(iv, o.TTL, o.MaxAge)
	}
	st.Unhealthy = st.Failures >= s.p.UnhealthyAfter
	d = s.jitter(d)
	// Retry-After is the server's explicit wish: never poll earlier (up to Max).
	d = max(d, o.RetryAfter)
	return st, min(max(d, s.p.Min), s.p.Max)
}

// Interval is the normal time between polls of a feed configured with iv
// (zero: the policy's default), clamped to the policy's bounds.
func (s *Scheduler) Interval(iv time.Duration) time.Duration {
	return s.interval(iv)
}

func (s *Scheduler) interval(iv time.Duration) time.Duration {
	if iv <= 0 {
		iv = s.p.Interval
	}
	return min(max(iv, s.p.Min), s.p.Max)
}

func (s *Scheduler) jitter(d time.Duration) time.Duration {
	if s.p.Jitter == 0 {
		return d
	}
	f := 1 + s.p.Jitter*(2*s.rnd.Float64()-1)
	return time.Duration(float64(d) * f)
}
