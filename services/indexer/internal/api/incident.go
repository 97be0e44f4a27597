package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// MaxMinSources bounds min_sources; no event has more outlets than that.
const MaxMinSources = 10_000

// IncidentList is the body of GET /api/v1/incidents.
type IncidentList struct {
	Incidents []store.IncidentItem `json:"incidents"`
	// NextCursor continues the list; empty on the last page.
	NextCursor string `json:"next_cursor"`
}

func (h *Handler) incidents(w http.ResponseWriter, r *http.Request) error {
	p, err := newParams(r.URL.Query(), "since", "until", "country", "admin1", "place", "near", "kind", "min_count", "q", "source",
		"min_sources", "limit", "cursor")
	if err != nil {
		return err
	}
	format, err := p.format(r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	aq, err := articleQuery(p)
	if err != nil {
		return err
	}
	q := store.IncidentQuery{
		Since: aq.Since, Until: aq.Until, Country: aq.Country, Admin1: aq.Admin1, GeonameID: aq.GeonameID, Near: aq.Near,
		Kinds: aq.Kinds, MinCount: aq.MinCount, Text: aq.Text, Source: aq.Source, Limit: aq.Limit, After: aq.After,
	}
	if q.MinSources, err = p.intIn("min_sources", 0, 0, MaxMinSources); err != nil {
		return err
	}
	page, err := h.store.Incidents(r.Context(), q)
	if err != nil {
		return err
	}
	list := IncidentList{Incidents: page.Incidents}
	if list.Incidents == nil {
		list.Incidents = []store.IncidentItem{}
	}
	if page.Next != nil {
		list.NextCursor = page.Next.String()
	}
	if format == "geojson" {
		writeJSON(w, http.StatusOK, geoJSONType, incidentFeatures(list))
		return nil
	}
	writeJSON(w, http.StatusOK, "application/json", list)
	return nil
}

func (h *Handler) incident(w http.ResponseWriter, r *http.Request) error {
	if _, err := newParams(r.URL.Query()); err != nil {
		return err
	}
	id := r.PathValue("id")
	if id == "" || len(id) > 512 || strings.ContainsRune(id, 0) {
		return bad("id", "must be 1 to 512 bytes without NUL")
	}
	d, err := h.store.Incident(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, "application/json", d)
	return nil
}

// incidentFeatures places each incident at its focus, sized by the sum of
// its current estimates.
func incidentFeatures(list IncidentList) FeatureCollection {
	fc := collection(len(list.Incidents))
	fc.NextCursor = &list.NextCursor
	for _, it := range list.Incidents {
		props := map[string]any{
			"title":         it.Title,
			"first_report":  it.FirstReport.UTC().Format(time.RFC3339),
			"last_report":   it.LastReport.UTC().Format(time.RFC3339),
			"sources":       len(it.Sources),
			"article_count": it.Articles,
			"estimates":     it.Estimates,
			"casualties":    total(it.Estimates),
		}
		f := Feature{Type: "Feature", ID: it.ID, Properties: props}
		if p := it.Focus; p != nil {
			f.Geometry = point(p.Lat, p.Lon)
			props["place"] = p.Name
			props["country"] = p.Country
			props["admin1_code"] = p.Admin1Code
		}
		fc.Features = append(fc.Features, f)
	}
	return fc
}
