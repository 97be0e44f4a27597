package incident

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

var t0 = time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC)

// Places used by the tests (coordinates from GeoNames).
var (
	peshawar = &events.Place{ID: "geonames:1168197", Name: "Peshawar", Country: "PK", Admin1Code: "03", Admin2Code: "PSH",
		Lat: 34.008, Lon: 71.578, FeatureCode: "PPLA"}
	quetta = &events.Place{ID: "geonames:1167528", Name: "Quetta", Country: "PK", Admin1Code: "02", Admin2Code: "QTA",
		Lat: 30.187, Lon: 67.013, FeatureCode: "PPLA"}
	pakistan = &events.Place{ID: "geonames:1168579", Name: "Pakistan", Country: "PK", Lat: 30, Lon: 70, FeatureCode: "PCLI"}
)

// article builds an enriched article with one killed figure.
func article(id, source, title string, at time.Time, focus *events.Place, killed int, evidence string) events.EnrichedArticle {
	a := events.EnrichedArticle{
		RawArticle: events.RawArticle{ID: id, Revision: 1, Source: source, Title: title, PublishedAt: at},
		Focus:      focus,
	}
	if focus != nil {
		a.Places = []events.PlaceCount{{Place: *focus, Mentions: 1}}
		// The mention the enricher would have found in the title.
		if i := strings.Index(title, focus.Name); i >= 0 {
			a.Locations = []events.Location{{Place: *focus, Text: focus.Name, Confidence: 0.9,
				Span: events.Span{Field: events.FieldTitle, Start: i, End: i + len(focus.Name)}}}
		}
	}
	if killed > 0 {
		a.Totals.Killed = killed
		a.Casualties = []events.Casualty{{Kind: events.Killed, Count: killed, Min: killed, Max: killed,
			Qualifier: "exact", EvidenceText: evidence}}
	}
	return a
}

func TestAssign(t *testing.T) {
	tests := []struct {
		name     string
		articles []events.EnrichedArticle
		// want gives, per article, the index of the article whose
		// incident it must share (its own index: opens a new one).
		want []int
	}{
		{
			name: "outlets reporting one bombing join",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "Reuters", "Bomb explosion in Peshawar market leaves 12 dead", t0.Add(2*time.Hour), peshawar, 12, "12 dead"),
				article("c", "AFP", "Death toll in Peshawar market bombing rises to 20", t0.Add(20*time.Hour), peshawar, 20, "rises to 20"),
			},
			want: []int{0, 0, 0},
		},
		{
			name: "same day same district, different texts and counts stay apart",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "Dawn", "Police officer shot dead by gunmen on motorbike in Peshawar", t0.Add(3*time.Hour), peshawar, 1, "shot dead"),
			},
			want: []int{0, 1},
		},
		{
			name: "same words far apart are different events",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "Dawn", "Suicide blast at market kills 12", t0.Add(time.Hour), quetta, 12, "kills 12"),
			},
			want: []int{0, 1},
		},
		{
			name: "same story a week later is a new incident",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "Dawn", "Suicide blast at Peshawar market kills 12", t0.Add(7*24*time.Hour), peshawar, 12, "kills 12"),
			},
			want: []int{0, 1},
		},
		{
			name: "no place and no figure: one shared word is not enough",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "Dawn", "Markets rally as shares rose", t0.Add(time.Hour), nil, 0, ""),
			},
			want: []int{0, 1},
		},
		{
			name: "country-level focus joins only on strong text",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "AP", "Suicide bombing at crowded market kills 12 in Pakistan", t0.Add(time.Hour), pakistan, 12, "kills 12"),
				article("c", "AP", "Pakistan court adjourns hearing in treason case", t0.Add(2*time.Hour), pakistan, 0, ""),
			},
			want: []int{0, 0, 2},
		},
		{
			name: "a byline line follows its own outlet's story, not another's",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "AFP", "Police officer shot dead by gunmen in Quetta", t0.Add(time.Hour), quetta, 1, "shot dead"),
				article("c", "Dawn", "Saleem Shahid", t0.Add(2*time.Hour), nil, 0, ""),
				article("d", "Reuters", "Saleem Shahid", t0.Add(2*time.Hour), nil, 0, ""),
			},
			want: []int{0, 1, 0, 3},
		},
		{
			name: "a noise line draws nothing to its incident",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "(Updating toll)", t0, nil, 0, ""),
				article("b", "Reuters", "Updating toll", t0.Add(time.Hour), nil, 0, ""),
				article("c", "AFP", "(Updating toll)", t0.Add(2*time.Hour), nil, 0, ""),
			},
			want: []int{0, 1, 2},
		},
		{
			name: "a roundup neither joins nor is joined",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
				article("b", "BBC", "Programme summary of Peshawar TV news: blast at market kills 12", t0.Add(time.Hour), peshawar, 12, "kills 12"),
				article("c", "AFP", "Peshawar market blast kills 12", t0.Add(2*time.Hour), peshawar, 12, "kills 12"),
			},
			want: []int{0, 1, 0},
		},
		{
			name: "a far higher toll worded as a revision joins",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills at least 10", t0, peshawar, 10, "kills at least 10"),
				article("b", "AFP", "Peshawar market blast toll rises to 95", t0.Add(26*time.Hour), peshawar, 95, "toll rises to 95"),
			},
			want: []int{0, 0},
		},
		{
			name: "a far higher toll not worded as a revision is another event",
			articles: []events.EnrichedArticle{
				article("a", "Dawn", "Suicide blast at Peshawar market kills 10", t0, peshawar, 10, "kills 10"),
				article("b", "AFP", "Army says 95 militants killed in Peshawar operation", t0.Add(26*time.Hour), peshawar, 95, "95 militants killed"),
			},
			want: []int{0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClusterer(DefaultConfig())
			got := make([]*Incident, len(tt.articles))
			for i, a := range tt.articles {
				inc, created := c.Assign(a)
				got[i] = inc
				if created != (tt.want[i] == i) {
					t.Errorf("article %s: created = %v, want %v", a.ID, created, tt.want[i] == i)
				}
			}
			for i, w := range tt.want {
				if got[i] != got[w] {
					t.Errorf("article %s in %s, want with article %s in %s", tt.articles[i].ID, got[i].ID, tt.articles[w].ID, got[w].ID)
				}
				if w == i {
					for j := range i {
						if got[j] == got[i] {
							t.Errorf("article %s joined %s of article %s, want a new incident", tt.articles[i].ID, got[i].ID, tt.articles[j].ID)
						}
					}
				}
			}
		})
	}
}

