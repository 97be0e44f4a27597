// Command eval scores the enricher on the labelled evaluation files (see
// ../shared/data/eval/README.md): toponym recognition and resolution on the
// geo files and the seed article, killed totals and event location on the
// casualty files. `make eval` runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/enrich"
	"github.com/newsflow/newsflow/services/enricher/internal/evaluate"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

// fileResult is the score of one evaluation file; only the parts that apply
// to the file are set.
type fileResult struct {
	File     string                  `json:"file"`
	Geo      *evaluate.GeoScore      `json:"geo,omitempty"`
	Casualty *evaluate.CasualtyScore `json:"casualty,omitempty"`
	Seed     *seedResult             `json:"seed,omitempty"`
	Seconds  float64                 `json:"seconds"`
}

// seedResult compares the seed article's output with its gold.
type seedResult struct {
	Totals     events.Totals     `json:"totals"`
	GoldKilled int               `json:"gold_killed"`
	GoldArrest int               `json:"gold_arrested"`
	GoldFocus  string            `json:"gold_focus"`
	Focus      *events.Place     `json:"focus"`
	Locations  []events.Location `json:"locations"`
	Casualties []events.Casualty `json:"casualties"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", filepath.Join("..", "..", "..", "shared", "data", "eval"), "directory of evaluation files")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}

	files, err := evalFiles(*data)
	if err != nil {
		return err
	}
	start := time.Now()
	g, err := gazetteer.Load()
	if err != nil {
		return fmt.Errorf("load gazetteer: %w", err)
	}
	e := enrich.New(g, "eval").WithClock(func() time.Time { return time.Time{} })
	fmt.Fprintf(stderr, "gazetteer and index ready in %v\n", time.Since(start).Round(time.Millisecond))

	var results []fileResult
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := score(e, *data, f)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	return printTable(stdout, results)
}

// evalFiles lists the JSON Lines files under dir, relative to it.
func evalFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".jsonl") {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list eval files in %s: %w", dir, err)
	}
	sort.Strings(out)
	return out, nil
}

func score(e *enrich.Enricher, dir, rel string) (fileResult, error) {
	start := time.Now()
	path := filepath.Join(dir, rel)
	r := fileResult{File: rel}
	predictGeo := func(text string) []events.Location {
		a := e.Enrich(events.RawArticle{ID: "eval", Text: text})
		return inField(a.Locations, events.FieldText)
	}
	switch {
	case strings.HasPrefix(rel, "casualty"+string(filepath.Separator)):
		recs, err := evaluate.ReadCasualty(path)
		if err != nil {
			return r, err
		}
		s := evaluate.ScoreCasualty(recs, func(rec evaluate.CasualtyRecord) evaluate.Prediction {
			a := e.Enrich(events.RawArticle{ID: rec.ID, Text: rec.Text})
			return evaluate.Prediction{Killed: a.Totals.Killed, Focus: a.Focus}
		})
		r.Casualty = &s
	case filepath.Base(rel) == "seed.jsonl":
		recs, err := evaluate.ReadGeo(path)
		if err != nil {
			return r, err
		}
		s := evaluate.ScoreGeo(recs, predictGeo)
		r.Geo = &s
		seed, err := readSeed(path)
		if err != nil {
			return r, err
		}
		a := e.Enrich(events.RawArticle{ID: seed.ID, Text: seed.Text})
		r.Seed = &seedResult{
			Totals: a.Totals, GoldKilled: seed.Killed, GoldArrest: seed.Arrested, GoldFocus: seed.Focus.Name,
			Focus: a.Focus, Locations: a.Locations, Casualties: a.Casualties,
		}
	default:
		recs, err := evaluate.ReadGeo(path)
		if err != nil {
			return r, err
		}
		s := evaluate.ScoreGeo(recs, predictGeo)
		r.Geo = &s
	}
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

type seedRecord struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Killed   int    `json:"killed"`
	Arrested int    `json:"arrested"`
	Focus    struct {
		Name string `json:"name"`
	} `json:"focus"`
}

func readSeed(path string) (seedRecord, error) {
	var s seedRecord
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read seed %s: %w", path, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if err := json.Unmarshal([]byte(line), &s); err != nil {
		return s, fmt.Errorf("decode seed %s: %w", path, err)
	}
	return s, nil
}

func inField(locs []events.Location, f events.Field) []events.Location {
	out := locs[:0:0]
	for _, l := range locs {
		if l.Field == f {
			out = append(out, l)
		}
	}
	return out
}

func printTable(w io.Writer, results []fileResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\trecords\tgold\tpred\tP\tR\tF1\tacc@161\tmedian km\tsecs\t")
	for _, r := range results {
		if r.Geo == nil {
			continue
		}
		s := r.Geo
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.2f\t\n",
			r.File, s.Records, s.Gold, s.Predicted, s.Precision, s.Recall, s.F1, s.Acc161, s.MedianKm, r.Seconds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\trecords\tkilled exact\tacc\tbest_in_text exact\tbest acc\tfocus@161\tfocus acc\tsecs\t")
	for _, r := range results {
		if r.Casualty == nil {
			continue
		}
		s := r.Casualty
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%.3f\t%d/%d\t%.3f\t%d/%d\t%.3f\t%.2f\t\n",
			r.File, s.Records, s.Exact, s.Scored, s.Accuracy, s.BestExact, s.BestScored, s.BestAccuracy,
			s.FocusWithin, s.Located, s.FocusAcc161, r.Seconds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.Seed == nil {
			continue
		}
		s := r.Seed
		fmt.Fprintf(w, "\nseed %s\n", r.File)
		fmt.Fprintf(w, "  killed    %d (gold %d)\n", s.Totals.Killed, s.GoldKilled)
		fmt.Fprintf(w, "  arrested  %d (gold %d)\n", s.Totals.Arrested, s.GoldArrest)
		focus := "none"
		if s.Focus != nil {
			focus = fmt.Sprintf("%s (%s, %.2f,%.2f)", s.Focus.Name, s.Focus.Country, s.Focus.Lat, s.Focus.Lon)
		}
		fmt.Fprintf(w, "  focus     %s (gold %s)\n", focus, s.GoldFocus)
		fmt.Fprintf(w, "  casualties:\n")
		for _, c := range s.Casualties {
			fmt.Fprintf(w, "    %-9s %5d %-9s %-10s %q\n", c.Kind, c.Count, c.Qualifier, c.Group, clip(c.EvidenceText, 70))
		}
		fmt.Fprintf(w, "  locations:\n")
		for _, l := range s.Locations {
			fmt.Fprintf(w, "    %-5s [%4d,%4d) %-28q -> %s, %s (%s) %.2f,%.2f conf %.2f\n",
				l.Field, l.Start, l.End, l.Text, l.Name, l.Country, l.FeatureCode, l.Lat, l.Lon, l.Confidence)
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
