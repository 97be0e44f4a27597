package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/incident"
)

// clusterInput is one line of `enricher extract` output; source is the
// outlet the extractor passes through, counted per incident.
type clusterInput struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Text        string              `json:"text"`
	Source      string              `json:"source,omitempty"`
	PublishedAt *time.Time          `json:"published_at,omitempty"`
	Locations   []events.Location   `json:"locations"`
	Places      []events.PlaceCount `json:"places"`
	Casualties  []events.Casualty   `json:"casualties"`
	Totals      events.Totals       `json:"totals"`
	Focus       *events.Place       `json:"focus"`
	Error       string              `json:"error,omitempty"`
}

// clusterOutput is one line of `indexer cluster` output.
type clusterOutput struct {
	ID         string `json:"id"`
	IncidentID string `json:"incident_id"`
}

// runCluster implements `indexer cluster`: enriched articles as JSON Lines
// on in, clustered in input order, one {"id","incident_id"} line on out per
// article. With -incidents FILE it also writes the final incidents, one
// JSON object a line, for scoring tolls.
func runCluster(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) error {
	flags := flag.NewFlagSet("indexer cluster", flag.ContinueOnError)
	flags.SetOutput(errOut)
	incidentsPath := flags.String("incidents", "", "also write the final incidents as JSON Lines to this file")
	def := incident.DefaultConfig()
	threshold := flags.Float64("threshold", def.Threshold, "log-odds an article needs to join an incident")
	strong := flags.Float64("strong-text", def.StrongText, "text similarity needed when neither place nor figures agree")
	disagree := flags.Float64("disagree-text", def.DisagreeText, "text similarity below which disagreeing killed figures keep reports apart")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("cluster: unexpected argument %q", flags.Arg(0))
	}
	cfg := def
	cfg.Threshold = *threshold
	cfg.StrongText = *strong
	cfg.DisagreeText = *disagree
	c := incident.NewClusterer(cfg)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	line := 0
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return err
		}
		data := bytes.TrimSpace(sc.Bytes())
		if len(data) == 0 {
			continue
		}
		var ci clusterInput
		if err := json.Unmarshal(data, &ci); err != nil {
			fmt.Fprintf(errOut, "cluster: line %d: %v\n", line, err)
			continue
		}
		if ci.Error != "" || ci.ID == "" {
			fmt.Fprintf(errOut, "cluster: line %d (id %s): skipped: no article (%s)\n", line, ci.ID, ci.Error)
			continue
		}
		inc, _ := c.Assign(ci.article())
		if err := enc.Encode(clusterOutput{ID: ci.ID, IncidentID: inc.ID}); err != nil {
			return fmt.Errorf("cluster: write: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cluster: read line %d: %w", line+1, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("cluster: write: %w", err)
	}
	if *incidentsPath != "" {
		return writeIncidents(*incidentsPath, c.Incidents())
	}
	return nil
}

func (ci clusterInput) article() events.EnrichedArticle {
	a := events.EnrichedArticle{
		RawArticle: events.RawArticle{SchemaVersion: events.SchemaVersion, ID: ci.ID, Revision: 1,
			Title: ci.Title, Text: ci.Text, Source: ci.Source},
		Locations: ci.Locations, Places: ci.Places, Casualties: ci.Casualties, Totals: ci.Totals, Focus: ci.Focus,
	}
	if ci.PublishedAt != nil {
		a.PublishedAt = *ci.PublishedAt
	}
	return a
}

func writeIncidents(path string, incs []*incident.Incident) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, inc := range incs {
		// Signatures are internal; leave them out of the file.
		cp := *inc
		cp.Members = slices.Clone(inc.Members)
		for i := range cp.Members {
			cp.Members[i].Tokens = nil
			cp.Members[i].Places = nil
		}
		if err := enc.Encode(cp); err != nil {
			f.Close()
			return fmt.Errorf("cluster: write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("cluster: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cluster: write %s: %w", path, err)
	}
	return nil
}
