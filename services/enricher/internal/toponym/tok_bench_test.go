package toponym

import "testing"

func BenchmarkTokenize(b *testing.B) {
	docs := corpus(b)
	var toks []token
	b.SetBytes(int64(len(docs[0].Body)))
	for b.Loop() {
		toks = tokenize(toks[:0], docs[0].Body)
	}
}
