package toponym

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

const maxNameTokens = 6

var southAsia = map[string]bool{"IN": true, "PK": true, "BD": true, "AF": true, "LK": true, "NP": true, "BT": true, "MV": true}

const (
	candExactCase uint8 = 1 << iota // acronym or abbreviation: must match case ("US", "LoC", "Ky.")
	candDemonym                     // "Pakistani": resolves to the country
	candDotted                      // the name ends with '.', which the span includes
	candAlt                         // a GeoNames alternate name, often another language's
	candLower                       // the name starts in lower case ("northwest Pakistan")
	candNeedCtx                     // a descriptive name ("tribal areas", "Afghan border"): a place only where its country is in view
)

type cand struct {
	entry int32
	flags uint8
	name  string // the matched name, for exact-case checks
}

// index maps the hash of a name's lower-cased tokens to the places with that
// name, as a span of one flat candidate slice (few allocations, fast to
// build). The map is large and each lookup a cache miss, so two small bit
// sets screen the lookups: prefix holds every leading run of a name's tokens
// ("new", "new york"), whole every full name.
type index struct {
	keys   spanTable
	cands  []cand
	prefix bitset
	whole  bitset
	// lowerStart holds the first token of curated names that begin in
	// lower case ("tribal areas", "northwest Pakistan"): in mixed-case text
	// only these may start a match on a lower-case word.
	lowerStart smallSet
}

// smallSet is a one-hash Bloom filter of 4,096 bits for a few dozen keys:
// it stays in the first-level cache, as it is asked about every lower-case
// word of mixed-case text.
type smallSet [64]uint64

func (b *smallSet) slot(h uint64) (int, uint64) {
	x := (h * 0x9E3779B97F4A7C15) >> (64 - 12)
	return int(x >> 6), 1 << (x & 63)
}

func (b *smallSet) add(h uint64) {
	i, m := b.slot(h)
	b[i] |= m
}

func (b *smallSet) has(h uint64) bool {
	i, m := b.slot(h)
	return b[i]&m != 0
}

// bitset is a one-hash Bloom filter over 64-bit keys; 2^21 bits (256 KB)
// stay in cache and let through a few percent of misses.
type bitset []uint64

const bitsetBits = 1 << 21

func newBitset() bitset { return make(bitset, bitsetBits/64) }

func (b bitset) slot(h uint64) (int, uint64) {
	x := (h * 0x9E3779B97F4A7C15) >> (64 - 21)
	return int(x >> 6), 1 << (x & 63)
}

func (b bitset) add(h uint64) {
	i, m := b.slot(h)
	b[i] |= m
}

func (b bitset) has(h uint64) bool {
	i, m := b.slot(h)
	return b[i]&m != 0
}

type span struct{ off, n uint32 }

func (ix *index) list(s span) []cand { return ix.cands[s.off : s.off+s.n] }

type keyed struct {
	h   uint64
	seq int32 // insertion order, so the first (strongest) name of a place wins
	c   cand
}

