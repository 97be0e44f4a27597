// Package toponym owns place recognition and resolution in article text:
// finding the place names in a title and body, choosing which place each one
// means, and choosing the place where the reported event happened (the focus).
//
// Recognition is one pass over the text: a tokenizer that lower-cases and
// hashes as it goes, then a lookup of token n-grams (up to six tokens) in a
// hash index of gazetteer names. Guards against common words, people's names
// and addresses decide which matches are places. Resolution scores each
// candidate place by its prior (feature type, population) and its context
// (countries and divisions mentioned elsewhere, "City, Province" patterns,
// the feed's country hint, other ambiguous names with a place in the same
// county or state); each name counts once as context, however often it is
// repeated, so a repeated name cannot vouch for itself.
//
// Descriptions such as "northwest Pakistan" or "tribal areas" are curated
// names that may begin in lower case; those without a proper name in them
// count only where the text names their country. The focus prefers the most
// specific place consistent with the best-supported one, so several
// headlines on one event ("... Pakistan" five times, "... Quetta" once) give
// Quetta.
package toponym

import (
	"math"
	"sync"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// Document is the text to read, with what is known about it.
type Document struct {
	Title       string
	Body        string
	BodyField   events.Field // events.FieldText or events.FieldSummary
	CountryHint string       // ISO2 or ""
	// Anchors are spans of casualty evidence: where the event is told. They
	// help choose the focus.
	Anchors []events.Span
	// Tokens, when not nil, are Title's and Body's tokens as word.Tokenize
	// reads them: a caller that has read the article already saves the pass.
	Tokens *[2][]word.Token
}

// Result is what Extract found.
type Result struct {
	// Locations are the mentions in reading order (title first); offsets are
	// UTF-8 byte offsets into the field they name.
	Locations []events.Location
	// Places are the distinct places, most mentioned first.
	Places []events.PlaceCount
	// Focus is where the reported event happened; nil if nothing credible.
	// It points at the Place of one of Locations when the text names it.
	Focus *events.Place
}

// Extractor recognises and resolves places. It is safe for concurrent use
// after construction.
type Extractor struct {
	g    *gazetteer.Gazetteer
	ix   *index
	pool sync.Pool

	// words classifies the words the guards look at, one lookup per token.
	words wordTable

	info      []entryInfo
	countryID map[string]uint16
	byCode    [26 * 26]uint16 // countryID of the codes of two capitals, by their letters
	borders   []border
}

// border is the line between two neighbours that a report of cross-border
// fire between them is about, when it names no closer place.
type border struct {
	a, b  uint16 // country ids
	entry int32
}

// borderLines pairs neighbours with the curated line between them.
var borderLines = []struct{ a, b, id string }{
	{"IN", "PK", "curated:line-of-control"},
	{"AF", "PK", "curated:durand-line"},
	{"CN", "IN", "curated:line-of-actual-control"},
	{"BD", "IN", "curated:india-bangladesh-border"},
}

// typeWord is a word after a name that says what kind of place it is:
// "Ambala district", "Hubli city".
type typeWord uint8

const (
	typeNone typeWord = iota
	typeDistrict
	typeProvince
	typeCity
)

// New builds the name index over g; it takes about a tenth of a second of
// CPU, spread over the processors.
func New(g *gazetteer.Gazetteer) *Extractor {
	e := &Extractor{g: g}
	// The name index and the per-entry facts are independent: build them
	// side by side, which halves the start-up time on two cores.
	var wg sync.WaitGroup
	wg.Go(e.buildInfo)
	e.ix = buildIndex(g)
	wg.Wait()
	types := map[uint64]typeWord{}
	for w, t := range map[string]typeWord{
		"district": typeDistrict, "districts": typeDistrict, "county": typeDistrict, "parish": typeDistrict, "agency": typeDistrict, "tehsil": typeDistrict,
		"province": typeProvince, "state": typeProvince, "region": typeProvince, "division": typeProvince,
		"city": typeCity, "town": typeCity, "village": typeCity, "area": typeCity, "township": typeCity,
	} {
		types[hashString(w)] = t
	}
	e.words = newWordTable(wordClasses(), types)
	for _, bl := range borderLines {
		for i := range g.Len() {
			if g.Entry(i).ID() == bl.id {
				e.borders = append(e.borders, border{e.countryID[bl.a], e.countryID[bl.b], int32(i)})
				break
			}
		}
	}
	e.pool.New = func() any { return &scratch{} }
	return e
}

type scratch struct {
	toks     [2][]token
	mentions []mention
	starts   []int32 // scan's
	ctx      context
}

type mention struct {
	field      int // 0 title, 1 body
	tokA, tokB int
	start, end int
	cands      []cand
	key        uint64 // hash of the lower-cased name tokens
	sentStart  bool
	locative   bool
	speech     bool
	agent      bool // a country or people that acts: "US drone strike", "Indian shelling"
	dateline   bool
	typeWord   typeWord
	strong     bool    // some candidate is a country, first-level division, region or demonym
	country    bool    // some candidate is a country, continent or demonym
	demonym    bool    // every candidate is a demonym
	recog      float64 // how sure we are this is a place at all
	best       int32
	second     float64
	score      float64
	dropped    bool
	person     bool
	nameLike   bool  // dropped after a capitalised word, as in "Denzel Washington"
	unknown    bool  // a capitalised name after "in", "at", "village" that the gazetteer lacks
	small      bool  // only small places outside South Asia: kept only with support
	support    bool  // "City, Region" or a type word backs it
	nearOff    int32 // 1 + offset of its candidates' bonuses in context.nearB; 0 for none
}

type caseMode uint8

const (
	caseMixed caseMode = iota
	caseUpper          // all-caps headline: capitals say nothing
	caseLower          // lower-cased text: nothing to go by either
)

// caseKind sorts a token by its case flags for detectCase: 1 all upper
// case, 2 capitalised, 3 lower case, 0 none of these (digits).
var caseKind = func() (t [16]uint8) {
	for f := range uint8(16) {
		switch {
		case f&hasLower == 0 && f&allUpper != 0:
			t[f] = 1
		case f&capFirst != 0:
			t[f] = 2
		case f&hasLower != 0:
			t[f] = 3
		}
	}
	return t
}()

// caseCount is caseKind as an increment of three counters packed in one
// word, caseLane bits each (kinds 1, 2 and 3; kind 0 is not counted):
// detectCase adds once per token, with no store to a counter that the next
// token may load again.
var caseCount = func() (t [16]uint64) {
	for f, k := range caseKind {
		if k > 0 {
			t[f] = 1 << (caseLane * (k - 1))
		}
	}
	return t
}()

const caseLane = 21

func detectCase(toks []token) caseMode {
	if len(toks) < 1<<caseLane {
		// No lane can carry into the next.
		var n uint64
		for i := range toks {
			n += caseCount[toks[i].Flags&15]
		}
		return caseOf(n)
	}
	var n [4]int
	for _, t := range toks {
		n[caseKind[t.Flags&15]]++
	}
	return caseFromCounts(n[1], n[2], n[3])
}

// caseOf is the case mode of tokens whose caseCount sum is n.
func caseOf(n uint64) caseMode {
	const mask = 1<<caseLane - 1
	return caseFromCounts(int(n&mask), int(n>>caseLane&mask), int(n>>(2*caseLane)&mask))
}

// caseFromCounts tells the case mode from the numbers of all-caps,
// capitalised and lower-case tokens.
func caseFromCounts(upTok, capTok, lowTok int) caseMode {
	switch {
	case upTok+capTok+lowTok == 0:
		return caseMixed
	case lowTok == 0 && capTok <= upTok/3:
		return caseUpper
	case capTok == 0 && upTok == 0:
		return caseLower
	}
	return caseMixed
}

// Extract reads one document.
func (e *Extractor) Extract(d Document) Result {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	bodyField := d.BodyField
	if bodyField == "" {
		bodyField = events.FieldText
	}
	texts := [2]string{d.Title, d.Body}
	s.mentions = s.mentions[:0]
	// The caller's tokens are read, never kept in the pooled scratch: the
	// caller reuses their memory.
	toks := &s.toks
	if d.Tokens != nil {
		toks = d.Tokens
	}
	for f := range 2 {
		if d.Tokens == nil {
			s.toks[f] = tokenize(s.toks[f][:0], texts[f])
		}
		var mode caseMode
		mode, s.starts = e.ix.scan(toks[f], s.starts)
		s.mentions = e.recognise(s.mentions, f, texts[f], toks[f], mode, s.starts)
	}
	ms := s.mentions
	if len(ms) == 0 {
		return Result{}
	}
	e.resolve(ms, d.CountryHint, &s.ctx)
	var res Result
	kept := 0
	for i := range ms {
		if !ms[i].dropped {
			kept++
		}
	}
	if kept == 0 {
		return res
	}
	res.Locations = make([]events.Location, 0, kept)
	// An article names its places again and again: a place already built
	// is copied from its first location rather than built anew from the
	// gazetteer's record (Entry.Place reads and converts every field).
	var seenBuf [16]struct{ entry, loc int32 }
	seen := seenBuf[:0]
	// A place named again mostly has the same recognition and margin:
	// its confidence (a tanh) is then the one just computed.
	lastRecog, lastMargin, lastConf := math.NaN(), math.NaN(), 0.0
	for i := range ms {
		m := &ms[i]
		if m.dropped {
			continue
		}
		if m.unknown {
			m.best = e.enclosing(ms, i, toks[m.field])
			if m.best < 0 {
				m.best = e.hintCountry(ms, d.CountryHint)
			}
			// Elsewhere the gazetteer holds every place of 1,000 people; in
			// South Asia villages are missing, so only there is an unknown
			// capitalised name after "in" likely a place.
			if m.best < 0 || !e.info[m.best].sa {
				m.best = -1
				m.dropped = true
				continue
			}
		}
		field := events.FieldTitle
		if m.field == 1 {
			field = bodyField
		}
		// "Raichur Village", "Cuddapah District": a capitalised type word
		// after the name is part of it.
		end := m.end
		if toks := toks[m.field]; m.tokB < len(toks) && m.end == int(toks[m.tokB-1].End) &&
			!(i+1 < len(ms) && ms[i+1].field == m.field && ms[i+1].tokA == m.tokB && !ms[i+1].dropped) {
			if t := toks[m.tokB]; t.Gap == gapSpace && t.Flags&capFirst != 0 && t.Flags&allUpper == 0 &&
				e.class(t.Hash)&wSuffix != 0 {
				end = int(t.End)
			}
		}
		conf := m.recog
		if !m.unknown {
			if margin := m.score - m.second; m.recog == lastRecog && margin == lastMargin {
				conf = lastConf
			} else {
				conf = m.confidence()
				lastRecog, lastMargin, lastConf = m.recog, margin, conf
			}
		}
		first := int32(-1)
		for _, s := range seen {
			if s.entry == m.best {
				first = s.loc
				break
			}
		}
		// Written in its place: a location is large, and a literal is
		// built aside and then copied. The slice was made zeroed with room
		// for every kept mention, and every field is written below: the
		// location is taken from that room rather than appended as a zero
		// value, which zeroed it a second time.
		res.Locations = res.Locations[:len(res.Locations)+1]
		l := &res.Locations[len(res.Locations)-1]
		l.Span = events.Span{Field: field, Start: m.start, End: end}
		l.Text, l.Confidence = texts[m.field][m.start:end], conf
		if first >= 0 {
			l.Place = res.Locations[first].Place
		} else {
			l.Place = e.g.Entry(int(m.best)).Place()
			seen = append(seen, struct{ entry, loc int32 }{m.best, int32(len(res.Locations) - 1)})
		}
	}
	if len(res.Locations) == 0 {
		return res
	}
	res.Places = places(res.Locations, ms)
	if f := e.focus(ms, d.Anchors, bodyField, d.CountryHint); f >= 0 {
		// The focus is one of the places named: it points at its first
		// location's place rather than at a new copy, which would cost an
		// allocation and a build from the gazetteer's record.
		for _, s := range seen {
			if s.entry == f {
				res.Focus = &res.Locations[s.loc].Place
				break
			}
		}
		if res.Focus == nil {
			p := e.g.Entry(int(f)).Place()
			res.Focus = &p
		}
	}
	if res.Focus != nil && res.Focus.FeatureCode == "PCLI" {
		if b := e.borderFocus(ms, *toks); b >= 0 {
			p := e.g.Entry(int(b)).Place()
			res.Focus = &p
		}
	}
	return res
}

// borderFocus handles reports that name only countries: "Indian shelling
// kills two Pakistani villagers" happened on the border between them. It
// returns the border's entry when two neighbours are named and the text
// speaks of the border or of fire across it, else -1.
func (e *Extractor) borderFocus(ms []mention, toks [2][]token) int32 {
	var ids [2]uint16
	n := 0
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 || m.unknown {
			continue
		}
		inf := &e.info[m.best]
		if inf.kind != kindCountry {
			return -1 // a closer place is named
		}
		if n < 2 && (n == 0 || ids[0] != inf.country) {
			ids[n] = inf.country
			n++
		}
	}
	if n < 2 {
		return -1
	}
	for _, b := range e.borders {
		if !(b.a == ids[0] && b.b == ids[1] || b.a == ids[1] && b.b == ids[0]) {
			continue
		}
		for _, ts := range toks {
			for _, t := range ts {
				if e.class(t.Hash)&wBorder != 0 {
					return b.entry
				}
			}
		}
	}
	return -1
}

