package incident

import (
	"math"
	"strconv"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Key is one entry of the candidate index: a UTC day and a place cell.
// Stores persist the keys of each incident so candidate lookup is an
// indexed query rather than a scan.
type Key struct {
	Day  int64  // days since the Unix epoch
	Cell string // "g:<lat>:<lon>" one-degree grid cell, "c:<country>", "b:<country>" or "s:<source>"
}

// cell is the grid cell of a precise place, or "" for a broad one.
func cell(p *events.Place) string {
	if precision(p) < 3 {
		return ""
	}
	return gridCell(int(math.Floor(p.Lat)), int(math.Floor(p.Lon)))
}

func gridCell(lat, lon int) string { return prefixedCell("g:", lat, lon) }

func prefixedCell(prefix string, lat, lon int) string {
	return prefix + strconv.Itoa(lat) + ":" + strconv.Itoa(lon)
}

// regionCell is the grid cell of a region's or province's centroid ("r:"),
// "" for other places. Regions that straddle a border (Kashmir) are filed
// under one country by the gazetteer and its neighbour's provinces under
// the other, so only their coordinates bring them together.
func regionCell(p *events.Place) string {
	if precision(p) != 2 {
		return ""
	}
	return prefixedCell("r:", int(math.Floor(p.Lat)), int(math.Floor(p.Lon)))
}

func country(p *events.Place) string {
	if p == nil {
		return "c:"
	}
	return "c:" + p.Country
}

func day(t time.Time) int64 { return int64(math.Floor(float64(t.Unix()) / 86400)) }

// IndexKeys are the keys an incident is filed under, all on its first
// report's day: its country ("c:"), its grid cell when its focus is
// precise or its country again as a broad incident ("b:") when not, plus
// its centroid's cell ("r:") for a region or province, and each of its
// sources ("s:").
func IndexKeys(cfg Config, inc *Incident) []Key {
	d := day(inc.FirstReport)
	keys := []Key{{d, country(inc.Focus)}}
	if c := cell(inc.Focus); c != "" {
		keys = append(keys, Key{d, c})
	} else {
		keys = append(keys, Key{d, "b" + country(inc.Focus)[1:]})
		if r := regionCell(inc.Focus); r != "" {
			keys = append(keys, Key{d, r})
		}
	}
	// Each outlet, for the lines that can only follow their outlet's story.
	for _, s := range inc.Sources {
		keys = append(keys, Key{d, "s:" + s})
	}
	return keys
}

// windowDays is how many days from an article's day an incident within
// its window can have its first report.
func (cfg Config) windowDays() int { return int(math.Ceil(cfg.Window.Hours() / 24)) }

// WindowDays is how many days an article reads: its own and windowDays
// each side.
func WindowDays(cfg Config) int { return 2*cfg.windowDays() + 1 }

// LookupKeys are the keys to read for an article's candidates: every day
// within the window and, for a precise focus, its grid cell and the eight
// around it plus its country's broad incidents; for a region or province,
// the whole country plus the regions whose centroids lie in the cells
// around its own; for a country or no focus, the whole country; for a
// noise line, its outlet's incidents; for a roundup,
// none.
func LookupKeys(cfg Config, f Features) []Key {
	w := int64(cfg.windowDays())
	d := day(f.At)
	var cells []string
	switch {
	case f.Roundup:
		return nil
	case f.Noise:
		if f.Source == "" {
			return nil
		}
		cells = append(cells, "s:"+f.Source)
	case cell(f.Focus) != "":
		lat, lon := int(math.Floor(f.Focus.Lat)), int(math.Floor(f.Focus.Lon))
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				cells = append(cells, gridCell(lat+dy, lon+dx))
			}
		}
		// Broad incidents of the country, filed under "b:" so a precise
		// article does not read every precise incident of the country.
		cells = append(cells, "b"+country(f.Focus)[1:])
	case regionCell(f.Focus) != "":
		lat, lon := int(math.Floor(f.Focus.Lat)), int(math.Floor(f.Focus.Lon))
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				cells = append(cells, prefixedCell("r:", lat+dy, lon+dx))
			}
		}
		cells = append(cells, country(f.Focus))
	default:
		cells = append(cells, country(f.Focus))
	}
	keys := make([]Key, 0, int(2*w+1)*len(cells))
	for x := d - w; x <= d+w; x++ {
		for _, c := range cells {
			keys = append(keys, Key{x, c})
		}
	}
	return keys
}
