package toponym

import (
	"maps"
	"slices"
	"strings"
)

// commonWords are English words that are also the names of places somewhere
// (or would be matched inside one). A capitalised one at the start of a
// sentence, or any in text without case, is a word unless context says place.
// Hand-written list; extend it when a false positive shows up in review.
const commonWords = `
a about above across act action add after again against age ago agency air all also am among an and any
apple are area army around art as ask at august autumn away back bad bait bank bar base basin bath battle bay
be beach bear beauty bed been before begin being bell below best better between big bill bird black block
blue board boat body bold bond book border born both box boy branch brand bridge bright bring broad
brook brother brown buffalo building burn bus bush business but by cable call calm came camp can cane cap
capital captain car card care carry case cash castle cat cause cave center central centre chair chance
change channel chapel charity check chief child children china church circle city civil claim class clay clean
clear cliff climate close club coal coast cold college color colour come common community company congress
constitution control cook cool copper corner cost cotton could council country county course court cover
crane creek crime cross crown cup customs cut daily dam dark date day de dead deal dear death decision deep
defence defense del delta department desert development diamond did die do does dog dollar dome door double
dove down dr draw dream drive dry due during each eagle early earth east eastern eden edge education eight
election electric eleven else emerald empire end energy enterprise even evening ever every evidence fair faith
fall falls family far farm fashion fast father federal few field fifteen fifth fight final fire first five flag
flat fleet flint flood floor flower fly follow for force forest fork fort fortune forum forward four fox free
freedom fresh friday friend from front frost fruit full fund future gallery game garden gas gate general
gift girl give glass globe go god gold golden good government grace grand grant grass great green grove
guard gulf had half hall hand happy harbor harbour hard harmony harvest has have he health heart heaven held
help her here heritage hero high highway hill him his history hold hole holiday holy home hope horse hospital
hot hotel house how hundred hunter i ice if in independence industry inside interior iron is island it
its jack january job join joy judge july june just justice key kill kind king knight lake land lane large last
late law lead leader leave left less liberty life light lime line lion little live local lodge long look lord
lost lot love low lower luck made main major make mall man manor many march mark market mars may mayor me
medical meet member memorial merit middle might mile military mill million mine minister mission mobile
modern monday money month moon more morning most mother mount mountain move much music must my name nation
national natural nature navy near need never new news next nice night nine no noble normal north northern not
nothing november now nursery oak ocean october of off office officer official oil old on once one only open
opportunity or orange order other our out over own pace page palace palm paradise park part party pass
patience peace pearl people pepper period person phoenix pilot pine place plain plains plant pleasant plenty
point police pond pool poor port post power premier president press price prime prince princess prison
professor progress project promise prospect protest providence public punch queen quick race rain ranch range
rapid rapids raven read reading record red reform regent register release report republic rescue research
reserve resort rest result return review rice rich ridge right ring rise river road rock rocky roman rome
rose round route royal rule run rural safe safety said saint sale salt same sand saturday save say says school
science sea season second secretary security see senate senior sentinel september service set settlement
seven shadow she shelter shell sheriff ship shore short should side sign silver since six sky small snow so
social society soldier some son sound south southern spa speaker special split spring springs square stable
staff stand star start state station statue steel still stone store storm story strange street strong study
success such sugar summer summit sun sunday sunny sunrise sunset superior supreme sure surprise table take
talk tax team temple ten than that the their them then there these they third this those three
through thursday tiger time to today tomorrow top tower town trade trail transport treasure tree trinity
triumph true trust truth tuesday turkey twelve twenty two under union unity university up upper us
valley value van very victory view village virgin vista wall war ward warren was watch water way we weather
wednesday week welcome well west western what when where which while white who why wild will win wind window
winter with within without wood woods work world year yes yesterday yet you young your youth zone
bandh chowk nagar bazar bazaar mandi market camp colony sector phase block road tehsil taluk district village
cantonment cantt jail thana police station army navy air force hospital court high low mid
said says told according reported added spokesman official officials sources source
northeast northwest southeast southwest midwest chamber metro olympic human liberal marshal titan
april february december jan feb mar apr jun jul aug sep sept oct nov dec christmas easter thanksgiving diwali eid ramadan holi
apex gap drama hit federation forum union council centre center institute academy convent temple garden
al el la le da di
attack attacks blast bomb bombing killed injured wounded arrested dead death deaths
`

