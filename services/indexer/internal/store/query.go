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
	// TextMinSeq returns a condition that lets the text index skip entries
	// of articles older than minSeq, a query giving the smallest a.seq the
	// other filters allow (it reuses their parameters, so it suits only a
	// dialect with numbered ones); "" when the index cannot use it.
	TextMinSeq(minSeq string) string
	// TextArg converts user text to the bound full-text query; false when it
	// holds no searchable word.
	TextArg(q string) (any, bool)
	// Day returns an expression giving the UTC day (YYYY-MM-DD) of col.
	Day(col string) string
	// Cell returns the grid cell expression of the articles_cell index
	// (see CellOf) over the given latitude and longitude columns.
	Cell(lat, lon string) string
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

// Plan is one way to answer an articles query.
type Plan struct {
	SQL  string
	Args []any
	// Final plans give the answer whatever they return. Other plans look at
	// a bounded part of the data: their answer holds only when it fills the
	// page (the limit plus the one extra row); otherwise the next plan runs.
	Final bool
	// Guard, when set, is a query (with GuardArgs) returning one boolean:
	// the plan runs, as a final one, only when it is true.
	Guard     string
	GuardArgs []any
}

// PlanOptions are what ArticlePlans needs to know about the store.
type PlanOptions struct {
	// Newest is the latest published_at stored, the anchor of the time
	// windows when the query has neither an upper bound nor a cursor.
	Newest time.Time
	// WindowText also windows full-text queries: for a store whose text
	// index returns every match before the other filters apply (SQLite),
	// so common words cost time in proportion to the whole archive.
	WindowText bool
	// FewText gives a query of text alone (TextOnly) two bounded plans
	// before the planner's own: the newest textScan articles with the text
	// applied to them, and, when a count of its matches stopping at
	// fewMatches + 1 finds at most fewMatches, all of them sorted. For a
	// store whose planner may walk the whole time order looking for a rare
	// word (PostgreSQL estimates an unknown word at 0.5% of rows).
	FewText bool
	// TextShare is the share of articles the store's statistics expect
	// to match the text, or 0 when they cannot tell (a word they do not
	// list among the common ones). It orders FewText's plans: a share that
	// fills the page within the newest textScan articles takes that scan
	// first; a smaller one measured by the statistics goes straight to the
	// planner's own plan, as the planner's estimate is then right (its
	// sort of a few hundred matches beats both the scan and the count); an
	// unknown share counts first, since the scan would read textScan rows
	// in vain for a rare word.
	TextShare float64
}

// TextOnly reports whether q's only filters are its text and time bounds:
// the queries FewText plans, for which the planner has no index but the
// time order and the text index to choose from.
func TextOnly(q ArticleQuery) bool {
	return q.Text != "" && q.Country == "" && q.Admin1 == "" && q.Source == "" && q.GeonameID == 0 && q.Near == nil &&
		len(q.Kinds) == 0 && q.MinCount == 0
}

// textScan is how many of the newest articles the first FewText plan reads.
const textScan = 20_000

// fewMatches is the most full-text matches the FewText plan sorts; the
// count costs up to this many row reads for a common word.
const fewMatches = 200

// Windows are the time spans, back from the query's upper bound, that
// ArticlePlans tries before the unbounded plan; each costs up to a walk of
// the articles published in it. One week: a longer window only pays off for
// matches too sparse to fill a page in a week yet too many for the
// unbounded plan, and those are rare (a word in 0.3% of a million articles
// is 3,000 matches, which the full-text index returns in milliseconds).
var Windows = []time.Duration{7 * 24 * time.Hour}

// ArticlePlans returns the plans for q, to be tried in order until one
// answers (the last is always Final).
//
// Near and (with WindowText) full-text queries first look at recent
// windows: the newest matches of a page are exactly the newest matches
// published after a window's start when the window holds a full page of
// them. Then a near query reads the grid cells its circle touches, which
// is fast where matches are sparse (a circle that finds few matches in a
// week is sparse), and a text query runs unbounded.
func ArticlePlans(d Dialect, q ArticleQuery, o PlanOptions) ([]Plan, error) {
	var plans []Plan
	if q.Near != nil || (q.Text != "" && o.WindowText) {
		anchor := o.Newest
		switch {
		case q.After != nil:
			anchor = q.After.PublishedAt
		case !q.Until.IsZero():
			anchor = q.Until
		}
		for _, w := range Windows {
			lo := anchor.Add(-w)
			if anchor.IsZero() || (!q.Since.IsZero() && !lo.After(q.Since)) {
				break
			}
			wq := q
			wq.Since = lo
			sql, args, err := articlesSQL(d, wq, planOpts{})
			if err != nil {
				return nil, err
			}
			plans = append(plans, Plan{SQL: sql, Args: args})
		}
	}
	// Only for text alone (and time bounds): with other filters the
	// planner has an index to walk that bounds the search.
	if o.FewText && TextOnly(q) {
		// The newest textScan articles: a common word fills the page there,
		// and this walk is cheaper than asking the text index.
		scan, args, err := articlesSQL(d, q, planOpts{scan: textScan})
		if err != nil {
			return nil, err
		}
		scanPlan := Plan{SQL: scan, Args: args}
		// At most fewMatches matches: sort them all.
		guard, gargs, err := articlesSQL(d, q, planOpts{count: fewMatches})
		if err != nil {
			return nil, err
		}
		sql, args, err := articlesSQL(d, q, planOpts{materialize: true})
		if err != nil {
			return nil, err
		}
		fewPlan := Plan{SQL: sql, Args: args, Guard: guard, GuardArgs: gargs}
		switch expect := o.TextShare * textScan; {
		case o.TextShare == 0:
			plans = append(plans, fewPlan, scanPlan)
		case expect >= 2*float64(PageLimit(q.Limit)+1):
			// Twice the page: the page still fills when the true share is
			// half the estimate.
			plans = append(plans, scanPlan, fewPlan)
		}
	}
	var opts planOpts
	if q.Near != nil {
		if cells, ok := CoveringCells(*q.Near); ok {
			opts.cells = cells
		}
	}
	sql, args, err := articlesSQL(d, q, opts)
	if err != nil {
		return nil, err
	}
	return append(plans, Plan{SQL: sql, Args: args, Final: true}), nil
}

