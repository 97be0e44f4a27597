package word

import (
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Gap says what separates a token from the one before it; a place name may
// only run across the soft kinds.
type Gap = uint8

// The gaps, from softest to hardest.
const (
	GapSpace    Gap = iota // blanks only
	GapJoin                // hyphen, apostrophe or an abbreviation's dot: "Dera-Ismail", "Hawke's", "St. Louis"
	GapComma               // a comma: "Quetta, Balochistan"
	GapHard                // other punctuation, brackets, line breaks, dashes
	GapSentence            // start of the field or a sentence end
)

// Token flags: the case of a word, and whether it is plain ASCII.
const (
	CapFirst uint8 = 1 << iota // first letter upper case
	AllUpper                   // no lower-case letter
	HasLower
	HasDigit
	// NonASCII says the word has bytes beyond ASCII: its hash is not the
	// one Plain gives for the ASCII run at its start.
	NonASCII uint8 = 1 << 7
)

// Token is a word of an article: a run of letters, marks and digits, with
// the hash of its lower-cased text and what separates it from the token
// before. An ampersand is a token too, hashed as "and".
type Token struct {
	Start, End int32
	Hash       uint64 // of the lower-cased text
	Gap        Gap
	Flags      uint8
}

var ampHash = Hash("and")

// Tokenize splits s into word tokens (letters and digits) in one pass,
// appending to dst. Lower-casing and hashing happen in the same pass.
func Tokenize(dst []Token, s string) []Token {
	g := GapSentence
	prevShort := false // previous token could be an abbreviation ("St", "U", "Ky")
	for i := 0; i < len(s); {
		// Plain ASCII words and punctuation are read by asciiRun, whose
		// state stays in registers, into room for runBuf tokens; what it
		// leaves (non-ASCII text, the last eight bytes of s) is read here
		// one step at a time.
		if cap(dst)-len(dst) < runBuf {
			dst = slices.Grow(dst, runBuf)
		}
		var n int
		n, i, g, prevShort = asciiRun((*[runBuf]Token)(dst[len(dst):len(dst)+runBuf]), s, i, g, prevShort)
		dst = dst[:len(dst)+n]
		if n < runBuf && i < len(s) {
			dst, i, g, prevShort = step(dst, s, i, g, prevShort)
		}
	}
	return dst
}

// step reads one space, punctuation mark or word at s[i].
func step(dst []Token, s string, i int, g Gap, prevShort bool) ([]Token, int, Gap, bool) {
	c := s[i]
	if c == ' ' {
		i++
		return dst, i, g, prevShort
	}
	if cl := asciiClass[c]; cl != 0 {
		// An ASCII word (asciiRun reads most of them); one that runs on
		// into a non-ASCII letter is read again by scanWord, which decides
		// for every rune.
		start := i
		var flags uint8
		j, h, acc := PlainClass(s, i)
		n := j - start
		if j < len(s) && s[j] >= utf8.RuneSelf {
			i, h, flags, n = scanWord(s, start)
		} else {
			i = j
			if cl == clUpper {
				flags = CapFirst
			}
			if acc&Upper != 0 && acc&Lower == 0 {
				flags |= AllUpper
			}
			if acc&Lower != 0 {
				flags |= HasLower
			}
			if acc&Digit != 0 {
				flags |= HasDigit
			}
		}
		// Written in place: a token literal is built on the stack with
		// narrow stores and copied with wide loads, which stall on store
		// forwarding.
		dst = grow1(dst)
		t := &dst[len(dst)-1]
		t.Start, t.End, t.Hash, t.Gap, t.Flags = int32(start), int32(i), h, g, flags
		prevShort = n <= 3 && flags&CapFirst != 0
		g = GapSpace
		return dst, i, g, prevShort
	}
	isWord := false
	size := 1
	var r rune
	if c >= utf8.RuneSelf {
		r, size = utf8.DecodeRuneInString(s[i:])
		isWord = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	if isWord {
		end, h, flags, n := scanWord(s, i)
		dst = append(dst, Token{Start: int32(i), End: int32(end), Hash: h, Gap: g, Flags: flags})
		prevShort = n <= 3 && flags&CapFirst != 0
		g = GapSpace
		i = end
		return dst, i, g, prevShort
	}
	if c < utf8.RuneSelf {
		switch c {
		case ' ', '\t':
		case '\n', '\r':
			if g < GapHard {
				g = GapHard
			}
			if i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r') {
				g = GapSentence
			}
		case '-', '\'':
			if g == GapSpace {
				g = GapJoin
			}
		case '.':
			if g == GapSpace && prevShort && i > 0 && IsAlnum(s[i-1]) {
				g = GapJoin
			} else {
				g = GapSentence
			}
		case '!', '?', ';', ':':
			g = GapSentence
		case ',':
			if g < GapComma {
				g = GapComma
			}
		case '&':
			dst = append(dst, Token{Start: int32(i), End: int32(i + 1), Hash: ampHash, Gap: g})
			g = GapSpace
			prevShort = false
		default:
			if g < GapHard {
				g = GapHard
			}
		}
		i++
		return dst, i, g, prevShort
	}
	switch r {
	case '’', '‘':
		if g == GapSpace {
			g = GapJoin
		}
	case '\u00a0', '\u2009', '\u202f':
	default:
		if g < GapHard {
			g = GapHard
		}
	}
	i += size
	return dst, i, g, prevShort
}

// runBuf is how many tokens asciiRun writes at most in one call: a
// constant, so that the room left is not one more register.
const runBuf = 64

// asciiRun tokenizes s from i, as step would, while it sees blanks, ASCII
// punctuation and plain ASCII words followed by an ASCII byte, short of the
// last eight bytes of s, writing at most runBuf tokens into buf. It returns
// how many it wrote and where and in what state it stopped. It keeps few
// values, so that they stay in registers: whether the last token could be
// an abbreviation is read back from it when needed, and the only call, for
// words of eight bytes or more, saves registers on its own path.
func asciiRun(buf *[runBuf]Token, s string, i int, g Gap, prevShort bool) (int, int, Gap, bool) {
	n := 0
	for n < runBuf && i <= len(s)-8 {
		// The first byte tells a word from a blank or a punctuation mark,
		// which then costs no eight-byte read: about a third of the
		// steps are not words (", ", ". ", line breaks).
		c := s[i]
		if asciiClass[c] != 0 {
			x := Load8(s, i)
			non := NonAlnum(x)
			// A word: its bytes are read eight at a time.
			var end int
			var h uint64
			var cls uint8
			if non != 0 {
				// Most words are shorter than eight bytes.
				k := bits.TrailingZeros64(non) >> 3
				m := (non&-non)>>7 - 1 // the bytes before the first that ends the word
				x &= m
				end = i + k
				h = mixChunk(0, x|LaneFold&m) ^ uint64(k)
				c := byteClasses(x)
				cls = wordClass(c, c)
			} else {
				// From one call site only: the values kept across the
				// call are saved on this path alone.
				if end, h, cls = longWord(s, i, x); end < 0 {
					break // step reads a word that runs into the last eight bytes
				}
			}
			next := s[end] // the word ended inside a chunk: end < len(s)
			if next >= utf8.RuneSelf {
				break // the word may run on: step reads it with scanWord
			}
			t := &buf[n&(runBuf-1)] // n < runBuf: said so without a bounds check
			t.Start, t.End, t.Gap, t.Hash = int32(i), int32(end), g, h
			t.Flags = classFlags[cls&63]
			n++
			g = GapSpace
			i = end
			if next == ' ' {
				i++ // a space leaves the state as it is
			}
			continue
		}
		if c == ' ' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			break
		}
		// The gaps as step sets them, written out again: as a call this
		// switch cost 5% more instructions in Tokenize (callgrind).
		// FuzzTokenizeSteps keeps the two equal.
		switch c {
		case '\t':
		case '\n', '\r':
			if g < GapHard {
				g = GapHard
			}
			if s[i+1] == '\n' || s[i+1] == '\r' { // i+1 < len(s)
				g = GapSentence
			}
		case '-', '\'':
			if g == GapSpace {
				g = GapJoin
			}
		case '.':
			if g == GapSpace && lastShort(buf, n, prevShort) && i > 0 && asciiClass[s[i-1]] != 0 {
				g = GapJoin
			} else {
				g = GapSentence
			}
		case '!', '?', ';', ':':
			g = GapSentence
		case ',':
			if g < GapComma {
				g = GapComma
			}
		case '&':
			t := &buf[n]
			t.Start, t.End, t.Hash, t.Gap, t.Flags = int32(i), int32(i+1), ampHash, g, 0
			n++
			g = GapSpace
		default:
			if g < GapHard {
				g = GapHard
			}
		}
		i++
	}
	return n, i, g, lastShort(buf, n, prevShort)
}