func stream() []events.EnrichedArticle {
	return []events.EnrichedArticle{
		article("a", "Dawn", "Suicide blast at Peshawar market kills 12", t0, peshawar, 12, "kills 12"),
		article("b", "Dawn", "Police officer shot dead by gunmen in Quetta", t0.Add(time.Hour), quetta, 1, "shot dead"),
		article("c", "Reuters", "Bomb explosion in Peshawar market leaves 12 dead", t0.Add(2*time.Hour), peshawar, 12, "12 dead"),
		article("d", "AFP", "Gunmen kill policeman in Quetta", t0.Add(3*time.Hour), quetta, 1, "kill policeman"),
	}
}

func TestReplayKeepsIncidents(t *testing.T) {
	c := NewClusterer(DefaultConfig())
	first := map[string]string{}
	for _, a := range stream() {
		inc, _ := c.Assign(a)
		first[a.ID] = inc.ID
	}
	n := len(c.Incidents())
	// Replaying into the same clusterer, a revision included, opens nothing.
	for _, a := range stream() {
		a.Revision = 2
		a.Title += " (updated)"
		inc, created := c.Assign(a)
		if created || inc.ID != first[a.ID] {
			t.Errorf("replayed %s: incident %s created=%v, want %s", a.ID, inc.ID, created, first[a.ID])
		}
	}
	if got := len(c.Incidents()); got != n {
		t.Errorf("incidents after replay = %d, want %d", got, n)
	}
	for _, inc := range c.Incidents() {
		seen := map[string]bool{}
		for _, m := range inc.Members {
			if seen[m.ArticleID] {
				t.Errorf("incident %s holds article %s twice", inc.ID, m.ArticleID)
			}
			seen[m.ArticleID] = true
		}
	}
	// A fresh clusterer fed the same stream yields the same ids.
	fresh := NewClusterer(DefaultConfig())
	for _, a := range stream() {
		if inc, _ := fresh.Assign(a); inc.ID != first[a.ID] {
			t.Errorf("fresh run: %s in %s, want %s", a.ID, inc.ID, first[a.ID])
		}
	}
	if n != 2 {
		t.Errorf("incidents = %d, want 2 (a Peshawar bombing and a Quetta shooting)", n)
	}
}

