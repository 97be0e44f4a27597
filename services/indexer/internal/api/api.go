// Package api owns the indexer's read-only HTTP JSON query API under
// /api/v1: articles with filters and cursor pagination, single articles, top
// places and casualty summaries, each list also as GeoJSON, and the OpenAPI
// document that describes them.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Reader is the part of the store the API reads. Implementations must be
// safe for concurrent use.
type Reader interface {
	Articles(ctx context.Context, q store.ArticleQuery) (store.ArticlePage, error)
	Article(ctx context.Context, id string) (events.EnrichedArticle, error)
	TopPlaces(ctx context.Context, q store.PlaceQuery) ([]store.PlaceStat, error)
	CasualtySummary(ctx context.Context, q store.SummaryQuery) ([]store.SummaryGroup, error)
	Incidents(ctx context.Context, q store.IncidentQuery) (store.IncidentPage, error)
	Incident(ctx context.Context, id string) (store.IncidentDetail, error)
	IncidentSummary(ctx context.Context, q store.SummaryQuery) ([]store.SummaryGroup, error)
}

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's OpenAPI 3.1 document.
func OpenAPI() []byte { return openAPI }

// Config is what New needs.
type Config struct {
	Store   Reader
	Logger  *slog.Logger
	Metrics prometheus.Registerer
	// Now is the clock for default windows (default time.Now).
	Now func() time.Time
}

// Handler serves the API.
type Handler struct {
	store    Reader
	log      *slog.Logger
	now      func() time.Time
	mux      *http.ServeMux
	duration *prometheus.HistogramVec
}

// New builds the handler and registers its metrics.
func New(cfg Config) (*Handler, error) {
	h := &Handler{store: cfg.Store, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux()}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "newsflow_indexer_http_request_duration_seconds",
		Help:    "Time to answer API requests, by route and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "code"})
	if cfg.Metrics != nil {
		if err := cfg.Metrics.Register(h.duration); err != nil {
			return nil, err
		}
	}
	routes := map[string]func(http.ResponseWriter, *http.Request) error{
		"GET /api/v1/articles":           h.articles,
		"GET /api/v1/articles/{id}":      h.article,
		"GET /api/v1/places/top":         h.topPlaces,
		"GET /api/v1/casualties/summary": h.summary,
		"GET /api/v1/openapi.json":       h.openAPI,
		"GET /api/v1/incidents":          h.incidents,
		"GET /api/v1/incidents/{id}":     h.incident,
	}
	for pattern, fn := range routes {
		h.mux.Handle(pattern, h.wrap(pattern, fn))
	}
	// Without this, other methods on our paths would fall through to the
	// JSON 404 below rather than get a 405.
	h.mux.Handle("/api/", h.wrap("other", func(w http.ResponseWriter, r *http.Request) error {
		asGet := r.Clone(r.Context())
		asGet.Method = http.MethodGet
		if _, pattern := h.mux.Handler(asGet); pattern != "/api/" {
			w.Header().Set("Allow", "GET, HEAD")
			return &httpError{status: http.StatusMethodNotAllowed, msg: "the API is read-only: use GET"}
		}
		return &httpError{status: http.StatusNotFound, msg: "no such endpoint"}
	}))
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// statusWriter remembers the status for the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (h *Handler) wrap(route string, fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if err := fn(sw, r); err != nil {
			h.fail(sw, r, err)
		}
		h.duration.WithLabelValues(route, strconv.Itoa(sw.status)).Observe(time.Since(start).Seconds())
	})
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		pe *paramError
		he *httpError
	)
	switch {
	case errors.As(err, &pe):
		writeJSON(w, http.StatusBadRequest, "application/json", errorBody{Error: pe.Error(), Parameter: pe.Param})
	case errors.As(err, &he):
		writeJSON(w, he.status, "application/json", errorBody{Error: he.msg})
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, "application/json", errorBody{Error: "article not found"})
	case errors.Is(err, store.ErrNoIncident):
		writeJSON(w, http.StatusNotFound, "application/json", errorBody{Error: "incident not found"})
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		w.WriteHeader(499)
	default:
		h.log.ErrorContext(r.Context(), "api request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
		writeJSON(w, http.StatusInternalServerError, "application/json", errorBody{Error: "internal error"})
	}
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"encode response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// ArticleList is the body of GET /api/v1/articles.
type ArticleList struct {
	Articles []events.EnrichedArticle `json:"articles"`
	// NextCursor continues the list; empty on the last page.
	NextCursor string `json:"next_cursor"`
}

