// Package storetest is the conformance suite every store.Store
// implementation must pass, with the fixtures it uses.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Open returns a new, empty store; the suite closes it.
type Open func(t *testing.T) store.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Open) {
	tests := map[string]func(*testing.T, store.Store){
		"RoundTrip":             testRoundTrip,
		"ReplayIsNoOp":          testReplayIsNoOp,
		"NewerRevisionReplaces": testNewerRevisionReplaces,
		"NewerEnricherReplaces": testNewerEnricherReplaces,
		"OlderVersionIgnored":   testOlderVersionIgnored,
		"DuplicatesInBatch":     testDuplicatesInBatch,
		"Filters":               testFilters,
		"Pagination":            testPagination,
		"NotFound":              testNotFound,
		"TopPlaces":             testTopPlaces,
		"CasualtySummary":       testCasualtySummary,
		"ArticleWithoutPlace":   testArticleWithoutPlace,
		"HostileText":           testHostileText,
		"CanceledContext":       testCanceledContext,
		"AwkwardText":           testAwkwardText,
	}
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			test(t, s)
		})
	}
	runIncidents(t, open)
}

func upsert(t *testing.T, s store.Store, batch ...events.EnrichedArticle) store.UpsertResult {
	t.Helper()
	res, err := s.Upsert(context.Background(), batch)
	if err != nil {
		t.Fatalf("upsert: %v", err)
	}
	return res
}

func ids(t *testing.T, s store.Store, q store.ArticleQuery) []string {
	t.Helper()
	page, err := s.Articles(context.Background(), q)
	if err != nil {
		t.Fatalf("articles %+v: %v", q, err)
	}
	out := []string{}
	for _, a := range page.Articles {
		out = append(out, a.ID)
	}
	return out
}

func summary(t *testing.T, s store.Store, q store.SummaryQuery) map[string]store.SummaryGroup {
	t.Helper()
	groups, err := s.CasualtySummary(context.Background(), q)
	if err != nil {
		t.Fatalf("summary %+v: %v", q, err)
	}
	out := map[string]store.SummaryGroup{}
	for _, g := range groups {
		if _, dup := out[g.Key]; dup {
			t.Errorf("summary: key %q twice", g.Key)
		}
		out[g.Key] = g
	}
	return out
}

func checkResult(t *testing.T, got store.UpsertResult, inserted, replaced, unchanged int) {
	t.Helper()
	if got.Inserted != inserted || got.Replaced != replaced || got.Unchanged != unchanged {
		t.Errorf("upsert result = inserted %d replaced %d unchanged %d, want %d %d %d",
			got.Inserted, got.Replaced, got.Unchanged, inserted, replaced, unchanged)
	}
	if len(got.New) != inserted {
		t.Errorf("upsert listed %d new articles, want %d", len(got.New), inserted)
	}
}

