package feed

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "tr": true, "table": true,
	"section": true, "article": true, "figure": true, "figcaption": true, "pre": true, "hr": true,
}

// Text returns the plain text of an HTML fragment: tags removed, entities
// decoded, script and style dropped, block elements separated by a blank
// line and runs of spaces collapsed. Plain text passes through unchanged
// apart from whitespace.
func Text(s string) string {
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return collapse(s)
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return collapse(b.String())
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch n := string(name); {
			case n == "script" || n == "style":
				skip++
			case blockTags[n]:
				b.WriteString("\n\n")
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch n := string(name); {
			case n == "script" || n == "style":
				if skip > 0 {
					skip--
				}
			case blockTags[n]:
				b.WriteString("\n\n")
			}
		}
	}
}

// collapse trims each paragraph and joins paragraphs with one blank line.
func collapse(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	var paras []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}