func (m *mention) confidence() float64 {
	if m.unknown {
		return m.recog
	}
	return round2(m.recog * confidence(m.score-m.second))
}

// enclosing places a name the gazetteer lacks at the place the same
// sentence puts it in: the next place ("Segra under Naggal constituency in
// Ambala district"), else the previous one ("in Ambala, at Osmanpura").
// Nothing else vouches for where it is: without such a place it is -1 and
// the name is dropped, since no location beats a wrong one.
func (e *Extractor) enclosing(ms []mention, i int, toks []token) int32 {
	m := &ms[i]
	for j := i + 1; j < len(ms) && ms[j].field == m.field; j++ {
		if ms[j].dropped || ms[j].unknown || ms[j].best < 0 || ms[j].demonym {
			continue
		}
		if ms[j].start-m.end < 120 && !sentenceBreak(toks, m.tokB, ms[j].tokA) {
			return ms[j].best
		}
		break
	}
	for j := i - 1; j >= 0 && ms[j].field == m.field; j-- {
		// "Pakistan said ... at Rainawari": a country that speaks or acts
		// does not place the name.
		if ms[j].dropped || ms[j].unknown || ms[j].best < 0 || ms[j].demonym || ms[j].speech || ms[j].agent {
			continue
		}
		if !sentenceBreak(toks, ms[j].tokB, m.tokA) {
			return ms[j].best
		}
		break
	}
	return -1
}