// canonical encodes a for comparison, with times in UTC.
func canonical(t *testing.T, a events.EnrichedArticle) string {
	t.Helper()
	a.PublishedAt, a.FetchedAt, a.EnrichedAt = a.PublishedAt.UTC(), a.FetchedAt.UTC(), a.EnrichedAt.UTC()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testRoundTrip(t *testing.T, s store.Store) {
	a := Article("rt", T0.Add(123456789*time.Nanosecond), At(Karachi, 2), Mentions(Lahore, 1),
		Hit(events.Killed, 3, "Three people were killed in Karachi."), Hit(events.Injured, 7, "Seven were injured."))
	a.Casualties[0].Group = "civilians"
	a.CountryHint = "PK"
	checkResult(t, upsert(t, s, a), 1, 0, 0)
	got, err := s.Article(context.Background(), "rt")
	if err != nil {
		t.Fatalf("article: %v", err)
	}
	if g, w := canonical(t, got), canonical(t, a); g != w {
		t.Errorf("stored article differs\n got %s\nwant %s", g, w)
	}
	page, err := s.Articles(context.Background(), store.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != 1 || canonical(t, page.Articles[0]) != canonical(t, a) {
		t.Errorf("articles = %+v, want the stored article", page.Articles)
	}
	if page.Next != nil {
		t.Errorf("next cursor = %v on the only page", page.Next)
	}
}

func testReplayIsNoOp(t *testing.T, s store.Store) {
	a := Article("a", T0, At(Karachi, 1), Hit(events.Killed, 4, "Four were killed."), Text("Blast in Karachi", "A blast in Karachi killed four."))
	b := Article("b", T0.Add(time.Hour), At(Karachi, 1), Hit(events.Killed, 1, "One was killed."))
	checkResult(t, upsert(t, s, a, b), 2, 0, 0)
	for range 3 {
		checkResult(t, upsert(t, s, b, a), 0, 0, 2)
	}
	if got := ids(t, s, store.ArticleQuery{}); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("articles = %v, want [b a]", got)
	}
	g := summary(t, s, store.SummaryQuery{GroupBy: store.ByCountry})["PK"]
	if g.Articles != 2 || g.Totals.Killed != 5 {
		t.Errorf("PK summary after replays = %d articles, %d killed; want 2, 5", g.Articles, g.Totals.Killed)
	}
	top, err := s.TopPlaces(context.Background(), store.PlaceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top[0].Articles != 2 || top[0].Mentions != 2 {
		t.Errorf("top places after replays = %+v, want Karachi with 2 articles", top)
	}
	if got := ids(t, s, store.ArticleQuery{Text: "blast"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("text search after replays = %v, want [a]", got)
	}
}

func testNewerRevisionReplaces(t *testing.T, s store.Store) {
	v1 := Article("x", T0, At(Karachi, 1), Hit(events.Killed, 2, "Two killed."), Text("Blast in Karachi", "Bomb blast."))
	v2 := Article("x", T0.Add(time.Minute), Version(2, "1.0.0"), At(Lahore, 1), Hit(events.Injured, 9, "Nine injured."), Text("Flood in Lahore", "Flooding."))
	checkResult(t, upsert(t, s, v1), 1, 0, 0)
	checkResult(t, upsert(t, s, v2), 0, 1, 0)
	got, err := s.Article(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || got.Title != "Flood in Lahore" {
		t.Errorf("stored revision %d %q, want 2 %q", got.Revision, got.Title, "Flood in Lahore")
	}
	checks := map[string]struct {
		q    store.ArticleQuery
		want []string
	}{
		"old place":     {store.ArticleQuery{GeonameID: Karachi.GeonameID}, []string{}},
		"new place":     {store.ArticleQuery{GeonameID: Lahore.GeonameID}, []string{"x"}},
		"old admin1":    {store.ArticleQuery{Country: "PK", Admin1: "05"}, []string{}},
		"new admin1":    {store.ArticleQuery{Country: "PK", Admin1: "04"}, []string{"x"}},
		"old word":      {store.ArticleQuery{Text: "blast"}, []string{}},
		"new word":      {store.ArticleQuery{Text: "flood"}, []string{"x"}},
		"old kind":      {store.ArticleQuery{Kinds: []events.Kind{events.Killed}}, []string{}},
		"new kind":      {store.ArticleQuery{Kinds: []events.Kind{events.Injured}, MinCount: 9}, []string{"x"}},
		"old published": {store.ArticleQuery{Until: T0.Add(time.Second)}, []string{}},
	}
	for name, c := range checks {
		if got := ids(t, s, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%s: articles = %v, want %v", name, got, c.want)
		}
	}
	sum := summary(t, s, store.SummaryQuery{GroupBy: store.ByCountry})
	if g := sum["PK"]; g.Articles != 1 || g.Totals.Killed != 0 || g.Totals.Injured != 9 {
		t.Errorf("PK summary = %+v, want 1 article, 0 killed, 9 injured", g)
	}
	top, err := s.TopPlaces(context.Background(), store.PlaceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top[0].Place.ID != Lahore.ID {
		t.Errorf("top places = %+v, want only Lahore", top)
	}
}

func testNewerEnricherReplaces(t *testing.T, s store.Store) {
	v9 := Article("e", T0, Version(3, "1.9.0"), At(Karachi, 1), Hit(events.Killed, 1, "One killed."))
	v10 := Article("e", T0, Version(3, "1.10.0"), At(Karachi, 1), Hit(events.Killed, 6, "Six killed."))
	checkResult(t, upsert(t, s, v9), 1, 0, 0)
	checkResult(t, upsert(t, s, v10), 0, 1, 0)
	if g := summary(t, s, store.SummaryQuery{})["PK"]; g.Totals.Killed != 6 {
		t.Errorf("killed = %d after a newer enricher version, want 6", g.Totals.Killed)
	}
}

func testOlderVersionIgnored(t *testing.T, s store.Store) {
	cur := Article("o", T0, Version(2, "2.0.0"), At(Karachi, 1), Hit(events.Killed, 5, "Five killed."))
	checkResult(t, upsert(t, s, cur), 1, 0, 0)
	older := []events.EnrichedArticle{
		Article("o", T0, Version(1, "9.0.0"), At(Dhaka, 1), Hit(events.Killed, 50, "Fifty killed.")),
		Article("o", T0, Version(2, "1.99.0"), At(Dhaka, 1), Hit(events.Killed, 50, "Fifty killed.")),
	}
	for _, a := range older {
		checkResult(t, upsert(t, s, a), 0, 0, 1)
	}
	got, err := s.Article(context.Background(), "o")
	if err != nil {
		t.Fatal(err)
	}
	if canonical(t, got) != canonical(t, cur) {
		t.Errorf("an older version replaced the stored one: %+v", got)
	}
	if got := ids(t, s, store.ArticleQuery{Country: "BD"}); len(got) != 0 {
		t.Errorf("BD articles = %v, want none", got)
	}
}

func testDuplicatesInBatch(t *testing.T, s store.Store) {
	old := Article("d", T0, At(Karachi, 1), Hit(events.Killed, 1, "One killed."))
	newer := Article("d", T0, Version(2, "1.0.0"), At(Karachi, 1), Hit(events.Killed, 2, "Two killed."))
	res := upsert(t, s, newer, old, newer)
	checkResult(t, res, 1, 0, 2)
	if g := summary(t, s, store.SummaryQuery{})["PK"]; g.Articles != 1 || g.Totals.Killed != 2 {
		t.Errorf("summary = %+v, want 1 article with 2 killed", g)
	}
}

// filterFixtures is a small corpus where each filter selects a known set.
func filterFixtures() []events.EnrichedArticle {
	h := time.Hour
	return []events.EnrichedArticle{
		Article("k1", T0.Add(1*h), At(Karachi, 3), Hit(events.Killed, 12, "Twelve were killed."), Text("Suicide bombing at a Karachi market", "Twelve people were killed in a bombing."), Source("Dawn")),
		Article("l1", T0.Add(2*h), At(Lahore, 1), Hit(events.Injured, 4, "Four were injured."), Text("Protest turns violent in Lahore", "Police said four were injured."), Source("Dawn")),
		Article("p1", T0.Add(3*h), At(Peshawar, 2), Mentions(Karachi, 1), Hit(events.Killed, 2, "Two soldiers were killed."), Hit(events.Arrested, 5, "Five were arrested."), Text("Attack on checkpoint near Peshawar", "Two soldiers were killed and five suspects arrested."), Source("Express Tribune")),
		Article("kb1", T0.Add(4*h), At(Kabul, 1), Hit(events.Killed, 30, "Thirty were killed."), Text("Explosion in Kabul", "A bombing killed thirty."), Source("Tolo")),
		Article("m1", T0.Add(5*h), At(Mumbai, 1), Text("Monsoon floods Mumbai", "Rain floods the city."), Source("The Hindu")),
		Article("d1", T0.Add(6*h), At(Dhaka, 1), Hit(events.Displaced, 1000, "A thousand displaced."), Text("Cyclone displaces families near Dhaka", "A thousand families displaced."), Source("Daily Star")),
		Article("n1", T0.Add(7*h), Text("Markets rally", "Shares rose."), Source("Dawn")),
	}
}

func testFilters(t *testing.T, s store.Store) {
	upsert(t, s, filterFixtures()...)
	h := time.Hour
	tests := map[string]struct {
		q    store.ArticleQuery
		want []string
	}{
		"all newest first":      {store.ArticleQuery{}, []string{"n1", "d1", "m1", "kb1", "p1", "l1", "k1"}},
		"since inclusive":       {store.ArticleQuery{Since: T0.Add(5 * h)}, []string{"n1", "d1", "m1"}},
		"until exclusive":       {store.ArticleQuery{Until: T0.Add(3 * h)}, []string{"l1", "k1"}},
		"since and until":       {store.ArticleQuery{Since: T0.Add(2 * h), Until: T0.Add(4 * h)}, []string{"p1", "l1"}},
		"country":               {store.ArticleQuery{Country: "PK"}, []string{"p1", "l1", "k1"}},
		"country and admin1":    {store.ArticleQuery{Country: "PK", Admin1: "04"}, []string{"l1"}},
		"admin1 alone":          {store.ArticleQuery{Admin1: "05"}, []string{"k1"}},
		"place is any mention":  {store.ArticleQuery{GeonameID: Karachi.GeonameID}, []string{"p1", "k1"}},
		"place unknown":         {store.ArticleQuery{GeonameID: 1}, []string{}},
		"near Karachi 50km":     {store.ArticleQuery{Near: &store.Circle{Lat: 24.9, Lon: 67.1, KM: 50}}, []string{"k1"}},
		"near Peshawar 300km":   {store.ArticleQuery{Near: &store.Circle{Lat: 34.0, Lon: 71.5, KM: 300}}, []string{"kb1", "p1"}},
		"near Peshawar 100km":   {store.ArticleQuery{Near: &store.Circle{Lat: 34.0, Lon: 71.5, KM: 100}}, []string{"p1"}},
		"near nowhere":          {store.ArticleQuery{Near: &store.Circle{Lat: 0, Lon: 0, KM: 100}}, []string{}},
		"kind killed":           {store.ArticleQuery{Kinds: []events.Kind{events.Killed}}, []string{"kb1", "p1", "k1"}},
		"kind killed min 10":    {store.ArticleQuery{Kinds: []events.Kind{events.Killed}, MinCount: 10}, []string{"kb1", "k1"}},
		"kinds summed":          {store.ArticleQuery{Kinds: []events.Kind{events.Killed, events.Arrested}, MinCount: 7}, []string{"kb1", "p1", "k1"}},
		"min count any kind":    {store.ArticleQuery{MinCount: 5}, []string{"d1", "kb1", "p1", "k1"}},
		"kind arrested":         {store.ArticleQuery{Kinds: []events.Kind{events.Arrested}}, []string{"p1"}},
		"kind none stored":      {store.ArticleQuery{Kinds: []events.Kind{events.Kidnapped}}, []string{}},
		"text word":             {store.ArticleQuery{Text: "floods"}, []string{"m1"}},
		"text stemmed":          {store.ArticleQuery{Text: "bombings"}, []string{"kb1", "k1"}},
		"text words are ANDed":  {store.ArticleQuery{Text: "bombing Karachi"}, []string{"k1"}},
		"text case-insensitive": {store.ArticleQuery{Text: "KABUL"}, []string{"kb1"}},
		"text in body only":     {store.ArticleQuery{Text: "soldiers"}, []string{"p1"}},
		"text no match":         {store.ArticleQuery{Text: "earthquake"}, []string{}},
		"source":                {store.ArticleQuery{Source: "Dawn"}, []string{"n1", "l1", "k1"}},
		"source exact":          {store.ArticleQuery{Source: "dawn"}, []string{}},
		"combined":              {store.ArticleQuery{Country: "PK", Kinds: []events.Kind{events.Killed}, Source: "Dawn", Since: T0}, []string{"k1"}},
		"limit":                 {store.ArticleQuery{Limit: 2}, []string{"n1", "d1"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ids(t, s, tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("articles = %v, want %v", got, tc.want)
			}
		})
	}
}

func testPagination(t *testing.T, s store.Store) {
	// Equal timestamps make the id the tie-breaker a cursor must respect.
	var batch []events.EnrichedArticle
	want := []string{}
	for i, id := range []string{"g", "f", "e", "d", "c", "b", "a"} {
		at := T0.Add(time.Duration(6-i/2) * time.Minute)
		batch = append(batch, Article(id, at, At(Karachi, 1)))
		want = append(want, id)
	}
	upsert(t, s, batch...)
	for _, limit := range []int{1, 2, 3, 7} {
		for _, base := range []store.ArticleQuery{{Country: "PK"}, {GeonameID: Karachi.GeonameID}, {}} {
			paginate(t, s, base, limit, want)
		}
	}
}

func paginate(t *testing.T, s store.Store, base store.ArticleQuery, limit int, want []string) {
	t.Helper()
	{
		got := []string{}
		q := base
		q.Limit = limit
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("limit %d: more than 10 pages", limit)
			}
			page, err := s.Articles(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Articles) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(page.Articles))
			}
			for _, a := range page.Articles {
				got = append(got, a.ID)
			}
			if page.Next == nil {
				break
			}
			// The cursor survives its text form, as it does over HTTP.
			c, err := store.ParseCursor(page.Next.String())
			if err != nil {
				t.Fatalf("parse cursor: %v", err)
			}
			q.After = &c
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v limit %d: pages = %v, want %v", base, limit, got, want)
		}
	}
}

func testNotFound(t *testing.T, s store.Store) {
	_, err := s.Article(context.Background(), "missing")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("article missing: err = %v, want ErrNotFound", err)
	}
}

