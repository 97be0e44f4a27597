// Package assign owns the incident assigner: the single writer that puts
// every stored article into an incident. It follows the store's
// incident_queue (filled by triggers as Upsert writes articles, so
// indexing is not slowed), clusters each article with package incident
// against an in-memory working set of recent incidents, and saves the
// changed incidents, the new article links and the consumed queue entries
// in one transaction per batch. It is deterministic (the queue's order and
// sequence numbers drive it), restartable (the queue is the cursor), and
// an article seen again (a revision or a replay) stays in its incident.
package assign

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsflow/newsflow/services/indexer/internal/incident"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Opener opens the store's assigner session.
type Opener interface {
	Assigner(ctx context.Context) (store.AssignSession, error)
}

// Config is what New needs; zero values take the defaults.
type Config struct {
	Store Opener
	// Cluster tunes the clustering (default incident.DefaultConfig()).
	Cluster *incident.Config
	Logger  *slog.Logger
	// Metrics registers the assigner's metrics; nil registers none.
	Metrics prometheus.Registerer
	// Countries get their own coverage label, as for the indexer's
	// article metrics; others count as "other", no focus as "none".
	Countries []string
	// Batch is the most queue entries handled per transaction (default 500).
	Batch int
	// Poll is how often an idle assigner looks at the queue (default 250ms).
	Poll time.Duration
	// Retry is the wait after an error or while another process holds the
	// assigner (default 5s).
	Retry time.Duration
	// KeepDays and KeepArticles bound the working set: the days of
	// incidents kept in memory, nearest the newest article first (default
	// 30), and the articles of those incidents (default 100,000; about
	// 500–750 bytes each). The days within the clustering window of the
	// newest article stay whatever their size.
	KeepDays, KeepArticles int
}

// Assigner runs the assignment loop.
type Assigner struct {
	cfg     Config
	cluster incident.Config
	log     *slog.Logger
	m       *metrics
	wake    chan struct{}
}

