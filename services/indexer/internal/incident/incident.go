package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Incident is one event and the articles that report it.
type Incident struct {
	ID          string        `json:"id"`
	FirstReport time.Time     `json:"first_report"`
	LastReport  time.Time     `json:"last_report"`
	Focus       *events.Place `json:"focus,omitempty"`
	// Title is the representative title: the first report's.
	Title   string   `json:"title"`
	Sources []string `json:"sources"`
	Members []Member `json:"articles"`
	Tolls   []Toll   `json:"tolls"`
}

// Member is one article of an incident, with what the clustering compares.
type Member struct {
	ArticleID string        `json:"id"`
	Source    string        `json:"source,omitempty"`
	At        time.Time     `json:"published_at"`
	Title     string        `json:"title"`
	Focus     *events.Place `json:"focus,omitempty"`
	Places    []string      `json:"places,omitempty"`
	Tokens    []uint32      `json:"tokens,omitempty"`
	Totals    events.Totals `json:"totals"`
	// Noise marks a member that is compared with nothing (Features.Noise
	// or Features.Roundup).
	Noise bool `json:"noise,omitempty"`
	// Revises marks a member reporting an upward toll revision
	// (Features.Revises).
	Revises bool `json:"revises,omitempty"`
}

// Estimate returns the current best estimate for one kind, 0 when no report
// gave that kind.
func (inc *Incident) Estimate(k events.Kind) int {
	for _, t := range inc.Tolls {
		if t.Kind == k {
			return t.Estimate
		}
	}
	return 0
}

// NewID derives an incident's id from the article that opened it, so a
// replay of the same stream yields the same ids.
func NewID(articleID string) string {
	sum := sha256.Sum256([]byte(articleID))
	return "inc-" + hex.EncodeToString(sum[:10])
}

// open starts an incident from one article.
func open(f Features) *Incident {
	inc := &Incident{ID: NewID(f.ArticleID), Tolls: []Toll{}}
	inc.add(f, 0)
	return inc
}

// add puts an article into the incident, or replaces its earlier version,
// and recomputes the derived fields. seq orders reports of equal time.
func (inc *Incident) add(f Features, seq int) {
	if seq <= 0 {
		seq = inc.nextSeq()
	}
	m := f.member()
	i := slices.IndexFunc(inc.Members, func(m Member) bool { return m.ArticleID == f.ArticleID })
	revised := i >= 0
	if revised {
		inc.Members[i] = m
		inc.refresh()
	} else {
		inc.Members = append(inc.Members, m)
		inc.extend(m)
	}
	inc.setReports(f, seq, revised)
	inc.retire()
}

// retire drops the text and place ids, which only comparison reads, from
// the members that are no longer compared: noise, and those older than the
// newest maxCompared others. A large incident's stored state then grows by
// a few fields per report rather than by each report's words.
func (inc *Incident) retire() {
	n := 0
	for i := len(inc.Members) - 1; i >= 0; i-- {
		m := &inc.Members[i]
		if !m.Noise && n < maxCompared {
			n++
			continue
		}
		m.Tokens, m.Places = nil, nil
	}
}

// refresh recomputes the time span, sources, title and focus from members.
func (inc *Incident) refresh() {
	inc.Sources = []string{}
	inc.Focus = nil
	for i, m := range inc.Members {
		if i == 0 || m.At.Before(inc.FirstReport) {
			inc.FirstReport = m.At
		}
		if i == 0 || m.At.After(inc.LastReport) {
			inc.LastReport = m.At
		}
		if m.Source != "" && !slices.Contains(inc.Sources, m.Source) {
			inc.Sources = append(inc.Sources, m.Source)
		}
		// The most precise focus any member gives.
		if m.Focus != nil && (inc.Focus == nil || precision(m.Focus) > precision(inc.Focus)) {
			inc.Focus = m.Focus
		}
	}
	slices.Sort(inc.Sources)
	if len(inc.Members) > 0 {
		inc.Title = inc.Members[0].Title
	}
}