// lastShort says whether the last token could be an abbreviation: the last
// of buf's n, or the one before the run (prevShort) if there is none. The
// tokens of buf are ASCII, so their bytes are their letters.
func lastShort(buf *[runBuf]Token, n int, prevShort bool) bool {
	if n == 0 {
		return prevShort
	}
	t := &buf[n-1]
	return t.End-t.Start <= 3 && t.Flags&CapFirst != 0
}

// byteClasses marks the class of each byte of x (the bytes of a word,
// zero bytes beyond it) with one bit: 1 digit, 2 upper case, 4 lower case.
// Bits 6 and 5 of a letter or digit tell its class: 01 a digit, 10 an
// upper- and 11 a lower-case letter; adding 1 where both are set turns 11
// into 100, so that each class has a bit of its own.
func byteClasses(x uint64) uint64 {
	c := x >> 5 & laneThree
	return c + c>>1&c&laneOne
}

// wordClass is the index into classFlags of a word whose byteClasses,
// OR-ed over its chunks, are c, and those of its first chunk first: the
// classes of its bytes OR-ed, and the class of its first byte.
func wordClass(c, first uint64) uint8 {
	c |= c >> 32
	c |= c >> 16
	c |= c >> 8
	return uint8(c&7 | first&7<<3)
}

