package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// runIncidents runs the incident tests; some need two stores.
func runIncidents(t *testing.T, open Open) {
	single := map[string]func(*testing.T, store.Store){
		"IncidentTollRevision":      testIncidentTollRevision,
		"IncidentSameDayApart":      testIncidentSameDayApart,
		"IncidentArticleRevision":   testIncidentArticleRevision,
		"IncidentQueries":           testIncidentQueries,
		"IncidentSummaryOnce":       testIncidentSummaryOnce,
		"IncidentAssignerExclusive": testIncidentAssignerExclusive,
		"IncidentNotFound":          testIncidentNotFound,
	}
	for name, test := range single {
		t.Run(name, func(t *testing.T) {
			test(t, openClosed(t, open))
		})
	}
	t.Run("IncidentReplay", func(t *testing.T) { testIncidentReplay(t, openClosed(t, open), openClosed(t, open)) })
}

func openClosed(t *testing.T, open Open) store.Store {
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// drain runs an assigner over everything queued.
func drain(t *testing.T, s store.Store, batch, keepDays int) {
	t.Helper()
	a, err := assign.New(assign.Config{Store: s, Batch: batch, KeepDays: keepDays})
	if err != nil {
		t.Fatalf("assigner: %v", err)
	}
	if _, err := a.Drain(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// snapshot is every stored incident: its sorted article ids, estimates, toll
// histories and title.
func snapshot(t *testing.T, s store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	q := store.IncidentQuery{Limit: store.MaxLimit}
	for {
		page, err := s.Incidents(ctx, q)
		if err != nil {
			t.Fatalf("incidents: %v", err)
		}
		for _, it := range page.Incidents {
			d, err := s.Incident(ctx, it.ID)
			if err != nil {
				t.Fatalf("incident %s: %v", it.ID, err)
			}
			var ids []string
			for _, m := range d.Members {
				ids = append(ids, m.ID)
			}
			slices.Sort(ids)
			// The histories in order, which a reload rebuilds from the
			// members' stored reports.
			var tolls []string
			for _, t := range d.Tolls {
				tolls = append(tolls, fmt.Sprintf("%s=%d(%s)", t.Kind, t.Estimate, t.Basis.ArticleID))
				for _, r := range t.History {
					tolls = append(tolls, fmt.Sprintf("%s:%d", r.ArticleID, r.Count))
				}
			}
			out[it.ID] = fmt.Sprintf("%v %+v %v %q", ids, d.Estimates, tolls, d.Title)
		}
		if page.Next == nil {
			return out
		}
		q.After = page.Next
	}
}

// incidentOf returns the id of the incident holding the article.
func incidentOf(snap map[string]string, articleID string) string {
	for id, s := range snap {
		members := strings.Fields(strings.Trim(strings.SplitN(s, "]", 2)[0], "["))
		if slices.Contains(members, articleID) {
			return id
		}
	}
	return ""
}

func detail(t *testing.T, s store.Store, id string) store.IncidentDetail {
	t.Helper()
	d, err := s.Incident(context.Background(), id)
	if err != nil {
		t.Fatalf("incident %s: %v", id, err)
	}
	return d
}

// Titles and leads of two events in one district on one day, and of an
// unrelated one elsewhere.
func blast(id string, at time.Time, source string, killed int, evidence string, opts ...func(*events.EnrichedArticle)) events.EnrichedArticle {
	base := []func(*events.EnrichedArticle){
		At(Peshawar, 3), Source(source),
		Text("Bomb blast at Peshawar vegetable market kills "+fmt.Sprint(killed),
			"A bomb exploded in a crowded vegetable market in Peshawar. "+evidence+" Shopkeepers said the explosion destroyed dozens of stalls."),
		Hit(events.Killed, killed, evidence),
	}
	return Article(id, at, append(base, opts...)...)
}

func shooting(id string, at time.Time, source string, n int) events.EnrichedArticle {
	return Article(id, at, At(Peshawar, 2), Source(source),
		Text(fmt.Sprintf("Gunmen shoot dead %d traffic wardens at Peshawar checkpoint", n),
			fmt.Sprintf("Unidentified gunmen opened fire on a checkpoint in Peshawar, killing %d traffic wardens, and escaped.", n)),
		Hit(events.Killed, n, fmt.Sprintf("killing %d traffic wardens", n)))
}

func quake(id string, at time.Time, source string, killed int) events.EnrichedArticle {
	return Article(id, at, At(Dhaka, 2), Source(source),
		Text("Earthquake shakes Dhaka, buildings collapse",
			fmt.Sprintf("A strong earthquake struck Dhaka; %d people died as old buildings collapsed.", killed)),
		Hit(events.Killed, killed, fmt.Sprintf("%d people died", killed)))
}

// stream is a small news day: one blast reported four times with a rising
// toll, a shooting in the same district, a quake elsewhere, and revisions.
func stream() [][]events.EnrichedArticle {
	t := T0
	return [][]events.EnrichedArticle{
		{
			blast("b1", t, "Dawn", 10, "At least 10 people were killed."),
			shooting("r1", t.Add(30*time.Minute), "Dawn", 2),
			blast("b2", t.Add(time.Hour), "Geo", 14, "14 people were killed."),
		},
		{
			quake("q1", t.Add(2*time.Hour), "Daily Star", 7),
			blast("b3", t.Add(5*time.Hour), "Express Tribune", 25, "The death toll rose to 25."),
			quake("q2", t.Add(6*time.Hour), "Prothom Alo", 9),
		},
		{
			blast("b2", t.Add(time.Hour), "Geo", 16, "16 people were killed.", Version(2, "1.0.0")),
			shooting("r2", t.Add(26*time.Hour), "Geo", 2),
			blast("b4", t.Add(30*time.Hour), "Dawn", 31, "The death toll has risen to 31."),
		},
	}
}

func testIncidentReplay(t *testing.T, a, b store.Store) {
	// a: the stream in its batches, assigned after each, one entry per
	// assigner batch, with restarts; b: all at once, assigned at the end.
	for _, batch := range stream() {
		upsert(t, a, batch...)
		drain(t, a, 1, 1)
	}
	for _, batch := range stream() {
		upsert(t, b, batch...)
	}
	drain(t, b, 500, 0)
	first, second := snapshot(t, a), snapshot(t, b)
	if len(first) == 0 || !mapsEqual(first, second) {
		t.Fatalf("replay differs:\n%v\n%v", first, second)
	}
	// Replaying the stream into the same store changes nothing.
	for _, batch := range stream() {
		upsert(t, a, batch...)
	}
	drain(t, a, 500, 0)
	if again := snapshot(t, a); !mapsEqual(first, again) {
		t.Fatalf("replay into the same store changed incidents:\n%v\n%v", first, again)
	}
	// The blast's reports share an incident; the shooting and the quake
	// have their own.
	blastID := incidentOf(first, "b1")
	for _, id := range []string{"b2", "b3", "b4"} {
		if got := incidentOf(first, id); got != blastID {
			t.Errorf("%s in %q, b1 in %q", id, got, blastID)
		}
	}
	for _, id := range []string{"r1", "q1"} {
		if incidentOf(first, id) == blastID {
			t.Errorf("%s joined the blast", id)
		}
	}
	if incidentOf(first, "q1") != incidentOf(first, "q2") {
		t.Errorf("the quake's reports are apart: %v", first)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func testIncidentTollRevision(t *testing.T, s store.Store) {
	upsert(t, s, blast("b1", T0, "Dawn", 10, "At least 10 people were killed."))
	drain(t, s, 500, 0)
	id := incidentOf(snapshot(t, s), "b1")
	if got := detail(t, s, id).Estimates.Killed; got != 10 {
		t.Fatalf("estimate %d, want 10", got)
	}
	upsert(t, s, blast("b3", T0.Add(5*time.Hour), "Express Tribune", 25, "The death toll rose to 25."))
	drain(t, s, 500, 0)
	d := detail(t, s, id)
	if d.Estimates.Killed != 25 || d.Articles != 2 || len(d.Sources) != 2 {
		t.Fatalf("after the revised toll: %+v", d.IncidentItem)
	}
	if len(d.Tolls) != 1 || d.Tolls[0].Kind != events.Killed {
		t.Fatalf("tolls %+v", d.Tolls)
	}
	toll := d.Tolls[0]
	var counts []int
	for _, r := range toll.History {
		counts = append(counts, r.Count)
	}
	slices.Sort(counts)
	if !slices.Equal(counts, []int{10, 25}) || toll.Basis.ArticleID != "b3" || toll.Basis.Evidence != "The death toll rose to 25." {
		t.Fatalf("history %v, basis %+v", counts, toll.Basis)
	}
}

func testIncidentSameDayApart(t *testing.T, s store.Store) {
	upsert(t, s, blast("b1", T0, "Dawn", 10, "At least 10 people were killed."),
		shooting("r1", T0.Add(2*time.Hour), "Dawn", 2))
	drain(t, s, 500, 0)
	snap := snapshot(t, s)
	if len(snap) != 2 || incidentOf(snap, "b1") == incidentOf(snap, "r1") {
		t.Fatalf("same-day events in one district merged: %v", snap)
	}
}

func testIncidentArticleRevision(t *testing.T, s store.Store) {
	upsert(t, s, blast("b1", T0, "Dawn", 10, "At least 10 people were killed."),
		blast("b2", T0.Add(time.Hour), "Geo", 14, "14 people were killed."))
	drain(t, s, 500, 0)
	before := snapshot(t, s)
	id := incidentOf(before, "b2")
	// The revision moves b2 a day later and changes its figure; it stays
	// in its incident and replaces its report.
	upsert(t, s, blast("b2", T0.Add(25*time.Hour), "Geo", 12, "12 people were killed.", Version(2, "1.0.0")))
	drain(t, s, 500, 0)
	after := snapshot(t, s)
	if len(after) != len(before) || incidentOf(after, "b2") != id {
		t.Fatalf("revision moved the article: before %v after %v", before, after)
	}
	d := detail(t, s, id)
	for _, r := range d.Tolls[0].History {
		if r.ArticleID == "b2" && r.Count != 12 {
			t.Errorf("b2's report is %d, want the revision's 12", r.Count)
		}
	}
	if n := len(d.Tolls[0].History); n != 2 {
		t.Errorf("history has %d reports, want 2", n)
	}
	// Even with the working set rebuilt from the store.
	upsert(t, s, blast("b2", T0.Add(25*time.Hour), "Geo", 11, "11 people were killed.", Version(3, "1.0.0")))
	drain(t, s, 1, 1)
	if again := snapshot(t, s); len(again) != len(before) || incidentOf(again, "b2") != id {
		t.Fatalf("second revision moved the article: %v", again)
	}
}

func testIncidentQueries(t *testing.T, s store.Store) {
	for _, batch := range stream() {
		upsert(t, s, batch...)
	}
	drain(t, s, 500, 0)
	snap := snapshot(t, s)
	blastID, shootID, quakeID := incidentOf(snap, "b1"), incidentOf(snap, "r1"), incidentOf(snap, "q1")
	ctx := context.Background()
	list := func(q store.IncidentQuery) []string {
		t.Helper()
		page, err := s.Incidents(ctx, q)
		if err != nil {
			t.Fatalf("incidents %+v: %v", q, err)
		}
		out := []string{}
		for _, it := range page.Incidents {
			out = append(out, it.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ids ...string) []string {
		out := slices.Clone(ids)
		slices.Sort(out)
		return slices.Compact(out)
	}
	all := sorted(blastID, shootID, incidentOf(snap, "r2"), quakeID)
	// The second shooting report, a day later, may be its own incident.
	later := sorted(quakeID)
	if r2 := incidentOf(snap, "r2"); r2 != shootID {
		later = sorted(quakeID, r2)
	}
	cases := []struct {
		name string
		q    store.IncidentQuery
		want []string
	}{
		{"all", store.IncidentQuery{}, all},
		{"country", store.IncidentQuery{Country: "BD"}, sorted(quakeID)},
		{"admin1", store.IncidentQuery{Country: "PK", Admin1: "03"}, sorted(blastID, shootID, incidentOf(snap, "r2"))},
		{"kind", store.IncidentQuery{Kinds: []events.Kind{events.Killed}, MinCount: 20}, sorted(blastID)},
		{"min sources", store.IncidentQuery{MinSources: 3}, sorted(blastID)},
		{"source", store.IncidentQuery{Source: "Prothom Alo"}, sorted(quakeID)},
		{"text", store.IncidentQuery{Text: "earthquake"}, sorted(quakeID)},
		{"place", store.IncidentQuery{GeonameID: Dhaka.GeonameID}, sorted(quakeID)},
		{"near", store.IncidentQuery{Near: &store.Circle{Lat: Dhaka.Lat, Lon: Dhaka.Lon, KM: 50}}, sorted(quakeID)},
		{"since", store.IncidentQuery{Since: T0.Add(90 * time.Minute)}, later},
		{"until", store.IncidentQuery{Until: T0.Add(time.Minute)}, sorted(blastID)},
	}
	for _, c := range cases {
		if got := list(c.q); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// Pages of one follow the first report, newest first, and add up.
	var paged []string
	var last time.Time
	q := store.IncidentQuery{Limit: 1}
	for range 10 {
		page, err := s.Incidents(ctx, q)
		if err != nil {
			t.Fatalf("page: %v", err)
		}
		for _, it := range page.Incidents {
			if !last.IsZero() && it.FirstReport.After(last) {
				t.Errorf("%s first reported %v after the previous %v", it.ID, it.FirstReport, last)
			}
			last = it.FirstReport
			paged = append(paged, it.ID)
		}
		if page.Next == nil {
			break
		}
		q.After = page.Next
	}
	if slices.Sort(paged); !slices.Equal(paged, all) {
		t.Errorf("paged %v, want %v", paged, all)
	}
}

func testIncidentSummaryOnce(t *testing.T, s store.Store) {
	upsert(t, s,
		blast("b1", T0, "Dawn", 10, "At least 10 people were killed."),
		blast("b2", T0.Add(time.Hour), "Geo", 12, "12 people were killed."),
		blast("b3", T0.Add(2*time.Hour), "Express Tribune", 12, "The death toll rose to 12."),
		quake("q1", T0.Add(2*time.Hour), "Daily Star", 7))
	drain(t, s, 500, 0)
	groups, err := s.IncidentSummary(context.Background(), store.SummaryQuery{GroupBy: store.ByCountry})
	if err != nil {
		t.Fatalf("summary: %v", err)
	}
	got := map[string]store.SummaryGroup{}
	for _, g := range groups {
		got[g.Key] = g
	}
	pk := got["PK"]
	if pk.Totals.Killed != 12 || pk.Incidents == nil || *pk.Incidents != 1 || pk.Articles != 3 {
		t.Errorf("PK: killed %d, incidents %v, articles %d; want 12 (not 34), 1, 3", pk.Totals.Killed, pk.Incidents, pk.Articles)
	}
	if bd := got["BD"]; bd.Totals.Killed != 7 {
		t.Errorf("BD: %+v", bd)
	}
	days, err := s.IncidentSummary(context.Background(), store.SummaryQuery{GroupBy: store.ByDay})
	if err != nil {
		t.Fatalf("summary by day: %v", err)
	}
	if len(days) != 1 || days[0].Key != "2026-11-20" || days[0].Totals.Killed != 19 {
		t.Errorf("by day: %+v", days)
	}
}

func testIncidentAssignerExclusive(t *testing.T, s store.Store) {
	ctx := context.Background()
	first, err := s.Assigner(ctx)
	if err != nil {
		t.Fatalf("first assigner: %v", err)
	}
	if _, err := s.Assigner(ctx); !errors.Is(err, store.ErrAssignerBusy) {
		t.Fatalf("second assigner: %v, want ErrAssignerBusy", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	again, err := s.Assigner(ctx)
	if err != nil {
		t.Fatalf("assigner after close: %v", err)
	}
	if err := again.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func testIncidentNotFound(t *testing.T, s store.Store) {
	if _, err := s.Incident(context.Background(), "inc-missing"); !errors.Is(err, store.ErrNoIncident) {
		t.Fatalf("got %v, want ErrNoIncident", err)
	}
}
