package toponym

import (
	"cmp"
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
	keys   map[uint64]span
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
				demonymOf[t[0].hash] = cc
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
				lowerStart.add(toks[0].hash)
				flags |= candLower
			}
			// Descriptions: no proper name in them ("tribal areas"), or
			// a neighbour's people's name ("Afghan border").
			if strings.ToLower(name) == name {
				flags |= candNeedCtx
			} else if cc, ok := demonymOf[toks[0].hash]; ok && len(toks) > 1 && cc != ent.Country {
				flags |= candNeedCtx
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
			h = combine(h, t.hash)
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
	slices.SortFunc(all, func(a, b keyed) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	ix := &index{keys: make(map[uint64]span, len(all)/2), cands: make([]cand, 0, len(all)), prefix: prefix, whole: whole, lowerStart: lowerStart}
	for i := 0; i < len(all); {
		j := i
		off := uint32(len(ix.cands))
	group:
		for ; j < len(all) && all[j].h == all[i].h; j++ {
			c := all[j].c
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
		ix.keys[all[i].h] = span{off, uint32(len(ix.cands)) - off}
		i = j
	}
	return ix
}

// isExactCase reports names that are codes rather than words: all capitals
// ("FATA", "US") or short with an inner capital ("LoC", "PoK").
func isExactCase(name string) bool {
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

// sameShape reports names equal but for the case of some letters.
func sameShape(a, b string) bool {
	return len(a) == len(b) && strings.EqualFold(a, b)
}
