package casualty

import (
	"strings"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/enricher/internal/word"
)

// maxWord is the longest word the lexicon holds; longer words are unknown.
const maxWord = 24

// Word roles. A word may have several ("killed" is both an active and a
// passive cue; "one" is a number; "no" is a negator and an abbreviation).
const (
	fNum       uint64 = 1 << iota // cardinal word: one .. ninety
	fMult                         // hundred, thousand, million, lakh, crore
	fDozen                        // dozen
	fVague                        // dozens, hundreds, scores, thousands
	fActive                       // transitive verb form: takes an object count
	fPassive                      // participle, adjective or intransitive: takes a subject count
	fBase                         // base form: "to kill" is an intent, not a fact
	fWeak                         // "held": needs a known victim noun
	fNounCue                      // a victim noun that implies its kind: deaths, bodies, hostages
	fNominal                      // "killing of", "deaths of", "arrest of"
	fGroup                        // plural or mass victim noun
	fSingular                     // singular victim noun: counts as one
	fAux                          // may stand between a subject count and a passive cue
	fModal                        // marks a hypothetical: could, would, threaten
	fNeg                          // no, nobody, none
	fSubset                       // including, among
	fToll                         // toll
	fUnit                         // a unit after a number: years, km, pm, rupees
	fNonPerson                    // a thing counted: offices, houses, vehicles
	fMonth                        // a month name: a number beside it is a date
	fPreReject                    // before a number, makes it a label: aged, no., section, rs
	fDet                          // a, an, the, his
	fBreak                        // ends a noun phrase: prepositions, pronouns, reporting verbs
	fQual                         // part of a qualifier: at least, more than, up to
	fAbbrev                       // a word whose trailing period does not end a sentence
	fMulti                        // first word of a multi-word cue: shot dead, rounded up
	fAuxVerb                      // a manner participle: "shot and killed", "stabbed to death"
	fSep                          // and, &: joins listed counts
	fClaim                        // claimed, took, cost: "claimed 20 lives"
	fCap                          // a victim noun only when capitalised: Major
	fDemonym                      // Pakistani, Kashmiri: also a modifier of a later noun
	fEach                         // each, every, any: "each person killed" is not a count
	fBody                         // body: one death once found
	fFound                        // found, recovered: the discovery of a body
	fLife                         // life: one death once claimed
	// fSelect marks a cue word that makes its sentence worth reading on its
	// own. The other cue words only head a phrase ("taken" in "taken
	// hostage", "moved" in "moved to relief camps", "no" in "no one was
	// hurt") whose other words are cues themselves or fPartner words: a
	// sentence with neither is skipped before its words are looked up.
	fSelect
	fPartner // the second word of a multi-word cue that is no cue alone: hostage, up
)

// category is the kind of victim group, used to reconcile figures across
// sentences: counts of the same category repeat, different categories add.
type category uint8

const (
	catGeneric  category = iota // people, persons, victims, or no noun
	catSecurity                 // soldiers, police
	catMilitant                 // militants, attackers, suspects
	catCivilian                 // civilians, children, villagers
	catOthers                   // "others": a distinct group by definition
	catUnknown                  // a noun outside the lexicon ("Kashmiris")
)

// entry is what the lexicon knows about one lower-case word.
type entry struct {
	word  string
	flags uint64
	// kind is the casualty kind of a cue.
	kind events.Kind
	// num is a number word's value or a multiplier.
	num float64
	// group is the canonical victim group of a victim noun.
	group string
	cat   category
}

// lexicon is the immutable word table an Extractor reads.
type lexicon struct {
	index map[string]int32
	lex   []entry
	// spell[i] is lex[i].word: the rules compare spellings often, and a
	// dense table of string headers stays in cache where entries do not.
	spell  []string
	groups map[string]category
	tab    []slot
	mask   uint64
	// bloom is a two-probe filter over the word hashes: most words of a
	// text are not in the lexicon and stop here, in 1 KB that stays in L1.
	bloom [128]uint64
	// cueBloom holds only the words that make a sentence worth reading
	// (cueFlags): the words of other sentences are never looked up.
	cueBloom [128]uint64
	// selBloom holds the words that may keep a sentence (see flush): the
	// ones with fSelect or fPartner.
	selBloom [128]uint64
	// abbrevLen is the length of the longest fAbbrev word: a longer word
	// before a full stop needs no lookup to know that it is none.
	abbrevLen int
}

