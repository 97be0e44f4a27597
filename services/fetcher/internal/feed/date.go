package feed

import (
	"regexp"
	"strings"
	"time"
)

// southAsianZones are the zone abbreviations South Asian outlets print, with
// their UTC offsets in seconds. gofeed reads abbreviations it does not know as
// UTC, and BST as British Summer Time.
var southAsianZones = map[string]int{
	"IST":  5*3600 + 1800, // India
	"SLST": 5*3600 + 1800, // Sri Lanka
	"PKT":  5 * 3600,      // Pakistan
	"MVT":  5 * 3600,      // Maldives
	"NPT":  5*3600 + 2700, // Nepal
	"BDT":  6 * 3600,      // Bangladesh (as some outlets write it)
	"BTT":  6 * 3600,      // Bhutan
	"AFT":  4*3600 + 1800, // Afghanistan
	// Universal time, so that our own parse covers the commonest case too.
	"GMT": 0, "UTC": 0, "UT": 0,
}

var (
	trailingAbbrev = regexp.MustCompile(`\s([A-Za-z]{2,5})\s*$`)
	trailingZone   = regexp.MustCompile(`(?i)(\dz|[+-]\d{2}:?\d{2}|\s[a-z]{2,5})\s*$`)
	ampm           = regexp.MustCompile(`(?i)\s[ap]\.?m\.?\s*$`)
	// zonelessLayouts are tried, in the zone the date belongs to, for dates
	// without an offset and for dates whose abbreviation we resolve ourselves.
	zonelessLayouts = []string{
		"Mon, 2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04", "Monday, 2 Jan 2006 15:04:05",
		"2 Jan 2006 15:04:05", "2 Jan 2006 15:04", "Mon, 2 January 2006 15:04:05", "2 January 2006 15:04:05",
		"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
		"January 2, 2006 15:04:05", "January 2, 2006 15:04", "January 2, 2006 3:04 PM", "Jan 2, 2006 3:04 PM",
		"Jan 2, 2006 15:04:05", "02/01/2006 15:04", "2006-01-02",
	}
	zonedLayouts = []string{time.RFC1123Z, time.RFC3339, time.RFC3339Nano, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "2006-01-02 15:04:05 -0700"}
)

// Date interprets one date of a feed. parsed is gofeed's reading of raw (nil
// when it failed); loc is the feed's timezone override (nil when none);
// country is the feed's ISO country. South Asian abbreviations get their real
// offsets, BST means +06:00 in Bangladeshi feeds (+01:00 elsewhere), and
// dates without any zone are placed in loc.
func Date(raw string, parsed *time.Time, loc *time.Location, country string) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}, false
	}
	bangladeshi := strings.EqualFold(country, "BD") || (loc != nil && loc.String() == "Asia/Dhaka")
	if m := trailingAbbrev.FindStringSubmatchIndex(raw); m != nil {
		abbr := strings.ToUpper(raw[m[2]:m[3]])
		off, ok := southAsianZones[abbr]
		if abbr == "BST" {
			off, ok = 3600, true
			if bangladeshi {
				off = 6 * 3600
			}
		}
		if ok {
			if t, ok := parseIn(strings.TrimSpace(raw[:m[0]]), time.FixedZone(abbr, off)); ok {
				return t, true
			}
		}
	}
	if !hasZone(raw) {
		in := loc
		if in == nil {
			in = time.UTC
		}
		if t, ok := parseIn(raw, in); ok {
			return t, true
		}
	}
	if parsed != nil && !parsed.IsZero() && parsed.Year() >= 1990 {
		return *parsed, true
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, raw); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseIn(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range zonelessLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func hasZone(raw string) bool {
	if ampm.MatchString(raw) {
		return false
	}
	return trailingZone.MatchString(raw)
}
