package api

import (
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

const geoJSONType = "application/geo+json"

// FeatureCollection is an RFC 7946 GeoJSON feature collection.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
	// NextCursor continues an article list; foreign members are allowed by
	// RFC 7946 section 6.1.
	NextCursor *string `json:"next_cursor,omitempty"`
}

// Feature is one GeoJSON feature; Geometry is null for items without a
// position.
type Feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id,omitempty"`
	Geometry   *Point         `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// Point is a GeoJSON point; coordinates are longitude, latitude.
type Point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func point(lat, lon float64) *Point {
	return &Point{Type: "Point", Coordinates: [2]float64{lon, lat}}
}

func collection(n int) FeatureCollection {
	return FeatureCollection{Type: "FeatureCollection", Features: make([]Feature, 0, n)}
}

// articleFeatures places each article at its primary place, with what the
// map needs to draw and list it.
func articleFeatures(list ArticleList) FeatureCollection {
	fc := collection(len(list.Articles))
	fc.NextCursor = &list.NextCursor
	for _, a := range list.Articles {
		props := map[string]any{
			"title":        a.Title,
			"url":          a.URL,
			"source":       a.Source,
			"published_at": a.PublishedAt.UTC().Format(time.RFC3339),
			"totals":       a.Totals,
			"casualties":   total(a.Totals),
		}
		if len(a.Casualties) > 0 {
			props["evidence"] = a.Casualties[0].EvidenceText
		}
		f := Feature{Type: "Feature", ID: a.ID, Properties: props}
		if p, ok := store.Primary(a); ok {
			f.Geometry = point(p.Lat, p.Lon)
			props["place"] = p.Name
			props["country"] = p.Country
			props["admin1_code"] = p.Admin1Code
		}
		fc.Features = append(fc.Features, f)
	}
	return fc
}

func total(t events.Totals) int {
	n := 0
	for _, k := range events.Kinds {
		n += t.Get(k)
	}
	return n
}

func placeFeatures(list PlaceList) FeatureCollection {
	fc := collection(len(list.Places))
	for _, st := range list.Places {
		fc.Features = append(fc.Features, Feature{
			Type: "Feature", ID: st.Place.ID, Geometry: point(st.Place.Lat, st.Place.Lon),
			Properties: map[string]any{
				"name": st.Place.Name, "geonameid": st.Place.GeonameID, "country": st.Place.Country,
				"admin1_code": st.Place.Admin1Code, "articles": st.Articles, "mentions": st.Mentions,
			},
		})
	}
	return fc
}

func summaryFeatures(s Summary) FeatureCollection {
	fc := collection(len(s.Groups))
	for _, g := range s.Groups {
		f := Feature{Type: "Feature", ID: g.Key, Properties: map[string]any{
			"key": g.Key, "group_by": s.GroupBy, "count": s.Count, "articles": g.Articles, "totals": g.Totals,
		}}
		if g.Incidents != nil {
			f.Properties["incidents"] = *g.Incidents
		}
		if g.Lat != nil && g.Lon != nil {
			f.Geometry = point(*g.Lat, *g.Lon)
		}
		fc.Features = append(fc.Features, f)
	}
	return fc
}
