package feed_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/fetcher/internal/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var fetchedAt = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestParseGolden parses every fixture and compares the result (or the error)
// with testdata/<name>.golden.json.
func TestParseGolden(t *testing.T) {
	cases := map[string]struct {
		contentType string
		country     string
		tz          string
	}{
		"rss2.xml":                 {contentType: "application/rss+xml", country: "IN", tz: "Asia/Kolkata"},
		"atom.xml":                 {contentType: "application/atom+xml", country: "NP"},
		"jsonfeed.json":            {contentType: "application/feed+json", country: "MV"},
		"rss1.xml":                 {country: "BT"},
		"rss091.xml":               {},
		"win1252-wrong-prolog.xml": {contentType: "text/xml; charset=windows-1252", country: "PK"},
		"latin1-wrong-prolog.xml":  {contentType: "text/xml"},
		"utf8-says-1252.xml":       {contentType: "text/xml; charset=windows-1252"},
		"invalid-xml-chars.xml":    {},
		"bangladesh-bst.xml":       {country: "BD", tz: "Asia/Dhaka"},
		"dup-guid-no-dates.xml":    {},
		"malformed.xml":            {},
	}
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".golden.json") {
			continue
		}
		tc, ok := cases[name]
		if !ok {
			t.Errorf("fixture %s has no test case", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opt := feed.Options{Country: tc.country, Now: fetchedAt}
			if tc.tz != "" {
				opt.Location = mustLoc(t, tc.tz)
			}
			var got any
			f, err := feed.Parse(body, tc.contentType, opt)
			if err != nil {
				got = map[string]string{"error": err.Error()}
			} else {
				got = f
			}
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s differs from golden:\n%s", name, b)
			}
		})
	}
}

// TestParseExpectations states, fixture by fixture, what a reader expects;
// the golden files pin the rest.
func TestParseExpectations(t *testing.T) {
	parse := func(t *testing.T, name, ct, country, tz string) feed.Feed {
		t.Helper()
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		opt := feed.Options{Country: country, Now: fetchedAt}
		if tz != "" {
			opt.Location = mustLoc(t, tz)
		}
		f, err := feed.Parse(body, ct, opt)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		return f
	}
	t.Run("rss2 text, ttl and IST", func(t *testing.T) {
		f := parse(t, "rss2.xml", "", "IN", "Asia/Kolkata")
		if f.TTL != 30*time.Minute {
			t.Errorf("TTL = %s, want 30m", f.TTL)
		}
		if got, want := f.Items[0].Text, "Water levels fell in Dhubri district on Thursday.\n\nRelief camps remain open."; got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
		if got, want := f.Items[1].Summary, "Sensex gains 300 points & Nifty follows."; got != want {
			t.Errorf("summary = %q, want %q", got, want)
		}
		if got, want := f.Items[1].Published, time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("IST date = %s, want %s", got, want)
		}
	})
	t.Run("windows-1252 labelled utf-8", func(t *testing.T) {
		f := parse(t, "win1252-wrong-prolog.xml", "text/xml; charset=windows-1252", "PK", "")
		if got, want := f.Items[0].Title, "“Quoted” café news – today"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if got, want := f.Items[0].Published, time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("PKT date = %s, want %s", got, want)
		}
	})
	t.Run("iso-8859-1 labelled utf-8 without header charset", func(t *testing.T) {
		f := parse(t, "latin1-wrong-prolog.xml", "text/xml", "", "")
		if got, want := f.Items[0].Title, "Niño and façade"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if got, want := f.Items[0].Published, time.Date(2026, 11, 25, 4, 15, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("NPT date = %s, want %s", got, want)
		}
	})
	t.Run("valid utf-8 wins over a windows-1252 label", func(t *testing.T) {
		f := parse(t, "utf8-says-1252.xml", "text/xml; charset=windows-1252", "", "")
		if got, want := f.Items[0].Title, "Naïve résumé — भारत"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
	})
	t.Run("invalid xml characters stripped", func(t *testing.T) {
		f := parse(t, "invalid-xml-chars.xml", "", "", "")
		if got, want := f.Items[0].Title, "Bad title here"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
	})
	t.Run("bangladesh zones", func(t *testing.T) {
		f := parse(t, "bangladesh-bst.xml", "", "BD", "Asia/Dhaka")
		want := []time.Time{
			time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),  // BST = +06:00 in a Bangladeshi feed
			time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),  // no zone: the feed's timezone
			time.Date(2026, 11, 24, 6, 30, 0, 0, time.UTC), // AFT +04:30
			time.Date(2026, 11, 24, 5, 30, 0, 0, time.UTC), // SLST +05:30
		}
		for i, w := range want {
			if got := f.Items[i].Published; !got.Equal(w) || f.Items[i].Estimated {
				t.Errorf("item %d (%s): %s estimated=%t, want %s", i, f.Items[i].Title, got, f.Items[i].Estimated, w)
			}
		}
	})
	t.Run("duplicate guids dropped, missing dates flagged", func(t *testing.T) {
		f := parse(t, "dup-guid-no-dates.xml", "", "", "")
		if len(f.Items) != 3 {
			t.Fatalf("got %d items, want 3", len(f.Items))
		}
		for _, it := range f.Items {
			if it.GUID != "" {
				t.Errorf("%s: GUID %q kept although every item repeats it", it.Title, it.GUID)
			}
			if !it.Estimated || !it.Published.Equal(fetchedAt) {
				t.Errorf("%s: published %s estimated=%t, want fetch time, estimated", it.Title, it.Published, it.Estimated)
			}
		}
	})
}

