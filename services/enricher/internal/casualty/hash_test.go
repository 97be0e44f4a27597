package casualty

import (
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// TestWordHashPaths checks that the tokenizer's three ways to hash a word
// agree with the lexicon's: the eight-byte reads (word.Plain), the byte
// reads (scanWord) and hashWord, at every length and at the end of a text.
func TestWordHashPaths(t *testing.T) {
	words := []string{"a", "no", "die", "Kill", "KILLED", "soldier", "soldiers", "militants", "policemen9", "abcdefghijklmnopq", "x1y2z3"}
	for n := 1; n <= 20; n++ {
		words = append(words, strings.Repeat("Ab", n)[:n])
	}
	for _, w := range words {
		want, ok := hashWord(w)
		if !ok {
			t.Fatalf("hashWord(%q) not ok", w)
		}
		for _, after := range []string{"", " ", ".", " killed by a long tail of words", "\n"} {
			text := w + after
			end, h := word.Plain(text, 0)
			if end != len(w) || h != want {
				t.Errorf("hashPlain(%q) = %d, %x; want %d, %x", text, end, h, len(w), want)
			}
			end, h, _, _, _, _ = scanWord(text, 0, 1)
			if end != len(w) || h != want {
				t.Errorf("scanWord(%q) = %d, %x; want %d, %x", text, end, h, len(w), want)
			}
		}
	}
	// Hyphens and apostrophes hash as themselves on every path, so that the
	// lexicon's "no-one" is found in a text.
	x := New()
	for _, w := range []string{"no-one", "No-one", "o'clock", "O’clock"} {
		if x.lookup(w) < 0 {
			t.Errorf("lookup(%q) failed", w)
		}
		_, h, _, _, _, _ := scanWord(w+" was", 0, 1)
		if x.findHash(h, w) < 0 {
			t.Errorf("findHash(scanWord(%q)) failed", w)
		}
	}
}

// TestFindPlain checks that the lookup that trusts the hash of a short
// word agrees with the one that compares spellings, for every lexicon word
// in three cases and for words one letter off.
func TestFindPlain(t *testing.T) {
	x := New()
	for _, e := range x.lex {
		for _, w := range []string{e.word, strings.ToUpper(e.word), strings.ToUpper(e.word[:1]) + e.word[1:], e.word + "x", "x" + e.word, e.word[:len(e.word)-1]} {
			if w == "" {
				continue
			}
			h, ok := hashWord(w)
			if !ok {
				t.Fatalf("hashWord(%q) not ok", w)
			}
			if got, want := x.findPlain(h, w), x.findHash(h, w); got != want {
				t.Errorf("findPlain(%q) = %d, findHash = %d", w, got, want)
			}
		}
	}
}
