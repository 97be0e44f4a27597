// Package incident owns the grouping of articles into incidents: the online
// clustering that decides whether an article reports an event already seen
// or a new one, and the per-kind toll history with its current best
// estimate. It is pure logic; stores persist what it produces.
package incident

import (
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/newsflow/newsflow/pkg/events"
)

// Features are what the clustering compares of one article, computed once.
type Features struct {
	ArticleID string
	Source    string
	At        time.Time
	Title     string
	Focus     *events.Place
	// Places are the ids of the specific places the article mentions
	// (finer than a country or a broad region), sorted.
	Places []string
	// Tokens are the hashed content words of title and lead, sorted and
	// distinct: the text signature compared by Jaccard similarity.
	Tokens []uint32
	Totals events.Totals
	// Casualties keep the evidence of each figure for the toll history.
	Casualties []events.Casualty
	// Noise is set for an article with nothing to compare: no figure, no
	// specific place and at most two content words (a byline, an agency
	// name, "(Updating toll)"). It can only follow its own outlet's story
	// of the same days, and never draws another article to its incident.
	Noise bool
	// Revises is set when the article reports a killed toll revised upward
	// ("death toll rose to 171"): a much larger figure than earlier
	// reports' is then no sign of another event.
	Revises bool
	// Roundup is set for a digest of many events (a programme summary, a
	// timeline, a media roundup): it belongs to no single incident, so it
	// stays on its own and nothing joins it.
	Roundup bool
}

// leadBytes bounds how much of the body joins the title in the signature:
// the lead carries the who/where/what, the rest mostly background.
const leadBytes = 400

// Extract computes the features of an article.
func Extract(a events.EnrichedArticle) Features {
	f := Features{
		ArticleID:  a.ID,
		Source:     a.Source,
		At:         a.PublishedAt.UTC(),
		Title:      a.Title,
		Focus:      a.Focus,
		Totals:     a.Totals,
		Casualties: a.Casualties,
	}
	for _, p := range a.Places {
		if specific(p.Place) {
			f.Places = append(f.Places, p.ID)
		}
	}
	slices.Sort(f.Places)
	f.Places = slices.Compact(f.Places)
	field, body := a.Body()
	// Place names are compared as places; left in the text they would make
	// every report from one town look alike.
	title := blankPlaces(a.Title, events.FieldTitle, a.Locations)
	body = blankPlaces(body, field, a.Locations)
	if len(body) > leadBytes {
		body = body[:leadBytes]
	}
	f.Tokens = tokens(title + " " + body)
	f.Roundup = roundup(a.Title)
	for _, c := range a.Casualties {
		if c.Kind == events.Killed && revision(c.EvidenceText) {
			f.Revises = true
		}
	}
	f.Revises = f.Revises || f.Totals.Get(events.Killed) > 0 && revision(a.Title)
	f.Noise = len(f.Tokens) <= 2 && len(f.Places) == 0 && f.Totals == (events.Totals{})
	return f
}

// roundupWords mark a title that collects many events.
var roundupWords = wordSet(`roundup round-up summary summaries digest factbox timeline highlights briefing briefs`)

// roundupPhrases are multi-word markers of the same.
var roundupPhrases = []string{"major incidents", "tracking conflict", "security developments", "press review",
	"media roundup", "news in brief", "what happened"}

// roundup reports whether a title names a digest rather than one event.
func roundup(title string) bool {
	t := strings.ToLower(title)
	for _, p := range roundupPhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if roundupWords[w] {
			return true
		}
	}
	return false
}

// blankPlaces replaces the place mentions located in field with spaces.
func blankPlaces(text string, field events.Field, locs []events.Location) string {
	var b []byte
	for _, l := range locs {
		if l.Field != field || l.Start < 0 || l.End > len(text) || l.Start >= l.End {
			continue
		}
		if b == nil {
			b = []byte(text)
		}
		for i := l.Start; i < l.End; i++ {
			b[i] = ' '
		}
	}
	if b == nil {
		return text
	}
	return string(b)
}

