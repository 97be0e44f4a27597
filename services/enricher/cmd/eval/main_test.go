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

// TestRun scores a small data directory laid out like ../shared/data/eval.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("casualty/small.jsonl",
		`{"id":"c1","text":"Bomb kills 5 in Quetta","killed":5,"lat":30.19,"lon":67.01,"best_in_text":true}`+"\n"+
			`{"id":"c2","text":"Pakistan summons Indian envoy","killed":2,"lat":34.0,"lon":74.0,"best_in_text":false}`+"\n")
	write("geo/small.jsonl",
		`{"id":"g1","text":"Floods hit Karachi.","toponyms":[{"name":"Karachi","bstart":11,"bend":18,"lat":24.86,"lon":67.01}]}`+"\n")
	write("sealed.tar.gz.enc", "not json lines")

	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-data", dir, "-json"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	var results []fileResult
	if err := json.Unmarshal(out.Bytes(), &results); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want 2 (the .enc file is skipped)", len(results))
	}
	c := results[0].Casualty
	if results[0].File != filepath.Join("casualty", "small.jsonl") || c == nil {
		t.Fatalf("first result %+v", results[0])
	}
	if c.Records != 2 || c.Exact != 1 || c.BestExact != 1 || c.BestScored != 1 {
		t.Errorf("casualty score %+v", c)
	}
	if g := results[1].Geo; g == nil || g.Gold != 1 {
		t.Errorf("geo score %+v", results[1].Geo)
	}

	out.Reset()
	if err := run(context.Background(), []string{"-data", dir}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"casualty/small.jsonl", "geo/small.jsonl", "best acc", "acc@161"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunMissingDir(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-data", filepath.Join(t.TempDir(), "nope")}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "list eval files") {
		t.Fatalf("err %v", err)
	}
}