// hintCountry is where a name the gazetteer lacks lies when its sentence
// names no place: the feed's own country, if it is South Asian and the text
// names no place in another country ("at Rainawari" on an Indian feed is
// somewhere in India, which is coarse but true); else -1.
func (e *Extractor) hintCountry(ms []mention, hint string) int32 {
	if !inSouthAsia(hint) {
		return -1
	}
	id := e.countryOf(hint)
	for j := range ms {
		if o := &ms[j]; !o.dropped && !o.unknown && o.best >= 0 && e.info[o.best].country != id {
			return -1
		}
	}
	i, ok := e.g.Country(hint)
	if !ok {
		return -1
	}
	return int32(i)
}

// sentenceBreak reports a sentence end between tokens a and b (exclusive
// of a's gap, inclusive of b's).
func sentenceBreak(toks []token, a, b int) bool {
	for k := a; k <= b && k < len(toks); k++ {
		if toks[k].Gap == gapSentence {
			return true
		}
	}
	return false
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// confidence maps the score margin over the runner-up to (0.5, 1).
func confidence(margin float64) float64 {
	return 0.5 + 0.5*math.Tanh(margin/3)
}

// places counts the kept mentions (parallel to locs) per place. Counting
// runs on entry indexes and only the final list copies places, which are
// large: sorting them would move each several times.
func places(locs []events.Location, ms []mention) []events.PlaceCount {
	type count struct {
		entry int32
		loc   int32 // first location of the place
		n     int32
	}
	var buf [32]count
	counts := buf[:0]
	k := 0
next:
	for i := range ms {
		m := &ms[i]
		if m.dropped {
			continue
		}
		k++
		if m.unknown {
			continue // counted under its own name nowhere: it is not in the gazetteer
		}
		for j := range counts {
			if counts[j].entry == m.best {
				counts[j].n++
				continue next
			}
		}
		counts = append(counts, count{entry: m.best, loc: int32(k - 1), n: 1})
	}
	// Stable by first mention among equal counts: insertion sort, as the
	// list is short.
	for i := 1; i < len(counts); i++ {
		for j := i; j > 0 && counts[j].n > counts[j-1].n; j-- {
			counts[j], counts[j-1] = counts[j-1], counts[j]
		}
	}
	out := make([]events.PlaceCount, len(counts))
	for i, c := range counts {
		// Field by field: a literal is built aside and then copied.
		out[i].Place, out[i].Mentions = locs[c.loc].Place, int(c.n)
	}
	return out
}

func (e *Extractor) class(h uint64) wordClass { return e.words.get(h).class }

// recognise finds name matches in one field and applies the guards that need
// only local context.
// Only the tokens in starts (scan's) may start a name: in mixed case most
// words are lower case and start none, and scan left them out.
func (e *Extractor) recognise(ms []mention, field int, text string, toks []token, mode caseMode, starts []int32) []mention {
	first := len(ms)
	// The loop runs over starts, not over the tokens: the tokens before
	// from are read, passed or inside a name found. next passes the starts
	// that begin nothing, which are most.
	from := 0
	var hits [maxNameTokens]hit
	for p := 0; ; p++ {
		var nh int
		if p, nh = e.ix.next(toks, starts, p, from, mode, &hits); p == len(starts) {
			break
		}
		i := int(starts[p])
		from = i + 1
		t := &toks[i]
		lowerStart := mode == caseMixed && t.Flags&(capFirst|allUpper) == 0
		bestN, bestK := 0, span{}
		var bestKey uint64
		// The longest name whose case fits the text wins.
		for j := nh - 1; j >= 0; j-- {
			n, k := hits[j].n, hits[j].k
			// In mixed case a lower-case word inside a name must be
			// lower-case in the name too: "Jammu and Kashmir",
			// "Pakistan-administered Kashmir", not "Quetta police".
			if mode == caseMixed && n > 1 && !e.caseFits(e.ix.list(k), text, toks[i:i+n]) {
				continue
			}
			if lowerStart && !lowerFits(e.ix.list(k), text, toks[i:i+n]) {
				continue
			}
			bestN, bestK, bestKey = n, k, hits[j].key
			break
		}
		if bestN == 0 {
			// unknownPlace's first test, inlined: most tokens fail it,
			// and a call for each cost this loop's spills (callgrind).
			if !afterPlaceWord(toks, i, mode) {
				continue
			}
			if n := e.unknownPlace(toks, i, mode); n > 0 {
				m := mention{field: field, tokA: i, tokB: i + n, start: int(t.Start), end: int(toks[i+n-1].End), best: -1, unknown: true, recog: 0.25}
				// "at Chatti Bandipora": a South Asian locality named after
				// the town or district it is part of is placed there (only
				// there are villages missing from the gazetteer; elsewhere
				// "at Minnie Howard" is a school, "from United Russia" a party).
				if last := toks[i+n-1]; n > 1 && e.class(last.Hash)&wLocality == 0 {
					if h := combine(hashSeed, last.Hash); e.ix.hasWhole(h) {
						if k, ok := e.ix.keys.get(h); ok {
							if cs := e.localTowns(e.ix.list(k)); len(cs) > 0 {
								m.unknown, m.recog, m.key, m.cands = false, 0, h, cs
							}
						}
					}
				}
				ms = append(ms, m)
				from = i + n
			}
			continue
		}
		start, end := int(t.Start), int(toks[i+bestN-1].End)
		cands := e.ix.list(bestK)
		if bestK.exact() {
			cands = e.filterCase(cands, text[start:end], mode)
		}
		if lowerStart {
			// "northwest" alone is a region only where it is not a
			// direction: not "northwest of Quetta", not "northwest China".
			// Nor "the southwestern city of Quetta", which names its place.
			if j := i + bestN; bestN == 1 && j < len(toks) && toks[j].Gap <= gapJoin &&
				(toks[j].Hash == hOf || toks[j].Flags&(capFirst|allUpper) != 0 || e.words.get(toks[j].Hash).typ != typeNone) {
				continue
			}
			cands = keepLower(cands, text, toks[i:i+bestN])
		}
		if len(cands) == 0 {
			continue
		}
		for _, c := range cands {
			if c.flags&candDotted != 0 && end < len(text) && text[end] == '.' {
				end++
				break
			}
		}
		// The mention is built in its place in ms: a mention is large,
		// and a literal is built aside and then copied.
		ms = append(ms, mention{})
		m := &ms[len(ms)-1]
		m.field, m.tokA, m.tokB, m.start, m.end, m.key, m.best, m.cands = field, i, i+bestN, start, end, bestKey, -1, cands
		from = i + bestN
	}
	for j := first; j < len(ms); j++ {
		if !ms[j].unknown {
			e.guard(ms[first:], j-first, text, toks, mode)
		}
	}
	// A name seen as a person's once ("Asif Ali Zardari") is a person's
	// everywhere in the field, unless it is a country or province.
	for j := first; j < len(ms); j++ {
		if !ms[j].person && !ms[j].nameLike {
			continue
		}
		for k := first; k < len(ms); k++ {
			if ms[k].key != ms[j].key {
				continue
			}
			// After "Denzel Washington", "Washington said" is him too.
			if ms[k].person || !ms[k].strong && ms[j].person || ms[k].speech && !ms[k].locative && !ms[k].country {
				ms[k].dropped = true
			}
		}
	}
	return ms
}

// afterPlaceWord says toks[i] follows, after a space, one of the
// lower-case words that may introduce a place the gazetteer lacks ("in",
// "at", "near", "from", "village", "under", "of"), in mixed-case text: the
// first test of unknownPlace.
func afterPlaceWord(toks []token, i int, mode caseMode) bool {
	if mode != caseMixed || i == 0 || toks[i].Gap != gapSpace {
		return false
	}
	prev := &toks[i-1]
	if prev.Flags&(capFirst|allUpper) != 0 {
		return false
	}
	h := prev.Hash
	return h == hOf || h == hIn || h == hAt || h == hNear || h == hFrom || h == hVillage || h == hUnder
}

// unknownPlace recognises a place the gazetteer lacks, in mixed-case text:
// capitalised words right after "in", "at", "near", "from" or "village" that
// are not common words or people's names ("shot at village Segra", "in
// Osmanpura"). It returns how many tokens the name spans, or 0.
func (e *Extractor) unknownPlace(toks []token, i int, mode caseMode) int {
	if !afterPlaceWord(toks, i, mode) {
		return 0
	}
	// After "of" only a name that a locality word ends is a place:
	// "Dumpalagattu Village of Khazipet Mandal", not "of Congress".
	of := toks[i-1].Hash == hOf
	n, people := 0, 0
	for j := i; j < len(toks) && n < 4; j++ {
		t := toks[j]
		if n > 0 && t.Gap != gapSpace {
			break
		}
		if t.Flags&capFirst == 0 || t.Flags&(hasLower|hasDigit) != hasLower {
			break
		}
		c := e.class(t.Hash)
		if c&wLocality != 0 && n > 0 {
			// "Gandhi Chowk", "Tarkhan Majra Village", "Khazipet Mandal":
			// a locality word ends the name and vouches for it.
			return n + 1
		}
		if c&(wCommon|wTitle|wOrg|wStreet) != 0 {
			break
		}
		if c&wPerson != 0 {
			people++
		}
		n++
	}
	if n == 0 || people > 0 || of {
		return 0
	}
	// "from Nsui activists", "by Tdp workers": a name that people belong
	// to is an organisation.
	if j := i + n; j < len(toks) && toks[j].Gap == gapSpace && e.class(toks[j].Hash)&wGroup != 0 {
		return 0
	}
	// A name followed by a capitalised word we stopped at is an
	// organisation or a person ("at Mysore University", "from John Smith").
	if j := i + n; j < len(toks) && toks[j].Gap == gapSpace && toks[j].Flags&capFirst != 0 {
		return 0
	}
	return n
}

// localTowns keeps the South Asian towns and districts among cs, in a new
// slice (cs is the index's).
func (e *Extractor) localTowns(cs []cand) []cand {
	var out []cand
	for _, c := range cs {
		if inf := &e.info[c.entry]; inf.sa && (inf.town || inf.kind == kindADM2) && c.flags&candExactCase == 0 {
			out = append(out, c)
		}
	}
	return out
}

var (
	hIn         = hashString("in")
	hAt         = hashString("at")
	hNear       = hashString("near")
	hFrom       = hashString("from")
	hVillage    = hashString("village")
	hUnder      = hashString("under")
	hOf         = hashString("of")
	hBy         = hashString("by")
	hAnd        = hashString("and")
	hAll        = hashString("all")
	hGovernment = hashString("government")
	hGovt       = hashString("govt")
)

// caseFits reports whether some candidate name writes every lower-case
// token of the text in lower case as well.
func (e *Extractor) caseFits(cs []cand, text string, toks []token) bool {
	lower := false
	for _, t := range toks[1:] {
		if t.Flags&(capFirst|allUpper) == 0 {
			lower = true
		}
	}
	if !lower {
		return true
	}
	for _, c := range cs {
		if nameCaseFits(c.name, text, toks) {
			return true
		}
	}
	return false
}

// lowerFits reports whether some candidate is a lower-case name ("tribal
// areas") whose case fits the text.
func lowerFits(cs []cand, text string, toks []token) bool {
	for _, c := range cs {
		if lowerFit(c, text, toks) {
			return true
		}
	}
	return false
}

func lowerFit(c cand, text string, toks []token) bool {
	return c.flags&candLower != 0 && nameCaseFits(c.name, text, toks)
}

// keepLower keeps the candidates lowerFits accepts.
func keepLower(cs []cand, text string, toks []token) []cand {
	out := make([]cand, 0, len(cs))
	for _, c := range cs {
		if lowerFit(c, text, toks) {
			out = append(out, c)
		}
	}
	return out
}

// nameCaseFits compares the case of the first letter of each word of name
// with the tokens; only a lower-case text word needs a lower-case name word.
func nameCaseFits(name, text string, toks []token) bool {
	w := 0
	for i := 0; i < len(name) && w < len(toks); {
		c := name[i]
		if !isAlnumASCII(c) && c < 0x80 {
			i++
			continue
		}
		lowerName := c >= 'a' && c <= 'z'
		if toks[w].Flags&(capFirst|allUpper) == 0 && !lowerName && !(c >= '0' && c <= '9') {
			return false
		}
		for i < len(name) && (isAlnumASCII(name[i]) || name[i] >= 0x80) {
			i++
		}
		w++
	}
	return true
}

// filterCase drops exact-case candidates ("US") whose text differs in case
// ("us"), except in all-caps text where case says nothing.
func (e *Extractor) filterCase(cs []cand, surface string, mode caseMode) []cand {
	exact := false
	for _, c := range cs {
		if c.flags&candExactCase != 0 {
			exact = true
			break
		}
	}
	if !exact {
		return cs
	}
	out := make([]cand, 0, len(cs))
	for _, c := range cs {
		if c.flags&candExactCase != 0 {
			if mode == caseLower {
				continue
			}
			if mode == caseMixed && !sameLetters(c.name, surface) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// sameLetters compares the letters and digits of a and b, case-sensitively.
func sameLetters(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && !isAlnumASCII(a[i]) && a[i] < 0x80 {
			i++
		}
		for j < len(b) && !isAlnumASCII(b[j]) && b[j] < 0x80 {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		i++
		j++
	}
}

// smallPop is the population under which a place outside South Asia needs
// support from the text (its province or country mentioned) to count.
const smallPop = 15000

// maxPop is the largest population among the candidates below country and
// first-level division.
func (e *Extractor) maxPop(cs []cand) int64 {
	var p int64
	for _, c := range cs {
		if inf := &e.info[c.entry]; inf.kind != kindCountry && inf.kind != kindADM1 {
			p = max(p, int64(inf.pop))
		}
	}
	return p
}

// candFacts is what guard asks of a mention's candidates.
type candFacts struct {
	anyFlags, allFlags uint8 // their flags OR-ed and AND-ed
	strong             bool  // some is a demonym or a strong entry
	country            bool  // some is a demonym, a country or a continent
	sa                 bool  // some is in South Asia
	pop                int64 // the largest population, MaxInt64 unless all are towns
}

// candFacts gathers candFacts in one pass over the candidates, where guard
// made four (about 900 fewer instructions an article, callgrind).
func (e *Extractor) candFacts(cs []cand) candFacts {
	anyFlags, allFlags := uint8(0), ^uint8(0)
	strong, country, sa := false, false, false
	var pop int64
	for _, c := range cs {
		inf := &e.info[c.entry]
		anyFlags |= c.flags
		allFlags &= c.flags
		strong = strong || c.flags&candDemonym != 0 || inf.strong
		country = country || c.flags&candDemonym != 0 || inf.kind == kindCountry || inf.cont
		sa = sa || inf.sa
		if !inf.town {
			pop = math.MaxInt64 // divisions and regions are not small places
		}
		pop = max(pop, int64(inf.pop))
	}
	return candFacts{anyFlags: anyFlags, allFlags: allFlags, strong: strong, country: country, sa: sa, pop: pop}
}

// guard decides whether a match is a place at all, from its neighbours.
func (e *Extractor) guard(field []mention, idx int, text string, toks []token, mode caseMode) {
	m := &field[idx]
	a, b := toks[m.tokA], m.tokB
	m.sentStart = a.Gap == gapSentence
	m.recog = 1
	cf := e.candFacts(m.cands)
	anyFlags, allFlags, pop, sa := cf.anyFlags, cf.allFlags, cf.pop, cf.sa
	m.strong, m.country, m.demonym = cf.strong, cf.country, allFlags&candDemonym != 0
	alt := allFlags&candAlt != 0
	single := m.tokB-m.tokA == 1
	aC := e.class(a.Hash)
	common := single && aC&wCommon != 0
	if common && allNeedCtx(m.cands) {
		common = false // "northwest": a description, gated by its country later
	}
	person := single && aC&wPerson != 0
	var prev, next *token
	var pC, nC wordClass
	var nextW wordInfo
	if m.tokA > 0 && a.Gap <= gapJoin {
		prev = &toks[m.tokA-1]
		pC = e.class(prev.Hash)
	}
	if b < len(toks) && toks[b].Gap <= gapJoin {
		next = &toks[b]
		nextW = e.words.get(next.Hash)
		nC = nextW.class
	}
	if prev != nil && pC&wLocative != 0 {
		m.locative = true
	} else if m.tokA > 1 && prev != nil && pC&wCommon != 0 && toks[m.tokA-1].Gap <= gapJoin && (e.class(toks[m.tokA-2].Hash)&wLocative != 0) {
		m.locative = true // "in the Swat valley", "near the border"
	}
	if next != nil {
		if nC&wSpeech != 0 {
			m.speech = true
		}
		if nC&wAgent != 0 && m.country {
			m.agent = true
		}
		m.typeWord = nextW.typ
	}
	// "MUMBAI, India (AP) -": an all-caps name opening the field.
	// "MUZAFFARABAD:" too; a name followed by anything else is a headline word.
	if m.tokA == 0 && a.Flags&allUpper != 0 && mode == caseMixed && a.End-a.Start > 2 &&
		(b == len(toks) || toks[b].Gap == gapComma || toks[b].Gap == gapSentence) {
		m.dateline = true
	}
	commaSupport := b < len(toks) && toks[b].Gap == gapComma && e.commaSupports(m, toks[b].Start, field, idx)
	m.support = commaSupport || m.typeWord != typeNone
	if !m.strong && pop < smallPop && !sa {
		m.small = true
	}
	// "La.", "W.Va.": exact case and the dot, no common word.
	dotted := anyFlags&candDotted != 0 && m.end > 0 && text[m.end-1] == '.'
	if dotted {
		m.strong, common, person = true, false, false
	}
	// "North" alone is a direction ("North Texas", "North Memorial"), not
	// Cameroon's North region; only a country or continent survives.
	// The descriptions ("northwest" in a story about Pakistan) stay, for
	// the country test in resolve.
	if single && aC&wQualifier != 0 && !m.country && !dotted {
		if m.cands = keepNeedCtx(m.cands); len(m.cands) == 0 {
			m.dropped = true
			return
		}
		common = false
	}
	if (common || person) && m.strong {
		// "North" is a region of Cameroon and "Centre" one of France: a
		// common word names a country or a continent, not a division.
		m.strong = false
		for _, c := range m.cands {
			if inf := &e.info[c.entry]; c.flags&candDemonym != 0 || inf.kind == kindCountry || inf.cont {
				m.strong = true
			}
		}
	}
	// In mixed-case text a word in capitals running into lower-case words is
	// an acronym ("BUTA announces strike"), unless it is a code name ("FATA").
	if mode == caseMixed && single && a.Flags&allUpper != 0 && a.End-a.Start > 1 && !m.dateline &&
		next != nil && next.Gap == gapSpace && next.Flags&capFirst == 0 && next.Flags&hasLower != 0 {
		exact := false
		for _, c := range m.cands {
			if c.flags&candExactCase != 0 {
				exact = true
			}
		}
		if !exact {
			m.dropped = true
			return
		}
	}
	if alt && !commaSupport {
		// Only another language's name matches ("Grenade" is French for
		// Granada): a place only where nothing else could be meant.
		if m.sentStart || mode != caseMixed {
			m.dropped = true
			return
		}
		m.recog = 0.6
	}

	if mode == caseMixed {
		if prev != nil {
			// "Times Of India", "All India Radio": a country inside an
			// organisation's name in title case says nothing of where.
			// "Islamic Movement Of India": a capitalised "Of" after a name
			// word joins one name; "Heart Of Kabul" in a title-case headline
			// does not, as "heart" is a common word.
			if prev.Flags&capFirst != 0 && prev.Gap != gapSentence && (prev.Hash == hAll ||
				prev.Hash == hOf && m.tokA > 1 && toks[m.tokA-2].Flags&capFirst != 0 &&
					(e.class(toks[m.tokA-2].Hash)&wOrg != 0 || e.class(toks[m.tokA-2].Hash)&(wCommon|wLocative|wQualifier|wConnector) == 0)) {
				m.dropped = true
				return
			}
			if pC&wTitle != 0 && !m.strong {
				m.person, m.dropped = true, true
				return
			}
			if pC&wPerson != 0 && !m.strong {
				m.person, m.dropped = true, true // "Nawaz Sharif"
				return
			}
			// "Nawaz Sharif", "Phoolan Devi": a capitalised word that is
			// neither common, a qualifier nor a place makes this a name.
			if prev.Flags&capFirst != 0 && pC&(wCommon|wQualifier|wConnector|wLocative|wTitle) == 0 &&
				!e.isPlaceEnd(field, idx) && !m.country {
				m.dropped, m.nameLike = true, true // weak evidence: this mention only
				return
			}
		}
		// "led by Narayan and Ramdas", "shot by Jordan": after "by" a small
		// place's name is a person's.
		if single && !m.strong && !m.locative && m.tokA > 0 && a.Gap == gapSpace && e.maxPop(m.cands) < 100000 &&
			(toks[m.tokA-1].Hash == hBy || toks[m.tokA-1].Hash == hAnd && m.tokA > 2 && toks[m.tokA-3].Hash == hBy) {
			m.dropped = true
			return
		}
		// "Ripley said", "Taylor told reporters": a small place name
		// that speaks is a person, here and elsewhere in the field.
		if single && m.speech && !m.locative && !m.strong && e.maxPop(m.cands) < 1000000 {
			m.person, m.dropped = true, true
			return
		}
		// "Zaki-ur-Rehman", "Lashkar-e-Taiba", "Hizb-ul-Mujahideen": a name
		// joined to an Arabic or Persian particle is a person's or a
		// group's.
		if next != nil && next.Gap == gapJoin && nC&wParticle != 0 && text[toks[b].Start-1] == '-' && !m.strong {
			m.dropped = true
			return
		}
		// "Patiala-Sirhind Road": a road named after the places it joins.
		if next != nil && next.Gap == gapJoin && text[next.Start-1] == '-' && !m.strong && b+1 < len(toks) &&
			toks[b+1].Gap == gapSpace && toks[b+1].Flags&capFirst != 0 && e.class(toks[b+1].Hash)&wStreet != 0 {
			m.dropped = true
			return
		}
		if next != nil && next.Flags&capFirst != 0 {
			if nC&wStreet != 0 && !m.strong {
				m.dropped = true
				return
			}
			// "Mysore University", "Calcutta Stock Exchange": a place naming
			// an institution is part of its name. Only the next word counts:
			// "Ohio State University" still says Ohio.
			// "Centre Of Indian Trade Unions": a people's name in one too.
			if nC&wOrg != 0 && (!m.country || m.demonym) {
				m.dropped = true
				return
			}
			// "Wal-Mart", "Coca-Cola": a hyphenated compound with a word
			// that is not a place is a name of something else.
			if next.Gap == gapJoin && text[toks[b].Start-1] == '-' && !m.strong && !e.startsMention(field, idx) {
				m.dropped = true
				return
			}
			if person && nC&wCommon == 0 && !m.strong {
				m.person, m.dropped = true, true
				return
			}
		}
		switch {
		case m.strong && !common && !person:
		case commaSupport:
			m.recog = 0.9
		case common || person:
			pop := e.maxPop(m.cands)
			switch {
			case m.strong && !m.sentStart:
				m.recog = 0.8
			case m.locative && pop >= 50000:
				m.recog = 0.7
			default:
				m.dropped = true
			}
		}
		return
	}
	// "told the times of india", "bhavnagar university": an institution's
	// name, recognisable by its word even without case.
	if next != nil && nC&wOrg != 0 && next.Hash != hGovernment && next.Hash != hGovt && (!m.country || m.demonym) {
		m.dropped = true
		return
	}
	if prev != nil && prev.Hash == hOf && m.tokA > 1 && toks[m.tokA-1].Gap <= gapJoin {
		if h := toks[m.tokA-2].Hash; e.class(h)&wOrg != 0 && h != hGovernment && h != hGovt {
			m.dropped = true
			return
		}
	}
	// Without case, a name must be a known place word, not a common one.
	if common || person {
		if !(m.strong && !person) {
			m.dropped = true
			return
		}
	}
	if prev != nil && (pC&wPerson != 0 || pC&wTitle != 0) && !m.strong {
		m.dropped = true
		return
	}
	switch {
	case m.strong, commaSupport:
	case e.maxPop(m.cands) >= 100000:
		m.recog = 0.7
	case (m.locative || m.typeWord != typeNone) && e.inSouthAsia(m.cands):
		m.recog = 0.6
	default:
		m.dropped = true
	}
}

// keepNeedCtx keeps the descriptions among cs, in a new slice (cs may be
// the index's).
func keepNeedCtx(cs []cand) []cand {
	if allNeedCtx(cs) {
		return cs
	}
	var out []cand
	for _, c := range cs {
		if c.flags&candNeedCtx != 0 {
			out = append(out, c)
		}
	}
	return out
}

func allNeedCtx(cs []cand) bool {
	for _, c := range cs {
		if c.flags&candNeedCtx == 0 {
			return false
		}
	}
	return len(cs) > 0
}

func (e *Extractor) inSouthAsia(cs []cand) bool {
	for _, c := range cs {
		if e.info[c.entry].sa {
			return true
		}
	}
	return false
}

// startsMention reports a match starting right after mention idx.
func (e *Extractor) startsMention(field []mention, idx int) bool {
	return idx+1 < len(field) && field[idx+1].tokA == field[idx].tokB
}

// isPlaceEnd reports a kept place ending just before mention idx ("Karachi
// Lahore" in a list), which means a capitalised neighbour is no first name.
func (e *Extractor) isPlaceEnd(field []mention, idx int) bool {
	return idx > 0 && field[idx-1].tokB == field[idx].tokA && !field[idx-1].dropped
}

// commaSupports reports "Name, Region" where Region, the next match, is a
// country or division containing one of Name's candidates.
func (e *Extractor) commaSupports(m *mention, at int32, field []mention, idx int) bool {
	if idx+1 >= len(field) || field[idx+1].start != int(at) {
		return false
	}
	n := &field[idx+1]
	for _, c := range m.cands {
		for _, r := range n.cands {
			if e.contains(r, c) {
				return true
			}
		}
	}
	return false
}

// contains reports whether candidate outer's place contains inner's.
func (e *Extractor) contains(outer, inner cand) bool {
	return e.containsEntry(outer.entry, inner.entry)
}

// containsEntry is contains on gazetteer entries; it is small enough to be
// inlined into focus, whose loop over pairs of places calls it often.
func (e *Extractor) containsEntry(outer, inner int32) bool {
	return containsInfo(&e.info[outer], outer, &e.info[inner], inner)
}

// containsInfo is containsEntry on the entries' facts, for a caller that
// has them at hand.
func containsInfo(o *entryInfo, outer int32, in *entryInfo, inner int32) bool {
	if o.country == 0 || o.country != in.country || outer == inner {
		return false
	}
	switch o.kind {
	case kindCountry:
		return in.kind != kindCountry
	case kindADM1:
		return in.admin1 == outer && in.kind != kindADM1
	case kindADM2:
		return o.admin2 != 0 && in.admin2 == o.admin2 && in.kind != kindADM2
	}
	return false
}
