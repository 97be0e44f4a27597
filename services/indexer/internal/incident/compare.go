package incident

import (
	"math"

	"github.com/newsflow/newsflow/pkg/events"
)

// Evidence is what a pair of reports says about being one event.
type Evidence struct {
	// Text is the similarity of the two signatures, 0 to 1.
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

// Compare weighs the evidence that two reports tell of one event.
func Compare(cfg Config, a, b Member) Evidence {
	return compare(&cfg, &a, &b)
}

func compare(cfg *Config, a, b *Member) Evidence {
	e := Evidence{
		Text:        similarity(a.Tokens, b.Tokens),
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

// similarity is the mean of the Jaccard index and the overlap coefficient
// (shared tokens over the shorter side's) of two sorted token sets: a terse
// headline wholly contained in a longer one scores well, two long texts
// sharing one word do not.
func similarity(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			both++
			i++
			j++
		}
	}
	if both == 0 {
		return 0
	}
	jac := float64(both) / float64(len(a)+len(b)-both)
	over := float64(both) / float64(min(len(a), len(b)))
	return (jac + over) / 2
}

// member is the comparable part of an article's features.
func (f Features) member() Member {
	return Member{ArticleID: f.ArticleID, Source: f.Source, At: f.At, Title: f.Title, Focus: f.Focus,
		Places: f.Places, Tokens: f.Tokens, Totals: f.Totals, Noise: f.Noise || f.Roundup, Revises: f.Revises}
}