// personNames are given names and surnames in South Asian and English news
// that are also places in the gazetteer. Alone, they are read as people
// unless context makes them places.
const personNames = `
abbas abdullah afridi ahmad ahmed akbar ali altaf amin anwar arif asad asif aslam azhar aziz babar bashir bhutto
bilal chaudhry chaudhary dar farooq gandhi gilani hafiz haider hamid haqqani hasan hashmi hassan hussain imran
iqbal ismail jamil javed kamal karim khalid khan khattak kumar malik masood mehsud mir mirza modi mohammad mohammed
muhammad mullah musharraf nawaz noor omar qadir qureshi rahman rana rao rashid raza reddy rehman saeed salim
shah shahid sharif sheikh singh sultan syed tahir tariq umar usman wazir yadav yousaf yousafzai zaman zardari zia
jinnah nehru patel sharma gupta verma mishra pandey chauhan thakur bose das ghosh banerjee mukherjee chatterjee
devi lal ram nath prasad pal jain shetty naidu nair menon pillai iyer murthy gowda hegde kaur gill sandhu
hasina mujib ershad begum khaleda
kali durga lakshmi laxmi ganesh ganesha hanuman krishna shiva vishnu saraswati parvati
john james robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark
donald steven paul andrew joshua kenneth kevin brian george edward ronald timothy jason jeffrey ryan jacob gary
nicholas eric jonathan stephen larry justin scott brandon benjamin samuel frank gregory raymond alexander patrick
jack dennis jerry tyler aaron jose adam henry nathan  zachary peter kyle walter ethan jeremy harold keith
christian roger noah gerald carl terry sean  arthur lawrence jesse dylan bryan joe jordan billy bruce albert
willie gabriel  alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip johnny
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra ashley
kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen
amy shirley angela helen anna brenda pamela nicole emma samantha katherine christine debra rachel catherine
carolyn janet ruth maria heather diane  julie joyce victoria olivia kelly christina lauren joan evelyn
judith megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice jean alice
 doris abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany
natalie isabella  rose alexis kayla florence      adams 
 franklin  wilson johnson smith brown jones miller davis garcia rodriguez martinez anderson
thomas moore martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king
wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts
obama bush trump biden putin xi erdogan netanyahu
`

// titles precede a person's name: "President Zardari", "Gen. Sharif".
const titles = `
mr mrs ms miss dr sir lord lady king queen prince princess president vice minister premier pm chief justice
judge gen general lt col colonel maj major capt captain cmdr commander brig brigadier sgt sergeant cpl officer
inspector constable superintendent sp dsp ssp igp dig sho senator sen rep governor gov mayor sheikh shaikh
maulana maulvi mufti mullah imam syed sayed mian khawaja chaudhry chaudhary raja nawab begum pir hazrat
shri sri smt kumari pandit babu saint st pope father brother sister rev reverend bishop cardinal
mister madam leader spokesman spokesperson secretary ambassador envoy chairman chairperson
coach sheriff deputy trooper detective attorney professor prof dean pastor commissioner councilman councilwoman
assemblyman assemblywoman congressman congresswoman
`

// connectors may appear in lower case inside a name: "Jammu and Kashmir",
// "Isle of Man", "Dera Ismail Khan" needs none but "Bosnia and Herzegovina" does.
const connectors = `of and the de del la le les el al da di do du des dos das y e upon on sur am im an der den`

// qualifiers may precede a place without making it part of a person's name.
const qualifiers = `north south east west northern southern eastern western central upper lower greater old new
downtown rural urban suburban northeast northwest southeast southwest north-west north-east south-west south-east
mid inner outer far near historic metropolitan coastal`

// locatives precede a place: "in Quetta", "near the Line of Control".
const locatives = `in at near from to into across outside inside around toward towards through via of off within
throughout across between`

// streetWords follow a name that is part of an address, not a place: "Dublin Road".
const streetWords = `road rd street st avenue ave lane ln drive dr boulevard blvd highway hwy way court ct place pl
circle terrace parkway pkwy bridge`

// orgWords follow a place that names an institution: "Mysore University".
const orgWords = `university college school convent academy institute hospital clinic stock exchange municipal
corporation bank committee association federation board trade unions union engineers news times post herald
tribune gazette chronicle telegraph express journal circle office temple mosque church cathedral masjid gurdwara
garden gardens stadium airport airlines railway railways cricket football club team party congress league
company ltd limited inc group foundation trust society council commission authority chamber
grounds ground maidan hall auditorium bhavan bhawan govt government`

// localityWords end the name of a South Asian locality the gazetteer may
// lack: "Gandhi Chowk", "Khazipet Mandal", "Tarkhan Majra Village".
const localityWords = `chowk village gram mandal nagar colony bazar bazaar mandi mohalla basti pura ganj tehsil taluk
taluka thana`

