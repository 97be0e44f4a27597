package store

import (
	"math/rand/v2"
	"slices"
	"testing"
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
