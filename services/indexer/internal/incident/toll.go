package incident

import (
	"slices"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Report is one article's figure for one kind: a point in a toll history.
type Report struct {
	At        time.Time `json:"at"`
	ArticleID string    `json:"article_id"`
	Source    string    `json:"source,omitempty"`
	Count     int       `json:"count"`
	Qualifier string    `json:"qualifier,omitempty"`
	Evidence  string    `json:"evidence,omitempty"`
	// Seq orders reports with the same At by arrival.
	Seq int `json:"seq"`
}

// Toll is the history of one kind's figures and the current best estimate.
type Toll struct {
	Kind     events.Kind `json:"kind"`
	Estimate int         `json:"estimate"`
	// Basis is the report the estimate follows.
	Basis   Report   `json:"basis"`
	History []Report `json:"history"`
}

// outlierRatio is how far above the other reports' median a lone figure
// must be to be set aside: misread numbers ("1,000" for a district's
// population) are usually an order of magnitude off.
const outlierRatio = 5

// revisionWords mark a report that revises an earlier toll upward, which
// makes a large jump credible rather than an outlier.
var revisionWords = []string{"rise", "rose", "risen", "climb", "mount", "reach", "jump", "increase"}

// estimate picks the figure the toll should quote: the latest credible
// report. A report is not credible when it is far above the median of the
// others, no other report comes near it and it is not worded as a revision.
// The history is in report order (see insertReport).
func estimate(history []Report) (Report, bool) {
	if len(history) == 0 {
		return Report{}, false
	}
	for i := len(history) - 1; i >= 0; i-- {
		if !outlier(history, i) {
			return history[i], true
		}
	}
	return history[len(history)-1], true
}

func outlier(reports []Report, i int) bool {
	if len(reports) < 2 {
		return false
	}
	r := reports[i]
	others := make([]int, 0, len(reports)-1)
	for j, o := range reports {
		if j == i {
			continue
		}
		others = append(others, o.Count)
		// Corroborated: another report within a quarter of it.
		if 4*abs(o.Count-r.Count) <= r.Count {
			return false
		}
	}
	if revision(r.Evidence) {
		return false
	}
	slices.Sort(others)
	median := others[len(others)/2]
	if len(others)%2 == 0 {
		median = (others[len(others)/2-1] + others[len(others)/2]) / 2
	}
	if median > 0 && r.Count > outlierRatio*median {
		return true
	}
	// Far below what two or more others agree on: a report of one victim
	// or of a side event, not a revision of the toll (tolls rarely fall
	// that much).
	if len(others) >= 2 && outlierRatio*r.Count < median {
		return true
	}
	// A lone figure that several later reports all contradict.
	later := 0
	for _, o := range reports[i+1:] {
		if 4*abs(o.Count-r.Count) > r.Count {
			later++
		}
	}
	return later >= 2 && later == len(reports)-1-i
}

func revision(evidence string) bool {
	e := strings.ToLower(evidence)
	for _, w := range revisionWords {
		if strings.Contains(e, w) {
			return true
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
