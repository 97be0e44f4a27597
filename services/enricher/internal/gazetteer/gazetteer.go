// Package gazetteer owns the enricher's place list: countries, first- and
// second-level divisions, populated places and hand-curated regions, with
// their names, coordinates and populations. The data is generated from
// GeoNames (CC BY 4.0, https://www.geonames.org) plus curated.tsv by
// `go generate` and embedded, so a fresh clone needs no download.
package gazetteer

//go:generate go run ./gen

import (
	_ "embed"
	"fmt"
	"iter"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/newsflow/newsflow/pkg/events"
)

// embedded is the generator's text, uncompressed: every name the gazetteer
// hands out is a substring of it, so names live in the binary's read-only
// data rather than on the heap, and loading inflates nothing.
//
//go:embed gazetteer.tsv
var embedded string

// record is one place as offsets into the text: no pointers, so the list
// costs the garbage collector nothing to mark, and 56 bytes a place.
type record struct {
	pop   int64
	start uint32 // offset of the record's first field (its id) in the text
	// lat and lon are degrees × 10⁴, as the generator writes them;
	// negZero stands for "-0.0000".
	lat, lon int32
	admin1   int32  // index of the first-level division; -1 if none
	geoname  uint32 // GeoNames id; zero for curated places
	// ends are the end offsets of the record's fields, from start.
	ends [nfields]uint16
}

// The fields of a P record after its tag, in order.
const (
	fID = iota
	fName
	fCountry
	fAdmin1
	fAdmin2
	fLat
	fLon
	fCode
	fPop
	fNames
	fAlts
	nfields
)

// negZero marks a coordinate written "-0.0000", which reads as negative
// zero and is published as such.
const negZero = math.MinInt32

// Gazetteer is an immutable list of places; safe for concurrent reads.
// Places are numbered from 0 to Len()-1; the numbers are stable for the
// life of the value.
type Gazetteer struct {
	text string
	recs []record
	// Demonyms maps an ISO country code to the words for its people
	// ("Pakistani", "Pakistanis").
	Demonyms map[string][]string

	countries map[string]int
	admin1    map[[2]string]int
}

// Entry is one place: a view into its gazetteer, cheap to copy. The zero
// Entry is not valid.
type Entry struct {
	g *Gazetteer
	r *record
}

// Load parses the embedded gazetteer.
func Load() (*Gazetteer, error) {
	return Parse(embedded)
}

// Len is the number of places.
func (g *Gazetteer) Len() int { return len(g.recs) }

// Entry returns place i, 0 <= i < Len().
func (g *Gazetteer) Entry(i int) Entry { return Entry{g, &g.recs[i]} }

// Country returns the index of a country's entry by ISO code.
func (g *Gazetteer) Country(iso2 string) (int, bool) {
	i, ok := g.countries[iso2]
	return i, ok
}

// Admin1 returns the index of a first-level division by country and code.
func (g *Gazetteer) Admin1(iso2, code string) (int, bool) {
	i, ok := g.admin1[[2]string{iso2, code}]
	return i, ok
}

func (e Entry) field(k int) string { return e.r.field(e.g.text, k) }

func (r *record) field(text string, k int) string {
	from := r.start
	if k > 0 {
		from += uint32(r.ends[k-1]) + 1
	}
	return text[from : r.start+uint32(r.ends[k])]
}

// ID is the published id: "geonames:<id>" or "curated:<slug>".
func (e Entry) ID() string { return e.field(fID) }

// GeonameID is the GeoNames id, zero for curated places.
func (e Entry) GeonameID() int64 { return int64(e.r.geoname) }

// Name is the canonical name.
func (e Entry) Name() string { return e.field(fName) }

// Country is the ISO 3166-1 alpha-2 code; empty for a few curated regions.
func (e Entry) Country() string { return e.field(fCountry) }

// Admin1Code is the GeoNames first-level division code.
func (e Entry) Admin1Code() string { return e.field(fAdmin1) }

// Admin2Code is the GeoNames second-level division code.
func (e Entry) Admin2Code() string { return e.field(fAdmin2) }

// FeatureCode is the GeoNames feature code (PPL, ADM1, PCLI, ...).
func (e Entry) FeatureCode() string { return e.field(fCode) }

// Lat is the latitude in degrees.
func (e Entry) Lat() float64 { return degrees(e.r.lat) }

// Lon is the longitude in degrees.
func (e Entry) Lon() float64 { return degrees(e.r.lon) }

// Population is the GeoNames population; for divisions, the total of their
// towns in cities500; zero when unknown.
func (e Entry) Population() int64 { return e.r.pop }

