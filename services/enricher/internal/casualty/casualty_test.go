package casualty

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/cpuclock"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// want is the hand-written expectation of a case: the article totals.
type want struct {
	Killed    int `json:"killed,omitempty"`
	Injured   int `json:"injured,omitempty"`
	Arrested  int `json:"arrested,omitempty"`
	Kidnapped int `json:"kidnapped,omitempty"`
	Missing   int `json:"missing,omitempty"`
	Displaced int `json:"displaced,omitempty"`
}

func (w want) totals() events.Totals {
	return events.Totals{Killed: w.Killed, Injured: w.Injured, Arrested: w.Arrested, Kidnapped: w.Kidnapped, Missing: w.Missing, Displaced: w.Displaced}
}

type testCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	Want want   `json:"want"`
}

// TestCases checks the totals of hard sentences against hand-written
// expectations, and every figure against a golden file (-update rewrites it).
func TestCases(t *testing.T) {
	cases := readCases(t)
	type result struct {
		Name    string            `json:"name"`
		Figures []events.Casualty `json:"figures"`
	}
	var got []result
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			figs := Extract(events.FieldText, c.Text)
			checkSpans(t, c.Text, figs)
			if tot, w := Totals(figs), c.Want.totals(); tot != w {
				t.Errorf("%q\n totals %+v\n want   %+v\n figures %+v", c.Text, tot, w, figs)
			}
			got = append(got, result{c.Name, figs})
		})
	}
	golden(t, filepath.Join("testdata", "cases.golden.json"), got)
}

func golden(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("figures differ from %s; run go test -run %s -update and review the diff", path, t.Name())
	}
}

// checkSpans asserts the invariants every figure keeps.
func checkSpans(t *testing.T, text string, figs []events.Casualty) {
	t.Helper()
	for _, f := range figs {
		ev := f.Evidence
		if ev.Start < 0 || ev.End > len(text) || ev.Start > ev.End {
			t.Fatalf("evidence [%d,%d) outside text of %d bytes", ev.Start, ev.End, len(text))
		}
		if !boundary(text, ev.Start) || !boundary(text, ev.End) {
			t.Fatalf("evidence [%d,%d) not on rune boundaries", ev.Start, ev.End)
		}
		if f.EvidenceText != text[ev.Start:ev.End] {
			t.Fatalf("evidence text %q != text[%d:%d]", f.EvidenceText, ev.Start, ev.End)
		}
		if f.Count < 0 || f.Min > f.Count || f.Count > f.Max && f.Max != 0 || f.Count > 0 && f.Max < f.Count {
			t.Fatalf("bounds: count %d min %d max %d", f.Count, f.Min, f.Max)
		}
		switch f.Qualifier {
		case qExact, qAtLeast, qMoreThan, qUpTo, qAbout, qNearly, qVague:
		default:
			t.Fatalf("qualifier %q", f.Qualifier)
		}
		if kindMask(f.Kind) == 0 {
			t.Fatalf("kind %q", f.Kind)
		}
	}
}

// boundary says offset i falls between runes as a UTF-8 decoder walks s
// (an invalid byte is a rune of its own).
func boundary(s string, i int) bool {
	p := 0
	for p < i {
		_, w := utf8.DecodeRuneInString(s[p:])
		p += w
	}
	return p == i
}

