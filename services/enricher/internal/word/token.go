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
		if cap(dst)-len(dst) < runBuf+1 {
			dst = slices.Grow(dst, runBuf+1)
		}
		buf := (*[runBuf + 1]Token)(dst[len(dst) : len(dst)+runBuf+1])
		var n int
		n, i, g = asciiRun(buf, s, i, g)
		if n > 0 {
			prevShort = lastShort(&buf[n-1])
		}
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
			flags = classesFlags(acc)
			if cl == clUpper {
				flags |= CapFirst
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
// constant, so that the room left is not one more register. Its buffer has
// one slot more, which it never writes (see there).
const runBuf = 64

// asciiRun tokenizes s from i, as step would, while it sees blanks, ASCII
// punctuation and plain ASCII words followed by an ASCII byte, short of the
// last eight bytes of s, writing at most runBuf tokens into buf. It returns
// how many it wrote and where and in what state it stopped. It keeps few
// values, so that they stay in registers: whether the last token could be
// an abbreviation is read back from it when needed (and left to step for
// the token before the run, which may not be plain ASCII), and the only
// call, for words of eight bytes or more, saves registers on its own path.
func asciiRun(buf *[runBuf + 1]Token, s string, i int, g Gap) (int, int, Gap) {
	// The room left, which moves on a token at a time: a token is then
	// written at free's address, where with an index into buf the
	// compiler worked out the address of each byte field apart. It
	// keeps one spare slot: with two or more left, the compiler knows that
	// free[1:] does not run off the end, and moves its pointer without the
	// mask it needs otherwise (1,900 fewer instructions per article than
	// with no spare slot, callgrind).
	free := buf[:]
	for len(free) > 1 && i <= len(s)-8 {
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
			var flags uint8
			if non != 0 {
				// Most words are shorter than eight bytes.
				k := bits.TrailingZeros64(non) >> 3
				// The bytes before the first that ends the word: non^(non-1)
				// sets the bits up to non's lowest, the high bit of that
				// byte, and the shift drops that byte.
				m := (non ^ (non - 1)) >> 8
				x &= m
				end = i + k
				if ((x|x>>8&0x20)^m)&lane60 == 0 {
					// Most words are in lower case after their first
					// letter ("the", "Quetta", 94% of them): their flags
					// need only that letter's case, and lower-cased they
					// are x with its case bit set; byteClasses and
					// wordClass are skipped. A lower-case letter has bits
					// 6 and 5 set, so one test tells it for all the
					// word's bytes (m): none of them lacks either bit. The
					// first byte's bit 5 is taken as set when the second
					// byte has it: a capital may come first in a longer
					// word, but a lone capital ("A") has no lower-case
					// letter, and a second byte that is not a lower-case
					// letter fails the test anyway.
					h = mixChunk(0, x|0x20) ^ uint64(k)
					flags = (HasLower | CapFirst) ^ uint8(x>>5&1) // CapFirst unless the first byte's bit 5 (lower case) is set
				} else {
					h = mixChunk(0, x|LaneFold&m) ^ uint64(k)
					c := byteClasses(x)
					flags = classFlags[wordClass(c, c)&63]
				}
			} else {
				// From one call site only: the values kept across the
				// call are saved on this path alone.
				if end, h, flags = longWord(s, i, x); end < 0 {
					break // step reads a word that runs into the last eight bytes
				}
			}
			next := s[end] // the word ended inside a chunk: end < len(s)
			if next >= utf8.RuneSelf {
				break // the word may run on: step reads it with scanWord
			}
			t := &free[0]
			t.Start, t.End, t.Gap, t.Hash, t.Flags = int32(i), int32(end), g, h, flags
			free = free[1:]
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
			n := runBuf + 1 - len(free)
			if g == GapSpace && n == 0 {
				// Whether the token before the run could be an
				// abbreviation is step's to know: not a value to
				// keep in a register through the loop.
				return n, i, g
			}
			if g == GapSpace && lastShort(&buf[n-1]) && i > 0 && asciiClass[s[i-1]] != 0 {
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
			t := &free[0]
			t.Start, t.End, t.Hash, t.Gap, t.Flags = int32(i), int32(i+1), ampHash, g, 0
			free = free[1:]
			g = GapSpace
		default:
			if g < GapHard {
				g = GapHard
			}
		}
		i++
	}
	return runBuf + 1 - len(free), i, g
}

// lastShort says whether t, a token of asciiRun, could be an abbreviation.
// Its bytes are ASCII, so their count is that of its letters.
func lastShort(t *Token) bool {
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
// first eight bytes are x: its end, hash and flags, or an end of -1 if it
// runs into the last eight bytes of s.
func longWord(s string, i int, x uint64) (end int, h uint64, flags uint8) {
	w := s[i:] // offsets from 0 up, which the compiler sees in bounds
	st := mixChunk(0, x|LaneFold)
	// The word's bytes AND-ed, its first letter's case bit set: bits 6 and
	// 5 stay set in every lane if the word is in lower case after its
	// first letter (a lower-case letter has both, see asciiRun), for one
	// AND a chunk; only the words that are not read their flags byte by
	// byte.
	all := x | 0x20
	for j := 8; j <= len(w)-8; j += 8 {
		x = Load8(w, j)
		if non := NonAlnum(x); non != 0 {
			k := bits.TrailingZeros64(non) >> 3
			m := (non ^ (non - 1)) >> 8 // as in asciiRun
			x &= m
			n := j + k
			h = mixChunk(st, x|LaneFold&m) ^ uint64(n)
			if (x^m|^all)&lane60 == 0 { // no byte lacks bit 6 or 5
				flags = (HasLower | CapFirst) ^ w[0]>>5&1
			} else {
				flags = plainFlags(w[:n])
			}
			return i + n, h, flags
		}
		st = mixChunk(st, x|LaneFold)
		all &= x
	}
	return -1, 0, 0
}

// plainFlags gives the flags of w, a run of ASCII letters and digits, byte
// by byte: for the few words that are not in lower case after their first
// letter.
func plainFlags(w string) uint8 {
	var acc uint8
	for i := 0; i < len(w); i++ {
		acc |= asciiClass[w[i]]
	}
	flags := classesFlags(acc)
	if asciiClass[w[0]] == clUpper {
		flags |= CapFirst
	}
	return flags
}

// classesFlags gives the case flags of a word from the classes of its
// letters and digits, OR-ed: all but CapFirst, which only its first letter
// tells.
func classesFlags(acc uint8) uint8 {
	var flags uint8
	if acc&clUpper != 0 && acc&clLower == 0 {
		flags |= AllUpper
	}
	if acc&clLower != 0 {
		flags |= HasLower
	}
	if acc&clDigit != 0 {
		flags |= HasDigit
	}
	return flags
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
	return i, wh.Sum(), flags | classesFlags(acc), n
}

// IsAlnum reports whether c is an ASCII letter or digit.
func IsAlnum(c byte) bool { return asciiClass[c] != 0 }

// Byte classes, as bits so a word's classes can be OR-ed together: the
// exported classes of PlainClass, so that classesFlags reads both.
const (
	clUpper = Upper
	clLower = Lower
	clDigit = Digit
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