// specific reports whether a place is fine enough to tell two events apart:
// countries, continents and broad regions such as Kashmir are not.
func specific(p events.Place) bool {
	if p.ID == "" {
		return false
	}
	switch {
	case strings.HasPrefix(p.FeatureCode, "PCL"), p.FeatureCode == "CONT", p.FeatureCode == "RGN",
		p.FeatureCode == "ADM1", p.FeatureCode == "LCTY":
		return false
	}
	return true
}

// stopwords are words every conflict report shares; keeping them would make
// any two reports look alike. Casualty words are here too because counts
// and kinds are compared separately.
var stopwords = wordSet(`a an the of in on at to for from by with and or but as is are was were be been
		has have had it its this that these those after over into near says said say say update focus
		report reports reported reporting news official officials sources source
		kill kills killed killing dead death deaths die dies died toll dozen dozens least more than
		injure injures injured injuring wound wounds wounded hurt people person
		one two three four five six seven eight nine ten eleven twelve
		leave leaves left pakistan pakistani pak india indian afghan afghanistan attack incident latest via writethru st ld
		update updates updated updating revise revised revising adding add inputs details fresh new
		bbc monitoring newswire newswires agence presse reuters afp ap pti xinhua press agency`)

// stopStems are the stopwords' stems, so an inflection the list lacks
// ("updating" for "update") is dropped too.
var stopStems = func() map[string]bool {
	m := map[string]bool{}
	for w := range stopwords {
		m[stem(w)] = true
	}
	return m
}()

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// concepts folds words that reports of one event use interchangeably
// ("blast", "bomb", "explosion") into one token, since outlets rarely copy
// each other's wording.
var concepts = conceptMap(map[string]string{
	"bomb":      "bomb bomber bombing blast explosion explode exploded explosive suicide ied roadside device grenade",
	"fire":      "fire firing shelling shell artillery mortar barrage crossfire shot shoot shooting gunfire",
	"gunmen":    "gunmen gunman gun gunned assailant attacker",
	"strike":    "strike airstrike air aerial drone missile",
	"militant":  "militant insurgent terrorist rebel taliban taleban",
	"soldier":   "soldier troop army personnel jawan security force",
	"civilian":  "civilian villager resident",
	"northwest": "northwest northwestern nw",
	"southwest": "southwest southwestern sw",
	"ceasefire": "ceasefire truce",
})

func conceptMap(groups map[string]string) map[string]string {
	m := map[string]string{}
	for concept, words := range groups {
		for _, w := range strings.Fields(words) {
			m[stem(w)] = concept
		}
	}
	return m
}

// stem strips the commonest English inflections and a final e; crude, but
// it only has to make two outlets' "strikes"/"strike"/"striking" and
// "attacks"/"attacked" meet, the same way for every word.
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:len(w)-1]
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	// "stopped" -> "stop", "gunned" -> "gun": undouble a final consonant
	// (but not l or s: "shell", "kill", "press").
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

// tokens splits text into lower-case words, drops stopwords and numbers,
// folds inflections and synonyms, and returns the distinct hashes sorted.
func tokens(text string) []uint32 {
	var out []uint32
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for _, w := range words {
		if len(w) < 2 || stopwords[w] {
			continue
		}
		w = stem(w)
		if stopStems[w] {
			continue
		}
		if c, ok := concepts[w]; ok {
			w = c
		}
		if len(w) < 3 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		out = append(out, h.Sum32())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted distinct sets.
func jaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// distanceKM is the distance between two places by the equirectangular
// approximation: within a fraction of a percent of the great-circle
// distance at the few hundred kilometres that matter here, and a third of
// its cost (it runs for every candidate pair).
func distanceKM(a, b *events.Place) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	x := (b.Lon - a.Lon) * rad * math.Cos((a.Lat+b.Lat)/2*rad)
	y := (b.Lat - a.Lat) * rad
	return r * math.Sqrt(x*x+y*y)
}
