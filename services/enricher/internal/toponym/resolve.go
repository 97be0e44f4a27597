package toponym

import (
	"math"
	"slices"
	"strings"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

// context is what the rest of the article says about where it is: weights
// in [0, 1] per country and per first-level division. Small slices, reused
// across calls, because an article names a handful of each.
type context struct {
	country []float64 // by country id; reset through touched
	touched []uint16
	admin1  []weight
	keys    []keyWeight
	// near lists, for the ambiguous names, each candidate's first- and
	// second-level division with the name's key, sorted: the places the
	// article's other names could be near.
	near  []nearKey
	nearB []float64 // per candidate of a nearable mention, from mention.nearOff-1
}

// nearKey packs a division (admin2 hash, or admin1 entry index tagged by
// nearADM1, folded to 32 bits) over a name key (folded to 32 bits), so the
// list sorts as plain integers. A fold collision costs one wrong bonus.
type nearKey = uint64

const nearADM1 = 1 << 31

func packNear(div, key uint64) nearKey { return fold32(div)<<32 | fold32(key) }

func fold32(h uint64) uint64 { return (h ^ h>>32) & 0xFFFFFFFF }

// keyWeight is what one name, however often repeated, adds to the context.
type keyWeight struct {
	key   uint64
	entry int32 // the place the first round chose
	w     float64
}

func (c *context) keyIndex(key uint64) int {
	for i := range c.keys {
		if c.keys[i].key == key {
			return i
		}
	}
	return -1
}

// own is what mention key added for its own place: no evidence for itself.
func (c *context) own(key uint64) float64 {
	if i := c.keyIndex(key); i >= 0 {
		return c.keys[i].w
	}
	return 0.4
}

type weight struct {
	key int32 // entry index of the division
	w   float64
}

func (c *context) reset(n int) {
	if len(c.country) < n {
		c.country = make([]float64, n)
	}
	for _, i := range c.touched {
		c.country[i] = 0
	}
	c.touched = c.touched[:0]
	c.admin1 = c.admin1[:0]
}

func (c *context) addCountry(id uint16, w float64) {
	if id == 0 {
		return
	}
	if c.country[id] == 0 {
		c.touched = append(c.touched, id)
	}
	c.country[id] += w // raw sums: clamped where used, after a mention's own share is taken out
}

func (c *context) setCountry(id uint16, w float64) {
	if id == 0 {
		return
	}
	if c.country[id] == 0 {
		c.touched = append(c.touched, id)
	}
	c.country[id] = math.Max(c.country[id], w)
}

func (c *context) admin(key int32) float64 {
	for _, a := range c.admin1 {
		if a.key == key {
			return a.w
		}
	}
	return 0
}

func (c *context) addAdmin(key int32, w float64) {
	if key < 0 {
		return
	}
	for i := range c.admin1 {
		if c.admin1[i].key == key {
			c.admin1[i].w += w
			return
		}
	}
	c.admin1 = append(c.admin1, weight{key, w})
}

// entryInfo is what scoring needs of an entry, precomputed by New.
type entryInfo struct {
	prior   float64
	admin2  uint64 // hash of country, admin1 and admin2 codes; 0 for none
	pop     uint32 // the largest is 1.4 billion; 32 bits keep the struct at 32 bytes
	admin1  int32  // entry index of the first-level division; -1 for none
	country uint16 // id into Extractor.countryIDs order; 0 for none
	kind    kind
	strong  bool // a country, first-level division, continent or curated region
	town    bool // a populated place (feature class P)
	area    bool // a region, line, valley or other named area (curated)
	cont    bool // a continent
	sa      bool // in South Asia
}

// kind is the administrative level of an entry, for containment tests.
type kind uint8

const (
	kindOther kind = iota
	kindCountry
	kindADM1
	kindADM2
)

func (e *Extractor) buildInfo() {
	e.countryID = map[string]uint16{}
	e.info = make([]entryInfo, e.g.Len())
	// Country ids by the code's two letters: an array index instead of a
	// map lookup for each of the 150,000 places, and for each article's
	// hint (countryOf).
	byCode := &e.byCode
	for i := range e.g.Len() {
		ent := e.g.Entry(i)
		fcode, country := ent.FeatureCode(), ent.Country()
		inf := entryInfo{prior: priorOf(ent, fcode), admin1: -1, pop: uint32(min(max(ent.Population(), 0), math.MaxUint32)), sa: inSouthAsia(country)}
		switch fcode {
		case "PCLI", "ADM1", "CONT", "RGN", "LCTY":
			inf.strong = true
		}
		switch fc := fcode; {
		case fc == "CONT":
			inf.cont = true
		case fc == "PCLI":
		case strings.HasPrefix(fc, "P"):
			inf.town = true
		case fc != "ADM1" && fc != "ADM2":
			inf.area = true
		}
		switch fcode {
		case "PCLI":
			inf.kind = kindCountry
		case "ADM1":
			inf.kind = kindADM1
		case "ADM2":
			inf.kind = kindADM2
		}
		if a2 := ent.Admin2Code(); a2 != "" {
			inf.admin2 = hashParts(country, ent.Admin1Code(), a2)
		}
		if country != "" {
			k := -1
			if len(country) == 2 && country[0]-'A' < 26 && country[1]-'A' < 26 {
				k = int(country[0]-'A')*26 + int(country[1]-'A')
			}
			var id uint16
			if k >= 0 {
				id = byCode[k]
			}
			if id == 0 {
				var ok bool
				if id, ok = e.countryID[country]; !ok {
					id = uint16(len(e.countryID) + 1)
					e.countryID[country] = id
				}
				if k >= 0 {
					byCode[k] = id
				}
			}
			inf.country = id
			if fcode != "PCLI" {
				if j, ok := ent.Admin1(); ok {
					inf.admin1 = int32(j)
				}
			}
		}
		e.info[i] = inf
	}
}

// countryOf is countryID[cc], read from byCode when cc is two capitals.
func (e *Extractor) countryOf(cc string) uint16 {
	if len(cc) == 2 && cc[0]-'A' < 26 && cc[1]-'A' < 26 {
		return e.byCode[int(cc[0]-'A')*26+int(cc[1]-'A')]
	}
	return e.countryID[cc]
}

// priorOf is a candidate's score before context: how often a mention of this
// name means this kind of place. Countries and continents beat towns named
// after them; among towns, bigger is likelier; administrative seats are
// likelier than their population alone says.
func priorOf(ent gazetteer.Entry, fcode string) float64 {
	lp := math.Log10(float64(ent.Population()) + 1)
	switch fcode {
	case "PCLI":
		return 12
	case "CONT":
		return 11
	case "RGN", "LCTY", "VAL", "MTS", "PASS", "GLCR", "STM", "PLAT":
		return 9
	case "ADM1":
		return 6 + 0.5*lp
	case "ADM2":
		return 3 + 0.45*lp
	case "PPLC":
		// A capital is what its bare name means, over a same-named state
		// ("Washington") and over towns named after it.
		return 7 + 0.5*lp
	case "PPLA":
		return 2 + 0.8*lp
	case "PPLA2":
		return 1 + 0.8*lp
	}
	if ent.GeonameID() == 0 { // curated towns: notable enough to be curated
		return 2 + 0.8*math.Max(lp, 5)
	}
	return 0.8 * lp
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// localSupport is the weight of a state, from the article's other names,
// that makes a town of it a rival to a same-named country the article names
// nowhere else; foreignCountryPenalty is what the country then loses.
const (
	localSupport          = 0.35
	foreignCountryPenalty = 3
)

// smallSupport is the weight of its province that the rest of the article
// must give a small place: the province named, or two other places in it.
const smallSupport = 0.35

// resolve picks a place for every kept mention, in two rounds: the first
// uses only what is certain (country names, demonyms, the hint), the second
// adds the countries and divisions the first round chose.
func (e *Extractor) resolve(ms []mention, hint string, ctx *context) {
	ctx.reset(len(e.countryID) + 1)
	if hint != "" {
		ctx.setCountry(e.countryOf(hint), 0.5)
	}
	for i := range ms {
		m := &ms[i]
		if m.dropped {
			continue
		}
		var id uint16
		for _, c := range m.cands {
			inf := &e.info[c.entry]
			if inf.kind != kindCountry || (id != 0 && id != inf.country) {
				id = 0
				break
			}
			id = inf.country
		}
		if id != 0 { // most names are no country: no call
			ctx.setCountry(id, 1)
		}
	}
	// "tribal areas", "the Afghan border": descriptions that name a place
	// only in a story about its country (named, or the feed's own).
	for i := range ms {
		m := &ms[i]
		if m.dropped {
			continue
		}
		need := false
		for _, c := range m.cands {
			if c.flags&candNeedCtx != 0 && ctx.country[e.info[c.entry].country] < 0.5 {
				need = true
				break
			}
		}
		if !need {
			continue
		}
		kept := make([]cand, 0, len(m.cands))
		for _, c := range m.cands {
			if c.flags&candNeedCtx == 0 || ctx.country[e.info[c.entry].country] >= 0.5 {
				kept = append(kept, c)
			}
		}
		m.cands = kept
		if len(kept) == 0 {
			m.dropped = true
		}
	}
	e.buildNear(ms, ctx)
	e.score(ms, ctx, false)

	e.addChoices(ms, ctx)
	e.score(ms, ctx, true)
	oneSensePerDiscourse(ms)
	// A small place counts only when the article is about its province:
	// "Chiefland" in a story about Florida, not "Chamber" in one about Ohio.
	for i := range ms {
		m := &ms[i]
		if m.dropped || !m.small || m.support || m.best < 0 {
			continue
		}
		if ctx.admin(e.info[m.best].admin1)-ctx.own(m.key) < smallSupport {
			m.dropped = true
		}
	}
}

// oneSensePerDiscourse gives every mention of a name the place its most
// confident mention chose: "Paris, Texas" early on settles a later "Paris".
func oneSensePerDiscourse(ms []mention) {
	// The lead of each name, found in one pass: names are few. Only a name
	// with a mention of several places has anything to settle, so only such
	// names are led: most have one place, and an article often none.
	type lead struct {
		key uint64
		i   int // -1 until a mention is seen
	}
	var buf [32]lead
	leads := buf[:0]
names:
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 || len(m.cands) < 2 {
			continue
		}
		for j := range leads {
			if leads[j].key == m.key {
				continue names
			}
		}
		leads = append(leads, lead{m.key, -1})
	}
	if len(leads) == 0 {
		return
	}
	for i := range ms {
		o := &ms[i]
		if o.dropped || o.best < 0 {
			continue
		}
		for j := range leads {
			if leads[j].key == o.key {
				if leads[j].i < 0 {
					leads[j].i = i
				} else if l := &ms[leads[j].i]; o.score-o.second > l.score-l.second {
					leads[j].i = i
				}
				break
			}
		}
	}
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 || len(m.cands) < 2 {
			continue // a name with one place has nothing to settle
		}
		var l *mention
		for _, ld := range leads {
			if ld.key == m.key {
				l = &ms[ld.i]
				break
			}
		}
		if l == nil || l == m || l.best == m.best || !(l.score-l.second > m.score-m.second) {
			continue
		}
		for _, c := range m.cands {
			if c.entry == l.best {
				m.best = l.best
				m.second = m.score - (l.score - l.second)
				break
			}
		}
	}
}