func TestQuantities(t *testing.T) {
	tests := []struct {
		phrase        string
		count, lo, hi int
		qual          string
	}{
		{"7", 7, 7, 7, qExact},
		{"1,250", 1250, 1250, 1250, qExact},
		{"twenty-two", 22, 22, 22, qExact},
		{"twenty two", 22, 22, 22, qExact},
		{"a dozen", 12, 12, 12, qExact},
		{"two dozen", 24, 24, 24, qExact},
		{"one hundred and five", 105, 105, 105, qExact},
		{"3 lakh", 300000, 300000, 300000, qExact},
		{"1.5 lakh", 150000, 150000, 150000, qExact},
		{"2 crore", 20000000, 20000000, 20000000, qExact},
		{"2.5 million", 2500000, 2500000, 2500000, qExact},
		{"dozens of", 24, 24, 99, qVague},
		{"scores of", 40, 40, 99, qVague},
		{"hundreds of", 200, 200, 999, qVague},
		{"thousands of", 2000, 2000, 9999, qVague},
		{"at least 10", 10, 10, 10, qAtLeast},
		{"more than 10", 10, 10, 10, qMoreThan},
		{"over 10", 10, 10, 10, qMoreThan},
		{"up to 10", 10, 0, 10, qUpTo},
		{"as many as 10", 10, 0, 10, qUpTo},
		{"about 100", 100, 90, 110, qAbout},
		{"some 100", 100, 90, 110, qAbout},
		{"nearly 100", 100, 90, 100, qNearly},
		{"almost 100", 100, 90, 100, qNearly},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			text := "Officials said " + tt.phrase + " people were killed."
			figs := Extract(events.FieldText, text)
			if len(figs) != 1 {
				t.Fatalf("%q: %d figures %+v", text, len(figs), figs)
			}
			f := figs[0]
			if f.Kind != events.Killed || f.Count != tt.count || f.Min != tt.lo || f.Max != tt.hi || f.Qualifier != tt.qual || f.Group != "people" {
				t.Errorf("%q: got %s %d [%d,%d] %s %q, want %d [%d,%d] %s people", text, f.Kind, f.Count, f.Min, f.Max, f.Qualifier, f.Group, tt.count, tt.lo, tt.hi, tt.qual)
			}
		})
	}
}

func TestNotCounts(t *testing.T) {
	for _, text := range []string{
		"Police seized Rs 50,000 and $2,000 from the house.",
		"The curfew began at 9 pm and the killed man was buried on 5 May.",
		"He was 45 years old when he was killed.",
		"The 2008 attacks killed him.",
		"Troops raided five offices in the district.",
		"The bomb could kill thousands if it went off.",
		"They planned to abduct 10 tourists.",
		"The group vowed to kill 100 soldiers.",
		"Flight 93 was hijacked.",
		"No one was injured.",
		"None of the 20 people detained was named.",
	} {
		figs := Extract(events.FieldText, text)
		for _, f := range figs {
			if f.Count > 0 && !(strings.HasPrefix(text, "None of") && f.Count == 20) {
				t.Errorf("%q: unexpected figure %s %d", text, f.Kind, f.Count)
			}
		}
	}
}

func TestNegationGivesZero(t *testing.T) {
	figs := Extract(events.FieldText, "No one was hurt in the blast.")
	if len(figs) != 1 || figs[0].Kind != events.Injured || figs[0].Count != 0 || figs[0].Qualifier != qExact {
		t.Fatalf("got %+v, want one zero injured figure", figs)
	}
}