// classFlags maps wordClass to a word's flags.
var classFlags = func() (t [64]uint8) {
	for c := range uint8(len(t)) {
		all, first := c&7, c>>3
		if first == 2 {
			t[c] |= CapFirst
		}
		if all&2 != 0 && all&4 == 0 {
			t[c] |= AllUpper
		}
		if all&4 != 0 {
			t[c] |= HasLower
		}
		if all&1 != 0 {
			t[c] |= HasDigit
		}
	}
	return t
}()

// longWord reads a plain ASCII word of eight bytes or more at s[i], whose
// first eight bytes are x: its end, hash and wordClass, or an end of -1 if
// it runs into the last eight bytes of s.
func longWord(s string, i int, x uint64) (end int, h uint64, cls uint8) {
	st := mixChunk(0, x|LaneFold)
	c := byteClasses(x)
	first := c
	for j := i + 8; j <= len(s)-8; j += 8 {
		x = Load8(s, j)
		if non := NonAlnum(x); non != 0 {
			k := bits.TrailingZeros64(non) >> 3
			m := uint64(1)<<(8*k) - 1
			x &= m
			end = j + k
			c |= byteClasses(x)
			return end, mixChunk(st, x|LaneFold&m) ^ uint64(end-i), wordClass(c, first)
		}
		st = mixChunk(st, x|LaneFold)
		c |= byteClasses(x)
	}
	return -1, 0, 0
}

// grow1 extends toks by one token, left as it was in the buffer: the caller
// sets every field.
func grow1(toks []Token) []Token {
	if len(toks) < cap(toks) {
		return toks[:len(toks)+1]
	}
	return append(toks, Token{})
}

// scanWord reads the word starting at i: its end, the hash of its
// lower-cased text, its case flags and its length in runes.
func scanWord(s string, i int) (end int, h uint64, flags uint8, n int) {
	var wh Hasher
	var acc uint8
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if cl == 0 {
				break
			}
			if n == 0 && cl == clUpper {
				flags |= CapFirst
			}
			acc |= cl
			wh.Push(asciiLower[c])
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
			break
		}
		flags |= NonASCII
		switch {
		case unicode.IsUpper(r):
			if n == 0 {
				flags |= CapFirst
			}
			acc |= clUpper
			r = unicode.ToLower(r)
		case unicode.IsLower(r):
			acc |= clLower
		case unicode.IsDigit(r):
			acc |= clDigit
		}
		pushRune(&wh, r)
		i += size
		n++
	}
	if acc&clUpper != 0 && acc&clLower == 0 {
		flags |= AllUpper
	}
	if acc&clLower != 0 {
		flags |= HasLower
	}
	if acc&clDigit != 0 {
		flags |= HasDigit
	}
	return i, wh.Sum(), flags, n
}

// IsAlnum reports whether c is an ASCII letter or digit.
func IsAlnum(c byte) bool { return asciiClass[c] != 0 }

// Byte classes, as bits so a word's classes can be OR-ed together.
const (
	clUpper = 1 << iota
	clLower
	clDigit
)

// asciiLower lower-cases ASCII letters and leaves other bytes alone.
var asciiLower = func() (t [256]uint8) {
	for i := range t {
		t[i] = uint8(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = uint8(c + 'a' - 'A')
	}
	return t
}()

// asciiClass classifies bytes below 0x80 for the tokenizer's inner loop.
var asciiClass = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clLower
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clDigit
	}
	return t
}()

// pushRune adds the UTF-8 bytes of r to a word hash.
func pushRune(h *Hasher, r rune) {
	var buf [utf8.UTFMax]byte
	for _, b := range buf[:utf8.EncodeRune(buf[:], r)] {
		h.Push(b)
	}
}
