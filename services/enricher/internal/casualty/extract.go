package casualty

import (
	"strings"
	"sync"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// Extractor finds casualty figures. It holds only immutable tables and a pool
// of scratch buffers, so one Extractor is safe for concurrent use.
type Extractor struct {
	*lexicon
	pool sync.Pool
}

// New builds an Extractor.
func New() *Extractor {
	x := &Extractor{lexicon: newLexicon()}
	x.pool.New = func() any { return &state{x: x, entries: x.lex, spell: x.spell} }
	return x
}

var defaultExtractor = sync.OnceValue(New)

// Extract finds the casualty figures in one field of an article with a
// shared Extractor. Evidence spans are byte offsets into text.
func Extract(field events.Field, text string) []events.Casualty {
	return defaultExtractor().Extract(field, text)
}

// Extract finds the casualty figures in text, which is the given field of an
// article. It never returns nil.
func (x *Extractor) Extract(field events.Field, text string) []events.Casualty {
	return x.AppendExtract(nil, field, text)
}

// AppendExtract appends the casualty figures of text, the given field of an
// article, to dst and returns the extended slice, which is never nil: the
// title's and the body's figures then share one allocation.
func (x *Extractor) AppendExtract(dst []events.Casualty, field events.Field, text string) []events.Casualty {
	return x.AppendExtractWords(dst, field, text, nil)
}

// AppendExtractWords is AppendExtract for a caller that has read text's
// words already with word.Tokenize: their hashes are used rather than
// computed again. The figures are the same as AppendExtract's.
func (x *Extractor) AppendExtractWords(dst []events.Casualty, field events.Field, text string, words []word.Token) []events.Casualty {
	s := x.pool.Get().(*state)
	s.reset(field, text)
	if words == nil {
		s.words = word.Tokenize(s.words[:0], text)
		words = s.words
	}
	s.toks, s.sents = x.tokenizeWords(text, s.toks, s.sents, words)
	// Only the tokens of sentences with a cue are left, all looked up but
	// the words with an apostrophe ("soldier's"), which resolve reads in
	// the few sentences that have one.
	for _, sn := range s.sents {
		if sn.pending {
			x.resolve(text, s.toks[sn.lo:sn.hi])
		}
	}
	for _, sn := range s.sents {
		s.sentence(sn)
	}
	if dst == nil {
		dst = make([]events.Casualty, 0, len(s.out))
	}
	dst = append(dst, s.out...)
	s.text = ""
	x.pool.Put(s)
	return dst
}

// qi is a quantity phrase: a hedged number and the victim noun after it, or
// a singular victim noun standing for one.
type qi struct {
	lo, hi     int // tokens, qualifier included
	count      int
	min, max   int
	qual       string
	group      string
	cat        category
	known      bool        // the victim noun is in the lexicon
	nounKind   events.Kind // the victim noun implies a kind: "bodies"
	noun       string      // that noun
	assigned   uint8       // kinds already emitted for this phrase
	subset     bool
	subsetFrom int  // first token of "including ..." when subset
	subsetTo   int  // token after the subset evidence; 0 means hi
	single     bool // a singular noun phrase, not a number
}

// state is the scratch space of one Extract call.
type state struct {
	x *Extractor
	// entries and spell are x's lexicon tables, held here: the rules read
	// them for every word they look at, and through x each read took two
	// more loads (the Extractor, then its embedded lexicon).
	entries []entry
	spell   []string
	field   events.Field
	text    string
	toks    []token
	sents   []sentence
	// words holds the text's words when the caller gives none.
	words []word.Token
	qis   []qi
	out   []events.Casualty
	// objBuf and subjBuf are the scratch lists of object and subject.
	objBuf, subjBuf []int
	// sn is the sentence being read.
	sn sentence
}

func (s *state) reset(field events.Field, text string) {
	s.field, s.text = field, text
	s.toks, s.sents, s.qis, s.out = s.toks[:0], s.sents[:0], s.qis[:0], s.out[:0]
}

func (s *state) entry(i int) *entry {
	if k := s.toks[i].lex; k >= 0 {
		return &s.entries[k]
	}
	return &noEntry
}

var noEntry entry

func (s *state) flags(i int) uint64 {
	return s.toks[i].hf
}

// word is the lexicon spelling of token i, "" for unknown words and others.
func (s *state) word(i int) string {
	if k := s.toks[i].lex; k >= 0 {
		return s.spell[k]
	}
	return ""
}

// wordIn is word(i) when i is inside the current sentence, else "".
func (s *state) wordIn(i int) string {
	if i < s.sn.lo || i >= s.sn.hi {
		return ""
	}
	return s.word(i)
}

// wordBack is word(i) when i is inside the sentence starting at lo.
func (s *state) wordBack(i, lo int) string {
	if i < lo {
		return ""
	}
	return s.word(i)
}

func (s *state) punct(i int, c byte) bool {
	return i >= s.sn.lo && i < s.sn.hi && s.toks[i].kind == tPunct && s.toks[i].punct == c
}

func (s *state) isWord(i int) bool {
	return i >= s.sn.lo && i < s.sn.hi && s.toks[i].kind == tWord
}

// glued says tokens i and i+1 touch with no space between.
func (s *state) glued(i int) bool {
	return i+1 < len(s.toks) && s.toks[i].end == s.toks[i+1].start
}

// sentence finds the figures of one sentence: first its quantity phrases,
// then the cues that bind them (verbs, tolls, nominals, negations), then
// the victim nouns that imply a kind on their own ("12 bodies").
func (s *state) sentence(sn sentence) {
	if sn.flags&cueFlags == 0 {
		return
	}
	s.sn = sn
	s.qis = s.qis[:0]
	// The two loops read the tokens through toks, which ends with the
	// sentence: through s, every token took two loads and a bounds check.
	toks := s.toks[:sn.hi]
	for i := sn.lo; i < len(toks); {
		t := &toks[i]
		// A quantity starts at a number, or at a word with a number role,
		// a determiner or a hyphen: most tokens fail that first test, one
		// mask over their flags. The second is the exact one: a
		// determiner starts a quantity only before a multiplier or
		// "dozen" ("a hundred", "a dozen"; see number), so the others, the
		// most common words of a sentence, are not tried. Only words have
		// flags (hf) or a hyphen, so a token's kind is tested after them.
		if hf := t.hf; (hf&(fNum|fVague|fDozen|fDet) != 0 || t.kind == tNum || t.hyph) &&
			(hf&(fNum|fVague|fDozen) != 0 || t.kind == tNum || hf&fDet != 0 && i+1 < len(toks) && toks[i+1].hf&(fMult|fDozen) != 0 || t.hyph && t.lex < 0 && t.kind == tWord) {
			if q, ok := s.quantity(i); ok {
				s.qis = append(s.qis, q)
				i = q.hi
				continue
			}
		}
		i++
	}
	for i := sn.lo; i < len(toks); i++ {
		f := toks[i].hf
		if f&(fNominal|fActive|fPassive|fMulti|fBody|fLife|fToll|fNeg) == 0 {
			continue // most words: one test rather than one per role
		}
		if f&fNominal != 0 && i > sn.lo && s.possessive(i-1) && s.singularAt(i-1) && !s.hypothetical(i-1, false) {
			// "woman's killing", "soldier's death": one.
			k := s.single(i-1, i-1)
			if i-2 >= sn.lo && s.flags(i-2)&fDet != 0 {
				s.qis[k].lo = i - 2
			}
			s.emit(s.entry(i).kind, &s.qis[k])
			continue
		}
		if f&(fActive|fPassive|fMulti) != 0 {
			if next, ok := s.cue(i); ok {
				i = next - 1
				continue
			}
		}
		if f&fBody != 0 {
			s.body(i)
			continue
		}
		if f&fLife != 0 {
			s.life(i)
			continue
		}
		switch {
		case f&fToll != 0:
			s.toll(i)
		case f&fNominal != 0:
			s.nominal(i)
		case f&fNeg != 0:
			s.negation(i)
		}
	}
	for k := range s.qis {
		q := &s.qis[k]
		if q.nounKind == "" || q.count == 0 {
			continue
		}
		if q.noun == "lives" {
			// "claimed 20 lives", "20 lives were lost"; not "saved 20 lives".
			if !(q.lo > sn.lo && s.flags(q.lo-1)&fClaim != 0 || q.hi < sn.hi && (s.word(q.hi) == "lost" || s.word(q.hi) == "were" && q.hi+1 < sn.hi && s.word(q.hi+1) == "lost")) {
				continue
			}
		}
		if s.hypothetical(q.lo, false) {
			continue
		}
		s.emit(q.nounKind, q)
	}
}

// quantity parses a quantity phrase whose number starts at token n.
func (s *state) quantity(n int) (qi, bool) {
	lo, hi := s.sn.lo, s.sn.hi
	t := s.toks[n]
	if t.kind != tNum && (t.kind != tWord || s.flags(n)&(fNum|fVague|fDozen|fDet) == 0 && !(t.lex < 0 && t.hyph)) {
		return qi{}, false
	}
	v, vmax, e, ok := s.number(n, hi)
	if !ok {
		return qi{}, false
	}
	if s.rejectNumber(n, e, v) {
		return qi{}, false
	}
	q := qi{lo: n, hi: e}
	q.qual, q.lo = s.qualifier(n, lo)
	if vmax > 0 && q.qual == qExact {
		q.qual = qVague
	}
	q.count, q.min, q.max = bounds(v, vmax, q.qual)

	// The victim noun: up to three modifiers, then a noun ("five more
	// Pakistani soldiers"); a thing counted ("five offices") rejects the phrase.
	head, lastUnknown, mods, thing := -1, -1, 0, false
	j := e
	for j < hi && mods < 5 && s.toks[j].kind == tWord {
		f := s.flags(j)
		en := s.entry(j)
		switch {
		case f&(fGroup|fSingular|fNounCue) != 0 && (f&fCap == 0 || s.toks[j].cap):
			head = j
		case f&fUnit != 0 && head < 0 && j == e:
			return qi{}, false
		case f&fNonPerson != 0:
			if head < 0 {
				thing = true // "five offices"; but "two party leaders"
			}
		case en.word == "reported" || en.word == "alleged" || en.word == "more":
			// "two reported militants", "two more officers"
		case f&(fBreak|fAux|fModal|fMonth|fSep|fSubset|fNeg|fToll|fActive|fPassive|fNominal|fMulti|fDet|fUnit) != 0,
			f&fQual != 0 && en.word != "more":
			j = hi // stop
			continue
		default:
			if s.toks[j].lex >= 0 {
				j = hi // a known word with no role here: "of", a number
				continue
			}
			if head >= 0 && s.flags(head)&fDemonym == 0 {
				j = hi // "1122 workers pulled bodies": a verb after the noun
				continue
			}
			if head < 0 {
				lastUnknown = j
			}
		}
		j++
		mods++
	}
	if thing && head < 0 {
		return qi{}, false
	}
	switch {
	case head >= 0:
		en := s.entry(head)
		q.hi, q.group, q.cat, q.known = head+1, en.group, en.cat, true
		if en.flags&fNounCue != 0 {
			q.nounKind, q.noun = en.kind, en.word
		}
	case lastUnknown >= 0 && lastUnknown-e < 2 && s.toks[lastUnknown].lex < 0 && !thing:
		w := s.text[s.toks[lastUnknown].start:s.toks[lastUnknown].end]
		if strings.HasSuffix(w, "s") || strings.HasSuffix(w, "S") || s.toks[lastUnknown].cap {
			q.hi, q.group, q.cat = lastUnknown+1, strings.ToLower(w), catUnknown
		}
	}
	// "five members of a family", "12 of them", "three of the soldiers".
	if (q.group == "" || q.group == "members") && q.hi+1 < hi && s.word(q.hi) == "of" {
		k := q.hi + 1
		switch s.word(k) {
		case "them", "whom", "those":
			q.hi = k + 1
		default:
			if s.flags(k)&fDet != 0 {
				k++
			}
			plain := -1
			for m := 0; m < 4 && k < hi && s.toks[k].kind == tWord; m++ {
				f := s.flags(k)
				if f&(fGroup|fSingular) != 0 {
					en := s.entry(k)
					q.hi, q.known, plain = k+1, true, -1
					if q.group == "" {
						q.group, q.cat = en.group, en.cat
					}
					break
				}
				if f&^(fMulti|fNonPerson) != 0 {
					break
				}
				plain = k
				k++
			}
			// "two members of Pakistan anti-militant group killed": the
			// phrase runs to the cue.
			if plain >= 0 && q.group == "members" && plain+1 < hi && s.flags(plain+1)&(fAux|fActive|fPassive|fMulti) != 0 {
				q.hi = plain + 1
			}
		}
	}
	return q, true
}

// rejectNumber says the number in tokens [n, e) with value v is a label, a
// date, a time, an age, money or a measure rather than a count.
func (s *state) rejectNumber(n, e int, v float64) bool {
	lo, hi := s.sn.lo, s.sn.hi
	t := s.toks[n]
	if n > lo {
		p := s.toks[n-1]
		f := s.flags(n - 1)
		if f&(fPreReject|fMonth) != 0 {
			return true
		}
		if w := s.word(n - 1); w == "no" || w == "one" && t.kind == tWord {
			return true // "no one"; "one one" is noise
		}
		if p.kind == tPunct {
			switch p.punct {
			case '$', '#':
				return true
			case '/', ':':
				if s.glued(n - 1) {
					return true
				}
			case 0: // non-ASCII symbol: currency signs
				if r := s.text[p.start:p.end]; r == "₹" || r == "£" || r == "€" || r == "¥" {
					return true
				}
			case ',', '(':
				// Ages: "Ahmed, 25, was killed", "man, 87, killed",
				// "injures woman, 82", "Ahmed (25)".
				if t.kind == tNum && n-2 >= lo && s.toks[n-2].kind == tWord && (s.toks[n-2].cap && s.flags(n-2)&fGroup == 0 || s.singularAt(n-2)) &&
					(e >= hi || s.toks[e].kind == tPunct && (s.toks[e].punct == ',' || s.toks[e].punct == ')' || s.toks[e].punct == '.')) {
					return true
				}
			}
		}
	}
	if e < hi {
		nx := s.toks[e]
		f := s.flags(e)
		if f&(fUnit|fMonth) != 0 {
			return true
		}
		if nx.kind == tPunct {
			switch nx.punct {
			case '%':
				return true
			case ':', '/':
				if s.glued(e-1) && s.glued(e) && e+1 < hi && s.toks[e+1].kind == tNum {
					return true // 10:30, 9/11
				}
			}
		}
		if w := s.word(e); (w == "a" || w == "p" || s.text[nx.start:nx.end] == "p") && s.punct(e+1, '.') {
			return true // 5 a.m.
		}
	}
	if t.kind == tNum && e == n+1 && v >= 1900 && v <= 2100 && !strings.Contains(s.text[t.start:t.end], ",") {
		if e >= hi || s.flags(e)&(fGroup|fSingular|fNounCue) == 0 {
			return true // a year
		}
	}
	return false
}

// cue handles a casualty verb or adjective at token i. It returns the index
// after the cue and whether i was a cue.
func (s *state) cue(i int) (int, bool) {
	kind, active, passive, weak, end, ok := s.cueAt(i)
	if !ok || s.flags(i)&fNominal != 0 && end < s.sn.hi && s.word(end) == "of" {
		return 0, false
	}
	if i > s.sn.lo {
		switch s.word(i - 1) {
		case "no", "not", "never":
			return end, true // "no arrested Pakistani", "did not kill"
		}
		if s.flags(i-1)&fDet != 0 && !(i-2 >= s.sn.lo && (s.word(i-2) == "among" || s.word(i-2) == "amongst")) {
			return end, true // attributive: "the killed man", "the injured"
		}
	}
	if end < s.sn.hi && s.flags(i)&fNominal != 0 && compoundHead(s.word(end)) {
		return end, true // "murder suspect", "arrest warrant": a noun compound
	}
	hypo := s.hypothetical(i, s.flags(i)&fBase != 0 && end == i+1)
	if active && s.objectStarts(end) && !(passive && s.countEndsAt(i-1) && s.flags(end)&(fGroup|fSingular) != 0 && len(s.object(end)) == 0) {
		items := s.object(end)
		for _, k := range items {
			q := &s.qis[k]
			if weak && (!q.known || q.single) {
				continue // "held a woman" is rarely an arrest
			}
			if !hypo {
				s.emit(kind, q)
			}
		}
		// "blast kills 6 in Peshawar, 3 in Mardan": the counts after the
		// object repeat the verb, as after a passive cue.
		if n := len(items); n > 0 && !hypo && s.qis[items[0]].assigned != 0 {
			s.ellipsis(kind, s.qis[items[n-1]].hi, &s.qis[items[0]])
		}
		return end, true
	}
	if !passive {
		return end, true
	}
	items, auxHypo, neg := s.subject(i)
	if neg {
		return end, true
	}
	emitted := false
	for n, k := range items {
		q := &s.qis[k]
		if weak && (q.single || !q.known && !(len(items) == 1 && q.hi == i && n == 0)) {
			continue
		}
		if q.single && kind == events.Displaced {
			continue // "the suspect fled the area" is not a displacement
		}
		if !hypo && !auxHypo {
			s.emit(kind, q)
			emitted = true
		}
	}
	if emitted {
		s.ellipsis(kind, end, &s.qis[items[0]])
	}
	// "nine people were killed, including four civilians": the part
	// follows the cue.
	if emitted {
		j := end
		if s.punct(j, ',') {
			j++
		}
		if j < s.sn.hi && s.flags(j)&fSubset != 0 && s.word(j) != "among" && s.word(j) != "amongst" {
			for _, k := range s.object(j + 1) {
				q := &s.qis[k]
				q.subset, q.subsetFrom = true, j
				s.emit(kind, q)
			}
		}
	}
	return end, true
}

// ellipsis reads the counts that repeat a passive cue by leaving it out,
// each with a place of its own: "11 soldiers killed in Karachi, 2 in
// Quetta". From the cue's end at token j, a count after a comma or "and"
// that is followed by "in" or "at" takes the same kind, and the victim group
// of the subject ant when it names none; another cue ends the clause.
func (s *state) ellipsis(kind events.Kind, j int, ant *qi) {
	group, cat := ant.group, ant.cat
	hi := s.sn.hi
	// The scan reads the tokens through toks, which ends with the
	// sentence: through s, every token took two more loads and a bounds
	// check. Its tokens are in the sentence (j >= s.sn.lo), so a comma is
	// s.punct(j, ',').
	toks := s.toks[:hi]
	for ; j < len(toks); j++ {
		t := &toks[j]
		if t.hf&(fActive|fPassive|fMulti|fModal|fToll|fNominal|fNeg) != 0 {
			return
		}
		if !(t.kind == tPunct && t.punct == ',') && t.hf&fSep == 0 {
			continue
		}
		n := j + 1
		if s.punct(j, ',') && n < hi && s.flags(n)&fSep != 0 {
			n++ // ", and 2 in Quetta"
		}
		for k := range s.qis {
			q := &s.qis[k]
			if q.lo != n || q.assigned != 0 || q.hi >= hi {
				continue
			}
			if w := s.word(q.hi); (w == "in" || w == "at") && s.placeAt(q.hi+1) {
				if q.group == "" {
					q.group, q.cat = group, cat
				}
				s.emit(kind, q)
				j = q.hi
			}
			break
		}
	}
}

// placeAt says token k can start a place name: a capitalised word that is
// not a state of the victims ("2 in hospital", "3 in custody").
func (s *state) placeAt(k int) bool {
	if !s.isWord(k) || !s.toks[k].cap {
		return false
	}
	w := s.text[s.toks[k].start:s.toks[k].end]
	for _, not := range [...]string{"hospital", "hospitals", "custody", "jail", "prison", "critical", "serious", "coma", "detention", "captivity"} {
		if strings.EqualFold(w, not) {
			return false
		}
	}
	return true
}

// cueAt recognises the cue at token i, single words and multi-word phrases.
func (s *state) cueAt(i int) (kind events.Kind, active, passive, weak bool, end int, ok bool) {
	hi := s.sn.hi
	w := s.word(i)
	if kind, active, passive, weak, end, ok = s.phraseAt(i, hi, w); ok {
		return kind, active, passive, weak, end, ok
	}
	f := s.flags(i)
	if f&(fActive|fPassive) == 0 {
		return "", false, false, false, 0, false
	}
	e := s.entry(i)
	return e.kind, f&fActive != 0, f&fPassive != 0, f&fWeak != 0, i + 1, true
}

// phraseAt reads a cue of several words at token i, whose spelling is w:
// "shot dead", "taken into custody", "lost their lives".
func (s *state) phraseAt(i, hi int, w string) (kind events.Kind, active, passive, weak bool, end int, ok bool) {
	n1, n2 := "", ""
	if i+1 < hi {
		n1 = s.word(i + 1)
	}
	if i+2 < hi {
		n2 = s.word(i + 2)
	}
	switch {
	case n1 == "dead" && (w == "shot" || w == "shoot" || w == "shoots" || w == "shooting"):
		return events.Killed, true, w == "shot", false, i + 2, true
	case n1 == "down" && (w == "gunned" || w == "gun" || w == "guns" || w == "gunning" || w == "mowed" || w == "mown"):
		return events.Killed, true, w == "gunned" || w == "mowed" || w == "mown", false, i + 2, true
	case n1 == "up" && (w == "rounded" || w == "round" || w == "rounds" || w == "rounding"):
		return events.Arrested, true, w == "rounded", false, i + 2, true
	case n1 == "up" && (w == "picked" || w == "pick" || w == "picks" || w == "picking"):
		return events.Arrested, true, w == "picked", true, i + 2, true
	case w == "taken" && n1 == "into" && n2 == "custody":
		return events.Arrested, false, true, false, i + 3, true
	case n1 == "hostage" && (w == "taken" || w == "held"):
		return events.Kidnapped, false, true, false, i + 2, true
	case n1 == "hostage" && (w == "take" || w == "takes" || w == "took" || w == "taking"):
		return events.Kidnapped, true, false, false, i + 2, true
	case (w == "take" || w == "takes" || w == "took" || w == "taking" || w == "held" || w == "hold" || w == "holds" || w == "holding") && s.hostageAfterCount(i+1):
		// "took 14 passengers hostage"
		return events.Kidnapped, true, false, false, i + 1, true
	case (w == "lost" || w == "lose" || w == "loses" || w == "losing") && (n1 == "their" || n1 == "his" || n1 == "her") && (n2 == "lives" || s.isWord(i+2) && strings.EqualFold(s.text[s.toks[i+2].start:s.toks[i+2].end], "life")):
		return events.Killed, false, true, false, i + 3, true
	case (w == "lost" || w == "lose" || w == "loses" || w == "losing") && n1 == "lives":
		// Headline English drops the pronoun: "two soldiers lose lives".
		return events.Killed, false, true, false, i + 2, true
	case (n1 == "martyrdom" || n1 == "shahadat") && (w == "embraced" || w == "embrace" || w == "embraces" || w == "attained" || w == "attain" || w == "attains"):
		return events.Killed, false, true, false, i + 2, true
	case (w == "sustained" || w == "sustain" || w == "sustains" || w == "suffered" || w == "suffer" || w == "suffers" || w == "received" || w == "receive" || w == "receives") && s.injuriesAt(i+1):
		// "four persons sustained (serious bullet) injuries"
		return events.Injured, false, true, false, s.injuriesEnd(i + 1), true
	case n1 == "to" && (w == "shifted" || w == "moved" || w == "relocated") && (n2 == "relief" || n2 == "safer" || n2 == "safe" || n2 == "temporary"):
		// "2,000 people were shifted to relief camps"
		return events.Displaced, false, true, false, i + 3, true
	case n1 == "alive" && (w == "burnt" || w == "burned" || w == "buried"):
		return events.Killed, false, true, false, i + 2, true
	case w == "forced" && n1 == "to" && (n2 == "flee" || n2 == "leave"):
		return events.Displaced, false, true, false, i + 3, true
	case s.flags(i)&fAuxVerb != 0 && n1 == "to" && s.isWord(i+2) && strings.EqualFold(s.text[s.toks[i+2].start:s.toks[i+2].end], "death"):
		return events.Killed, false, true, false, i + 3, true
	}
	return "", false, false, false, 0, false
}

// hypothetical says the cue at token i is an intent, a threat or a
// possibility: "could kill thousands", "vowed to kill", "bid to abduct".
func (s *state) hypothetical(i int, base bool) bool {
	lo := s.sn.lo
	if base && i > lo && s.word(i-1) == "to" {
		return true
	}
	for k := i - 1; k >= lo && k >= i-3; k-- {
		if s.toks[k].kind == tPunct {
			break
		}
		if s.flags(k)&fModal != 0 {
			return true
		}
	}
	return false
}

// objectStarts says a count or victim noun phrase can start at token j, so
// an ambiguous past form ("killed") is active: "killed 171 people" but
// "killed in a blast".
func (s *state) objectStarts(j int) bool {
	if j >= s.sn.hi {
		return false
	}
	for k := range s.qis {
		if s.qis[k].lo == j {
			return true
		}
	}
	t := s.toks[j]
	if t.kind != tWord {
		return false
	}
	f := s.flags(j)
	w := s.word(j)
	if w == "them" || w == "him" || w == "her" || w == "himself" || w == "themselves" || w == "herself" || w == "self" || w == "us" {
		return true
	}
	if w == "over" || w == "around" || w == "about" || w == "under" || w == "above" {
		// A hedge with no count after it is a preposition: "killed over
		// a land dispute" is passive ("killed over 20" starts a count).
		return false
	}
	return f&(fBreak|fAux|fSep|fModal|fSubset|fActive|fPassive) == 0
}

// adverbs that may stand between an active verb and its object.
func skippable(w string) bool {
	switch w {
	case "also", "reportedly", "allegedly", "apparently", "so", "far":
		return true
	}
	return false
}

// object returns the quantity phrases an active cue governs, starting at
// token j: a list ("3 soldiers and 5 militants") and its subsets
// ("including 4 civilians").
func (s *state) object(j int) []int {
	items := s.objectInto(s.objBuf[:0], j)
	if cap(items) > cap(s.objBuf) {
		s.objBuf = items
	}
	return items
}

// objectInto is object appending to items, a scratch buffer: the phrase
// lists of every cue would otherwise each be an allocation.
func (s *state) objectInto(items []int, j int) []int {
	hi := s.sn.hi
	for j < hi && skippable(s.word(j)) {
		j++
	}
	// "claimed the lives of 20 people"
	if j+2 < hi && s.word(j) == "the" && s.word(j+1) == "lives" && s.word(j+2) == "of" {
		j += 3
	}
	subset, subsetFrom := false, 0
	for j < hi {
		k, ok := s.itemAt(j)
		if !ok {
			break
		}
		if len(items) > 0 && s.subjectOfNext(s.qis[k].hi) {
			// "killed 9, including four civilians, and two dozen wounded":
			// the phrase starts a new clause.
			break
		}
		if subset {
			s.qis[k].subset, s.qis[k].subsetFrom = true, subsetFrom
		}
		items = append(items, k)
		j = s.qis[k].hi
		// Separator to the next item.
		switch {
		case j < hi && s.flags(j)&fSubset != 0:
			subset, subsetFrom = true, j
			j++
		case j+1 < hi && s.punct(j, ',') && s.flags(j+1)&fSubset != 0:
			subset, subsetFrom = true, j+1
			j += 2
			if j < hi && s.word(j) == "them" {
				j++ // "among them"
			}
		case j+1 < hi && s.punct(j, ',') && s.flags(j+1)&fSep != 0:
			j += 2
		case j < hi && (s.punct(j, ',') || s.flags(j)&fSep != 0):
			j++
		default:
			return items
		}
	}
	return items
}

// itemAt finds or makes the quantity phrase starting at token j: a counted
// phrase, or a singular victim noun phrase ("a policeman") as one.
func (s *state) itemAt(j int) (int, bool) {
	for k := range s.qis {
		if s.qis[k].lo == j {
			return k, true
		}
		if s.qis[k].lo > j {
			break
		}
	}
	// "bomber kills himself and two policemen", "kills self, 3 others": the
	// attacker is one of the dead.
	if w := s.wordIn(j); w == "himself" || w == "herself" || w == "self" {
		s.qis = append(s.qis, qi{lo: j, hi: j + 1, count: 1, min: 1, max: 1, qual: qExact, group: "attackers", cat: catMilitant, known: true, single: true})
		return len(s.qis) - 1, true
	}
	// A singular victim noun phrase: [det] [modifiers] noun.
	hi := s.sn.hi
	k, last := j, -1
	if k < hi && s.flags(k)&fDet != 0 {
		k++
	}
	for m := 0; m < 4 && k < hi && s.toks[k].kind == tWord; m++ {
		f := s.flags(k)
		if f&fSingular != 0 && (f&fCap == 0 || s.toks[k].cap) {
			last = k
		} else if last >= 0 && s.toks[k].lex < 0 && s.flags(last)&fDemonym != 0 {
			// "Pakistani bakers": the demonym modifies a noun the lexicon
			// lacks, which counts one only when singular.
			if w := s.text[s.toks[k].start:s.toks[k].end]; w[len(w)-1] == 's' || w[len(w)-1] == 'S' {
				return 0, false
			}
			last = k
		} else if f&fGroup != 0 && f&fSingular == 0 && last >= 0 {
			if s.flags(last)&fDemonym == 0 {
				return 0, false // "migrant workers" is plural
			}
			last = -1 // "Afghan Taliban official": the demonym was a modifier
		} else if f&(fBreak|fAux|fSep|fModal|fSubset|fActive|fPassive|fNum|fDet|fNominal) != 0 {
			break
		}
		k++
		if last >= 0 && (k >= hi || s.toks[k].kind != tWord || s.flags(k)&(fSingular|fGroup) == 0 && s.toks[k].lex >= 0) {
			break
		}
	}
	if last < 0 {
		return 0, false
	}
	return s.single(j, last), true
}

// single records a singular victim noun phrase [lo, head] as a count of one.
func (s *state) single(lo, head int) int {
	en := s.entry(head)
	s.qis = append(s.qis, qi{lo: lo, hi: head + 1, count: 1, min: 1, max: 1, qual: qExact, group: en.group, cat: en.cat, known: true, single: true})
	return len(s.qis) - 1
}

// subject returns the quantity phrases a passive cue at token i governs,
// read backwards over auxiliaries: "3 soldiers and 5 militants were killed".
// auxHypo reports a modal among the auxiliaries; neg a negated subject
// ("no one was hurt", handled by negation).
func (s *state) subject(i int) (items []int, auxHypo, neg bool) {
	items, auxHypo, neg = s.subjectInto(s.subjBuf[:0], i)
	if cap(items) > cap(s.subjBuf) {
		s.subjBuf = items
	}
	return items, auxHypo, neg
}

// subjectInto is subject appending to buf, a scratch buffer.
func (s *state) subjectInto(buf []int, i int) (items []int, auxHypo, neg bool) {
	items = buf
	lo := s.sn.lo
	p := i - 1
	for skipped := 0; p >= lo && skipped < 6; skipped++ {
		f := s.flags(p)
		w := s.word(p)
		switch {
		case w == "not" || w == "never":
			return nil, false, true
		case f&fModal != 0:
			auxHypo = true
			p--
		case f&fAux != 0 && w != "that":
			p--
		case f&fSep != 0 && p-1 >= lo && s.flags(p-1)&fAuxVerb != 0:
			p--
		case f&fAuxVerb != 0:
			p--
		case w == "the" && p-1 >= lo && (s.word(p-1) == "among" || s.word(p-1) == "amongst"):
			p -= 2
		default:
			skipped = 99
		}
		if skipped == 99 {
			break
		}
	}
	if p < lo {
		return nil, auxHypo, false
	}
	if w := s.word(p); w == "one" && p-1 >= lo && s.word(p-1) == "no" || w == "nobody" || w == "none" || w == "no-one" {
		return nil, auxHypo, true
	}
	// "man, 87, killed": step over an age in apposition.
	if s.punct(p, ',') && p-2 >= lo && s.toks[p-1].kind == tNum && s.punct(p-2, ',') {
		p -= 3
	}
	// "nine, mostly security personnel, were injured": step over an aside.
	if s.punct(p, ',') {
		for c := p - 2; c > lo && c >= p-7; c-- {
			if s.punct(c, ',') {
				switch s.word(c + 1) {
				case "mostly", "mainly", "largely", "most", "many", "all", "both", "some":
					p = c
				}
				break
			}
		}
	}
	// "9 people, including 4 civilians, were killed": step over the comma.
	if s.punct(p, ',') {
		p--
	}
	k, ok := s.itemEndingAt(p)
	if !ok {
		// A reduced relative clause between the victim and the cue:
		// "policeman guarding polio workers shot dead", "21 policemen
		// kidnapped by militants found shot dead".
		for m := p; m > lo && m >= p-7 && s.toks[m].kind == tWord; m-- {
			f := s.flags(m)
			if f&(fActive|fPassive) == 0 && s.hasSuffixFold(m, "ing") || f&fPassive != 0 && s.word(m+1) == "by" {
				k, ok = s.itemEndingAt(m - 1)
				break
			}
			if f&(fSep|fModal|fNum|fAux) != 0 || f&fBreak != 0 && !preposition(s.word(m)) && !s.toks[m].cap {
				break
			}
		}
		if !ok {
			return nil, auxHypo, false
		}
	}
	items = append(items, k)
	pending := 0 // items[pending:] are the list read since the last "including"
	for {
		st := s.qis[k].lo
		var prevEnd int
		switch {
		case st-2 >= lo && (s.word(st-1) == "among" || s.word(st-1) == "amongst"):
			// "key commander among three militants killed": the earlier
			// phrase is the part.
			k2, ok := s.itemEndingAt(st - 2)
			if !ok {
				return items, auxHypo, false
			}
			s.qis[k2].subset, s.qis[k2].subsetFrom, s.qis[k2].subsetTo = true, s.qis[k2].lo, st
			items = append(items, k2)
			return items, auxHypo, false
		case st-1 >= lo && s.flags(st-1)&fSubset != 0,
			st-2 >= lo && s.word(st-1) == "them" && (s.word(st-2) == "among" || s.word(st-2) == "amongst"):
			// "including a woman and her son", "among them three women":
			// every phrase of the list after the marker is a part.
			marker := st - 1
			if s.word(st-1) == "them" {
				marker = st - 2
			}
			for _, m := range items[pending:] {
				s.qis[m].subset, s.qis[m].subsetFrom = true, marker
			}
			prevEnd = marker - 1
			if s.punct(prevEnd, ',') {
				prevEnd--
			}
			if k2, ok := s.itemEndingAt(prevEnd); !ok || s.qis[k2].assigned != 0 {
				// A part of something not counted ("12 animals, including
				// two rhinos"): drop it.
				return items[:pending], auxHypo, false
			}
			pending = len(items)
		case st-2 >= lo && s.flags(st-1)&fSep != 0 && s.punct(st-2, ','):
			prevEnd = st - 3
		case st-1 >= lo && (s.flags(st-1)&fSep != 0 || s.punct(st-1, ',')):
			prevEnd = st - 2
		default:
			return items, auxHypo, false
		}
		if prevEnd < lo {
			return items, auxHypo, false
		}
		k, ok = s.itemEndingAt(prevEnd)
		if !ok || s.qis[k].assigned != 0 {
			// A phrase an earlier cue took ends the list: "nine killed,
			// including four civilians, and two dozen wounded".
			return items, auxHypo, false
		}
		items = append(items, k)
	}
}

// itemEndingAt finds or makes the quantity phrase ending at token p.
func (s *state) itemEndingAt(p int) (int, bool) {
	for k := range s.qis {
		if s.qis[k].hi-1 == p {
			return k, true
		}
	}
	lo := s.sn.lo
	if p < lo || s.toks[p].kind != tWord {
		return 0, false
	}
	head := -1
	if s.singularAt(p) {
		head = p
	} else {
		// "member of an anti-Taliban militia": a singular head before "of".
		for k := p; k >= lo && k >= p-5 && s.toks[k].kind == tWord; k-- {
			if s.word(k) == "of" {
				if k-1 >= lo && s.singularAt(k-1) {
					head = k - 1
				}
				break
			}
			if s.flags(k)&(fBreak|fAux|fSep|fActive|fPassive|fNum|fModal|fSubset|fVague) != 0 {
				break
			}
		}
	}
	if head < 0 {
		return 0, false
	}
	// The phrase starts at its determiner or first modifier.
	st := head
	for m := 0; m < 3 && st-1 >= lo && s.toks[st-1].kind == tWord; m++ {
		f := s.flags(st - 1)
		if f&fDet != 0 {
			st--
			break
		}
		if f&(fBreak|fAux|fSep|fModal|fSubset|fActive|fPassive|fNum|fVague|fQual|fNeg|fNominal|fMulti) != 0 {
			break
		}
		st--
	}
	if st-1 >= lo && (s.toks[st-1].kind == tNum || s.word(st-1) == "no") || s.flags(st)&fEach != 0 || st-1 >= lo && s.flags(st-1)&fEach != 0 {
		return 0, false // "each person killed" is not a count
	}
	for k := range s.qis { // inside a counted phrase: not a singular
		if s.qis[k].lo <= head && head < s.qis[k].hi {
			return 0, false
		}
	}
	k := s.single(st, head)
	s.qis[k].hi = p + 1
	return k, true
}

// toll reads "death toll rises to 171", "toll of 20".
func (s *state) toll(i int) {
	lo, hi := s.sn.lo, s.sn.hi
	kind, from := events.Killed, i+1
	if s.word(i) == "number" {
		// "the number of dead rose to 30", "number of displaced is 2,000"
		if i+2 >= hi || s.word(i+1) != "of" {
			return
		}
		e := s.entry(i + 2)
		if e.kind == "" || e.flags&(fPassive|fNounCue) == 0 {
			return
		}
		kind, from = e.kind, i+3
	} else {
		if i > lo {
			switch s.word(i - 1) {
			case "injury", "injuries", "injured":
				return
			}
		}
		if !s.tollContext(i) {
			return
		}
	}
	best := -1
	for j := from; j < hi && j <= from+7; j++ {
		if s.flags(j)&fModal != 0 || s.toks[j].kind == tPunct && s.toks[j].punct != ',' {
			break
		}
		for k := range s.qis {
			if s.qis[k].lo == j {
				if best < 0 || s.word(j-1) == "to" || s.word(j-1) == "at" {
					best = k
				}
			}
		}
		if best >= 0 && (s.word(j-1) == "to" || s.word(j-1) == "at") {
			break
		}
	}
	if best >= 0 {
		s.emit(kind, &s.qis[best])
	}
}

// body reads a single body found: "policeman's body found", "the body of
// a kidnapped engineer was recovered", "police found the bullet-riddled body
// of a man". A body is one death once it is found; "the governing body
// found that" is not a discovery, so the verb must end the clause or lead
// to a place or a manner ("found in", "recovered from", "found dumped").
func (s *state) body(i int) {
	lo, hi := s.sn.lo, s.sn.hi
	if i > lo {
		switch s.word(i - 1) {
		case "no", "every", "each", "any":
			return // "no body was found" is a negation
		}
		if s.toks[i-1].kind == tNum || s.flags(i-1)&fNonPerson != 0 || s.flags(i-1)&fNum != 0 && s.word(i-1) != "one" {
			return
		}
	}
	found := false
	// "found the (bullet-riddled) body", "recovered a body".
	for k := i - 1; k >= lo && k >= i-4 && !found; k-- {
		if s.toks[k].kind != tWord {
			break
		}
		found = s.flags(k)&fFound != 0
	}
	// "body (of a policeman) (was) found (in)".
	for k := i + 1; k < hi && k <= i+10 && !found; k++ {
		if s.toks[k].kind == tPunct && s.toks[k].punct != '\'' && s.toks[k].punct != '"' {
			break
		}
		if s.flags(k)&fFound != 0 {
			n := k + 1
			if n >= hi || s.toks[n].kind == tPunct || preposition(s.word(n)) {
				found = true
				break
			}
			switch s.word(n) {
			case "dumped", "lying", "hanging", "floating", "buried", "yesterday", "today", "overnight", "later", "after", "near", "inside", "outside":
				found = true
			}
			break
		}
	}
	if !found || s.hypothetical(i, false) {
		return
	}
	st := i
	if i > lo && (s.flags(i-1)&fDet != 0 || s.word(i-1) == "one" || s.possessive(i-1)) {
		st = i - 1
	}
	s.emit(events.Killed, &s.qis[s.single(st, i)])
}

// life reads one life claimed: "violence claims another life", "the blast
// claimed the life of a policeman" (the victim counts), "cost a life". The
// claim verb must come first: "the life of a farmer" is no death.
func (s *state) life(i int) {
	lo, hi := s.sn.lo, s.sn.hi
	k := i - 1
	if k >= lo {
		switch s.word(k) {
		case "a", "another", "the":
			k--
		case "more":
			if k-1 >= lo && s.word(k-1) == "one" {
				k -= 2
			}
		}
	}
	of := i+1 < hi && s.word(i+1) == "of"
	if k < lo || k == i-1 && !of || s.flags(k)&fClaim == 0 || s.hypothetical(k, s.word(k) == "claim" || s.word(k) == "take") {
		return // "claimed life" alone is too bare to read
	}
	if of {
		if q, ok := s.itemAt(i + 2); ok {
			s.emit(events.Killed, &s.qis[q])
		}
		return
	}
	s.emit(events.Killed, &s.qis[s.single(k+1, i)])
}

// nominal reads "the killing of 5 soldiers", "deaths of 3 children",
// "arrest of 20 suspects", "the lives of 20 people".
func (s *state) nominal(i int) {
	hi := s.sn.hi
	if i+1 >= hi || s.word(i+1) != "of" {
		return
	}
	e := s.entry(i)
	if e.word == "lives" {
		ok := false
		for k := i - 1; k >= s.sn.lo && k >= i-2; k-- {
			if s.flags(k)&fClaim != 0 {
				ok = true
			}
		}
		if !ok {
			return
		}
	}
	if s.hypothetical(i, false) {
		return
	}
	k, ok := s.itemAt(i + 2)
	if !ok {
		return
	}
	// itemAt accepts only a count or a victim noun: "the killing of a
	// soldier" is one, "the killing of the project" nothing.
	s.emit(e.kind, &s.qis[k])
}

// negation reads "no one was hurt", "nobody was killed", "no casualties",
// "no soldiers were injured": a zero figure.
func (s *state) negation(i int) {
	hi := s.sn.hi
	w := s.word(i)
	j := i + 1
	group := ""
	switch {
	case w == "no" && j < hi && (s.word(j) == "one" || s.isWord(j) && strings.EqualFold(s.text[s.toks[j].start:s.toks[j].end], "body")):
		j++
	case w == "no" && j < hi && s.flags(j)&(fGroup|fSingular|fNounCue) != 0:
		en := s.entry(j)
		if en.flags&fNounCue != 0 || en.word == "casualties" {
			s.zero(en.kind, "")
			if en.word == "casualties" {
				s.zero(events.Killed, "")
				s.zero(events.Injured, "")
			}
			return
		}
		group = en.group
		j++
	case w == "no" && j+2 < hi && s.word(j) == "loss" && s.word(j+1) == "of" && strings.EqualFold(s.text[s.toks[j+2].start:s.toks[j+2].end], "life"):
		s.zero(events.Killed, "")
		return
	case w == "nobody" || w == "no-one" || w == "none" && !(j < hi && s.word(j) == "of"):
	default:
		return
	}
	for skipped := 0; j < hi && skipped < 5 && s.flags(j)&(fAux|fAuxVerb) != 0 && s.flags(j)&fPassive == 0; skipped++ {
		j++
	}
	if j >= hi {
		return
	}
	kind, _, passive, _, _, ok := s.cueAt(j)
	if ok && passive {
		s.zero(kind, group)
	}
}

// zero records a negated figure, "no one was hurt": a count of zero.
func (s *state) zero(kind events.Kind, group string) {
	if kind == "" {
		return
	}
	st, en := s.evidence(false, 0, 0)
	s.out = append(s.out, events.Casualty{
		Kind: kind, Qualifier: qExact, Group: group,
		Evidence:     events.Span{Field: s.field, Start: st, End: en},
		EvidenceText: s.text[st:en],
	})
}

// evidence is the byte span of the current sentence, or of an "including
// ..." phrase for a subset figure so that it nests inside its parent's.
func (s *state) evidence(subset bool, from, to int) (int, int) {
	if subset {
		return int(s.toks[from].start), int(s.toks[to-1].end)
	}
	return int(s.toks[s.sn.lo].start), int(s.toks[s.sn.hi-1].end)
}

// kindMask is the bit of a kind in a set of kinds, 0 for an unknown kind.
func kindMask(k events.Kind) uint8 {
	switch k {
	case events.Killed:
		return 1
	case events.Injured:
		return 2
	case events.Arrested:
		return 4
	case events.Kidnapped:
		return 8
	case events.Missing:
		return 16
	case events.Displaced:
		return 32
	}
	return 0
}

func (s *state) emit(kind events.Kind, q *qi) {
	b := kindMask(kind)
	if b == 0 || q.assigned&b != 0 {
		return
	}
	q.assigned |= b
	to := q.hi
	if q.subsetTo > 0 {
		to = q.subsetTo
	}
	st, en := s.evidence(q.subset, q.subsetFrom, to)
	s.out = append(s.out, events.Casualty{
		Kind: kind, Count: q.count, Min: q.min, Max: q.max, Qualifier: q.qual, Group: q.group,
		Evidence:     events.Span{Field: s.field, Start: st, End: en},
		EvidenceText: s.text[st:en],
	})
}

// singularAt says token k is a singular victim noun.
func (s *state) singularAt(k int) bool {
	f := s.flags(k)
	return f&fSingular != 0 && (f&fCap == 0 || s.toks[k].cap)
}

// hasSuffixFold reports whether token k ends with the lower-case suffix.
func (s *state) hasSuffixFold(k int, suffix string) bool {
	t := s.toks[k]
	w := s.text[t.start:t.end]
	return len(w) > len(suffix)+2 && strings.EqualFold(w[len(w)-len(suffix):], suffix)
}

// possessive says word token k ends in "'s" or "’s".
func (s *state) possessive(k int) bool {
	if k < s.sn.lo || s.toks[k].kind != tWord {
		return false
	}
	t := s.toks[k]
	w := s.text[t.start:t.end]
	return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "'S") || strings.HasSuffix(w, "’S")
}