// nearMaxCells is the most grid cells the per-cell near plan reads; wider
// circles walk the time order, where their matches are dense.
const nearMaxCells = 36

// planOpts selects how articlesSQL reads a near filter.
type planOpts struct {
	// cells reads each grid cell in time order, stopping at the page size
	// in each, and merges them.
	cells []int64
	// count makes the query a guard instead: whether at most count rows
	// match, counting no further.
	count int
	// scan reads the newest scan rows matching the filters other than the
	// text, in time order, and applies the text to those.
	scan int
	// materialize collects every match before sorting them, so the planner
	// cannot choose to walk the time order.
	materialize bool
}

// CellOf is the grid cell number of a position, as Dialect.Cell computes it
// in SQL: floor(lat + 90) * 360 + floor(lon + 180), one-degree cells.
func CellOf(lat, lon float64) int64 {
	return int64(math.Floor(lat+90))*360 + int64(math.Floor(lon+180))
}

// CoveringCells lists the grid cells that the bounding box of c touches;
// false when they are too many for the per-cell plan or the box crosses the
// antimeridian or a pole.
func CoveringCells(c Circle) ([]int64, bool) {
	dLat, dLon := nearDeltas(c)
	minLat, maxLat, minLon, maxLon := c.Lat-dLat, c.Lat+dLat, c.Lon-dLon, c.Lon+dLon
	if minLat < -90 || maxLat >= 90 || minLon < -180 || maxLon >= 180 {
		return nil, false
	}
	la0, la1 := int64(math.Floor(minLat+90)), int64(math.Floor(maxLat+90))
	lo0, lo1 := int64(math.Floor(minLon+180)), int64(math.Floor(maxLon+180))
	if (la1-la0+1)*(lo1-lo0+1) > nearMaxCells {
		return nil, false
	}
	var cells []int64
	for la := la0; la <= la1; la++ {
		for lo := lo0; lo <= lo1; lo++ {
			cells = append(cells, la*360+lo)
		}
	}
	return cells, true
}

// nearDeltas is the half-height and half-width in degrees of c's box.
func nearDeltas(c Circle) (dLat, dLon float64) {
	dLat = c.KM / kmPerDegree
	return dLat, dLat / nearCos(c)
}

func nearCos(c Circle) float64 {
	cos := math.Cos(c.Lat * math.Pi / 180)
	if cos < 0.01 {
		cos = 0.01
	}
	return cos
}

