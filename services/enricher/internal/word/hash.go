// Package word owns the reading of an article's words that the enricher's
// extractors share: the tokenizer (Tokenize) and the word hash. The casualty
// lexicon, the toponym word lists and the place-name index are all keyed by
// the hash, so a word read once from an article can be looked up in any of
// them.
//
// The hash reads a word's lower-cased bytes eight at a time: Plain finds the
// end of a plain ASCII word and hashes it with a few word-wide operations
// instead of a loop with one unpredictable exit per byte, and Hasher takes
// other words byte by byte into the same chunks, so that every path gives a
// word the same hash. Collisions are harmless to the callers: a lookup
// compares the spelling or tolerates a rare false match.
package word

import "math/bits"

// Classes of the ASCII bytes of a word, as bits so that they can be OR-ed.
const (
	Upper uint8 = 1 << iota
	Lower
	Digit
)

// mixChunk folds the chunk c into the hash h. A word's hash is the last
// chunk's mix, xor its length: there is no finishing avalanche. One would
// be a bijection, so it would change no collision, and every table the
// hash keys either mixes it again (a multiply, then the high bits) or reads
// bits that the multiply here mixed (its high half, rotated down); it cost
// 2% of the enricher's instructions (callgrind).
func mixChunk(h, c uint64) uint64 { return bits.RotateLeft64((h^c)*0x9e3779b97f4a7c15, 31) }

// Hasher hashes a word fed byte by byte. The caller lower-cases; hyphens,
// apostrophes and the bytes of non-ASCII letters hash as themselves.
type Hasher struct {
	h, acc uint64
	n      uint
}

// Push adds one byte.
func (w *Hasher) Push(c byte) {
	w.acc |= uint64(c) << (8 * (w.n & 7))
	w.n++
	if w.n&7 == 0 {
		w.h, w.acc = mixChunk(w.h, w.acc), 0
	}
}

// Sum is the hash of the bytes pushed so far.
func (w *Hasher) Sum() uint64 { return mixChunk(w.h, w.acc) ^ uint64(w.n) }

// Hash is the hash of s, byte for byte (s is expected in lower case).
func Hash(s string) uint64 {
	var w Hasher
	for i := 0; i < len(s); i++ {
		w.Push(s[i])
	}
	return w.Sum()
}

// LaneFold OR-ed into eight bytes (Load8) of ASCII letters and digits
// lower-cases the letters and keeps the digits.
const LaneFold = 0x2020202020202020

// Lane constants of the eight-byte reads.
const (
	laneHigh  = 0x8080808080808080
	laneOne   = 0x0101010101010101
	lane40    = 0x4040404040404040
	laneThree = 0x0303030303030303
	lane60    = 0x6060606060606060
)

// NonAlnum sets the high bit of each byte of x that is not an ASCII letter
// or digit, up to the first byte beyond ASCII; bytes after that one may be
// marked or not. Every caller wants only the first byte that ends a word
// (the lowest bit set), and so the bytes are summed as they are: a byte of
// 0x80 or more, which the final OR marks, may carry into the byte above
// it, but no ASCII byte's sums reach 0x100. A lane is in a range when the
// sum that passes its low end carries into bit 7 and the one that passes
// its high end does not; as the second implies the first, an XOR tells it
// in one operation where AND NOT takes two.
func NonAlnum(x uint64) uint64 {
	f := x | LaneFold
	letter := (f + laneOne*(0x80-'a')) ^ (f + laneOne*(0x7f-'z'))
	digit := (x + laneOne*(0x80-'0')) ^ (x + laneOne*(0x7f-'9'))
	return (^(letter | digit) | x) & laneHigh
}

// Load8 reads s[i:i+8] as a little-endian word (one load).
func Load8(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// lowerTab maps an ASCII letter or digit to its lower case, and every other
// byte to 0.
var lowerTab = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = byte(c), byte(c)
	}
	return t
}()

// Plain reads the run of ASCII letters and digits starting at s[i] and
// returns its end and the hash of its lower-cased bytes: Hash of the
// lower-cased run.
func Plain(s string, i int) (end int, h uint64) {
	var st uint64
	n := 0
	for i+8 <= len(s) {
		x := Load8(s, i)
		if non := NonAlnum(x); non != 0 {
			k := bits.TrailingZeros64(non) >> 3
			c := (x | LaneFold) & (1<<(8*k) - 1)
			return i + k, mixChunk(st, c) ^ uint64(n+k)
		}
		st = mixChunk(st, x|LaneFold)
		i += 8
		n += 8
	}
	// Fewer than eight bytes left: byte by byte, from the chunks so far.
	w := Hasher{h: st, n: uint(n)}
	for i < len(s) {
		l := lowerTab[s[i]]
		if l == 0 {
			break
		}
		w.Push(l)
		i++
	}
	return i, w.Sum()
}

// PlainClass is Plain that also returns the classes of the run's bytes
// (Upper, Lower, Digit, OR-ed).
func PlainClass(s string, i int) (end int, h uint64, class uint8) {
	// In a run of letters and digits bit 6 marks a letter, bit 5 then a
	// lower-case one (moved to bit 6 by the shift); a digit has bit 6 clear.
	var st, up, lo, dig uint64
	n := 0
	for i+8 <= len(s) {
		x := Load8(s, i)
		m := ^uint64(0)
		non := NonAlnum(x)
		k := 8
		if non != 0 {
			k = bits.TrailingZeros64(non) >> 3
			m = uint64(1)<<(8*k) - 1
		}
		letter := x & m & lane40
		lower := x << 1 & lane40
		up |= letter &^ lower
		lo |= letter & lower
		dig |= ^x & m & lane40
		if non != 0 {
			c := (x | LaneFold) & m
			return i + k, mixChunk(st, c) ^ uint64(n+k), classOf(up, lo, dig)
		}
		st = mixChunk(st, x|LaneFold)
		i += 8
		n += 8
	}
	cl := classOf(up, lo, dig)
	w := Hasher{h: st, n: uint(n)}
	for i < len(s) {
		c := s[i]
		l := lowerTab[c]
		if l == 0 {
			break
		}
		switch {
		case c <= '9':
			cl |= Digit
		case c <= 'Z':
			cl |= Upper
		default:
			cl |= Lower
		}
		w.Push(l)
		i++
	}
	return i, w.Sum(), cl
}

func classOf(up, lo, dig uint64) uint8 {
	var cl uint8
	if up != 0 {
		cl |= Upper
	}
	if lo != 0 {
		cl |= Lower
	}
	if dig != 0 {
		cl |= Digit
	}
	return cl
}
