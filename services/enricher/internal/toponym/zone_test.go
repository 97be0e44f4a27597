package toponym

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestZoneWalk checks the walk focus makes over the merged ranges of the
// casualty anchors against the plain test it replaces: a mention is near
// the evidence when it overlaps one of the ranges, in any order, touching
// or overlapping one another.
func TestZoneWalk(t *testing.T) {
	tests := []struct {
		name     string
		zones    []zone
		mentions []zone
		want     []bool
	}{
		{"none", nil, []zone{{0, 5}}, []bool{false}},
		{"before, inside, after", []zone{{10, 20}}, []zone{{0, 10}, {12, 15}, {20, 25}}, []bool{false, true, false}},
		{"straddling the ends", []zone{{10, 20}}, []zone{{5, 11}, {19, 30}}, []bool{true, true}},
		{"unsorted and touching", []zone{{30, 40}, {10, 20}, {20, 30}}, []zone{{0, 9}, {25, 26}, {39, 45}, {40, 50}}, []bool{false, true, true, false}},
		{"nested", []zone{{0, 100}, {10, 20}}, []zone{{50, 60}, {99, 120}}, []bool{true, true}},
	}
	for _, tt := range tests {
		w := zoneWalk{zs: mergeZones(slices.Clone(tt.zones))}
		for i, m := range tt.mentions {
			if got := w.overlaps(m.lo, m.hi); got != tt.want[i] {
				t.Errorf("%s: mention %v near = %v, want %v", tt.name, m, got, tt.want[i])
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 14))
	for range 5000 {
		zones := make([]zone, rng.IntN(8))
		for i := range zones {
			lo := rng.IntN(2000) - 150
			zones[i] = zone{lo, lo + 1 + rng.IntN(500)}
		}
		w := zoneWalk{zs: mergeZones(slices.Clone(zones))}
		for at := rng.IntN(50); at < 2500; {
			m := zone{at, at + 1 + rng.IntN(30)}
			want := false
			for _, z := range zones {
				if m.lo < z.hi && m.hi > z.lo {
					want = true
				}
			}
			if got := w.overlaps(m.lo, m.hi); got != want {
				t.Fatalf("zones %v, mention %v: near = %v, want %v", zones, m, got, want)
			}
			at = m.hi + rng.IntN(200)
		}
	}
}