func TestDate(t *testing.T) {
	kolkata := mustLoc(t, "Asia/Kolkata")
	tests := map[string]struct {
		raw     string
		loc     *time.Location
		country string
		want    time.Time
		ok      bool
	}{
		"IST":                        {raw: "Fri, 27 Nov 2026 10:00:00 IST", want: time.Date(2026, 11, 27, 4, 30, 0, 0, time.UTC), ok: true},
		"NPT":                        {raw: "Fri, 27 Nov 2026 10:00:00 NPT", want: time.Date(2026, 11, 27, 4, 15, 0, 0, time.UTC), ok: true},
		"BST outside Bangladesh":     {raw: "Fri, 27 Nov 2026 10:00:00 BST", country: "GB", want: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), ok: true},
		"BST in Bangladesh":          {raw: "Fri, 27 Nov 2026 10:00:00 BST", country: "BD", want: time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC), ok: true},
		"numeric offset kept":        {raw: "Fri, 27 Nov 2026 10:00:00 +0000", loc: kolkata, want: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), ok: true},
		"zone-less uses override":    {raw: "2026-11-27T10:00:00", loc: kolkata, want: time.Date(2026, 11, 27, 4, 30, 0, 0, time.UTC), ok: true},
		"zone-less without override": {raw: "2026-11-27T10:00:00", want: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), ok: true},
		"empty":                      {raw: "", ok: false},
		"garbage":                    {raw: "yesterday-ish", ok: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := feed.Date(tc.raw, nil, tc.loc, tc.country)
			if ok != tc.ok || (ok && !got.Equal(tc.want)) {
				t.Errorf("Date(%q) = %s, %t; want %s, %t", tc.raw, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestToUTF8(t *testing.T) {
	tests := map[string]struct {
		in, ct, want string
	}{
		"utf-8 untouched":          {in: "<a>é</a>", want: "<a>é</a>"},
		"bom removed":              {in: "\xef\xbb\xbf<a/>", want: "<a/>"},
		"prolog rewritten":         {in: `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, want: `<?xml version="1.0" encoding="utf-8"?><a/>`},
		"header charset":           {in: "<a>\xe9</a>", ct: "text/xml; charset=iso-8859-1", want: "<a>é</a>"},
		"prolog charset":           {in: "<?xml version='1.0' encoding='windows-1252'?><a>\x93</a>", want: "<?xml version='1.0' encoding='utf-8'?><a>“</a>"},
		"unknown label falls back": {in: "<a>\xe9</a>", ct: "text/xml; charset=x-bogus", want: "<a>é</a>"},
		"controls stripped":        {in: "<a>x\x00y\x08z\tw</a>", want: "<a>xyz\tw</a>"},
		"noncharacters stripped":   {in: "<a>x\uffffy</a>", want: "<a>xy</a>"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := feed.ToUTF8([]byte(tc.in), tc.ct)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("ToUTF8(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".golden.json") {
			f.Add(b, "text/xml")
		}
	}
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1"}]}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		got, err := feed.Parse(body, ct, feed.Options{Now: fetchedAt, Country: "BD"})
		if err != nil {
			return
		}
		for _, it := range got.Items {
			for _, s := range []string{it.Title, it.Summary, it.Text, it.Link, it.GUID} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in item field %q", s)
				}
			}
			if it.Published.IsZero() {
				t.Fatalf("item %q has no published time", it.Title)
			}
			if it.Published.Location() != time.UTC {
				t.Fatalf("item %q published time not in UTC", it.Title)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	body, err := os.ReadFile("testdata/rss2.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := feed.Parse(body, "", feed.Options{Now: fetchedAt}); err != nil {
			b.Fatal(err)
		}
	}
}
