package casualty

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

type tokKind uint8

const (
	tWord     tokKind = iota + 1
	tNum              // digits, with thousands commas or a decimal point
	tCompound         // digits glued to letters or a hyphen: "25-year-old", "5pm", "10th"
	tPunct
)

// token is one word, number or punctuation rune of a sentence. Offsets are
// bytes into the text.
type token struct {
	start, end int32
	// lex is the lexicon entry of a word, -1 when the word is unknown and
	// lexPending until the word's sentence is read (see resolve).
	lex  int32
	kind tokKind
	// cap says the word starts with an upper-case letter.
	cap bool
	// punct is the punctuation byte (0 for non-ASCII punctuation); on a
	// word, ' says the word has an apostrophe inside.
	punct byte
	// hyph says a word has a hyphen inside: "twenty-two".
	hyph bool
	// hf is a word's lexicon hash until the word is looked up (see
	// resolve), then its lexicon flags: the rules read flags for every
	// token many times, and the token's own cache line is the near place.
	hf uint64
}

// sentence is a run of tokens [lo, hi) and its byte span [start, end).
type sentence struct {
	lo, hi     int
	start, end int
	// flags is the union of the sentence's word roles: a sentence without
	// a cue is skipped.
	flags uint64
	// pending says a word of the sentence waits for resolve: resolve reads
	// only such sentences, not every token of the kept ones.
	pending bool
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// letterAt reports whether a letter starts at s[i], and its byte width.
func letterAt(s string, i int) (bool, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return isASCIILetter(c), 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsMark(r), w
}

// apostropheAt reports an apostrophe (ASCII or U+2019) at s[i] and its width.
func apostropheAt(s string, i int) int {
	if s[i] == '\'' {
		return 1
	}
	if s[i] == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99 {
		return 3
	}
	return 0
}

// wordCharAt reports whether s[i] continues a word (letter or digit).
func wordCharAt(s string, i int) (bool, int) {
	if isDigit(s[i]) {
		return true, 1
	}
	return letterAt(s, i)
}

// tokenize splits text, from text[from] on, into tokens and sentences,
// appending to the given buffers, and looks each word up in the lexicon;
// from must start a sentence. It stops at the first sentence end at or
// after stop, or at the end of text, and returns where it stopped. words
// are the tokens of text[from:] as word.Tokenize reads them, or nil: a
// plain word's hash is taken from them rather than read again. read is
// how many of words it took, at most all of those before next: the words
// it read through its own paths (numbers, hyphenated words) are not
// counted.
func (x *Extractor) tokenize(text string, from, stop int, toks []token, sents []sentence, words []word.Token) (_ []token, _ []sentence, next, read int) {
	wc := 0 // the first of words that may start at or after i
	// The lexicon is read through l: through x, every use loaded x's
	// embedded pointer again.
	l := x.lexicon
	sentLo, sentStart, sentFlags, pending := len(toks), -1, uint64(0), false
	i := from
	for i < len(text) {
		c := text[i]
		if lowerTab[c] == 0 { // not an ASCII letter or digit: maybe a space
			switch {
			case c == ' ' || c == '\t' || c == '\f' || c == '\v':
				i++
				continue
			case c == '\n' || c == '\r':
				toks, sents = flush(toks, sents, sentLo, sentStart, i, sentFlags, pending)
				sentLo, sentStart, sentFlags, pending = len(toks), -1, 0, false
				i++
				if i > stop {
					return toks, sents, i, wc
				}
				continue
			case c == 0xC2 && i+1 < len(text) && text[i+1] == 0xA0: // no-break space
				i += 2
				continue
			}
		}
		if sentStart < 0 {
			sentStart = i
		}
		start := i
		switch {
		case isDigit(c):
			kind := tNum
			frac := false
			for i < len(text) {
				d := text[i]
				switch {
				case isDigit(d):
					i++
					continue
				case d == ',' && !frac && threeDigits(text, i+1):
					i++
					continue
				case d == '.' && !frac && i+1 < len(text) && isDigit(text[i+1]):
					frac = true
					i++
					continue
				}
				break
			}
			// Digits glued to letters or a hyphenated word are not counts.
			if i < len(text) {
				glued := false
				if ok, _ := letterAt(text, i); ok {
					glued = true
				} else if text[i] == '-' && i+1 < len(text) {
					if ok, _ := wordCharAt(text, i+1); ok {
						glued = x.gluedWord(text, i+1)
					}
				}
				if glued {
					kind = tCompound
					for i < len(text) {
						if ok, w := wordCharAt(text, i); ok {
							i += w
						} else if text[i] == '-' && i+1 < len(text) && isWordStart(text, i+1) {
							i++
						} else {
							break
						}
					}
				}
			}
			toks = grow1(toks)
			t := &toks[len(toks)-1]
			t.start, t.end, t.lex, t.hf = int32(start), int32(i), -1, 0
			t.kind, t.cap, t.punct, t.hyph = kind, false, 0, false
			// A count is most often followed by a space and a word
			// ("4.5 lakh people"): the run goes on in plainWords, as
			// after a word. A word it leaves is read by the loop.
			if i+1 < len(text) && text[i] == ' ' && lowerTab[text[i+1]] != 0 {
				i, toks, sentFlags, _ = x.plainWords(text, i+1, toks, sentFlags, words, &wc)
			}
		default:
			// An ASCII letter is one table load; only other bytes decode.
			ok, w := lowerTab[c] != 0, 1
			if c >= utf8.RuneSelf {
				ok, w = letterAt(text, i)
			}
			if ok {
				if c < utf8.RuneSelf && words != nil {
					// A sentence's first word, or one after a mark, is most
					// often a plain one too: plainWords reads it and the run
					// after it. A word it leaves, at i, is read below.
					var done bool
					i, toks, sentFlags, done = x.plainWords(text, i, toks, sentFlags, words, &wc)
					if done {
						continue
					}
					c, start = text[i], i
				}
			word:
				var h, hPre uint64
				var pre int
				var ascii, hyph bool
				if c < utf8.RuneSelf {
					// Most words are plain ASCII letters and digits: hash them
					// eight bytes at a time, and leave the words that go on
					// with a hyphen, an apostrophe or another letter to scanWord.
					var j int
					var hp uint64
					if wc < len(words) && int(words[wc].Start) == i && words[wc].Flags&word.NonASCII == 0 {
						// The cursor is at the word: plainAt's common
						// case, inline rather than a call.
						j, hp = int(words[wc].End), words[wc].Hash
						wc++
					} else {
						j, hp = plainAt(text, i, words, &wc)
					}
					if j < len(text) && (text[j] == '-' || text[j] == '\'' || text[j] >= utf8.RuneSelf) {
						i, h, hPre, pre, ascii, hyph = scanWord(text, i, w)
					} else {
						i, h, pre, ascii = j, hp, -1, true
					}
				} else {
					i, h, hPre, pre, ascii, hyph = scanWord(text, i, w)
				}
				// The token is written in place, field by field: a token
				// literal is built on the stack with narrow stores and then
				// copied with wide loads, which stall on store forwarding.
				var apos byte
				if pre > 0 {
					apos = '\'' // a word with an apostrophe: "soldier's"
				}
				capital := c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf && isUpperAt(text, start)
				lex, hf := int32(-1), uint64(0)
				if ascii && i-start <= 3*maxWord {
					// Possible cue words are looked up first, for the
					// sentence's flags; tokenizeWords reads only sentences
					// that are nearly all kept, so the others follow at once.
					lex, hf = lexPending, h
					if l.maybeCue(h) {
						lex = l.findHash(h, text[start:i])
					}
					if lex < 0 && pre > 0 && i-pre <= 4 && (text[i-1] == 's' || text[i-1] == 'S') && l.maybeCue(hPre) {
						lex = l.findHash(hPre, text[start:pre])
					}
					switch {
					case lex >= 0:
						if f := l.lex[lex].flags; f&cueFlags != 0 {
							sentFlags |= f
							hf = f
						} else {
							sentFlags |= f & fPartner
							lex = lexPending // found by the possessive path; resolve again
						}
					case pre < 0 && !l.maybeWord(h):
						lex, hf = -1, 0 // not in the lexicon at all: nothing to resolve
					default:
						lex = lexPending
					}
					if lex == lexPending && pre < 0 {
						// Resolved now, as plainWords does; a word with an
						// apostrophe waits for resolve and its possessive.
						lex, hf = l.probePlain(h, text[start:i]), 0
						if lex >= 0 {
							hf = l.lex[lex].flags
						}
					}
				}
				pending = pending || lex == lexPending
				toks = grow1(toks)
				t := &toks[len(toks)-1]
				t.start, t.end, t.lex, t.hf = int32(start), int32(i), lex, hf
				t.kind, t.cap, t.punct, t.hyph = tWord, capital, apos, hyph
				// Most words are followed by one space and another word:
				// take it here rather than through the dispatch above.
				if i+1 < len(text) && text[i] == ' ' && lowerTab[text[i+1]] != 0 {
					var done bool
					i, toks, sentFlags, done = x.plainWords(text, i+1, toks, sentFlags, words, &wc)
					if done {
						continue
					}
					c, start, w = text[i], i, 1
					goto word
				}
				continue
			}
			if c >= utf8.RuneSelf {
				_, w = utf8.DecodeRuneInString(text[i:])
			}
			var punct byte
			if w == 1 {
				punct = c
			} else if apostropheAt(text, i) > 0 {
				punct = '\''
			}
			toks = grow1(toks)
			t := &toks[len(toks)-1]
			t.start, t.end, t.lex, t.hf = int32(i), int32(i+w), -1, 0
			t.kind, t.cap, t.punct, t.hyph = tPunct, false, punct, false
			i += w
			if (c == '.' || c == '!' || c == '?') && x.endsSentence(text, i, toks) {
				toks, sents = flush(toks, sents, sentLo, sentStart, i, sentFlags, pending)
				sentLo, sentStart, sentFlags, pending = len(toks), -1, 0, false
				if i > stop {
					return toks, sents, i, wc
				}
			} else if i+1 < len(text) && text[i] == ' ' && lowerTab[text[i+1]] != 0 {
				// A mark inside a sentence and a space before a word
				// ("Quetta (Reuters) said", "2,000, officials said"): the
				// run goes on in plainWords. A word it leaves is read by
				// the loop.
				i, toks, sentFlags, _ = x.plainWords(text, i+1, toks, sentFlags, words, &wc)
			}
		}
	}
	toks, sents = flush(toks, sents, sentLo, sentStart, len(text), sentFlags, pending)
	return toks, sents, len(text), wc
}

// tokenizeWords is tokenize over the whole of text, given all its words,
// that reads only the sentences that can be kept, and those before them
// back to a place where tokenize surely closes a sentence (a line break, or
// a full stop that closes no abbreviation, see sureEnd). The words are
// walked once: a sentence without a word that may keep it (see flush) gives
// nothing and is skipped; at a word that may, tokenize starts afresh at the
// last sure end before it, as it would in a reading of the whole text, and
// reads to the end of the word's sentence, so the tokens and sentences are
// the same. Most sentences of an article hold no cue, and their words then
// cost a filter probe each, not a token.
func (x *Extractor) tokenizeWords(text string, toks []token, sents []sentence, words []word.Token) ([]token, []sentence) {
	from, wFrom := 0, 0 // the stretch being read starts at text[from], words[wFrom]
	for k := 0; k < len(words); {
		if k = x.nextHit(text, words, k); k == len(words) {
			break
		}
		// The stretch starts after the last sure end before the word.
		for j := k; j > wFrom; j-- {
			if words[j].Gap >= word.GapJoin {
				if p := x.sureEnd(text, &words[j-1], int(words[j].Start)); p >= 0 {
					from, wFrom = p, j
					break
				}
			}
		}
		// tokenize reads on to the end of the word's sentence.
		var next, read int
		toks, sents, next, read = x.tokenize(text, from, int(words[k].Start), toks, sents, words[wFrom:])
		// The words tokenize took are skipped at once, the few it read
		// through its own paths one by one.
		k = max(k, wFrom+read)
		for k < len(words) && int(words[k].Start) < next {
			k++
		}
		from, wFrom = next, k
	}
	return toks, sents
}

// nextHit is the index of the first of words[k:] that may keep its
// sentence, or len(words). A sentence is kept for a word with fSelect or
// fPartner (see flush); a word that passes the filter is looked up, so that
// only its own roles, not the filter's false matches, start a reading. This
// loop, without calls for most words, is all that most words of an article
// cost.
func (x *Extractor) nextHit(text string, words []word.Token, k int) int {
	sb := &x.selBloom
	// The words are ranged over from k, which spares a bounds check per
	// word.
	ws := words[k:]
	for j := range ws {
		w := &ws[j]
		if w.Flags&word.NonASCII != 0 {
			return k + j
		}
		if h := w.Hash; sb[h&8191>>6]&(1<<(h&63)) != 0 && sb[h>>13&8191>>6]&(1<<(h>>13&63)) != 0 {
			if e := x.findPlain(h, text[w.Start:w.End]); e >= 0 && x.lex[e].flags&(fSelect|fPartner) != 0 {
				return k + j
			}
		}
		// A word that goes on with a hyphen or an apostrophe is one word
		// to tokenize, hashed as such ("no-one"); the gap after it is a
		// joining one.
		if j+1 < len(ws) && ws[j+1].Gap == word.GapJoin && x.joinedCue(text, w) {
			return k + j
		}
	}
	return len(words)
}

// sureEnd is the end of the last sentence that tokenize surely closes in
// the gap between the word prev and text[next], that is the index after
// the line break or stop, or -1 when there is none.
func (x *Extractor) sureEnd(text string, prev *word.Token, next int) int {
	end := -1
	for p := int(prev.End); p < next; p++ {
		switch text[p] {
		case '\n', '\r':
			end = p + 1
		case '.', '!', '?':
			if x.surelyEnds(text, p, prev) {
				end = p + 1
			}
		}
	}
	return end
}

// surelyEnds says that tokenize closes a sentence at the stop text[p], a
// '.', '!' or '?' read from the gap after the word prev: endsSentence, told
// only the words. When the stop follows a word that may be an initial or an
// abbreviation, or one that word.Tokenize and tokenize read differently (a
// word with non-ASCII letters), it says no: the stretch then runs on, which
// costs time but never changes a sentence.
func (x *Extractor) surelyEnds(text string, p int, prev *word.Token) bool {
	if !stopFollowed(text, p+1) {
		return false
	}
	if text[p] != '.' || int(prev.End) != p {
		// No word of tokenize ends at the stop: a word that did would end
		// with a letter or digit, inside one of words.
		return true
	}
	if prev.Flags&word.NonASCII != 0 || prev.End-prev.Start == 1 {
		return false
	}
	if int(prev.End-prev.Start) > x.abbrevLen {
		return true
	}
	// tokenize's word before the stop is prev, or a longer word with a
	// hyphen or apostrophe that is no abbreviation, or a number.
	k := x.findPlain(prev.Hash, text[prev.Start:prev.End])
	return k < 0 || x.lex[k].flags&fAbbrev == 0
}

// joinedCue says that w, a word of ASCII letters and digits followed by a
// joining gap, may start a word of tokenize that goes on with a hyphen or
// an apostrophe and may keep its sentence: a word with fSelect or fPartner,
// alone or before an apostrophe ("death's"). It may say yes wrongly, never
// no wrongly.
func (x *Extractor) joinedCue(text string, w *word.Token) bool {
	if e := int(w.End); e < len(text) && (text[e] == '-' || text[e] == '\'' || text[e] >= utf8.RuneSelf) && isASCIILetter(text[w.Start]) {
		_, h, hPre, pre, _, _ := scanWord(text, int(w.Start), 1)
		return x.maybeSelect(h) || pre > 0 && x.maybeSelect(hPre)
	}
	return false
}

// plainWords reads a run of plain words, each of ASCII letters and digits
// and followed by one space, or a comma and a space, and the next: most of
// an article. It does what the word path of tokenize does for such words,
// and its number and punctuation paths for the counts ("killed 14 people")
// and commas among them, in a loop small enough to keep most of its state
// in registers. text[i] must be an ASCII letter or digit. It stops with
// done where tokenize's loop goes on: at the end of the run, or at a
// number that it leaves to tokenize ("4.5", "2,000", "12-year-old"). It
// stops without done at the start of a word that goes on with a hyphen, an
// apostrophe or a non-ASCII byte, or of a long one, which tokenize's word
// path then reads.
func (x *Extractor) plainWords(text string, i int, toks []token, sentFlags uint64, words []word.Token, wc *int) (next int, _ []token, _ uint64, done bool) {
	k := *wc
	for k < len(words) && int(words[k].Start) < i {
		k++
	}
	// Room for the tokens of every word left, and of a comma after each,
	// is made here, once, so that the loop makes no call (growslice): the
	// words are ws[j:], and out[nt] is the next token.
	ws := words[k:]
	toks = slices.Grow(toks, 2*len(ws))
	out := toks[len(toks) : len(toks)+2*len(ws)]
	j, nt := 0, 0
	// The word table is read through tab and mask, kept in registers:
	// through x, its embedded pointer was loaded again for every word.
	tab, mask := x.tab, x.mask
	for ; j < len(ws); j++ {
		// The words are read in step with the text: after the first, the
		// next word starts where the one before ended, past one space. A
		// word that is not one of them as it stands, or that goes on with
		// a hyphen, an apostrophe or a non-ASCII byte, is left to
		// tokenize, which reads it the same way; so are a word of more
		// than 16 bytes (rare), which tokenize compares with a call, and
		// a word with fewer than two bytes after it.
		w := &ws[j]
		end := int(w.End)
		n := end - i
		if int(w.Start) != i || end+1 >= len(text) {
			break
		}
		// The two bytes after the word: most often a space and a letter,
		// which need no more tests.
		after, next := text[end], text[end+1]
		if text[i] <= '9' {
			// A word that starts with a digit: a count when it is digits
			// alone followed by a space, or by a comma and a space, which
			// end tokenize's number too ("14 people", "14, including").
			// Written as tokenize's number path writes it.
			if w.Flags != word.HasDigit || !(after == ' ' || after == ',' && next == ' ') {
				break
			}
			t := &out[nt]
			t.start, t.end, t.lex, t.hf = int32(i), int32(end), -1, 0
			t.kind, t.cap, t.punct, t.hyph = tNum, false, 0, false
			nt++
		} else {
			if w.Flags&word.NonASCII != 0 || n > 16 || after != ' ' && (after == '-' || after == '\'' || after >= utf8.RuneSelf) {
				break
			}
			// The word is looked up now, not left for resolve:
			// tokenizeWords reads only the stretches with a word that may
			// keep a sentence, and most of their words are in the lexicon
			// (three in four in the benchmark's articles), so the table is
			// probed without the filter (maybeWord) first: the filter's two
			// probes cost more than they saved. This is probePlain, written
			// out. The word is ASCII letters and digits, so OR-ing 0x20
			// into its bytes lower-cases it: a word of up to eight bytes is
			// told by its hash (a bijection of them), a longer one by its
			// first and last eight bytes.
			h := w.Hash
			lex, hf := int32(-1), uint64(0)
			for p := h & mask; ; p = (p + 1) & mask {
				sl := &tab[p]
				if sl.i == 0 {
					break
				}
				if sl.h == h && int(sl.n) == n &&
					(n <= 8 || word.Load8(text, i)|word.LaneFold == word.Load8(x.spell[sl.i-1], 0) &&
						word.Load8(text, end-8)|word.LaneFold == word.Load8(x.spell[sl.i-1], n-8)) {
					lex, hf = sl.i-1, sl.flags
					break
				}
			}
			// hf is 0 for an unknown word: it adds no flags.
			if hf&cueFlags != 0 {
				sentFlags |= hf
			} else {
				sentFlags |= hf & fPartner
			}
			// The word starts with an ASCII letter, so word.CapFirst is its
			// case. The constant bytes are written as one store, then cap:
			// written one by one, each took an address computation of its
			// own.
			t := &out[nt]
			t.start, t.end, t.lex, t.hf = int32(i), int32(end), lex, hf
			t.kind, t.cap, t.punct, t.hyph = tWord, false, 0, false
			t.cap = w.Flags&word.CapFirst != 0
			nt++
		}
		if after == ' ' && lowerTab[next] != 0 {
			i = end + 1
			continue
		}
		if after == ',' && next == ' ' && end+2 < len(text) && lowerTab[text[end+2]] != 0 {
			// A comma between two words ("killed, officials said"): its
			// token, as tokenize writes a punctuation mark's, and on. In
			// tokenize it cost a round of its loop for the comma, one for
			// the space, one for the word after, and a call back to here.
			t := &out[nt]
			t.start, t.end, t.lex, t.hf = int32(end), int32(end+1), -1, 0
			t.kind, t.cap, t.punct, t.hyph = tPunct, false, ',', false
			nt++
			i = end + 2
			continue
		}
		*wc = k + j + 1
		return end, toks[:len(toks)+nt], sentFlags, true
	}
	*wc = k + j
	// Stopped at the word at i, which tokenize reads: through its word
	// path for a letter, through its loop (done) for a digit.
	return i, toks[:len(toks)+nt], sentFlags, lowerTab[text[i]] <= '9'
}

// plainAt is word.Plain(text, i): the end and hash of the run of ASCII
// letters and digits at text[i]. When one of words starts at i and is plain
// ASCII, the run is that word and its hash is already known. *wc is a
// cursor into words that only moves forward, as the tokenizer does.
func plainAt(text string, i int, words []word.Token, wc *int) (int, uint64) {
	k := *wc
	for k < len(words) && int(words[k].Start) < i {
		k++
	}
	if k < len(words) {
		if w := &words[k]; int(w.Start) == i && w.Flags&word.NonASCII == 0 {
			*wc = k + 1
			return int(w.End), w.Hash
		}
	}
	*wc = k
	return word.Plain(text, i)
}

// grow1 extends toks by one token, left as it was in the buffer: the caller
// sets every field.
func grow1(toks []token) []token {
	if len(toks) < cap(toks) {
		return toks[:len(toks)+1]
	}
	return append(toks, token{})
}

// flush closes the sentence of tokens [lo, len(toks)). A sentence without a
// cue is never read, so its tokens are dropped: the buffer then holds only
// the sentences that matter and stays small. Nor is a sentence whose only
// cues head multi-word cues and that holds no word to complete one (see
// fSelect).
func flush(toks []token, sents []sentence, lo, start, end int, flags uint64, pending bool) ([]token, []sentence) {
	if len(toks) == lo {
		return toks, sents
	}
	if flags&cueFlags == 0 || flags&(fSelect|fPartner) == 0 {
		return toks[:lo], sents
	}
	return toks, append(sents, sentence{lo: lo, hi: len(toks), start: start, end: end, flags: flags, pending: pending})
}

// numValue is the value of the digits of a number token: "1,250", "2.5".
func numValue(w string) float64 {
	v, frac, div := 0.0, false, 1.0
	for i := 0; i < len(w); i++ {
		d := w[i]
		switch {
		case isDigit(d):
			if frac {
				div *= 10
				v += float64(d-'0') / div
			} else {
				v = v*10 + float64(d-'0')
			}
		case d == '.':
			frac = true
		}
	}
	return v
}

// scanWord reads the word whose first letter, w bytes wide, is at
// text[i], and returns the index after it with its lexicon hash: lower-cased
// ASCII, the curly apostrophe read as '. hPre is the hash of the part before
// an apostrophe at pre ("soldier's"), when there is one (pre > 0); ascii is
// false for words with other non-ASCII letters, which the lexicon lacks.
func scanWord(text string, i, w int) (end int, h, hPre uint64, pre int, ascii, hyph bool) {
	c := text[i]
	ascii, pre = c < utf8.RuneSelf, -1
	var wh word.Hasher
	if ascii {
		wh.Push(lowerTab[c])
	}
	i += w
	for i < len(text) {
		d := text[i]
		if l := lowerTab[d]; l != 0 {
			wh.Push(l)
			i++
			continue
		}
		if d == '-' {
			if i+1 < len(text) && isWordStart(text, i+1) {
				wh.Push('-')
				hyph = true
				i++
				continue
			}
		} else if d >= utf8.RuneSelf {
			if ok, w := letterAt(text, i); ok {
				ascii = false
				i += w
				continue
			}
		}
		if a := apostropheAt(text, i); a > 0 && i+a < len(text) {
			if ok, _ := letterAt(text, i+a); ok {
				hPre, pre = wh.Sum(), i
				wh.Push('\'')
				i += a
				continue
			}
		}
		break
	}
	return i, wh.Sum(), hPre, pre, ascii, hyph
}

func isWordStart(s string, i int) bool {
	ok, _ := wordCharAt(s, i)
	return ok
}

func isUpperAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsUpper(r)
}

