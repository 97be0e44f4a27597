package store

import (
	"strconv"
	"strings"
	"unicode"
)

// Version is what decides whether a delivery replaces a stored article.
type Version struct {
	Revision        int
	EnricherVersion string
}

// Newer reports whether v should replace stored. A higher revision always
// wins; at the same revision a newer enricher version wins. Equal versions
// are duplicates, so a replay is a no-op.
func (v Version) Newer(stored Version) bool {
	if v.Revision != stored.Revision {
		return v.Revision > stored.Revision
	}
	return CompareEnricherVersions(v.EnricherVersion, stored.EnricherVersion) > 0
}

// CompareEnricherVersions orders enricher versions such as "v1.2.10",
// "0.3.0-dev" or "2026.11.27": runs of digits compare as numbers and other
// runs as text, so "1.10" is newer than "1.9". It returns -1, 0 or +1.
func CompareEnricherVersions(a, b string) int {
	ta, tb := versionTokens(a), versionTokens(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		if c := compareToken(ta[i], tb[i]); c != 0 {
			return c
		}
	}
	// When one runs out, a further number makes the longer newer ("1.0.1" >
	// "1.0") and a further word makes it a pre-release ("1.0-dev" < "1.0").
	switch {
	case len(ta) < len(tb):
		if isDigit(tb[len(ta)][0]) {
			return -1
		}
		return 1
	case len(ta) > len(tb):
		if isDigit(ta[len(tb)][0]) {
			return 1
		}
		return -1
	}
	return 0
}

func versionTokens(s string) []string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	var out []string
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || isDigit(s[i]) != isDigit(s[start]) {
			tok := strings.TrimFunc(s[start:i], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if tok != "" {
				out = append(out, tok)
			}
			start = i
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func compareToken(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		switch {
		case na < nb:
			return -1
		case na > nb:
			return 1
		}
		return 0
	case errA == nil:
		// A number outranks a pre-release word: "1.0.1" > "1.0.dev".
		return 1
	case errB == nil:
		return -1
	}
	return strings.Compare(a, b)
}
