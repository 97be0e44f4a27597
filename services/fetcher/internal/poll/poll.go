// Package poll owns the fetcher's main loop: it schedules every feed of this
// replica, polls it with the guarded client, turns new and changed items into
// raw articles, publishes them, records them as seen only once Kafka has
// acknowledged them, and reports each feed's health.
package poll

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"

	"github.com/newsflow/newsflow/services/fetcher/internal/articleid"
	"github.com/newsflow/newsflow/services/fetcher/internal/feed"
	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
	"github.com/newsflow/newsflow/services/fetcher/internal/fulltext"
	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
	"github.com/newsflow/newsflow/services/fetcher/internal/schedule"
	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

// Writer publishes messages and returns once Kafka acknowledged all of them
// (*kafka.Writer with RequiredAcks set, in synchronous mode). It must be safe
// for concurrent use.
type Writer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Getter performs a guarded HTTP GET; *httpfetch.Client implements it.
type Getter interface {
	Get(ctx context.Context, url string, v httpfetch.Validators, accept string) (*httpfetch.Response, error)
}

// Options are the dependencies of a Service.
type Options struct {
	Feeds      []feedlist.Feed
	Client     Getter
	Writer     Writer
	Seen       *seen.Set
	Scheduler  *schedule.Scheduler
	TopicRaw   string
	TopicState string
	// Concurrency is the number of polls in flight across all hosts.
	Concurrency int
	// Retention is how long an article is remembered after it was last
	// published or seen in its feed; zero remembers forever. Records still in
	// a feed are rewritten after half of it, so the state topic may use a time
	// retention of the same length.
	Retention time.Duration
	Metrics   prometheus.Registerer
	Logger    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"

type feedState struct {
	feed  feedlist.Feed
	loc   *time.Location
	label string // bounded metric label: the feed's configured name

	sched       schedule.State
	next        time.Time
	lastPoll    time.Time
	lastSuccess time.Time
	lastResult  string
	lastError   string
	published   int
	index       int // position in the heap, -1 while polling
	// current are the ids in the feed's last successful document; a 304
	// means they are all still there. Only the feed's own poll touches it.
	current []string
}

// Service polls feeds. Create it with New.
type Service struct {
	o   Options
	m   *metrics
	log *slog.Logger
	now func() time.Time

	mu    sync.Mutex
	feeds []*feedState
	queue queue
	wake  chan struct{}
}

// New builds a Service; it does no I/O.
func New(o Options) (*Service, error) {
	if o.Client == nil || o.Writer == nil || o.Seen == nil || o.Scheduler == nil || o.Metrics == nil || o.Logger == nil {
		return nil, errors.New("poll: Client, Writer, Seen, Scheduler, Metrics and Logger are required")
	}
	if o.TopicRaw == "" || o.TopicState == "" {
		return nil, errors.New("poll: TopicRaw and TopicState are required")
	}
	o.Concurrency = max(o.Concurrency, 1)
	now := o.Now
	if now == nil {
		now = time.Now
	}
	m, err := newMetrics(o.Metrics)
	if err != nil {
		return nil, fmt.Errorf("poll: register metrics: %w", err)
	}
	s := &Service{o: o, m: m, log: o.Logger, now: now, wake: make(chan struct{}, 1)}
	for _, f := range o.Feeds {
		fs := &feedState{feed: f, label: metricLabel(f.Name), index: -1}
		if f.Timezone != "" {
			loc, err := time.LoadLocation(f.Timezone)
			if err != nil {
				return nil, fmt.Errorf("poll: feed %s timezone: %w", f.URL, err)
			}
			fs.loc = loc
		}
		s.feeds = append(s.feeds, fs)
		m.interval.WithLabelValues(fs.label).Set(o.Scheduler.Interval(time.Duration(f.Interval)).Seconds())
	}
	m.feeds.Set(float64(len(s.feeds)))
	return s, nil
}

func metricLabel(name string) string {
	name = strings.TrimSpace(name)
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// Run polls every feed on its schedule until ctx is done, then waits for the
// polls in flight and returns nil.
func (s *Service) Run(ctx context.Context) error {
	start := s.now()
	s.mu.Lock()
	for _, fs := range s.feeds {
		fs.next = start.Add(s.o.Scheduler.First(time.Duration(fs.feed.Interval)))
		heap.Push(&s.queue, fs)
	}
	s.mu.Unlock()

	sem := make(chan struct{}, s.o.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	if s.o.Retention > 0 {
		s.prune()
		every := min(s.o.Retention/24, time.Hour)
		wg.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					s.prune()
				}
			}
		})
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		var fs *feedState
		var wait time.Duration = -1
		if s.queue.Len() > 0 {
			top := s.queue[0]
			if d := top.next.Sub(s.now()); d > 0 {
				wait = d
			} else {
				fs = heap.Pop(&s.queue).(*feedState)
			}
		}
		s.mu.Unlock()

		if fs == nil {
			var tc <-chan time.Time
			if wait >= 0 {
				timer.Reset(wait)
				tc = timer.C
			}
			select {
			case <-ctx.Done():
				return nil
			case <-s.wake:
			case <-tc:
			}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		wg.Go(func() {
			defer func() { <-sem }()
			s.pollAndReschedule(ctx, fs)
		})
	}
}

