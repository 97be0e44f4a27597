package poll_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"

	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
	"github.com/newsflow/newsflow/services/fetcher/internal/poll"
	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

const (
	topicRaw   = "news.articles.raw"
	topicState = "news.fetcher.state"
)

var clock = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// memWriter stands in for the Kafka writer: it records acknowledged messages
// and can be told to fail.
type memWriter struct {
	mu   sync.Mutex
	msgs []kafka.Message
	fail error
}

func (w *memWriter) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return w.fail
	}
	w.msgs = append(w.msgs, msgs...)
	return nil
}

func (w *memWriter) setFail(err error) {
	w.mu.Lock()
	w.fail = err
	w.mu.Unlock()
}

// articles decodes the raw articles written so far.
func (w *memWriter) articles(t *testing.T) []events.RawArticle {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []events.RawArticle
	for _, m := range w.msgs {
		if m.Topic != topicRaw {
			continue
		}
		a, err := events.DecodeRaw(m.Value)
		if err != nil {
			t.Fatalf("published message does not decode: %v", err)
		}
		if string(m.Key) != a.ID {
			t.Errorf("message key %q differs from article id %q", m.Key, a.ID)
		}
		out = append(out, a)
	}
	return out
}

type harness struct {
	svc *poll.Service
	w   *memWriter
	set *seen.Set
	reg *prometheus.Registry
}

func newHarness(t *testing.T, feeds []feedlist.Feed, opt httpfetch.Options, policy schedule.Policy) *harness {
	return newHarnessClock(t, feeds, opt, policy, func() time.Time { return clock })
}

func newHarnessClock(t *testing.T, feeds []feedlist.Feed, opt httpfetch.Options, policy schedule.Policy, now func() time.Time) *harness {
	t.Helper()
	opt.Allow = []string{"127.0.0.1"}
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	if opt.MaxBody == 0 {
		opt.MaxBody = 1 << 20
	}
	client, err := httpfetch.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{w: &memWriter{}, set: seen.NewSet(), reg: prometheus.NewRegistry()}
	h.svc, err = poll.New(poll.Options{
		Feeds: feeds, Client: client, Writer: h.w, Seen: h.set,
		Scheduler: schedule.New(policy, 1), TopicRaw: topicRaw, TopicState: topicState,
		Concurrency: 8, Metrics: h.reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) metric(t *testing.T, name, label string) float64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || hasLabelValue(m, label) {
				switch {
				case m.Counter != nil:
					return m.Counter.GetValue()
				case m.Gauge != nil:
					return m.Gauge.GetValue()
				}
			}
		}
	}
	return 0
}

func hasLabelValue(m *dto.Metric, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetValue() == v {
			return true
		}
	}
	return false
}