func buildIndex(g *gazetteer.Gazetteer) *index {
	all := make([]keyed, 0, 3*len(g.Entries))
	prefix, whole := newBitset(), newBitset()
	var lowerStart smallSet
	// Demonyms by first token, to spot a region named after a neighbour's
	// people ("Afghan border" is in Pakistan's news a place in Pakistan).
	demonymOf := map[uint64]string{}
	for cc, ns := range g.Demonyms {
		for _, n := range ns {
			if t := tokenize(nil, n); len(t) == 1 {
				demonymOf[t[0].Hash] = cc
			}
		}
	}
	var toks []token
	add := func(entry int, name string, flags uint8) {
		toks = tokenize(toks[:0], name)
		if len(toks) == 0 || len(toks) > maxNameTokens {
			return
		}
		if ent := &g.Entries[entry]; ent.FeatureCode != "PCLI" && flags&(candDemonym|candAlt) == 0 {
			if c := name[0]; c >= 'a' && c <= 'z' {
				lowerStart.add(toks[0].Hash)
				flags |= candLower
			}
			// Descriptions: no proper name in them ("tribal areas"), or
			// a neighbour's people's name ("Afghan border").
			if !hasUpper(name) {
				flags |= candNeedCtx
			} else if len(toks) > 1 {
				if cc, ok := demonymOf[toks[0].Hash]; ok && cc != ent.Country {
					flags |= candNeedCtx
				}
			}
		}
		if isExactCase(name) {
			flags |= candExactCase
		}
		if strings.HasSuffix(name, ".") {
			flags |= candDotted | candExactCase
		}
		h := uint64(hashSeed)
		for _, t := range toks {
			h = combine(h, t.Hash)
			prefix.add(h)
		}
		whole.add(h)
		all = append(all, keyed{h: h, seq: int32(len(all)), c: cand{entry: int32(entry), flags: flags, name: name}})
	}
	for i, e := range g.Entries {
		add(i, e.Name, 0)
		for _, n := range e.Names {
			add(i, n, 0)
		}
		// "The Dangs" is "the Dangs" in running text, where "the" starts
		// no name: index the name without its article too.
		for _, n := range append([]string{e.Name}, e.Names...) {
			if rest, ok := strings.CutPrefix(n, "The "); ok && e.FeatureCode != "PCLI" {
				add(i, rest, candAlt)
			}
		}
		// Alternate names pay their way only where English spellings vary
		// (South Asian transliterations); elsewhere they are mostly other
		// languages' words ("Grenade" for Granada).
		if southAsia[e.Country] {
			for _, n := range e.Alternates {
				add(i, n, candAlt)
			}
			// Transliterations join or split words freely: "Banas Kantha"
			// is also written "Banaskantha".
			if e.FeatureCode != "PCLI" {
				for _, n := range append([]string{e.Name}, e.Names...) {
					if j := strings.IndexByte(n, ' '); j > 0 && strings.Count(n, " ") == 1 {
						if joined := n[:j] + strings.ToLower(n[j+1:]); utf8.ValidString(joined) {
							add(i, joined, candAlt)
						}
					}
				}
				// The town suffix "-pur" ("town") is written four ways in
				// English: Bandipur, Bandipura, Bandipore, Bandipora.
				for _, n := range append([]string{e.Name}, e.Names...) {
					for _, v := range purVariants(n) {
						add(i, v, candAlt)
					}
				}
			}
		}
	}
	ccs := make([]string, 0, len(g.Demonyms))
	for cc := range g.Demonyms {
		ccs = append(ccs, cc)
	}
	slices.Sort(ccs) // map order must not decide anything
	for _, cc := range ccs {
		i, ok := g.Country(cc)
		if !ok {
			continue
		}
		for _, n := range g.Demonyms[cc] {
			add(i, n, candDemonym)
		}
	}
	// Group equal keys, in insertion order within a group: a stable radix
	// sort of (key, position) pairs, far cheaper than a comparison sort of
	// the 40-byte records.
	order := radixSortKeys(all)
	ngroups := 0
	for i := range order {
		if i == 0 || order[i].h != order[i-1].h {
			ngroups++
		}
	}
	ix := &index{keys: newSpanTable(ngroups), cands: make([]cand, 0, len(all)), prefix: prefix, whole: whole, lowerStart: lowerStart}
	for i := 0; i < len(order); {
		j := i
		off := uint32(len(ix.cands))
	group:
		for ; j < len(order) && order[j].h == order[i].h; j++ {
			c := all[order[j].i].c
			for _, o := range ix.cands[off:] {
				// Same place, same key: keep the first, strongest, name, and
				// other spellings only when they differ in case ("Swat
				// valley" beside "Swat Valley") for the case checks.
				if o.entry == c.entry && o.flags&candDemonym == c.flags&candDemonym && (o.name == c.name || !sameShape(o.name, c.name)) {
					continue group
				}
			}
			ix.cands = append(ix.cands, c)
		}
		ix.keys.put(order[i].h, span{off, uint32(len(ix.cands)) - off})
		i = j
	}
	return ix
}

