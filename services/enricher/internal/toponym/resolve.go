package toponym

import (
	"math"
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
	c.country[id] = math.Min(1, c.country[id]+w)
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
			c.admin1[i].w = math.Min(1, c.admin1[i].w+w)
			return
		}
	}
	c.admin1 = append(c.admin1, weight{key, math.Min(1, w)})
}

// entryInfo is what scoring needs of an entry, precomputed by New.
type entryInfo struct {
	prior   float64
	country uint16 // id into Extractor.countryIDs order; 0 for none
	kind    kind
	admin1  int32  // entry index of the first-level division; -1 for none
	admin2  uint64 // hash of country, admin1 and admin2 codes; 0 for none
	strong  bool   // a country, first-level division, continent or curated region
	town    bool   // a populated place (feature class P)
	area    bool   // a region, line, valley or other named area (curated)
	cont    bool   // a continent
	sa      bool   // in South Asia
	pop     int64
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
	e.info = make([]entryInfo, len(e.g.Entries))
	for i := range e.g.Entries {
		ent := &e.g.Entries[i]
		inf := entryInfo{prior: e.priorOf(ent), admin1: -1, pop: ent.Population, sa: southAsia[ent.Country]}
		switch ent.FeatureCode {
		case "PCLI", "ADM1", "CONT", "RGN", "LCTY":
			inf.strong = true
		}
		switch fc := ent.FeatureCode; {
		case fc == "CONT":
			inf.cont = true
		case fc == "PCLI":
		case strings.HasPrefix(fc, "P"):
			inf.town = true
		case fc != "ADM1" && fc != "ADM2":
			inf.area = true
		}
		switch ent.FeatureCode {
		case "PCLI":
			inf.kind = kindCountry
		case "ADM1":
			inf.kind = kindADM1
		case "ADM2":
			inf.kind = kindADM2
		}
		if ent.Admin2Code != "" {
			inf.admin2 = hashString(ent.Country + "." + ent.Admin1Code + "." + ent.Admin2Code)
		}
		if ent.Country != "" {
			id, ok := e.countryID[ent.Country]
			if !ok {
				id = uint16(len(e.countryID) + 1)
				e.countryID[ent.Country] = id
			}
			inf.country = id
			if ent.Admin1Code != "" && ent.FeatureCode != "PCLI" {
				if j, ok := e.g.Admin1(ent.Country, ent.Admin1Code); ok {
					inf.admin1 = int32(j)
				}
			}
		}
		e.info[i] = inf
	}
}

// priorOf is a candidate's score before context: how often a mention of this
// name means this kind of place. Countries and continents beat towns named
// after them; among towns, bigger is likelier; administrative seats are
// likelier than their population alone says.
func (e *Extractor) priorOf(ent *gazetteer.Entry) float64 {
	lp := math.Log10(float64(ent.Population) + 1)
	switch ent.FeatureCode {
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
	if ent.GeonameID == 0 { // curated towns: notable enough to be curated
		return 2 + 0.8*math.Max(lp, 5)
	}
	return 0.8 * lp
}

// resolve picks a place for every kept mention, in two rounds: the first
// uses only what is certain (country names, demonyms, the hint), the second
// adds the countries and divisions the first round chose.
func (e *Extractor) resolve(ms []mention, hint string, ctx *context) {
	ctx.reset(len(e.countryID) + 1)
	if hint != "" {
		ctx.setCountry(e.countryID[hint], 0.5)
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
		ctx.setCountry(id, 1)
	}
	e.score(ms, ctx, false)

	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 {
			continue
		}
		inf := &e.info[m.best]
		ctx.addCountry(inf.country, 0.4)
		if inf.kind == kindADM1 {
			ctx.addAdmin(m.best, 1)
		} else {
			ctx.addAdmin(inf.admin1, 0.4)
		}
	}
	e.score(ms, ctx, true)
	oneSensePerDiscourse(ms)
	// A small place counts only when the article is about its province:
	// "Chiefland" in a story about Florida, not "Chamber" in one about Ohio.
	for i := range ms {
		m := &ms[i]
		if m.dropped || !m.small || m.support || m.best < 0 {
			continue
		}
		if ctx.admin(e.info[m.best].admin1)-0.4 < 0.5 {
			m.dropped = true
		}
	}
}

