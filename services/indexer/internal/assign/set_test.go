package assign

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/incident"
)

// The working set drops the days farthest from the newest article, first
// by count of days, then by count of articles, but not for the article
// count the days the newest article reads.
func TestEvictBounds(t *testing.T) {
	day0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// Days 0..9 loaded; day d holds d+1 one-article incidents, so the
	// newest day (9) holds 10.
	fill := func() *set {
		s := newSet(incident.DefaultConfig())
		for d := range 10 {
			at := day0.AddDate(0, 0, d)
			s.days[dayOf(at)] = true
			for i := range d + 1 {
				s.add(incident.Open(incident.Features{ArticleID: fmt.Sprintf("a%d-%d", d, i), At: at}))
			}
			s.seen(at)
		}
		return s
	}
	tests := []struct {
		name                 string
		keepDays, keepArts   int
		minDays              int
		wantFirst, wantCount int // kept days: wantFirst..9
	}{
		{"under both bounds", 30, 1000, 7, 0, 10},
		{"day bound", 4, 1000, 2, 6, 4},
		{"article bound", 30, 30, 2, 7, 3},                 // 10+9+8 = 27; with day 6, 34
		{"article bound below the window", 30, 5, 3, 7, 3}, // the window's days stay
		{"an explicit day bound wins", 1, 1000, 3, 9, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fill()
			s.evict(tt.keepDays, tt.keepArts, tt.minDays)
			var want []int64
			for d := tt.wantFirst; d < tt.wantFirst+tt.wantCount; d++ {
				want = append(want, dayOf(day0.AddDate(0, 0, d)))
			}
			var got []int64
			for d := range s.days {
				got = append(got, d)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("kept days %v, want %v", got, want)
			}
			// Every incident and member index entry left belongs to a kept
			// day, and every kept day's incidents are all there.
			wantIncs := 0
			for d := tt.wantFirst; d < tt.wantFirst+tt.wantCount; d++ {
				wantIncs += d + 1
			}
			if len(s.byID) != wantIncs || len(s.byArticle) != wantIncs || len(s.keys) != wantIncs {
				t.Fatalf("%d incidents, %d articles, %d indexed; want %d each", len(s.byID), len(s.byArticle), len(s.keys), wantIncs)
			}
			for _, inc := range s.byID {
				if !s.days[dayOf(inc.FirstReport)] {
					t.Fatalf("incident of a dropped day %v kept", inc.FirstReport)
				}
			}
		})
	}
}
