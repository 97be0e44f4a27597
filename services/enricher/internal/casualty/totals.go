package casualty

import (
	"strings"

	"github.com/newsflow/newsflow/pkg/events"
)

// Totals reconciles an article's figures into the numbers an analyst would
// quote, one per kind.
//
// The same toll is often repeated (headline and body, lead and summary), so
// figures in different sentences are not added: the total is the largest
// sentence total. When the title states a figure of a kind, the title's
// figure is the one quoted: it names the article's event, while the body
// also carries side incidents; a vague title ("scores dead") defers to the
// body's numbers, and a body sentence that repeats the title's number
// within a larger sum completes it. Within a sentence, distinct victim groups add
// ("3 soldiers and 5 militants were killed" is 8), and a figure without a
// group or with a generic one ("9 people") covers the specific ones beside
// it. A figure whose evidence nests inside another's ("9 killed, including 4
// civilians") is a part of it and never adds. Background figures, told in a
// sentence that names a past year ("In 2010, 76 were killed", "last year"),
// do not count.
func Totals(figs []events.Casualty) events.Totals {
	return defaultExtractor().Totals(figs)
}

// Totals is the package's Totals with x's lexicon: an enricher holds its
// Extractor, and the shared one's sync.OnceValue costs a call per article.
func (x *Extractor) Totals(figs []events.Casualty) events.Totals {
	if len(figs) == 0 {
		return events.Totals{}
	}
	// What each figure contributes is decided once, not per kind: whether it
	// counts, whether its group is generic, and which sentence it is in
	// (figures of one sentence share its evidence, whose text is read once).
	// A figure is large: it is read through a pointer, never copied, which
	// showed in the instruction profile.
	var buf [32]figInfo
	info := buf[:0]
	if len(figs) > len(buf) {
		info = make([]figInfo, 0, len(figs))
	}
	for i := range figs {
		e := &figs[i].Evidence
		info = append(info, figInfo{kind: kindMask(figs[i].Kind), start: e.Start, end: e.End})
	}
	var kinds uint8
	// An article's figures name few groups, often one: the last group's
	// answer is kept, as a string compare is cheaper than a map lookup.
	lastGroup, lastGeneric := "", true
	for i := range figs {
		f := &figs[i]
		if f.Group != lastGroup {
			lastGroup, lastGeneric = f.Group, groupCategory(x.groups, f.Group) == ""
		}
		in := figInfo{sent: int32(i), kind: info[i].kind, start: info[i].start, end: info[i].end, generic: lastGeneric,
			title: f.Evidence.Field == events.FieldTitle && f.Qualifier != qVague}
		for j := range i {
			// The offsets, in info, first: a figure is 128 bytes, and
			// its evidence's field a string.
			if info[j].start == in.start && info[j].end == in.end && figs[j].Evidence.Field == f.Evidence.Field {
				in.sent = info[j].sent
				break
			}
		}
		in.skip = f.Count <= 0 || nested(figs, info, i)
		if !in.skip {
			h := int8(0)
			for j := range i {
				if info[j].sent == in.sent && info[j].hist != 0 {
					h = info[j].hist
					break
				}
			}
			if h == 0 {
				h = 1
				if historical(f.EvidenceText) {
					h = 2
				}
			}
			in.hist, in.skip = h, h == 2
		}
		info[i] = in
		if !in.skip {
			kinds |= in.kind
		}
	}
	var t events.Totals
	for _, k := range events.Kinds {
		m := kindMask(k)
		if kinds&m == 0 {
			continue
		}
		n := total(figs, info, m, true, 0)
		if n == 0 {
			n = total(figs, info, m, false, 0)
		} else {
			// The body may complete the title: "3 soldiers killed" over
			// "3 soldiers and 2 militants were killed" is 5.
			n = max(n, total(figs, info, m, false, n))
		}
		t.Set(k, n)
	}
	return t
}

// figInfo is what Totals decided about one figure.
type figInfo struct {
	// start and end are the figure's evidence offsets: the pairwise
	// tests read them here, side by side, not from the figures.
	start, end int

	sent    int32 // index of the first figure with the same evidence
	kind    uint8 // kindMask of the figure's kind
	skip    bool  // does not count: zero, nested in another, or background
	generic bool  // no victim group, or a generic one ("people")
	hist    int8  // the sentence's historical test: 0 not read, 1 no, 2 yes
	title   bool  // counts for the title's total: in the title and not vague
}

// total is the reconciled figure of one kind over the title (titleOnly) or
// over every field: the largest sentence total, where a sentence's total is
// the larger of its generic figure and the sum of its specific groups. With
// contains > 0 only sentences holding a figure of that count are read.
func total(figs []events.Casualty, info []figInfo, kind uint8, titleOnly bool, contains int) int {
	best := 0
	for i := range info {
		in := info[i]
		if in.skip || in.kind != kind || titleOnly && !in.title {
			continue
		}
		if firstInSentence(info, i) != i {
			continue // its sentence was summed with the first figure
		}
		generic, specific, found := 0, 0, contains == 0
		for j := i; j < len(info); j++ {
			g := info[j]
			if g.skip || g.kind != kind || g.sent != in.sent {
				continue
			}
			c := figs[j].Count
			found = found || c == contains
			if g.generic {
				generic = max(generic, c)
			} else {
				specific += c
			}
		}
		if found {
			best = max(best, generic, specific)
		}
	}
	return best
}

