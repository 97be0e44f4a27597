package gazetteer

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
)

func gz(tb testing.TB, s string) *bytes.Reader {
	tb.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

// TestParseAcrossBlocks parses a file larger than one inflated block, so
// records straddle block ends, and checks every record and the admin1 names.
func TestParseAcrossBlocks(t *testing.T) {
	const n = 40000 // about 2.5 blocks
	var b strings.Builder
	fmt.Fprintf(&b, "H\t%d\n", n+2)
	b.WriteString("P\tgeonames:1168579\tPakistan\tPK\t\t\t30.0000\t70.0000\tPCLI\t212215030\tPak\t\n")
	b.WriteString("P\tgeonames:1168873\tKhyber Pakhtunkhwa\tPK\t03\t\t33.8415\t71.4316\tADM1\t4302753\tNWFP|KP\t\n")
	for i := range n {
		fmt.Fprintf(&b, "P\tgeonames:%d\tTown %d\tPK\t03\t\t33.%04d\t71.5000\tPPL\t%d\t\tTaun %d\n", 2000000+i, i, i%10000, i, i)
	}
	b.WriteString("P\tcurated:fata\tFederally Administered Tribal Areas\tPK\t03\t\t33.3000\t70.6000\tRGN\t0\tFATA\t\n")
	b.WriteString("D\tPK\tPakistani|Pakistanis\n")
	g, err := Parse(gz(t, b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Entries) != n+3 || cap(g.Entries) < n+2 {
		t.Fatalf("%d entries (cap %d), want %d", len(g.Entries), cap(g.Entries), n+3)
	}
	for i := range n {
		e := g.Entries[2+i]
		if e.Name != fmt.Sprintf("Town %d", i) || e.GeonameID != int64(2000000+i) || e.ID != fmt.Sprintf("geonames:%d", 2000000+i) ||
			e.Admin1Name != "Khyber Pakhtunkhwa" || len(e.Alternates) != 1 || e.Alternates[0] != fmt.Sprintf("Taun %d", i) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	if last := g.Entries[n+2]; last.ID != "curated:fata" || last.GeonameID != 0 {
		t.Errorf("curated entry: %+v", last)
	}
	if i, ok := g.Country("PK"); !ok || g.Entries[i].Name != "Pakistan" {
		t.Error("country index")
	}
	if got := g.Demonyms["PK"]; len(got) != 2 {
		t.Errorf("demonyms %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"bare id", "P\t1168579\tPakistan\tPK\t\t\t30\t70\tPCLI\t1\t\t\n"},
		{"bad lat", "P\tgeonames:1\tX\tPK\t\t\tnorth\t70\tPPL\t1\t\t\n"},
		{"bad count", "H\tmany\n"},
		{"short record", "P\tgeonames:1\tX\n"},
	}
	for _, tt := range tests {
		if _, err := Parse(gz(t, tt.in)); err == nil {
			t.Errorf("%s: want an error", tt.name)
		}
	}
}
