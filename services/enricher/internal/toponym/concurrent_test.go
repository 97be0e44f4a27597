package toponym

import (
	"encoding/json"
	"sync"
	"testing"
)

// TestConcurrentExtract: one Extractor shared by goroutines gives each the
// same answer as a lone call (run with -race).
func TestConcurrentExtract(t *testing.T) {
	ex := newTestExtractor(t)
	docs := corpus(t)
	want := make([]string, len(docs))
	for i, d := range docs {
		b, _ := json.Marshal(ex.Extract(d))
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 20 {
				i := (g + k) % len(docs)
				b, _ := json.Marshal(ex.Extract(docs[i]))
				if string(b) != want[i] {
					t.Errorf("goroutine %d doc %d: result differs", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
}
