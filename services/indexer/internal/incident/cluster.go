package incident

import (
	"slices"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Config tunes the clustering. The zero value is not useful; start from
// DefaultConfig.
type Config struct {
	// Window is how far an article's time may lie from an incident's first
	// report and still join it.
	Window time.Duration
	// NearKM is the distance within which two precise foci count as the
	// same spot; FarKM the distance beyond which they are different events.
	NearKM, FarKM float64
	// Threshold is the score an article needs to join an incident.
	Threshold float64
	// StrongText is the text similarity required when either side only
	// locates the event to a country (or not at all).
	StrongText float64
	// TimePrior is the bonus for a report a day or less from an incident,
	// divided among the incidents that close.
	TimePrior float64
}

// DefaultConfig returns the tuned defaults.
func DefaultConfig() Config {
	return Config{Window: 3 * 24 * time.Hour, NearKM: 60, FarKM: 150, Threshold: 0.35, StrongText: 0.2, TimePrior: 0.35}
}

// Score rates how well an article fits an incident; ok is false when the
// article cannot belong to it at all (too far in time or space). The score
// leaves out the time prior Best adds, which depends on the other
// candidates.
func Score(cfg Config, f Features, inc *Incident) (score float64, ok bool) {
	// The window is anchored at the first report, not the last, so a
	// busy place cannot chain daily incidents into one long one.
	if f.At.Before(inc.FirstReport.Add(-cfg.Window)) || f.At.After(inc.FirstReport.Add(cfg.Window)) {
		return 0, false
	}
	text, shared := 0.0, false
	for _, m := range inc.Members {
		text = max(text, similarity(f.Tokens, m.Tokens))
		if !shared && intersects(f.Places, m.Places) {
			shared = true
		}
	}
	counts := countScore(f, inc)
	if counts < 0 && text < cfg.StrongText/2 {
		// Neither the words nor the figures agree: whatever the place and
		// time, these are two events.
		return 0, false
	}
	score = text
	fp, ip := precision(f.Focus), precision(inc.Focus)
	switch {
	case fp >= 3 && ip >= 3:
		d := distanceKM(f.Focus, inc.Focus)
		sameAdmin2 := f.Focus.Admin2Code != "" && f.Focus.Admin2Code == inc.Focus.Admin2Code &&
			f.Focus.Admin1Code == inc.Focus.Admin1Code && f.Focus.Country == inc.Focus.Country
		switch {
		case sameAdmin2 || d <= cfg.NearKM:
			score += 0.15
		case d > cfg.FarKM && !shared:
			return 0, false
		}
	case fp >= 2 && ip >= 2:
		// Regions and provinces: far apart means different events.
		if f.Focus.ID == inc.Focus.ID {
			score += 0.05
		} else if distanceKM(f.Focus, inc.Focus) > 2*cfg.FarKM && !shared {
			return 0, false
		}
	default:
		// A country-level (or missing) focus says little: demand that the
		// text or the figures agree.
		// An article with neither a place nor a figure has only its words.
		if !shared && (text < cfg.StrongText || f.Totals == (events.Totals{}) && fp == 0 && text < 2*cfg.StrongText) {
			return 0, false
		}
	}
	if shared {
		score += 0.1
	}
	return score + counts, true
}

// similarity compares two token sets: Jaccard, or a discounted overlap
// coefficient when one set is much smaller (a terse headline against a
// long lead).
func similarity(a, b []uint32) float64 {
	j := jaccard(a, b)
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := j * float64(len(a)+len(b)) / (1 + j)
	return max(j, 0.7*inter/float64(min(len(a), len(b))))
}

// countScore rewards agreeing figures and penalises ones that cannot be
// the same event's, for the kinds reports usually state.
func countScore(f Features, inc *Incident) float64 {
	s := 0.0
	for _, k := range []events.Kind{events.Killed, events.Injured} {
		a := f.Totals.Get(k)
		if a == 0 {
			continue
		}
		equal, near, any := false, false, false
		for _, m := range inc.Members {
			b := m.Totals.Get(k)
			if b == 0 {
				continue
			}
			any = true
			if a == b {
				equal = true
			}
			if 3*a >= b && 3*b >= a || abs(a-b) <= 3 {
				near = true
			}
		}
		switch {
		case equal:
			s += 0.15
		case near:
		case any:
			// Tolls rise as bodies are counted, so only a wide gap counts
			// against, and mildly: it must join a text that disagrees too.
			s -= 0.05
		}
	}
	return s
}

func intersects(a, b []string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// Best returns the candidate the article fits best above the threshold, or
// nil when it should open a new incident. Reports a day or less apart get
// a time prior shared among the compatible candidates: when one incident is
// active nearby, timing alone says much; when many are, it says little.
func Best(cfg Config, f Features, candidates []*Incident) *Incident {
	type scored struct {
		inc   *Incident
		score float64
	}
	var ok []scored
	close := 0
	for _, inc := range candidates {
		if s, fits := Score(cfg, f, inc); fits {
			ok = append(ok, scored{inc, s})
			if nearInTime(f.At, inc) {
				close++
			}
		}
	}
	var best *Incident
	bestScore := cfg.Threshold
	for _, c := range ok {
		s := c.score
		if close > 0 && nearInTime(f.At, c.inc) {
			s += cfg.TimePrior / float64(close)
		}
		if s > bestScore || s == bestScore && (best == nil || c.inc.ID < best.ID) {
			best, bestScore = c.inc, s
		}
	}
	return best
}

// nearInTime reports whether t is within a day of the incident's first report.
func nearInTime(t time.Time, inc *Incident) bool {
	d := t.Sub(inc.FirstReport)
	return d >= -24*time.Hour && d <= 24*time.Hour
}

// Open starts an incident from one article.
func Open(f Features) *Incident { return open(f) }

// Add puts an article into the incident, replacing an earlier revision of
// it; seq orders reports published at the same time by arrival, and seq <= 0
// means after every report the incident holds.
func (inc *Incident) Add(f Features, seq int) { inc.add(f, seq) }

// Clusterer assigns a stream of articles to incidents in memory. Its index
// keys each incident by day and by place (a one-degree grid cell for a
// precise focus, the country otherwise), so an article is compared only
// with the incidents of nearby days and places and the cost per article
// stays bounded as the stream grows.
type Clusterer struct {
	cfg       Config
	byArticle map[string]*Incident
	index     map[Key][]*Incident
	keys      map[*Incident][]Key
	order     []*Incident
	seq       int
}

// NewClusterer returns an empty clusterer.
func NewClusterer(cfg Config) *Clusterer {
	return &Clusterer{cfg: cfg, byArticle: map[string]*Incident{}, index: map[Key][]*Incident{},
		keys: map[*Incident][]Key{}}
}

// Assign puts the article into an incident and returns it; created is true
// when the article opened it. An article seen before (a revision or a
// replay) stays in its incident.
func (c *Clusterer) Assign(a events.EnrichedArticle) (inc *Incident, created bool) {
	f := Extract(a)
	c.seq++
	if inc, ok := c.byArticle[f.ArticleID]; ok {
		inc.add(f, c.seq)
		c.reindex(inc)
		return inc, false
	}
	inc = Best(c.cfg, f, c.candidates(f))
	if inc == nil {
		inc, created = open(f), true
		c.order = append(c.order, inc)
	}
	inc.add(f, c.seq)
	c.byArticle[f.ArticleID] = inc
	c.reindex(inc)
	return inc, created
}

func (c *Clusterer) candidates(f Features) []*Incident {
	var out []*Incident
	seen := map[*Incident]bool{}
	for _, k := range LookupKeys(c.cfg, f) {
		for _, inc := range c.index[k] {
			if !seen[inc] {
				seen[inc] = true
				out = append(out, inc)
			}
		}
	}
	return out
}

// reindex files the incident under its current keys; an incident's focus
// and first report can change as articles join.
func (c *Clusterer) reindex(inc *Incident) {
	keys := IndexKeys(c.cfg, inc)
	old := c.keys[inc]
	if slices.Equal(old, keys) {
		return
	}
	for _, k := range old {
		c.index[k] = slices.DeleteFunc(c.index[k], func(x *Incident) bool { return x == inc })
		if len(c.index[k]) == 0 {
			delete(c.index, k)
		}
	}
	for _, k := range keys {
		c.index[k] = append(c.index[k], inc)
	}
	c.keys[inc] = keys
}

// Incidents returns every incident in the order they were opened.
func (c *Clusterer) Incidents() []*Incident { return c.order }