func (s *Service) prune() {
	if n := s.o.Seen.Prune(s.now().Add(-s.o.Retention)); n > 0 {
		s.log.Info("forgot old articles", slog.Int("articles", n), slog.Duration("retention", s.o.Retention))
	}
}

func (s *Service) pollAndReschedule(ctx context.Context, fs *feedState) {
	s.poll(ctx, fs)
	if ctx.Err() != nil {
		return
	}
	s.mu.Lock()
	heap.Push(&s.queue, fs)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Result is the outcome of one poll.
type Result struct {
	Result     string
	Published  int
	Duplicates int
	Err        error
	// Next is the delay until the next poll.
	Next time.Duration
}

// PollNow polls the feed at index i of the feed list once, outside the
// schedule, and returns what happened. Tests and the benchmark use it.
func (s *Service) PollNow(ctx context.Context, i int) Result {
	return s.poll(ctx, s.feeds[i])
}

func (s *Service) poll(ctx context.Context, fs *feedState) Result {
	start := s.now()
	res, hints := s.fetch(ctx, fs, start)
	elapsed := s.now().Sub(start)
	s.m.duration.Observe(elapsed.Seconds())
	s.m.polls.WithLabelValues(res.Result).Inc()

	s.mu.Lock()
	defer s.mu.Unlock()
	hints.Failed = res.Err != nil
	wasUnhealthy := fs.sched.Unhealthy
	fs.sched, res.Next = s.o.Scheduler.Next(fs.sched, time.Duration(fs.feed.Interval), hints)
	fs.next = start.Add(res.Next)
	fs.lastPoll = start
	fs.lastResult = res.Result
	fs.lastError = ""
	fs.published += res.Published
	if res.Err != nil {
		fs.lastError = res.Err.Error()
		lvl := slog.LevelWarn
		if fs.sched.Failures > 1 {
			lvl = slog.LevelDebug // already reported; avoid a log line per retry
		}
		s.log.Log(ctx, lvl, "poll failed", slog.String("feed_url", fs.feed.URL), slog.String("result", res.Result),
			slog.Int("failures", fs.sched.Failures), slog.Duration("next", res.Next), slog.Any("error", res.Err))
	} else {
		fs.lastSuccess = start
		s.m.lastSuccess.WithLabelValues(fs.label).Set(float64(start.Unix()))
		if res.Published > 0 {
			s.log.Info("published", slog.String("feed_url", fs.feed.URL), slog.Int("articles", res.Published))
		}
	}
	if fs.sched.Unhealthy != wasUnhealthy {
		if fs.sched.Unhealthy {
			s.m.unhealthy.Inc()
			s.log.Error("feed unhealthy", slog.String("feed_url", fs.feed.URL), slog.Int("failures", fs.sched.Failures), slog.Any("error", res.Err))
		} else {
			s.m.unhealthy.Dec()
			s.log.Info("feed healthy again", slog.String("feed_url", fs.feed.URL))
		}
	}
	return res
}

// fetch does the I/O of one poll. It holds no lock. A panic in a parser
// library on hostile input is turned into a failed poll of that feed alone.
func (s *Service) fetch(ctx context.Context, fs *feedState, now time.Time) (res Result, hints schedule.Outcome) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("poll panicked", slog.String("feed_url", fs.feed.URL), slog.Any("panic", r))
			res, hints = Result{Result: ResultInternalError, Err: fmt.Errorf("poll %s: panic: %v", fs.feed.URL, r)}, schedule.Outcome{}
		}
	}()
	f := fs.feed
	v := s.o.Seen.Validators(f.URL)
	resp, err := s.o.Client.Get(ctx, f.URL, httpfetch.Validators{ETag: v.ETag, LastModified: v.LastModified}, feedAccept)
	if err != nil {
		var se *httpfetch.StatusError
		if errors.As(err, &se) {
			hints.RetryAfter = se.RetryAfter
		}
		return Result{Result: classify(err), Err: err}, hints
	}
	hints = schedule.Outcome{MaxAge: resp.MaxAge, RetryAfter: resp.RetryAfter}
	s.m.bytes.Add(float64(resp.Bytes))
	if resp.NotModified {
		if resp.Validators.ETag != v.ETag {
			s.saveValidators(ctx, f.URL, resp.Validators)
		}
		s.refresh(ctx, f.URL, fs.current, now)
		return Result{Result: ResultNotModified}, hints
	}
	parsed, err := feed.Parse(resp.Body, resp.ContentType, feed.Options{Location: fs.loc, Country: f.Country, Now: now})
	if err != nil {
		return Result{Result: ResultParseError, Err: fmt.Errorf("poll %s: %w", f.URL, err)}, hints
	}
	hints.TTL = parsed.TTL
	s.m.itemsSeen.Add(float64(len(parsed.Items)))

	res = Result{Result: ResultOK}
	arts, entries, dups := s.newArticles(ctx, fs, parsed, resp.FinalURL, now, &res)
	if len(arts) > 0 {
		if err := s.publish(ctx, f, arts, entries); err != nil {
			return Result{Result: ResultPublishError, Err: err}, hints
		}
		res.Published = len(arts)
	}
	s.refresh(ctx, f.URL, dups, now)
	fs.current = fs.current[:0]
	for _, a := range arts {
		fs.current = append(fs.current, a.ID)
	}
	fs.current = append(fs.current, dups...)
	// Validators are saved only now: had publishing failed, a 304 next time
	// would hide the unpublished items for good.
	if resp.Validators != (httpfetch.Validators{ETag: v.ETag, LastModified: v.LastModified}) {
		s.saveValidators(ctx, f.URL, resp.Validators)
	}
	return res, hints
}

