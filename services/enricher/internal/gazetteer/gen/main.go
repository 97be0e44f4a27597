// Command gen builds the enricher's embedded gazetteer (gazetteer.tsv) from
// the GeoNames extracts in ../shared/data/geonames and the hand-curated
// additions in curated.tsv. Run it through `go generate ./internal/gazetteer`.
//
// What goes in, and why:
//   - every country (countryInfo), with short forms and demonyms from curated.tsv;
//   - every first-level division worldwide (admin1.tsv);
//   - every second-level division (admin2Codes): South Asian districts are required,
//     and counties elsewhere are cheap and common in local news;
//   - every South Asian populated place in cities500, and elsewhere places with a
//     population of at least -minpop or an administrative seat role (PPLA, PPLC).
//
// Admin1, admin2 and country records have no coordinates in the extracts. We use
// the middle of the box around the populated places of cities500 inside each
// division (trimmed of outliers): gazetteers and analysts put a division's point
// near its geographic middle, and the towns' box approximates the territory far
// better than a population-weighted mean (which collapses onto the largest
// city) or a plain mean (which drifts to the densely settled part, e.g. southern
// Ontario). Large countries, where even that drifts, get their GeoNames point
// from curated.tsv.
//
// Output format (one record a line, tab-separated, sorted so regeneration is
// reproducible; uncompressed, so the enricher slices its names out of the
// embedded text instead of inflating and copying them at start-up):
//
//	H count
//	P id name country admin1 admin2 lat lon fcode population names alternates
//	D country names
//
// All P records come before the D records.
//
// id is the place's events.Place ID, "geonames:<id>" or "curated:<slug>" (so the
// reader slices it instead of building it); H, first, holds the number of P
// records; names (ASCII form,
// curated aliases) and alternates (GeoNames' other-language names) are
// '|'-separated lists; lat/lon have 4 decimals (about 11 m).
package main

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// southAsia is where we keep every populated place, however small.
var southAsia = map[string]bool{"IN": true, "PK": true, "BD": true, "AF": true, "LK": true, "NP": true, "BT": true, "MV": true}

type record struct {
	id      string
	name    string
	cc      string
	a1, a2  string
	lat     float64
	lon     float64
	fcode   string
	pop     int64
	names   []string // ASCII form, curated aliases, division names without "District"
	alts    []string // GeoNames alternate names: other languages and spellings
	hasCoor bool
}

type centroid struct {
	lats, lons []float64
	n          int
	pop        int64
}

func (c *centroid) add(lat, lon float64, pop int64) {
	c.lats = append(c.lats, lat)
	c.lons = append(c.lons, lon)
	c.n++
	c.pop += pop
}

// point is the middle of the box that holds the division's towns, trimmed of
// the outer 1% on each side so a stray island or exclave does not drag it.
func (c *centroid) point() (lat, lon float64) {
	return trimmedMid(c.lats), trimmedMid(c.lons)
}

