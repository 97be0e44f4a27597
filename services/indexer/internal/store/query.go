package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsflow/newsflow/pkg/events"
)

// Limits the store applies whatever the caller asks for.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Cursor is the position after the last article of a page: the sort key of
// that article (published_at to the microsecond, then id).
type Cursor struct {
	PublishedAt time.Time
	ID          string
}

// ErrBadCursor reports a cursor string this store did not write.
var ErrBadCursor = errors.New("malformed cursor")

// String encodes the cursor as an opaque URL-safe token.
func (c Cursor) String() string {
	raw := strconv.FormatInt(c.PublishedAt.UnixMicro(), 10) + ":" + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor decodes a token written by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %w", ErrBadCursor, err)
	}
	ts, id, ok := strings.Cut(string(raw), ":")
	if !ok || id == "" {
		return Cursor{}, ErrBadCursor
	}
	us, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %w", ErrBadCursor, err)
	}
	return Cursor{PublishedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// Dialect is what differs between the two databases' SQL.
type Dialect interface {
	// Placeholder returns the text of the n-th (1-based) bind parameter.
	Placeholder(n int) string
	// Time converts a time to the value stored in timestamp columns.
	Time(t time.Time) any
	// TextJoin is joined to the FROM clause for a full-text query, so the
	// text index can drive the query ("" when TextMatch needs no join).
	TextJoin() string
	// TextMatch returns a condition on articles a that is true when the
	// article matches the full-text query bound at ph.
	TextMatch(ph string) string
	// TextArg converts user text to the bound full-text query; false when it
	// holds no searchable word.
	TextArg(q string) (any, bool)
	// Day returns an expression giving the UTC day (YYYY-MM-DD) of col.
	Day(col string) string
}

// Builder accumulates a WHERE clause and its bind arguments; every value is
// a bind parameter, only column names come from fixed lists.
type Builder struct {
	d     Dialect
	Args  []any
	where []string
}

// NewBuilder returns an empty builder for d.
func NewBuilder(d Dialect) *Builder { return &Builder{d: d} }

// Arg binds v and returns its placeholder.
func (b *Builder) Arg(v any) string {
	b.Args = append(b.Args, v)
	return b.d.Placeholder(len(b.Args))
}

// Where adds a condition.
func (b *Builder) Where(cond string) { b.where = append(b.where, cond) }

// Clause returns " WHERE a AND b ..." or "".
func (b *Builder) Clause() string {
	if len(b.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(b.where, " AND ")
}

func (b *Builder) timeRange(col string, since, until time.Time) {
	if !since.IsZero() {
		b.Where(col + " >= " + b.Arg(b.d.Time(since)))
	}
	if !until.IsZero() {
		b.Where(col + " < " + b.Arg(b.d.Time(until)))
	}
}

// totalColumns maps kinds to the articles columns holding their totals.
var totalColumns = map[events.Kind]string{
	events.Killed:    "a.killed",
	events.Injured:   "a.injured",
	events.Arrested:  "a.arrested",
	events.Kidnapped: "a.kidnapped",
	events.Missing:   "a.missing",
	events.Displaced: "a.displaced",
}

// kmPerDegree is the length of one degree of latitude on a sphere of the
// Earth's mean radius.
const kmPerDegree = 6371.0088 * math.Pi / 180

// ArticlesSQL returns the query for one page of q, selecting
// a.doc, a.published_at, a.id. It fetches one row more than the page so the
// caller can tell whether a next page exists.
func ArticlesSQL(d Dialect, q ArticleQuery) (string, []any, error) {
	b := NewBuilder(d)
	// The sort key columns. With a place filter the query walks that place's
	// article_places rows in (geonameid, published_at, article_id) index
	// order, which equals the articles order, instead of scanning every
	// article for the place: fast for rare and common places alike.
	from, timeCol, idCol := "articles a", "a.published_at", "a.id"
	if q.GeonameID != 0 {
		from, timeCol, idCol = "article_places p JOIN articles a ON a.id = p.article_id", "p.published_at", "p.article_id"
		b.Where("p.geonameid = " + b.Arg(q.GeonameID))
	}
	b.timeRange(timeCol, q.Since, q.Until)
	if q.Country != "" {
		b.Where("a.country = " + b.Arg(q.Country))
	}
	if q.Admin1 != "" {
		b.Where("a.admin1 = " + b.Arg(q.Admin1))
	}
	if q.Source != "" {
		b.Where("a.source = " + b.Arg(q.Source))
	}
	if n := q.Near; n != nil {
		// A bounding box, then the equirectangular distance, which is within
		// a fraction of a percent of the great circle at the radii the API
		// allows and needs no SQL math functions.
		dLat := n.KM / kmPerDegree
		cos := math.Cos(n.Lat * math.Pi / 180)
		if cos < 0.01 {
			cos = 0.01
		}
		dLon := dLat / cos
		b.Where("a.lat BETWEEN " + b.Arg(n.Lat-dLat) + " AND " + b.Arg(n.Lat+dLat))
		b.Where("a.lon BETWEEN " + b.Arg(n.Lon-dLon) + " AND " + b.Arg(n.Lon+dLon))
		b.Where(fmt.Sprintf("((a.lat - %s) * (a.lat - %s) + (a.lon - %s) * (a.lon - %s) * %s) <= %s",
			b.Arg(n.Lat), b.Arg(n.Lat), b.Arg(n.Lon), b.Arg(n.Lon), b.Arg(cos*cos), b.Arg(dLat*dLat)))
	}
	if len(q.Kinds) > 0 || q.MinCount > 0 {
		kinds := q.Kinds
		if len(kinds) == 0 {
			kinds = events.Kinds
		}
		cols := make([]string, 0, len(kinds))
		for _, k := range kinds {
			col, ok := totalColumns[k]
			if !ok {
				return "", nil, fmt.Errorf("unknown casualty kind %q", k)
			}
			cols = append(cols, col)
		}
		min := max(q.MinCount, 1)
		b.Where("(" + strings.Join(cols, " + ") + ") >= " + b.Arg(min))
	}
	if q.Text != "" {
		if arg, ok := d.TextArg(q.Text); ok {
			from += d.TextJoin()
			b.Where(d.TextMatch(b.Arg(arg)))
		} else {
			b.Where("1 = 0")
		}
	}
	if c := q.After; c != nil {
		// Row-value comparison keeps the (published_at, id) index usable.
		b.Where("(" + timeCol + ", " + idCol + ") < (" + b.Arg(d.Time(c.PublishedAt)) + ", " + b.Arg(c.ID) + ")")
	}
	// Two phases: pick the page's rows by their narrow sort key, then fetch
	// the documents of those rows only, so a plan that must sort many
	// matches (a common word, a wide area) never sorts documents.
	page := "SELECT a.seq FROM " + from + b.Clause() +
		" ORDER BY " + timeCol + " DESC, " + idCol + " DESC LIMIT " + b.Arg(PageLimit(q.Limit)+1)
	sql := "SELECT a.doc, a.published_at, a.id FROM articles a WHERE a.seq IN (" + page + ") ORDER BY a.published_at DESC, a.id DESC"
	return sql, b.Args, nil
}

// PageLimit clamps a requested page size.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// TopPlacesSQL selects place columns then article and mention counts.
func TopPlacesSQL(d Dialect, q PlaceQuery) (string, []any) {
	b := NewBuilder(d)
	b.timeRange("p.published_at", q.Since, q.Until)
	if q.Country != "" {
		b.Where("p.country = " + b.Arg(q.Country))
	}
	inner := "SELECT p.place_id, COUNT(*) AS articles, SUM(p.mentions) AS mentions FROM article_places p" + b.Clause() +
		" GROUP BY p.place_id ORDER BY articles DESC, mentions DESC, p.place_id LIMIT " + b.Arg(PageLimit(q.Limit))
	sql := "SELECT pl.id, pl.geonameid, pl.name, pl.country, pl.admin1_code, pl.admin1_name, pl.admin2_code, pl.lat, pl.lon, pl.feature_code, t.articles, t.mentions" +
		" FROM (" + inner + ") t JOIN places pl ON pl.id = t.place_id ORDER BY t.articles DESC, t.mentions DESC, pl.id"
	return sql, b.Args
}

// SummarySQL selects key columns (country, admin1, admin1_name, day), then
// the article count, the six totals in events.Kinds order, and mean lat, lon.
func SummarySQL(d Dialect, q SummaryQuery) (string, []any, error) {
	b := NewBuilder(d)
	b.timeRange("a.published_at", q.Since, q.Until)
	if q.Country != "" {
		b.Where("a.country = " + b.Arg(q.Country))
	}
	var keys, group, order string
	switch q.GroupBy {
	case ByCountry, "":
		keys, group, order = "a.country, '', '', ''", "a.country", "n DESC, a.country"
	case ByAdmin1:
		keys, group, order = "a.country, a.admin1, MAX(a.admin1_name), ''", "a.country, a.admin1", "n DESC, a.country, a.admin1"
	case ByDay:
		day := d.Day("a.published_at")
		keys, group, order = "'', '', '', "+day, day, day
	default:
		return "", nil, fmt.Errorf("unknown group_by %q", q.GroupBy)
	}
	sql := "SELECT " + keys + ", COUNT(*) AS n, SUM(a.killed), SUM(a.injured), SUM(a.arrested), SUM(a.kidnapped), SUM(a.missing), SUM(a.displaced), AVG(a.lat), AVG(a.lon) FROM articles a" +
		b.Clause() + " GROUP BY " + group + " ORDER BY " + order
	return sql, b.Args, nil
}

// Words splits user text into the letter-and-digit words full-text search
// uses, lower-cased; punctuation and query operators are dropped so user
// input can never be read as query syntax.
func Words(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// SummaryKey builds a SummaryGroup's key and fields from its grouping.
func SummaryKey(g *SummaryGroup, by GroupBy) {
	switch by {
	case ByAdmin1:
		if g.Country != "" || g.Admin1Code != "" {
			g.Key = g.Country + "." + g.Admin1Code
		}
	case ByDay:
		g.Key = g.Day
	default:
		g.Key = g.Country
	}
}
