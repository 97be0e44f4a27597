package incident

import (
	"slices"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// An incident is stored in parts so that a save writes what changed: a
// head, whose size does not grow with the incident, rewritten on every
// change, and one Part per member, written when that member joins or is
// revised. Restore puts them back together.

// Part is one member as a store keeps it: the member and its report of
// each kind it gave.
type Part struct {
	Member
	Reports map[events.Kind]Report `json:"reports,omitempty"`
}

// Head is the incident without its members and tolls, which Restore
// derives from the parts.
func (inc *Incident) Head() *Incident {
	h := *inc
	h.Members, h.Tolls = nil, nil
	return &h
}

// Part returns the member holding the article, its position among the
// members, and whether there is one.
func (inc *Incident) Part(articleID string) (Part, int, bool) {
	i := slices.IndexFunc(inc.Members, func(m Member) bool { return m.ArticleID == articleID })
	if i < 0 {
		return Part{}, -1, false
	}
	p := Part{Member: inc.Members[i]}
	for _, t := range inc.Tolls {
		if r, ok := reportOf(t.History, p.Member); ok {
			if p.Reports == nil {
				p.Reports = map[events.Kind]Report{}
			}
			p.Reports[t.Kind] = r
		}
	}
	return p, i, true
}

// reportOf finds the member's report in a history, which is in report
// order: among the reports made at the member's time.
func reportOf(history []Report, m Member) (Report, bool) {
	j, _ := slices.BinarySearchFunc(history, m.At, func(r Report, at time.Time) int { return r.At.Compare(at) })
	for ; j < len(history) && history[j].At.Equal(m.At); j++ {
		if history[j].ArticleID == m.ArticleID {
			return history[j], true
		}
	}
	return Report{}, false
}

// Restore rebuilds an incident from its head and its parts in member
// order, as it was when they were saved: the histories from the parts'
// reports, and each estimate from its history, as setReports made it.
func Restore(head *Incident, parts []Part) *Incident {
	inc := *head
	inc.Members = make([]Member, 0, len(parts))
	inc.Tolls = []Toll{}
	for _, k := range events.Kinds {
		t := Toll{Kind: k}
		for _, p := range parts {
			if r, ok := p.Reports[k]; ok {
				t.History = append(t.History, r)
			}
		}
		if len(t.History) == 0 {
			continue
		}
		slices.SortStableFunc(t.History, reportOrder)
		t.Basis, _ = estimate(t.History)
		t.Estimate = t.Basis.Count
		inc.Tolls = append(inc.Tolls, t)
	}
	for _, p := range parts {
		inc.Members = append(inc.Members, p.Member)
	}
	inc.retire()
	return &inc
}
