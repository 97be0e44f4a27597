package toponym

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestTokenHashMatchesWordHash checks that a word read from text hashes like
// the same word in lower case, which the word lists and the name index rely
// on, for ASCII words (the tokenizer's fast path) and others (scanWord).
func TestTokenHashMatchesWordHash(t *testing.T) {
	tests := []struct {
		text string
		want []string // lower-cased words
	}{
		{"Quetta blast kills 12", []string{"quetta", "blast", "kills", "12"}},
		{"in", []string{"in"}},
		{"NORTH WAZIRISTAN", []string{"north", "waziristan"}},
		{"Muzaffarabad and Dera Ismail Khan", []string{"muzaffarabad", "and", "dera", "ismail", "khan"}},
		{"Internationalisation abcdefgh abcdefghi", []string{"internationalisation", "abcdefgh", "abcdefghi"}},
		{"Kābul, Mālē and PEÑA", []string{"kābul", "mālē", "and", "peña"}},
		{"Hawke's Bay", []string{"hawke", "s", "bay"}},
		{"Lahore & Karachi", []string{"lahore", "and", "karachi"}},
	}
	for _, tt := range tests {
		toks := tokenize(nil, tt.text)
		if len(toks) != len(tt.want) {
			t.Errorf("%q: %d tokens, want %d", tt.text, len(toks), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if toks[i].Hash != hashString(w) {
				t.Errorf("%q token %d (%q): hash differs from hashString(%q)", tt.text, i, tt.text[toks[i].Start:toks[i].End], w)
			}
		}
	}
	// The same word hashes alike wherever it sits in the text.
	a := tokenize(nil, "Peshawar")[0].Hash
	b := tokenize(nil, "Peshawar is far from here")[0].Hash
	if a != b {
		t.Error("a word's hash depends on the text after it")
	}
	if hashString("lahore") == hashString("lahor") || hashString("abcdefgh") == hashString("abcdefghi") {
		t.Error("different words share a hash")
	}
	if hashParts("PK", "03", "1234") != hashString("PK.03.1234") {
		t.Error("hashParts differs from hashString of the joined key")
	}
}

func TestSpanTable(t *testing.T) {
	tab := newSpanTable(3000)
	for i := range uint64(3000) {
		tab.put(i*0x9E3779B97F4A7C15, span{uint32(i), 1})
	}
	for i := range uint64(3000) {
		s, ok := tab.get(i * 0x9E3779B97F4A7C15)
		if !ok || s.off != uint32(i) {
			t.Fatalf("key %d: got %v %v", i, s, ok)
		}
	}
	if _, ok := tab.get(12345); ok {
		t.Error("found a key never stored")
	}
	if n := tab.len(); n != 3000 {
		t.Errorf("len %d, want 3000", n)
	}
}

func TestWordTable(t *testing.T) {
	tab := newWordTable(map[uint64]wordClass{hashString("in"): wLocative, hashString("said"): wSpeech},
		map[uint64]typeWord{hashString("district"): typeDistrict, hashString("in"): typeCity})
	tests := []struct {
		word string
		want wordInfo
	}{
		{"in", wordInfo{wLocative, typeCity}},
		{"said", wordInfo{wSpeech, typeNone}},
		{"district", wordInfo{0, typeDistrict}},
		{"quetta", wordInfo{}},
	}
	for _, tt := range tests {
		if got := tab.get(hashString(tt.word)); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.word, got, tt.want)
		}
	}
}