func testTopPlaces(t *testing.T, s store.Store) {
	upsert(t, s, filterFixtures()...)
	upsert(t, s, Article("k2", T0.Add(8*time.Hour), At(Karachi, 2), Mentions(Lahore, 1)))
	top := func(q store.PlaceQuery) []string {
		t.Helper()
		stats, err := s.TopPlaces(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, st := range stats {
			out = append(out, st.Place.Name)
		}
		return out
	}
	tests := map[string]struct {
		q    store.PlaceQuery
		want []string
	}{
		"by article count then mentions": {store.PlaceQuery{Country: "PK"}, []string{"Karachi", "Lahore", "Peshawar"}},
		"since":                          {store.PlaceQuery{Country: "PK", Since: T0.Add(3 * time.Hour)}, []string{"Karachi", "Peshawar", "Lahore"}},
		"until":                          {store.PlaceQuery{Until: T0.Add(2 * time.Hour)}, []string{"Karachi"}},
		"limit":                          {store.PlaceQuery{Limit: 1}, []string{"Karachi"}},
		"other country":                  {store.PlaceQuery{Country: "AF"}, []string{"Kabul"}},
	}
	for name, tc := range tests {
		if got := top(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: top places = %v, want %v", name, got, tc.want)
		}
	}
	stats, err := s.TopPlaces(context.Background(), store.PlaceQuery{Country: "PK"})
	if err != nil {
		t.Fatal(err)
	}
	if k := stats[0]; k.Articles != 3 || k.Mentions != 6 || k.Place != Karachi {
		t.Errorf("Karachi = %+v, want 3 articles, 6 mentions and its full place", k)
	}
}

func testCasualtySummary(t *testing.T, s store.Store) {
	batch := filterFixtures()
	batch = append(batch, Article("k3", T0.Add(25*time.Hour), At(Karachi, 1), Hit(events.Killed, 1, "One killed."), Hit(events.Injured, 2, "Two injured.")))
	upsert(t, s, batch...)

	byCountry := summary(t, s, store.SummaryQuery{GroupBy: store.ByCountry})
	pk := byCountry["PK"]
	if pk.Articles != 4 || pk.Totals != (events.Totals{Killed: 15, Injured: 6, Arrested: 5}) {
		t.Errorf("PK = %+v", pk)
	}
	if pk.Lat == nil || pk.Lon == nil || *pk.Lat < 24 || *pk.Lat > 35 {
		t.Errorf("PK mean position = %v, %v", pk.Lat, pk.Lon)
	}
	if none := byCountry[""]; none.Articles != 1 || none.Lat != nil {
		t.Errorf("placeless group = %+v, want 1 article without position", none)
	}
	if bd := byCountry["BD"]; bd.Totals.Displaced != 1000 {
		t.Errorf("BD = %+v", bd)
	}

	byAdmin1 := summary(t, s, store.SummaryQuery{GroupBy: store.ByAdmin1, Country: "PK"})
	if len(byAdmin1) != 3 {
		t.Errorf("PK admin1 groups = %v, want 3", byAdmin1)
	}
	if sindh := byAdmin1["PK.05"]; sindh.Articles != 2 || sindh.Totals.Killed != 13 || sindh.Admin1Name != "Sindh" || sindh.Country != "PK" {
		t.Errorf("PK.05 = %+v", sindh)
	}

	byDay := summary(t, s, store.SummaryQuery{GroupBy: store.ByDay, Since: T0})
	d0, d1 := T0.Format("2006-01-02"), T0.Add(25*time.Hour).Format("2006-01-02")
	if len(byDay) != 2 || byDay[d0].Articles != 7 || byDay[d1].Articles != 1 || byDay[d1].Totals.Injured != 2 {
		t.Errorf("by day = %+v, want %s: 7 articles, %s: 1 article", byDay, d0, d1)
	}
	groups, err := s.CasualtySummary(context.Background(), store.SummaryQuery{GroupBy: store.ByDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Key != d0 {
		t.Errorf("days not in order: %+v", groups)
	}

	window := summary(t, s, store.SummaryQuery{GroupBy: store.ByCountry, Since: T0.Add(2 * time.Hour), Until: T0.Add(4 * time.Hour)})
	if len(window) != 1 || window["PK"].Articles != 2 {
		t.Errorf("window = %+v, want PK with 2 articles", window)
	}
}

func testArticleWithoutPlace(t *testing.T, s store.Store) {
	upsert(t, s, Article("np", T0))
	if got := ids(t, s, store.ArticleQuery{Near: &store.Circle{Lat: 0, Lon: 0, KM: 1000}}); len(got) != 0 {
		t.Errorf("placeless article matched near: %v", got)
	}
	if got := ids(t, s, store.ArticleQuery{}); !slices.Equal(got, []string{"np"}) {
		t.Errorf("articles = %v", got)
	}
}

func testHostileText(t *testing.T, s store.Store) {
	upsert(t, s, Article("h", T0, Text(`Quote "marks" AND OR NOT * ( ) : ^ - ' ; DROP TABLE articles`, "body")))
	queries := map[string][]string{
		`"marks"`:                    {"h"},
		`marks AND`:                  {"h"},
		`(marks drop)`:               {"h"},
		`NEAR(marks drop)`:           {},
		`'; DROP TABLE articles; --`: {"h"},
		`title:marks`:                {},
		`***`:                        {},
		`-body`:                      {"h"},
	}
	for q, want := range queries {
		if got := ids(t, s, store.ArticleQuery{Text: q}); !slices.Equal(got, want) {
			t.Errorf("text %q = %v, want %v", q, got, want)
		}
	}
	if got := ids(t, s, store.ArticleQuery{Source: "x' OR '1'='1"}); len(got) != 0 {
		t.Errorf("quoted source matched %v", got)
	}
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Upsert(ctx, []events.EnrichedArticle{Article("c", T0)}); err == nil {
		t.Error("upsert with a canceled context succeeded")
	}
	if got := ids(t, s, store.ArticleQuery{}); len(got) != 0 {
		t.Errorf("articles after a canceled upsert = %v", got)
	}
}

func testAwkwardText(t *testing.T, s store.Store) {
	a := Article("nul", T0, At(Karachi, 1), Text("Title with a NUL \x00 byte", "Body \x00 with quake and \u00e9l\u00e8ve and emoji \U0001F600."))
	a.Source = "Sourc\x00e"
	upsert(t, s, a)
	got, err := s.Article(context.Background(), "nul")
	if err != nil {
		t.Fatal(err)
	}
	if canonical(t, got) != canonical(t, a) {
		t.Errorf("article with NUL bytes changed in the store:\n got %+v\nwant %+v", got, a)
	}
	if ids := ids(t, s, store.ArticleQuery{Text: "quake"}); !slices.Equal(ids, []string{"nul"}) {
		t.Errorf("text search = %v, want [nul]", ids)
	}
}
