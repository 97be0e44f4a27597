package api

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/store"
)

// Input limits. Aggregates scan every article in their window, so their
// window is bounded; article pages are bounded by the page size instead.
const (
	MaxAggregateRange     = 366 * 24 * time.Hour
	DefaultAggregateRange = 30 * 24 * time.Hour
	MaxNearKM             = 1000
	MaxTextLen            = 200
	MaxMinCount           = 1_000_000_000
	DefaultTopPlaces      = 20
)

// paramError is a 400 naming the offending query parameter.
type paramError struct {
	Param   string
	Message string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Message }

func bad(param, format string, args ...any) error {
	return &paramError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// params reads query parameters, rejecting unknown and repeated ones so a
// typo ("contry") is an error rather than a silently ignored filter.
type params struct {
	v url.Values
}

func newParams(v url.Values, allowed ...string) (params, error) {
	ok := map[string]bool{"format": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for k, vals := range v {
		if !ok[k] {
			return params{}, bad(k, "unknown parameter; allowed: %s, format", strings.Join(allowed, ", "))
		}
		if len(vals) > 1 {
			return params{}, bad(k, "given %d times; give it once", len(vals))
		}
	}
	return params{v: v}, nil
}

func (p params) str(name string) string { return strings.TrimSpace(p.v.Get(name)) }

// timestamp accepts RFC 3339 ("2026-11-27T10:00:00Z") or a UTC date.
func (p params) timestamp(name string) (time.Time, error) {
	s := p.str(name)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, bad(name, "must be an RFC 3339 time (2026-11-27T10:00:00Z) or a date (2026-11-27), got %q", s)
}

func (p params) timeRange() (since, until time.Time, err error) {
	if since, err = p.timestamp("since"); err != nil {
		return
	}
	if until, err = p.timestamp("until"); err != nil {
		return
	}
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		err = bad("until", "must be after since")
	}
	return
}

// aggregateRange applies the default and maximum window of aggregates.
func (p params) aggregateRange(now time.Time) (since, until time.Time, err error) {
	if since, until, err = p.timeRange(); err != nil {
		return
	}
	end := until
	if end.IsZero() {
		end = now
	}
	if since.IsZero() {
		since = end.Add(-DefaultAggregateRange)
	}
	if end.Sub(since) > MaxAggregateRange {
		err = bad("since", "the window from since to until (or now) may be at most %d days", int(MaxAggregateRange.Hours()/24))
	}
	return
}

func (p params) country() (string, error) {
	s := strings.ToUpper(p.str("country"))
	if s == "" {
		return "", nil
	}
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return "", bad("country", "must be an ISO 3166-1 alpha-2 code such as PK, got %q", p.str("country"))
	}
	return s, nil
}

func (p params) admin1() (string, error) {
	s := p.str("admin1")
	if len(s) > 20 || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
		return "", bad("admin1", "must be a GeoNames admin1 code such as 05 (letters and digits, at most 20), got %q", s)
	}
	return s, nil
}

func (p params) intIn(name string, def, lo, hi int) (int, error) {
	s := p.str(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, bad(name, "must be an integer from %d to %d, got %q", lo, hi, s)
	}
	return n, nil
}

func (p params) place() (int64, error) {
	s := p.str("place")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, bad("place", "must be a positive GeoNames id such as 1174872, got %q", s)
	}
	return n, nil
}

func (p params) near() (*store.Circle, error) {
	s := p.str("near")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return nil, bad("near", "must be lat,lon,km such as 24.86,67.01,50, got %q", s)
	}
	var f [3]float64
	for i, part := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, bad("near", "must be lat,lon,km such as 24.86,67.01,50, got %q", s)
		}
		f[i] = v
	}
	switch {
	case f[0] < -90 || f[0] > 90:
		return nil, bad("near", "latitude must be from -90 to 90, got %v", f[0])
	case f[1] < -180 || f[1] > 180:
		return nil, bad("near", "longitude must be from -180 to 180, got %v", f[1])
	case f[2] <= 0 || f[2] > MaxNearKM:
		return nil, bad("near", "radius must be above 0 and at most %d km, got %v", MaxNearKM, f[2])
	}
	return &store.Circle{Lat: f[0], Lon: f[1], KM: f[2]}, nil
}

func (p params) kinds() ([]events.Kind, error) {
	s := p.str("kind")
	if s == "" {
		return nil, nil
	}
	var out []events.Kind
	for _, part := range strings.Split(s, ",") {
		k := events.Kind(strings.ToLower(strings.TrimSpace(part)))
		known := false
		for _, want := range events.Kinds {
			known = known || k == want
		}
		if !known {
			return nil, bad("kind", "unknown casualty kind %q; use one or more of %s, comma-separated", part, kindList())
		}
		out = append(out, k)
	}
	return out, nil
}

func kindList() string {
	names := make([]string, len(events.Kinds))
	for i, k := range events.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (p params) text(name string) (string, error) {
	s := p.str(name)
	if len(s) > MaxTextLen {
		return "", bad(name, "must be at most %d bytes", MaxTextLen)
	}
	if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
		return "", bad(name, "must be valid UTF-8 without NUL bytes")
	}
	return s, nil
}

func (p params) format(accept string) (string, error) {
	switch f := p.str("format"); f {
	case "json":
		return "json", nil
	case "geojson":
		return "geojson", nil
	case "":
		if strings.Contains(accept, "application/geo+json") {
			return "geojson", nil
		}
		return "json", nil
	default:
		return "", bad("format", "must be json or geojson, got %q", f)
	}
}

func articleQuery(p params) (store.ArticleQuery, error) {
	var (
		q   store.ArticleQuery
		err error
	)
	if q.Since, q.Until, err = p.timeRange(); err != nil {
		return q, err
	}
	if q.Country, err = p.country(); err != nil {
		return q, err
	}
	if q.Admin1, err = p.admin1(); err != nil {
		return q, err
	}
	if q.GeonameID, err = p.place(); err != nil {
		return q, err
	}
	if q.Near, err = p.near(); err != nil {
		return q, err
	}
	if q.Kinds, err = p.kinds(); err != nil {
		return q, err
	}
	if q.MinCount, err = p.intIn("min_count", 0, 0, MaxMinCount); err != nil {
		return q, err
	}
	if q.Text, err = p.text("q"); err != nil {
		return q, err
	}
	if q.Text != "" && len(store.Words(q.Text)) == 0 {
		return q, bad("q", "must contain at least one word")
	}
	if q.Source, err = p.text("source"); err != nil {
		return q, err
	}
	if q.Limit, err = p.intIn("limit", store.DefaultLimit, 1, store.MaxLimit); err != nil {
		return q, err
	}
	if c := p.str("cursor"); c != "" {
		cur, err := store.ParseCursor(c)
		if err != nil {
			return q, bad("cursor", "is not a cursor this API returned")
		}
		q.After = &cur
	}
	return q, nil
}