func rss(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Farm</title>` + strings.Join(items, "") + `</channel></rss>`
}

func item(title, link, guid, desc, date string) string {
	s := "<item><title>" + title + "</title>"
	if link != "" {
		s += "<link>" + link + "</link>"
	}
	if guid != "" {
		s += "<guid>" + guid + "</guid>"
	}
	s += "<description>" + desc + "</description>"
	if date != "" {
		s += "<pubDate>" + date + "</pubDate>"
	}
	return s + "</item>"
}

// gzipBomb is 50 MiB of zeros gzipped to about 50 KiB (testdata at the
// module root; regenerate with head -c 52428800 /dev/zero | gzip -9).
func gzipBomb(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/gzip-bomb-50MiB.gz")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// farm is the local feed server with one misbehaving feed per path.
type farm struct {
	srv         *httptest.Server
	version     atomic.Int32 // bumps the content of /changing
	conditional atomic.Int32 // conditional requests seen on /etag
	release     chan struct{}
}

func newFarm(t *testing.T) *farm {
	f := &farm{release: make(chan struct{})}
	t.Cleanup(func() { close(f.release) })
	bomb := gzipBomb(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			f.conditional.Add(1)
		}
		if r.Header.Get("If-None-Match") == `"e1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"e1"`)
		_, _ = io.WriteString(w, rss(
			item("Cyclone warning for coast", "https://news.example/cyclone?utm_source=rss", "c1", "Fishermen told to return.", "Fri, 27 Nov 2026 09:00:00 IST"),
			item("Exams postponed", "https://news.example/exams", "c2", "New dates next week.", "Fri, 27 Nov 2026 08:00:00 IST"),
		))
	})
	mux.HandleFunc("/changing", func(w http.ResponseWriter, r *http.Request) {
		v := f.version.Load()
		w.Header().Set("ETag", fmt.Sprintf(`"v%d"`, v))
		if r.Header.Get("If-None-Match") == fmt.Sprintf(`"v%d"`, v) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		toll := "3"
		if v > 0 {
			toll = "7"
		}
		_, _ = io.WriteString(w, rss(
			item("Blast in market", "https://news.example/blast", "b1", "Death toll rises to "+toll+".", "Fri, 27 Nov 2026 09:00:00 PKT"),
			item("Rain expected", "https://news.example/rain", "r1", "Showers in the north.", "Fri, 27 Nov 2026 07:00:00 PKT"),
		))
	})
	mux.HandleFunc("/dupguid", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, rss(
			item("Story one", "", "same", "One.", ""),
			item("Story two", "", "same", "Two.", ""),
			item("Story three", "", "same", "Three.", ""),
		))
	})
	mux.HandleFunc("/summaries", func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		_, _ = io.WriteString(w, rss(
			item("Flood relief reaches Sylhet", base+"/page/sylhet", "", "Relief arrives.", ""),
			item("Page that is gone", base+"/gone", "", "Only a summary.", ""),
		))
	})
	mux.HandleFunc("/page/sylhet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<html><head><title>Flood relief</title></head><body><nav><a href="/">Home</a></nav><article>`+
			`<p>Relief workers reached the worst-hit villages of Sylhet division on Friday, three days after the Surma river burst its banks and cut off the roads.</p>`+
			`<p>Officials said at least 12 people had died and more than 40,000 had been moved to shelters, most of them in schools on higher ground.</p>`+
			`</article><footer>Copyright</footer></body></html>`)
	})
	mux.HandleFunc("/gone", http.NotFound)
	mux.HandleFunc("/nodate", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, rss(item("Undated", "https://news.example/undated", "", "No date here.", "")))
	})
	mux.HandleFunc("/tracking", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, rss(item("Cyclone warning for coast", "https://NEWS.example/cyclone?fbclid=zz#comments", "other-guid", "Fishermen told to return.", "")))
	})
	mux.HandleFunc("/cp1252", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=windows-1252")
		_, _ = w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>x</title>" +
			"<item><title>\x93Caf\xe9\x94 reopens</title><link>https://news.example/cafe</link></item></channel></rss>"))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>x</title>" +
			"<item><title>Se\xf1ora Garc\xeda speaks</title><link>https://news.example/garcia</link></item></channel></rss>"))
	})
	mux.HandleFunc("/429s", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/429date", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(3*time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-f.release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("<!-- padding -->"), 1<<16)
		for range 50 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb)
	})
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken`)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/iam/", http.StatusFound)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *farm) feed(path string) feedlist.Feed {
	return feedlist.Feed{URL: f.srv.URL + path, Name: "farm" + path, Country: "IN"}
}

var policy = schedule.Policy{Min: time.Minute, Max: 6 * time.Hour, Interval: 15 * time.Minute, Jitter: -1, UnhealthyAfter: 3}

func TestFarmConditionalGet(t *testing.T) {
	f := newFarm(t)
	h := newHarness(t, []feedlist.Feed{f.feed("/etag")}, httpfetch.Options{}, policy)
	ctx := context.Background()

	r := h.svc.PollNow(ctx, 0)
	if r.Result != poll.ResultOK || r.Published != 2 || r.Err != nil {
		t.Fatalf("first poll = %+v, want ok with 2 articles", r)
	}
	r = h.svc.PollNow(ctx, 0)
	if r.Result != poll.ResultNotModified || r.Published != 0 {
		t.Fatalf("second poll = %+v, want not_modified", r)
	}
	if f.conditional.Load() != 1 {
		t.Errorf("server saw %d conditional requests, want 1", f.conditional.Load())
	}
	arts := h.w.articles(t)
	if len(arts) != 2 {
		t.Fatalf("published %d articles, want 2", len(arts))
	}
	a := arts[0]
	if a.CanonicalURL != "https://news.example/cyclone" || a.URL != "https://news.example/cyclone?utm_source=rss" {
		t.Errorf("urls = %q / %q", a.URL, a.CanonicalURL)
	}
	if a.Revision != 1 || a.Source != "farm/etag" || a.CountryHint != "IN" || a.Feed != f.srv.URL+"/etag" {
		t.Errorf("article metadata = %+v", a)
	}
	if want := time.Date(2026, 11, 27, 3, 30, 0, 0, time.UTC); !a.PublishedAt.Equal(want) || a.PublishedAtEstimated {
		t.Errorf("published %s (estimated %t), want %s", a.PublishedAt, a.PublishedAtEstimated, want)
	}
	if v := h.set.Validators(f.srv.URL + "/etag"); v.ETag != `"e1"` {
		t.Errorf("validators not remembered: %+v", v)
	}
	if got := h.metric(t, "newsflow_fetcher_polls_total", "not_modified"); got != 1 {
		t.Errorf("polls_total{not_modified} = %v, want 1", got)
	}
	if got := h.metric(t, "newsflow_fetcher_articles_published_total", "new"); got != 2 {
		t.Errorf("articles_published_total{new} = %v, want 2", got)
	}
	if got := h.metric(t, "newsflow_fetcher_feed_last_success_timestamp_seconds", "farm/etag"); got != float64(clock.Unix()) {
		t.Errorf("last success gauge = %v", got)
	}
}

func TestFarmChangedArticleIsNewRevision(t *testing.T) {
	f := newFarm(t)
	h := newHarness(t, []feedlist.Feed{f.feed("/changing")}, httpfetch.Options{}, policy)
	ctx := context.Background()
	if r := h.svc.PollNow(ctx, 0); r.Published != 2 {
		t.Fatalf("first poll = %+v", r)
	}
	f.version.Add(1)
	r := h.svc.PollNow(ctx, 0)
	if r.Result != poll.ResultOK || r.Published != 1 || r.Duplicates != 1 {
		t.Fatalf("after change = %+v, want 1 published and 1 duplicate", r)
	}
	arts := h.w.articles(t)
	first, changed := arts[0], arts[2]
	if changed.ID != first.ID || changed.Revision != 2 || !strings.Contains(changed.Summary, "7") {
		t.Errorf("changed article = id %s rev %d %q; want id %s rev 2 with the new toll", changed.ID, changed.Revision, changed.Summary, first.ID)
	}
	if got := h.metric(t, "newsflow_fetcher_duplicates_skipped_total", ""); got != 1 {
		t.Errorf("duplicates_skipped_total = %v, want 1", got)
	}
	// The same content again, without a 304 (a new poll of an unchanged body), is all duplicates.
	h.set.SetValidators(f.srv.URL+"/changing", seen.Validators{})
	if r := h.svc.PollNow(ctx, 0); r.Published != 0 || r.Duplicates != 2 {
		t.Errorf("repeat poll = %+v, want 0 published, 2 duplicates", r)
	}
}

func TestFarmItems(t *testing.T) {
	f := newFarm(t)
	tests := map[string]struct {
		path  string
		check func(t *testing.T, arts []events.RawArticle)
	}{
		"duplicate guids yield distinct articles": {path: "/dupguid", check: func(t *testing.T, arts []events.RawArticle) {
			if len(arts) != 3 {
				t.Fatalf("published %d, want 3", len(arts))
			}
			ids := map[string]bool{}
			for _, a := range arts {
				ids[a.ID] = true
				if a.GUID != "" {
					t.Errorf("reused GUID %q published as the article's GUID", a.GUID)
				}
			}
			if len(ids) != 3 {
				t.Errorf("%d distinct ids, want 3", len(ids))
			}
		}},
		"missing date falls back to first seen, flagged": {path: "/nodate", check: func(t *testing.T, arts []events.RawArticle) {
			if len(arts) != 1 || !arts[0].PublishedAt.Equal(clock) || !arts[0].PublishedAtEstimated {
				t.Errorf("got %+v, want published at fetch time, estimated", arts)
			}
		}},
		"windows-1252 with a utf-8 prolog": {path: "/cp1252", check: func(t *testing.T, arts []events.RawArticle) {
			if len(arts) != 1 || arts[0].Title != "“Café” reopens" {
				t.Errorf("got %+v", arts)
			}
		}},
		"full text fetched for summary-only feeds": {path: "/summaries", check: func(t *testing.T, arts []events.RawArticle) {
			if len(arts) != 2 {
				t.Fatalf("published %d, want 2 (a failed page fetch must not drop the article)", len(arts))
			}
			if !strings.Contains(arts[0].Text, "at least 12 people had died") || strings.Contains(arts[0].Text, "Home") {
				t.Errorf("full text = %q", arts[0].Text)
			}
			if arts[1].Text != "" || arts[1].Summary != "Only a summary." {
				t.Errorf("article with a 404 page = %+v", arts[1])
			}
		}},
		"iso-8859-1 with a utf-8 prolog": {path: "/latin1", check: func(t *testing.T, arts []events.RawArticle) {
			if len(arts) != 1 || arts[0].Title != "Señora García speaks" {
				t.Errorf("got %+v", arts)
			}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fd := f.feed(tc.path)
			fd.FullText = tc.path == "/summaries"
			h := newHarness(t, []feedlist.Feed{fd}, httpfetch.Options{}, policy)
			if r := h.svc.PollNow(context.Background(), 0); r.Result != poll.ResultOK {
				t.Fatalf("poll = %+v", r)
			}
			tc.check(t, h.w.articles(t))
		})
	}
}

func TestFarmTrackingParamsSameArticle(t *testing.T) {
	f := newFarm(t)
	h := newHarness(t, []feedlist.Feed{f.feed("/etag"), f.feed("/tracking")}, httpfetch.Options{}, policy)
	h.svc.PollNow(context.Background(), 0)
	h.svc.PollNow(context.Background(), 1)
	arts := h.w.articles(t)
	if len(arts) != 3 || arts[2].ID != arts[0].ID {
		t.Fatalf("the same story via a tracking URL got id %s, want %s", arts[len(arts)-1].ID, arts[0].ID)
	}
}

func TestFarmFailures(t *testing.T) {
	f := newFarm(t)
	tests := map[string]struct {
		path    string
		result  string
		minNext time.Duration
	}{
		"429 retry-after seconds":   {path: "/429s", result: poll.ResultHTTP4xx, minNext: 2 * time.Hour},
		"429 retry-after http-date": {path: "/429date", result: poll.ResultHTTP4xx, minNext: 2*time.Hour + 55*time.Minute},
		"500":                       {path: "/500", result: poll.ResultHTTP5xx, minNext: 15 * time.Minute},
		"hanging server":            {path: "/hang", result: poll.ResultTimeout},
		"50 MB body":                {path: "/big", result: poll.ResultTooLarge},
		"gzip bomb":                 {path: "/bomb", result: poll.ResultTooLarge},
		"malformed xml":             {path: "/malformed", result: poll.ResultParseError},
		"redirect loop":             {path: "/loop", result: poll.ResultTooManyRedirects},
		"redirect to metadata":      {path: "/metadata", result: poll.ResultBlocked},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, []feedlist.Feed{f.feed(tc.path)}, httpfetch.Options{Timeout: 300 * time.Millisecond, MaxRedirects: 3}, policy)
			r := h.svc.PollNow(context.Background(), 0)
			if r.Result != tc.result || r.Err == nil {
				t.Fatalf("poll = %+v, want %s with an error", r, tc.result)
			}
			if r.Next < tc.minNext || r.Next < policy.Min || r.Next > policy.Max {
				t.Errorf("next poll in %s, want >= %s within [%s, %s]", r.Next, tc.minNext, policy.Min, policy.Max)
			}
			if got := h.metric(t, "newsflow_fetcher_polls_total", tc.result); got != 1 {
				t.Errorf("polls_total{%s} = %v, want 1", tc.result, got)
			}
			if n := len(h.w.articles(t)); n != 0 {
				t.Errorf("published %d articles from a failing feed", n)
			}
		})
	}
}

func TestFarmUnhealthyFeedKeptAndReported(t *testing.T) {
	f := newFarm(t)
	h := newHarness(t, []feedlist.Feed{f.feed("/500"), f.feed("/etag")}, httpfetch.Options{}, policy)
	ctx := context.Background()
	var last poll.Result
	for range policy.UnhealthyAfter {
		last = h.svc.PollNow(ctx, 0)
	}
	h.svc.PollNow(ctx, 1)
	if last.Next != time.Hour {
		t.Errorf("third failure backs off %s, want 1h (15m doubled twice)", last.Next)
	}
	if got := h.metric(t, "newsflow_fetcher_feeds_unhealthy", ""); got != 1 {
		t.Errorf("feeds_unhealthy = %v, want 1", got)
	}
	rec := httptest.NewRecorder()
	h.svc.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feeds", nil))
	var rows []poll.FeedStatus
	if err := json.Unmarshal(rec.Body.Bytes(), &rows); err != nil {
		t.Fatalf("GET /feeds: %v: %s", err, rec.Body)
	}
	if len(rows) != 2 {
		t.Fatalf("GET /feeds lists %d feeds, want 2", len(rows))
	}
	bad, good := rows[1], rows[0] // sorted by name: farm/500 < farm/etag
	if bad.Name != "farm/500" {
		bad, good = good, bad
	}
	if bad.Healthy || bad.ConsecutiveFailures != 3 || bad.LastResult != poll.ResultHTTP5xx || bad.LastError == "" || bad.NextPoll == nil {
		t.Errorf("unhealthy feed row = %+v", bad)
	}
	if !good.Healthy || good.LastResult != poll.ResultOK || good.LastSuccess == nil || good.Published != 2 {
		t.Errorf("healthy feed row = %+v", good)
	}
}

func TestFarmPublishFailureDoesNotMarkSeen(t *testing.T) {
	f := newFarm(t)
	h := newHarness(t, []feedlist.Feed{f.feed("/etag")}, httpfetch.Options{}, policy)
	ctx := context.Background()
	h.w.setFail(errors.New("kafka: not enough replicas"))
	r := h.svc.PollNow(ctx, 0)
	if r.Result != poll.ResultPublishError || r.Published != 0 {
		t.Fatalf("poll with failing writer = %+v", r)
	}
	if v := h.set.Validators(f.srv.URL + "/etag"); v.ETag != "" {
		t.Errorf("validators saved although publishing failed: %+v (the next poll would get a 304 and lose the items)", v)
	}
	h.w.setFail(nil)
	r = h.svc.PollNow(ctx, 0)
	if r.Result != poll.ResultOK || r.Published != 2 {
		t.Fatalf("retry = %+v, want both articles published", r)
	}
	// State records follow the articles they describe.
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	var topics []string
	for _, m := range h.w.msgs {
		topics = append(topics, m.Topic)
	}
	want := []string{topicRaw, topicRaw, topicState, topicState, topicState}
	if strings.Join(topics, ",") != strings.Join(want, ",") {
		t.Errorf("write order = %v, want %v", topics, want)
	}
}

// TestFarmRunHangingFeedDoesNotStallOthers runs the real scheduler with a
// feed whose server never answers (and a client timeout far beyond the test),
// and checks that the other feeds are polled and published meanwhile.
func TestFarmRunHangingFeedDoesNotStallOthers(t *testing.T) {
	f := newFarm(t)
	feeds := []feedlist.Feed{f.feed("/hang"), f.feed("/etag"), f.feed("/changing"), f.feed("/nodate")}
	fast := schedule.Policy{Min: 10 * time.Millisecond, Max: time.Hour, Interval: 20 * time.Millisecond, Jitter: -1, UnhealthyAfter: 3}
	h := newHarnessClock(t, feeds, httpfetch.Options{Timeout: time.Hour}, fast, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.svc.Run(ctx) }()
	for len(h.w.articles(t)) < 5 {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	for _, st := range h.svc.Status() {
		if st.Name == "farm/hang" && st.LastResult != "" {
			t.Errorf("hanging feed finished a poll (%s): the test proves nothing", st.LastResult)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

type panickingGetter struct{}

func (panickingGetter) Get(context.Context, string, httpfetch.Validators, string) (*httpfetch.Response, error) {
	panic("parser bug")
}

func TestPanicIsContainedToOneFeed(t *testing.T) {
	svc, err := poll.New(poll.Options{
		Feeds: []feedlist.Feed{{URL: "https://a.example/rss", Name: "a"}}, Client: panickingGetter{}, Writer: &memWriter{},
		Seen: seen.NewSet(), Scheduler: schedule.New(policy, 1), TopicRaw: topicRaw, TopicState: topicState,
		Metrics: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := svc.PollNow(context.Background(), 0)
	if r.Result != poll.ResultInternalError || r.Err == nil || r.Next < policy.Min {
		t.Errorf("poll = %+v, want internal_error with a retry scheduled", r)
	}
}

// TestFarmRetentionRefresh checks that articles still carried by a feed that
// answers 304 get their state records rewritten before the state topic's
// retention could delete them, and only then.
func TestFarmRetentionRefresh(t *testing.T) {
	f := newFarm(t)
	var mu sync.Mutex
	now := clock
	client, err := httpfetch.New(httpfetch.Options{Allow: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	w := &memWriter{}
	set := seen.NewSet()
	svc, err := poll.New(poll.Options{
		Feeds: []feedlist.Feed{f.feed("/etag")}, Client: client, Writer: w, Seen: set,
		Scheduler: schedule.New(policy, 1), TopicRaw: topicRaw, TopicState: topicState, Retention: 2 * time.Hour,
		Metrics: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	articleRecords := func() []seen.Entry {
		w.mu.Lock()
		defer w.mu.Unlock()
		var out []seen.Entry
		for _, m := range w.msgs {
			if m.Topic == topicState && strings.HasPrefix(string(m.Key), "article") {
				var e seen.Entry
				if err := json.Unmarshal(m.Value, &e); err != nil {
					t.Fatal(err)
				}
				out = append(out, e)
			}
		}
		return out
	}
	ctx := context.Background()
	if r := svc.PollNow(ctx, 0); r.Published != 2 {
		t.Fatalf("first poll = %+v", r)
	}
	advance(30 * time.Minute)
	if r := svc.PollNow(ctx, 0); r.Result != poll.ResultNotModified {
		t.Fatalf("second poll = %+v", r)
	}
	if n := len(articleRecords()); n != 2 {
		t.Errorf("%d article records after 30m, want the 2 original ones only", n)
	}
	advance(40 * time.Minute)
	svc.PollNow(ctx, 0)
	recs := articleRecords()
	if len(recs) != 4 {
		t.Fatalf("%d article records after 70m, want 2 original + 2 refreshed", len(recs))
	}
	for _, e := range recs[2:] {
		if !e.At.Equal(clock.Add(70*time.Minute)) || e.Revision != 1 {
			t.Errorf("refreshed record = %+v", e)
		}
	}
	// What was refreshed survives pruning at the retention horizon; the
	// content hash still matches, so nothing is published again.
	if n := set.Prune(clock.Add(70*time.Minute - 2*time.Hour + time.Minute)); n != 0 {
		t.Errorf("pruned %d live articles", n)
	}
	set.SetValidators(f.srv.URL+"/etag", seen.Validators{})
	if r := svc.PollNow(ctx, 0); r.Published != 0 || r.Duplicates != 2 {
		t.Errorf("full poll after refresh = %+v, want only duplicates", r)
	}
}
