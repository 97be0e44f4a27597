package casualty

import (
	"reflect"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// tokenTexts are texts whose sentence ends and cue words are hard to tell
// from the words alone: initials, abbreviations, possessives, hyphenated
// and non-ASCII words, numbers with points, stops inside quotes.
var tokenTexts = []string{
	"Dr. Khan said 5 were killed. S. Ahmed was hurt. No. 7 gate was shut.",
	"He said no. Five soldiers were killed.\nTwo died.\r\nThree were hurt!  Was he? yes.",
	"The soldier's body was found. The no-one's land. No-one was hurt. Rs. 500 was paid.",
	"2.5 million fled. Toll rose to 1,250. The 25-year-old died. UPDATE 2-Eleven die in blast.",
	"Café owner killed. Naïve man’s death. Señor died…  Then 3 were hurt.” Police arrested 4.",
	"x-y. killed. St. Louis man killed. a. b. c. 5dr. kill-ed. killed٣. Mr. Smith's son died.",
	"\"Five killed.\" (Three injured.) 'Two missing.' Gen. Raheel said. Lt. Col. Ahmed was shot dead.",
	"Bomb & gun attack kills 5 & injures 7.\n\n\nNo casualties were reported. Nobody died.",
	"He was taken hostage. They were rounded up. 300 people moved to relief camps. Police held talks.",
	"Markets rose. Then killed٣ five. Prices fell. The no-one's land. Café killed. Shares fell.",
	"no's. ’s killing. killed.’. Mr.\u00a0Khan died. 5 killed.\u00a0Two hurt.",
}

// TestTokenizeWordsSkipsOnlyDroppedSentences checks that reading only the
// stretches that may hold a cue gives the tokens and sentences of a reading
// of the whole text.
func TestTokenizeWordsSkipsOnlyDroppedSentences(t *testing.T) {
	texts := append([]string(nil), tokenTexts...)
	for _, a := range readArticles(t) {
		texts = append(texts, a.Title, a.Text)
	}
	for _, c := range readCases(t) {
		texts = append(texts, c.Text)
	}
	x := New()
	for _, text := range texts {
		for _, v := range []string{text, strings.ToUpper(text), strings.ToLower(text)} {
			checkTokenizeWords(t, x, v)
		}
	}
}

func FuzzTokenizeWords(f *testing.F) {
	for _, s := range tokenTexts {
		f.Add(s)
	}
	x := New()
	f.Fuzz(func(t *testing.T, text string) {
		checkTokenizeWords(t, x, text)
	})
}

func checkTokenizeWords(t *testing.T, x *Extractor, text string) {
	t.Helper()
	words := word.Tokenize(nil, text)
	wantToks, wantSents, _, _ := x.tokenize(text, 0, len(text), nil, nil, words)
	gotToks, gotSents := x.tokenizeWords(text, nil, nil, words)
	if len(gotToks) != len(wantToks) || len(gotToks) > 0 && !reflect.DeepEqual(gotToks, wantToks) || len(gotSents) != len(wantSents) || len(gotSents) > 0 && !reflect.DeepEqual(gotSents, wantSents) {
		t.Fatalf("%q:\nsentences %+v\nwant      %+v\ntokens %+v\nwant   %+v", text, gotSents, wantSents, gotToks, wantToks)
	}
	// Without the words, tokenize reads every word itself, none through
	// plainWords or a word's given hash: the same tokens.
	ownToks, ownSents, _, _ := x.tokenize(text, 0, len(text), nil, nil, nil)
	if len(ownToks) != len(wantToks) || len(ownToks) > 0 && !reflect.DeepEqual(ownToks, wantToks) || len(ownSents) != len(wantSents) || len(ownSents) > 0 && !reflect.DeepEqual(ownSents, wantSents) {
		t.Fatalf("%q without words:\nsentences %+v\nwant      %+v\ntokens %+v\nwant   %+v", text, ownSents, wantSents, ownToks, wantToks)
	}
}

// TestPlainWordsFindsEveryWord checks plainWords' written-out lookup, which
// tells a word of more than eight bytes by its first and last eight bytes
// OR-ed with 0x20, against the lexicon: every plain spelling, in lower,
// upper and title case, read in a run of plain words, is found as itself.
// That lookup needs the spellings in lower case, which this checks too.
func TestPlainWordsFindsEveryWord(t *testing.T) {
	x := New()
	for e, w := range x.spell {
		plain := true
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= 'A' && c <= 'Z' {
				t.Fatalf("lexicon spelling %q is not lower case", w)
			} else if lowerTab[c] == 0 {
				plain = false
			}
		}
		if !plain {
			continue
		}
		title := strings.ToUpper(w[:1]) + w[1:]
		// "killed" keeps the sentence, whose other tokens are dropped.
		text := "killed zq " + w + " " + strings.ToUpper(w) + " " + title + " zq"
		toks, _, _, _ := x.tokenize(text, 0, len(text), nil, nil, word.Tokenize(nil, text))
		var got []int32
		for _, tk := range toks {
			if tk.kind == tWord && tk.start > int32(len("killed zq")) && text[tk.start:tk.end] != "zq" {
				got = append(got, tk.lex)
			}
		}
		if len(got) != 3 || got[0] != int32(e) || got[1] != int32(e) || got[2] != int32(e) {
			t.Errorf("%q: lexicon entries %v, want %d three times", text, got, e)
		}
	}
}
