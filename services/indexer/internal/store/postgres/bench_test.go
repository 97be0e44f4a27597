package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
	"github.com/newsflow/newsflow/services/indexer/internal/store/postgres"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
)

// openSchema opens a store in the named schema of POSTGRES_DSN, creating it.
func openSchema(b *testing.B, schema string, drop bool) store.Store {
	b.Helper()
	dsn := os.Getenv("POSTGRES_DSN")
	if dsn == "" {
		b.Skip("set POSTGRES_DSN to run")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		b.Fatal(err)
	}
	if drop {
		b.Cleanup(func() {
			c, err := pgx.Connect(context.Background(), dsn)
			if err == nil {
				_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
				c.Close(context.Background())
			}
		})
	}
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkIntegrationUpsert(b *testing.B) {
	for _, batch := range []int{100, 500} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := openSchema(b, fmt.Sprintf("bench_upsert_%d", time.Now().UnixNano()), true)
			storetest.BenchUpsert(b, s, 0, batch)
		})
	}
}

// BenchmarkIntegrationQueries queries NEWSFLOW_BENCH_ARTICLES (default
// 100000) synthetic articles in schema bench_<n>, which is kept between runs.
func BenchmarkIntegrationQueries(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("NEWSFLOW_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	s := openSchema(b, fmt.Sprintf("bench_v2_%d", n), false)
	ctx := context.Background()
	syn := storetest.NewSynth(n, storetest.T0)
	page, err := s.Articles(ctx, store.ArticleQuery{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(page.Articles) == 0 || page.Articles[0].ID != syn.Article(n-1).ID {
		b.Logf("filling schema with %d articles", n)
		rate, err := storetest.Fill(ctx, s, syn, 0, n, 5000)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("filled at %.0f articles/s", rate)
		analyze(b, fmt.Sprintf("bench_v2_%d", n))
	}
	storetest.BenchQueries(b, s, storetest.QueryCases(syn, storetest.T0))
}

// BenchmarkIntegrationTextQueries queries the fixture of
// BenchmarkIntegrationQueries (run that first to fill it) with texts of
// other shares than its cases: the synthetic vocabulary puts each word in
// about 9% of articles, so three words match about 0.07% (551 of a
// million) and four about 0.005% (46), shares the planner measures and
// sorts. An article's id is split by PostgreSQL's parser into "synth" and
// a signed number that no article's text holds.
func BenchmarkIntegrationTextQueries(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("NEWSFLOW_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	s := openSchema(b, fmt.Sprintf("bench_v2_%d", n), false)
	syn := storetest.NewSynth(n, storetest.T0)
	week := storetest.T0.Add(-7 * 24 * time.Hour)
	storetest.BenchQueries(b, s, []storetest.QueryCase{
		{Name: "one word", Q: store.ArticleQuery{Text: "flood", Limit: 50}},
		{Name: "three words", Q: store.ArticleQuery{Text: "bombing market flood", Limit: 50}},
		{Name: "four words", Q: store.ArticleQuery{Text: "bombing market flood drone", Limit: 50}},
		{Name: "two words, week", Q: store.ArticleQuery{Text: "bombing market", Since: week, Limit: 50}},
		{Name: "unknown word", Q: store.ArticleQuery{Text: "zqxjunlisted", Limit: 50}},
		{Name: "id", Q: store.ArticleQuery{Text: syn.Article(n / 3).ID, Limit: 50}},
	})
}

// analyze refreshes planner statistics after a bulk fill, as autovacuum
// would a little later.
func analyze(b *testing.B, schema string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, os.Getenv("POSTGRES_DSN"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	for _, t := range []string{"articles", "article_places", "casualties", "places"} {
		if _, err := c.Exec(ctx, "ANALYZE "+schema+"."+t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntegrationUpsertLong writes batches of 1,000 articles of 2-3 kB
// of text, the size the pipeline carries (storetest's synthetic articles
// hold about 250 bytes), in the two concurrent parts the indexer's batches
// are split into.
func BenchmarkIntegrationUpsertLong(b *testing.B) {
	s := openSchema(b, fmt.Sprintf("bench_upsert_long_%d", time.Now().UnixNano()), true)
	storetest.BenchUpsert(b, longText{s}, 0, 1000)
}

// longText lengthens the text of every article it upserts (inside the
// timed Upsert: about a millisecond a batch).
type longText struct{ store.Store }

var sentences = []string{
	"Rescue workers searched the collapsed buildings through the night while relatives waited outside the hospital.",
	"The district administration said roads into the valley would stay closed until engineers had inspected the bridges.",
	"Witnesses said the crowd had gathered for a wedding when the first shots were heard from the hillside.",
	"Local traders complained that the curfew had cut them off from the wholesale markets for the third week running.",
	"A spokesman for the provincial police said investigators had recovered fragments of the device from the scene.",
	"Aid agencies warned that thousands of displaced families were sheltering in schools without clean water.",
	"The opposition walked out of the assembly session, demanding a judicial inquiry into the handling of the protest.",
	"Officials said the death toll could rise as teams reached villages cut off by the landslides.",
}

func (l longText) Upsert(ctx context.Context, batch []events.EnrichedArticle) (store.UpsertResult, error) {
	for i := range batch {
		var text strings.Builder
		text.WriteString(batch[i].Text)
		for j := 0; text.Len() < 2000+i*37%900; j++ {
			text.WriteString(" ")
			text.WriteString(sentences[(i+j*3)%len(sentences)])
		}
		batch[i].Text = text.String()
	}
	return l.Store.Upsert(ctx, batch)
}
