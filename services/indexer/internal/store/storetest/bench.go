package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Synth makes realistic synthetic articles for benchmarks: 240 places
// scattered around the fixture cities, a year of publication times, one to
// three mentioned places, casualty figures in about half of the articles and
// titles drawn from a small news vocabulary. Article i is the same on every
// call, so a store can be filled once and queried many times.
type Synth struct {
	places []events.Place
	start  time.Time
	n      int
}

var vocabulary = strings.Fields(`attack blast bombing police protest flood cyclone earthquake election court ministry
	army soldiers militants checkpoint market school hospital village district province border strike rally curfew
	ceasefire talks rescue landslide monsoon drought fire collapse bus train accident highway bridge factory
	workers farmers students teachers doctors officials minister governor president parliament opposition party
	killed injured arrested kidnapped missing displaced dozens hundreds families relief aid camp shelter water
	power outage prices fuel wheat rice trade exports budget tax inflation bank loan investment drone raid operation`)

// NewSynth describes n articles published over the year before end.
func NewSynth(n int, end time.Time) *Synth {
	r := rand.New(rand.NewPCG(1, 2))
	bases := []events.Place{Karachi, Lahore, Peshawar, Kabul, Mumbai, Dhaka}
	s := &Synth{start: end.Add(-365 * 24 * time.Hour), n: n}
	for i := range 240 {
		b := bases[i%len(bases)]
		p := b
		p.GeonameID = 9_000_000 + int64(i)
		p.ID = fmt.Sprintf("geonames:%d", p.GeonameID)
		p.Name = fmt.Sprintf("%s area %d", b.Name, i)
		p.Lat += r.Float64()*4 - 2
		p.Lon += r.Float64()*4 - 2
		p.FeatureCode = "PPL"
		s.places = append(s.places, p)
	}
	return s
}

// Place returns one of the synthetic places.
func (s *Synth) Place(i int) events.Place { return s.places[i%len(s.places)] }

// Article returns synthetic article i.
func (s *Synth) Article(i int) events.EnrichedArticle {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	span := 365 * 24 * time.Hour
	at := s.start.Add(time.Duration(float64(span) * float64(i) / float64(max(s.n, 1)))).Add(time.Duration(r.IntN(3600)) * time.Second)
	words := make([]string, 8)
	for j := range words {
		words[j] = vocabulary[r.IntN(len(vocabulary))]
	}
	opts := []func(*events.EnrichedArticle){
		Text(strings.Join(words[:5], " "), strings.Join(words, " ")+". "+strings.Repeat("More context follows. ", 8)),
		Source([]string{"Dawn", "The Hindu", "Tolo", "Daily Star", "Express Tribune", "Kathmandu Post"}[r.IntN(6)]),
	}
	// Skewed towards the first places, as coverage is.
	first := int(float64(len(s.places)) * r.Float64() * r.Float64())
	opts = append(opts, At(s.places[first], 1+r.IntN(3)))
	for range r.IntN(3) {
		opts = append(opts, Mentions(s.places[r.IntN(len(s.places))], 1))
	}
	if r.IntN(2) == 0 {
		k := events.Kinds[r.IntN(3)]
		opts = append(opts, Hit(k, 1+r.IntN(20), "Officials said "+string(k)+" figures rose."))
		if r.IntN(3) == 0 {
			opts = append(opts, Hit(events.Injured, 1+r.IntN(40), "Many more were injured."))
		}
	}
	a := Article(fmt.Sprintf("synth-%08d", i), at, opts...)
	// Mentions may repeat a place; keep Places distinct as the enricher does.
	seen := map[string]bool{}
	a.Places = slices.DeleteFunc(a.Places, func(pc events.PlaceCount) bool {
		dup := seen[pc.ID]
		seen[pc.ID] = true
		return dup
	})
	return a
}