func TestTollRevision(t *testing.T) {
	c := NewClusterer(DefaultConfig())
	c.Assign(article("a", "Dawn", "Suicide blast at Peshawar market kills at least 10", t0, peshawar, 10, "kills at least 10"))
	inc, _ := c.Assign(article("b", "Reuters", "Death toll in Peshawar market blast rises to 171", t0.Add(30*time.Hour), peshawar, 171,
		"the death toll rose to 171"))
	if got := inc.Estimate(events.Killed); got != 171 {
		t.Fatalf("estimate = %d, want 171 (the later revision)", got)
	}
	// An earlier article revised in place: history keeps one entry per article.
	rev := article("a", "Dawn", "Suicide blast at Peshawar market kills at least 14", t0, peshawar, 14, "kills at least 14")
	rev.Revision = 2
	inc, _ = c.Assign(rev)
	toll := inc.Tolls[0]
	if toll.Kind != events.Killed || len(toll.History) != 2 {
		t.Fatalf("tolls = %+v, want one killed toll with 2 reports", inc.Tolls)
	}
	counts := map[string]int{}
	for _, r := range toll.History {
		counts[r.ArticleID] = r.Count
	}
	if counts["a"] != 14 || counts["b"] != 171 {
		t.Errorf("history counts = %v, want a:14 b:171", counts)
	}
	if toll.Estimate != 171 || toll.Basis.ArticleID != "b" || toll.Basis.Evidence != "the death toll rose to 171" {
		t.Errorf("estimate %d from %+v, want 171 from b with its evidence", toll.Estimate, toll.Basis)
	}
}

