package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

func TestCompareEnricherVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.0.0", 0},
		{"v1.0.0", "1.0.0", 0},
		{"1.10.0", "1.9.0", 1},
		{"1.9.0", "1.10.0", -1},
		{"2.0", "1.99.99", 1},
		{"1.0.1", "1.0", 1},
		{"1.0.0", "1.0.0-dev", 1},
		{"2026.11.27", "2026.11.3", 1},
		{"abc", "abd", -1},
		{"", "0.0.1", -1},
	}
	for _, tc := range tests {
		t.Run(tc.a+"_vs_"+tc.b, func(t *testing.T) {
			if got := store.CompareEnricherVersions(tc.a, tc.b); got != tc.want {
				t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := store.CompareEnricherVersions(tc.b, tc.a); got != -tc.want {
				t.Errorf("Compare(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}

func TestVersionNewer(t *testing.T) {
	tests := map[string]struct {
		v, stored store.Version
		want      bool
	}{
		"higher revision":            {store.Version{2, "1.0"}, store.Version{1, "9.0"}, true},
		"lower revision":             {store.Version{1, "9.0"}, store.Version{2, "1.0"}, false},
		"same revision newer enrich": {store.Version{1, "1.1"}, store.Version{1, "1.0"}, true},
		"duplicate":                  {store.Version{1, "1.0"}, store.Version{1, "1.0"}, false},
	}
	for name, tc := range tests {
		if got := tc.v.Newer(tc.stored); got != tc.want {
			t.Errorf("%s: Newer = %v, want %v", name, got, tc.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := store.Cursor{PublishedAt: time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC), ID: "id:with:colons"}
	got, err := store.ParseCursor(c.String())
	if err != nil {
		t.Fatal(err)
	}
	if !got.PublishedAt.Equal(c.PublishedAt) || got.ID != c.ID {
		t.Errorf("round trip = %+v, want %+v", got, c)
	}
}

func TestParseCursorRejects(t *testing.T) {
	for _, s := range []string{"", "!!!", "bm9jb2xvbg", "eDpvbmU"} {
		if _, err := store.ParseCursor(s); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("ParseCursor(%q) err = %v, want ErrBadCursor", s, err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add(store.Cursor{PublishedAt: time.Unix(1700000000, 0), ID: "a"}.String())
	f.Add("")
	f.Add("MTIzOg")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := store.ParseCursor(s)
		if err != nil {
			return
		}
		if c.ID == "" || strings.ContainsRune(s, '=') {
			t.Errorf("ParseCursor(%q) accepted %+v", s, c)
		}
		again, err := store.ParseCursor(c.String())
		if err != nil || again.ID != c.ID || !again.PublishedAt.Equal(c.PublishedAt) {
			t.Errorf("re-encoded cursor %+v does not round-trip: %+v, %v", c, again, err)
		}
	})
}
