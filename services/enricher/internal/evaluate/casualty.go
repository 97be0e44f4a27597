package evaluate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/newsflow/newsflow/pkg/events"
)

// CasualtyRecord is one line of a casualty evaluation file (the UCDP GED
// export): a text, the gold number killed and the event's coordinates.
type CasualtyRecord struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Killed *int     `json:"killed"`
	Lat    *float64 `json:"lat"`
	Lon    *float64 `json:"lon"`
	// BestInText says the gold number appears in the text: the records a
	// reader of the text alone can get right.
	BestInText bool   `json:"best_in_text"`
	Location   string `json:"location"`
}

// CasualtyScore is the casualty quality on one file.
type CasualtyScore struct {
	Records int
	// Exact counts records whose predicted killed total equals the gold;
	// Accuracy is Exact over the records with a gold number.
	Scored   int
	Exact    int
	Accuracy float64
	// The same over the best_in_text records.
	BestScored   int
	BestExact    int
	BestAccuracy float64
	// Located counts records with gold coordinates; FocusWithin those whose
	// predicted focus is within 161 km (a missing focus is a miss).
	Located        int
	FocusPredicted int
	FocusWithin    int
	FocusAcc161    float64
}

// Prediction is what the enricher says about one casualty record.
type Prediction struct {
	Killed int
	Focus  *events.Place
}

// ReadCasualty reads a casualty evaluation file (JSON Lines).
func ReadCasualty(path string) ([]CasualtyRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open casualty eval %s: %w", path, err)
	}
	defer f.Close()
	recs, err := DecodeCasualty(f)
	if err != nil {
		return nil, fmt.Errorf("read casualty eval %s: %w", path, err)
	}
	return recs, nil
}

// DecodeCasualty decodes casualty records from JSON Lines.
func DecodeCasualty(r io.Reader) ([]CasualtyRecord, error) {
	var out []CasualtyRecord
	br := bufio.NewReader(r)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 && len(trimSpace(b)) > 0 {
			var rec CasualtyRecord
			if jerr := json.Unmarshal(b, &rec); jerr != nil {
				return nil, fmt.Errorf("line %d: %w", line, jerr)
			}
			out = append(out, rec)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// ScoreCasualty runs predict over every record and scores the killed total
// and the focus.
func ScoreCasualty(gold []CasualtyRecord, predict func(CasualtyRecord) Prediction) CasualtyScore {
	var s CasualtyScore
	for _, rec := range gold {
		s.Records++
		p := predict(rec)
		if rec.Killed != nil {
			s.Scored++
			hit := p.Killed == *rec.Killed
			if hit {
				s.Exact++
			}
			if rec.BestInText {
				s.BestScored++
				if hit {
					s.BestExact++
				}
			}
		}
		if rec.Lat != nil && rec.Lon != nil {
			s.Located++
			if p.Focus != nil {
				s.FocusPredicted++
				if HaversineKm(*rec.Lat, *rec.Lon, p.Focus.Lat, p.Focus.Lon) <= 161 {
					s.FocusWithin++
				}
			}
		}
	}
	s.Accuracy = ratio(s.Exact, s.Scored)
	s.BestAccuracy = ratio(s.BestExact, s.BestScored)
	s.FocusAcc161 = ratio(s.FocusWithin, s.Located)
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
