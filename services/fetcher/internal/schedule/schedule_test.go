package schedule_test

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
)

func TestNext(t *testing.T) {
	p := schedule.Policy{Min: time.Minute, Max: 6 * time.Hour, Interval: 15 * time.Minute, Jitter: -1, UnhealthyAfter: 3}
	tests := map[string]struct {
		st       schedule.State
		interval time.Duration
		o        schedule.Outcome
		want     time.Duration
		wantSt   schedule.State
	}{
		"default interval":               {want: 15 * time.Minute},
		"feed interval":                  {interval: 5 * time.Minute, want: 5 * time.Minute},
		"interval clamped to min":        {interval: time.Second, want: time.Minute},
		"ttl stretches":                  {o: schedule.Outcome{TTL: time.Hour}, want: time.Hour},
		"max-age stretches":              {o: schedule.Outcome{MaxAge: 30 * time.Minute}, want: 30 * time.Minute},
		"short max-age ignored":          {o: schedule.Outcome{MaxAge: time.Minute}, want: 15 * time.Minute},
		"ttl clamped to max":             {o: schedule.Outcome{TTL: 48 * time.Hour}, want: 6 * time.Hour},
		"retry-after respected":          {o: schedule.Outcome{Failed: true, RetryAfter: 2 * time.Hour}, want: 2 * time.Hour, wantSt: schedule.State{Failures: 1}},
		"retry-after clamped to max":     {o: schedule.Outcome{Failed: true, RetryAfter: 100 * time.Hour}, want: 6 * time.Hour, wantSt: schedule.State{Failures: 1}},
		"first failure":                  {o: schedule.Outcome{Failed: true}, want: 15 * time.Minute, wantSt: schedule.State{Failures: 1}},
		"backoff doubles":                {st: schedule.State{Failures: 1}, o: schedule.Outcome{Failed: true}, want: 30 * time.Minute, wantSt: schedule.State{Failures: 2}},
		"unhealthy after threshold":      {st: schedule.State{Failures: 2}, o: schedule.Outcome{Failed: true}, want: time.Hour, wantSt: schedule.State{Failures: 3, Unhealthy: true}},
		"unhealthy still retried at max": {st: schedule.State{Failures: 40, Unhealthy: true}, o: schedule.Outcome{Failed: true}, want: 6 * time.Hour, wantSt: schedule.State{Failures: 41, Unhealthy: true}},
		"success heals":                  {st: schedule.State{Failures: 9, Unhealthy: true}, want: 15 * time.Minute, wantSt: schedule.State{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := schedule.New(p, 1)
			st, d := s.Next(tc.st, tc.interval, tc.o)
			if d != tc.want || st != tc.wantSt {
				t.Errorf("Next = %+v, %s; want %+v, %s", st, d, tc.wantSt, tc.want)
			}
		})
	}
}

func TestJitterBounds(t *testing.T) {
	s := schedule.New(schedule.Policy{Min: time.Minute, Max: time.Hour, Interval: 10 * time.Minute, Jitter: 0.2}, 7)
	distinct := map[time.Duration]bool{}
	for range 1000 {
		_, d := s.Next(schedule.State{}, 0, schedule.Outcome{})
		if d < 8*time.Minute || d > 12*time.Minute {
			t.Fatalf("delay %s outside 10m ±20%%", d)
		}
		distinct[d] = true
		if f := s.First(0); f < 0 || f > 10*time.Minute/4 {
			t.Fatalf("first delay %s outside [0, interval/4]", f)
		}
	}
	if len(distinct) < 100 {
		t.Errorf("only %d distinct delays in 1000: jitter is not spreading polls", len(distinct))
	}
}
