//go:build ignore

// gen_outline writes assets/outline.json, the map's base outline, from the
// Natural Earth 1:50m admin-0 countries as TopoJSON (the countries-50m.json
// file of the world-atlas npm package, version 2.0.2):
//
//	go run gen_outline.go countries-50m.json > assets/outline.json
//
// It keeps the countries whose outline touches South Asia and its
// neighbours, as flat [lon, lat, lon, lat, ...] rings rounded to 0.01°.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string            `json:"type"`
				Arcs       json.RawMessage   `json:"arcs"`
				Properties map[string]string `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

type country struct {
	Name  string      `json:"name"`
	Rings [][]float64 `json:"rings"`
}

// The region drawn: lon 55..100 E, lat 0..42 N.
const minLon, maxLon, minLat, maxLat = 55.0, 100.0, 0.0, 42.0

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen_outline.go countries-50m.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		fail(err)
	}
	arcs := make([][][2]float64, len(topo.Arcs))
	for i, arc := range topo.Arcs {
		var x, y float64
		for _, d := range arc {
			x, y = x+d[0], y+d[1]
			arcs[i] = append(arcs[i], [2]float64{
				x*topo.Transform.Scale[0] + topo.Transform.Translate[0],
				y*topo.Transform.Scale[1] + topo.Transform.Translate[1],
			})
		}
	}
	ring := func(idx []int) []float64 {
		var out []float64
		for _, i := range idx {
			pts := arcs[max(i, ^i)]
			if i < 0 {
				rev := make([][2]float64, len(pts))
				for j := range pts {
					rev[j] = pts[len(pts)-1-j]
				}
				pts = rev
			}
			for j, p := range pts {
				if j == 0 && len(out) > 0 {
					continue // arcs share their end points
				}
				out = append(out, round(p[0]), round(p[1]))
			}
		}
		return out
	}
	var out []country
	for _, g := range topo.Objects.Countries.Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				fail(err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				fail(err)
			}
		default:
			continue
		}
		c := country{Name: g.Properties["name"]}
		touches := false
		for _, p := range polys {
			for _, r := range p {
				pts := ring(r)
				for i := 0; i+1 < len(pts); i += 2 {
					if pts[i] >= minLon && pts[i] <= maxLon && pts[i+1] >= minLat && pts[i+1] <= maxLat {
						touches = true
					}
				}
				c.Rings = append(c.Rings, pts)
			}
		}
		if touches {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	doc := map[string]any{
		"attribution": "Made with Natural Earth (public domain), 1:50m admin-0 countries, via the world-atlas package 2.0.2",
		"bbox":        []float64{minLon, minLat, maxLon, maxLat},
		"countries":   out,
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(doc); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen_outline:", err)
	os.Exit(1)
}

func round(v float64) float64 { return math.Round(v*100) / 100 }