func TestSortKeysStable(t *testing.T) {
	hs := [][]uint64{
		{5, 1 << 40, 3, 5, 1 << 63, 3, 0, 5},
		{},
		{3, 1<<63 + 1, 5, 1<<40 + 7, 1 << 40},
	}
	var runs [][]keyed
	for _, r := range hs {
		var run []keyed
		for _, h := range r {
			run = append(run, keyed{h: h})
		}
		runs = append(runs, run)
	}
	got := sortKeys(runs)
	var b strings.Builder
	for i, k := range got {
		if i > 0 && (k.h < got[i-1].h || k.h == got[i-1].h && (k.run < got[i-1].run || k.run == got[i-1].run && k.pos < got[i-1].pos)) {
			t.Fatalf("not sorted stably at %d: %+v", i, got)
		}
		if k.at(runs).h != k.h {
			t.Fatalf("key %d points at the wrong record", i)
		}
		fmt.Fprintf(&b, "%d.%d ", k.run, k.pos)
	}
	if want := "0.6 0.2 0.5 2.0 0.0 0.3 0.7 2.2 0.1 2.4 2.3 0.4 2.1 "; b.String() != want {
		t.Errorf("order %s, want %s", b.String(), want)
	}
}

func TestIsExactCase(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Quetta", false}, {"Dera Ismail Khan", false}, {"FATA", true}, {"US", true}, {"LoC", true}, {"PoK", true},
		{"McAllen", false}, {"NWFP", true}, {"N.W.F.P.", true}, {"Kābul", false}, {"ÅLAND", true}, {"Ky.", false},
		{"Line of Control", false}, {"UK Midlands", true},
	}
	for _, tt := range tests {
		if got := isExactCase(tt.name); got != tt.want {
			t.Errorf("isExactCase(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestIndexIndependentOfParts: the name index is the same whether its
// names are keyed in one run or in several.
func TestIndexIndependentOfParts(t *testing.T) {
	g := newTestExtractor(t).g
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	one := buildIndex(g)
	runtime.GOMAXPROCS(4)
	four := buildIndex(g)
	if !slices.Equal(one.cands, four.cands) || !slices.Equal(one.keys.slots, four.keys.slots) ||
		!slices.Equal(one.names, four.names) || one.lower != four.lower {
		t.Error("the index depends on the number of runs")
	}
}

// TestScan checks scan against what it stands for: detectCase's mode, and
// in mixed case every token with a capital or whose lower-case word may
// start a curated name, in order; in other text every token. The starts
// that lowerMayStart leaves out must find nothing: recognise finds the
// same mentions with or without them.
func TestScan(t *testing.T) {
	ex := newTestExtractor(t)
	texts := []string{
		"", "12 34", "QUETTA BLAST KILLS 12", "quetta blast kills 12",
		"Militants attacked a checkpost in the tribal areas near Quetta, officials said.",
		"Shelling along the LoC in northwest Pakistan: 3 dead in Poonch & Rajouri",
		"Fighting in the northwest and the north-west spread to the Gulf; the Vatican and the States spoke, the tribal areas too.",
	}
	for _, d := range corpus(t) {
		texts = append(texts, d.Title, d.Body)
	}
	var starts []int32
	for _, s := range texts {
		toks := tokenize(nil, s)
		var mode caseMode
		mode, starts = ex.ix.scan(toks, starts)
		if want := detectCase(toks); mode != want {
			t.Errorf("%.40q: mode %d, detectCase %d", s, mode, want)
		}
		var want, wide []int32
		for i, tk := range toks {
			if mode != caseMixed || tk.Flags&(capFirst|allUpper) != 0 || ex.ix.lower.first.has(tk.Hash) {
				wide = append(wide, int32(i))
				if mode != caseMixed || tk.Flags&(capFirst|allUpper) != 0 || ex.ix.lowerMayStart(toks, i) {
					want = append(want, int32(i))
				}
			}
		}
		if !slices.Equal(starts, want) {
			t.Errorf("%.40q: starts %v, want %v", s, starts, want)
		}
		got, all := ex.recognise(nil, 1, s, toks, mode, starts), ex.recognise(nil, 1, s, toks, mode, wide)
		if !reflect.DeepEqual(got, all) {
			t.Errorf("%.40q: mentions %+v, with every word of lower.first %+v", s, got, all)
		}
	}
}