// newArticles turns the items of a parsed feed into the articles to publish: new
// ids and changed content, each id once per poll.
// It also returns the ids of items already published unchanged.
func (s *Service) newArticles(ctx context.Context, fs *feedState, parsed feed.Feed, base string, now time.Time, res *Result) ([]events.RawArticle, []seen.Entry, []string) {
	f := fs.feed
	var arts []events.RawArticle
	var entries []seen.Entry
	var dups []string
	inPoll := map[string]bool{}
	for _, it := range parsed.Items {
		canon, _ := articleid.Canonical(it.Link, base)
		id, _ := articleid.ID(articleid.Input{Feed: f.URL, CanonicalURL: canon, GUID: it.GUID, Title: it.Title, Summary: it.Summary, Text: it.Text})
		hash := articleid.ContentHash(it.Title, it.Summary, it.Text)
		d := s.o.Seen.Check(f.URL, id, hash)
		if !d.Publish || inPoll[id] {
			res.Duplicates++
			s.m.duplicates.Inc()
			if !inPoll[id] {
				dups = append(dups, id)
				inPoll[id] = true
			}
			continue
		}
		inPoll[id] = true
		lang := f.Language
		if lang == "" {
			lang = parsed.Language
		}
		a := events.RawArticle{
			ID: id, Revision: d.Revision, URL: it.Link, CanonicalURL: canon, Feed: f.URL, Source: f.Name,
			CountryHint: f.Country, Title: it.Title, Summary: it.Summary, Text: it.Text, Language: lang,
			PublishedAt: it.Published, PublishedAtEstimated: it.Estimated, FetchedAt: now.UTC(), GUID: it.GUID,
		}
		if f.FullText && a.Text == "" && canon != "" {
			text, err := fulltext.Fetch(ctx, s.o.Client, canon)
			if err != nil {
				s.m.fulltext.WithLabelValues("error").Inc()
				s.log.Debug("full text failed", slog.String("feed_url", f.URL), slog.String("url", canon), slog.Any("error", err))
			} else {
				s.m.fulltext.WithLabelValues("ok").Inc()
				a.Text = text
			}
		}
		arts = append(arts, a)
		entries = append(entries, seen.Entry{Hash: hash, Revision: d.Revision, At: now.UTC()})
	}
	return arts, entries, dups
}

