package store

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCoveringCells(t *testing.T) {
	tests := map[string]struct {
		c    Circle
		ok   bool
		want int // cells, when ok
	}{
		"small, inside one cell": {Circle{Lat: 24.5, Lon: 67.5, KM: 10}, true, 1},
		"small, on a corner":     {Circle{Lat: 25, Lon: 67, KM: 10}, true, 4},
		"50 km at Karachi":       {Circle{Lat: 24.86, Lon: 67.01, KM: 50}, true, 4},
		"too wide":               {Circle{Lat: 28, Lon: 75, KM: 1000}, false, 0},
		"crosses antimeridian":   {Circle{Lat: 0, Lon: 179.9, KM: 50}, false, 0},
		"crosses a pole":         {Circle{Lat: 89.9, Lon: 0, KM: 50}, false, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cells, ok := CoveringCells(tc.c)
			if ok != tc.ok || (ok && len(cells) != tc.want) {
				t.Errorf("CoveringCells = %v, %v; want %d cells, %v", cells, ok, tc.want, tc.ok)
			}
		})
	}
}

// Every point the near filter accepts lies in one of the covering cells.
func TestCoveringCellsHoldTheCircle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		c := Circle{Lat: r.Float64()*160 - 80, Lon: r.Float64()*350 - 175, KM: 1 + r.Float64()*300}
		cells, ok := CoveringCells(c)
		if !ok {
			continue
		}
		dLat, dLon := nearDeltas(c)
		for range 50 {
			lat, lon := c.Lat+(r.Float64()*2-1)*dLat, c.Lon+(r.Float64()*2-1)*dLon
			if !slices.Contains(cells, CellOf(lat, lon)) {
				t.Fatalf("circle %+v: point %v,%v in cell %d, not in %v", c, lat, lon, CellOf(lat, lon), cells)
			}
		}
		// The box's corners too: the SQL box test is inclusive.
		for _, p := range [][2]float64{{c.Lat - dLat, c.Lon - dLon}, {c.Lat + dLat, c.Lon + dLon}} {
			if !slices.Contains(cells, CellOf(p[0], p[1])) {
				t.Fatalf("circle %+v: corner %v not covered", c, p)
			}
		}
	}
}

func TestCellOf(t *testing.T) {
	tests := []struct {
		lat, lon float64
		want     int64
	}{
		{0, 0, 90*360 + 180},
		{-0.5, -0.5, 89*360 + 179},
		{24.86, 67.01, 114*360 + 247},
		{-90, -180, 0},
	}
	for _, tc := range tests {
		if got := CellOf(tc.lat, tc.lon); got != tc.want {
			t.Errorf("CellOf(%v, %v) = %d, want %d", tc.lat, tc.lon, got, tc.want)
		}
	}
}

// testDialect is a PostgreSQL-like dialect for checking the plans' shape.
type testDialect struct{}

func (testDialect) Placeholder(n int) string     { return "$" + strconv.Itoa(n) }
func (testDialect) Time(t time.Time) any         { return t }
func (testDialect) TextJoin() string             { return "" }
func (testDialect) TextMatch(ph string) string   { return "a.search @@ " + ph }
func (testDialect) TextMinSeq(string) string     { return "" }
func (testDialect) TextArg(q string) (any, bool) { return q, q != "" }
func (testDialect) Day(col string) string        { return col }
func (testDialect) Cell(lat, lon string) string  { return lat + "," + lon }

// TestArticlePlansTextOrder checks which full-text plans FewText adds and
// in which order: the scan of the newest articles ("scan"), the guarded
// sort of few matches ("few"), the planner's own ("final").
func TestArticlePlansTextOrder(t *testing.T) {
	few := PlanOptions{FewText: true}
	share := func(f float64) PlanOptions { return PlanOptions{FewText: true, TextShare: f} }
	// The page is 51 rows; the scan reads 20,000: a share of 0.0051 or
	// more expects two pages there.
	tests := []struct {
		name string
		q    ArticleQuery
		o    PlanOptions
		want []string
	}{
		{"common word", ArticleQuery{Text: "flood"}, share(0.09), []string{"scan", "few", "final"}},
		{"two common words", ArticleQuery{Text: "bombing market"}, share(0.0081), []string{"scan", "few", "final"}},
		{"just enough for the scan", ArticleQuery{Text: "x"}, share(0.0051), []string{"scan", "few", "final"}},
		{"measured and few", ArticleQuery{Text: "bombing market flood"}, share(0.0007), []string{"final"}},
		{"larger page", ArticleQuery{Text: "flood", Limit: 500}, share(0.0081), []string{"final"}},
		{"unknown share", ArticleQuery{Text: "flood"}, few, []string{"few", "scan", "final"}},
		{"text and time", ArticleQuery{Text: "flood", Since: time.Unix(0, 0)}, few, []string{"few", "scan", "final"}},
		{"text and country", ArticleQuery{Text: "flood", Country: "PK"}, few, []string{"final"}},
		{"without FewText", ArticleQuery{Text: "flood"}, PlanOptions{}, []string{"final"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plans, err := ArticlePlans(testDialect{}, tt.q, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range plans {
				switch {
				case p.Final:
					got = append(got, "final")
				case p.Guard != "" && strings.Contains(p.SQL, "MATERIALIZED"):
					got = append(got, "few")
				case strings.Contains(p.SQL, "SELECT a.* FROM articles a"):
					got = append(got, "scan")
				default:
					got = append(got, "unknown")
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("plans %v, want %v", got, tt.want)
			}
		})
	}
}
