package incident

import (
	"fmt"
	"math"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

// Key is one entry of the candidate index: a UTC day and a place cell.
// Stores persist the keys of each incident so candidate lookup is an
// indexed query rather than a scan.
type Key struct {
	Day  int64  // days since the Unix epoch
	Cell string // "g:<lat>:<lon>" one-degree grid cell, or "c:<country>"
}

// cell is the grid cell of a precise place, or "" for a broad one.
func cell(p *events.Place) string {
	if precision(p) < 3 {
		return ""
	}
	return fmt.Sprintf("g:%d:%d", int(math.Floor(p.Lat)), int(math.Floor(p.Lon)))
}

func country(p *events.Place) string {
	if p == nil {
		return "c:"
	}
	return "c:" + p.Country
}

func day(t time.Time) int64 { return int64(math.Floor(float64(t.Unix()) / 86400)) }

// IndexKeys are the keys an incident is filed under, all on its first
// report's day: its country ("c:"), and its grid cell when its focus is
// precise or its country again as a broad incident ("b:") when not.
func IndexKeys(cfg Config, inc *Incident) []Key {
	d := day(inc.FirstReport)
	keys := []Key{{d, country(inc.Focus)}}
	if c := cell(inc.Focus); c != "" {
		return append(keys, Key{d, c})
	}
	return append(keys, Key{d, "b" + country(inc.Focus)[1:]})
}

// LookupKeys are the keys to read for an article's candidates: every day
// within the window and, for a precise focus, its grid cell and the eight
// around it plus its country's broad incidents; for a broad focus, the
// whole country.
func LookupKeys(cfg Config, f Features) []Key {
	w := int64(math.Ceil(cfg.Window.Hours()/24)) + 1
	d := day(f.At)
	var cells []string
	if cell(f.Focus) != "" {
		lat, lon := int(math.Floor(f.Focus.Lat)), int(math.Floor(f.Focus.Lon))
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				cells = append(cells, fmt.Sprintf("g:%d:%d", lat+dy, lon+dx))
			}
		}
		// Broad incidents of the country, filed under "b:" so a precise
		// article does not read every precise incident of the country.
		cells = append(cells, "b"+country(f.Focus)[1:])
	} else {
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
