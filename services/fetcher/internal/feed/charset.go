package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

var prologEncoding = regexp.MustCompile(`(?i)^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([^"']*)(["'])`)

// ToUTF8 returns body as UTF-8 with an XML prolog that says so. Bytes that are
// already valid UTF-8 win over any label, because feeds that lie in their
// prolog usually lie in that direction; otherwise the charset from the
// Content-Type header is used, then the XML prolog, then windows-1252 (the
// superset of ISO-8859-1 that such feeds nearly always really are).
// Characters that XML forbids are removed either way.
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) {
		label := contentTypeCharset(contentType)
		if label == "" || isUTF8Label(label) {
			if m := prologEncoding.FindSubmatch(head(body)); m != nil && !isUTF8Label(string(m[2])) {
				label = string(m[2])
			} else {
				label = "windows-1252"
			}
		}
		enc, _ := charset.Lookup(label)
		if enc == nil {
			enc, _ = charset.Lookup("windows-1252")
		}
		out, _, err := transform.Bytes(enc.NewDecoder(), body)
		if err != nil {
			return nil, fmt.Errorf("decode charset %s: %w", label, err)
		}
		body = out
	}
	body = prologEncoding.ReplaceAll(body, []byte("${1}utf-8${3}"))
	return stripInvalidXML(body), nil
}

func head(b []byte) []byte {
	if len(b) > 512 {
		return b[:512]
	}
	return b
}

func contentTypeCharset(ct string) string {
	if ct == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

func isUTF8Label(l string) bool {
	l = strings.ToLower(strings.TrimSpace(l))
	return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8"
}

// stripInvalidXML removes code points outside the XML 1.0 Char production
// (C0 controls other than tab, LF and CR; U+FFFE and U+FFFF), which make
// encoding/xml stop at the first one. It copies only when it must.
func stripInvalidXML(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if !validXMLRune(r, n) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if validXMLRune(r, n) {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func validXMLRune(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return false
	case r == 0x09 || r == 0x0A || r == 0x0D:
		return true
	case r < 0x20:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return true
}