func (e *Extractor) score(ms []mention, ctx *context, second bool) {
	for i := range ms {
		m := &ms[i]
		if m.dropped {
			continue
		}
		if len(m.cands) == 1 {
			// Nothing to choose: the margin over the missing runner-up is
			// the fixed one below, whatever the score.
			m.best, m.score, m.second = m.cands[0].entry, 0, -6
			continue
		}
		var own *entryInfo
		ownADM1 := false
		ownW := 0.0
		if second && m.best >= 0 {
			own = &e.info[m.best]
			ownW = ctx.own(m.key)
			ownADM1 = own.kind == kindADM1
		}
		// "Jordan" in a Minnesota paper that names Shakopee: a country the
		// article says nothing else about yields to a town of the state it
		// is about.
		localRival := false
		if second && len(m.cands) > 1 {
			for _, c := range m.cands {
				inf := &e.info[c.entry]
				if inf.kind == kindCountry || inf.admin1 < 0 {
					continue
				}
				aw := ctx.admin(inf.admin1)
				if own != nil && own.admin1 == inf.admin1 {
					aw -= ownW
				}
				if aw >= localSupport {
					localRival = true
					break
				}
			}
		}
		// "City, Region" needs a name right before or after this one.
		adjacent := i+1 < len(ms) && ms[i+1].field == m.field && ms[i+1].tokA == m.tokB && !ms[i+1].dropped ||
			i > 0 && ms[i-1].field == m.field && ms[i-1].tokB == m.tokA && !ms[i-1].dropped
		best, runnerUp := math.Inf(-1), math.Inf(-1)
		bestEntry := int32(-1)
		for ci, c := range m.cands {
			inf := &e.info[c.entry]
			s := inf.prior
			if c.flags&candAlt != 0 {
				s-- // another language's name, or a variant spelling
			}
			cw := ctx.country[inf.country]
			if own != nil && own.country == inf.country {
				cw -= ownW // a mention is no evidence for itself
			}
			s += 6 * clamp01(cw)
			if localRival && inf.kind == kindCountry && cw <= 0 {
				s -= foreignCountryPenalty
			}
			if inf.kind == kindADM1 {
				// Towns and counties of a state speak for the state:
				// "Georgia" in a story about Clarke and Oconee counties.
				aw := ctx.admin(c.entry)
				switch {
				case own != nil && ownADM1 && m.best == c.entry:
					aw -= 1
				case own != nil && own.admin1 == c.entry:
					aw -= ownW // "Tbilisi" the city is no evidence for Tbilisi the region
				}
				s += 3 * clamp01(aw)
			} else if inf.admin1 >= 0 {
				aw := ctx.admin(inf.admin1)
				if own != nil && !ownADM1 && own.admin1 == inf.admin1 {
					aw -= ownW
				}
				s += 5 * clamp01(aw)
			}
			if adjacent {
				s += e.patternBonus(ms, i, c)
			}
			if m.nearOff > 0 {
				s += ctx.nearB[int(m.nearOff)-1+ci]
			}
			switch m.typeWord {
			case typeDistrict:
				if inf.kind == kindADM2 {
					s += 3
				}
			case typeProvince:
				if inf.kind == kindADM1 {
					s += 3
				}
			case typeCity:
				if inf.town {
					s += 2
				}
			}
			// A district shares its name with its seat; unless the text says
			// "district", the town is meant.
			if inf.kind == kindADM2 && m.typeWord != typeDistrict {
				s -= 1.5
			}
			if s > best {
				if bestEntry != c.entry {
					runnerUp = best
				}
				best, bestEntry = s, c.entry
			} else if s > runnerUp && c.entry != bestEntry {
				runnerUp = s
			}
		}
		if math.IsInf(runnerUp, -1) {
			runnerUp = best - 6
		}
		m.best, m.score, m.second = bestEntry, best, runnerUp
	}
}

