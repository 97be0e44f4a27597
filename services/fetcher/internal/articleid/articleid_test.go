package articleid_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/services/fetcher/internal/articleid"
)

func TestCanonical(t *testing.T) {
	tests := map[string]struct {
		raw, base, want string
		err             error
	}{
		"lower-case scheme and host": {raw: "HTTPS://WWW.Dawn.COM/news/123", want: "https://www.dawn.com/news/123"},
		"path case kept":             {raw: "https://x.example/News/ABC", want: "https://x.example/News/ABC"},
		"fragment dropped":           {raw: "https://x.example/a#comments", want: "https://x.example/a"},
		"utm and click ids dropped":  {raw: "https://x.example/a?utm_source=rss&utm_medium=feed&fbclid=1&gclid=2&id=7", want: "https://x.example/a?id=7"},
		"meaningful params sorted":   {raw: "https://x.example/story.php?page=2&id=9", want: "https://x.example/story.php?id=9&page=2"},
		"param values untouched":     {raw: "https://x.example/s?q=a%20b&id=AbC", want: "https://x.example/s?id=AbC&q=a%20b"},
		"only tracking leaves none":  {raw: "https://x.example/a?utm_campaign=x", want: "https://x.example/a"},
		"default port dropped":       {raw: "http://x.example:80/a", want: "http://x.example/a"},
		"other port kept":            {raw: "http://x.example:8080/a", want: "http://x.example:8080/a"},
		"empty path is slash":        {raw: "https://x.example", want: "https://x.example/"},
		"trailing dot in host":       {raw: "https://x.example./a", want: "https://x.example/a"},
		"userinfo dropped":           {raw: "https://user:pw@x.example/a", want: "https://x.example/a"},
		"relative resolved":          {raw: "/news/1?utm_source=a", base: "https://feeds.example/rss.xml", want: "https://feeds.example/news/1"},
		"mixed-case tracking key":    {raw: "https://x.example/a?UTM_Source=x&FBCLID=y&b=1", want: "https://x.example/a?b=1"},
		"semicolon separators":       {raw: "https://x.example/a?b=1;utm_source=z", want: "https://x.example/a?b=1"},
		"ipv6 host":                  {raw: "http://[2001:DB8::1]:8080/a", want: "http://[2001:db8::1]:8080/a"},
		"not http":                   {raw: "mailto:desk@x.example", err: articleid.ErrNotHTTP},
		"relative without base":      {raw: "/news/1", err: articleid.ErrNotHTTP},
		"javascript":                 {raw: "javascript:alert(1)", err: articleid.ErrNotHTTP},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := articleid.Canonical(tc.raw, tc.base)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Canonical(%q) error = %v, want %v", tc.raw, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Canonical(%q) = %q, %v; want %q", tc.raw, got, err, tc.want)
			}
		})
	}
}

func TestID(t *testing.T) {
	feed := "https://feeds.example/rss"
	urlA, _ := articleid.Canonical("https://x.example/a?utm_source=rss", "")
	urlA2, _ := articleid.Canonical("https://X.EXAMPLE/a#top", "")
	tests := map[string]struct {
		a, b articleid.Input
		same bool
		srcA articleid.Source
	}{
		"same canonical url, different tracking": {
			a: articleid.Input{Feed: feed, CanonicalURL: urlA, GUID: "g1"}, b: articleid.Input{Feed: "https://other/rss", CanonicalURL: urlA2, GUID: "g2"},
			same: true, srcA: articleid.FromURL},
		"guid when no url": {
			a: articleid.Input{Feed: feed, GUID: "g1", Title: "x"}, b: articleid.Input{Feed: feed, GUID: "g1", Title: "changed"},
			same: true, srcA: articleid.FromGUID},
		"guid is per feed": {
			a: articleid.Input{Feed: feed, GUID: "1"}, b: articleid.Input{Feed: "https://other/rss", GUID: "1"},
			same: false, srcA: articleid.FromGUID},
		"content hash when neither": {
			a: articleid.Input{Feed: feed, Title: "One"}, b: articleid.Input{Feed: feed, Title: "Two"},
			same: false, srcA: articleid.FromContent},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ia, src := articleid.ID(tc.a)
			ib, _ := articleid.ID(tc.b)
			if src != tc.srcA {
				t.Errorf("source = %s, want %s", src, tc.srcA)
			}
			if (ia == ib) != tc.same {
				t.Errorf("ids %s and %s: same = %t, want %t", ia, ib, ia == ib, tc.same)
			}
			if len(ia) != 32 {
				t.Errorf("id %q: want 32 hex digits", ia)
			}
		})
	}
}

func TestContentHash(t *testing.T) {
	h := articleid.ContentHash("T", "S", "X")
	if h != articleid.ContentHash(" T ", "S\n", "X") {
		t.Error("surrounding whitespace changed the hash")
	}
	if h == articleid.ContentHash("T", "S", "Y") {
		t.Error("changed text kept the hash")
	}
	if articleid.ContentHash("ab", "c", "") == articleid.ContentHash("a", "bc", "") {
		t.Error("moving text between fields kept the hash")
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"https://x.example/a?utm_source=rss&id=1#f", "HTTP://X.EXAMPLE:80", "/rel?x=1", "https://[::1]:443/a",
		"https://x.example/a?b=%zz&c", "https://x.example/%E0%A4%AD?q=%20", "ftp://x", "https://x.example/a?;;&&",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := articleid.Canonical(raw, "https://base.example/feed.xml")
		if err != nil {
			return
		}
		if !strings.HasPrefix(c, "http://") && !strings.HasPrefix(c, "https://") {
			t.Fatalf("Canonical(%q) = %q: not http(s)", raw, c)
		}
		again, err := articleid.Canonical(c, "")
		if err != nil {
			t.Fatalf("canonical %q of %q does not re-parse: %v", c, raw, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		if _, q, ok := strings.Cut(c, "?"); ok {
			for _, p := range strings.Split(q, "&") {
				k, _, _ := strings.Cut(p, "=")
				if k, err := url.QueryUnescape(k); err == nil && strings.HasPrefix(strings.ToLower(k), "utm_") {
					t.Fatalf("tracking parameter kept: %q -> %q", raw, c)
				}
			}
		}
	})
}

func BenchmarkCanonical(b *testing.B) {
	for b.Loop() {
		if _, err := articleid.Canonical("https://WWW.Example.com/news/2026/11/27/story.html?utm_source=rss&id=42&fbclid=x#top", ""); err != nil {
			b.Fatal(err)
		}
	}
}
