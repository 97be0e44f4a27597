package word

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lowerASCII lower-cases ASCII letters only, as the hash does.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// classes is the slow reference of PlainClass's classes.
func classes(w string) uint8 {
	var cl uint8
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			cl |= Digit
		case c >= 'A' && c <= 'Z':
			cl |= Upper
		case c >= 'a' && c <= 'z':
			cl |= Lower
		}
	}
	return cl
}

// TestPlainPaths checks that the eight-byte reads agree with the byte-wise
// Hash at every length, at the end of a text and before any stop byte.
func TestPlainPaths(t *testing.T) {
	words := []string{"a", "A", "7", "no", "die", "Kill", "KILLED", "soldier", "soldiers", "policemen9", "abcdefghijklmnopq", "x1y2z3", "ABCDEFGHabcdefgh", "abcdefghABCDEFGH", "12345678Z", "zzzzzzzzzzzzzzzzzzzzzzzz9"}
	for n := 1; n <= 20; n++ {
		words = append(words, strings.Repeat("Ab", n)[:n], strings.Repeat("9z", n)[:n], strings.Repeat("Q", n))
	}
	for _, w := range words {
		want := Hash(lowerASCII(w))
		for _, after := range []string{"", " ", ".", "-x", "'s", "\u2019s", "\u00e9", " killed by a long tail of words", "\n"} {
			s := w + after
			end, h := Plain(s, 0)
			if end != len(w) || h != want {
				t.Errorf("Plain(%q) = %d, %x; want %d, %x", s, end, h, len(w), want)
			}
			end, h, cl := PlainClass(s, 0)
			if end != len(w) || h != want || cl != classes(w) {
				t.Errorf("PlainClass(%q) = %d, %x, %b; want %d, %x, %b", s, end, h, cl, len(w), want, classes(w))
			}
			// The same word inside a text, after other bytes.
			s = "x, " + s
			if end, h := Plain(s, 3); end != 3+len(w) || h != want {
				t.Errorf("Plain(%q, 3) = %d, %x", s, end, h)
			}
		}
	}
	if Hash("lahore") == Hash("lahor") || Hash("abcdefgh") == Hash("abcdefghi") || Hash("abcdefgh") == Hash("abcdefgh\x00") {
		t.Error("different words share a hash")
	}
}

func FuzzPlain(f *testing.F) {
	f.Add("Quetta blast kills 12")
	f.Add("ABCDEFGHabcdefgh1")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" {
			return
		}
		end, h, cl := PlainClass(s, 0)
		e2, h2 := Plain(s, 0)
		if end != e2 || h != h2 {
			t.Fatalf("Plain and PlainClass differ on %q", s)
		}
		w := s[:end]
		if h != Hash(lowerASCII(w)) || cl != classes(w) {
			t.Fatalf("%q: hash or classes differ from the byte-wise reference", s)
		}
		if end < len(s) && lowerTab[s[end]] != 0 {
			t.Fatalf("%q: run stops at %d before a letter or digit", s, end)
		}
	})
}

func BenchmarkPlainClass(b *testing.B) {
	s := "Suicide blast kills fourteen at Quetta police checkpoint in Balochistan province "
	for b.Loop() {
		for i := 0; i < len(s); {
			end, _, _ := PlainClass(s, i)
			i = end + 1
		}
	}
}

// TestNonAlnum checks that NonAlnum marks exactly the bytes that are not
// ASCII letters or digits up to the first such byte (which is all its
// callers read), on words made of the bytes at the edges of its ranges.
func TestNonAlnum(t *testing.T) {
	edges := []byte{0, 0x0f, 0x10, 0x19, 0x1f, ' ', '/', '0', '9', ':', '@', 'A', 'Z', '[', '`', 'a', 'z', '{', 0x7f, 0x80, 0x9f, 0xa0, 0xc3, 0xdf, 0xe1, 0xff}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b [8]byte
		for j := range b {
			b[j] = edges[rng.IntN(len(edges))]
		}
		x := Load8(string(b[:]), 0)
		non := NonAlnum(x)
		for j, c := range b {
			want := !IsAlnum(c)
			if got := non>>(8*j+7)&1 == 1; got != want {
				t.Fatalf("NonAlnum(%q) = %#x: byte %d marked %v", b, non, j, got)
			}
			if want {
				break // bytes after the first that ends a word are not read
			}
		}
	}
}