func threeDigits(s string, i int) bool {
	if i+3 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
		return false
	}
	return i+3 == len(s) || !isDigit(s[i+3])
}

// stopFollowed reports whether a stop ending before text[i] is followed as
// a sentence end is: by space, quotes or a parenthesis (or nothing), and
// then not by a lower-case letter.
func stopFollowed(text string, i int) bool {
	if i < len(text) {
		c := text[i]
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '"' && c != '\'' && c != ')' && c < utf8.RuneSelf {
			return false
		}
	}
	j := i
	for j < len(text) && (text[j] == ' ' || text[j] == '"' || text[j] == '\'' || text[j] == ')') {
		j++
	}
	if j < len(text) && text[j] >= 'a' && text[j] <= 'z' {
		return false
	}
	return true
}

// endsSentence decides whether the stop just consumed (ending at i) closes a
// sentence: it must be followed by space and then not a lower-case letter, and
// must not close an abbreviation or an initial.
func (x *Extractor) endsSentence(text string, i int, toks []token) bool {
	if !stopFollowed(text, i) {
		return false
	}
	if text[i-1] != '.' || len(toks) < 2 {
		return true
	}
	prev := toks[len(toks)-2]
	if prev.kind != tWord || prev.end != toks[len(toks)-1].start {
		return true
	}
	if prev.end-prev.start == 1 {
		return false // an initial: "S. Khan"
	}
	if prev.lex == lexPending {
		prev.lex = x.findHash(prev.hf, text[prev.start:prev.end]) // hf is still the hash
	}
	if prev.lex >= 0 && x.lex[prev.lex].flags&fAbbrev != 0 {
		return false
	}
	return true
}