// borderWords say an event between two neighbours happened on their border.
const borderWords = `border borders frontier ceasefire cease shelling shelled shells firing fire loc`

// agentWords follow a country that acts rather than hosts: "US drone
// strike", "Indian shelling", "Afghan forces". The act happens elsewhere
// unless nothing else is named.
const agentWords = `drone drones missile missiles strike strikes airstrike airstrikes air shelling firing fire
artillery forces troops soldiers jets warplanes army military navy raid raids rockets mortar mortars
gunboats bsf border-security`

// groupNouns follow a name that people belong to: "Nsui activists", "Tdp
// workers". Such a name is an organisation's, not a place's.
const groupNouns = `activists activist workers worker supporters supporter members member leaders leader cadres cadre
volunteers corporators councillors men militants`

// nameSuffixes, capitalised after a place name, are part of it: "Raichur
// Village", "Shimoga City", "Cuddapah District".
const nameSuffixes = `city town village district tehsil mandal taluk taluka`

// particles join the parts of Arabic and Persian names: "Zaki-ur-Rehman",
// "Lashkar-e-Taiba", "Hizb-ul-Mujahideen".
const particles = `ur ul ud us uz e i al el`

// speechVerbs follow a country that speaks rather than hosts: "Pakistan says".
const speechVerbs = `says said say claims claimed claim accuses accused accuse warns warned urges urged denies denied
blames blamed tells told asks asked demands demanded rejects rejected condemns condemned
added adds explained explains noted notes wrote writes testified`

// wordClass is a bit set of the lists above a word is on.
type wordClass uint16

const (
	wCommon wordClass = 1 << iota
	wPerson
	wTitle
	wConnector
	wQualifier
	wLocative
	wStreet
	wSpeech
	wOrg
	wLocality
	wBorder
	wAgent
	wParticle
	wGroup
	wSuffix
)

func wordClasses() map[uint64]wordClass {
	m := map[uint64]wordClass{}
	for _, l := range []struct {
		c     wordClass
		words string
	}{
		{wCommon, commonWords}, {wPerson, personNames}, {wTitle, titles}, {wConnector, connectors},
		{wQualifier, qualifiers}, {wLocative, locatives}, {wStreet, streetWords}, {wSpeech, speechVerbs}, {wOrg, orgWords},
		{wLocality, localityWords}, {wBorder, borderWords}, {wAgent, agentWords}, {wParticle, particles}, {wGroup, groupNouns}, {wSuffix, nameSuffixes},
	} {
		for _, w := range strings.Fields(l.words) {
			m[hashString(w)] |= l.c
		}
	}
	return m
}

// wordTable is an open-addressing hash table from a word's hash to what the
// guards need of it. It replaces two maps on the hot path: every token is
// looked up, and a few thousand words fit in a table that stays in cache.
// A slot holds the key beside its value: one cache line a lookup.
type wordTable struct {
	slots []wordSlot
}

type wordSlot struct {
	key  uint64
	info wordInfo
}

type wordInfo struct {
	class wordClass
	typ   typeWord
}

func newWordTable(classes map[uint64]wordClass, types map[uint64]typeWord) wordTable {
	n := 64
	for n < 4*(len(classes)+len(types)) {
		n *= 2
	}
	t := wordTable{slots: make([]wordSlot, n)}
	// In the order of the keys, not of the maps: where a word lands, and
	// so how far a lookup probes, is then the same from run to run.
	for _, h := range slices.Sorted(maps.Keys(classes)) {
		t.slot(h).class |= classes[h]
	}
	for _, h := range slices.Sorted(maps.Keys(types)) {
		t.slot(h).typ = types[h]
	}
	return t
}

// start is where the probe for h starts: the word hash's low bits as they
// are, which its last step mixed (see smallSet.slot), with no multiply.
func (t *wordTable) start(h uint64) int { return int(h & uint64(len(t.slots)-1)) }

// slot returns the value for h, inserting h if absent. Zero marks an empty
// slot, so a word whose hash is zero (none of ours) is never found.
func (t *wordTable) slot(h uint64) *wordInfo {
	mask := len(t.slots) - 1
	for i := t.start(h); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case h:
			return &s.info
		case 0:
			s.key = h
			return &s.info
		}
	}
}

func (t *wordTable) get(h uint64) wordInfo {
	mask := len(t.slots) - 1
	for i := t.start(h); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; {
		case s.key == h && h != 0:
			return s.info
		case s.key == 0:
			return wordInfo{}
		}
	}
}