// patternBonus rewards "City, Region" in both directions: the city whose
// region follows it, and the region that follows a city inside it.
func (e *Extractor) patternBonus(ms []mention, i int, c cand) float64 {
	m := &ms[i]
	bonus := 0.0
	if i+1 < len(ms) {
		n := &ms[i+1]
		if n.field == m.field && n.tokA == m.tokB && !n.dropped {
			for _, r := range n.cands {
				if e.contains(r, c) {
					bonus = 6
					break
				}
			}
		}
	}
	if i > 0 {
		p := &ms[i-1]
		if p.field == m.field && p.tokB == m.tokA && !p.dropped {
			for _, in := range p.cands {
				if e.contains(c, in) {
					bonus += 3
					break
				}
			}
		}
	}
	return bonus
}

// zone is a byte range of a field: [lo, hi).
type zone struct{ lo, hi int }

// mergeZones sorts zs by start and merges the ranges that overlap or touch,
// in place: a range overlaps the result where it overlapped some of zs.
func mergeZones(zs []zone) []zone {
	for i := 1; i < len(zs); i++ {
		for j := i; j > 0 && zs[j].lo < zs[j-1].lo; j-- {
			zs[j], zs[j-1] = zs[j-1], zs[j]
		}
	}
	out := zs[:0]
	for _, z := range zs {
		if n := len(out); n > 0 && z.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, z.hi)
			continue
		}
		out = append(out, z)
	}
	return out
}