func preposition(w string) bool {
	switch w {
	case "in", "on", "at", "near", "of", "for", "with", "by", "from", "into", "along", "across":
		return true
	}
	return false
}

// subjectOfNext says a passive cue follows token j, after auxiliaries: the
// phrase ending before j is the subject of a new clause.
func (s *state) subjectOfNext(j int) bool {
	for n := 0; j < s.sn.hi && n < 4 && s.flags(j)&fAux != 0 && s.flags(j)&fPassive == 0; n++ {
		j++
	}
	if j >= s.sn.hi {
		return false
	}
	_, _, passive, _, _, ok := s.cueAt(j)
	return ok && passive
}

// hyphenated says word token i has a hyphen inside: "twenty-two".
func (s *state) hyphenated(i int) bool {
	return s.toks[i].hyph
}

// compoundHead lists nouns that make a preceding cue noun a modifier:
// "murder suspect", "arrest warrant", "killing spree".
func compoundHead(w string) bool {
	switch w {
	case "suspect", "suspects", "accused", "case", "cases", "charge", "charges", "trial", "probe", "inquiry",
		"warrant", "warrants", "spree", "plot", "bid", "attempt", "conviction", "victim", "victims", "investigation", "mystery":
		return true
	}
	return false
}

// tollContext says "toll" at token i is a death toll, not a road charge:
// "death toll", "road toll", or a toll that rises, stands or is reported.
func (s *state) tollContext(i int) bool {
	if s.word(i) != "toll" {
		return false // "tolls" are charges
	}
	if i > s.sn.lo {
		switch w := strings.ToLower(s.text[s.toks[i-1].start:s.toks[i-1].end]); w {
		case "death", "casualty", "body", "human", "road", "fatality", "dead":
			return true
		}
	}
	if i+1 >= s.sn.hi {
		return false
	}
	switch w := strings.ToLower(s.text[s.toks[i+1].start:s.toks[i+1].end]); w {
	case "rises", "rose", "risen", "rising", "climbs", "climbed", "climbing", "reached", "reaches", "hit", "hits",
		"jumped", "jumps", "mounted", "mounts", "stands", "stood", "is", "was", "has", "had", "now", "of", "at", "to",
		"in", "from", "increased", "soared", "touched", "crossed", "went", "goes",
		"tops", "topped", "passes", "passed", "nears", "neared", "surpasses", "surpassed", "exceeds", "exceeded",
		"soars", "surges", "surged", "swells", "swelled", "increases", "touches", "crosses", "reach", "rise", "climb":
		return true
	}
	return false
}

