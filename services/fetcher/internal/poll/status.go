package poll

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"
)

// FeedStatus is one row of GET /feeds.
type FeedStatus struct {
	Name                string     `json:"name"`
	URL                 string     `json:"url"`
	Country             string     `json:"country,omitempty"`
	Healthy             bool       `json:"healthy"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	LastResult          string     `json:"last_result,omitempty"`
	LastError           string     `json:"last_error,omitempty"`
	LastPoll            *time.Time `json:"last_poll,omitempty"`
	LastSuccess         *time.Time `json:"last_success,omitempty"`
	NextPoll            *time.Time `json:"next_poll,omitempty"`
	Published           int        `json:"articles_published"`
}

// Status returns every feed's status, sorted by name then URL.
func (s *Service) Status() []FeedStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FeedStatus, 0, len(s.feeds))
	ts := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		u := t.UTC()
		return &u
	}
	for _, fs := range s.feeds {
		out = append(out, FeedStatus{
			Name: fs.feed.Name, URL: fs.feed.URL, Country: fs.feed.Country,
			Healthy: !fs.sched.Unhealthy, ConsecutiveFailures: fs.sched.Failures,
			LastResult: fs.lastResult, LastError: fs.lastError,
			LastPoll: ts(fs.lastPoll), LastSuccess: ts(fs.lastSuccess), NextPoll: ts(fs.next),
			Published: fs.published,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].URL < out[j].URL
	})
	return out
}

type statusHandler struct{ s *Service }

// Handler serves GET /feeds: a JSON array of FeedStatus.
func (s *Service) Handler() http.Handler { return statusHandler{s} }

func (h statusHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(h.s.Status())
}