// TestTokenizeHashes checks that every path of Tokenize hashes a word like
// Hash of its lower-cased text, at every length, and that NonASCII marks
// exactly the words Plain cannot read whole.
func TestTokenizeHashes(t *testing.T) {
	var words []string
	for n := 1; n <= 26; n++ {
		words = append(words, strings.Repeat("Ab9", n)[:n], strings.ToUpper(strings.Repeat("xyz", n)[:n]))
	}
	words = append(words, "Kābul", "PEÑA", "naïve", "Zürich")
	for _, w := range words {
		for _, s := range []string{w, w + " ", "(" + w + "), x", "x " + w + "."} {
			toks := Tokenize(nil, s)
			var got *Token
			for i := range toks {
				if s[toks[i].Start:toks[i].End] == w {
					got = &toks[i]
				}
			}
			if got == nil {
				t.Errorf("%q: no token %q in %+v", s, w, toks)
				continue
			}
			want := Hash(strings.ToLower(w))
			if got.Hash != want {
				t.Errorf("%q: token %q hash %x, want %x", s, w, got.Hash, want)
			}
			ascii := strings.IndexFunc(w, func(r rune) bool { return r >= 0x80 }) < 0
			if (got.Flags&NonASCII == 0) != ascii {
				t.Errorf("%q: token %q NonASCII flag %v", s, w, got.Flags&NonASCII != 0)
			}
			if ascii {
				if end, h := Plain(s, int(got.Start)); end != int(got.End) || h != got.Hash {
					t.Errorf("%q: Plain gives %d %x, token %d %x", s, end, h, got.End, got.Hash)
				}
			}
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Quetta blast kills 12", "Zürich — “Karachi” ’s U.S. J&K", "\xff\xfe Lahore\x00Quetta", "ABCDEFGHIJ abcdefgh 12345678 x", "Kābul١٢ PEÑA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(nil, s)
		prev := int32(0)
		for _, tk := range toks {
			if tk.Start < prev || tk.End <= tk.Start || int(tk.End) > len(s) {
				t.Fatalf("%q: token [%d,%d) out of order or bounds", s, tk.Start, tk.End)
			}
			prev = tk.End
			w := s[tk.Start:tk.End]
			if w == "&" {
				continue
			}
			ascii := true
			for i := 0; i < len(w); i++ {
				if w[i] >= 0x80 {
					ascii = false
				}
			}
			if (tk.Flags&NonASCII == 0) != ascii {
				t.Fatalf("%q: token %q NonASCII flag wrong", s, w)
			}
			if ascii {
				if tk.Hash != Hash(lowerASCII(w)) {
					t.Fatalf("%q: token %q hash differs from Hash", s, w)
				}
				if end, h := Plain(s, int(tk.Start)); end != int(tk.End) || h != tk.Hash {
					t.Fatalf("%q: token %q differs from Plain", s, w)
				}
			}
		}
	})
}

// FuzzTokenizeSteps checks that Tokenize, which reads plain ASCII in
// asciiRun, gives exactly the tokens of the one-step-at-a-time reader, from
// any starting capacity of dst (asciiRun stops when its buffer is full).
func FuzzTokenizeSteps(f *testing.F) {
	for _, s := range []string{
		"Quetta blast kills 12", "Zürich — “Karachi” ’s U.S. J&K", "\xff\xfe Lahore\x00Quetta",
		"ABCDEFGHIJ abcdefgh 12345678 x", "Kābul١٢ PEÑA", "St. Louis, Mo.\n\nDera-Ismail Khan; Hawke's Bay!",
		"SOUTHWESTERN Balochistan\r\nprovince 1234567890123456789 Ab9Ab9Ab9Abé", "a&b & &c", "x.\t,y",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, c uint8) {
		want := tokenizeSteps(nil, s)
		got := Tokenize(make([]Token, 0, int(c%8)), s)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: Tokenize\n%+v\nwant\n%+v", s, got, want)
		}
	})
}

// TestTokenizeSteps compares Tokenize with the step reader on texts that
// take every path of asciiRun: words of every length ending at every
// distance from the end, followed by ASCII and non-ASCII bytes.
func TestTokenizeSteps(t *testing.T) {
	var texts []string
	for n := 1; n <= 20; n++ {
		w := strings.Repeat("Ab9x", 5)[:n]
		for _, tail := range []string{"", " ", ", é", "é", "-St. Louis", "\n\nX", "&"} {
			for pad := range 9 {
				texts = append(texts, strings.Repeat(" ", pad)+w+tail, "U "+strings.ToUpper(w)+tail+strings.Repeat(".", pad))
			}
		}
	}
	// A class first seen at the start of a later chunk of a long word.
	for _, w := range []string{"abcdefgh1bc", "abcdefghXbc", "ABCDEFGHiJ", "12345678A", "abcdefghijklmnop1q"} {
		texts = append(texts, w+" and more text", "x "+w+"")
	}
	for _, s := range texts {
		for c := range 4 {
			if got, want := Tokenize(make([]Token, 0, c), s), tokenizeSteps(nil, s); !slices.Equal(got, want) {
				t.Errorf("%q (cap %d): Tokenize\n%+v\nwant\n%+v", s, c, got, want)
			}
		}
	}
}

// tokenizeSteps is Tokenize without asciiRun, one step at a time: the
// reference the tests compare Tokenize with.
func tokenizeSteps(dst []Token, s string) []Token {
	g := GapSentence
	prevShort := false
	for i := 0; i < len(s); {
		dst, i, g, prevShort = step(dst, s, i, g, prevShort)
	}
	return dst
}
