package toponym

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

// corpus reads testdata/corpus: hand-written South Asia news articles, the
// first line the title and the rest the body.
func corpus(tb testing.TB) []Document {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no corpus: %v", err)
	}
	var docs []Document
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		title, body, _ := strings.Cut(string(b), "\n")
		docs = append(docs, Document{Title: title, Body: body, BodyField: events.FieldText, CountryHint: "PK"})
	}
	return docs
}

func BenchmarkExtract(b *testing.B) {
	ex := newTestExtractor(b)
	docs := corpus(b)
	var bytes int64
	for _, d := range docs {
		bytes += int64(len(d.Title) + len(d.Body))
	}
	b.SetBytes(bytes / int64(len(docs)))
	b.ReportAllocs()
	// The machine is shared: wall time per op says as much about the
	// neighbours as about us, so report the process's CPU time too.
	cpu0 := processCPU()
	i := 0
	for b.Loop() {
		ex.Extract(docs[i%len(docs)])
		i++
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(i), "cpu-ns/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkNew(b *testing.B) {
	g, err := gazetteer.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		New(g)
	}
}
