package toponym

import (
	"unicode"
	"unicode/utf8"
)

// gap says what separates a token from the one before it; names may only
// run across the soft kinds.
type gap uint8

const (
	gapSpace    gap = iota // blanks only
	gapJoin                // hyphen, apostrophe or an abbreviation's dot: "Dera-Ismail", "Hawke's", "St. Louis"
	gapComma               // a comma: "Quetta, Balochistan"
	gapHard                // other punctuation, brackets, line breaks, dashes
	gapSentence            // start of the field or a sentence end
)

const (
	capFirst uint8 = 1 << iota // first letter upper case
	allUpper                   // no lower-case letter
	hasLower
	hasDigit
)

type token struct {
	start, end int32
	hash       uint64 // of the lower-cased text
	gap        gap
	flags      uint8
}

const (
	hashSeed  = 14695981039346656037
	hashPrime = 1099511628211
)

// combine folds a token hash into a name key; names are keyed by their
// tokens, so punctuation and spacing variants share a key.
func combine(h, t uint64) uint64 {
	h ^= t
	h *= 0x9E3779B97F4A7C15
	return h ^ h>>31
}

var ampHash = hashString("and")

func hashString(s string) uint64 {
	h := uint64(hashSeed)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= hashPrime
	}
	return h
}

// hashParts is hashString(a + "." + b + "." + c) without building the string.
func hashParts(a, b, c string) uint64 {
	h := uint64(hashSeed)
	for k, s := range [3]string{a, b, c} {
		if k > 0 {
			h = (h ^ '.') * hashPrime
		}
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * hashPrime
		}
	}
	return h
}

// tokenize splits s into word tokens (letters and digits) in one pass,
// appending to dst. Lower-casing and hashing happen in the same pass.
func tokenize(dst []token, s string) []token {
	g := gapSentence
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
			if cl == clUpper {
				flags = capFirst
			}
			acc := cl
			h := (uint64(hashSeed) ^ uint64(c|(cl&clUpper)<<5)) * hashPrime
			for i++; i < len(s); i++ {
				d := s[i]
				k := asciiClass[d]
				if k == 0 {
					break
				}
				acc |= k
				h = (h ^ uint64(d|(k&clUpper)<<5)) * hashPrime
			}
			n := i - start
			if i < len(s) && s[i] >= utf8.RuneSelf {
				i, h, flags, n = scanWord(s, start)
			} else {
				if acc&clUpper != 0 && acc&clLower == 0 {
					flags |= allUpper
				}
				if acc&clLower != 0 {
					flags |= hasLower
				}
				if acc&clDigit != 0 {
					flags |= hasDigit
				}
			}
			// Written in place: a token literal is built on the stack with
			// narrow stores and copied with wide loads, which stall on store
			// forwarding.
			dst = grow1(dst)
			t := &dst[len(dst)-1]
			t.start, t.end, t.hash, t.gap, t.flags = int32(start), int32(i), h, g, flags
			prevShort = n <= 3 && flags&capFirst != 0
			g = gapSpace
			continue
		}
		word := false
		size := 1
		var r rune
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if word {
			end, h, flags, n := scanWord(s, i)
			dst = append(dst, token{start: int32(i), end: int32(end), hash: h, gap: g, flags: flags})
			prevShort = n <= 3 && flags&capFirst != 0
			g = gapSpace
			i = end
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t':
			case '\n', '\r':
				if g < gapHard {
					g = gapHard
				}
				if i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r') {
					g = gapSentence
				}
			case '-', '\'':
				if g == gapSpace {
					g = gapJoin
				}
			case '.':
				if g == gapSpace && prevShort && i > 0 && isAlnumASCII(s[i-1]) {
					g = gapJoin
				} else {
					g = gapSentence
				}
			case '!', '?', ';', ':':
				g = gapSentence
			case ',':
				if g < gapComma {
					g = gapComma
				}
			case '&':
				dst = append(dst, token{start: int32(i), end: int32(i + 1), hash: ampHash, gap: g})
				g = gapSpace
				prevShort = false
			default:
				if g < gapHard {
					g = gapHard
				}
			}
			i++
			continue
		}
		switch r {
		case '’', '‘':
			if g == gapSpace {
				g = gapJoin
			}
		case '\u00a0', '\u2009', '\u202f':
		default:
			if g < gapHard {
				g = gapHard
			}
		}
		i += size
	}
	return dst
}

// grow1 extends toks by one token, left as it was in the buffer: the caller
// sets every field.
func grow1(toks []token) []token {
	if len(toks) < cap(toks) {
		return toks[:len(toks)+1]
	}
	return append(toks, token{})
}

// scanWord reads the word starting at i: its end, the hash of its
// lower-cased text, its case flags and its length in runes.
func scanWord(s string, i int) (end int, h uint64, flags uint8, n int) {
	h = hashSeed
	var acc uint8
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if cl == 0 {
				break
			}
			if n == 0 && cl == clUpper {
				flags |= capFirst
			}
			acc |= cl
			h = (h ^ uint64(asciiLower[c])) * hashPrime
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
			break
		}
		switch {
		case unicode.IsUpper(r):
			if n == 0 {
				flags |= capFirst
			}
			acc |= clUpper
			r = unicode.ToLower(r)
		case unicode.IsLower(r):
			acc |= clLower
		case unicode.IsDigit(r):
			acc |= clDigit
		}
		h = hashRune(h, r)
		i += size
		n++
	}
	if acc&clUpper != 0 && acc&clLower == 0 {
		flags |= allUpper
	}
	if acc&clLower != 0 {
		flags |= hasLower
	}
	if acc&clDigit != 0 {
		flags |= hasDigit
	}
	return i, h, flags, n
}

func isAlnumASCII(c byte) bool { return asciiClass[c] != 0 }

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

func hashRune(h uint64, r rune) uint64 {
	if r < utf8.RuneSelf {
		h ^= uint64(r)
		return h * hashPrime
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, b := range buf[:n] {
		h ^= uint64(b)
		h *= hashPrime
	}
	return h
}