// cueFlags are the roles that make a sentence worth reading.
const cueFlags = fActive | fPassive | fMulti | fToll | fNominal | fNeg | fNounCue | fBody | fLife

func (l *lexicon) add(word string, flags uint64, set func(*entry)) {
	i, ok := l.index[word]
	if !ok {
		i = int32(len(l.lex))
		l.lex = append(l.lex, entry{word: word})
		l.index[word] = i
	}
	e := &l.lex[i]
	e.flags |= flags
	if set != nil {
		set(e)
	}
}

func (l *lexicon) words(list string, flags uint64) {
	for _, w := range strings.Fields(list) {
		l.add(w, flags, nil)
	}
}

func (l *lexicon) cue(k events.Kind, flags uint64, list string) {
	for _, w := range strings.Fields(list) {
		l.add(w, flags, func(e *entry) { e.kind = k })
	}
}

// victims adds victim nouns as "singular:plural" pairs (or a lone plural).
func (l *lexicon) victims(c category, list string) {
	for _, pair := range strings.Fields(list) {
		sg, pl, ok := strings.Cut(pair, ":")
		if !ok {
			pl, sg = sg, ""
		}
		group := pl
		if _, ok := l.groups[group]; !ok {
			l.groups[group] = c
		}
		l.add(pl, fGroup, func(e *entry) { e.group, e.cat = group, c })
		if sg != "" {
			l.add(sg, fSingular, func(e *entry) { e.group, e.cat = group, c })
		}
	}
}

