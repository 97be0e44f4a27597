package storetest

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// RunPlans checks that the planned near and full-text queries (time
// windows, grid cells, see store.ArticlePlans) return exactly what a
// brute-force filter of the same articles returns, page after page. It
// fills s with a year of synthetic articles, dense around the fixture
// cities and sparse elsewhere, so every plan answers some of the queries.
func RunPlans(t *testing.T, s store.Store) {
	const n = 4000
	ctx := context.Background()
	syn := NewSynth(n, T0)
	if _, err := Fill(ctx, s, syn, 0, n, 500); err != nil {
		t.Fatal(err)
	}
	all := make([]events.EnrichedArticle, n)
	for i := range all {
		all[i] = syn.Article(i)
	}
	month := T0.Add(-30 * 24 * time.Hour)
	tests := map[string]store.ArticleQuery{
		"near dense":             {Near: &store.Circle{Lat: 24.86, Lon: 67.01, KM: 50}},
		"near wide":              {Near: &store.Circle{Lat: 31.5, Lon: 74.3, KM: 400}},
		"near very wide":         {Near: &store.Circle{Lat: 28, Lon: 75, KM: 1000}},
		"near sparse":            {Near: &store.Circle{Lat: 23.0, Lon: 88.6, KM: 60}},
		"near empty":             {Near: &store.Circle{Lat: 10, Lon: 60, KM: 100}},
		"near and country":       {Near: &store.Circle{Lat: 34.3, Lon: 70, KM: 250}, Country: "AF"},
		"near until":             {Near: &store.Circle{Lat: 24.86, Lon: 67.01, KM: 80}, Until: month},
		"near since":             {Near: &store.Circle{Lat: 19.07, Lon: 72.88, KM: 120}, Since: month},
		"text common":            {Text: "flood"},
		"text two words":         {Text: "bombing market"},
		"text and country, week": {Text: "drone", Country: "PK", Since: T0.Add(-7 * 24 * time.Hour)},
		"text and since":         {Text: "market", Since: month},
		"text until":             {Text: "rescue", Until: month},
	}
	for name, q := range tests {
		t.Run(name, func(t *testing.T) {
			want := bruteForce(all, q)
			var got []string
			q.Limit = 20
			for page := 0; ; page++ {
				p, err := s.Articles(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range p.Articles {
					got = append(got, a.ID)
				}
				if p.Next == nil || page > n/q.Limit {
					break
				}
				q.After = p.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d articles, want %d\n got %.300v\nwant %.300v", len(got), len(want), got, want)
			}
		})
	}
}

// bruteForce filters articles as the store's query semantics say, newest
// first. It covers the filters RunPlans uses; text words are matched as
// whole words, which the synthetic vocabulary keeps equal to stemming.
func bruteForce(all []events.EnrichedArticle, q store.ArticleQuery) []string {
	var out []events.EnrichedArticle
	for _, a := range all {
		at := a.PublishedAt.UTC().Truncate(time.Microsecond)
		if (!q.Since.IsZero() && at.Before(q.Since)) || (!q.Until.IsZero() && !at.Before(q.Until)) {
			continue
		}
		p, ok := store.Primary(a)
		if q.Country != "" && (!ok || p.Country != q.Country) {
			continue
		}
		if c := q.Near; c != nil && (!ok || !inCircle(*c, p.Lat, p.Lon)) {
			continue
		}
		if q.Text != "" && !hasWords(a, store.Words(q.Text)) {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b events.EnrichedArticle) int {
		if c := b.PublishedAt.Truncate(time.Microsecond).Compare(a.PublishedAt.Truncate(time.Microsecond)); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	ids := make([]string, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	return ids
}

func inCircle(c store.Circle, lat, lon float64) bool {
	dLat := c.KM / (6371.0088 * math.Pi / 180)
	cos := max(math.Cos(c.Lat*math.Pi/180), 0.01)
	dLon := dLat / cos
	if math.Abs(lat-c.Lat) > dLat || math.Abs(lon-c.Lon) > dLon {
		return false
	}
	return (lat-c.Lat)*(lat-c.Lat)+(lon-c.Lon)*(lon-c.Lon)*cos*cos <= dLat*dLat
}

func hasWords(a events.EnrichedArticle, words []string) bool {
	have := map[string]bool{}
	for _, s := range []string{a.Title, a.Summary, a.Text} {
		for _, w := range store.Words(s) {
			have[w] = true
		}
	}
	for _, w := range words {
		if !have[w] {
			return false
		}
	}
	return true
}
