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
// sets screen the lookups (names).
type index struct {
	keys  spanTable
	cands []cand
	names nameBits
	// lower screens the lower-case words that may start a match in
	// mixed-case text.
	lower lowerNames
}

// lowerNames screens the curated names that begin in lower case ("tribal
// areas", "northwest Pakistan", "the Gulf"): in mixed-case text only these
// may start a match on a lower-case word. first holds their first words;
// as "the" is one, which English text is full of, whole (the names of one
// word) and pair (the first two words of the others, pairKey) tell which
// of those words may start a name where they stand.
type lowerNames struct {
	first, whole, pair smallSet
}

func (l *lowerNames) add(toks []token) {
	l.first.add(toks[0].Hash)
	if len(toks) == 1 {
		l.whole.add(toks[0].Hash)
	} else {
		l.pair.add(pairKey(toks[0].Hash, toks[1].Hash))
	}
}

func (l *lowerNames) or(o *lowerNames) {
	for i := range l.first {
		l.first[i] |= o.first[i]
		l.whole[i] |= o.whole[i]
		l.pair[i] |= o.pair[i]
	}
}

// pairKey keys two words for smallSet, which reads the low bits: the
// second word's high bits, rotated down, vary where the first's do not
// ("the" is the first word of several names).
func pairKey(a, b uint64) uint64 { return a ^ bits.RotateLeft64(b, 12) }

// smallSet is a one-hash Bloom filter of 4,096 bits for a few dozen keys:
// it stays in the first-level cache, as it is asked about every lower-case
// word of mixed-case text.
type smallSet [64]uint64

// slot reads the word hash's low bits as they are, without the multiply
// of nameBits.slot: they are the multiplied high half of the hash's last
// step (word.mixChunk), well mixed, and this test runs for most words of
// every text. A false match would only make a word a start that finds no
// name (recognise asks a lower-case start for a lower-case name).
func (b *smallSet) slot(h uint64) (int, uint64) {
	x := h & (1<<12 - 1)
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

// nameBits is two one-hash Bloom filters over name keys, of 2^21 bits
// (256 KB) each, which stay in cache and let through a few percent of
// misses: prefix holds every leading run of a name's tokens ("new", "new
// york"), whole every full name. They are interleaved, a word of one beside
// the same word of the other, as a key that passes the prefix test is
// tested for a whole name next: one cache line and one slot computation
// serve both tests, where two arrays took two lines.
type nameBits [][2]uint64 // [prefix, whole]

const nameBitsLen = 1 << 21

func newNameBits() nameBits { return make(nameBits, nameBitsLen/64) }

func (b nameBits) slot(h uint64) (int, uint64) {
	x := (h * 0x9E3779B97F4A7C15) >> (64 - 21)
	return int(x >> 6), 1 << (x & 63)
}

// add adds the key of a name's leading tokens, and of the whole name when
// whole.
func (b nameBits) add(h uint64, whole bool) {
	i, m := b.slot(h)
	b[i][0] |= m
	if whole {
		b[i][1] |= m
	}
}

// test reports whether h may be the key of a name's leading tokens, and
// of a whole name.
func (b nameBits) test(h uint64) (prefix, whole bool) {
	i, m := b.slot(h)
	w := &b[i]
	return w[0]&m != 0, w[1]&m != 0
}

// scan reads a field's tokens once for recognise: their case mode
// (detectCase), and into starts the indexes of the tokens that may start a
// name: in mixed-case text those with a capital, and the lower-case words
// that lowerNames says may start a name there; in other text every token.
func (ix *index) scan(toks []token, starts []int32) (caseMode, []int32) {
	starts = slices.Grow(starts[:0], len(toks))[:len(toks)]
	i, k := 0, 0
	var mode caseMode
	if len(toks) >= 1<<caseLane {
		// So long a text could carry from one packed counter into the
		// next: detectCase counts it apart, and the loop below finds
		// every start.
		mode = detectCase(toks)
	} else {
		// As detectCase: three counters in one word, no lane can carry.
		// Text is in mixed case as soon as it has shown a lower-case word
		// and one with a capital (caseFromCounts), mostly within its first
		// few words: the counting stops there, and the loop below looks
		// for starts only (about 1,100 fewer instructions an article,
		// callgrind).
		var n uint64
		for ; i < len(toks); i++ {
			t := &toks[i]
			n += caseCount[t.Flags&15]
			if t.Flags&(capFirst|allUpper) != 0 || ix.lower.first.has(t.Hash) && ix.lowerMayStart(toks, i) {
				starts[k] = int32(i)
				k++
			}
			if n>>(2*caseLane) != 0 && n&(1<<(2*caseLane)-1) != 0 {
				i++
				break
			}
		}
		mode = caseOf(n)
	}
	// Written as separate tests with continue rather than as one
	// condition, which Go made a boolean and tested again, and with the
	// set's nil check before the loop rather than in it: about three
	// instructions less a word (callgrind).
	first := &ix.lower.first
	_ = first[0]
	for ; i < len(toks); i++ {
		t := &toks[i]
		if t.Flags&(capFirst|allUpper) == 0 {
			if !first.has(t.Hash) {
				continue
			}
			if !ix.lowerMayStart(toks, i) {
				continue
			}
		}
		starts[k] = int32(i)
		k++
	}
	if mode != caseMixed {
		for i := range starts {
			starts[i] = int32(i)
		}
		k = len(starts)
	}
	return mode, starts[:k]
}

// lowerMayStart reports whether the lower-case word toks[i], whose word
// lower.first holds, may start a name there: a name of one word, or one
// whose first two words these are. "the" ("the Gulf", "the northwest") is
// some twenty words of an article, which recognise would otherwise look up
// to no avail (about 80 instructions each, callgrind). It drops no start
// that finds something: a lower-case word starts no unknown place
// (unknownPlace wants a capital), and a name found on a lower-case word
// must be a lower-case name (lowerFits).
func (ix *index) lowerMayStart(toks []token, i int) bool {
	h := toks[i].Hash
	return ix.lower.whole.has(h) ||
		i+1 < len(toks) && toks[i+1].Gap <= gapJoin && ix.lower.pair.has(pairKey(h, toks[i+1].Hash))
}

// hasWhole reports whether h may be the key of a whole name.
func (ix *index) hasWhole(h uint64) bool {
	_, whole := ix.names.test(h)
	return whole
}

// span is where a key's candidates are in index.cands: n of them from off.
// The top bit of n (spanExact) says that one is an exact-case name ("US"),
// which filterCase needs to look at: most keys have none, and recognise
// then makes no call.
type span struct{ off, n uint32 }

const spanExact = 1 << 31

func (s span) exact() bool { return s.n&spanExact != 0 }

// hit is a name the index holds: its length in tokens, its candidates and
// its key.
type hit struct {
	n   int
	k   span
	key uint64
}

// next finds, from starts[p] on, the first start at token from or later
// that begins a name the index holds, or that may begin a place the
// gazetteer lacks (afterPlaceWord). It returns its position in starts, or
// len(starts) when none is left, and the number of names that begin there,
// which it puts in hits shortest first.
//
// Most starts begin nothing ("Monday", "Deputy"): this loop passes them
// without a call and with few live values, which stay in registers. As part
// of recognise, whose many live values Go spilled and reloaded, the same
// work cost about 2,700 instructions an article more (callgrind).
func (ix *index) next(toks []token, starts []int32, p, from int, mode caseMode, hits *[maxNameTokens]hit) (int, int) {
	for ; p < len(starts); p++ {
		i := int(starts[p])
		if i < from {
			continue
		}
		h := combine(hashSeed, toks[i].Hash)
		nh := 0
		for j, end := i, min(i+maxNameTokens, len(toks)); ; {
			prefix, whole := ix.names.test(h)
			if !prefix {
				break
			}
			if whole {
				if s, ok := ix.keys.get(h); ok {
					hits[nh] = hit{n: j - i + 1, k: s, key: h}
					nh++
				}
			}
			if j++; j == end || toks[j].Gap > gapJoin {
				break
			}
			h = combine(h, toks[j].Hash)
		}
		if nh > 0 || afterPlaceWord(toks, i, mode) {
			return p, nh
		}
	}
	return p, 0
}

func (ix *index) list(s span) []cand { return ix.cands[s.off : s.off+s.n&^spanExact] }

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
	demonymOf map[uint64]string
	all       []keyed // in insertion order, so the first (strongest) name of a place wins
	names     nameBits
	lower     lowerNames
	toks      []token
}

