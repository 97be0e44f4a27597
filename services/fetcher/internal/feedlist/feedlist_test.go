package feedlist_test

import (
	"os"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/fetcher/internal/feedlist"
)

// TestSouthAsiaList checks the shipped default list.
func TestSouthAsiaList(t *testing.T) {
	feeds, err := feedlist.Load("../../../../deploy/feeds/south-asia.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(feeds) < 40 {
		t.Errorf("%d feeds, want at least 40", len(feeds))
	}
	countries := map[string]int{}
	for _, f := range feeds {
		countries[f.Country]++
	}
	for _, c := range []string{"IN", "PK", "BD", "AF", "LK", "NP", "BT", "MV"} {
		if countries[c] == 0 {
			t.Errorf("no feed for %s", c)
		}
	}
	b, err := os.ReadFile("../../../../deploy/feeds/south-asia.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "2026-11-27") {
		t.Error("header does not say when the URLs were compiled")
	}
}

func TestParseValidation(t *testing.T) {
	tests := map[string]struct {
		doc     string
		wantErr string
	}{
		"ok":             {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n    country: IN\n    interval: 10m\n    timezone: Asia/Kolkata\n"},
		"missing url":    {doc: "feeds:\n  - name: A\n", wantErr: "url is required"},
		"relative url":   {doc: "feeds:\n  - url: /rss\n    name: A\n", wantErr: "absolute http(s)"},
		"ftp url":        {doc: "feeds:\n  - url: ftp://a.example/rss\n    name: A\n", wantErr: "absolute http(s)"},
		"missing name":   {doc: "feeds:\n  - url: https://a.example/rss\n", wantErr: "name is required"},
		"bad country":    {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n    country: India\n", wantErr: "ISO 3166-1"},
		"bad timezone":   {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n    timezone: Mars/Olympus\n", wantErr: "timezone"},
		"bad interval":   {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n    interval: often\n", wantErr: "duration"},
		"duplicate":      {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n  - url: https://a.example/rss\n    name: B\n", wantErr: "duplicate"},
		"duplicate name": {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n  - url: https://b.example/rss\n    name: A\n", wantErr: "already used"},
		"unknown key":    {doc: "feeds:\n  - url: https://a.example/rss\n    name: A\n    intervall: 5m\n", wantErr: "intervall"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := feedlist.Parse([]byte(tc.doc))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseOPML(t *testing.T) {
	f, err := os.Open("testdata/subscriptions.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feeds, err := feedlist.ParseOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ url, name, tags, lang string }{
		{"https://www.dawn.com/feeds/home", "Dawn - Home", "Pakistan", ""},
		{"https://tribune.com.pk/feed/home", "Tribune", "Pakistan,politics,economy", ""},
		{"https://kathmandupost.com/rss", "Kathmandu Post", "", "en"},
		{"https://kathmandupost.com/rss/national", "Kathmandu Post (2)", "", ""},
	}
	if len(feeds) != len(want) {
		t.Fatalf("got %d feeds, want %d: %+v", len(feeds), len(want), feeds)
	}
	for i, w := range want {
		g := feeds[i]
		if g.URL != w.url || g.Name != w.name || strings.Join(g.Tags, ",") != w.tags || g.Language != w.lang {
			t.Errorf("feed %d = %+v, want %+v", i, g, w)
		}
	}
	// The import round-trips through the YAML format.
	b, err := feedlist.Marshal(feeds)
	if err != nil {
		t.Fatal(err)
	}
	back, err := feedlist.Parse(b)
	if err != nil || len(back) != len(feeds) {
		t.Fatalf("re-parse of marshalled list: %v (%d feeds)\n%s", err, len(back), b)
	}
}

func TestShard(t *testing.T) {
	feeds, err := feedlist.Load("../../../../deploy/feeds/south-asia.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for count := 1; count <= 5; count++ {
		owner := map[string]int{}
		for i := range count {
			for _, f := range feedlist.Shard(feeds, i, count) {
				if prev, dup := owner[f.URL]; dup {
					t.Errorf("count %d: %s owned by replicas %d and %d", count, f.URL, prev, i)
				}
				owner[f.URL] = i
			}
		}
		if len(owner) != len(feeds) {
			t.Errorf("count %d: %d of %d feeds have an owner", count, len(owner), len(feeds))
		}
	}
	// Ownership does not depend on list order.
	rev := make([]feedlist.Feed, len(feeds))
	for i, f := range feeds {
		rev[len(feeds)-1-i] = f
	}
	a, b := feedlist.Shard(feeds, 1, 3), feedlist.Shard(rev, 1, 3)
	if len(a) != len(b) {
		t.Errorf("shard size changed with order: %d vs %d", len(a), len(b))
	}
}