// refresh notes that ids are still in the feed and rewrites the state records
// of those last written more than half the retention ago.
func (s *Service) refresh(ctx context.Context, feedURL string, ids []string, now time.Time) {
	if s.o.Retention <= 0 || len(ids) == 0 {
		return
	}
	var msgs []kafka.Message
	for _, id := range ids {
		e, due := s.o.Seen.Touch(feedURL, id, now, s.o.Retention/2)
		if !due {
			continue
		}
		m, err := seen.ArticleRecord(feedURL, id, e)
		if err != nil {
			continue
		}
		m.Topic = s.o.TopicState
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return
	}
	if err := s.o.Writer.WriteMessages(ctx, msgs...); err != nil {
		s.m.stateErrors.Inc()
		s.log.Warn("seen-state refresh failed", slog.String("feed_url", feedURL), slog.Any("error", err))
	}
}

// publish writes the articles, waits for Kafka's acknowledgement, then marks
// them seen in memory and in the state topic.
func (s *Service) publish(ctx context.Context, f feedlist.Feed, arts []events.RawArticle, entries []seen.Entry) error {
	msgs := make([]kafka.Message, 0, len(arts))
	for _, a := range arts {
		m, err := events.RawMessage(a, f.URL)
		if err != nil {
			return fmt.Errorf("publish %s: %w", f.URL, err)
		}
		m.Topic = s.o.TopicRaw
		msgs = append(msgs, m)
	}
	if err := s.o.Writer.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("publish %d articles from %s: %w", len(msgs), f.URL, err)
	}
	state := make([]kafka.Message, 0, len(arts))
	for i, a := range arts {
		s.o.Seen.Mark(f.URL, a.ID, entries[i])
		kind := "new"
		if a.Revision > 1 {
			kind = "revision"
		}
		s.m.published.WithLabelValues(kind).Inc()
		m, err := seen.ArticleRecord(f.URL, a.ID, entries[i])
		if err != nil {
			return err
		}
		m.Topic = s.o.TopicState
		state = append(state, m)
	}
	if err := s.o.Writer.WriteMessages(ctx, state...); err != nil {
		// The articles are out and marked in memory; only a restart before the
		// next successful state write would publish them again (same id and
		// revision, which consumers treat idempotently).
		s.m.stateErrors.Inc()
		s.log.Warn("seen-state write failed", slog.String("feed_url", f.URL), slog.Any("error", err))
	}
	return nil
}

func (s *Service) saveValidators(ctx context.Context, feedURL string, v httpfetch.Validators) {
	sv := seen.Validators{ETag: v.ETag, LastModified: v.LastModified}
	s.o.Seen.SetValidators(feedURL, sv)
	m, err := seen.ValidatorsRecord(feedURL, sv)
	if err == nil {
		m.Topic = s.o.TopicState
		err = s.o.Writer.WriteMessages(ctx, m)
	}
	if err != nil {
		s.m.stateErrors.Inc()
		s.log.Warn("seen-state write failed", slog.String("feed_url", feedURL), slog.Any("error", err))
	}
}

// classify maps a fetch error to a result label.
func classify(err error) string {
	var se *httpfetch.StatusError
	switch {
	case errors.Is(err, httpfetch.ErrBlocked):
		return ResultBlocked
	case errors.Is(err, httpfetch.ErrTimeout):
		return ResultTimeout
	case errors.Is(err, httpfetch.ErrTooLarge):
		return ResultTooLarge
	case errors.Is(err, httpfetch.ErrTooManyRedirects):
		return ResultTooManyRedirects
	case errors.As(err, &se) && se.Code >= 500:
		return ResultHTTP5xx
	case errors.As(err, &se):
		return ResultHTTP4xx
	}
	return ResultNetworkError
}

// queue is a min-heap of feeds by next poll time.
type queue []*feedState

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].next.Before(q[j].next) }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i]; q[i].index = i; q[j].index = j }
func (q *queue) Push(x any)        { fs := x.(*feedState); fs.index = len(*q); *q = append(*q, fs) }
func (q *queue) Pop() any {
	old := *q
	fs := old[len(old)-1]
	old[len(old)-1] = nil
	fs.index = -1
	*q = old[:len(old)-1]
	return fs
}