func (p *indexPart) add(entry int, name string, flags uint8) {
	p.toks = tokenize(p.toks[:0], name)
	toks := p.toks
	if len(toks) == 0 || len(toks) > maxNameTokens {
		return
	}
	if ent := p.g.Entry(entry); flags&(candDemonym|candAlt) == 0 && ent.FeatureCode() != "PCLI" {
		if c := name[0]; c >= 'a' && c <= 'z' {
			p.lower.add(toks)
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
	for k, t := range toks {
		h = combine(h, t.Hash)
		p.names.add(h, k == len(toks)-1)
	}
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
		*p = indexPart{g: g, demonymOf: demonymOf, all: make([]keyed, 0, 3*(hi-lo)/2), names: newNameBits()}
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
	names, lower := parts[0].names, parts[0].lower
	runs := make([][]keyed, nparts)
	for k := range parts {
		p := &parts[k]
		runs[k] = p.all
		if k > 0 {
			for i := range names {
				names[i][0] |= p.names[i][0]
				names[i][1] |= p.names[i][1]
			}
			lower.or(&p.lower)
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
	ix := &index{keys: newSpanTable(ngroups), cands: make([]cand, 0, len(order)), names: names, lower: lower}
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
		sp := span{off, uint32(len(ix.cands)) - off}
		for _, c := range ix.cands[off:] {
			if c.flags&candExactCase != 0 {
				sp.n |= spanExact
			}
		}
		ix.keys.put(order[i].h, sp)
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
// (the keys are hashes already). A slot holds the key beside its span, so
// that a lookup reads one cache line where two arrays cost two.
type spanTable struct {
	slots []spanSlot
	shift uint
}

type spanSlot struct {
	key uint64
	val span
}

func newSpanTable(n int) spanTable {
	size := 1024
	for size < n+n/2 {
		size *= 2
	}
	return spanTable{slots: make([]spanSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// put stores v under h. Zero marks an empty slot, so a key of 0 (which
// the name hash practically never yields) is stored and looked up as 1.
func (t *spanTable) put(h uint64, v span) {
	h = nonZero(h)
	mask := len(t.slots) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.key == 0 || s.key == h {
			*s = spanSlot{h, v}
			return
		}
	}
}

func (t *spanTable) get(h uint64) (span, bool) {
	h = nonZero(h)
	mask := len(t.slots) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case h:
			return s.val, true
		case 0:
			return span{}, false
		}
	}
}

// len counts the stored keys.
func (t *spanTable) len() int {
	n := 0
	for _, s := range t.slots {
		if s.key != 0 {
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
