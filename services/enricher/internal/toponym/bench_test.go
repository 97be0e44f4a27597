package toponym

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/cpuclock"
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
	cpu := cpuclock.Start()
	i := 0
	for b.Loop() {
		ex.Extract(docs[i%len(docs)])
		i++
	}
	cpu.Report(b)
}

// BenchmarkReady is the enricher's start-up: from nothing to an extractor
// ready to read, the gazetteer's load and the name index together. It
// reports the CPU time besides the wall time, and the live heap the ready
// extractor holds.
func BenchmarkReady(b *testing.B) {
	var ex *Extractor
	cpu := cpuclock.Process()
	for b.Loop() {
		g, err := gazetteer.Load()
		if err != nil {
			b.Fatal(err)
		}
		ex = New(g)
	}
	b.ReportMetric(float64((cpuclock.Process()-cpu).Nanoseconds())/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(liveHeapMB(), "heap-MB")
	runtime.KeepAlive(ex)
}

// liveHeapMB is the heap in use after a collection.
func liveHeapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
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
