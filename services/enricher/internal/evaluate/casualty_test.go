package evaluate

import (
	"math"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
)

func TestScoreCasualty(t *testing.T) {
	input := `{"id":"a","text":"Bomb kills 5","killed":5,"lat":30.18,"lon":66.99,"best_in_text":true}

{"id":"b","text":"Clashes in Kashmir","killed":3,"lat":34.0,"lon":74.0,"best_in_text":false}
{"id":"c","text":"Two killed","killed":2,"lat":null,"lon":null,"best_in_text":true}
{"id":"d","text":"unknown toll","killed":null,"lat":24.86,"lon":67.0}
`
	recs, err := DecodeCasualty(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4", len(recs))
	}
	quetta := &events.Place{Name: "Quetta", Lat: 30.19, Lon: 67.01}
	farAway := &events.Place{Name: "Lahore", Lat: 31.55, Lon: 74.34}
	preds := map[string]Prediction{
		"a": {Killed: 5, Focus: quetta},  // right number, right place
		"b": {Killed: 0, Focus: farAway}, // wrong number, 400 km off
		"c": {Killed: 2},                 // right number, no gold place
		"d": {Killed: 4, Focus: nil},     // no gold number, no focus
	}
	s := ScoreCasualty(recs, func(r CasualtyRecord) Prediction { return preds[r.ID] })
	want := CasualtyScore{
		Records: 4, Scored: 3, Exact: 2, Accuracy: 2.0 / 3,
		BestScored: 2, BestExact: 2, BestAccuracy: 1,
		Located: 3, FocusPredicted: 2, FocusWithin: 1, FocusAcc161: 1.0 / 3,
	}
	if s != want {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

func TestDecodeCasualtyBadLine(t *testing.T) {
	_, err := DecodeCasualty(strings.NewReader("{\"id\":\"a\"}\n{oops\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err %v, want a line 2 error", err)
	}
}

func TestRatio(t *testing.T) {
	if ratio(1, 0) != 0 || math.Abs(ratio(1, 3)-1.0/3) > 1e-12 {
		t.Fatal("ratio")
	}
}
