package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/enricher/internal/enrich"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

var testEnricher = sync.OnceValues(func() (*enrich.Enricher, error) {
	g, err := gazetteer.Load()
	if err != nil {
		return nil, err
	}
	return enrich.New(g, "test").WithClock(func() time.Time { return time.Time{} }), nil
})

func enricher(t *testing.T) *enrich.Enricher {
	t.Helper()
	e, err := testEnricher()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// outLine is the union of the two kinds of output line.
type outLine struct {
	ID         string          `json:"id"`
	Error      string          `json:"error"`
	Title      string          `json:"title"`
	Text       string          `json:"text"`
	Source     *string         `json:"source"`
	Locations  json.RawMessage `json:"locations"`
	Casualties json.RawMessage `json:"casualties"`
	Totals     struct {
		Killed   int `json:"killed"`
		Arrested int `json:"arrested"`
	} `json:"totals"`
	Focus *struct {
		Name string  `json:"name"`
		Lat  float64 `json:"lat"`
		Lon  float64 `json:"lon"`
	} `json:"focus"`
	PublishedAt *time.Time `json:"published_at"`
}

func run(t *testing.T, input string) ([]outLine, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), strings.NewReader(input), &out, &errOut, enricher(t)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var lines []outLine
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l outLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines, errOut.String()
}

func TestRunGoodAndBadLines(t *testing.T) {
	long := strings.Repeat("Officials met in the capital to discuss trade. ", 3000) + "Three soldiers were killed in Kupwara."
	input := strings.Join([]string{
		`{"id":"ok","title":"Bomb kills 5 in Quetta","text":"Five people were killed in Quetta.","published_at":"2024-05-01T10:00:00Z","country_hint":"pk"}`,
		`{"id":"broken", "text": `,
		``,
		`{"text":"no id here"}`,
		`{"id":"bad-date","text":"x","published_at":"yesterday"}`,
		`{"id":"bad-type","text":5}`,
		`{"id":"long","text":"` + long + `"}`,
		`{"id":"date-only","text":"Police arrested 20 people.","published_at":"2024-05-01"}`,
	}, "\n")
	lines, errs := run(t, input)
	if len(lines) != 7 {
		t.Fatalf("%d output lines, want 7 (blank input lines give none)", len(lines))
	}
	ok := lines[0]
	if ok.ID != "ok" || ok.Error != "" || ok.Totals.Killed != 5 || ok.Title != "Bomb kills 5 in Quetta" || ok.Text == "" {
		t.Errorf("good line: %+v", ok)
	}
	if ok.Focus == nil || ok.Focus.Name != "Quetta" {
		t.Errorf("focus %+v, want Quetta", ok.Focus)
	}
	if ok.PublishedAt == nil || !ok.PublishedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("published_at %v", ok.PublishedAt)
	}
	if string(ok.Locations) == "null" || string(ok.Casualties) == "null" {
		t.Errorf("null lists: %+v", ok)
	}
	for i, want := range []struct{ id, errPart string }{
		{"", "decode json"},
		{"", `missing "id"`},
		{"bad-date", "published_at"},
		{"bad-type", "decode json"},
	} {
		l := lines[i+1]
		if l.ID != want.id || !strings.Contains(l.Error, want.errPart) {
			t.Errorf("line %d: got id %q error %q, want id %q error containing %q", i+2, l.ID, l.Error, want.id, want.errPart)
		}
	}
	if lines[5].ID != "long" || lines[5].Error != "" || lines[5].Totals.Killed != 3 {
		t.Errorf("long line (%d bytes): %+v", len(long), lines[5].Totals)
	}
	if lines[6].Totals.Arrested != 20 || lines[6].PublishedAt == nil {
		t.Errorf("date-only line: %+v", lines[6])
	}
	for _, want := range []string{"line 2:", "line 4:", "line 5 (id bad-date)", "line 6 (id bad-type)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

func TestRunPassesSourceThrough(t *testing.T) {
	// The source is what incident clustering counts distinct outlets by, so
	// it must reach the output exactly as given, and be absent when absent.
	tests := []struct {
		name, line string
		want       *string
	}{
		{"outlet", `{"id":"a","title":"Two killed in Quetta","source":"Reuters News"}`, ptr("Reuters News")},
		{"unicode and spaces kept", `{"id":"b","text":"Two killed in Quetta.","source":"  Dawn — Karachi "}`, ptr("  Dawn — Karachi ")},
		{"absent", `{"id":"c","text":"Two killed in Quetta."}`, nil},
		{"empty", `{"id":"d","text":"Two killed in Quetta.","source":""}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, errs := run(t, tt.line)
			if errs != "" || len(lines) != 1 {
				t.Fatalf("%d lines, errors %q", len(lines), errs)
			}
			got := lines[0].Source
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("source %q, want none", *got)
			case tt.want != nil && (got == nil || *got != *tt.want):
				t.Errorf("source %v, want %q", got, *tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestRunKeepsOrder(t *testing.T) {
	var b strings.Builder
	const n = 500
	for i := range n {
		// Lines of very different cost, so workers finish out of order.
		text := fmt.Sprintf("%d people were arrested in Lahore.", i+1)
		if i%7 == 0 {
			text = strings.Repeat("Talks were held in Delhi and Dhaka. ", 400) + text
		}
		fmt.Fprintf(&b, `{"id":"a%d","text":%q}`+"\n", i, text)
	}
	lines, errs := run(t, b.String())
	if errs != "" {
		t.Fatalf("errors: %s", errs)
	}
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if l.ID != fmt.Sprintf("a%d", i) || l.Totals.Arrested != i+1 {
			t.Fatalf("line %d: id %s arrested %d", i, l.ID, l.Totals.Arrested)
		}
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	in := strings.NewReader(`{"id":"a","text":"x"}` + "\n")
	err := Run(ctx, in, &out, &errOut, enricher(t))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunReportsWriteError(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, `{"id":"a%d","text":"Two killed in Quetta."}`+"\n", i)
	}
	var errOut bytes.Buffer
	err := Run(context.Background(), strings.NewReader(b.String()), failingWriter{}, &errOut, enricher(t))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err %v, want the write error", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","text":"Five killed.","published_at":"2024-05-01"}`,
		`{"id":"a","text":5}`, `{`, `null`, `[]`, `{"id":""}`, `{"id":"x","published_at":"2024-13-45"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in Input
		a, err := parse(data, &in)
		if err == nil && (a.ID == "" || a.ID != in.ID || a.Text != in.Text) {
			t.Fatalf("parsed %q into %+v", data, a)
		}
	})
}
