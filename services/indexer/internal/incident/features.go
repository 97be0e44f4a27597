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
	return f
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
		leave leaves left pakistan pakistani pak india indian afghan afghanistan attack incident latest via writethru st ld`)

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
	"strike":    "strike airstrike drone missile",
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
			m[w] = concept
		}
	}
	return m
}

// stem strips the commonest English inflections; crude, but it only has to
// make two outlets' "attacks"/"attacked" meet.
func stem(w string) string {
	for _, suf := range []string{"ings", "ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
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
		if c, ok := concepts[w]; ok {
			w = c
		} else if st := stem(w); st != w {
			if stopwords[st] {
				continue
			}
			w = st
			if c, ok := concepts[w]; ok {
				w = c
			}
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

// distanceKM is the great-circle distance between two places.
func distanceKM(a, b *events.Place) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(min(1, h)))
}
