package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCluster(t *testing.T) {
	// Two reports of one bombing, one unrelated report, a line the enricher
	// failed on and a line that is not JSON.
	in := strings.Join([]string{
		`{"id":"a","title":"Suicide blast at Peshawar market kills 12","text":"","source":"Dawn","published_at":"2024-03-10T08:00:00Z",` +
			`"places":[{"id":"geonames:1168197","name":"Peshawar","country":"PK","admin1_code":"03","lat":34.008,"lon":71.578,"feature_code":"PPLA","mentions":1}],` +
			`"totals":{"killed":12},"casualties":[{"kind":"killed","count":12,"min":12,"max":12,"qualifier":"exact","evidence":{"field":"title","start":0,"end":5},"evidence_text":"kills 12"}],` +
			`"focus":{"id":"geonames:1168197","name":"Peshawar","country":"PK","admin1_code":"03","lat":34.008,"lon":71.578,"feature_code":"PPLA"}}`,
		`{"id":"b","title":"Bomb explosion in Peshawar market leaves 12 dead","text":"","source":"Reuters","published_at":"2024-03-10T10:00:00Z",` +
			`"totals":{"killed":12},"focus":{"id":"geonames:1168197","name":"Peshawar","country":"PK","admin1_code":"03","lat":34.008,"lon":71.578,"feature_code":"PPLA"}}`,
		`{"id":"c","title":"Flood waters recede in Sindh","text":"","published_at":"2024-05-01T10:00:00Z","totals":{}}`,
		`{"id":"d","error":"published_at: bad date"}`,
		`not json`,
		``,
	}, "\n")
	incPath := filepath.Join(t.TempDir(), "incidents.jsonl")
	var out, errOut bytes.Buffer
	if err := runCluster(context.Background(), []string{"-incidents", incPath}, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("runCluster: %v", err)
	}
	var got []clusterOutput
	dec := json.NewDecoder(&out)
	for dec.More() {
		var o clusterOutput
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("decode output: %v", err)
		}
		got = append(got, o)
	}
	if len(got) != 3 || got[0].ID != "a" || got[1].ID != "b" || got[2].ID != "c" {
		t.Fatalf("output = %+v, want lines for a, b, c in order", got)
	}
	if got[0].IncidentID != got[1].IncidentID || got[2].IncidentID == got[0].IncidentID {
		t.Errorf("incidents = %+v, want a and b together, c apart", got)
	}
	if n := strings.Count(errOut.String(), "\n"); n != 2 {
		t.Errorf("stderr has %d lines, want 2 (the failed and the bad line):\n%s", n, errOut.String())
	}
	data, err := os.ReadFile(incPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 2 {
		t.Errorf("incidents file has %d lines, want 2", n)
	}
	// The distinct sources come from each line's source.
	if !strings.Contains(string(data), `"sources":["Dawn","Reuters"]`) {
		t.Errorf("incidents file lacks the two sources of a and b:\n%s", data)
	}
	if !strings.Contains(string(data), `"estimate":12`) {
		t.Errorf("incidents file lacks the killed estimate of 12:\n%s", data)
	}
}

func TestRunClusterBadFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := runCluster(context.Background(), []string{"extra"}, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("runCluster with a stray argument succeeded, want an error")
	}
}
