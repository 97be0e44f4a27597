package api_test

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

var now = storetest.T0.Add(24 * time.Hour)

func fixtures() []events.EnrichedArticle {
	h := time.Hour
	a := storetest.Article
	return []events.EnrichedArticle{
		a("k1", storetest.T0.Add(1*h), storetest.At(storetest.Karachi, 3), storetest.Hit(events.Killed, 12, "Twelve were killed."), storetest.Text("Bombing at a Karachi market", "Twelve killed."), storetest.Source("Dawn")),
		a("l1", storetest.T0.Add(2*h), storetest.At(storetest.Lahore, 1), storetest.Hit(events.Injured, 4, "Four were injured."), storetest.Source("Dawn")),
		a("p1", storetest.T0.Add(3*h), storetest.At(storetest.Peshawar, 2), storetest.Mentions(storetest.Karachi, 1), storetest.Hit(events.Killed, 2, "Two soldiers were killed.")),
		a("kb1", storetest.T0.Add(4*h), storetest.At(storetest.Kabul, 1), storetest.Hit(events.Killed, 30, "Thirty were killed."), storetest.Text("Explosion in Kabul", "A bombing.")),
		a("n1", storetest.T0.Add(5*h), storetest.Text("Markets rally", "Shares rose.")),
	}
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	drainIncidents(t, s)
	h, err := api.New(api.Config{Store: s, Metrics: prometheus.NewRegistry(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func checker(t *testing.T) schemaChecker {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &root); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return schemaChecker{root: root}
}

type response struct {
	status      int
	contentType string
	body        []byte
}

func get(t *testing.T, srv *httptest.Server, path string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return response{status: resp.StatusCode, contentType: ct, body: body}
}

// documentedPath maps a request path to its OpenAPI path template.
func documentedPath(p string) string {
	if strings.HasPrefix(p, "/api/v1/articles/") {
		return "/api/v1/articles/{id}"
	}
	if strings.HasPrefix(p, "/api/v1/incidents/") {
		return "/api/v1/incidents/{id}"
	}
	return p
}

// checkAgainstDoc validates a response against the OpenAPI document.
func checkAgainstDoc(t *testing.T, c schemaChecker, reqPath string, r response) {
	t.Helper()
	u, _ := url.Parse(reqPath)
	schema, err := c.responseSchema(documentedPath(u.Path), itoa(r.status), r.contentType)
	if err != nil {
		t.Errorf("%s: %v", reqPath, err)
		return
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Errorf("%s: body is not JSON: %v", reqPath, err)
		return
	}
	for _, e := range c.check(schema, v, "$") {
		t.Errorf("%s: %s", reqPath, e)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestResponsesMatchOpenAPI(t *testing.T) {
	srv, c := newServer(t), checker(t)
	requests := []struct {
		path   string
		accept string
		status int
	}{
		{"/api/v1/articles", "", 200},
		{"/api/v1/articles?limit=2", "", 200},
		{"/api/v1/articles?country=pk&kind=killed&min_count=1&since=2026-11-20&until=2026-11-21T00:00:00Z&q=bombing&source=Dawn", "", 200},
		{"/api/v1/articles?place=1174872&near=24.9,67.1,500&admin1=05", "", 200},
		{"/api/v1/articles?format=geojson", "", 200},
		{"/api/v1/articles", "application/geo+json", 200},
		{"/api/v1/articles/k1", "", 200},
		{"/api/v1/articles/n1", "", 200},
		{"/api/v1/articles/nope", "", 404},
		{"/api/v1/places/top", "", 200},
		{"/api/v1/places/top?country=PK&limit=2&format=geojson", "", 200},
		{"/api/v1/casualties/summary", "", 200},
		{"/api/v1/casualties/summary?group_by=admin1", "", 200},
		{"/api/v1/casualties/summary?group_by=day&format=geojson", "", 200},
		{"/api/v1/casualties/summary?group_by=day", "application/geo+json", 200},
		{"/api/v1/articles?limit=0", "", 400},
		{"/api/v1/openapi.json", "", 200},
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

func TestArticles(t *testing.T) {
	srv := newServer(t)
	tests := map[string]struct {
		query string
		want  []string
	}{
		"all newest first": {"", []string{"n1", "kb1", "p1", "l1", "k1"}},
		"limit":            {"limit=2", []string{"n1", "kb1"}},
		"country":          {"country=PK", []string{"p1", "l1", "k1"}},
		"country lower":    {"country=pk", []string{"p1", "l1", "k1"}},
		"admin1":           {"country=PK&admin1=04", []string{"l1"}},
		"place":            {"place=1174872", []string{"p1", "k1"}},
		"near":             {"near=34.0,71.5,300", []string{"kb1", "p1"}},
		"kind":             {"kind=killed", []string{"kb1", "p1", "k1"}},
		"kinds and min":    {"kind=killed,injured&min_count=4", []string{"kb1", "l1", "k1"}},
		"min_count":        {"min_count=13", []string{"kb1"}},
		"q":                {"q=bombing", []string{"kb1", "k1"}},
		"source":           {"source=Dawn", []string{"l1", "k1"}},
		"since until":      {"since=2026-11-20T14:00:00Z&until=2026-11-20T16:00:00Z", []string{"p1", "l1"}},
		"offset time":      {"since=2026-11-20T20:00:00%2B05:00", []string{"n1", "kb1", "p1"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := get(t, srv, "/api/v1/articles?"+tc.query)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var list api.ArticleList
			if err := json.Unmarshal(r.body, &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range list.Articles {
				got = append(got, a.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPaginationOverHTTP(t *testing.T) {
	srv := newServer(t)
	var got []string
	path := "/api/v1/articles?limit=2"
	for pages := 0; pages < 10; pages++ {
		r := get(t, srv, path)
		var list api.ArticleList
		if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 {
			t.Fatalf("status %d, %v: %s", r.status, err, r.body)
		}
		for _, a := range list.Articles {
			got = append(got, a.ID)
		}
		if list.NextCursor == "" {
			break
		}
		path = "/api/v1/articles?limit=2&cursor=" + url.QueryEscape(list.NextCursor)
	}
	if want := []string{"n1", "kb1", "p1", "l1", "k1"}; !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
}

func TestGeoJSONMatchesJSON(t *testing.T) {
	srv := newServer(t)
	var list api.ArticleList
	if err := json.Unmarshal(get(t, srv, "/api/v1/articles?country=PK").body, &list); err != nil {
		t.Fatal(err)
	}
	var fc api.FeatureCollection
	r := get(t, srv, "/api/v1/articles?country=PK", "Accept", "application/geo+json")
	if r.contentType != "application/geo+json" {
		t.Errorf("content type %q", r.contentType)
	}
	if err := json.Unmarshal(r.body, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != len(list.Articles) {
		t.Fatalf("%d features for %d articles", len(fc.Features), len(list.Articles))
	}
	for i, f := range fc.Features {
		a := list.Articles[i]
		if f.ID != a.ID || f.Geometry == nil || f.Geometry.Coordinates != [2]float64{a.Focus.Lon, a.Focus.Lat} {
			t.Errorf("feature %d = %+v, want %s at its focus (lon, lat)", i, f, a.ID)
		}
	}
}

var paramInError = regexp.MustCompile(`"parameter":"([a-z0-9_]+)"`)

func TestBadInput(t *testing.T) {
	srv := newServer(t)
	tests := map[string]struct {
		path  string
		param string
	}{
		"limit zero":         {"/api/v1/articles?limit=0", "limit"},
		"limit too big":      {"/api/v1/articles?limit=501", "limit"},
		"limit not a number": {"/api/v1/articles?limit=ten", "limit"},
		"since format":       {"/api/v1/articles?since=yesterday", "since"},
		"until before since": {"/api/v1/articles?since=2026-11-21&until=2026-11-20", "until"},
		"country":            {"/api/v1/articles?country=Pakistan", "country"},
		"admin1":             {"/api/v1/articles?admin1=05%27%20DROP", "admin1"},
		"place":              {"/api/v1/articles?place=-3", "place"},
		"near parts":         {"/api/v1/articles?near=1,2", "near"},
		"near lat":           {"/api/v1/articles?near=91,2,3", "near"},
		"near radius":        {"/api/v1/articles?near=1,2,5000", "near"},
		"near NaN":           {"/api/v1/articles?near=NaN,2,3", "near"},
		"kind":               {"/api/v1/articles?kind=killed,eaten", "kind"},
		"min_count":          {"/api/v1/articles?min_count=-1", "min_count"},
		"q without words":    {"/api/v1/articles?q=***", "q"},
		"q too long":         {"/api/v1/articles?q=" + strings.Repeat("a", 201), "q"},
		"cursor":             {"/api/v1/articles?cursor=garbage", "cursor"},
		"unknown parameter":  {"/api/v1/articles?contry=PK", "contry"},
		"repeated parameter": {"/api/v1/articles?country=PK&country=IN", "country"},
		"format":             {"/api/v1/articles?format=xml", "format"},
		"group_by":           {"/api/v1/casualties/summary?group_by=week", "group_by"},
		"summary range":      {"/api/v1/casualties/summary?since=2020-01-01", "since"},
		"top range":          {"/api/v1/places/top?since=2024-01-01&until=2026-01-01", "since"},
		"top limit":          {"/api/v1/places/top?limit=100000", "limit"},
		"top country":        {"/api/v1/places/top?country=P1", "country"},
		"article param":      {"/api/v1/articles/k1?x=1", "x"},
		"NUL in source":      {"/api/v1/articles?source=a%00b", "source"},
		"NUL in id":          {"/api/v1/articles/a%00b", "id"},
	}
	c := checker(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := get(t, srv, tc.path)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			m := paramInError.FindSubmatch(r.body)
			if m == nil || string(m[1]) != tc.param {
				t.Errorf("error %s does not name parameter %q", r.body, tc.param)
			}
			checkAgainstDoc(t, c, tc.path, r)
		})
	}
}

func TestReadOnly(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/api/v1/articles", "/api/v1/articles/k1", "/api/v1/places/top", "/api/v1/casualties/summary"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{}`))
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", method, path, resp.StatusCode)
			}
		}
	}
	var list api.ArticleList
	if err := json.Unmarshal(get(t, srv, "/api/v1/articles").body, &list); err != nil || len(list.Articles) != 5 {
		t.Errorf("articles after write attempts: %d, %v", len(list.Articles), err)
	}
}

// TestDocumentedParametersAccepted keeps the handlers and the document in
// step: every documented query parameter is accepted with a sample value.
func TestDocumentedParametersAccepted(t *testing.T) {
	srv := newServer(t)
	samples := map[string]string{
		"since": "2026-11-20", "until": "2026-11-21", "country": "PK", "admin1": "05", "place": "1174872",
		"near": "24.9,67.1,50", "kind": "killed", "min_count": "1", "q": "bombing", "source": "Dawn",
		"limit": "5", "cursor": "", "format": "geojson", "group_by": "day", "min_sources": "1", "count": "articles",
	}
	var doc struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Name string `json:"name"`
					In   string `json:"in"`
				} `json:"parameters"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var list api.ArticleList
	if err := json.Unmarshal(get(t, srv, "/api/v1/articles?limit=1").body, &list); err != nil {
		t.Fatal(err)
	}
	samples["cursor"] = list.NextCursor
	for path, item := range doc.Paths {
		for _, p := range item.Get.Parameters {
			if p.In != "query" {
				continue
			}
			v, ok := samples[p.Name]
			if !ok {
				t.Errorf("%s: no sample for documented parameter %q", path, p.Name)
				continue
			}
			r := get(t, srv, path+"?"+p.Name+"="+url.QueryEscape(v))
			if r.status != 200 {
				t.Errorf("%s?%s=%s: status %d: %s", path, p.Name, v, r.status, r.body)
			}
		}
	}
}

func TestSummaryAndTopPlaces(t *testing.T) {
	srv := newServer(t)
	var sum api.Summary
	if err := json.Unmarshal(get(t, srv, "/api/v1/casualties/summary?group_by=country").body, &sum); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]int{}
	for _, g := range sum.Groups {
		byKey[g.Key] = g.Totals.Killed
	}
	if byKey["PK"] != 14 || byKey["AF"] != 30 {
		t.Errorf("killed by country = %v, want PK 14, AF 30", byKey)
	}
	if !sum.Until.Equal(now) || !sum.Since.Equal(now.Add(-api.DefaultAggregateRange)) {
		t.Errorf("window = %v..%v, want the default 30 days to now", sum.Since, sum.Until)
	}
	var top api.PlaceList
	if err := json.Unmarshal(get(t, srv, "/api/v1/places/top?country=PK").body, &top); err != nil {
		t.Fatal(err)
	}
	if len(top.Places) != 3 || top.Places[0].Place.Name != "Karachi" || top.Places[0].Articles != 2 {
		t.Errorf("top places = %+v, want Karachi first with 2 articles", top.Places)
	}
}
