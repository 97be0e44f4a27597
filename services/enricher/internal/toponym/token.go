package toponym

import "github.com/newsflow/newsflow/services/enricher/internal/word"

// The tokenizer is package word's, shared with the casualty extractor:
// an article is read once for both.
type (
	token = word.Token
	gap   = word.Gap
)

const (
	gapSpace    = word.GapSpace
	gapJoin     = word.GapJoin
	gapComma    = word.GapComma
	gapHard     = word.GapHard
	gapSentence = word.GapSentence

	capFirst = word.CapFirst
	allUpper = word.AllUpper
	hasLower = word.HasLower
	hasDigit = word.HasDigit
)

func tokenize(dst []token, s string) []token { return word.Tokenize(dst, s) }

func isAlnumASCII(c byte) bool { return word.IsAlnum(c) }

// hashSeed starts the chain of token hashes that keys a name (combine).
const hashSeed = 14695981039346656037

// combine folds a token hash into a name key; names are keyed by their
// tokens, so punctuation and spacing variants share a key.
func combine(h, t uint64) uint64 {
	h ^= t
	h *= 0x9E3779B97F4A7C15
	return h ^ h>>31
}

// hashString is the hash of a lower-case word: the word hash the casualty
// extractor shares, so that a token hashed once serves both.
func hashString(s string) uint64 { return word.Hash(s) }

// hashParts is hashString(a + "." + b + "." + c) without building the string.
func hashParts(a, b, c string) uint64 {
	var h word.Hasher
	for k, s := range [3]string{a, b, c} {
		if k > 0 {
			h.Push('.')
		}
		for i := 0; i < len(s); i++ {
			h.Push(s[i])
		}
	}
	return h.Sum()
}
