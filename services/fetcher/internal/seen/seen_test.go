package seen_test

import (
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/fetcher/internal/seen"
)

func TestCheckAndMark(t *testing.T) {
	s := seen.NewSet()
	const feed, id = "https://f.example/rss", "abc"
	if d := s.Check(feed, id, "h1"); !d.Publish || d.Revision != 1 {
		t.Fatalf("new article: %+v", d)
	}
	s.Mark(feed, id, seen.Entry{Hash: "h1", Revision: 1})
	if d := s.Check(feed, id, "h1"); d.Publish {
		t.Errorf("same content: %+v, want no publish", d)
	}
	if d := s.Check(feed, id, "h2"); !d.Publish || d.Revision != 2 {
		t.Errorf("changed content: %+v, want revision 2", d)
	}
	if d := s.Check("https://other.example/rss", id, "h1"); !d.Publish || d.Revision != 1 {
		t.Errorf("same id in another feed: %+v, want new", d)
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	src := seen.NewSet()
	const feed = "https://f.example/rss"
	var msgs [][2][]byte
	for i, id := range []string{"a", "b"} {
		e := seen.Entry{Hash: "0123456789abcdef0123", Revision: i + 1, At: time.Unix(0, 0).UTC()}
		m, err := seen.ArticleRecord(feed, id, e)
		if err != nil {
			t.Fatal(err)
		}
		src.Mark(feed, id, e)
		msgs = append(msgs, [2][]byte{m.Key, m.Value})
	}
	vm, err := seen.ValidatorsRecord(feed, seen.Validators{ETag: `"x"`, LastModified: "lm"})
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, [2][]byte{vm.Key, vm.Value})

	dst := seen.NewSet()
	for _, m := range msgs {
		if err := dst.Apply(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if dst.Len() != 2 {
		t.Fatalf("Len = %d, want 2", dst.Len())
	}
	if d := dst.Check(feed, "b", "0123456789abcdef0123"); d.Publish || d.Revision != 2 {
		t.Errorf("restored b: %+v, want seen at revision 2", d)
	}
	if v := dst.Validators(feed); v.ETag != `"x"` || v.LastModified != "lm" {
		t.Errorf("validators = %+v", v)
	}
	// A tombstone forgets the article.
	if err := dst.Apply(msgs[0][0], nil); err != nil {
		t.Fatal(err)
	}
	if d := dst.Check(feed, "a", "0123456789abcdef0123"); !d.Publish || d.Revision != 1 {
		t.Errorf("after tombstone: %+v, want new", d)
	}
}

func TestApplyRejectsGarbage(t *testing.T) {
	s := seen.NewSet()
	tests := map[string]struct {
		key, value string
		wantErr    bool
	}{
		"unknown kind ignored": {key: "future\x1fthing", value: "{}"},
		"article without id":   {key: "article\x1fhttps://f", value: "{}", wantErr: true},
		"article bad json":     {key: "article\x1fhttps://f\x1fid", value: "{", wantErr: true},
		"validators bad json":  {key: "feed\x1fhttps://f", value: "[", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := s.Apply([]byte(tc.key), []byte(tc.value)); (err != nil) != tc.wantErr {
				t.Errorf("Apply = %v, wantErr %t", err, tc.wantErr)
			}
		})
	}
}

func TestTouchAndPrune(t *testing.T) {
	s := seen.NewSet()
	const feed = "https://f.example/rss"
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s.Mark(feed, "old", seen.Entry{Hash: "aa", Revision: 3, At: t0})
	s.Mark(feed, "kept", seen.Entry{Hash: "bb", Revision: 1, At: t0})

	if _, ok := s.Touch(feed, "kept", t0.Add(time.Hour), 24*time.Hour); ok {
		t.Error("touch within refreshAfter asked for a refresh")
	}
	e, ok := s.Touch(feed, "kept", t0.Add(25*time.Hour), 24*time.Hour)
	if !ok || e.Revision != 1 || !e.At.Equal(t0.Add(25*time.Hour)) {
		t.Fatalf("touch after refreshAfter = %+v, %t", e, ok)
	}
	// The refreshed entry still matches the article's content hash.
	if d := s.Check(feed, "kept", "bb"); d.Publish {
		t.Errorf("refreshed entry lost its hash: %+v", d)
	}
	if _, ok := s.Touch(feed, "missing", t0, time.Hour); ok {
		t.Error("touch of an unknown article asked for a refresh")
	}
	if n := s.Prune(t0.Add(24 * time.Hour)); n != 1 {
		t.Errorf("pruned %d, want 1", n)
	}
	if d := s.Check(feed, "old", "aa"); !d.Publish || d.Revision != 1 {
		t.Errorf("pruned article still known: %+v", d)
	}
	if d := s.Check(feed, "kept", "bb"); d.Publish {
		t.Errorf("touched article pruned: %+v", d)
	}
}