func articlesSQL(d Dialect, q ArticleQuery, o planOpts) (string, []any, error) {
	b := NewBuilder(d)
	var textCond string // the text condition, when o.scan applies it outside
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
			minSeq := "SELECT MIN(a.seq + 0) FROM " + from + b.Clause()
			if o.scan > 0 {
				textCond = d.TextMatch(b.Arg(arg))
			} else {
				from += d.TextJoin()
				b.Where(d.TextMatch(b.Arg(arg)))
			}
			// The smallest seq among the rows the other filters allow, a
			// bound the text index can seek to; worth it when they bound
			// the time (otherwise they reach back to the oldest article).
			if !q.Since.IsZero() {
				if cond := d.TextMinSeq(minSeq); cond != "" {
					b.Where(cond)
				}
			}
		} else {
			b.Where("1 = 0")
		}
	}
	if c := q.After; c != nil {
		// Row-value comparison keeps the (published_at, id) index usable.
		b.Where("(" + timeCol + ", " + idCol + ") < (" + b.Arg(d.Time(c.PublishedAt)) + ", " + b.Arg(c.ID) + ")")
	}
	limit := PageLimit(q.Limit) + 1
	order := " ORDER BY " + timeCol + " DESC, " + idCol + " DESC LIMIT "
	// Two phases: pick the page's rows by their narrow sort key, then fetch
	// the documents of those rows only, so a plan that must sort many
	// matches (a common word, a wide area) never sorts documents.
	var page string
	switch n := q.Near; {
	case n != nil && len(o.cells) > 0:
		// Each cell in time order, stopping at the page size, then merged:
		// the cells cover the circle's box, so every match is in one.
		nearWhere(b, *n, "a.lat", "a.lon")
		parts := make([]string, len(o.cells))
		for i, cell := range o.cells {
			parts[i] = "SELECT * FROM (SELECT a.seq, " + timeCol + " AS t, " + idCol + " AS k FROM " + from + b.Clause() +
				" AND " + d.Cell("a.lat", "a.lon") + " = " + b.Arg(cell) + order + b.Arg(limit) + ") c" + strconv.Itoa(i)
		}
		page = "SELECT u.seq FROM (" + strings.Join(parts, " UNION ALL ") + ") u ORDER BY u.t DESC, u.k DESC LIMIT " + b.Arg(limit)
	case o.scan > 0 && textCond != "":
		// The planner's own walk of the time order with the text as a
		// filter, bounded by the inner LIMIT; the outer walk keeps the inner
		// order, so it stops at the page size. The inner query returns whole
		// rows (the planner replaces the columns nobody reads by NULL,
		// EXPLAIN VERBOSE shows) under the name
		// a, so the text is tested on the row the walk already read: joining
		// back to articles by seq read every row twice (25 ms instead of 8
		// for a pair of common words over a million articles).
		inner := "SELECT a.* FROM " + from + b.Clause() + order + b.Arg(o.scan)
		page = "SELECT a.seq FROM (" + inner + ") a WHERE " + textCond + order + b.Arg(limit)
	case o.count > 0:
		if n != nil {
			nearWhere(b, *n, "a.lat", "a.lon")
		}
		return "SELECT COUNT(*) <= " + b.Arg(o.count) + " FROM (SELECT 1 FROM " + from + b.Clause() + " LIMIT " + b.Arg(o.count+1) + ") g", b.Args, nil
	case o.materialize:
		if n != nil {
			nearWhere(b, *n, "a.lat", "a.lon")
		}
		page = "WITH m AS MATERIALIZED (SELECT a.seq, " + timeCol + " AS t, " + idCol + " AS k FROM " + from + b.Clause() +
			") SELECT m.seq FROM m ORDER BY m.t DESC, m.k DESC LIMIT " + b.Arg(limit)
	default:
		if n != nil {
			nearWhere(b, *n, "a.lat", "a.lon")
		}
		page = "SELECT a.seq FROM " + from + b.Clause() + order + b.Arg(limit)
	}
	sql := "SELECT a.doc, a.published_at, a.id FROM articles a WHERE a.seq IN (" + page + ") ORDER BY a.published_at DESC, a.id DESC"
	return sql, b.Args, nil
}

// nearWhere adds the circle's conditions on the lat and lon columns given:
// a bounding box, then the equirectangular distance, which is within a
// fraction of a percent of the great circle at the radii the API allows and
// needs no SQL math functions.
func nearWhere(b *Builder, n Circle, lat, lon string) {
	dLat, dLon := nearDeltas(n)
	cos := nearCos(n)
	b.Where(lat + " BETWEEN " + b.Arg(n.Lat-dLat) + " AND " + b.Arg(n.Lat+dLat))
	b.Where(lon + " BETWEEN " + b.Arg(n.Lon-dLon) + " AND " + b.Arg(n.Lon+dLon))
	b.Where(fmt.Sprintf("((%s - %s) * (%s - %s) + (%s - %s) * (%s - %s) * %s) <= %s",
		lat, b.Arg(n.Lat), lat, b.Arg(n.Lat), lon, b.Arg(n.Lon), lon, b.Arg(n.Lon), b.Arg(cos*cos), b.Arg(dLat*dLat)))
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
	return summarySQL(d, q, "articles", "published_at", "")
}

// summarySQL groups the rows of table, which has the country, admin1,
// admin1_name, lat, lon and six kind columns of both articles and
// incidents, by q.GroupBy over timeCol. extra are further sums selected
// between the row count and the kinds.
func summarySQL(d Dialect, q SummaryQuery, table, timeCol, extra string) (string, []any, error) {
	b := NewBuilder(d)
	b.timeRange("t."+timeCol, q.Since, q.Until)
	if q.Country != "" {
		b.Where("t.country = " + b.Arg(q.Country))
	}
	var keys, group, order string
	switch q.GroupBy {
	case ByCountry, "":
		keys, group, order = "t.country, '', '', ''", "t.country", "n DESC, t.country"
	case ByAdmin1:
		keys, group, order = "t.country, t.admin1, MAX(t.admin1_name), ''", "t.country, t.admin1", "n DESC, t.country, t.admin1"
	case ByDay:
		day := d.Day("t." + timeCol)
		keys, group, order = "'', '', '', "+day, day, day
	default:
		return "", nil, fmt.Errorf("unknown group_by %q", q.GroupBy)
	}
	sql := "SELECT " + keys + ", COUNT(*) AS n, " + extra + "SUM(t.killed), SUM(t.injured), SUM(t.arrested), SUM(t.kidnapped), SUM(t.missing), SUM(t.displaced), AVG(t.lat), AVG(t.lon) FROM " + table + " t" +
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
