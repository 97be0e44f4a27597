// Command clustereval scores `indexer cluster` on a UCDP GED file, where
// each record is one event whose text holds one headline per line.
//
// Usage:
//
//	clustereval prep  -gold FILE                     > articles.jsonl   (input for `enricher extract`)
//	clustereval score -gold FILE -clusters FILE -incidents FILE
//	clustereval ceiling -gold FILE -enriched FILE      (best achievable scores)
//	clustereval errors -gold FILE -clusters FILE -enriched FILE [-n 40]
//	clustereval pairs -gold FILE -enriched FILE     (CSV of pair evidence)
//
// prep turns every headline into an article (id = record id + "#" + line
// number; published_at and source = the date and outlet of the
// source_article entry the headline matches, see origins). score reports
// pairwise precision and recall of "same incident" (two headlines of one
// record are a positive pair) and, for each record with several headlines,
// whether the incident holding most of them estimates UCDP's killed figure.
// ceiling reports what no method reading only words and dates can beat and
// the toll estimator's accuracy under perfect clustering; errors prints
// false-positive and false-negative pairs for analysis; pairs prints the
// evidence of every pair within the window as CSV (to check or refit the
// weights of incident.DefaultConfig).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "clustereval:", err)
		os.Exit(1)
	}
}

// record is the part of a UCDP GED line this command reads.
type record struct {
	ID            string `json:"id"`
	Text          string `json:"text"`
	Date          string `json:"date"`
	Killed        *int   `json:"killed"`
	SourceArticle string `json:"source_article"`
}

// article is one line of `enricher extract` input.
type article struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Text        string `json:"text"`
	PublishedAt string `json:"published_at"`
	Source      string `json:"source,omitempty"`
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a command: prep, score, ceiling or errors")
	}
	flags := flag.NewFlagSet("clustereval "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	gold := flags.String("gold", "", "UCDP GED JSON Lines file")
	clusters := flags.String("clusters", "", "`indexer cluster` output")
	incidents := flags.String("incidents", "", "`indexer cluster -incidents` output")
	enrichedPath := flags.String("enriched", "", "`enricher extract` output (ceiling, errors)")
	limit := flags.Int("n", 40, "errors: pairs to print of each kind")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	recs, err := readGold(*gold)
	if err != nil {
		return err
	}
	switch args[0] {
	case "prep":
		return prep(recs, stdout)
	case "ceiling":
		enriched, err := readEnriched(*enrichedPath)
		if err != nil {
			return err
		}
		return ceiling(recs, enriched, stdout)
	case "pairs":
		enriched, err := readEnriched(*enrichedPath)
		if err != nil {
			return err
		}
		return pairFeatures(recs, enriched, stdout)
	case "errors":
		enriched, err := readEnriched(*enrichedPath)
		if err != nil {
			return err
		}
		assign, err := readClusters(*clusters)
		if err != nil {
			return err
		}
		return errorPairs(recs, assign, enriched, *limit, stdout)
	case "score":
		assign, err := readClusters(*clusters)
		if err != nil {
			return err
		}
		killed, err := readIncidents(*incidents)
		if err != nil {
			return err
		}
		s := score(recs, assign, killed)
		_, err = fmt.Fprintf(stdout, "headlines %d  records %d  gold pairs %d  predicted pairs %d  true pairs %d\n"+
			"pairwise precision %.3f  recall %.3f  F1 %.3f\n"+
			"multi-report incidents %d  killed estimate right %d (%.3f)\n",
			s.headlines, len(recs), s.goldPairs, s.predPairs, s.truePairs,
			s.precision(), s.recall(), s.f1(), s.multi, s.killedRight, ratio(s.killedRight, s.multi))
		return err
	}
	return fmt.Errorf("unknown command %q (want prep, score, ceiling or errors)", args[0])
}

func readGold(path string) ([]record, error) {
	if path == "" {
		return nil, errors.New("-gold is required")
	}
	var recs []record
	err := eachLine(path, func(line int, data []byte) error {
		var r record
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		recs = append(recs, r)
		return nil
	})
	return recs, err
}

