package feedlist

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

type opmlDoc struct {
	Body struct {
		Outlines []outline `xml:"outline"`
	} `xml:"body"`
}

type outline struct {
	Text     string    `xml:"text,attr"`
	Title    string    `xml:"title,attr"`
	Type     string    `xml:"type,attr"`
	XMLURL   string    `xml:"xmlUrl,attr"`
	Language string    `xml:"language,attr"`
	Category string    `xml:"category,attr"`
	Outlines []outline `xml:"outline"`
}

// ParseOPML reads an OPML subscription list. Nested outlines become tags (the
// folder names), outlines without xmlUrl are folders, and duplicate URLs are
// kept once. Country and interval are left for the editor to fill in.
func ParseOPML(r io.Reader) ([]Feed, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	var doc opmlDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse opml: %w", err)
	}
	var out []Feed
	seen := map[string]bool{}
	names := map[string]bool{}
	var walk func(os []outline, folders []string)
	walk = func(os []outline, folders []string) {
		for _, o := range os {
			name := strings.TrimSpace(o.Title)
			if name == "" {
				name = strings.TrimSpace(o.Text)
			}
			u := strings.TrimSpace(o.XMLURL)
			if u == "" {
				sub := folders[:len(folders):len(folders)]
				if name != "" {
					sub = append(sub, name)
				}
				walk(o.Outlines, sub)
				continue
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			if name == "" {
				name = u
			}
			// Names label metrics and must be unique.
			for n := 2; names[name]; n++ {
				name = fmt.Sprintf("%s (%d)", strings.TrimSuffix(name, fmt.Sprintf(" (%d)", n-1)), n)
			}
			names[name] = true
			f := Feed{URL: u, Name: name, Language: strings.TrimSpace(o.Language)}
			f.Tags = append(f.Tags, folders...)
			for _, c := range strings.Split(o.Category, ",") {
				if c = strings.Trim(strings.TrimSpace(c), "/"); c != "" {
					f.Tags = append(f.Tags, c)
				}
			}
			out = append(out, f)
			walk(o.Outlines, folders)
		}
	}
	walk(doc.Body.Outlines, nil)
	return out, nil
}