// oneSensePerDiscourse gives every mention of a name the place its most
// confident mention chose: "Paris, Texas" early on settles a later "Paris".
func oneSensePerDiscourse(ms []mention) {
	for i := range ms {
		m := &ms[i]
		if m.dropped || m.best < 0 {
			continue
		}
		lead := m
		for j := range ms {
			o := &ms[j]
			if o.key == m.key && !o.dropped && o.best >= 0 && o.score-o.second > lead.score-lead.second {
				lead = o
			}
		}
		if lead == m || lead.best == m.best {
			continue
		}
		for _, c := range m.cands {
			if c.entry == lead.best {
				m.best = lead.best
				m.second = m.score - (lead.score - lead.second)
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
		var own *entryInfo
		ownADM1 := false
		if second && m.best >= 0 {
			own = &e.info[m.best]
			ownADM1 = own.kind == kindADM1
		}
		best, runnerUp := math.Inf(-1), math.Inf(-1)
		bestEntry := int32(-1)
		for _, c := range m.cands {
			inf := &e.info[c.entry]
			s := inf.prior
			if c.flags&candAlt != 0 {
				s-- // another language's name, or a variant spelling
			}
			cw := ctx.country[inf.country]
			if own != nil && own.country == inf.country {
				cw -= 0.4 // a mention is no evidence for itself
			}
			s += 6 * math.Max(cw, 0)
			if inf.kind == kindADM1 {
				// Towns and counties of a state speak for the state:
				// "Georgia" in a story about Clarke and Oconee counties.
				aw := ctx.admin(c.entry)
				switch {
				case own != nil && ownADM1 && m.best == c.entry:
					aw -= 1
				case own != nil && own.admin1 == c.entry:
					aw -= 0.4 // "Tbilisi" the city is no evidence for Tbilisi the region
				}
				s += 3 * math.Max(aw, 0)
			} else if inf.admin1 >= 0 {
				aw := ctx.admin(inf.admin1)
				if own != nil && !ownADM1 && own.admin1 == inf.admin1 {
					aw -= 0.4
				}
				s += 5 * math.Max(aw, 0)
			}
			s += e.patternBonus(ms, i, c)
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

// focus picks where the event happened: the most specific place that the
// article dwells on, near the casualty evidence, in the title or dateline,
// after "in"/"near"; not a country that only speaks ("Pakistan says"), not
// a demonym ("Indian artillery").
func (e *Extractor) focus(ms []mention, anchors []events.Span, bodyField events.Field, hint string) *events.Place {
	type agg struct {
		entry int32
		score float64
		first int
	}
	cands := make([]agg, 0, 16)
	hintID := e.countryID[hint]
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
		field := events.FieldTitle
		if m.field == 1 {
			field = bodyField
		}
		for _, a := range anchors {
			if a.Field == field && m.start < a.End+150 && m.end > a.Start-150 {
				w += 2
				break
			}
		}
		if m.demonym {
			w *= 0.3
		}
		if m.speech {
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
		return nil
	}
	// A place inherits part of the weight of the places that contain it:
	// "Miran Shah" in an article about North Waziristan and Pakistan.
	best, bestScore := -1, 0.0
	for i, c := range cands {
		inf := &e.info[c.entry]
		s := c.score
		for _, o := range cands {
			if o.entry != c.entry && e.contains(cand{entry: o.entry}, cand{entry: c.entry}) {
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
		if best < 0 || s > bestScore || s == bestScore && c.first < cands[best].first {
			best, bestScore = i, s
		}
	}
	p := e.g.Entries[cands[best].entry].Place
	return &p
}
