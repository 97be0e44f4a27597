package toponym

import (
	"path/filepath"
	"testing"

	"github.com/newsflow/newsflow/services/enricher/internal/evaluate"
)

// TestCorpusFocus: the focus of each benchmark article is near where its
// story happened (within 161 km, the usual geoparsing tolerance).
func TestCorpusFocus(t *testing.T) {
	ex := newTestExtractor(t)
	want := map[string][2]float64{
		"01_quetta_blast.txt":         {30.18, 67.00}, // Quetta
		"02_kashmir_loc.txt":          {34.59, 73.91}, // Neelum valley
		"03_mumbai_floods.txt":        {19.07, 72.88}, // Mumbai
		"04_dhaka_clash.txt":          {23.71, 90.41}, // Dhaka
		"05_kabul_attack.txt":         {34.53, 69.17}, // Kabul
		"06_waziristan_operation.txt": {33.00, 70.10}, // North Waziristan
		"07_delhi_protest.txt":        {30.38, 76.78}, // Ambala / Shambhu border
		"08_colombo_nepal.txt":        {27.70, 85.32}, // a roundup of several events: its dateline, Kathmandu
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.txt"))
	docs := corpus(t)
	for i, d := range docs {
		name := filepath.Base(files[i])
		res := ex.Extract(d)
		checkInvariants(t, d.Title, d.Body, res)
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		if res.Focus == nil {
			t.Errorf("%s: no focus", name)
			continue
		}
		if km := evaluate.HaversineKm(w[0], w[1], res.Focus.Lat, res.Focus.Lon); km > 161 {
			t.Errorf("%s: focus %s (%s) is %.0f km from the story", name, res.Focus.Name, res.Focus.ID, km)
		}
	}
}
