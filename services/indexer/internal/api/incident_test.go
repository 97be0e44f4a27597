package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// drainIncidents assigns every stored article to an incident.
func drainIncidents(t testing.TB, s store.Store) {
	t.Helper()
	a, err := assign.New(assign.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Drain(context.Background()); err != nil {
		t.Fatalf("assign incidents: %v", err)
	}
}

// newIncidentServer serves three reports of one bombing with a rising
// toll, and one unrelated report.
func newIncidentServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a, h := storetest.Article, time.Hour
	bombing := func(id, source string, n int, evidence string, at time.Duration) events.EnrichedArticle {
		return a(id, storetest.T0.Add(at), storetest.At(storetest.Karachi, 2), storetest.Source(source),
			storetest.Text("Bomb blast at Karachi bus stop kills "+itoa(n), "A bomb went off at a crowded bus stop in Karachi. "+evidence),
			storetest.Hit(events.Killed, n, evidence))
	}
	batch := []events.EnrichedArticle{
		bombing("x1", "Dawn", 8, "At least 8 people were killed.", 0),
		bombing("x2", "Geo", 11, "11 people were killed.", h),
		bombing("x3", "The News", 15, "The death toll rose to 15.", 3*h),
		a("kb1", storetest.T0.Add(2*h), storetest.At(storetest.Kabul, 1), storetest.Hit(events.Killed, 30, "Thirty were killed."),
			storetest.Text("Explosion in Kabul", "A bombing."), storetest.Source("Tolo")),
	}
	if _, err := s.Upsert(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	drainIncidents(t, s)
	hd, err := api.New(api.Config{Store: s, Metrics: prometheus.NewRegistry(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hd)
	t.Cleanup(srv.Close)
	return srv
}

func TestIncidentResponsesMatchOpenAPI(t *testing.T) {
	srv, c := newIncidentServer(t), checker(t)
	var list api.IncidentList
	if err := json.Unmarshal(get(t, srv, "/api/v1/incidents").body, &list); err != nil || len(list.Incidents) == 0 {
		t.Fatalf("incidents: %v %+v", err, list)
	}
	requests := []struct {
		path   string
		accept string
		status int
	}{
		{"/api/v1/incidents", "", 200},
		{"/api/v1/incidents?limit=1", "", 200},
		{"/api/v1/incidents?country=PK&kind=killed&min_count=10&min_sources=2&since=2026-11-20&until=2026-11-21T00:00:00Z&q=bomb&source=Geo", "", 200},
		{"/api/v1/incidents?place=1174872&near=24.9,67.1,500&admin1=05", "", 200},
		{"/api/v1/incidents?format=geojson", "", 200},
		{"/api/v1/incidents", "application/geo+json", 200},
		{"/api/v1/incidents/" + list.Incidents[0].ID, "", 200},
		{"/api/v1/incidents/inc-nope", "", 404},
		{"/api/v1/casualties/summary?count=incidents", "", 200},
		{"/api/v1/casualties/summary?count=articles&group_by=admin1", "", 200},
		{"/api/v1/casualties/summary?count=incidents&format=geojson", "", 200},
		{"/api/v1/incidents?min_sources=-1", "", 400},
	}
	for _, rq := range requests {
		r := get(t, srv, rq.path, "Accept", rq.accept)
		if r.status != rq.status {
			t.Errorf("%s: status %d, want %d: %s", rq.path, r.status, rq.status, r.body)
			continue
		}
		checkAgainstDoc(t, c, rq.path, r)
	}
}

func TestIncidentBadInput(t *testing.T) {
	srv, c := newIncidentServer(t), checker(t)
	tests := map[string]struct{ path, param string }{
		"min_sources":  {"/api/v1/incidents?min_sources=many", "min_sources"},
		"limit":        {"/api/v1/incidents?limit=0", "limit"},
		"near":         {"/api/v1/incidents?near=1,2", "near"},
		"kind":         {"/api/v1/incidents?kind=eaten", "kind"},
		"cursor":       {"/api/v1/incidents?cursor=garbage", "cursor"},
		"unknown":      {"/api/v1/incidents?group_by=day", "group_by"},
		"id parameter": {"/api/v1/incidents/x?y=1", "y"},
		"NUL in id":    {"/api/v1/incidents/a%00b", "id"},
		"count":        {"/api/v1/casualties/summary?count=reports", "count"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := get(t, srv, tc.path)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			if m := paramInError.FindSubmatch(r.body); m == nil || string(m[1]) != tc.param {
				t.Errorf("error %s does not name parameter %q", r.body, tc.param)
			}
			checkAgainstDoc(t, c, tc.path, r)
		})
	}
}

func TestIncidentDetailAndSummary(t *testing.T) {
	srv := newIncidentServer(t)
	var list api.IncidentList
	if err := json.Unmarshal(get(t, srv, "/api/v1/incidents?country=PK").body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Incidents) != 1 {
		t.Fatalf("PK incidents: %+v, want the one bombing", list.Incidents)
	}
	it := list.Incidents[0]
	if it.Articles != 3 || len(it.Sources) != 3 || it.Estimates.Killed != 15 {
		t.Errorf("bombing: %+v, want 3 articles from 3 sources, 15 killed", it)
	}
	var d store.IncidentDetail
	if err := json.Unmarshal(get(t, srv, "/api/v1/incidents/"+it.ID).body, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Members) != 3 || len(d.Tolls) != 1 || len(d.Tolls[0].History) != 3 || d.Tolls[0].Basis.ArticleID != "x3" {
		t.Errorf("detail: %+v", d)
	}
	summaryKilled := func(path string) map[string]int {
		t.Helper()
		var sum api.Summary
		if err := json.Unmarshal(get(t, srv, path).body, &sum); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, g := range sum.Groups {
			out[g.Key] = g.Totals.Killed
		}
		return out
	}
	if got := summaryKilled("/api/v1/casualties/summary"); got["PK"] != 15 || got["AF"] != 30 {
		t.Errorf("per incident: %v, want PK 15 (the estimate, not 8+11+15), AF 30", got)
	}
	if got := summaryKilled("/api/v1/casualties/summary?count=articles"); got["PK"] != 34 {
		t.Errorf("per article: %v, want PK 34", got)
	}
	// The summary's GeoJSON carries the incident count too.
	var sfc api.FeatureCollection
	if err := json.Unmarshal(get(t, srv, "/api/v1/casualties/summary?format=geojson").body, &sfc); err != nil {
		t.Fatal(err)
	}
	props := map[string]map[string]any{}
	for _, f := range sfc.Features {
		props[f.ID] = f.Properties
	}
	if pk := props["PK"]; pk == nil || pk["incidents"] != float64(1) || pk["articles"] != float64(3) || pk["count"] != "incidents" {
		t.Errorf("summary geojson PK: %+v, want 1 incident of 3 articles", pk)
	}
	// The GeoJSON list draws the same incidents as the JSON list.
	var fc api.FeatureCollection
	if err := json.Unmarshal(get(t, srv, "/api/v1/incidents?format=geojson&country=PK").body, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 || fc.Features[0].ID != it.ID || fc.Features[0].Geometry == nil ||
		fc.Features[0].Properties["casualties"] != float64(15) {
		t.Errorf("geojson: %+v", fc.Features)
	}
}