// gluedWord decides whether the word at text[i:] after "25-" belongs to the
// number ("25-year-old", "5-member") or is a new word after a dash, as in
// Reuters' "UPDATE 2-Eleven die": capitalised words that are not units start
// anew.
func (x *Extractor) gluedWord(text string, i int) bool {
	if c := text[i]; c < 'A' || c > 'Z' {
		return true
	}
	j := i
	for j < len(text) && isASCIILetter(text[j]) {
		j++
	}
	k := x.lookup(text[i:j])
	return k >= 0 && x.lex[k].flags&fUnit != 0
}

// lowerTab maps an ASCII letter or digit to its lower case, and every other
// byte to 0: the word loop's test and fold in one load.
var lowerTab = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = byte(c), byte(c)
	}
	return t
}()

// lexPending marks a word not looked up yet.
const lexPending = -2

// resolve looks up the pending words of toks, the words with an apostrophe
// (see tokenize), and stores their flags.
func (x *Extractor) resolve(text string, toks []token) {
	for i := range toks {
		t := &toks[i]
		if t.lex != lexPending {
			continue
		}
		w := text[t.start:t.end]
		if t.lex = x.findHash(t.hf, w); t.lex < 0 && t.punct == '\'' && len(w) > 2 && (w[len(w)-1] == 's' || w[len(w)-1] == 'S') {
			t.lex = x.lookup(w) // a possessive: "soldier's"
		}
		t.hf = 0
		if t.lex >= 0 {
			t.hf = x.lex[t.lex].flags
		}
	}
}
