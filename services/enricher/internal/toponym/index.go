package toponym

import (
	"iter"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

const maxNameTokens = 6

// inSouthAsia reports the countries whose villages the gazetteer holds and
// whose names are transliterated many ways: IN, PK, BD, AF, LK, NP, BT, MV.
func inSouthAsia(cc string) bool {
	switch cc {
	case "IN", "PK", "BD", "AF", "LK", "NP", "BT", "MV":
		return true
	}
	return false
}

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

// scan reads a field's tokens once for recognise: their case mode
// (detectCase), and into starts the indexes of the tokens that may start a
// name: in mixed-case text those with a capital, and the lower-case words
// in lowerStart; in other text every token.
func (ix *index) scan(toks []token, starts []int32) (caseMode, []int32) {
	starts = slices.Grow(starts[:0], len(toks))[:len(toks)]
	k := 0
	var mode caseMode
	if len(toks) >= 1<<caseLane {
		for i := range toks {
			if t := &toks[i]; t.Flags&(capFirst|allUpper) != 0 || ix.lowerStart.has(t.Hash) {
				starts[k] = int32(i)
				k++
			}
		}
		mode = detectCase(toks)
	} else {
		// As detectCase: three counters in one word, no lane can carry.
		var n uint64
		for i := range toks {
			t := &toks[i]
			n += caseCount[t.Flags&15]
			if t.Flags&(capFirst|allUpper) != 0 || ix.lowerStart.has(t.Hash) {
				starts[k] = int32(i)
				k++
			}
		}
		mode = caseOf(n)
	}
	if mode != caseMixed {
		for i := range starts {
			starts[i] = int32(i)
		}
		k = len(starts)
	}
	return mode, starts[:k]
}

type span struct{ off, n uint32 }

func (ix *index) list(s span) []cand { return ix.cands[s.off : s.off+s.n] }

type keyed struct {
	h uint64
	c cand
}

// indexPart is the names of a run of places, keyed: the places are cut
// into runs indexed side by side, then merged in order.
type indexPart struct {
	g *gazetteer.Gazetteer
	// demonymOf maps a demonym's token hash to its country, to spot a
	// region named after a neighbour's people ("Afghan border" is in
	// Pakistan's news a place in Pakistan). Shared, read-only.
	demonymOf     map[uint64]string
	all           []keyed // in insertion order, so the first (strongest) name of a place wins
	prefix, whole bitset
	lowerStart    smallSet
	toks          []token
}

func (p *indexPart) add(entry int, name string, flags uint8) {
	p.toks = tokenize(p.toks[:0], name)
	toks := p.toks
	if len(toks) == 0 || len(toks) > maxNameTokens {
		return
	}
	if ent := p.g.Entry(entry); flags&(candDemonym|candAlt) == 0 && ent.FeatureCode() != "PCLI" {
		if c := name[0]; c >= 'a' && c <= 'z' {
			p.lowerStart.add(toks[0].Hash)
			flags |= candLower
		}
		// Descriptions: no proper name in them ("tribal areas"), or
		// a neighbour's people's name ("Afghan border").
		if !hasUpper(name) {
			flags |= candNeedCtx
		} else if len(toks) > 1 {
			if cc, ok := p.demonymOf[toks[0].Hash]; ok && cc != ent.Country() {
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
		p.prefix.add(h)
	}
	p.whole.add(h)
	p.all = append(p.all, keyed{h: h, c: cand{entry: int32(entry), flags: flags, name: name}})
}

// addPlace keys every name of place i.
func (p *indexPart) addPlace(i int) {
	e := p.g.Entry(i)
	name, fcode, country := e.Name(), e.FeatureCode(), e.Country()
	p.add(i, name, 0)
	for n := range e.Names() {
		p.add(i, n, 0)
	}
	// "The Dangs" is "the Dangs" in running text, where "the" starts
	// no name: index the name without its article too.
	if fcode != "PCLI" {
		for n := range withNames(name, e) {
			if rest, ok := strings.CutPrefix(n, "The "); ok {
				p.add(i, rest, candAlt)
			}
		}
	}
	// Alternate names pay their way only where English spellings vary
	// (South Asian transliterations); elsewhere they are mostly other
	// languages' words ("Grenade" for Granada).
	if !inSouthAsia(country) {
		return
	}
	for n := range e.Alternates() {
		p.add(i, n, candAlt)
	}
	if fcode == "PCLI" {
		return
	}
	// Transliterations join or split words freely: "Banas Kantha"
	// is also written "Banaskantha".
	for n := range withNames(name, e) {
		if j := strings.IndexByte(n, ' '); j > 0 && strings.Count(n, " ") == 1 {
			if joined := n[:j] + strings.ToLower(n[j+1:]); utf8.ValidString(joined) {
				p.add(i, joined, candAlt)
			}
		}
	}
	// The town suffix "-pur" ("town") is written four ways in
	// English: Bandipur, Bandipura, Bandipore, Bandipora.
	for n := range withNames(name, e) {
		for _, v := range purVariants(n) {
			p.add(i, v, candAlt)
		}
	}
}

func buildIndex(g *gazetteer.Gazetteer) *index {
	demonymOf := map[uint64]string{}
	for cc, ns := range g.Demonyms {
		for _, n := range ns {
			if t := tokenize(nil, n); len(t) == 1 {
				demonymOf[t[0].Hash] = cc
			}
		}
	}
	// Keying the names is most of the work and each place's names are
	// keyed alone: one run of places per processor, merged in order so
	// the result does not depend on the number of runs.
	nparts := max(1, min(runtime.GOMAXPROCS(0), 4))
	parts := make([]indexPart, nparts)
	var wg sync.WaitGroup
	for k := range parts {
		lo, hi := k*g.Len()/nparts, (k+1)*g.Len()/nparts
		p := &parts[k]
		*p = indexPart{g: g, demonymOf: demonymOf, all: make([]keyed, 0, 3*(hi-lo)/2), prefix: newBitset(), whole: newBitset()}
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				p.addPlace(i)
			}
		})
	}
	wg.Wait()
	// The demonyms come last, after every place's own names.
	last := &parts[nparts-1]
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
			last.add(i, n, candDemonym)
		}
	}
	prefix, whole, lowerStart := parts[0].prefix, parts[0].whole, parts[0].lowerStart
	runs := make([][]keyed, nparts)
	for k := range parts {
		p := &parts[k]
		runs[k] = p.all
		if k > 0 {
			for i := range prefix {
				prefix[i] |= p.prefix[i]
				whole[i] |= p.whole[i]
			}
			for i := range lowerStart {
				lowerStart[i] |= p.lowerStart[i]
			}
		}
	}
	// Group equal keys, in insertion order within a group: a stable sort
	// of (key, position) pairs, far cheaper than a comparison sort of the
	// 32-byte records.
	order := sortKeys(runs)
	ngroups := 0
	for i := range order {
		if i == 0 || order[i].h != order[i-1].h {
			ngroups++
		}
	}
	ix := &index{keys: newSpanTable(ngroups), cands: make([]cand, 0, len(order)), prefix: prefix, whole: whole, lowerStart: lowerStart}
	for i := 0; i < len(order); {
		j := i
		off := uint32(len(ix.cands))
	group:
		for ; j < len(order) && order[j].h == order[i].h; j++ {
			c := order[j].at(runs).c
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

// keyPos is a key and where its record is: run and position in the run.
type keyPos struct {
	h        uint64
	run, pos uint32
}

func (k keyPos) at(runs [][]keyed) *keyed { return &runs[k.run][k.pos] }

// withNames iterates a place's canonical name, then its other names.
func withNames(name string, e gazetteer.Entry) iter.Seq[string] {
	return func(yield func(string) bool) {
		if !yield(name) {
			return
		}
		for n := range e.Names() {
			if !yield(n) {
				return
			}
		}
	}
}

// sortKeys returns the keys of runs sorted, stable: records with equal
// keys stay in the order of the runs and of their positions in them. The
// keys are hashes, evenly spread, so one counting pass on the top 16 bits
// leaves buckets of a few keys each, which an insertion sort finishes.
func sortKeys(runs [][]keyed) []keyPos {
	n := 0
	for _, r := range runs {
		n += len(r)
	}
	const shift = 64 - 16
	count := make([]uint32, 1<<16+1)
	for _, r := range runs {
		for i := range r {
			count[r[i].h>>shift+1]++
		}
	}
	for d := 1; d < len(count); d++ {
		count[d] += count[d-1]
	}
	out := make([]keyPos, n)
	next := count[:1<<16]
	for k, r := range runs {
		for i := range r {
			d := r[i].h >> shift
			out[next[d]] = keyPos{h: r[i].h, run: uint32(k), pos: uint32(i)}
			next[d]++
		}
	}
	// next[d] is now the end of bucket d, the start of bucket d+1.
	start := uint32(0)
	for _, end := range next {
		b := out[start:end]
		for i := 1; i < len(b); i++ {
			for j := i; j > 0 && b[j-1].h > b[j].h; j-- {
				b[j-1], b[j] = b[j], b[j-1]
			}
		}
		start = end
	}
	return out
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