// New checks cfg and registers the metrics.
func New(cfg Config) (*Assigner, error) {
	if cfg.Store == nil {
		return nil, errors.New("assign: no store")
	}
	a := &Assigner{cfg: cfg, cluster: incident.DefaultConfig(), log: cfg.Logger, wake: make(chan struct{}, 1)}
	if cfg.Cluster != nil {
		a.cluster = *cfg.Cluster
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.cfg.Batch <= 0 {
		a.cfg.Batch = 500
	}
	if a.cfg.Poll <= 0 {
		a.cfg.Poll = 250 * time.Millisecond
	}
	if a.cfg.Retry <= 0 {
		a.cfg.Retry = 5 * time.Second
	}
	if a.cfg.KeepDays <= 0 {
		a.cfg.KeepDays = 30
	}
	if a.cfg.KeepArticles <= 0 {
		a.cfg.KeepArticles = 100_000
	}
	m, err := newMetrics(cfg.Metrics, cfg.Countries)
	if err != nil {
		return nil, err
	}
	a.m = m
	return a, nil
}

// Wake makes an idle assigner look at the queue now rather than at its
// next poll; the indexer calls it after each stored batch. It never blocks.
func (a *Assigner) Wake() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Run assigns queued articles until ctx is done. While another process
// holds the assigner it retries; after a store error it rebuilds its
// working set from the store and goes on, since the failed batch was
// rolled back.
func (a *Assigner) Run(ctx context.Context) error {
	busy := false
	for ctx.Err() == nil {
		err := a.session(ctx, func(w *worker) error {
			busy = false
			a.log.Info("incident assigner holds the store's assigner session")
			for {
				n, err := w.step(ctx)
				if err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				select {
				case <-ctx.Done():
					return nil
				case <-a.wake:
				case <-time.After(a.cfg.Poll):
				}
			}
		})
		switch {
		case ctx.Err() != nil:
		case errors.Is(err, store.ErrAssignerBusy):
			if !busy {
				busy = true
				a.log.Info("another process runs the incident assigner; standing by")
			}
		case err != nil:
			a.m.errors.Inc()
			a.log.Error("incident assigner failed; restarting", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
		case <-time.After(a.cfg.Retry):
		}
	}
	return nil
}

// Drain assigns every queued article in a session of its own and returns
// how many entries it consumed. It is for tests and batch runs.
func (a *Assigner) Drain(ctx context.Context) (int, error) {
	total := 0
	err := a.session(ctx, func(w *worker) error {
		var err error
		total, err = w.drain(ctx)
		return err
	})
	return total, err
}

// Session is an open assigner session and its working set, for callers
// that drain repeatedly (benchmarks) without rebuilding the set each time.
type Session struct{ w *worker }

// Open takes the store's assigner session; Close releases it.
func (a *Assigner) Open(ctx context.Context) (*Session, error) {
	sess, err := a.cfg.Store.Assigner(ctx)
	if err != nil {
		return nil, err
	}
	return &Session{w: &worker{a: a, sess: sess, set: newSet(a.cluster)}}, nil
}

// Drain assigns every queued article and returns how many entries it
// consumed. After an error the session must be closed: its working set
// may be ahead of the store.
func (s *Session) Drain(ctx context.Context) (int, error) { return s.w.drain(ctx) }

// Close releases the store's assigner session.
func (s *Session) Close() error { return s.w.sess.Close() }

func (a *Assigner) session(ctx context.Context, fn func(*worker) error) error {
	s, err := a.Open(ctx)
	if err != nil {
		return err
	}
	err = fn(s.w)
	return errors.Join(err, s.Close())
}

func (w *worker) drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := w.step(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// worker is one session's state: the working set mirrors what the store
// holds after the last saved batch.
type worker struct {
	a    *Assigner
	sess store.AssignSession
	set  *set
}

// step handles one batch of the queue and returns how many entries it
// consumed.
func (w *worker) step(ctx context.Context) (int, error) {
	start := time.Now()
	queued, err := w.sess.Queue(ctx, w.a.cfg.Batch)
	if err != nil || len(queued) == 0 {
		return 0, err
	}
	// Articles stored before but not in memory (a revision of an old
	// article, or the first batch after a restart) bring their incident.
	var unknown []string
	for _, q := range queued {
		if !q.Missing && w.set.byArticle[q.Article.ID] == nil {
			unknown = append(unknown, q.Article.ID)
		}
	}
	if len(unknown) > 0 {
		links, err := w.sess.IncidentIDs(ctx, unknown)
		if err != nil {
			return 0, err
		}
		var ids []string
		seen := map[string]bool{}
		for _, id := range links {
			if w.set.byID[id] == nil && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			incs, err := w.sess.LoadIncidents(ctx, ids)
			if err != nil {
				return 0, err
			}
			for _, inc := range incs {
				w.set.add(inc)
			}
		}
	}

	// Features are pure functions of the articles: extract them on every
	// core; the assignment itself is sequential, as it must be to be
	// deterministic.
	feats := make([]incident.Features, len(queued))
	_ = store.Parallel(len(queued), func(i int) error {
		if !queued[i].Missing {
			feats[i] = incident.Extract(queued[i].Article)
		}
		return nil
	})
	var (
		write   store.IncidentWrite
		before  = map[*incident.Incident]coverage{}
		changed = map[*incident.Incident]int{} // index in write.Changes
		created int
	)
	for i, q := range queued {
		write.Done = append(write.Done, q.Seq)
		if q.Missing {
			continue
		}
		f := feats[i]
		inc := w.set.byArticle[f.ArticleID]
		if inc == nil {
			keys := incident.LookupKeys(w.set.cfg, f)
			if err := w.set.ensureDays(ctx, w.sess, keys); err != nil {
				return 0, err
			}
			inc = incident.Best(w.set.cfg, f, w.set.candidates(keys))
			if inc == nil {
				inc = incident.Open(f)
				before[inc] = coverage{}
				created++
				w.set.add(inc)
			}
		}
		if _, ok := before[inc]; !ok {
			before[inc] = w.a.m.coverageOf(inc)
		}
		c, ok := changed[inc]
		if !ok {
			c = len(write.Changes)
			changed[inc] = c
			write.Changes = append(write.Changes, store.Change{Incident: inc})
		}
		write.Changes[c].Articles = append(write.Changes[c].Articles, f.ArticleID)
		inc.Add(f, int(q.Seq))
		w.set.member(f.ArticleID, inc)
		w.set.reindex(inc)
		w.set.seen(f.At)
	}
	if err := w.sess.Save(ctx, write); err != nil {
		return 0, err
	}
	for _, c := range write.Changes {
		w.a.m.count(before[c.Incident], w.a.m.coverageOf(c.Incident))
	}
	w.a.m.assigned.Add(float64(len(queued)))
	w.a.m.opened.Add(float64(created))
	w.a.m.batch.Observe(time.Since(start).Seconds())
	w.set.evict(w.a.cfg.KeepDays, w.a.cfg.KeepArticles, incident.WindowDays(w.set.cfg))
	w.a.m.working.Set(float64(len(w.set.byID)))
	return len(queued), nil
}

func dayStart(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }
