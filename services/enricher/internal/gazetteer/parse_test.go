package gazetteer

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/events"
)

// TestParseAcrossChunks parses a file large enough to be cut into chunks
// parsed side by side, and checks every record, the numbering across
// chunks and the admin1 names.
func TestParseAcrossChunks(t *testing.T) {
	const n = 40000
	var b strings.Builder
	fmt.Fprintf(&b, "H\t%d\n", n+2)
	b.WriteString("P\tgeonames:1168579\tPakistan\tPK\t\t\t30.0000\t70.0000\tPCLI\t212215030\tPak\t\n")
	b.WriteString("P\tgeonames:1168873\tKhyber Pakhtunkhwa\tPK\t03\t\t33.8415\t71.4316\tADM1\t4302753\tNWFP|KP\t\n")
	for i := range n {
		fmt.Fprintf(&b, "P\tgeonames:%d\tTown %d\tPK\t03\t\t33.%04d\t-71.5000\tPPL\t%d\t\tTaun %d\n", 2000000+i, i, i%10000, i, i)
	}
	b.WriteString("P\tcurated:fata\tFederally Administered Tribal Areas\tPK\t03\t\t-0.0000\t70.6000\tRGN\t0\tFATA\t\n")
	b.WriteString("D\tPK\tPakistani|Pakistanis\n")
	g, err := Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != n+3 {
		t.Fatalf("%d entries, want %d", g.Len(), n+3)
	}
	for i := range n {
		e := g.Entry(2 + i)
		alts := slices.Collect(e.Alternates())
		if e.Name() != fmt.Sprintf("Town %d", i) || e.GeonameID() != int64(2000000+i) || e.ID() != fmt.Sprintf("geonames:%d", 2000000+i) ||
			e.Admin1Name() != "Khyber Pakhtunkhwa" || len(alts) != 1 || alts[0] != fmt.Sprintf("Taun %d", i) ||
			e.Population() != int64(i) || e.Lat() != mustFloat(t, fmt.Sprintf("33.%04d", i%10000)) || e.Lon() != -71.5 || e.Admin2Code() != "" ||
			slices.Collect(e.Names()) != nil {
			t.Fatalf("entry %d: %+v", i, e.Place())
		}
	}
	last := g.Entry(n + 2)
	if last.ID() != "curated:fata" || last.GeonameID() != 0 || !slices.Equal(slices.Collect(last.Names()), []string{"FATA"}) {
		t.Errorf("curated entry: %+v", last.Place())
	}
	if lat := last.Lat(); lat != 0 || !math.Signbit(lat) {
		t.Errorf("-0.0000 read as %v", lat)
	}
	i, ok := g.Country("PK")
	if !ok || g.Entry(i).Name() != "Pakistan" {
		t.Fatal("country index")
	}
	if got := slices.Collect(g.Entry(i).Names()); !slices.Equal(got, []string{"Pak"}) {
		t.Errorf("country names %v", got)
	}
	if j, ok := g.Admin1("PK", "03"); !ok || j != 1 {
		t.Errorf("admin1 index %d %v", j, ok)
	}
	if got := g.Demonyms["PK"]; len(got) != 2 {
		t.Errorf("demonyms %v", got)
	}
}

// TestParseFloats pins the fast coordinate reader to strconv.ParseFloat,
// which the published coordinates must equal bit for bit.
func TestParseFloats(t *testing.T) {
	for _, s := range []string{"0.0000", "-0.0001", "33.8415", "-29.0642", "179.9999", "-180.0000", "90.0000", "12.3457", "0.1000"} {
		v, err := parseE4(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		got, want := degrees(v), mustFloat(t, s)
		if got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("%s: got %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "30", "30.000", "30.00000", "1234.0000", "3a.0000", "--1.0000", "+1.0000", "181.0000", ".0000"} {
		if _, err := parseE4(s); err == nil {
			t.Errorf("%q: want an error", s)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"no count", "P\tgeonames:1\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
		{"bare id", "H\t1\nP\t1168579\tPakistan\tPK\t\t\t30.0000\t70.0000\tPCLI\t1\t\t\n"},
		{"bad lat", "H\t1\nP\tgeonames:1\tX\tPK\t\t\tnorth\t70.0000\tPPL\t1\t\t\n"},
		{"zero id", "H\t1\nP\tgeonames:0\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
		{"huge id", "H\t1\nP\tgeonames:4294967296\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
		{"signed id", "H\t1\nP\tgeonames:-5\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
		{"bad population", "H\t1\nP\tgeonames:1\tX\tPK\t\t\t30.0000\t70.0000\tPPL\tmany\t\t\n"},
		{"bad count", "H\tmany\n"},
		{"short record", "H\t1\nP\tgeonames:1\tX\n"},
		{"long record", "H\t1\nP\tgeonames:1\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\textra\n"},
		{"blank line", "H\t1\n\nP\tgeonames:1\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
		{"place after demonyms", "H\t1\nD\tPK\tPakistani\nP\tgeonames:1\tX\tPK\t\t\t30.0000\t70.0000\tPPL\t1\t\t\n"},
	}
	for _, tt := range tests {
		if _, err := Parse(tt.in); err == nil {
			t.Errorf("%s: want an error", tt.name)
		}
	}
}

// FuzzParse: whatever the text, Parse returns an error or a gazetteer whose
// every entry can be read.
func FuzzParse(f *testing.F) {
	f.Add("H\t1\nP\tgeonames:1\tX\tPK\t03\t\t30.0000\t70.0000\tADM1\t1\ta|b\tc\nD\tPK\tPakistani\n")
	f.Add("H\t0\n")
	f.Add("H\t2\nP\tcurated:x\tY\t\t\t\t-0.0000\t1.0000\tRGN\t0\t\t\nP\tgeonames:2\tZ\tPK\t03\t\t1.0000\t1.0000\tPPL\t5\t\t")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := Parse(s)
		if err != nil {
			return
		}
		for i := range g.Len() {
			e := g.Entry(i)
			_ = e.Place()
			for range e.Names() {
			}
			for range e.Alternates() {
			}
		}
	})
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestParseInt pins the fast integer reader to strconv.ParseInt.
func TestParseInt(t *testing.T) {
	for _, s := range []string{"0", "7", "23139", "1411778724", "-7", "+3", "", "x", "12a", "999999999999999999", "9999999999999999999", "99999999999999999999"} {
		got, gotErr := parseInt(s)
		want, wantErr := strconv.ParseInt(s, 10, 64)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%q: got %d, %v; want %d, %v", s, got, gotErr, want, wantErr)
		}
	}
}

// TestParseIndependentOfChunks: the embedded gazetteer reads the same
// whether it is parsed in one chunk or in four.
func TestParseIndependentOfChunks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var places [][]events.Place
	for _, procs := range []int{1, 3, 4} {
		runtime.GOMAXPROCS(procs)
		g, err := Load()
		if err != nil {
			t.Fatal(err)
		}
		ps := make([]events.Place, g.Len())
		for i := range ps {
			ps[i] = g.Entry(i).Place()
		}
		places = append(places, ps)
	}
	for k := 1; k < len(places); k++ {
		if !slices.Equal(places[0], places[k]) {
			t.Errorf("run %d differs from run 0", k)
		}
	}
}