// zoneWalk tells, for the byte ranges of a field's mentions in reading
// order, whether each overlaps one of zs, which mergeZones made.
type zoneWalk struct {
	zs []zone
	k  int // the first range that may still reach a mention
}

// overlaps reports whether [start, end) overlaps a range; start and end
// must not decrease from one call to the next. Ranges that end before a
// mention starts end before every later one too, and are passed for good.
func (w *zoneWalk) overlaps(start, end int) bool {
	for w.k < len(w.zs) && w.zs[w.k].hi <= start {
		w.k++
	}
	return w.k < len(w.zs) && w.zs[w.k].lo < end
}

// A place inside the focus replaces it when its own weight is at least
// descendMin and descendShare of the focus's own weight.
const (
	descendMin   = 0.5
	descendShare = 0.2
)

// focus picks where the event happened: the most specific place that the
// article dwells on, near the casualty evidence, in the title or dateline,
// after "in"/"near"; not a country that only speaks ("Pakistan says"), not
// a demonym ("Indian artillery"). It returns the place's gazetteer entry,
// or -1 when no mention has one.
func (e *Extractor) focus(ms []mention, anchors []events.Span, bodyField events.Field, hint string) int32 {
	type agg struct {
		entry int32
		score float64
		first int
	}
	cands := make([]agg, 0, 16)
	hintID := e.countryOf(hint)
	// The anchors by field, as the byte ranges a mention must overlap to be
	// near one, sorted and merged: the mentions come in reading order, so
	// that one pointer a field walks the ranges, where each mention was
	// compared with every anchor (and its field, a string, every time).
	var nearBuf [2][16]zone
	var near [2]zoneWalk
	near[0].zs, near[1].zs = nearBuf[0][:0], nearBuf[1][:0]
	for k := range anchors {
		a := &anchors[k]
		z := zone{a.Start - 150, a.End + 150}
		if a.Field == events.FieldTitle {
			near[0].zs = append(near[0].zs, z)
		}
		if a.Field == bodyField {
			near[1].zs = append(near[1].zs, z)
		}
	}
	near[0].zs, near[1].zs = mergeZones(near[0].zs), mergeZones(near[1].zs)
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 || m.unknown {
			continue
		}
		w := 1.0
		if m.field == 0 {
			w += 1.5
		}
		if m.dateline {
			w += 1.5
		}
		// "in Pakistan's Quetta", "in Pakistan Kashmir": the country only
		// qualifies the place after it, which inherits the "in".
		qualifier := i+1 < len(ms) && ms[i+1].field == m.field && !ms[i+1].dropped && ms[i+1].best >= 0 &&
			ms[i+1].start-m.end <= 3 && e.info[m.best].kind == kindCountry && e.info[ms[i+1].best].kind != kindCountry
		if m.locative || (i > 0 && ms[i-1].locative && ms[i-1].field == m.field && m.start-ms[i-1].end <= 3 &&
			!ms[i-1].dropped && ms[i-1].best >= 0 && e.info[ms[i-1].best].kind == kindCountry) {
			w += 1
		}
		if qualifier {
			w *= 0.3
		}
		if near[m.field].overlaps(m.start, m.end) {
			w += 2
		}
		if m.demonym {
			w *= 0.3
		}
		if m.speech {
			w *= 0.3
		}
		if m.agent {
			w *= 0.3
		}
		// A feed mostly reports its own country: "US drone strike kills 6
		// in Pakistan" on a Pakistani feed happened in Pakistan.
		if hintID != 0 && e.info[m.best].country == hintID {
			w *= 1.3
		}
		w *= m.recog
		j := -1
		for k := range cands {
			if cands[k].entry == m.best {
				j = k
				break
			}
		}
		if j < 0 {
			j = len(cands)
			cands = append(cands, agg{entry: m.best, first: i})
		}
		cands[j].score += w
	}
	if len(cands) == 0 {
		return -1
	}
	// A place inherits part of the weight of the places that contain it:
	// "Miran Shah" in an article about North Waziristan and Pakistan.
	best, bestScore := -1, 0.0
	var totalBuf [32]float64
	total := totalBuf[:0]
	if len(cands) > len(totalBuf) {
		total = make([]float64, 0, len(cands))
	}
	total = total[:len(cands)]
	// Only countries and divisions contain places: list them once, with
	// their facts at hand for the test of every pair.
	type outerPlace struct {
		entry int32
		score float64
		inf   *entryInfo
	}
	var outerBuf [16]outerPlace
	outer := outerBuf[:0]
	for _, c := range cands {
		if inf := &e.info[c.entry]; inf.kind == kindCountry || inf.kind == kindADM1 || inf.kind == kindADM2 {
			outer = append(outer, outerPlace{c.entry, c.score, inf})
		}
	}
	for i, c := range cands {
		inf := &e.info[c.entry]
		s := c.score
		for k := range outer {
			if o := &outer[k]; o.entry != c.entry && containsInfo(o.inf, o.entry, inf, c.entry) {
				s += 0.5 * o.score
			}
		}
		// The more specific, the likelier the scene of the event.
		switch {
		case inf.kind == kindCountry:
		case inf.cont:
			s -= 1
		case inf.kind == kindADM1:
			s += 0.3
		case inf.kind == kindADM2, inf.area:
			s += 0.6
		default:
			s += 0.9
		}
		total[i] = s
		if best < 0 || s > bestScore || s == bestScore && c.first < cands[best].first {
			best, bestScore = i, s
		}
	}
	// Several headlines on one event, or a story that names the country
	// often and the town once: the most specific place consistent with the
	// winner is the scene, if the text gives it real weight ("Pakistan" six
	// times, "the southwestern city of Quetta" once).
	for {
		next := -1
		for i, c := range cands {
			if c.score < descendMin || c.score < descendShare*cands[best].score ||
				!e.containsEntry(cands[best].entry, c.entry) {
				continue
			}
			if next < 0 || total[i] > total[next] || total[i] == total[next] && c.first < cands[next].first {
				next = i
			}
		}
		if next < 0 {
			break
		}
		best = next
	}
	return cands[best].entry
}