type keyPos struct {
	h uint64
	i uint32
}

// radixSortKeys returns the positions of all sorted by key, stable: four
// passes of a 16-bit least-significant-digit radix sort.
func radixSortKeys(all []keyed) []keyPos {
	a := make([]keyPos, len(all))
	for i := range all {
		a[i] = keyPos{all[i].h, uint32(i)}
	}
	b := make([]keyPos, len(all))
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range a {
			count[(k.h>>shift)&0xFFFF]++
		}
		sum := 0
		for d, n := range count {
			count[d] = sum
			sum += n
		}
		for _, k := range a {
			d := (k.h >> shift) & 0xFFFF
			b[count[d]] = k
			count[d]++
		}
		a, b = b, a
	}
	return a
}

// spanTable maps a name key to its candidates: open addressing with linear
// probing, no per-entry overhead, and a lookup without the map's hashing
// (the keys are hashes already).
type spanTable struct {
	keys  []uint64
	vals  []span
	shift uint
}

func newSpanTable(n int) spanTable {
	size := 1024
	for size < n+n/2 {
		size *= 2
	}
	return spanTable{keys: make([]uint64, size), vals: make([]span, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// put stores v under h. Zero marks an empty slot, so a key of 0 (which
// the name hash practically never yields) is stored and looked up as 1.
func (t *spanTable) put(h uint64, v span) {
	h = nonZero(h)
	mask := len(t.keys) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		if t.keys[i] == 0 || t.keys[i] == h {
			t.keys[i], t.vals[i] = h, v
			return
		}
	}
}

func (t *spanTable) get(h uint64) (span, bool) {
	h = nonZero(h)
	mask := len(t.keys) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case h:
			return t.vals[i], true
		case 0:
			return span{}, false
		}
	}
}

// len counts the stored keys.
func (t *spanTable) len() int {
	n := 0
	for _, k := range t.keys {
		if k != 0 {
			n++
		}
	}
	return n
}

func nonZero(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// purSuffixes are the English spellings of the town suffix "-pur".
var purSuffixes = [...]string{"pur", "pura", "pore", "pora"}

// purVariants returns the other spellings of a one-word name ending in
// "-pur" ("Bandipura": Bandipur, Bandipore, Bandipora), or none.
func purVariants(name string) []string {
	if strings.IndexByte(name, ' ') >= 0 {
		return nil
	}
	for _, suf := range purSuffixes {
		stem, ok := strings.CutSuffix(name, suf)
		if !ok || len(stem) < 3 {
			continue
		}
		out := make([]string, 0, len(purSuffixes)-1)
		for _, o := range purSuffixes {
			if o != suf {
				out = append(out, stem+o)
			}
		}
		return out
	}
	return nil
}

// isExactCase reports names that are codes rather than words: all capitals
// ("FATA", "US") or short with an inner capital ("LoC", "PoK").
func isExactCase(name string) bool {
	// Most names are ASCII words in title case: "Quetta" has a lower-case
	// second letter and no inner capital in its first word, so it is not a code.
	if len(name) > 1 && name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'a' && name[1] <= 'z' {
		ascii := true
		for i := 2; i < len(name) && name[i] != ' '; i++ {
			if c := name[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
				ascii = false
				break
			}
		}
		if ascii {
			return false
		}
	}
	upper, lower, letters := 0, 0, 0
	inner := false
	for i, r := range name {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
				if i > 0 {
					inner = true
				}
			} else {
				lower++
			}
		}
		if r == ' ' {
			return lower == 0 && upper > 1
		}
	}
	if lower == 0 && upper > 1 {
		return true
	}
	return inner && letters <= 5
}

// hasUpper reports an upper-case letter in s.
func hasUpper(s string) bool {
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// sameShape reports names equal but for the case of some letters.
func sameShape(a, b string) bool {
	return len(a) == len(b) && strings.EqualFold(a, b)
}
