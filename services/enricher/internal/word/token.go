package word

import (
	"math/bits"
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
		c := s[i]
		if c == ' ' {
			i++
			continue
		}
		if cl := asciiClass[c]; cl != 0 {
			// The common case, an ASCII word, is read here without a call;
			// a word that runs on into a non-ASCII letter is read again by
			// scanWord, which decides for every rune.
			start := i
			var flags uint8
			var j int
			var h uint64
			var acc uint8
			if i+8 <= len(s) {
				// Most words are shorter than eight bytes: read here in one
				// word-wide pass, without the call.
				x := Load8(s, i)
				if non := NonAlnum(x); non != 0 {
					k := bits.TrailingZeros64(non) >> 3
					m := uint64(1)<<(8*k) - 1
					letter, lower := x&m&lane40, x<<1&lane40
					j, h = i+k, final(mixChunk(0, (x|laneFold)&m)^uint64(k))
					if letter&^lower != 0 {
						acc |= Upper
					}
					if letter&lower != 0 {
						acc |= Lower
					}
					if ^x&m&lane40 != 0 {
						acc |= Digit
					}
				} else {
					j, h, acc = PlainClass(s, i)
				}
			} else {
				j, h, acc = PlainClass(s, i)
			}
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
			continue
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
			continue
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
			continue
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
	}
	return dst
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
