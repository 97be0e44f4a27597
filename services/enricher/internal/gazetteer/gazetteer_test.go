package gazetteer

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	once   sync.Once
	loaded *Gazetteer
	lerr   error
)

func load(tb testing.TB) *Gazetteer {
	tb.Helper()
	once.Do(func() { loaded, lerr = Load() })
	if lerr != nil {
		tb.Fatal(lerr)
	}
	return loaded
}

// find returns the entries that go by name in country cc, by any name.
func find(g *Gazetteer, cc, name string) []Entry {
	var out []Entry
	for i := range g.Len() {
		e := g.Entry(i)
		if cc != "" && e.Country() != cc {
			continue
		}
		if e.Name() == name {
			out = append(out, e)
			continue
		}
		for n := range e.Names() {
			if n == name {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func TestRenamedCities(t *testing.T) {
	g := load(t)
	for _, tc := range []struct{ cc, old, now string }{
		{"IN", "Bombay", "Mumbai"},
		{"IN", "Calcutta", "Kolkata"},
		{"IN", "Madras", "Chennai"},
		{"IN", "Gurgaon", "Gurugram"},
		{"IN", "Allahabad", "Prayagraj"},
		{"IN", "Bangalore", "Bengaluru"},
		{"PK", "Lyallpur", "Faisalabad"},
		{"BD", "Chittagong", "Chattogram"},
	} {
		t.Run(tc.old, func(t *testing.T) {
			town := func(es []Entry) *Entry {
				for i := range es {
					if strings.HasPrefix(es[i].FeatureCode(), "PPL") {
						return &es[i]
					}
				}
				return nil
			}
			a, b := town(find(g, tc.cc, tc.old)), town(find(g, tc.cc, tc.now))
			if a == nil || b == nil {
				t.Fatalf("%s: old name found %v, new name found %v", tc.cc, a != nil, b != nil)
			}
			if a.ID() != b.ID() {
				t.Errorf("%s is %s (%s) but %s is %s (%s)", tc.old, a.ID(), a.Name(), tc.now, b.ID(), b.Name())
			}
		})
	}
}

func TestEveryCountry(t *testing.T) {
	g := load(t)
	path := filepath.Join(geonamesDir(), "countryInfo.tsv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("GeoNames extracts not available: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		i, ok := g.Country(cols[0])
		if !ok {
			t.Errorf("country %s (%s) missing", cols[0], cols[4])
			continue
		}
		if g.Entry(i).Name() != cols[4] {
			t.Errorf("country %s named %q, want %q", cols[0], g.Entry(i).Name(), cols[4])
		}
		n++
	}
	if n < 240 {
		t.Errorf("only %d countries", n)
	}
}

func geonamesDir() string {
	if d := os.Getenv("GEONAMES_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "..", "shared", "data", "geonames")
}

func TestDemonyms(t *testing.T) {
	g := load(t)
	want := map[string]string{"Pakistani": "PK", "Afghan": "AF", "Bangladeshi": "BD", "Indian": "IN", "Nepali": "NP", "Sri Lankan": "LK", "Bhutanese": "BT", "Maldivian": "MV"}
	for d, cc := range want {
		found := false
		for _, n := range g.Demonyms[cc] {
			if n == d {
				found = true
			}
		}
		if !found {
			t.Errorf("demonym %s of %s missing: %v", d, cc, g.Demonyms[cc])
		}
	}
}

func TestCuratedRegions(t *testing.T) {
	g := load(t)
	for _, name := range []string{"Kashmir", "Line of Control", "Durand Line", "Waziristan", "FATA", "Swat Valley", "Terai", "Chittagong Hill Tracts", "Gilgit-Baltistan", "Azad Kashmir", "Pakistan-administered Kashmir", "Indian-administered Kashmir", "PoK", "Jammu and Kashmir", "North Waziristan", "South Waziristan"} {
		es := find(g, "", name)
		if len(es) == 0 {
			t.Errorf("%s missing", name)
			continue
		}
		for _, e := range es {
			if e.Lat() == 0 && e.Lon() == 0 {
				t.Errorf("%s (%s) has no coordinates", name, e.ID())
			}
		}
	}
}

// TestSouthAsiaDivisions: every first-level division of South Asia, with a
// point inside its country's rough box.
// TestDescriptions pins the wire-service descriptions of parts of Pakistan
// to the places they mean.
func TestDescriptions(t *testing.T) {
	g := load(t)
	for _, tc := range []struct{ name, id string }{
		{"NW Pakistan", "curated:northwest-pakistan"},
		{"northwestern Pakistan", "curated:northwest-pakistan"},
		{"Pakistan's north-west", "curated:northwest-pakistan"},
		{"southwest Pakistan", "geonames:1183606"},
		{"Baloch", "geonames:1183606"},
		{"Sindhi", "geonames:1164807"},
		{"Kashmiris", "curated:kashmir"},
		{"tribal areas", "curated:fata"},
		{"Pak-Afghan border", "curated:durand-line"},
	} {
		es := find(g, "PK", tc.name)
		if tc.id == "curated:kashmir" {
			es = find(g, "", tc.name)
		}
		ok := false
		for _, e := range es {
			ok = ok || e.ID() == tc.id
		}
		if !ok {
			t.Errorf("%q: want %s among %d matches", tc.name, tc.id, len(es))
		}
	}
}

func TestSouthAsiaDivisions(t *testing.T) {
	g := load(t)
	boxes := map[string][4]float64{ // lat min, lat max, lon min, lon max
		"PK": {23, 38, 60, 78}, "IN": {6, 36, 68, 98}, "BD": {20, 27, 88, 93}, "AF": {29, 39, 60, 75},
		"NP": {26, 31, 80, 89}, "LK": {5, 10, 79, 82}, "BT": {26, 29, 88, 93}, "MV": {-1, 8, 72, 74},
	}
	count := map[string]int{}
	for i := range g.Len() {
		e := g.Entry(i)
		b, ok := boxes[e.Country()]
		if !ok || (e.FeatureCode() != "ADM1" && e.FeatureCode() != "ADM2") {
			continue
		}
		count[e.Country()+e.FeatureCode()]++
		if e.Lat() < b[0] || e.Lat() > b[1] || e.Lon() < b[2] || e.Lon() > b[3] {
			t.Errorf("%s %s (%s) at %.2f,%.2f outside its country", e.FeatureCode(), e.Name(), e.Country(), e.Lat(), e.Lon())
		}
	}
	for cc := range boxes {
		if count[cc+"ADM1"] == 0 {
			t.Errorf("%s has no first-level divisions", cc)
		}
	}
	if count["PKADM2"] < 100 || count["INADM2"] < 500 {
		t.Errorf("too few districts: PK %d, IN %d", count["PKADM2"], count["INADM2"])
	}
}

func TestAdmin1Names(t *testing.T) {
	g := load(t)
	for _, e := range find(g, "PK", "Peshawar") {
		if strings.HasPrefix(e.FeatureCode(), "PPL") && e.Admin1Name() != "Khyber Pakhtunkhwa" {
			t.Errorf("Peshawar admin1 name %q", e.Admin1Name())
		}
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := Parse("\x1f\x8b\x08 not text"); err == nil {
		t.Error("want an error for input that is not the generator's text")
	}
}

// BenchmarkLoad also reports the live heap the loaded gazetteer holds.
func BenchmarkLoad(b *testing.B) {
	var g *Gazetteer
	for b.Loop() {
		var err error
		if g, err = Load(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	runtime.KeepAlive(g)
}
