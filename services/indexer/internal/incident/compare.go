package incident

import (
	"math"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// DocFreq counts in how many articles each signature token occurs, learned
// online from the stream, so that words every conflict report shares
// ("militant", "blast") weigh little and the rare ones ("cinema",
// "pilgrims") decide. A nil *DocFreq weighs every token the same.
type DocFreq struct {
	n  int
	df map[uint32]int
}

// NewDocFreq returns an empty count.
func NewDocFreq() *DocFreq { return &DocFreq{df: map[uint32]int{}} }

// Add counts one article's tokens.
func (d *DocFreq) Add(tokens []uint32) {
	if d == nil {
		return
	}
	d.n++
	for _, t := range tokens {
		d.df[t]++
	}
}

// Docs is the number of articles counted.
func (d *DocFreq) Docs() int {
	if d == nil {
		return 0
	}
	return d.n
}

// Weight is the inverse document frequency of a token, smoothed so that a
// young count (or none) weighs tokens nearly alike.
func (d *DocFreq) Weight(t uint32) float64 {
	if d == nil {
		return 1
	}
	return math.Log(1 + float64(d.n+1)/float64(d.df[t]+1))
}

// Evidence is what a pair of reports says about being one event.
type Evidence struct {
	// Text is the weighted similarity of the two signatures, 0 to 1.
	Text float64
	// Killed is 1 when both give the same killed figure, -1 when both give
	// figures too far apart to be one event's, else 0.
	Killed int
	// Place is how the two foci relate.
	Place PlaceRelation
	// SharedPlace is true when both mention one specific place.
	SharedPlace bool
	// Days is the time between the reports in days.
	Days float64
}

// PlaceRelation compares two foci.
type PlaceRelation int

// The relations, from agreeing to incompatible.
const (
	// PlaceUnknown: either focus is a country, a broad region or missing.
	PlaceUnknown PlaceRelation = iota
	// PlaceSame: the same district, or precise foci within NearKM.
	PlaceSame
	// PlaceNear: precise or regional foci within FarKM (2*FarKM for regions).
	PlaceNear
	// PlaceFar: farther apart than that.
	PlaceFar
)

// Compare weighs the evidence that two reports tell of one event. df may be
// nil.
func Compare(cfg Config, df *DocFreq, a, b Member) Evidence {
	return compare(&cfg, df, &a, df.weights(a.Tokens), &b)
}

// compare is Compare with a's token weights given, so that scoring one
// article against many members weighs its tokens once; b's total weight
// is cached on the member.
func compare(cfg *Config, df *DocFreq, a *Member, aw []float64, b *Member) Evidence {
	e := Evidence{
		Text:        similarityWeighted(df, a.Tokens, aw, b),
		SharedPlace: intersects(a.Places, b.Places),
		Days:        math.Abs(a.At.Sub(b.At).Hours()) / 24,
		Place:       relate(cfg, a.Focus, b.Focus),
	}
	if ka, kb := a.Totals.Get(events.Killed), b.Totals.Get(events.Killed); ka > 0 && kb > 0 {
		switch {
		case ka == kb:
			e.Killed = 1
		case !(3*ka >= kb && 3*kb >= ka || abs(ka-kb) <= 3):
			// A revised toll may be far above the first report's.
			if !(ka > kb && a.Revises || kb > ka && b.Revises) {
				e.Killed = -1
			}
		}
	}
	return e
}

func relate(cfg *Config, a, b *events.Place) PlaceRelation {
	pa, pb := precision(a), precision(b)
	switch {
	case pa >= 3 && pb >= 3:
		if a.ID != "" && a.ID == b.ID {
			return PlaceSame
		}
		d := distanceKM(a, b)
		sameAdmin2 := a.Admin2Code != "" && a.Admin2Code == b.Admin2Code && a.Admin1Code == b.Admin1Code && a.Country == b.Country
		switch {
		case sameAdmin2 || d <= cfg.NearKM:
			return PlaceSame
		case d <= cfg.FarKM:
			return PlaceNear
		}
		return PlaceFar
	case pa >= 2 && pb >= 2:
		// A province and a town in it, or two regions.
		if a.ID == b.ID {
			return PlaceSame
		}
		if distanceKM(a, b) <= 2*cfg.FarKM {
			return PlaceNear
		}
		return PlaceFar
	}
	return PlaceUnknown
}

// weights returns the weight of each token.
func (d *DocFreq) weights(tokens []uint32) []float64 {
	w := make([]float64, len(tokens))
	if d == nil {
		for i := range w {
			w[i] = 1
		}
		return w
	}
	for i, t := range tokens {
		w[i] = d.Weight(t)
	}
	return w
}

// total is the summed weight of the tokens.
func (d *DocFreq) total(tokens []uint32) float64 {
	if d == nil {
		return float64(len(tokens))
	}
	w := 0.0
	for _, t := range tokens {
		w += d.Weight(t)
	}
	return w
}

// similarityWeighted is weightedSimilarity with a's weights given and b's
// total weight taken from the member when the Clusterer cached it there
// (the counts drift little over a member's life).
func similarityWeighted(df *DocFreq, a []uint32, aw []float64, b *Member) float64 {
	if len(a) == 0 || len(b.Tokens) == 0 {
		return 0
	}
	var wa, both float64
	i, j := 0, 0
	for i < len(a) && j < len(b.Tokens) {
		switch {
		case a[i] < b.Tokens[j]:
			i++
		case b.Tokens[j] < a[i]:
			j++
		default:
			both += aw[i]
			i++
			j++
		}
	}
	if both == 0 {
		return 0
	}
	for _, w := range aw {
		wa += w
	}
	wb := b.weight
	if wb == 0 {
		wb = df.total(b.Tokens)
	}
	jac := both / (wa + wb - both)
	over := both / min(wa, wb)
	return min(1, (jac+over)/2)
}

// weightedSimilarity is the mean of the weighted Jaccard index and the
// weighted overlap coefficient (shared weight over the lighter side's): a
// terse headline wholly contained in a longer one scores well, two long
// texts sharing one word do not.
func weightedSimilarity(df *DocFreq, a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	var wa, wb, both float64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			wa += df.Weight(a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			wb += df.Weight(b[j])
			j++
		default:
			w := df.Weight(a[i])
			wa, wb, both = wa+w, wb+w, both+w
			i++
			j++
		}
	}
	jac := both / (wa + wb - both)
	over := both / min(wa, wb)
	return (jac + over) / 2
}

// member is the comparable part of an article's features.
func (f Features) member() Member {
	return Member{ArticleID: f.ArticleID, Source: f.Source, At: f.At, Title: f.Title, Focus: f.Focus,
		Places: f.Places, Tokens: f.Tokens, Totals: f.Totals, Noise: f.Noise || f.Roundup, Revises: f.Revises,
		weight: f.weight}
}

// sameDay reports whether two times are less than a day apart.
func sameDay(a, b time.Time) bool { return a.Sub(b).Abs() < 24*time.Hour }