func eachLine(path string, fn func(line int, data []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// headlines splits a record's text into its headlines.
func (r record) headlines() []string {
	var out []string
	for h := range strings.SplitSeq(r.Text, "\n") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// entry is one source_article item: "Outlet,YYYY-MM-DD,headline", where the
// headline part may run over several lines (a byline, a programme name).
type entry struct {
	outlet, date string
	lines        []string // normalised lines of the headline part
}

var entryRE = regexp.MustCompile(`(?s)^\s*"?(.*?),\s*(\d{4}-\d{2}-\d{2}),(.*?)"?\s*$`)

// entries parses source_article; an entry in another format keeps its text
// as lines and has no outlet or date.
func (r record) entries() []entry {
	var out []entry
	for e := range strings.SplitSeq(r.SourceArticle, `";"`) {
		var en entry
		body := e
		if m := entryRE.FindStringSubmatch(e); m != nil {
			en.outlet, en.date, body = strings.TrimSpace(m[1]), m[2], m[3]
		}
		for l := range strings.SplitSeq(body, "\n") {
			if n := normalise(l); n != "" {
				en.lines = append(en.lines, n)
			}
		}
		out = append(out, en)
	}
	return out
}

// normalise lower-cases s and keeps only letters and digits, single-spaced.
func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// origin is the outlet and date of one headline.
type origin struct{ outlet, date string }

// origins finds each headline's source_article entry. The entries are not
// always in the headlines' order nor one per headline (a byline line of the
// text belongs to the entry above it; some entries have no headline in the
// text), so a headline is matched by its words: first the entry whose
// headline is exactly it, then one whose text holds it (a continuation
// line) or contains it, then the entry at the same position when the counts
// agree; otherwise the event date and no outlet.
func (r record) origins() []origin {
	hs := r.headlines()
	es := r.entries()
	out := make([]origin, len(hs))
	used := make([]bool, len(es))
	found := make([]bool, len(hs))
	match := func(pass int, h string, e entry) bool {
		switch pass {
		case 0:
			return len(e.lines) > 0 && e.lines[0] == h
		case 1:
			return slices.Contains(e.lines, h)
		default:
			return h != "" && len(e.lines) > 0 && (strings.Contains(e.lines[0], h) || strings.Contains(h, e.lines[0]))
		}
	}
	for pass := range 3 {
		for i, h := range hs {
			if found[i] {
				continue
			}
			n := normalise(h)
			// Prefer an entry not yet taken; a continuation line shares its
			// entry with the headline above it.
			best := -1
			for j, e := range es {
				if match(pass, n, e) && (best < 0 || used[best] && !used[j]) {
					best = j
				}
			}
			if best >= 0 {
				out[i], found[i], used[best] = origin{es[best].outlet, es[best].date}, true, true
			}
		}
	}
	for i := range hs {
		if !found[i] && len(es) == len(hs) {
			out[i] = origin{es[i].outlet, es[i].date}
		}
		if out[i].date == "" {
			out[i].date = r.Date
		}
	}
	return out
}

func headlineID(recID string, line int) string { return fmt.Sprintf("%s#%d", recID, line) }

func prep(recs []record, out io.Writer) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for _, r := range recs {
		orig := r.origins()
		for i, h := range r.headlines() {
			a := article{ID: headlineID(r.ID, i+1), Title: h, PublishedAt: orig[i].date, Source: orig[i].outlet}
			if err := enc.Encode(a); err != nil {
				return err
			}
		}
	}
	return w.Flush()
}

func readClusters(path string) (map[string]string, error) {
	if path == "" {
		return nil, errors.New("-clusters is required")
	}
	assign := map[string]string{}
	err := eachLine(path, func(line int, data []byte) error {
		var o struct {
			ID         string `json:"id"`
			IncidentID string `json:"incident_id"`
		}
		if err := json.Unmarshal(data, &o); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		assign[o.ID] = o.IncidentID
		return nil
	})
	return assign, err
}

// readIncidents returns each incident's current killed estimate.
func readIncidents(path string) (map[string]int, error) {
	if path == "" {
		return nil, errors.New("-incidents is required")
	}
	killed := map[string]int{}
	err := eachLine(path, func(line int, data []byte) error {
		var inc struct {
			ID    string `json:"id"`
			Tolls []struct {
				Kind     string `json:"kind"`
				Estimate int    `json:"estimate"`
			} `json:"tolls"`
		}
		if err := json.Unmarshal(data, &inc); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		killed[inc.ID] = 0
		for _, t := range inc.Tolls {
			if t.Kind == "killed" {
				killed[inc.ID] = t.Estimate
			}
		}
		return nil
	})
	return killed, err
}

type scores struct {
	headlines                       int
	goldPairs, predPairs, truePairs int
	multi, killedRight              int
}

func (s scores) precision() float64 { return ratio(s.truePairs, s.predPairs) }
func (s scores) recall() float64    { return ratio(s.truePairs, s.goldPairs) }
func (s scores) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// score compares the assignment with the gold records. A headline missing
// from the assignment (the enricher could not read it) is its own incident.
func score(recs []record, assign map[string]string, killed map[string]int) scores {
	var s scores
	type item struct{ rec, inc string }
	var items []item
	for _, r := range recs {
		hs := r.headlines()
		for i := range hs {
			id := headlineID(r.ID, i+1)
			inc, ok := assign[id]
			if !ok {
				inc = "missing:" + id
			}
			items = append(items, item{r.ID, inc})
		}
		if len(hs) < 2 {
			continue
		}
		s.multi++
		// The incident holding most of the record's headlines, first wins ties.
		votes := map[string]int{}
		best := ""
		for i := range hs {
			inc, ok := assign[headlineID(r.ID, i+1)]
			if !ok {
				continue
			}
			votes[inc]++
			if best == "" || votes[inc] > votes[best] {
				best = inc
			}
		}
		if est, ok := killed[best]; ok && r.Killed != nil && est == *r.Killed {
			s.killedRight++
		}
	}
	s.headlines = len(items)
	byRec, byInc, both := map[string]int{}, map[string]int{}, map[[2]string]int{}
	for _, it := range items {
		byRec[it.rec]++
		byInc[it.inc]++
		both[[2]string{it.rec, it.inc}]++
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range byRec {
		s.goldPairs += pairs(n)
	}
	for _, n := range byInc {
		s.predPairs += pairs(n)
	}
	for _, n := range both {
		s.truePairs += pairs(n)
	}
	return s
}
