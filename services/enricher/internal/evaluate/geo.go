// Package evaluate scores the enricher's output against the labelled
// evaluation files in ../shared/data/eval (see its README for the measures).
package evaluate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/newsflow/newsflow/pkg/events"
)

// GeoRecord is one line of a geo evaluation file.
type GeoRecord struct {
	ID       string        `json:"id"`
	Text     string        `json:"text"`
	Toponyms []GoldToponym `json:"toponyms"`
}

// GoldToponym is one labelled span; Lat and Lon are nil when the source gave
// no coordinates.
type GoldToponym struct {
	Name  string   `json:"name"`
	Start int      `json:"bstart"` // UTF-8 byte offsets
	End   int      `json:"bend"`
	Lat   *float64 `json:"lat"`
	Lon   *float64 `json:"lon"`
}

// GeoScore is the toponym recognition and resolution quality on one file.
type GeoScore struct {
	Records   int
	Gold      int // gold spans
	Predicted int // predicted spans
	Matched   int // one-to-one overlapping pairs
	Precision float64
	Recall    float64
	F1        float64
	// Resolved counts matched gold spans that have coordinates; Acc161 is the
	// share of them predicted within 161 km, MedianKm the median error.
	Resolved int
	Acc161   float64
	MedianKm float64
}

// ReadGeo reads a geo evaluation file (JSON Lines).
func ReadGeo(path string) ([]GeoRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open geo eval %s: %w", path, err)
	}
	defer f.Close()
	recs, err := DecodeGeo(f)
	if err != nil {
		return nil, fmt.Errorf("read geo eval %s: %w", path, err)
	}
	return recs, nil
}

// DecodeGeo decodes geo records from JSON Lines.
func DecodeGeo(r io.Reader) ([]GeoRecord, error) {
	var out []GeoRecord
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec GeoRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ScoreGeo runs predict over every record's text and scores the spans it
// returns (offsets into the text) against the gold ones.
func ScoreGeo(gold []GeoRecord, predict func(text string) []events.Location) GeoScore {
	var s GeoScore
	var errs []float64
	within := 0
	for _, rec := range gold {
		s.Records++
		pred := predict(rec.Text)
		s.Gold += len(rec.Toponyms)
		s.Predicted += len(pred)
		for _, pair := range matchSpans(rec.Toponyms, pred) {
			s.Matched++
			g, p := rec.Toponyms[pair[0]], pred[pair[1]]
			if g.Lat == nil || g.Lon == nil {
				continue
			}
			s.Resolved++
			d := HaversineKm(*g.Lat, *g.Lon, p.Lat, p.Lon)
			errs = append(errs, d)
			if d <= 161 {
				within++
			}
		}
	}
	if s.Predicted > 0 {
		s.Precision = float64(s.Matched) / float64(s.Predicted)
	}
	if s.Gold > 0 {
		s.Recall = float64(s.Matched) / float64(s.Gold)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	if s.Resolved > 0 {
		s.Acc161 = float64(within) / float64(s.Resolved)
		sort.Float64s(errs)
		n := len(errs)
		if n%2 == 1 {
			s.MedianKm = errs[n/2]
		} else {
			s.MedianKm = (errs[n/2-1] + errs[n/2]) / 2
		}
	}
	return s
}

// matchSpans pairs gold and predicted spans that overlap, each used at most
// once. Both lists are scanned in offset order and each gold span takes the
// earliest unused overlapping prediction, which is optimal for intervals that
// do not nest within one list.
func matchSpans(gold []GoldToponym, pred []events.Location) [][2]int {
	gi := make([]int, len(gold))
	for i := range gi {
		gi[i] = i
	}
	sort.Slice(gi, func(a, b int) bool { return gold[gi[a]].Start < gold[gi[b]].Start })
	pi := make([]int, len(pred))
	for i := range pi {
		pi[i] = i
	}
	sort.Slice(pi, func(a, b int) bool { return pred[pi[a]].Start < pred[pi[b]].Start })
	used := make([]bool, len(pred))
	var out [][2]int
	for _, g := range gi {
		for _, p := range pi {
			if used[p] {
				continue
			}
			if pred[p].Start < gold[g].End && gold[g].Start < pred[p].End {
				used[p] = true
				out = append(out, [2]int{g, p})
				break
			}
		}
	}
	return out
}

// HaversineKm is the great-circle distance between two points in km.
func HaversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