// firstInSentence is the index of the first counted figure of figure i's
// kind and sentence.
func firstInSentence(info []figInfo, i int) int {
	for j := range i {
		if !info[j].skip && info[j].kind == info[i].kind && info[j].sent == info[i].sent {
			return j
		}
	}
	return i
}

// nested says figure i's evidence lies strictly inside the evidence of
// another figure of the same kind: it is a part of that figure.
func nested(figs []events.Casualty, info []figInfo, i int) bool {
	kind, start, end := info[i].kind, info[i].start, info[i].end
	for j := range info {
		e := &info[j]
		if e.kind != kind || e.start > start || end > e.end || e.end-e.start <= end-start {
			continue // j == i too: its span is not longer than its own
		}
		if figs[j].Evidence.Field == figs[i].Evidence.Field {
			return true
		}
	}
	return false
}

// groupCategory maps a victim group to the category that reconciles it
// across sentences, by the lexicon's groups; "" for a generic or missing
// group.
func groupCategory(groups map[string]category, group string) string {
	if group == "" {
		return ""
	}
	c, ok := groups[group]
	if !ok {
		return group
	}
	switch c {
	case catGeneric:
		return ""
	case catSecurity:
		return "security"
	case catMilitant:
		return "militants"
	case catCivilian:
		return "civilians"
	case catOthers:
		return "others"
	}
	return group
}

// historical says a sentence tells of the past: it names a year ("In 2010",
// "since 2013") or says "last year", "years ago", "previous year". Totals
// runs it on every sentence with a figure, so it jumps between the bytes
// that can start a year or "year" with strings.IndexByte, which skips the
// rest many bytes at a time.
func historical(text string) bool {
	for _, c := range [...]byte{'1', '2', 'y', 'Y'} {
		for off := 0; off < len(text); {
			j := strings.IndexByte(text[off:], c)
			if j < 0 {
				break
			}
			i := off + j
			// The byte after says whether a closer look is worth a call:
			// most of these bytes start no year ("by", "12 people").
			if i+4 <= len(text) && ((c == '1' || c == '2') && isDigit(text[i+1]) && yearAt(text, i) || (c == 'y' || c == 'Y') && text[i+1]|0x20 == 'e' && pastYearAt(text, i)) {
				return true
			}
			off = i + 1
		}
	}
	return false
}

// yearAt says a year stands at text[i], a '1' or '2' with three more bytes
// after it: four digits alone, 1900 to 2100, that count nothing ("2000
// people").
func yearAt(text string, i int) bool {
	if i > 0 && (isDigit(text[i-1]) || text[i-1] == ',' || text[i-1] == '.') {
		return false
	}
	if !isDigit(text[i+1]) || !isDigit(text[i+2]) || !isDigit(text[i+3]) {
		return false
	}
	if i+4 < len(text) && (isDigit(text[i+4]) || text[i+4] == ',' && i+5 < len(text) && isDigit(text[i+5])) {
		return false
	}
	y := int(text[i]-'0')*1000 + int(text[i+1]-'0')*100 + int(text[i+2]-'0')*10 + int(text[i+3]-'0')
	return y >= 1900 && y <= 2100 && !startsWithPeopleWord(strings.TrimLeft(text[i+4:], " "))
}

// pastYearAt says "last year", "previous year" or "years ago" is at the
// "y" or "Y" at text[i].
func pastYearAt(text string, i int) bool {
	if !foldedIs(text[i:i+4], "year") {
		return false
	}
	before := text[:i]
	return hasSuffixFold(before, "last ") || hasSuffixFold(before, "previous ") || hasPrefixFold(text[i+4:], "s ago")
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && foldedIs(s[len(s)-len(suffix):], suffix)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && foldedIs(s[:len(prefix)], prefix)
}

// foldedIs says s, lower-cased, is lower, a lower-case ASCII string:
// strings.EqualFold(s, lower) without its Unicode tables. The two agree:
// a non-ASCII rune of s that folds to an ASCII letter (the Kelvin sign,
// the long s) is wider than the letter, so s would have fewer runes than
// lower, which EqualFold turns down too.
func foldedIs(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}

// peopleWords are the nouns after which a year-like number counts people
// ("2000 soldiers"), by their first letter.
var peopleWords = [26][]string{
	'c' - 'a': {"civilians", "children"},
	'f' - 'a': {"families"},
	'm' - 'a': {"militants", "men"},
	'o' - 'a': {"others"},
	'p' - 'a': {"people", "persons"},
	'r' - 'a': {"residents"},
	's' - 'a': {"soldiers"},
	't' - 'a': {"troops"},
	'v' - 'a': {"villagers"},
	'w' - 'a': {"workers", "women"},
}

// startsWithPeopleWord says s starts with one of peopleWords, in any case.
func startsWithPeopleWord(s string) bool {
	if s == "" {
		return false
	}
	c := s[0] | 0x20
	if c < 'a' || c > 'z' {
		return false
	}
	for _, w := range peopleWords[c-'a'] {
		if len(s) >= len(w) && foldedIs(s[:len(w)], w) {
			return true
		}
	}
	return false
}