func (h *Handler) articles(w http.ResponseWriter, r *http.Request) error {
	p, err := newParams(r.URL.Query(), "since", "until", "country", "admin1", "place", "near", "kind", "min_count", "q", "source", "limit", "cursor")
	if err != nil {
		return err
	}
	format, err := p.format(r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	q, err := articleQuery(p)
	if err != nil {
		return err
	}
	page, err := h.store.Articles(r.Context(), q)
	if err != nil {
		return err
	}
	list := ArticleList{Articles: make([]events.EnrichedArticle, 0, len(page.Articles))}
	for _, a := range page.Articles {
		list.Articles = append(list.Articles, normalise(a))
	}
	if page.Next != nil {
		list.NextCursor = page.Next.String()
	}
	if format == "geojson" {
		writeJSON(w, http.StatusOK, geoJSONType, articleFeatures(list))
		return nil
	}
	writeJSON(w, http.StatusOK, "application/json", list)
	return nil
}

// normalise replaces null lists with empty ones so clients need not check.
func normalise(a events.EnrichedArticle) events.EnrichedArticle {
	if a.Locations == nil {
		a.Locations = []events.Location{}
	}
	if a.Places == nil {
		a.Places = []events.PlaceCount{}
	}
	if a.Casualties == nil {
		a.Casualties = []events.Casualty{}
	}
	return a
}

func (h *Handler) article(w http.ResponseWriter, r *http.Request) error {
	if _, err := newParams(r.URL.Query()); err != nil {
		return err
	}
	id := r.PathValue("id")
	if id == "" || len(id) > 512 || strings.ContainsRune(id, 0) {
		return bad("id", "must be 1 to 512 bytes without NUL")
	}
	a, err := h.store.Article(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, "application/json", normalise(a))
	return nil
}

// PlaceList is the body of GET /api/v1/places/top.
type PlaceList struct {
	Since  time.Time         `json:"since"`
	Until  time.Time         `json:"until"`
	Places []store.PlaceStat `json:"places"`
}

func (h *Handler) topPlaces(w http.ResponseWriter, r *http.Request) error {
	p, err := newParams(r.URL.Query(), "since", "until", "country", "limit")
	if err != nil {
		return err
	}
	format, err := p.format(r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	now := h.now().UTC()
	var q store.PlaceQuery
	if q.Since, q.Until, err = p.aggregateRange(now); err != nil {
		return err
	}
	if q.Country, err = p.country(); err != nil {
		return err
	}
	if q.Limit, err = p.intIn("limit", DefaultTopPlaces, 1, store.MaxLimit); err != nil {
		return err
	}
	stats, err := h.store.TopPlaces(r.Context(), q)
	if err != nil {
		return err
	}
	list := PlaceList{Since: q.Since, Until: orNow(q.Until, now), Places: stats}
	if format == "geojson" {
		writeJSON(w, http.StatusOK, geoJSONType, placeFeatures(list))
		return nil
	}
	writeJSON(w, http.StatusOK, "application/json", list)
	return nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// Summary is the body of GET /api/v1/casualties/summary.
type Summary struct {
	Since   time.Time     `json:"since"`
	Until   time.Time     `json:"until"`
	GroupBy store.GroupBy `json:"group_by"`
	// Count is what each group counts: incidents (their current
	// estimates, each once) or articles (each article's own totals).
	Count  string               `json:"count"`
	Groups []store.SummaryGroup `json:"groups"`
}

func (h *Handler) summary(w http.ResponseWriter, r *http.Request) error {
	p, err := newParams(r.URL.Query(), "since", "until", "country", "group_by", "count")
	if err != nil {
		return err
	}
	format, err := p.format(r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	now := h.now().UTC()
	var q store.SummaryQuery
	if q.Since, q.Until, err = p.aggregateRange(now); err != nil {
		return err
	}
	if q.Country, err = p.country(); err != nil {
		return err
	}
	switch g := store.GroupBy(p.str("group_by")); g {
	case "":
		q.GroupBy = store.ByCountry
	case store.ByCountry, store.ByAdmin1, store.ByDay:
		q.GroupBy = g
	default:
		return bad("group_by", "must be country, admin1 or day, got %q", g)
	}
	// Incidents by default: ten reports of one bombing are one bombing.
	sum := h.store.IncidentSummary
	switch c := p.str("count"); c {
	case "", "incidents":
	case "articles":
		sum = h.store.CasualtySummary
	default:
		return bad("count", "must be incidents or articles, got %q", c)
	}
	groups, err := sum(r.Context(), q)
	if err != nil {
		return err
	}
	s := Summary{Since: q.Since, Until: orNow(q.Until, now), GroupBy: q.GroupBy, Count: p.str("count"), Groups: groups}
	if s.Count == "" {
		s.Count = "incidents"
	}
	if format == "geojson" {
		writeJSON(w, http.StatusOK, geoJSONType, summaryFeatures(s))
		return nil
	}
	writeJSON(w, http.StatusOK, "application/json", s)
	return nil
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
	return nil
}
