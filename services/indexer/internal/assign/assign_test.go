package assign_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "assign.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func report(id, source string, killed int, evidence string, at time.Duration, opts ...func(*events.EnrichedArticle)) events.EnrichedArticle {
	return storetest.Article(id, storetest.T0.Add(at), append([]func(*events.EnrichedArticle){
		storetest.At(storetest.Lahore, 2), storetest.Source(source),
		storetest.Text(fmt.Sprintf("Factory fire in Lahore kills %d workers", killed),
			"A fire broke out at a garment factory in Lahore. "+evidence),
		storetest.Hit(events.Killed, killed, evidence),
	}, opts...)...)
}

func upsert(t *testing.T, s store.Store, batch ...events.EnrichedArticle) {
	t.Helper()
	if _, err := s.Upsert(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

// The coverage metrics count each incident once at its current estimate,
// following it down as well as up.
func TestCoverageCountsIncidentsOnce(t *testing.T) {
	s := open(t)
	reg := prometheus.NewRegistry()
	a, err := assign.New(assign.Config{Store: s, Metrics: reg, Countries: []string{"PK"}})
	if err != nil {
		t.Fatal(err)
	}
	upsert(t, s, report("f1", "Dawn", 10, "At least 10 workers were killed.", 0),
		report("f2", "Geo", 12, "12 workers were killed.", time.Hour),
		report("f3", "The News", 15, "The death toll rose to 15.", 2*time.Hour))
	if n, err := a.Drain(context.Background()); err != nil || n != 3 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	metric := func(name string) float64 { return counterValue(t, reg, name, "PK", "killed") }
	up, down := "newsflow_indexer_incident_casualties_raised_total", "newsflow_indexer_incident_casualties_lowered_total"
	if got := metric(up) - metric(down); got != 15 {
		t.Fatalf("killed in PK = %v, want the incident's 15, not 10+12+15", got)
	}
	// The latest report is corrected downwards: the estimate follows.
	upsert(t, s, report("f3", "The News", 13, "The death toll rose to 13.", 2*time.Hour, storetest.Version(2, "1.0.0")))
	if _, err := a.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := metric(up) - metric(down); got != 13 || metric(down) != 2 {
		t.Fatalf("after the correction: raised %v lowered %v, want a net 13", metric(up), metric(down))
	}
	if n := counterValue(t, reg, "newsflow_indexer_incidents_opened_total", "", ""); n != 1 {
		t.Errorf("incidents opened = %v, want 1", n)
	}
}

// counterValue reads a counter with the given country and kind labels
// (empty: none), 0 when absent.
func counterValue(t *testing.T, reg *prometheus.Registry, name, country, kind string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["country"] == country && labels["kind"] == kind {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// Two running assigners on one store: one holds the session, the other
// waits, and together they assign each article once, as one Drain does.
func TestRunSingleWriter(t *testing.T) {
	s, want := open(t), open(t)
	batch := []events.EnrichedArticle{
		report("f1", "Dawn", 10, "At least 10 workers were killed.", 0),
		report("f2", "Geo", 12, "12 workers were killed.", time.Hour),
		storetest.Article("q1", storetest.T0, storetest.At(storetest.Dhaka, 1), storetest.Text("Earthquake in Dhaka", "Buildings shook.")),
	}
	upsert(t, want, batch...)
	ref, err := assign.New(assign.Config{Store: want})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ref.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	runners := make([]*assign.Assigner, 2)
	for i := range runners {
		a, err := assign.New(assign.Config{Store: s, Poll: 10 * time.Millisecond, Retry: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		runners[i] = a
		wg.Go(func() {
			if err := a.Run(ctx); err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	upsert(t, s, batch...)
	for _, a := range runners {
		a.Wake()
	}
	// Wait until every article is in an incident (the ctx bounds the wait).
	for ctx.Err() == nil {
		n := 0
		for _, arts := range incidents(t, s) {
			n += arts
		}
		if n == len(batch) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	got, exp := incidents(t, s), incidents(t, want)
	if len(got) != 2 || fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Fatalf("running assigners made %v, one drain %v", got, exp)
	}
}

func incidents(t *testing.T, s store.Store) map[string]int {
	t.Helper()
	page, err := s.Incidents(context.Background(), store.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range page.Incidents {
		out[it.ID] = it.Articles
	}
	return out
}
