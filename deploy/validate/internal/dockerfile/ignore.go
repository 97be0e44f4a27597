package dockerfile

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
)

// Ignore is a parsed .dockerignore: patterns in order, the last match wins,
// "!" re-includes, and a pattern that matches a directory excludes
// everything under it.
type Ignore struct {
	rules []ignoreRule
}

type ignoreRule struct {
	pattern string
	re      *regexp.Regexp
	negate  bool
}

// ParseIgnore reads .dockerignore patterns.
func ParseIgnore(r io.Reader) (*Ignore, error) {
	ig := &Ignore{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rule := ignoreRule{pattern: line}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			rule.negate, line = true, strings.TrimSpace(rest)
		}
		line = strings.TrimPrefix(path.Clean("/"+line), "/")
		re, err := patternRegexp(line)
		if err != nil {
			return nil, fmt.Errorf(".dockerignore line %d %q: %w", n, rule.pattern, err)
		}
		rule.re = re
		ig.rules = append(ig.rules, rule)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	return ig, nil
}

// patternRegexp translates a Docker ignore pattern: "**" spans directories,
// "*" and "?" stay within one, [...] is a character class.
func patternRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unterminated character class")
			}
			b.WriteString(p[i : i+end+1])
			i += end
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Excluded reports whether the context path (slash-separated, relative to
// the context root) is left out of the build context.
func (ig *Ignore) Excluded(p string) bool {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	excluded := false
	for _, r := range ig.rules {
		if matchesOrParent(r.re, p) {
			excluded = !r.negate
		}
	}
	return excluded
}

func matchesOrParent(re *regexp.Regexp, p string) bool {
	for {
		if re.MatchString(p) {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}