// injuriesAt says "injuries" or "wounds" follows token j within two
// modifiers: "sustained serious bullet injuries".
func (s *state) injuriesAt(j int) bool {
	return s.injuriesEnd(j) > 0
}

// injuriesEnd is the index after "injuries" starting the search at j, or 0.
func (s *state) injuriesEnd(j int) int {
	for k := j; k < s.sn.hi && k <= j+2 && s.toks[k].kind == tWord; k++ {
		if w := s.word(k); w == "injuries" || w == "wounds" {
			return k + 1
		}
		if s.flags(k)&(fBreak|fSep|fNum|fDet) != 0 {
			return 0
		}
	}
	return 0
}

// countEndsAt says a counted phrase (not a singular noun) ends at token p:
// "20 injured persons" reads the participle as an attribute of the count.
func (s *state) countEndsAt(p int) bool {
	for k := range s.qis {
		if s.qis[k].hi-1 == p && !s.qis[k].single {
			return true
		}
	}
	return false
}

// hostageAfterCount says a counted phrase starts at token j and "hostage"
// follows it.
func (s *state) hostageAfterCount(j int) bool {
	for k := range s.qis {
		if q := s.qis[k]; q.lo == j && q.hi < s.sn.hi {
			w := s.word(q.hi)
			return w == "hostage" || w == "hostages"
		}
	}
	return false
}