func TestTotals(t *testing.T) {
	sentence := func(field events.Field, start, end int) events.Span {
		return events.Span{Field: field, Start: start, End: end}
	}
	fig := func(k events.Kind, n int, group string, ev events.Span) events.Casualty {
		return events.Casualty{Kind: k, Count: n, Min: n, Max: n, Qualifier: qExact, Group: group, Evidence: ev}
	}
	title := sentence(events.FieldTitle, 0, 40)
	s1 := sentence(events.FieldText, 0, 100)
	s2 := sentence(events.FieldText, 101, 200)
	tests := []struct {
		name string
		figs []events.Casualty
		want events.Totals
	}{
		{"empty", nil, events.Totals{}},
		{"repeat across sentences is not added", []events.Casualty{
			fig(events.Killed, 11, "", s1), fig(events.Killed, 11, "people", s2)}, events.Totals{Killed: 11}},
		{"distinct groups in a sentence add", []events.Casualty{
			fig(events.Killed, 3, "soldiers", s1), fig(events.Killed, 5, "militants", s1)}, events.Totals{Killed: 8}},
		{"generic covers specific in a sentence", []events.Casualty{
			fig(events.Killed, 10, "people", s1), fig(events.Killed, 3, "soldiers", s1)}, events.Totals{Killed: 10}},
		{"nested part never adds", []events.Casualty{
			fig(events.Killed, 9, "", s1), fig(events.Killed, 4, "civilians", sentence(events.FieldText, 20, 40))}, events.Totals{Killed: 9}},
		{"title wins over side incidents in the body", []events.Casualty{
			fig(events.Killed, 14, "", title), fig(events.Killed, 14, "people", s1), fig(events.Killed, 20, "people", s2)}, events.Totals{Killed: 14}},
		{"body sentence completes the title", []events.Casualty{
			fig(events.Killed, 3, "soldiers", title), fig(events.Killed, 3, "soldiers", s1), fig(events.Killed, 2, "militants", s1), fig(events.Killed, 20, "people", s2)},
			events.Totals{Killed: 5}},
		{"vague title defers to the body", []events.Casualty{
			{Kind: events.Killed, Count: 40, Min: 40, Max: 99, Qualifier: qVague, Evidence: title}, fig(events.Killed, 180, "people", s1)},
			events.Totals{Killed: 180}},
		{"body counts when the title has none of a kind", []events.Casualty{
			fig(events.Killed, 14, "", title), fig(events.Arrested, 9, "suspects", s2)}, events.Totals{Killed: 14, Arrested: 9}},
		{"zero figures do not count", []events.Casualty{
			fig(events.Injured, 0, "", s1), fig(events.Injured, 4, "", s2)}, events.Totals{Injured: 4}},
		{"kinds are independent", []events.Casualty{
			fig(events.Killed, 2, "", s1), fig(events.Injured, 7, "", s1), fig(events.Missing, 3, "", s1), fig(events.Displaced, 300, "families", s2), fig(events.Kidnapped, 4, "workers", s2)},
			events.Totals{Killed: 2, Injured: 7, Missing: 3, Displaced: 300, Kidnapped: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Totals(tt.figs); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHistorical(t *testing.T) {
	for text, want := range map[string]bool{
		"In 2010, 76 security personnel were killed.":   true,
		"Last year, 170 people were killed.":            true,
		"2000 people were displaced by the floods.":     false,
		"Rescuers said 1,999 people were evacuated.":    false,
		"The attack killed 171 people last month.":      false,
		"A bombing in August 2016 killed more than 70.": true,
	} {
		if got := historical(text); got != want {
			t.Errorf("historical(%q) = %v, want %v", text, got, want)
		}
	}
}

type article struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Text        string `json:"text"`
	CountryHint string `json:"country_hint"`
}

// readCases reads the hard sentences of testdata/cases.json.
func readCases(tb testing.TB) []testCase {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var cases []testCase
	if err := json.Unmarshal(b, &cases); err != nil {
		tb.Fatal(err)
	}
	return cases
}

func readArticles(tb testing.TB) []article {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "articles.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []article
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var a article
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// TestArticles checks whole articles: the totals an analyst would quote,
// decided by reading each article.
func TestArticles(t *testing.T) {
	wants := map[string]events.Totals{
		"quetta-blast":    {Killed: 14, Injured: 27, Arrested: 9, Kidnapped: 4},
		"loc-shelling":    {Killed: 3, Injured: 8},
		"assam-floods":    {Killed: 38, Missing: 3, Displaced: 2000},
		"karachi-raids":   {Killed: 7, Injured: 2, Arrested: 23},
		"sukma-ambush":    {Killed: 22, Injured: 31, Missing: 1},
		"nepal-landslide": {Killed: 19, Missing: 24, Displaced: 300},
	}
	arts := readArticles(t)
	if len(arts) != len(wants) {
		t.Fatalf("%d articles, %d expectations", len(arts), len(wants))
	}
	for _, a := range arts {
		t.Run(a.ID, func(t *testing.T) {
			figs := append(Extract(events.FieldTitle, a.Title), Extract(events.FieldText, a.Text)...)
			checkSpans(t, a.Title, figs[:len(Extract(events.FieldTitle, a.Title))])
			if got := Totals(figs); got != wants[a.ID] {
				t.Errorf("totals %+v, want %+v", got, wants[a.ID])
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	x := New()
	arts := readArticles(t)
	want := make([]int, len(arts))
	for i, a := range arts {
		want[i] = len(x.Extract(events.FieldText, a.Text))
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for r := 0; r < 20; r++ {
				for i, a := range arts {
					if len(x.Extract(events.FieldText, a.Text)) != want[i] {
						ok = false
					}
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("concurrent extraction gave a different result")
		}
	}
}

func FuzzExtract(f *testing.F) {
	cases := readCases(f)
	for _, c := range cases {
		f.Add(c.Text)
	}
	for _, s := range []string{"", "5", "-", "1,", "1.", "a dozen", "TOLL TO", "no", "2-", "\xff\xfe killed 5", "killed 5\u00a0people", "’s killing", "5 killed\n\n\n4 injured"} {
		f.Add(s)
	}
	x := New()
	f.Fuzz(func(t *testing.T, text string) {
		for _, field := range []events.Field{events.FieldTitle, events.FieldText} {
			figs := x.Extract(field, text)
			checkSpans(t, text, figs)
			for _, fg := range figs {
				if fg.Evidence.Field != field {
					t.Fatalf("evidence field %q, want %q", fg.Evidence.Field, field)
				}
			}
			_ = Totals(figs)
			// Given the text's words, the extractor must find the same.
			if got := x.AppendExtractWords(nil, field, text, word.Tokenize(nil, text)); !reflect.DeepEqual(got, figs) {
				t.Fatalf("AppendExtractWords differs from Extract on %q:\n%+v\n%+v", text, got, figs)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	arts := readArticles(b)
	x := New()
	bytes := 0
	for _, a := range arts {
		bytes += len(a.Title) + len(a.Text)
	}
	b.SetBytes(int64(bytes / len(arts)))
	b.ReportAllocs()
	cpu := cpuclock.Start()
	i := 0
	for b.Loop() {
		a := arts[i%len(arts)]
		i++
		figs := x.AppendExtract(x.AppendExtract(nil, events.FieldTitle, a.Title), events.FieldText, a.Text)
		_ = Totals(figs)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	cpu.Report(b)
}

// BenchmarkExtractWords is BenchmarkExtract as the enricher calls the
// extractor: with the words of title and body read beforehand by
// word.Tokenize (that pass is shared with the place extractor, and not
// timed here).
func BenchmarkExtractWords(b *testing.B) {
	arts := readArticles(b)
	x := New()
	words := make([][2][]word.Token, len(arts))
	bytes := 0
	for i, a := range arts {
		words[i] = [2][]word.Token{word.Tokenize(nil, a.Title), word.Tokenize(nil, a.Text)}
		bytes += len(a.Title) + len(a.Text)
	}
	b.SetBytes(int64(bytes / len(arts)))
	b.ReportAllocs()
	cpu := cpuclock.Start()
	var figs []events.Casualty
	i := 0
	for b.Loop() {
		k := i % len(arts)
		i++
		figs = x.AppendExtractWords(figs[:0], events.FieldTitle, arts[k].Title, words[k][0])
		figs = x.AppendExtractWords(figs, events.FieldText, arts[k].Text, words[k][1])
		_ = Totals(figs)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	cpu.Report(b)
}

func TestAppendExtract(t *testing.T) {
	x := New()
	title, text := "Blast kills 3 soldiers", "Two people were injured. Police arrested five suspects."
	want := append(x.Extract(events.FieldTitle, title), x.Extract(events.FieldText, text)...)
	got := x.AppendExtract(x.AppendExtract(nil, events.FieldTitle, title), events.FieldText, text)
	if len(got) != len(want) || len(got) != 3 {
		t.Fatalf("got %d figures, want %d (3)", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("figure %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if figs := x.AppendExtract(nil, events.FieldText, "Markets rose."); figs == nil || len(figs) != 0 {
		t.Errorf("no figures: got %#v, want an empty non-nil slice", figs)
	}
}

// BenchmarkExtractGeneral runs the extractor over general local news (the
// LGL geoparsing corpus beside the repository, skipped when absent): most
// of its sentences hold no cue, the common case in a news feed.
func BenchmarkExtractGeneral(b *testing.B) {
	path := filepath.Join("..", "..", "..", "..", "..", "shared", "data", "eval", "geo", "lgl.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("general news corpus not available: %v", err)
	}
	var texts []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			b.Fatal(err)
		}
		texts = append(texts, a.Text)
	}
	x := New()
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	b.SetBytes(int64(size / len(texts)))
	b.ReportAllocs()
	cpu := cpuclock.Start()
	i := 0
	for b.Loop() {
		_ = Totals(x.AppendExtract(nil, events.FieldText, texts[i%len(texts)]))
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	cpu.Report(b)
}