func newLexicon() *lexicon {
	l := &lexicon{index: make(map[string]int32, 1024), groups: make(map[string]category, 256)}

	for i, w := range strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen") {
		n := float64(i)
		l.add(w, fNum, func(e *entry) { e.num = n })
	}
	for i, w := range strings.Fields("twenty thirty forty fifty sixty seventy eighty ninety") {
		n := float64(20 + 10*i)
		l.add(w, fNum, func(e *entry) { e.num = n })
	}
	l.add("forty", fNum, func(e *entry) { e.num = 40 })
	mults := map[string]float64{"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "lakh": 1e5, "lac": 1e5, "crore": 1e7, "lakhs": 1e5, "crores": 1e7, "mn": 1e6}
	for w, n := range mults {
		l.add(w, fMult, func(e *entry) { e.num = n })
	}
	l.add("dozen", fDozen, func(e *entry) { e.num = 12 })
	// Vague quantities: the value is the lower bound of the range.
	vague := map[string]float64{"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6, "tens": 20}
	for w, n := range vague {
		l.add(w, fVague, func(e *entry) { e.num = n })
	}
	l.add("lakhs", fVague, nil)
	l.add("crores", fVague, nil)

	// Cues. fActive takes an object count after it, fPassive a subject
	// count before it.
	l.cue(events.Killed, fActive|fBase, "kill murder slay massacre behead execute lynch assassinate")
	l.cue(events.Killed, fActive, "kills murders slays slew massacres beheads executes lynches assassinates killing murdering massacring beheading executing lynching martyring")
	l.cue(events.Killed, fActive|fPassive, "killed murdered massacred beheaded executed lynched martyred assassinated")
	l.cue(events.Killed, fPassive, "dead slain died dies perished drowned succumbed electrocuted charred")
	l.cue(events.Killed, fPassive|fBase, "die perish drown")
	l.cue(events.Killed, fPassive, "drowns")
	l.words("buried", fMulti)
	l.words("alive", 0)
	l.cue(events.Killed, fNominal, "killing killings death deaths murder murders massacre execution executions assassination lives bodies")
	// South Asian security-force usage: "three terrorists were neutralised".
	// ("eliminating 40 positions" is not: they need a known victim noun.)
	l.cue(events.Killed, fActive|fBase|fWeak, "neutralise neutralize eliminate")
	l.cue(events.Killed, fActive|fWeak, "neutralises neutralizes neutralising neutralizing eliminates eliminating")
	l.cue(events.Killed, fActive|fPassive|fWeak, "neutralised neutralized eliminated")
	l.cue(events.Killed, fNounCue, "death deaths fatality fatalities bodies corpses lives")
	l.cue(events.Injured, fActive|fBase, "injure wound maim hurt")
	l.cue(events.Injured, fActive, "injures injuring wounds wounding maims maiming hurts hurting")
	l.cue(events.Injured, fActive|fPassive, "injured wounded maimed hurt")
	l.cue(events.Injured, fPassive, "hospitalised hospitalized")
	l.cue(events.Injured, fNounCue, "injuries")
	l.cue(events.Arrested, fActive|fBase, "arrest detain nab apprehend")
	l.cue(events.Arrested, fActive, "arrests arresting detains detaining nabs nabbing apprehends apprehending")
	l.cue(events.Arrested, fActive|fPassive, "arrested detained nabbed apprehended")
	// "captured four medals", "held talks": only with a known victim noun.
	l.cue(events.Arrested, fActive|fBase|fWeak, "capture")
	l.cue(events.Arrested, fActive|fWeak, "captures capturing")
	l.cue(events.Arrested, fActive|fPassive|fWeak, "captured")
	l.cue(events.Arrested, fActive|fPassive|fWeak, "held")
	l.cue(events.Arrested, fNominal, "arrest arrests detention")
	l.cue(events.Arrested, fNounCue, "arrests")
	l.cue(events.Kidnapped, fActive|fBase, "kidnap abduct")
	l.cue(events.Kidnapped, fActive, "kidnaps kidnapping abducts abducting")
	l.cue(events.Kidnapped, fActive|fPassive, "kidnapped kidnaped abducted")
	l.cue(events.Kidnapped, fNominal, "kidnapping abduction")
	l.cue(events.Kidnapped, fNounCue, "hostages")
	l.cue(events.Missing, fPassive, "missing unaccounted")
	l.cue(events.Displaced, fActive|fBase, "displace evacuate uproot")
	l.cue(events.Displaced, fActive, "displaces displacing evacuates evacuating")
	l.cue(events.Displaced, fActive|fPassive, "displaced evacuated uprooted relocated")
	l.cue(events.Displaced, fPassive, "homeless fled")
	l.cue(events.Displaced, fNominal, "displacement evacuation")

	// First words of multi-word cues; see multiCue.
	l.words("embraced embrace embraces attained attain attains sustained sustain sustains suffered suffer suffers received receive receives", fMulti)
	l.words("martyrdom", 0)
	l.words("shot shoot shoots shooting gunned gun guns gunning mowed mown rounded round rounds rounding picked pick picks picking taken take took held lost lose loses losing forced beaten stabbed hacked burnt burned crushed tortured stoned trampled bludgeoned", fMulti)
	l.words("shot stabbed hacked beaten burnt burned crushed tortured stoned trampled bludgeoned", fAuxVerb)

	l.victims(catGeneric, "person:people persons individual:individuals victim:victims member:members casualties")
	l.victims(catOthers, "others")
	l.victims(catSecurity, `soldier:soldiers troops trooper:troopers jawan:jawans policeman:policemen police cop:cops
		constable:constables officer:officers personnel paramilitary:paramilitaries ranger:rangers guard:guards
		sepoy:sepoys commando:commandos sailor:sailors airman:airmen pilot:pilots colonel:colonels
		lieutenant:lieutenants sergeant:sergeants inspector:inspectors subedar:subedars havildar:havildars
		militiaman:militiamen levies khassadar:khassadars policewoman:policewomen security-man:security-men
		serviceman:servicemen peacekeeper:peacekeepers forces`)
	l.add("major", fSingular|fCap, func(e *entry) { e.group, e.cat = "soldiers", catSecurity })
	l.add("captain", fSingular|fCap, func(e *entry) { e.group, e.cat = "soldiers", catSecurity })
	l.victims(catMilitant, `militant:militants terrorist:terrorists insurgent:insurgents rebel:rebels fighter:fighters
		gunman:gunmen attacker:attackers bomber:bombers assailant:assailants extremist:extremists jihadist:jihadists
		taliban infiltrator:infiltrators intruder:intruders miscreant:miscreants dacoit:dacoits bandit:bandits
		criminal:criminals robber:robbers suspect:suspects maoist:maoists naxal:naxals naxalite:naxalites
		separatist:separatists commander:commanders kidnapper:kidnappers smuggler:smugglers accused`)
	l.victims(catCivilian, `civilian:civilians villager:villagers resident:residents man:men woman:women
		child:children boy:boys girl:girls kid:kids student:students teacher:teachers worker:workers
		labourer:labourers laborer:laborers farmer:farmers passenger:passengers pilgrim:pilgrims
		worshipper:worshippers worshiper:worshipers devotee:devotees shopkeeper:shopkeepers trader:traders
		journalist:journalists reporter:reporters doctor:doctors nurse:nurses lawyer:lawyers judge:judges
		teenager:teenagers teen:teens youth:youths youngster:youngsters infant:infants baby:babies
		tribesman:tribesmen elder:elders cleric:clerics activist:activists politician:politicians
		leader:leaders lawmaker:lawmakers legislator:legislators official:officials employee:employees
		engineer:engineers tourist:tourists foreigner:foreigners national:nationals brother:brothers
		son:sons daughter:daughters father:fathers mother:mothers wife:wives husband:husbands
		relative:relatives guest:guests bystander:bystanders pedestrian:pedestrians driver:drivers
		fisherman:fishermen minor:minors schoolboy:schoolboys schoolgirl:schoolgirls pupil:pupils
		customer:customers voter:voters supporter:supporters mourner:mourners protester:protesters
		protestor:protestors demonstrator:demonstrators muslim:muslims hindu:hindus sikh:sikhs
		christian:christians shia:shias shiite:shiites sunni:sunnis ahmadi:ahmadis hazara:hazaras
		migrant:migrants refugee:refugees family:families household:households couple:couples
		professor:professors principal:principals priest:priests imam:imams scholar:scholars
		businessman:businessmen contractor:contractors vendor:vendors hawker:hawkers porter:porters
		miner:miners surgeon:surgeons paramedic:paramedics volunteer:volunteers aid-worker:aid-workers
		councillor:councillors councilor:councilors minister:ministers mayor:mayors candidate:candidates
		watchman:watchmen occupant:occupants inmate:inmates prisoner:prisoners
		sibling:siblings cousin:cousins nephew:nephews uncle:uncles grandson:grandsons granddaughter:granddaughters
		schoolteacher:schoolteachers vaccinator:vaccinators singer:singers poet:poets artist:artists
		headmaster:headmasters spokesman:spokesmen bodyguard:bodyguards photographer:photographers
		cameraman:cameramen blogger:bloggers writer:writers banker:bankers jeweller:jewellers physician:physicians
		medic:medics pharmacist:pharmacists cook:cooks servant:servants maid:maids mason:masons tailor:tailors
		barber:barbers butcher:butchers cleaner:cleaners sweeper:sweepers clerk:clerks accountant:accountants
		administrator:administrators secretary:secretaries commissioner:commissioners magistrate:magistrates
		tehsildar:tehsildars nazim:nazims mpa:mpas mna:mnas mla:mlas mp:mps senator:senators governor:governors
		chairman:chairmen kin mufti:muftis maulana:maulanas pastor:pastors nun:nuns monk:monks shepherd:shepherds
		herdsman:herdsmen woodcutter:woodcutters landlord:landlords passerby:passersby passer-by:passers-by
		motorcyclist:motorcyclists cyclist:cyclists commuter:commuters trekker:trekkers climber:climbers
		mountaineer:mountaineers player:players cricketer:cricketers informer:informers informant:informants
		spy:spies chief:chiefs headman:headmen polio-worker:polio-workers`)
	l.victims(catSecurity, "spo:spos sho:shos dsp:dsps asi:asis si:sis hawaldar:hawaldars")
	// Demonyms of the region and its visitors, as victim nouns: "fire kills
	// Pakistani", "five Kashmiris".
	l.victims(catUnknown, `pakistani:pakistanis indian:indians afghan:afghans kashmiri:kashmiris bangladeshi:bangladeshis
		nepali:nepalis nepalese lankan:lankans sri-lankan:sri-lankans baloch pashtun:pashtuns pakhtun:pakhtuns
		sindhi:sindhis punjabi:punjabis mohajir:mohajirs muhajir:muhajirs bengali:bengalis tamil:tamils
		chinese american:americans briton:britons iranian:iranians uzbek:uzbeks arab:arabs tajik:tajiks
		frenchman:frenchmen german:germans japanese`)
	for w, i := range l.index {
		if l.lex[i].cat == catUnknown && l.lex[i].flags&(fGroup|fSingular) != 0 {
			l.lex[i].flags |= fDemonym
		}
		_ = w
	}
	l.words("each every any", fEach)
	l.words("body", fBody)
	l.words("life", fLife)
	l.words("another self", 0)
	l.words("found recovered retrieved discovered fished", fFound)
	// "gundown" is a common headline spelling of "gun down".
	l.cue(events.Killed, fActive, "gundown gundowns")
	l.words("shahadat dumped lying hanging floating", 0)
	l.add("kin", fSingular, nil)

	l.words("was were is are be been being have has had got get gets reportedly reported allegedly also all both so far now still feared believed confirmed said officially later immediately subsequently who that remain remains remained went go goes left lay lie found critically seriously severely badly grievously fatally mortally slightly mildly mostly brutally initially just again apparently possibly probably perhaps likely to rendered made ever since yet each either being already", fAux)
	l.words("could would might may will shall should can must threaten threatens threatened threatening vow vows vowed vowing plan plans planned planning plot plots plotted plotting try tries tried trying attempt attempts attempted attempting bid want wants wanted intend intends intended aim aims aimed seek seeks sought if unless whether expected warn warns warned deny denies denied denying", fModal)
	l.words("no nobody none no-one", fNeg)
	l.words("including incl included among amongst", fSubset)
	l.words("toll tolls number", fToll)
	l.words("shifted moved hold holds holding", fMulti)
	l.words("relief safer safe temporary", 0)
	l.words(`year years yr yrs month months day days hour hours hr hrs minute minutes min mins second seconds week weeks
		decade decades century centuries km kms kilometre kilometres kilometer kilometers mile miles metre metres meter meters
		feet foot ft inch inches kg kgs kilogram kilograms gram grams tonne tonnes ton tons litre litres liter liters
		percent per pc pm am gmt ist pst utc o'clock rupee rupees rs dollar dollars usd pkr inr taka euro euros pound pounds
		acre acres hectare hectares vote votes seat seats run runs wicket wickets overs goal goals point points times
		storey storeys floor floors degree degrees celsius mm cm sq square megawatt megawatts mw gb mb bn cusecs`, fUnit)
	l.words(`office offices house houses home homes building buildings shop shops vehicle vehicles car cars truck trucks
		bus buses school schools village villages district districts province provinces state states country countries
		city cities town towns camp camps post posts checkpost checkposts check-posts bomb bombs shell shells rocket
		rockets missile missiles mortar mortars grenade grenades bullet bullets weapon weapons gun guns rifle rifles
		animal animals cattle cow cows goat goats sheep buffalo buffaloes bird birds dog dogs horse horses camel camels
		tree trees case cases incident incidents attack attacks blast blasts explosion explosions strike strikes
		airstrikes raid raids operation operations encounter encounters clash clashes hideout hideouts side sides team
		teams party parties group groups organisation organisations organization organizations company companies
		bank banks account accounts page pages item items thing things way ways kind kinds type types step steps
		piece pieces meeting meetings talks session sessions event events site sites place places area areas zone
		zones sector sectors bunker bunkers mosque mosques temple temples church churches hospital hospitals hotel
		hotels bridge bridges road roads train trains plane planes aircraft helicopter helicopters drone drones boat
		boats ship ships tank tanks convoy convoys tanker tankers container containers barrel barrels unit units
		shelter shelters hut huts tent tents dwelling dwellings property properties acre locality localities
		suspects' agency agencies department departments division divisions battalion battalions regiment regiments
		platoon platoons brigade brigades rhino rhinos elephant elephants tiger tigers leopard leopards deer
		livestock poultry chickens crops`, fNonPerson)
	l.words("january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec", fMonth)
	l.words(`rs aged age ages no nos number numbers section sections article articles flight route gate room ward page
		chapter phase grade class level block highway nh sr serial rank ranked ranking code model vol volume tk inr pkr
		usd lot exit platform terminal bay pier apartment apt suite box lane avenue street channel ch episode item
		interstate i-95 sub-section clause schedule update`, fPreReject)
	l.words("a an the his her their its our my your", fDet)
	l.words(`in at on near after before as from to by for with during while when since into under across along inside outside
		against between amid amidst following despite without within through throughout toward towards upon via than
		because but or which who whom whose that where what this these those it they he she we i you them him us
		said says say told tells claimed claims added according not never nor themselves himself herself
		monday tuesday wednesday thursday friday saturday sunday yesterday today tonight overnight earlier last next
		morning evening night afternoon`, fBreak)
	l.words("at least most more than over above upwards up to as many about around approximately approx roughly some nearly almost close estimated an less fewer under", fQual)
	l.words("mr mrs ms dr gen lt col capt maj sgt st no nos rs vs jr sr prof gov govt insp dept brig cdr", fAbbrev)
	l.words("and &", fSep)
	// Plain words the rules compare by spelling.
	l.words("of hostage custody flee leave down injury loss p life body mainly largely", 0)
	l.words("claimed claims claim claiming took take takes taking taken cost costs costing consumed", fClaim)
	// The words after a multi-word cue head (see cueAt) or a negator ("no
	// casualties", see negation) that are not cues themselves; "dead",
	// "lives" or "death" are.
	for _, w := range strings.Fields("down up custody hostage hostages martyrdom shahadat injuries wounds relief safer safe temporary alive flee leave casualties") {
		l.add(w, fPartner, nil)
	}
	for i := range l.lex {
		e := &l.lex[i]
		// A head of multi-word cues or a negator selects nothing alone, nor
		// does "number", a toll only in "number of dead".
		if e.flags&(cueFlags&^(fMulti|fNeg)) != 0 && e.word != "number" {
			e.flags |= fSelect
		}
	}
	l.build()
	return l
}

// slot is one entry of the open-addressing word table.
//
// A slot holds what a lookup of a plain word needs, the hash, the length
// of the spelling and the flags, so that a probe reads one slot rather
// than the slot and then hash, spell and lex at the entry's index, three
// more loads with their bounds checks.
type slot struct {
	h     uint64 // the word hash; its low bits pick the slot
	flags uint64 // lex[i-1].flags
	i     int32  // lexicon index + 1; 0 is empty
	n     int32  // len(spell[i-1])
}

// build fills the word table: a Go map lookup per token was a quarter of the
// extraction time, a flat table with an inline hash is a few nanoseconds.
func (l *lexicon) build() {
	n := 1
	for n < 3*len(l.lex) {
		n <<= 1
	}
	l.spell = make([]string, len(l.lex))
	for i, e := range l.lex {
		l.spell[i] = e.word
	}
	l.tab = make([]slot, n)
	l.mask = uint64(n - 1)
	for i, e := range l.lex {
		if e.flags&fAbbrev != 0 {
			l.abbrevLen = max(l.abbrevLen, len(e.word))
		}
		h, _ := hashWord(e.word)
		l.bloom[h&8191>>6] |= 1 << (h & 63)
		l.bloom[h>>13&8191>>6] |= 1 << (h >> 13 & 63)
		if e.flags&(cueFlags|fPartner) != 0 {
			l.cueBloom[h&8191>>6] |= 1 << (h & 63)
			l.cueBloom[h>>13&8191>>6] |= 1 << (h >> 13 & 63)
		}
		if e.flags&(fSelect|fPartner) != 0 {
			l.selBloom[h&8191>>6] |= 1 << (h & 63)
			l.selBloom[h>>13&8191>>6] |= 1 << (h >> 13 & 63)
		}
		for p := h & l.mask; ; p = (p + 1) & l.mask {
			if l.tab[p].i == 0 {
				l.tab[p] = slot{h: h, flags: e.flags, i: int32(i) + 1, n: int32(len(e.word))}
				break
			}
		}
	}
}

// hashWord hashes w as the tokenizer does: lower-cased, with the curly
// apostrophe folded to '; ok is false for words with other non-ASCII
// letters, which the lexicon lacks. Words are keyed by the shared word hash
// (package word): the tokenizer takes plain words' hashes from the article's
// word.Tokenize pass or word.Plain, and reads other words byte by byte
// (word.Hasher), so that every path gives one word the same hash.
// Collisions are harmless: a lookup compares the spelling.
func hashWord(w string) (h uint64, ok bool) {
	var wh word.Hasher
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8Self {
			if c == 0xE2 && i+2 < len(w) && w[i+1] == 0x80 && w[i+2] == 0x99 {
				c = '\''
				i += 2
			} else {
				return 0, false
			}
		}
		if l := lowerTab[c]; l != 0 {
			c = l
		}
		wh.Push(c)
	}
	return wh.Sum(), true
}

