package assign

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/incident"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// set is the working set: the incidents of some days (by first report)
// and the candidate index over them, like incident.Clusterer's, but
// loaded from the store a day at a time as articles need them and evicted
// again, so memory stays bounded and a restart resumes where it stopped.
//
// Invariant: for every day in days, every stored incident first reported
// that day is in byID (with the newer, in-memory version winning).
type set struct {
	cfg       incident.Config
	byID      map[string]*incident.Incident
	byArticle map[string]*incident.Incident
	index     map[incident.Key][]*incident.Incident
	keys      map[*incident.Incident][]incident.Key
	days      map[int64]bool
	newest    int64
}

func newSet(cfg incident.Config) *set {
	return &set{cfg: cfg, byID: map[string]*incident.Incident{}, byArticle: map[string]*incident.Incident{},
		index: map[incident.Key][]*incident.Incident{}, keys: map[*incident.Incident][]incident.Key{}, days: map[int64]bool{},
		newest: math.MinInt64}
}

// add puts a loaded or new incident in the set unless it is there already
// (then the in-memory version is the newer one).
func (s *set) add(inc *incident.Incident) {
	if s.byID[inc.ID] != nil {
		return
	}
	s.byID[inc.ID] = inc
	for _, m := range inc.Members {
		s.byArticle[m.ArticleID] = inc
	}
	s.reindex(inc)
}

func (s *set) member(articleID string, inc *incident.Incident) { s.byArticle[articleID] = inc }

// reindex files the incident under its current keys; its focus and first
// report change as articles join.
func (s *set) reindex(inc *incident.Incident) {
	keys := incident.IndexKeys(s.cfg, inc)
	old := s.keys[inc]
	if slices.Equal(old, keys) {
		return
	}
	s.unindex(inc)
	for _, k := range keys {
		s.index[k] = append(s.index[k], inc)
	}
	s.keys[inc] = keys
}

func (s *set) unindex(inc *incident.Incident) {
	for _, k := range s.keys[inc] {
		s.index[k] = slices.DeleteFunc(s.index[k], func(x *incident.Incident) bool { return x == inc })
		if len(s.index[k]) == 0 {
			delete(s.index, k)
		}
	}
	delete(s.keys, inc)
}

// candidates are the incidents filed under the article's lookup keys.
func (s *set) candidates(keys []incident.Key) []*incident.Incident {
	var out []*incident.Incident
	seen := map[*incident.Incident]bool{}
	for _, k := range keys {
		for _, inc := range s.index[k] {
			if !seen[inc] {
				seen[inc] = true
				out = append(out, inc)
			}
		}
	}
	return out
}

// ensureDays loads the stored incidents of every day the keys name that is
// not loaded yet, a contiguous run of days per query.
func (s *set) ensureDays(ctx context.Context, sess store.AssignSession, keys []incident.Key) error {
	var missing []int64
	for _, k := range keys {
		if !s.days[k.Day] && !slices.Contains(missing, k.Day) {
			missing = append(missing, k.Day)
		}
	}
	slices.Sort(missing)
	for i := 0; i < len(missing); {
		j := i + 1
		for j < len(missing) && missing[j] == missing[j-1]+1 {
			j++
		}
		incs, err := sess.IncidentsFirstReported(ctx, dayStart(missing[i]), dayStart(missing[j-1]+1))
		if err != nil {
			return err
		}
		for _, inc := range incs {
			s.add(inc)
		}
		for _, d := range missing[i:j] {
			s.days[d] = true
		}
		i = j
	}
	return nil
}

// seen notes an article's time, which decides what eviction keeps.
func (s *set) seen(t time.Time) {
	s.newest = max(s.newest, dayOf(t))
}

// evict keeps at most keepDays loaded days, nearest the newest article,
// and drops every incident not first reported on a kept day. While the
// kept days' incidents hold more than keepArticles articles, which is what
// memory grows with, it drops the farthest days too, but not the minDays
// nearest, which an article at the newest time reads: bounding by days
// alone would let a busy month outgrow memory, and dropping days the next
// article needs would only reload them. It runs between batches, when
// everything in memory is saved; a dropped day is read again if a late
// article needs it.
func (s *set) evict(keepDays, keepArticles, minDays int) {
	if len(s.days) <= keepDays && (len(s.days) <= minDays || len(s.byArticle) <= keepArticles) {
		return
	}
	days := make([]int64, 0, len(s.days))
	for d := range s.days {
		days = append(days, d)
	}
	dist := func(d int64) int64 {
		if d > s.newest {
			return d - s.newest
		}
		return s.newest - d
	}
	slices.SortFunc(days, func(a, b int64) int {
		if c := dist(a) - dist(b); c != 0 {
			if c < 0 {
				return -1
			}
			return 1
		}
		if a > b {
			return -1
		}
		return 1
	})
	perDay := map[int64]int{}
	for _, inc := range s.byID {
		perDay[dayOf(inc.FirstReport)] += len(inc.Members)
	}
	keep, held := 0, 0
	for _, d := range days {
		if keep >= keepDays || (keep >= minDays && held+perDay[d] > keepArticles) {
			break
		}
		keep++
		held += perDay[d]
	}
	if keep == len(days) {
		return
	}
	for _, d := range days[keep:] {
		delete(s.days, d)
	}
	for id, inc := range s.byID {
		if s.days[dayOf(inc.FirstReport)] {
			continue
		}
		delete(s.byID, id)
		for _, m := range inc.Members {
			if s.byArticle[m.ArticleID] == inc {
				delete(s.byArticle, m.ArticleID)
			}
		}
		s.unindex(inc)
	}
}

// dayOf is the UTC day of t in days since the Unix epoch, as incident.Key counts.
func dayOf(t time.Time) int64 { return int64(math.Floor(float64(t.Unix()) / 86400)) }
