package toponym

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

type hardCase struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
	Hint  string `json:"hint,omitempty"`
}

// goldenLoc is the part of a Location the golden file pins: what was found
// and which place it resolved to (not the confidence, which is tuning).
type goldenLoc struct {
	Field   events.Field `json:"field"`
	Text    string       `json:"text"`
	Start   int          `json:"start"`
	End     int          `json:"end"`
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Country string       `json:"country,omitempty"`
	Code    string       `json:"feature_code"`
}

type goldenResult struct {
	Name      string      `json:"name"`
	Locations []goldenLoc `json:"locations"`
	Focus     string      `json:"focus,omitempty"`
}

// TestGolden runs the hard sentences of testdata/hard.json and compares the
// result with testdata/hard.golden.json, which was reviewed by hand; run
// with -update after a deliberate change and review the diff.
func TestGolden(t *testing.T) {
	ex := newTestExtractor(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "hard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hardCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var got []goldenResult
	for _, c := range cases {
		res := ex.Extract(Document{Title: c.Title, Body: c.Body, BodyField: events.FieldText, CountryHint: c.Hint})
		checkInvariants(t, c.Title, c.Body, res)
		g := goldenResult{Name: c.Name, Locations: []goldenLoc{}}
		for _, l := range res.Locations {
			g.Locations = append(g.Locations, goldenLoc{Field: l.Field, Text: l.Text, Start: l.Start, End: l.End, ID: l.ID, Name: l.Name, Country: l.Country, Code: l.FeatureCode})
		}
		if res.Focus != nil {
			g.Focus = res.Focus.ID + " " + res.Focus.Name
		}
		got = append(got, g)
	}
	path := filepath.Join("testdata", "hard.golden.json")
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	var want []goldenResult
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Fatalf("golden has %d cases, test data %d: run with -update", len(want), len(got))
	}
	for i := range got {
		w, g := want[i], got[i]
		t.Run(g.Name, func(t *testing.T) {
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(g)
			if string(wj) != string(gj) {
				t.Errorf("got  %s\nwant %s", gj, wj)
			}
		})
	}
}

// checkInvariants holds for any input: spans inside their field, on UTF-8
// boundaries, equal to Text; places add up to at most the mentions.
func checkInvariants(t *testing.T, title, body string, res Result) {
	t.Helper()
	total := 0
	for _, p := range res.Places {
		total += p.Mentions
		if p.Mentions < 1 {
			t.Errorf("place %s with %d mentions", p.ID, p.Mentions)
		}
	}
	// Names the gazetteer lacks are located but not counted as places.
	if total > len(res.Locations) {
		t.Errorf("places count %d mentions, locations %d", total, len(res.Locations))
	}
	for _, l := range res.Locations {
		text := body
		if l.Field == events.FieldTitle {
			text = title
		}
		if l.Start < 0 || l.End > len(text) || l.Start >= l.End {
			t.Fatalf("span [%d,%d) outside field of %d bytes", l.Start, l.End, len(text))
		}
		if !utf8Boundary(text, l.Start) || !utf8Boundary(text, l.End) {
			t.Errorf("span [%d,%d) not on UTF-8 boundaries", l.Start, l.End)
		}
		if text[l.Start:l.End] != l.Text {
			t.Errorf("field[%d:%d] = %q, Text %q", l.Start, l.End, text[l.Start:l.End], l.Text)
		}
		if l.ID == "" || l.Confidence <= 0 || l.Confidence > 1 {
			t.Errorf("bad location %+v", l)
		}
	}
	if len(res.Locations) == 0 && res.Focus != nil {
		t.Errorf("focus %s without locations", res.Focus.ID)
	}
}

// utf8Boundary reports whether i is where a rune starts when s is decoded
// from the front (an invalid byte counts as a rune of its own), or len(s).
func utf8Boundary(s string, i int) bool {
	if i == len(s) {
		return true
	}
	for j := range s {
		if j == i {
			return true
		}
		if j > i {
			break
		}
	}
	return false
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"MUMBAI, India (AP) — 12 killed in Kurla",
		"INDIAN ARTILLERY FIRE KILLS ONE IN KASHMIR, PAKISTAN SAYS.",
		"three shot in ambala district of haryana .",
		"Alexandria, La., and Charleston, W.Va.",
		"Zürich — “Karachi” ’s U.S. J&K",
		"\xff\xfe Lahore\x00Quetta",
		"St. Louis-Dera Ismail Khan's N. Waziristan",
	} {
		f.Add(s, s)
	}
	ex := newTestExtractor(f)
	f.Fuzz(func(t *testing.T, title, body string) {
		d := Document{Title: title, Body: body, BodyField: events.FieldSummary}
		res := ex.Extract(d)
		checkInvariants(t, title, body, res)
		// Given the tokens, the extractor must find the same.
		d.Tokens = &[2][]word.Token{word.Tokenize(nil, title), word.Tokenize(nil, body)}
		if got := ex.Extract(d); !reflect.DeepEqual(got, res) {
			t.Fatalf("Extract with tokens differs:\n%+v\n%+v", got, res)
		}
	})
}
