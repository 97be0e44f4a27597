package stream_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/stream"
)

// countingEnricher reports one killed figure per article, enough to see that
// the stream carries the enricher's output through.
type countingEnricher struct{}

func (countingEnricher) Enrich(a events.RawArticle) events.EnrichedArticle {
	return events.EnrichedArticle{
		RawArticle:      a,
		Casualties:      []events.Casualty{{Kind: events.Killed, Count: len(a.Title)}},
		Totals:          events.Totals{Killed: len(a.Title)},
		EnricherVersion: "test",
	}
}

type recorder struct {
	got  []kafka.Message
	fail error
}

func (r *recorder) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, msgs...)
	return nil
}

func rawMessage(t *testing.T, id, title string) kafka.Message {
	t.Helper()
	m, err := events.RawMessage(events.RawArticle{
		ID: id, Revision: 1, Title: title,
		PublishedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), FetchedAt: time.Now(),
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHandle(t *testing.T) {
	good := []kafka.Message{rawMessage(t, "a", "one"), rawMessage(t, "b", "three"), rawMessage(t, "c", "seven")}
	bad := map[string]kafka.Message{
		"bad json":       {Value: []byte(`{"schema_version":1,`)},
		"future version": {Value: []byte(`{"schema_version":2,"id":"z"}`)},
		"oversize":       {Value: []byte(`{"schema_version":1,"id":"big","title":"` + strings.Repeat("x", 5000) + `"}`)},
	}
	batch := []kafka.Message{good[0], bad["bad json"], good[1], bad["future version"], bad["oversize"], good[2]}

	out := &recorder{}
	reg := prometheus.NewRegistry()
	s, err := stream.New(stream.Options{Enricher: countingEnricher{}, Out: out, Topic: "enriched", MaxMessageBytes: 4096, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	poison, err := s.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(poison) != len(bad) {
		t.Fatalf("poison = %d messages, want %d", len(poison), len(bad))
	}
	for _, p := range poison {
		if p.Err == nil {
			t.Errorf("poison without a reason: %q", p.Message.Value)
		}
	}
	if len(out.got) != len(good) {
		t.Fatalf("published %d, want %d", len(out.got), len(good))
	}
	for i, m := range out.got {
		doc, err := events.DecodeEnriched(m.Value)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := events.DecodeRaw(good[i].Value)
		if m.Topic != "enriched" || string(m.Key) != in.ID || doc.ID != in.ID || doc.Totals.Killed != len(in.Title) {
			t.Errorf("message %d: topic %q key %q doc %+v; want input %s in order", i, m.Topic, m.Key, doc, in.ID)
		}
	}
	if v := counter(t, reg, "newsflow_enricher_articles_total"); v != float64(len(good)) {
		t.Errorf("articles_total = %v, want %d", v, len(good))
	}
}

func TestHandlePublishFailureIsTransient(t *testing.T) {
	out := &recorder{fail: errors.New("broker down")}
	s, err := stream.New(stream.Options{Enricher: countingEnricher{}, Out: out, Topic: "enriched", MaxMessageBytes: 4096, Metrics: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	poison, err := s.Handle(context.Background(), []kafka.Message{rawMessage(t, "a", "x")})
	if err == nil || len(poison) != 0 {
		t.Errorf("Handle = %v poison, %v; want a transient error and no poison", len(poison), err)
	}
}

func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