func trimmedMid(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	k := len(s) / 100
	return (s[k] + s[len(s)-1-k]) / 2
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	def := os.Getenv("GEONAMES_DIR")
	if def == "" {
		// The package dir is services/enricher/internal/gazetteer; shared/ sits beside the repo root.
		def = filepath.Join("..", "..", "..", "..", "..", "shared", "data", "geonames")
	}
	dir := flag.String("geonames", def, "directory with the GeoNames extracts (env GEONAMES_DIR)")
	curatedPath := flag.String("curated", "curated.tsv", "hand-curated additions")
	out := flag.String("out", "gazetteer.tsv", "output file")
	minPop := flag.Int64("minpop", 1000, "minimum population of populated places outside South Asia")
	flag.Parse()

	places := map[string]*record{}
	countryC := map[string]*centroid{}
	a1C := map[string]*centroid{}
	a2C := map[string]*centroid{}

	err := readGeonameTable(filepath.Join(*dir, "cities500.txt.gz"), func(r *record) {
		c := get(countryC, r.cc)
		c.add(r.lat, r.lon, r.pop)
		if r.a1 != "" && r.a1 != "00" {
			get(a1C, r.cc+"."+r.a1).add(r.lat, r.lon, r.pop)
			if r.a2 != "" {
				get(a2C, r.cc+"."+r.a1+"."+r.a2).add(r.lat, r.lon, r.pop)
			}
		}
		if southAsia[r.cc] || r.pop >= *minPop || r.fcode == "PPLC" || r.fcode == "PPLA" {
			places[r.id] = r
		}
	})
	if err != nil {
		return err
	}
	// cities15000 is newer than cities500: its records win.
	err = readGeonameTable(filepath.Join(*dir, "cities15000.zip"), func(r *record) {
		if r.pop >= *minPop || southAsia[r.cc] {
			places[r.id] = r
		}
	})
	if err != nil {
		return err
	}

	countries, err := readCountries(filepath.Join(*dir, "countryInfo.tsv"), countryC)
	if err != nil {
		return err
	}
	admin1, err := readAdmin(filepath.Join(*dir, "admin1.tsv"), "ADM1", a1C)
	if err != nil {
		return err
	}
	admin2, err := readAdmin(filepath.Join(*dir, "admin2Codes.txt.gz"), "ADM2", a2C)
	if err != nil {
		return err
	}
	all := make([]*record, 0, len(places)+len(countries)+len(admin1)+len(admin2))
	all = append(all, countries...)
	all = append(all, admin1...)
	all = append(all, admin2...)
	for _, r := range places {
		all = append(all, r)
	}
	demonyms, err := applyCurated(*curatedPath, &all)
	if err != nil {
		return err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	return write(*out, all, demonyms)
}

// better ranks alias targets: a town over the district named after it, then
// the larger, then the lower id for reproducibility.
func better(r, o *record) bool {
	rp, op := isTown(r), isTown(o)
	if rp != op {
		return rp
	}
	if r.pop != o.pop {
		return r.pop > o.pop
	}
	return r.id < o.id
}

func isTown(r *record) bool { return r.fcode != "PCLI" && strings.HasPrefix(r.fcode, "P") }

func get(m map[string]*centroid, k string) *centroid {
	c := m[k]
	if c == nil {
		c = &centroid{}
		m[k] = c
	}
	return c
}

func open(path string) (io.ReadCloser, error) {
	switch {
	case strings.HasSuffix(path, ".gz"):
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		z, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{z, f}, nil
	case strings.HasSuffix(path, ".zip"):
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, err
		}
		if len(zr.File) == 0 {
			zr.Close()
			return nil, fmt.Errorf("empty zip %s", path)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			zr.Close()
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{rc, zr}, nil
	}
	return os.Open(path)
}

func scan(path string, fn func(cols []string) error) error {
	rc, err := open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

func readGeonameTable(path string, fn func(*record)) error {
	return scan(path, func(c []string) error {
		if len(c) < 19 {
			return fmt.Errorf("want 19 columns, got %d", len(c))
		}
		if c[6] != "P" {
			return nil
		}
		lat, err1 := strconv.ParseFloat(c[4], 64)
		lon, err2 := strconv.ParseFloat(c[5], 64)
		pop, _ := strconv.ParseInt(c[14], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		r := &record{id: c[0], name: c[1], cc: c[8], a1: c[10], a2: c[11], lat: lat, lon: lon, fcode: c[7], pop: pop, hasCoor: true}
		if c[2] != c[1] {
			r.names = append(r.names, c[2])
		}
		// Alternate names are mostly other languages' names ("Grenade" for
		// Granada), wrong for English text; in South Asia they carry the
		// many English transliterations ("Miramshah", "Peshawer").
		if southAsia[r.cc] {
			for _, a := range strings.Split(c[3], ",") {
				if keepAlternate(a) {
					r.alts = append(r.alts, a)
				}
			}
		}
		r.names = dedupe(r.name, r.names)
		r.alts = dedupe(r.name, r.alts)
		r.alts = subtract(r.alts, r.names)
		fn(r)
		return nil
	})
}

// keepAlternate keeps Latin-script names written like a proper noun. All-caps
// entries are mostly airport and postal codes; lower-case ones are
// transliteration keys.
func keepAlternate(a string) bool {
	if utf8.RuneCountInString(a) < 3 || len(a) > 60 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(a)
	if !unicode.IsUpper(first) {
		return false
	}
	lower := false
	for _, r := range a {
		switch {
		case r >= 0x250 && !(r >= 0x1E00 && r <= 0x1EFF) && r != '’':
			return false
		case unicode.IsDigit(r), r == '(', r == '/', r == ',', r == '"':
			return false
		case unicode.IsLower(r):
			lower = true
		}
	}
	return lower
}

func dedupe(name string, names []string) []string {
	seen := map[string]bool{name: true}
	out := names[:0]
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] || strings.ContainsAny(n, "\t|") {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

func subtract(a, b []string) []string {
	out := a[:0]
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

func readCountries(path string, cent map[string]*centroid) ([]*record, error) {
	var out []*record
	err := scan(path, func(c []string) error {
		if len(c) < 17 {
			return fmt.Errorf("want 17+ columns, got %d", len(c))
		}
		pop, _ := strconv.ParseInt(c[7], 10, 64)
		r := &record{id: c[16], name: c[4], cc: c[0], fcode: "PCLI", pop: pop}
		if ct := cent[c[0]]; ct != nil && ct.n > 0 {
			r.lat, r.lon = ct.point()
			r.hasCoor = true
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// adminSuffixes are the generic words GeoNames appends to division names;
// news writes "Swat" and "Kurram" more often than "Swat District".
var adminSuffixes = []string{" District", " Division", " Agency", " Province", " Region", " Governorate", " Prefecture", " Protected Area", " Tehsil", " Zila"}

func readAdmin(path, fcode string, cent map[string]*centroid) ([]*record, error) {
	var out []*record
	err := scan(path, func(c []string) error {
		if len(c) < 4 {
			return fmt.Errorf("want 4 columns, got %d", len(c))
		}
		parts := strings.Split(c[0], ".")
		if len(parts) < 2 {
			return fmt.Errorf("bad admin code %q", c[0])
		}
		r := &record{id: c[3], name: c[1], cc: parts[0], a1: parts[1], fcode: fcode}
		if len(parts) > 2 {
			r.a2 = parts[2]
		}
		ct := cent[c[0]]
		if ct == nil || ct.n == 0 {
			return nil // no town to place it: an unplaceable record is worse than none
		}
		r.lat, r.lon = ct.point()
		r.hasCoor = true
		// The towns' total stands in for the division's population, a prior
		// when choosing between same-named places.
		r.pop = ct.pop
		r.names = append(r.names, c[2])
		for _, n := range []string{c[1], c[2]} {
			for _, s := range adminSuffixes {
				if base, ok := strings.CutSuffix(n, s); ok && base != "" {
					r.names = append(r.names, base)
				}
			}
		}
		// US counties are written "Laurel County" and "Laurel"; keep only the
		// former: the bare form is almost always the town.
		r.names = dedupe(r.name, r.names)
		out = append(out, r)
		return nil
	})
	return out, err
}

func applyCurated(path string, all *[]*record) (map[string][]string, error) {
	byCountry := map[string]*record{}
	byAdmin1 := map[string]*record{}
	byName := map[string]*record{}
	bySlug := map[string]*record{}
	for _, r := range *all {
		switch r.fcode {
		case "PCLI":
			byCountry[r.cc] = r
		case "ADM1":
			byAdmin1[r.cc+"."+r.a1] = r
		}
		for _, n := range append(append([]string{r.name}, r.names...), r.alts...) {
			k := r.cc + ":" + n
			if o := byName[k]; o == nil || better(r, o) {
				byName[k] = r
			}
		}
	}
	demonyms := map[string][]string{}
	err := scan(path, func(c []string) error {
		switch c[0] {
		case "region":
			if len(c) < 9 {
				return fmt.Errorf("region: want 9 columns, got %d", len(c))
			}
			lat, err1 := strconv.ParseFloat(c[5], 64)
			lon, err2 := strconv.ParseFloat(c[6], 64)
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			names := strings.Split(c[2], "|")
			r := &record{id: "c:" + c[1], name: names[0], names: names[1:], cc: strings.TrimSpace(c[3]), a1: c[4], lat: lat, lon: lon, fcode: c[7], hasCoor: true}
			bySlug[c[1]] = r
			*all = append(*all, r)
		case "alias":
			if len(c) < 4 {
				return fmt.Errorf("alias: want 4 columns, got %d", len(c))
			}
			var r *record
			switch t := c[1]; {
			case strings.HasPrefix(t, "region:"):
				r = bySlug[strings.TrimPrefix(t, "region:")]
			case strings.Contains(t, ":"):
				r = byName[t]
			case strings.Contains(t, "."):
				r = byAdmin1[t]
			default:
				r = byCountry[t]
			}
			if r == nil {
				return fmt.Errorf("alias target %q not found", c[1])
			}
			r.names = dedupe(r.name, append(r.names, strings.Split(c[2], "|")...))
			r.alts = subtract(r.alts, r.names)
		case "demonym":
			if len(c) < 4 {
				return fmt.Errorf("demonym: want 4 columns, got %d", len(c))
			}
			if byCountry[c[1]] == nil {
				return fmt.Errorf("demonym country %q not found", c[1])
			}
			demonyms[c[1]] = append(demonyms[c[1]], strings.Split(c[2], "|")...)
		case "centre":
			if len(c) < 5 {
				return fmt.Errorf("centre: want 5 columns, got %d", len(c))
			}
			r := byCountry[c[1]]
			if r == nil {
				return fmt.Errorf("centre country %q not found", c[1])
			}
			lat, err1 := strconv.ParseFloat(c[2], 64)
			lon, err2 := strconv.ParseFloat(c[3], 64)
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			r.lat, r.lon, r.hasCoor = lat, lon, true
		default:
			return fmt.Errorf("unknown kind %q", c[0])
		}
		return nil
	})
	return demonyms, err
}

func write(path string, all []*record, demonyms map[string][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	w := bufio.NewWriter(f)
	n := 0
	for _, r := range all {
		if r.hasCoor {
			n++
		}
	}
	fmt.Fprintf(w, "H\t%d\n", n) // lets the reader size its list once
	for _, r := range all {
		if !r.hasCoor {
			continue
		}
		fmt.Fprintf(w, "P\t%s\t%s\t%s\t%s\t%s\t%.4f\t%.4f\t%s\t%d\t%s\t%s\n", placeID(r.id), r.name, r.cc, r.a1, r.a2, r.lat, r.lon, r.fcode, r.pop, strings.Join(r.names, "|"), strings.Join(r.alts, "|"))
	}
	ccs := make([]string, 0, len(demonyms))
	for cc := range demonyms {
		ccs = append(ccs, cc)
	}
	sort.Strings(ccs)
	for _, cc := range ccs {
		fmt.Fprintf(w, "D\t%s\t%s\n", cc, strings.Join(demonyms[cc], "|"))
	}
	return errors.Join(w.Flush(), f.Close())
}

// placeID is the id the enricher publishes for a record: "geonames:<id>",
// or "curated:<slug>" for a curated region (kept as "c:<slug>" here so the
// output sorts as before).
func placeID(id string) string {
	if slug, ok := strings.CutPrefix(id, "c:"); ok {
		return "curated:" + slug
	}
	return "geonames:" + id
}
