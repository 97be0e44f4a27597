package incident

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// A store writes an incident's head on every change and a member's part
// when it joins or is revised; restored from the latest of each, the
// incident must be the one in memory, histories, estimates and retired
// members included.
func TestRestoreFromParts(t *testing.T) {
	f := func(i, killed int, title string) Features {
		a := article(fmt.Sprintf("a%02d", i), []string{"Dawn", "AFP", "Reuters"}[i%3], title,
			t0.Add(time.Duration(i%7)*time.Hour), peshawar, killed, fmt.Sprintf("kills %d", killed))
		a.Totals.Injured = i % 4
		return Extract(a)
	}
	inc := Open(f(0, 10, "Blast at Peshawar market kills 10"))
	head := func() []byte { return encode(t, inc.Head()) }
	stored := map[string][]byte{}
	save := func(id string) {
		p, _, ok := inc.Part(id)
		if !ok {
			t.Fatalf("no part for %s", id)
		}
		stored[id] = encode(t, p)
	}
	save("a00")
	seq := 1
	for i := 1; i < maxCompared+10; i++ {
		seq++
		inc.Add(f(i, 10+i, "Peshawar blast toll rises"), seq)
		save(fmt.Sprintf("a%02d", i))
		if i%5 == 0 { // a revision of an early member
			seq++
			inc.Add(f(i/5, 99, "Peshawar blast: figures revised"), seq)
			save(fmt.Sprintf("a%02d", i/5))
		}
	}
	var parts []Part
	for _, m := range inc.Members {
		var p Part
		if err := json.Unmarshal(stored[m.ArticleID], &p); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	var h Incident
	if err := json.Unmarshal(head(), &h); err != nil {
		t.Fatal(err)
	}
	got, want := encode(t, Restore(&h, parts)), encode(t, inc)
	if string(got) != string(want) {
		t.Errorf("restored incident differs:\n got %s\nwant %s", got, want)
	}
	if len(inc.Tolls) != 2 || len(inc.Tolls[0].History) != len(inc.Members) {
		t.Errorf("test incident has tolls %+v, want killed and injured over every member", inc.Tolls)
	}
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An incident grown one member at a time (extend), with revisions between
// (refresh), must hold what refresh derives from all of its members.
func TestExtendMatchesRefresh(t *testing.T) {
	sources := []string{"Dawn", "", "AFP", "Reuters", "Dawn", "Geo"}
	focus := []*events.Place{nil, pakistan, peshawar, quetta, nil, pakistan, peshawar}
	f := func(i int) Features {
		a := article(fmt.Sprintf("a%02d", i), sources[i%len(sources)], fmt.Sprintf("Blast report %d", i),
			t0.Add(time.Duration((i*7)%11-5)*time.Hour), focus[i%len(focus)], i%5, "kills")
		return Extract(a)
	}
	inc := Open(f(0))
	for i := 1; i < 40; i++ {
		inc.Add(f(i), i+1)
		if i%9 == 0 {
			inc.Add(f(i/3), 100+i) // a revision
		}
		want := inc.Clone()
		want.refresh()
		if got, w := encode(t, inc), encode(t, want); string(got) != string(w) {
			t.Fatalf("after %d members:\n got %s\nwant %s", len(inc.Members), got, w)
		}
	}
}
