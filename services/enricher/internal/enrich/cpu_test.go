package enrich

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the process CPU time a benchmark used: on a loaded
// machine wall time per operation says more about the neighbours than
// about the code.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{processCPU()} }

// report adds the CPU time per operation and the articles per CPU second.
func (c cpuClock) report(b *testing.B) {
	b.Helper()
	used := processCPU() - c.start
	if used <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/used.Seconds(), "articles/cpu-s")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