// Fill upserts synthetic articles [from, to) in batches and returns the rate.
func Fill(ctx context.Context, s store.Store, syn *Synth, from, to, batch int) (perSecond float64, err error) {
	start := time.Now()
	buf := make([]events.EnrichedArticle, 0, batch)
	for i := from; i < to; i++ {
		buf = append(buf, syn.Article(i))
		if len(buf) == batch || i == to-1 {
			if _, err := s.Upsert(ctx, buf); err != nil {
				return 0, fmt.Errorf("fill at %d: %w", i, err)
			}
			buf = buf[:0]
		}
	}
	return float64(to-from) / time.Since(start).Seconds(), nil
}

// BenchUpsert measures sustained upserts of new articles in batches of
// batchSize into s, which may already hold articles [0, offset). Making the
// synthetic articles is not timed. Besides the wall-clock rate it reports
// the CPU time this process spent per article (user + system), which the
// other load on a shared machine does not inflate; a server-side store
// (PostgreSQL) spends more CPU in its own processes.
func BenchUpsert(b *testing.B, s store.Store, offset, batchSize int) {
	syn := NewSynth(offset+1_000_000, T0)
	ctx := context.Background()
	next := offset
	written := 0
	batch := make([]events.EnrichedArticle, batchSize)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		for j := range batch {
			batch[j] = syn.Article(next + j)
		}
		next += batchSize
		before := processCPU()
		b.StartTimer()
		res, err := s.Upsert(ctx, batch)
		b.StopTimer()
		cpu += processCPU() - before
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Inserted != batchSize {
			b.Fatalf("inserted %d of %d", res.Inserted, batchSize)
		}
		written += batchSize
	}
	b.ReportMetric(float64(written)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(written), "cpu-µs/article")
}

// processCPU is the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// QueryCase is one benchmarked query.
type QueryCase struct {
	Name string
	Q    store.ArticleQuery
}

// QueryCases are the main endpoint's typical filters, each with limit 50.
func QueryCases(syn *Synth, end time.Time) []QueryCase {
	week := end.Add(-7 * 24 * time.Hour)
	return []QueryCase{
		{"latest", store.ArticleQuery{Limit: 50}},
		{"country", store.ArticleQuery{Country: "PK", Limit: 50}},
		{"country+kind+since", store.ArticleQuery{Country: "PK", Kinds: []events.Kind{events.Killed}, Since: end.Add(-30 * 24 * time.Hour), Limit: 50}},
		{"admin1+min_count", store.ArticleQuery{Country: "PK", Admin1: "05", MinCount: 10, Limit: 50}},
		{"place", store.ArticleQuery{GeonameID: syn.Place(3).GeonameID, Limit: 50}},
		{"near", store.ArticleQuery{Near: &store.Circle{Lat: 24.86, Lon: 67.01, KM: 50}, Limit: 50}},
		// Few articles: the time windows do not fill a page, the grid cells do.
		{"near sparse", store.ArticleQuery{Near: &store.Circle{Lat: 29.5, Lon: 82.0, KM: 100}, Limit: 50}},
		{"near+country+month", store.ArticleQuery{Near: &store.Circle{Lat: 34.3, Lon: 70.0, KM: 200}, Country: "AF", Since: end.Add(-30 * 24 * time.Hour), Limit: 50}},
		{"text", store.ArticleQuery{Text: "bombing market", Limit: 50}},
		// One match: every time window comes up short before the full search.
		{"text rare", store.ArticleQuery{Text: syn.Article(syn.n / 2).ID, Limit: 50}},
		{"text+country+week", store.ArticleQuery{Text: "flood", Country: "BD", Since: week, Limit: 50}},
		{"source+week", store.ArticleQuery{Source: "Dawn", Since: week, Limit: 50}},
	}
}

// BenchQueries measures each query case and reports its p50 and p99.
func BenchQueries(b *testing.B, s store.Store, cases []QueryCase) {
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			var lat []time.Duration
			got := 0
			for b.Loop() {
				start := time.Now()
				page, err := s.Articles(ctx, c.Q)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				got = len(page.Articles)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(got), "rows")
		})
	}
}
