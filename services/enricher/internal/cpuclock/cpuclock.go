// Package cpuclock measures the process CPU time a benchmark used. On a
// loaded machine wall time per operation says more about the neighbours than
// about the code, so the enricher's benchmarks report both.
package cpuclock

import (
	"syscall"
	"testing"
	"time"
)

// Clock is a CPU-time reading taken at the start of a measurement.
type Clock struct{ start time.Duration }

// Start reads the process CPU time now.
func Start() Clock { return Clock{Process()} }

// Report adds the CPU time per operation and the articles per CPU second
// since Start to the benchmark's results.
func (c Clock) Report(b *testing.B) {
	b.Helper()
	used := Process() - c.start
	if used <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/used.Seconds(), "articles/cpu-s")
}

// Process is the user and system CPU time the process has used.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