func TestEstimate(t *testing.T) {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name    string
		history []Report
		want    int
	}{
		{"single", []Report{{At: at(0), Count: 10}}, 10},
		{"latest wins", []Report{{At: at(0), Count: 10}, {At: at(5), Count: 14}}, 14},
		{"order of arrival is not order of time", []Report{{At: at(5), Count: 14, Seq: 1}, {At: at(0), Count: 10, Seq: 2}}, 14},
		{"lone outlier set aside", []Report{{At: at(0), Count: 10}, {At: at(1), Count: 12}, {At: at(2), Count: 1000}}, 12},
		{"large revision kept", []Report{{At: at(0), Count: 10}, {At: at(30), Count: 171, Evidence: "death toll rose to 171"}}, 171},
		{"corroborated jump kept", []Report{{At: at(0), Count: 10}, {At: at(20), Count: 150}, {At: at(21), Count: 160}}, 160},
		{"same time: later arrival", []Report{{At: at(0), Count: 7, Seq: 1}, {At: at(0), Count: 9, Seq: 2}}, 9},
		{"lone low figure after agreeing reports set aside", []Report{{At: at(0), Count: 30}, {At: at(1), Count: 32}, {At: at(2), Count: 1}}, 32},
		{"a fall between two reports follows the latest", []Report{{At: at(0), Count: 30}, {At: at(1), Count: 25}}, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var history []Report // in arrival order, as an incident receives them
			for _, r := range tt.history {
				history = insertReport(history, r)
			}
			got, ok := estimate(history)
			if !ok || got.Count != tt.want {
				t.Errorf("estimate = %d (ok %v), want %d", got.Count, ok, tt.want)
			}
		})
	}
	if _, ok := estimate(nil); ok {
		t.Error("estimate(nil) ok, want false")
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		a, b string
		min  float64
		max  float64
	}{
		{"Suicide blast kills 12 in Peshawar", "Bomb explosion leaves 12 dead in Peshawar", 0.99, 1},
		{"Suicide blast kills 12 in Peshawar", "Court adjourns treason hearing", 0, 0},
		{"Militants attacked checkposts", "Militant attacks on checkpost", 0.99, 1},
		{"Air strikes kill militants", "Airstrike kills militant", 0.99, 1},
		{"Indian shelling kills two", "Indian firing kills two", 0.99, 1},
		{"Updating toll with details", "Reuters News", 0, 0},
	}
	for _, tt := range tests {
		if got := jaccard(tokens(tt.a), tokens(tt.b)); got < tt.min || got > tt.max {
			t.Errorf("jaccard(%q, %q) = %.2f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}

func TestNoiseAndRoundup(t *testing.T) {
	tests := []struct {
		title          string
		focus          *events.Place
		killed         int
		noise, roundup bool
	}{
		{"AU", nil, 0, true, false},
		{"BBC Monitoring", nil, 0, true, false},
		{"(Updating toll, inputs)", nil, 0, true, false},
		{"3 November 2010", nil, 0, true, false},
		{"Suicide blast kills 12 in Peshawar", peshawar, 12, false, false},
		{"20 killed", nil, 20, false, false},
		{"Programme summary of Pakistan's AVT Khyber News 1600 gmt 10 Jun 14", pakistan, 0, false, true},
		{"BBC Monitoring Pakistan morning media roundup 17 Dec 14", pakistan, 0, false, true},
		{"FACTBOX-Security developments in Pakistan, Jan 13", pakistan, 0, false, true},
		{"Pakistan summons Indian envoy over border attack", pakistan, 0, false, false},
	}
	for _, tt := range tests {
		f := Extract(article("x", "S", tt.title, t0, tt.focus, tt.killed, ""))
		if f.Noise != tt.noise || f.Roundup != tt.roundup {
			t.Errorf("%q: noise %v roundup %v, want %v %v", tt.title, f.Noise, f.Roundup, tt.noise, tt.roundup)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"same words", "militant cinema grenade", "grenade cinema militant", 1, 1},
		{"nothing shared", "militant cinema", "flood school", 0, 0},
		{"terse headline inside a longer text", "cinema grenade", "grenade thrown into crowded cinema hall injures viewers", 0.6, 0.7},
		{"long texts sharing one word", "grenade thrown into crowded cinema hall", "flood waters reach crowded school building", 0.1, 0.2},
	}
	for _, tt := range tests {
		if got := similarity(tokens(tt.a), tokens(tt.b)); got < tt.min || got > tt.max {
			t.Errorf("%s: similarity %.3f, want %.2f..%.2f", tt.name, got, tt.min, tt.max)
		}
	}
}

// BenchmarkAssign measures assignment of new articles against a clusterer
// already holding n articles spread over a year of incidents across many
// places. The article generator is inside the timed loop.
func BenchmarkAssign(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("large store skipped in -short")
			}
			c := NewClusterer(DefaultConfig())
			// The store spans a year whatever its size, so density grows
			// with n: about 3 reports per incident over 500 places.
			step := 365 * 24 * time.Hour / time.Duration(n/3)
			gen := func(i int) events.EnrichedArticle {
				ev := i / 3
				at := t0.Add(time.Duration(ev)*step + time.Duration(i%3)*time.Hour)
				p := *peshawar
				p.ID = fmt.Sprintf("geonames:%d", ev%500)
				p.Admin2Code = fmt.Sprint(ev % 500)
				p.Lat += float64(ev%500%25) * 0.5
				p.Lon += float64(ev%500/25) * 0.5
				return article(fmt.Sprintf("art-%d", i), "Dawn",
					fmt.Sprintf("Blast kills %d in village%d market near town%d", ev%40+1, ev%997, ev%389), at, &p, ev%40+1, "kills")
			}
			for i := range n {
				c.Assign(gen(i))
			}
			i := n
			b.ResetTimer()
			for b.Loop() {
				c.Assign(gen(i))
				i++
			}
		})
	}
}

func TestRetiredMembersKeepNoText(t *testing.T) {
	f := func(i int) Features {
		return Extract(article(fmt.Sprintf("a%02d", i), "Dawn", "Suicide blast at Peshawar market kills 10",
			t0.Add(time.Duration(i)*time.Minute), peshawar, 10, "kills 10"))
	}
	inc := Open(f(0))
	for i := 1; i < maxCompared+6; i++ {
		inc.Add(f(i), 0)
	}
	for i, m := range inc.Members {
		compared := i >= len(inc.Members)-maxCompared
		if got := len(m.Tokens) > 0; got != compared {
			t.Errorf("member %d of %d has tokens %v, want %v", i, len(inc.Members), got, compared)
		}
		if m.ArticleID == "" || m.At.IsZero() || m.Totals.Killed != 10 {
			t.Errorf("member %d lost what the detail shows: %+v", i, m)
		}
	}
}