// Admin1 returns the index of the place's first-level division, which for
// a division is itself.
func (e Entry) Admin1() (int, bool) { return int(e.r.admin1), e.r.admin1 >= 0 }

// Admin1Name is the name of the place's first-level division, or "".
func (e Entry) Admin1Name() string {
	if e.r.admin1 < 0 {
		return ""
	}
	return e.g.Entry(int(e.r.admin1)).Name()
}

// Names are the other names the place goes by in English (ASCII form,
// historical, abbreviated); Name is the canonical one.
func (e Entry) Names() iter.Seq[string] { return list(e.field(fNames)) }

// Alternates are GeoNames' alternate names: other languages' names and
// transliterations, weaker evidence ("Grenade" is French for Granada).
func (e Entry) Alternates() iter.Seq[string] { return list(e.field(fAlts)) }

// Place is the place as published.
func (e Entry) Place() events.Place {
	return events.Place{
		ID: e.ID(), GeonameID: e.GeonameID(), Name: e.Name(),
		Country: e.Country(), Admin1Code: e.Admin1Code(), Admin1Name: e.Admin1Name(), Admin2Code: e.Admin2Code(),
		Lat: e.Lat(), Lon: e.Lon(), FeatureCode: e.FeatureCode(),
	}
}

// list iterates a '|'-separated list; an empty field is an empty list.
func list(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for s != "" {
			n, rest, _ := strings.Cut(s, "|")
			if !yield(n) {
				return
			}
			s = rest
		}
	}
}

// degrees undoes the generator's four decimals. Both operands are exact
// in float64 and division rounds correctly, so this is the same number
// strconv.ParseFloat reads from the text.
func degrees(v int32) float64 {
	if v == negZero {
		return math.Copysign(0, -1)
	}
	return float64(v) / 1e4
}

// Parse reads a gazetteer in the generator's format: a count line, the
// place records, then the demonyms. The returned gazetteer keeps
// substrings of text.
//
// The place records are cut into one chunk per processor at line ends and
// parsed side by side; each chunk knows its first place's number from a
// count of the line ends before it.
func Parse(text string) (*Gazetteer, error) {
	if uint64(len(text)) > math.MaxUint32 {
		return nil, fmt.Errorf("gazetteer: %d bytes is too large", len(text))
	}
	head, body, _ := strings.Cut(text, "\n")
	cols := strings.Split(head, "\t")
	if len(cols) != 2 || cols[0] != "H" {
		return nil, fmt.Errorf("gazetteer: line 1: want the count record")
	}
	if count, err := strconv.Atoi(cols[1]); err != nil || count < 0 || count > 1<<24 {
		return nil, fmt.Errorf("gazetteer: line 1: bad count %q", cols[1])
	}
	places, demonyms := body, ""
	if strings.HasPrefix(body, "D\t") {
		places, demonyms = "", body
	} else if i := strings.Index(body, "\nD\t"); i >= 0 {
		places, demonyms = body[:i+1], body[i+1:]
	}
	base := uint32(len(text) - len(body))

	// Cut the records into chunks and number each chunk's first line.
	type chunk struct {
		off, end int // in places
		first    int // index of the chunk's first record
		err      error
	}
	n := max(1, min(runtime.GOMAXPROCS(0), 4))
	chunks := make([]chunk, 0, n)
	lines := 0
	for off := 0; off < len(places); {
		end := len(places)
		if rest := n - len(chunks); rest > 1 {
			end = off + (len(places)-off)/rest
			if i := strings.IndexByte(places[end:], '\n'); i >= 0 {
				end += i + 1
			} else {
				end = len(places)
			}
		}
		chunks = append(chunks, chunk{off: off, end: end, first: lines})
		lines += strings.Count(places[off:end], "\n")
		if !strings.HasSuffix(places[off:end], "\n") {
			lines++
		}
		off = end
	}
	if lines > 1<<24 {
		return nil, fmt.Errorf("gazetteer: %d places is too many", lines)
	}
	g := &Gazetteer{text: text, recs: make([]record, lines)}
	var wg sync.WaitGroup
	for k := range chunks {
		c := &chunks[k]
		wg.Go(func() {
			c.err = parseRecords(text, base+uint32(c.off), places[c.off:c.end], g.recs[c.first:], c.first)
		})
	}
	wg.Wait()
	for _, c := range chunks {
		if c.err != nil {
			return nil, c.err
		}
	}

	g.Demonyms = map[string][]string{}
	line := 2 + lines
	for l := range strings.Lines(demonyms) {
		cols := strings.Split(strings.TrimSuffix(l, "\n"), "\t")
		if len(cols) != 3 || cols[0] != "D" {
			return nil, fmt.Errorf("gazetteer: line %d: unexpected record with %d fields", line, len(cols))
		}
		g.Demonyms[cols[1]] = strings.Split(cols[2], "|")
		line++
	}

	g.countries = map[string]int{}
	g.admin1 = map[[2]string]int{}
	for i := range g.recs {
		switch e := g.Entry(i); e.FeatureCode() {
		case "PCLI":
			g.countries[e.Country()] = i
		case "ADM1":
			g.admin1[[2]string{e.Country(), e.Admin1Code()}] = i
		}
	}
	for i := range g.recs {
		e := g.Entry(i)
		e.r.admin1 = -1
		if a1 := e.Admin1Code(); a1 != "" {
			if j, ok := g.admin1[[2]string{e.Country(), a1}]; ok {
				e.r.admin1 = int32(j)
			}
		}
	}
	return g, nil
}