// sameWord compares a lexicon word with a text word, ignoring ASCII case and
// reading the curly apostrophe as '.
func sameWord(lex, w string) bool {
	if lex == w {
		return true // the common case, lower-case text: one memory compare
	}
	j := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == 0xE2 && i+2 < len(w) && w[i+1] == 0x80 && w[i+2] == 0x99 {
			c = '\''
			i += 2
		} else if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if j >= len(lex) || lex[j] != c {
			return false
		}
		j++
	}
	return j == len(lex)
}

func (l *lexicon) find(w string) int32 {
	if len(w) > 3*maxWord {
		return -1
	}
	h, ok := hashWord(w)
	if !ok {
		return -1
	}
	return l.findHash(h, w)
}

// findHash looks up a word whose hash the caller computed.
func (l *lexicon) findHash(h uint64, w string) int32 {
	if l.bloom[h&8191>>6]&(1<<(h&63)) == 0 || l.bloom[h>>13&8191>>6]&(1<<(h>>13&63)) == 0 {
		return -1
	}
	h32 := uint32(h >> 32)
	for p := h & l.mask; ; p = (p + 1) & l.mask {
		sl := &l.tab[p]
		if sl.i == 0 {
			return -1
		}
		if uint32(sl.h>>32) == h32 && sameWord(l.spell[sl.i-1], w) {
			return sl.i - 1
		}
	}
}