// maxNearCands bounds the names that take part in mutual placement: a name
// with more places than this ("Springfield") says little and costs much.
const maxNearCands = 40

func nearable(m *mention) bool {
	return !m.dropped && len(m.cands) > 1 && len(m.cands) <= maxNearCands && !m.country
}

// buildNear collects the divisions of every candidate of the ambiguous
// names. Two ambiguous names that have places in one county or state
// ("Huntsville" and "Walker County", both in Texas) most likely mean those.
func (e *Extractor) buildNear(ms []mention, ctx *context) {
	ctx.near = ctx.near[:0]
	ctx.nearB = ctx.nearB[:0]
	// Only two different ambiguous names can place each other, and only a
	// name whose places lie in different divisions needs placing.
	var firstKey uint64
	n, open := 0, false
	for i := range ms {
		m := &ms[i]
		if !nearable(m) {
			continue
		}
		if n == 0 || n == 1 && m.key != firstKey {
			firstKey = m.key
			n++
		}
		if !open && !e.oneDivision(m.cands) {
			open = true
		}
		if n == 2 && open {
			break
		}
	}
	if n < 2 || !open {
		return
	}
	for i := range ms {
		m := &ms[i]
		if !nearable(m) || sameCandsBefore(ms, i) >= 0 {
			continue // a repeated name adds nothing to the list
		}
		for _, c := range m.cands {
			inf := &e.info[c.entry]
			if inf.kind == kindCountry || inf.kind == kindADM1 || inf.admin1 < 0 {
				continue
			}
			ctx.near = append(ctx.near, packNear(uint64(inf.admin1)|nearADM1, m.key))
			if inf.admin2 != 0 {
				ctx.near = append(ctx.near, packNear(inf.admin2&^nearADM1, m.key))
			}
		}
	}
	slices.Sort(ctx.near)
	ctx.near = slices.Compact(ctx.near)
	// The bonus does not change between rounds: compute it once.
	for i := range ms {
		m := &ms[i]
		if !nearable(m) || e.oneDivision(m.cands) {
			continue // the bonus would not tell its places apart
		}
		if j := sameCandsBefore(ms, i); j >= 0 {
			m.nearOff = ms[j].nearOff
			continue
		}
		m.nearOff = int32(len(ctx.nearB)) + 1
		for _, c := range m.cands {
			ctx.nearB = append(ctx.nearB, e.nearBonus(ctx, m.key, &e.info[c.entry]))
		}
	}
}