// parseRecords parses the P records in data, which starts at offset base
// of text, into recs; first is the number of the first record, for errors.
func parseRecords(text string, base uint32, data string, recs []record, first int) error {
	k := 0
	for data != "" {
		l := data
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		if err := parseRecord(text, base, l, &recs[k]); err != nil {
			return fmt.Errorf("gazetteer: line %d: %w", 2+first+k, err)
		}
		base += uint32(len(l)) + 1
		k++
	}
	return nil
}

// parseRecord reads: P id name country admin1 admin2 lat lon fcode population names alternates.
func parseRecord(text string, base uint32, l string, r *record) error {
	rest, ok := strings.CutPrefix(l, "P\t")
	if !ok || len(rest) > math.MaxUint16 {
		return fmt.Errorf("unexpected record %.20q", l)
	}
	r.start = base + 2
	// The fields are short: one pass over the bytes beats a search call
	// per field.
	k := 0
	for i := 0; i < len(rest); i++ {
		if rest[i] == '\t' {
			if k == nfields-1 {
				return fmt.Errorf("unexpected record with more than %d fields", nfields+1)
			}
			r.ends[k] = uint16(i)
			k++
		}
	}
	if k != nfields-1 {
		return fmt.Errorf("unexpected record with %d fields", k+2)
	}
	r.ends[nfields-1] = uint16(len(rest))
	var err error
	if r.lat, err = parseE4(r.field(text, fLat)); err != nil {
		return fmt.Errorf("lat: %w", err)
	}
	if r.lon, err = parseE4(r.field(text, fLon)); err != nil {
		return fmt.Errorf("lon: %w", err)
	}
	if r.pop, err = parseInt(r.field(text, fPop)); err != nil {
		return fmt.Errorf("population: %w", err)
	}
	switch id := r.field(text, fID); {
	case strings.HasPrefix(id, "curated:"):
	case strings.HasPrefix(id, "geonames:"):
		n, err := parseInt(id[len("geonames:"):])
		if err != nil || n <= 0 || n > math.MaxUint32 {
			return fmt.Errorf("id %q: want geonames:<id> or curated:<slug>", id)
		}
		r.geoname = uint32(n)
	default:
		return fmt.Errorf("id %q: want geonames:<id> or curated:<slug>", id)
	}
	return nil
}

// parseInt is strconv.ParseInt for base 10, faster for the common case
// of a few plain digits.
func parseInt(s string) (int64, error) {
	if len(s) == 0 || len(s) > 18 {
		return strconv.ParseInt(s, 10, 64)
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return strconv.ParseInt(s, 10, 64)
		}
		v = v*10 + int64(c-'0')
	}
	return v, nil
}

// parseE4 reads degrees written with exactly four decimals ("-29.0642")
// as an integer count of 10⁻⁴ degrees.
func parseE4(s string) (int32, error) {
	neg := strings.HasPrefix(s, "-")
	d := strings.TrimPrefix(s, "-")
	whole, frac, ok := strings.Cut(d, ".")
	if !ok || len(whole) < 1 || len(whole) > 3 || len(frac) != 4 {
		return 0, fmt.Errorf("%q: want degrees with four decimals", s)
	}
	var v int32
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c == '.' {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: want degrees with four decimals", s)
		}
		v = v*10 + int32(c-'0')
	}
	if v > 180e4 {
		return 0, fmt.Errorf("%q: out of range", s)
	}
	if neg {
		if v == 0 {
			return negZero, nil
		}
		v = -v
	}
	return v, nil
}