// extend updates what refresh derives for one appended member, m, without
// reading the others: a large incident grows by hundreds of reports.
func (inc *Incident) extend(m Member) {
	if len(inc.Members) == 1 {
		inc.FirstReport, inc.LastReport, inc.Title, inc.Sources, inc.Focus = m.At, m.At, m.Title, []string{}, nil
	}
	if m.At.Before(inc.FirstReport) {
		inc.FirstReport = m.At
	}
	if m.At.After(inc.LastReport) {
		inc.LastReport = m.At
	}
	if i, found := slices.BinarySearch(inc.Sources, m.Source); m.Source != "" && !found {
		inc.Sources = slices.Insert(inc.Sources, i, m.Source)
	}
	if m.Focus != nil && (inc.Focus == nil || precision(m.Focus) > precision(inc.Focus)) {
		inc.Focus = m.Focus
	}
}

// setReports replaces the article's reports in every toll and re-estimates
// the tolls that changed. Histories are kept in report order (time, then
// sequence), which is the order the estimate reads them in. Only a revised
// article can have reports to replace.
func (inc *Incident) setReports(f Features, seq int, revised bool) {
	for _, k := range events.Kinds {
		n := f.Totals.Get(k)
		ti := slices.IndexFunc(inc.Tolls, func(t Toll) bool { return t.Kind == k })
		if ti < 0 && n == 0 {
			continue
		}
		if ti < 0 {
			inc.Tolls = append(inc.Tolls, Toll{Kind: k})
			ti = len(inc.Tolls) - 1
		}
		t := &inc.Tolls[ti]
		before := len(t.History)
		if revised {
			t.History = slices.DeleteFunc(t.History, func(r Report) bool { return r.ArticleID == f.ArticleID })
		}
		if n > 0 {
			t.History = insertReport(t.History, f.report(k, n, seq))
		} else if len(t.History) == before {
			continue // the article had no report of this kind and has none
		}
		t.Basis, _ = estimate(t.History)
		t.Estimate = t.Basis.Count
	}
	inc.Tolls = slices.DeleteFunc(inc.Tolls, func(t Toll) bool { return len(t.History) == 0 })
	slices.SortFunc(inc.Tolls, func(a, b Toll) int {
		return slices.Index(events.Kinds, a.Kind) - slices.Index(events.Kinds, b.Kind)
	})
}

// report is the article's report of n for kind k, with the qualifier and
// evidence of the casualty figure that gave it.
func (f Features) report(k events.Kind, n, seq int) Report {
	r := Report{At: f.At, ArticleID: f.ArticleID, Source: f.Source, Count: n, Seq: seq}
	for _, c := range f.Casualties {
		if c.Kind == k {
			r.Qualifier, r.Evidence = c.Qualifier, c.EvidenceText
			if c.Count == n {
				break
			}
		}
	}
	return r
}

// insertReport puts r into a history in report order.
func insertReport(history []Report, r Report) []Report {
	i, _ := slices.BinarySearchFunc(history, r, func(a, b Report) int {
		if c := reportOrder(a, b); c != 0 {
			return c
		}
		return -1 // after reports that compare equal, as they came first
	})
	return slices.Insert(history, i, r)
}

func reportOrder(a, b Report) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return a.Seq - b.Seq
}

// precision ranks a place by how finely it locates an event.
func precision(p *events.Place) int {
	switch {
	case p == nil:
		return 0
	case p.FeatureCode == "CONT" || len(p.FeatureCode) >= 3 && p.FeatureCode[:3] == "PCL":
		return 1
	case p.FeatureCode == "RGN" || p.FeatureCode == "LCTY" || p.FeatureCode == "ADM1":
		return 2
	case p.FeatureCode == "ADM2":
		return 3
	}
	return 4
}

// nextSeq is one more than the largest report sequence the incident holds,
// so a report added without an explicit order counts as the latest.
func (inc *Incident) nextSeq() int {
	n := 0
	for _, t := range inc.Tolls {
		for _, r := range t.History {
			n = max(n, r.Seq)
		}
	}
	return n + 1
}

// Clone returns a copy that shares nothing Add mutates, for callers that
// cache incidents.
func (inc *Incident) Clone() *Incident {
	c := *inc
	c.Members = slices.Clone(inc.Members)
	c.Sources = slices.Clone(inc.Sources)
	c.Tolls = slices.Clone(inc.Tolls)
	for i := range c.Tolls {
		c.Tolls[i].History = slices.Clone(c.Tolls[i].History)
	}
	return &c
}