// sameCandsBefore returns an earlier nearable mention of the same name with
// the same candidates, or -1: its places and their bonuses are the same.
func sameCandsBefore(ms []mention, i int) int {
	m := &ms[i]
	for j := i - 1; j >= 0; j-- {
		o := &ms[j]
		if o.key == m.key && len(o.cands) == len(m.cands) && nearable(o) && &o.cands[0] == &m.cands[0] {
			return j
		}
	}
	return -1
}

// nearBonus rewards a candidate for the other ambiguous names with a place
// in its county (2 each) or state (1 each), up to 4.
func (e *Extractor) nearBonus(ctx *context, key uint64, inf *entryInfo) float64 {
	if inf.kind == kindCountry || inf.kind == kindADM1 || inf.admin1 < 0 {
		return 0
	}
	b := float64(countOthers(ctx.near, uint64(inf.admin1)|nearADM1, key))
	if inf.admin2 != 0 {
		b += 2 * float64(countOthers(ctx.near, inf.admin2&^nearADM1, key))
	}
	return math.Min(b, 4)
}

// countOthers counts the keys other than key listed under div.
func countOthers(near []nearKey, div, key uint64) int {
	d, k := fold32(div), fold32(key)
	i, _ := slices.BinarySearch(near, d<<32)
	n := 0
	for ; i < len(near) && near[i]>>32 == d; i++ {
		if near[i]&0xFFFFFFFF != k {
			n++
		}
	}
	return n
}

