package toponym

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/evaluate"
)

// TestEvalGeo prints recognition and resolution scores on the evaluation
// files when EVAL_DIR points at ../shared/data/eval. It asserts nothing: the
// numbers are for the developer and BENCHMARKS.md. Knobs:
//
//	EVAL_VERBOSE=lgl|trnews|indian  list false positives (FP), misses (FN), far resolutions (FAR)
//	EVAL_VERBOSE=ucdp               list focus misses; EVAL_VERBOSE=reach: misses with a near location
//	EVAL_HINT=PK                    country hint for the UCDP headlines (default none, like cmd/eval)
//	EVAL_INDIAN_HINT=IN             country hint for the Indian News sentences (default none)
func TestEvalGeo(t *testing.T) {
	dir := os.Getenv("EVAL_DIR")
	if dir == "" {
		t.Skip("EVAL_DIR not set")
	}
	ex := newTestExtractor(t)
	files, _ := filepath.Glob(filepath.Join(dir, "geo", "*.jsonl"))
	for _, f := range files {
		recs, err := evaluate.ReadGeo(f)
		if err != nil {
			t.Fatal(err)
		}
		hint := ""
		if strings.HasPrefix(filepath.Base(f), "indian") {
			hint = os.Getenv("EVAL_INDIAN_HINT") // what an Indian outlet's feed would carry
		}
		s := evaluate.ScoreGeo(recs, func(text string) []events.Location {
			return ex.Extract(Document{Body: text, BodyField: events.FieldText, CountryHint: hint}).Locations
		})
		if v := os.Getenv("EVAL_VERBOSE"); v != "" && strings.Contains(filepath.Base(f), v) {
			for _, r := range recs {
				locs := ex.Extract(Document{Body: r.Text, BodyField: events.FieldText}).Locations
				for _, g := range r.Toponyms {
					hit := false
					for _, l := range locs {
						if l.Start < g.End && g.Start < l.End {
							hit = true
							if g.Lat != nil && evaluate.HaversineKm(*g.Lat, *g.Lon, l.Lat, l.Lon) > 161 {
								t.Logf("FAR %q -> %s %s/%s (%.0f km)", g.Name, l.Name, l.Country, l.FeatureCode, evaluate.HaversineKm(*g.Lat, *g.Lon, l.Lat, l.Lon))
							}
						}
					}
					if !hit {
						t.Logf("FN %q | %s", g.Name, snippet(r.Text, g.Start, g.End))
					}
				}
				for _, l := range locs {
					hit := false
					for _, g := range r.Toponyms {
						if l.Start < g.End && g.Start < l.End {
							hit = true
						}
					}
					if !hit {
						t.Logf("FP %q -> %s %s/%s | %s", l.Text, l.Name, l.Country, l.FeatureCode, snippet(r.Text, l.Start, l.End))
					}
				}
			}
		}
		t.Logf("%-28s P=%.3f R=%.3f F1=%.3f acc@161=%.3f median=%.0fkm (gold %d, pred %d, resolved %d)",
			filepath.Base(f), s.Precision, s.Recall, s.F1, s.Acc161, s.MedianKm, s.Gold, s.Predicted, s.Resolved)
	}
	fh, err := os.Open(filepath.Join(dir, "casualty", "ucdp_ged_pak.dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<24)
	n, ok, none, reachable := 0, 0, 0, 0
	for sc.Scan() {
		var r struct {
			ID   string  `json:"id"`
			Text string  `json:"text"`
			Lat  float64 `json:"lat"`
			Lon  float64 `json:"lon"`
			Loc  string  `json:"location"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n++
		res := ex.Extract(Document{Body: r.Text, BodyField: events.FieldText, CountryHint: os.Getenv("EVAL_HINT")})
		near := ""
		for _, l := range res.Locations {
			if evaluate.HaversineKm(r.Lat, r.Lon, l.Lat, l.Lon) <= 161 {
				reachable++
				near = l.Name
				break
			}
		}
		if near != "" && os.Getenv("EVAL_VERBOSE") == "reach" && (res.Focus == nil || evaluate.HaversineKm(r.Lat, r.Lon, res.Focus.Lat, res.Focus.Lon) > 161) {
			f := "none"
			if res.Focus != nil {
				f = res.Focus.Name
			}
			t.Logf("REACH %s, chose %s | %s", near, f, r.Text)
		}
		switch {
		case res.Focus == nil:
			none++
			if os.Getenv("EVAL_VERBOSE") != "" {
				t.Logf("NONE (gold %s) %s", r.Loc, r.Text)
			}
		case evaluate.HaversineKm(r.Lat, r.Lon, res.Focus.Lat, res.Focus.Lon) <= 161:
			ok++
		default:
			if os.Getenv("EVAL_VERBOSE") != "" {
				t.Logf("MISS %.0fkm %s -> %s (gold %s) | %s", evaluate.HaversineKm(r.Lat, r.Lon, res.Focus.Lat, res.Focus.Lon), r.ID, res.Focus.Name, r.Loc, r.Text)
			}
		}
	}
	t.Logf("ucdp_ged_pak.dev focus acc@161=%.3f (%d/%d, no focus %d, some location within 161 km: %d)", float64(ok)/float64(n), ok, n, none, reachable)
}

func snippet(s string, a, b int) string {
	lo, hi := max(0, a-40), min(len(s), b+40)
	for lo > 0 && s[lo]&0xC0 == 0x80 {
		lo--
	}
	for hi < len(s) && s[hi]&0xC0 == 0x80 {
		hi++
	}
	return strings.ReplaceAll(s[lo:a]+"["+s[a:b]+"]"+s[b:hi], "\n", " ")
}
