package evaluate

import (
	"math"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
)

func ptr(f float64) *float64 { return &f }

func TestScoreGeo(t *testing.T) {
	gold := []GeoRecord{
		{ID: "a", Text: "Rain in Lahore and Karachi.", Toponyms: []GoldToponym{
			{Name: "Lahore", Start: 8, End: 14, Lat: ptr(31.55), Lon: ptr(74.34)},
			{Name: "Karachi", Start: 19, End: 26, Lat: ptr(24.86), Lon: ptr(67.01)},
		}},
		{ID: "b", Text: "Nothing here, but Quetta.", Toponyms: []GoldToponym{
			{Name: "Quetta", Start: 18, End: 24}, // no coordinates
		}},
	}
	predict := func(text string) []events.Location {
		switch {
		case strings.HasPrefix(text, "Rain"):
			return []events.Location{
				// Lahore: right; Karachi: overlapping span, resolved to Lahore (~1000 km off);
				// a spurious prediction besides.
				{Span: events.Span{Start: 8, End: 14}, Place: events.Place{Lat: 31.5, Lon: 74.3}},
				{Span: events.Span{Start: 19, End: 23}, Place: events.Place{Lat: 31.5, Lon: 74.3}},
				{Span: events.Span{Start: 0, End: 4}, Place: events.Place{Lat: 0, Lon: 0}},
			}
		default:
			return []events.Location{{Span: events.Span{Start: 18, End: 24}}}
		}
	}
	s := ScoreGeo(gold, predict)
	if s.Gold != 3 || s.Predicted != 4 || s.Matched != 3 {
		t.Fatalf("gold %d predicted %d matched %d, want 3 4 3", s.Gold, s.Predicted, s.Matched)
	}
	if math.Abs(s.Precision-0.75) > 1e-9 || math.Abs(s.Recall-1) > 1e-9 {
		t.Errorf("P %.3f R %.3f, want 0.75 1", s.Precision, s.Recall)
	}
	if math.Abs(s.F1-2*0.75/1.75) > 1e-9 {
		t.Errorf("F1 %.4f", s.F1)
	}
	if s.Resolved != 2 || math.Abs(s.Acc161-0.5) > 1e-9 {
		t.Errorf("resolved %d acc %.2f, want 2 0.5", s.Resolved, s.Acc161)
	}
	// Median of two errors: (~6 km + ~1000 km) / 2.
	if s.MedianKm < 400 || s.MedianKm > 700 {
		t.Errorf("median %.0f km", s.MedianKm)
	}
}

// TestMatchOneToOne: one long prediction overlapping two gold spans counts once.
func TestMatchOneToOne(t *testing.T) {
	gold := []GoldToponym{{Start: 0, End: 5}, {Start: 6, End: 11}}
	pred := []events.Location{{Span: events.Span{Start: 0, End: 11}}}
	if got := len(matchSpans(gold, pred)); got != 1 {
		t.Errorf("matched %d pairs, want 1", got)
	}
	pred = append(pred, events.Location{Span: events.Span{Start: 7, End: 9}})
	if got := len(matchSpans(gold, pred)); got != 2 {
		t.Errorf("matched %d pairs, want 2", got)
	}
}

func TestHaversine(t *testing.T) {
	// Lahore to Karachi is about 1,030 km.
	d := HaversineKm(31.5497, 74.3436, 24.8607, 67.0011)
	if d < 1000 || d > 1060 {
		t.Errorf("Lahore-Karachi %.0f km", d)
	}
	if HaversineKm(10, 20, 10, 20) != 0 {
		t.Error("zero distance")
	}
}

func TestDecodeGeo(t *testing.T) {
	in := `{"id":"x","text":"in Lahore","toponyms":[{"name":"Lahore","start":3,"end":9,"bstart":3,"bend":9,"lat":31.5,"lon":74.3}]}

{"id":"y","text":"none","toponyms":[]}
`
	recs, err := DecodeGeo(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Toponyms[0].Start != 3 || *recs[0].Toponyms[0].Lat != 31.5 {
		t.Errorf("decoded %+v", recs)
	}
	if _, err := DecodeGeo(strings.NewReader("{bad json\n")); err == nil {
		t.Error("want error for bad json")
	}
}