// addChoices adds what the chosen places say to the context. Each name
// speaks once, a little louder when repeated: four mentions of "Palestine"
// must not outvote "Texas" and the Texas counties about which of two
// Palestines they are.
func (e *Extractor) addChoices(ms []mention, ctx *context) {
	ctx.keys = ctx.keys[:0]
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 {
			continue
		}
		k := ctx.keyIndex(m.key)
		if k < 0 {
			ctx.keys = append(ctx.keys, keyWeight{key: m.key, entry: m.best, w: 0.4})
			continue
		}
		ctx.keys[k].w = math.Min(ctx.keys[k].w+0.2, 0.8)
	}
	for _, kw := range ctx.keys {
		inf := &e.info[kw.entry]
		ctx.addCountry(inf.country, kw.w)
		if inf.kind == kindADM1 {
			ctx.addAdmin(kw.entry, 1)
		} else {
			ctx.addAdmin(inf.admin1, kw.w)
		}
	}
}

// oneDivision reports candidates that all lie in one county of one state.
func (e *Extractor) oneDivision(cs []cand) bool {
	a := &e.info[cs[0].entry]
	for _, c := range cs[1:] {
		if b := &e.info[c.entry]; b.admin1 != a.admin1 || b.admin2 != a.admin2 {
			return false
		}
	}
	return true
}