// findPlain is findHash for a word of ASCII bytes only. A word of at most
// eight bytes fills one chunk of the hash, and the hash of one chunk is a
// bijection of the chunk and the length: a word of the entry's length and
// hash is the entry's word, up to ASCII case, and needs no comparing.
func (l *lexicon) findPlain(h uint64, w string) int32 {
	if l.bloom[h&8191>>6]&(1<<(h&63)) == 0 || l.bloom[h>>13&8191>>6]&(1<<(h>>13&63)) == 0 {
		return -1
	}
	return l.probePlain(h, w)
}

// probePlain is findPlain for a word that passed the filter (maybeWord).
func (l *lexicon) probePlain(h uint64, w string) int32 {
	h32 := uint32(h >> 32)
	for p := h & l.mask; ; p = (p + 1) & l.mask {
		sl := &l.tab[p]
		if sl.i == 0 {
			return -1
		}
		if uint32(sl.h>>32) == h32 {
			k := sl.i - 1
			if len(w) <= 8 && sl.h == h && int(sl.n) == len(w) || sameWord(l.spell[k], w) {
				return k
			}
		}
	}
}

// lookup finds a word's lexicon index; a trailing possessive "'s" is dropped
// when the word itself is unknown.
func (l *lexicon) lookup(w string) int32 {
	if i := l.find(w); i >= 0 {
		return i
	}
	if n := len(w); n > 2 && (w[n-1] == 's' || w[n-1] == 'S') {
		if w[n-2] == '\'' {
			return l.find(w[:n-2])
		}
		if n > 4 && w[n-4] == 0xE2 && w[n-3] == 0x80 && w[n-2] == 0x99 {
			return l.find(w[:n-4])
		}
	}
	return -1
}

const utf8Self = 0x80

// maybeWord says a word hash may be in the lexicon.
func (l *lexicon) maybeWord(h uint64) bool {
	return l.bloom[h&8191>>6]&(1<<(h&63)) != 0 && l.bloom[h>>13&8191>>6]&(1<<(h>>13&63)) != 0
}

// maybeSelect says a word hash may be a word with fSelect or fPartner.
func (l *lexicon) maybeSelect(h uint64) bool {
	return l.selBloom[h&8191>>6]&(1<<(h&63)) != 0 && l.selBloom[h>>13&8191>>6]&(1<<(h>>13&63)) != 0
}

// maybeCue says a word hash may be a cue word.
func (l *lexicon) maybeCue(h uint64) bool {
	return l.cueBloom[h&8191>>6]&(1<<(h&63)) != 0 && l.cueBloom[h>>13&8191>>6]&(1<<(h>>13&63)) != 0
}
