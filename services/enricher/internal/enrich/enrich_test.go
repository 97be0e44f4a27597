package enrich

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/cpuclock"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

var fixed = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// testEnricher loads the embedded gazetteer once for the package's tests.
var testEnricher = sync.OnceValues(func() (*Enricher, error) {
	g, err := gazetteer.Load()
	if err != nil {
		return nil, err
	}
	return New(g, "test").WithClock(func() time.Time { return fixed }), nil
})

func enricher(tb testing.TB) *Enricher {
	tb.Helper()
	e, err := testEnricher()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestEnrichArticle(t *testing.T) {
	e := enricher(t)
	a := events.RawArticle{
		SchemaVersion: events.SchemaVersion, ID: "a1", Revision: 1,
		Title:       "Bomb kills 5 in Quetta",
		Text:        "At least five people were killed and 12 injured when a bomb exploded in a market in Quetta on Monday, police said. Police arrested three suspects in Pishin.",
		CountryHint: "PK",
	}
	got := e.Enrich(a)
	if got.ID != "a1" || got.Title != a.Title || got.EnricherVersion != "test" || !got.EnrichedAt.Equal(fixed) {
		t.Fatalf("article fields not carried: %+v", got.RawArticle)
	}
	want := events.Totals{Killed: 5, Injured: 12, Arrested: 3}
	if got.Totals != want {
		t.Errorf("totals %+v, want %+v", got.Totals, want)
	}
	if len(got.Casualties) == 0 {
		t.Fatal("no casualties")
	}
	for _, c := range got.Casualties {
		if c.Kind == events.Killed && c.Evidence.Field == events.FieldTitle {
			if c.Place == nil || c.Place.Name != "Quetta" {
				t.Errorf("title figure place %+v, want Quetta", c.Place)
			}
		}
		if c.Kind == events.Arrested && (c.Place == nil || c.Place.Country != "PK") {
			t.Errorf("arrest figure place %+v, want a place in Pakistan", c.Place)
		}
		if c.Evidence.Field == events.FieldText && a.Text[c.Evidence.Start:c.Evidence.End] != c.EvidenceText {
			t.Errorf("evidence span does not match its text: %+v", c)
		}
	}
	if len(got.Locations) == 0 || len(got.Places) == 0 {
		t.Fatalf("no locations: %+v", got)
	}
	for _, l := range got.Locations {
		text := a.Text
		if l.Field == events.FieldTitle {
			text = a.Title
		}
		if text[l.Start:l.End] != l.Text {
			t.Errorf("location span %q != %q", text[l.Start:l.End], l.Text)
		}
	}
	if got.Focus == nil || got.Focus.Name != "Quetta" {
		t.Errorf("focus %+v, want Quetta", got.Focus)
	}
}

func TestEnrichUsesSummaryWithoutText(t *testing.T) {
	e := enricher(t)
	got := e.Enrich(events.RawArticle{ID: "s", Summary: "Two soldiers were killed in Kupwara."})
	if got.Totals.Killed != 2 {
		t.Fatalf("totals %+v", got.Totals)
	}
	if f := got.Casualties[0].Evidence.Field; f != events.FieldSummary {
		t.Errorf("evidence field %q, want summary", f)
	}
}

func TestEnrichEmptyHasEmptyLists(t *testing.T) {
	e := enricher(t)
	got := e.Enrich(events.RawArticle{ID: "empty"})
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"locations":[]`, `"places":[]`, `"casualties":[]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s missing from %s", want, b)
		}
	}
	if strings.Contains(string(b), `"focus"`) {
		t.Errorf("focus present on an empty article: %s", b)
	}
}

func TestEnrichDeterministic(t *testing.T) {
	e := enricher(t)
	for _, a := range readArticles(t) {
		first, second := e.Enrich(a), e.Enrich(a)
		if !reflect.DeepEqual(first, second) {
			t.Errorf("%s: two runs differ", a.ID)
		}
	}
}

func TestLinkPlacesPrefersTownOverCountry(t *testing.T) {
	ev := events.Span{Field: events.FieldText, Start: 0, End: 40}
	figs := []events.Casualty{{Kind: events.Killed, Count: 4, Evidence: ev}, {Kind: events.Injured, Count: 1, Evidence: events.Span{Field: events.FieldText, Start: 50, End: 60}}}
	locs := []events.Location{
		{Place: events.Place{Name: "Pakistan", FeatureCode: "PCLI"}, Span: events.Span{Field: events.FieldText, Start: 5, End: 13}},
		{Place: events.Place{Name: "Karachi", FeatureCode: "PPLA"}, Span: events.Span{Field: events.FieldText, Start: 16, End: 23}},
		{Place: events.Place{Name: "Sindh", FeatureCode: "ADM1"}, Span: events.Span{Field: events.FieldText, Start: 25, End: 30}},
		{Place: events.Place{Name: "Lahore", FeatureCode: "PPLA"}, Span: events.Span{Field: events.FieldTitle, Start: 0, End: 6}},
	}
	linkPlaces(figs, locs)
	if figs[0].Place == nil || figs[0].Place.Name != "Karachi" {
		t.Errorf("place %+v, want Karachi", figs[0].Place)
	}
	if figs[1].Place != nil {
		t.Errorf("place %+v for evidence with no location", figs[1].Place)
	}
}

func readArticles(tb testing.TB) []events.RawArticle {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "casualty", "testdata", "articles.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []events.RawArticle
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var a events.RawArticle
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			tb.Fatal(err)
		}
		a.SchemaVersion, a.Revision, a.PublishedAt = events.SchemaVersion, 1, fixed
		out = append(out, a)
	}
	return out
}

func BenchmarkEnrich(b *testing.B) {
	e := enricher(b)
	arts := readArticles(b)
	size := 0
	for _, a := range arts {
		size += len(a.Title) + len(a.Text)
	}
	b.SetBytes(int64(size / len(arts)))
	b.ReportAllocs()
	cpu := cpuclock.Start()
	i := 0
	for b.Loop() {
		_ = e.Enrich(arts[i%len(arts)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	cpu.Report(b)
}

func TestFigurePlace(t *testing.T) {
	quetta := &events.Place{Name: "Quetta"}
	kabul := &events.Place{Name: "Kabul"}
	figs := []events.Casualty{
		{Kind: events.Killed, Count: 2, Place: kabul},
		{Kind: events.Injured, Count: 0, Place: kabul},
		{Kind: events.Killed, Count: 14, Place: quetta},
		{Kind: events.Killed, Count: 30},
	}
	if p := figurePlace(figs); p == nil || p.Name != "Quetta" {
		t.Errorf("got %+v, want Quetta", p)
	}
	if p := figurePlace(figs[3:]); p != nil {
		t.Errorf("got %+v from figures without places", p)
	}
}
