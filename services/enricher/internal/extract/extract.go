// Package extract owns the batch command behind `enricher extract`: JSON
// Lines of articles in, one JSON line of locations, casualty figures, totals
// and focus out per input line, in input order, using every core.
package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/enrich"
)

// Input is one line of input.
type Input struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Title       string `json:"title,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	CountryHint string `json:"country_hint,omitempty"`
	// Source names the outlet; it is passed through untouched so that
	// downstream tools (incident clustering) can count distinct sources.
	Source string `json:"source,omitempty"`
}

// Output is one line of output for a line that parsed.
type Output struct {
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
}

// Failure is the output line for an input line that did not parse.
type Failure struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// job is one input line on its way through the workers; done receives the
// encoded output line so the writer can keep input order.
type job struct {
	line int
	data []byte
	done chan []byte
}

// Run reads articles from in and writes one result line per non-blank input
// line to out, in order. Lines that fail to parse are reported on errOut and
// get an {"id", "error"} line; the run goes on. It returns when in is
// exhausted, ctx is cancelled or out fails.
func Run(ctx context.Context, in io.Reader, out io.Writer, errOut io.Writer, e *enrich.Enricher) error {
	errOut = &lockedWriter{w: errOut}
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *job, workers*4)
	order := make(chan *job, workers*16)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				j.done <- process(j.line, j.data, e, errOut)
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(work)
		readErr <- read(ctx, in, work, order)
	}()

	w := bufio.NewWriterSize(out, 64<<10)
	var writeErr error
	for j := range order {
		line := <-j.done
		if writeErr != nil {
			continue // drain so the workers and reader can finish
		}
		if _, err := w.Write(line); err != nil {
			writeErr = fmt.Errorf("write output: %w", err)
			cancel()
		}
	}
	wg.Wait()
	if err := w.Flush(); err != nil && writeErr == nil {
		writeErr = fmt.Errorf("write output: %w", err)
	}
	rerr := <-readErr
	if writeErr != nil {
		return writeErr
	}
	if rerr != nil {
		return rerr
	}
	return ctx.Err()
}

// read splits in into lines of any length and queues them.
func read(ctx context.Context, in io.Reader, work, order chan<- *job) error {
	r := bufio.NewReaderSize(in, 256<<10)
	for n := 1; ; n++ {
		data, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(data)) > 0 {
			j := &job{line: n, data: data, done: make(chan []byte, 1)}
			select {
			case order <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case work <- j:
			case <-ctx.Done():
				j.done <- nil
				return ctx.Err()
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input line %d: %w", n, err)
		}
	}
}

// process enriches one input line and returns its output line.
func process(n int, data []byte, e *enrich.Enricher, errOut io.Writer) []byte {
	var in Input
	a, err := parse(data, &in)
	if err != nil {
		return failure(n, in.ID, err, errOut)
	}
	ea := e.Enrich(a)
	o := Output{
		ID:         in.ID,
		Title:      in.Title,
		Text:       in.Text,
		Source:     in.Source,
		Locations:  ea.Locations,
		Places:     ea.Places,
		Casualties: ea.Casualties,
		Totals:     ea.Totals,
		Focus:      ea.Focus,
	}
	if !a.PublishedAt.IsZero() {
		o.PublishedAt = &a.PublishedAt
	}
	b, err := json.Marshal(o)
	if err != nil {
		return failure(n, in.ID, fmt.Errorf("encode result: %w", err), errOut)
	}
	return append(b, '\n')
}

// parse decodes one input line into a raw article.
func parse(data []byte, in *Input) (events.RawArticle, error) {
	// Decoding goes on past a wrongly typed field, so the id is usually
	// known even when the line is bad.
	if err := json.Unmarshal(data, in); err != nil {
		return events.RawArticle{}, fmt.Errorf("decode json: %w", err)
	}
	if strings.TrimSpace(in.ID) == "" {
		return events.RawArticle{}, errors.New(`missing "id"`)
	}
	a := events.RawArticle{
		SchemaVersion: events.SchemaVersion,
		ID:            in.ID,
		Revision:      1,
		Title:         in.Title,
		Text:          in.Text,
		Source:        in.Source,
		CountryHint:   strings.ToUpper(in.CountryHint),
	}
	if in.PublishedAt != "" {
		t, err := parseTime(in.PublishedAt)
		if err != nil {
			return events.RawArticle{}, err
		}
		a.PublishedAt = t
	}
	return a, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("published_at %q: want RFC 3339 or YYYY-MM-DD", s)
}

func failure(n int, id string, err error, errOut io.Writer) []byte {
	if id != "" {
		fmt.Fprintf(errOut, "extract: line %d (id %s): %v\n", n, id, err)
	} else {
		fmt.Fprintf(errOut, "extract: line %d: %v\n", n, err)
	}
	b, _ := json.Marshal(Failure{ID: id, Error: err.Error()})
	return append(b, '\n')
}

// lockedWriter serialises the workers' error reports.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
