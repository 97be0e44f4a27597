package toponym

import (
	"sync"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

var (
	testOnce sync.Once
	testEx   *Extractor
	testErr  error
)

// newTestExtractor loads the embedded gazetteer once per test binary.
func newTestExtractor(tb testing.TB) *Extractor {
	tb.Helper()
	testOnce.Do(func() {
		g, err := gazetteer.Load()
		if err != nil {
			testErr = err
			return
		}
		testEx = New(g)
	})
	if testErr != nil {
		tb.Fatal(testErr)
	}
	return testEx
}
