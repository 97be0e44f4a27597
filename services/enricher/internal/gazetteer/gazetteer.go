// Package gazetteer owns the enricher's place list: countries, first- and
// second-level divisions, populated places and hand-curated regions, with
// their names, coordinates and populations. The data is generated from
// GeoNames (CC BY 4.0, https://www.geonames.org) plus curated.tsv by
// `go generate` and embedded, so a fresh clone needs no download.
package gazetteer

//go:generate go run ./gen

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/newsflow/newsflow/pkg/events"
)

//go:embed gazetteer.tsv.gz
var embedded []byte

// Entry is one place with everything resolution needs.
type Entry struct {
	events.Place
	// Population is the GeoNames population; for divisions, the total of
	// their towns in cities500; zero when unknown.
	Population int64
	// Names are the other names the place goes by in English (ASCII form,
	// historical, abbreviated); Place.Name is the canonical one.
	Names []string
	// Alternates are GeoNames' alternate names: other languages' names and
	// transliterations, weaker evidence ("Grenade" is French for Granada).
	Alternates []string
}

// Gazetteer is an immutable list of places; safe for concurrent reads.
type Gazetteer struct {
	// Entries holds every place; indexes into it are stable for the life of
	// the value.
	Entries []Entry
	// Demonyms maps an ISO country code to the words for its people
	// ("Pakistani", "Pakistanis").
	Demonyms map[string][]string

	countries map[string]int
	admin1    map[string]int
}

// Load parses the embedded gazetteer.
func Load() (*Gazetteer, error) {
	return Parse(bytes.NewReader(embedded))
}

// Parse reads a gazetteer in the generator's format (gzip-compressed).
//
// Decompression runs in its own goroutine and hands over blocks of whole
// lines, so on two cores inflating and parsing overlap; both take about
// half of the load time.
func Parse(r io.Reader) (*Gazetteer, error) {
	z, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: gunzip: %w", err)
	}
	defer z.Close()
	blocks := make(chan string, 4)
	inflated := make(chan error, 1)
	go func() { inflated <- readBlocks(z, blocks) }()

	g := &Gazetteer{
		Demonyms:  map[string][]string{},
		countries: map[string]int{},
		admin1:    map[string]int{},
	}
	line := 0
	var perr error
	for data := range blocks {
		if perr == nil {
			perr = g.parseBlock(data, &line)
		}
	}
	if err := <-inflated; err != nil {
		return nil, fmt.Errorf("gazetteer: gunzip: %w", err)
	}
	if perr != nil {
		return nil, perr
	}
	for i, e := range g.Entries {
		switch e.FeatureCode {
		case "PCLI":
			g.countries[e.Country] = i
		case "ADM1":
			g.admin1[e.Country+"."+e.Admin1Code] = i
		}
	}
	for i := range g.Entries {
		e := &g.Entries[i]
		if e.Admin1Code != "" {
			if j, ok := g.admin1[e.Country+"."+e.Admin1Code]; ok {
				e.Admin1Name = g.Entries[j].Name
			}
		}
	}
	return g, nil
}

// blockSize is how much inflated text readBlocks hands over at a time.
const blockSize = 1 << 20

// readBlocks inflates r into strings of whole lines and sends them on out,
// which it closes. Every name the parser keeps is a substring of a block:
// one allocation per block, not one per name.
func readBlocks(r io.Reader, out chan<- string) error {
	defer close(out)
	buf := make([]byte, blockSize)
	n := 0
	for {
		m, err := io.ReadFull(r, buf[n:])
		n += m
		end := bytes.LastIndexByte(buf[:n], '\n') + 1
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				if n > 0 {
					out <- string(buf[:n])
				}
				return nil
			}
			return err
		}
		if end == 0 {
			// A line longer than the buffer: grow it.
			buf = append(buf, make([]byte, len(buf))...)
			continue
		}
		out <- string(buf[:end])
		n = copy(buf, buf[end:n])
	}
}

// parseBlock parses whole lines; line counts lines across blocks for errors.
func (g *Gazetteer) parseBlock(data string, line *int) error {
	var cols [12]string
	for data != "" {
		*line++
		text := data
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			text, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		n := split(text, cols[:])
		switch {
		case n == 2 && cols[0] == "H":
			count, err := strconv.Atoi(cols[1])
			if err != nil || count < 0 || count > 1<<24 {
				return fmt.Errorf("gazetteer: line %d: bad count %q", *line, cols[1])
			}
			if g.Entries == nil {
				g.Entries = make([]Entry, 0, count)
			}
		case n == 3 && cols[0] == "D":
			g.Demonyms[cols[1]] = strings.Split(cols[2], "|")
		case n == 12 && cols[0] == "P":
			e, err := parseEntry(cols[1:])
			if err != nil {
				return fmt.Errorf("gazetteer: line %d: %w", *line, err)
			}
			g.Entries = append(g.Entries, e)
		default:
			return fmt.Errorf("gazetteer: line %d: unexpected record with %d fields", *line, n)
		}
	}
	return nil
}

func split(s string, cols []string) int {
	n := 0
	for n < len(cols)-1 {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			break
		}
		cols[n] = s[:i]
		s = s[i+1:]
		n++
	}
	cols[n] = s
	return n + 1
}

// parseEntry reads: id name country admin1 admin2 lat lon fcode population names alternates.
func parseEntry(c []string) (Entry, error) {
	lat, err := strconv.ParseFloat(c[5], 64)
	if err != nil {
		return Entry{}, fmt.Errorf("lat: %w", err)
	}
	lon, err := strconv.ParseFloat(c[6], 64)
	if err != nil {
		return Entry{}, fmt.Errorf("lon: %w", err)
	}
	pop, err := strconv.ParseInt(c[8], 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("population: %w", err)
	}
	e := Entry{
		Place: events.Place{
			Name: c[1], Country: c[2], Admin1Code: c[3], Admin2Code: c[4],
			Lat: lat, Lon: lon, FeatureCode: c[7],
		},
		Population: pop,
	}
	switch {
	case strings.HasPrefix(c[0], "curated:"):
		e.ID = c[0]
	case strings.HasPrefix(c[0], "geonames:"):
		id, err := strconv.ParseInt(c[0][len("geonames:"):], 10, 64)
		if err != nil {
			return Entry{}, fmt.Errorf("id: %w", err)
		}
		e.ID, e.GeonameID = c[0], id
	default:
		return Entry{}, fmt.Errorf("id %q: want geonames:<id> or curated:<slug>", c[0])
	}
	if c[9] != "" {
		e.Names = strings.Split(c[9], "|")
	}
	if c[10] != "" {
		e.Alternates = strings.Split(c[10], "|")
	}
	return e, nil
}

// Country returns the index of a country's entry by ISO code.
func (g *Gazetteer) Country(iso2 string) (int, bool) {
	i, ok := g.countries[iso2]
	return i, ok
}

// Admin1 returns the index of a first-level division by country and code.
func (g *Gazetteer) Admin1(iso2, code string) (int, bool) {
	i, ok := g.admin1[iso2+"."+code]
	return i, ok
}
