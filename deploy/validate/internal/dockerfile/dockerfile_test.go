package dockerfile

import (
	"reflect"
	"strings"
	"testing"
)

const sample = `# syntax=docker/dockerfile:1
ARG GO=1.26.8
FROM --platform=$BUILDPLATFORM golang:${GO}-bookworm AS build
ENV CGO_ENABLED=0 GOFLAGS="-buildvcs=false"
ENV LEGACY some value
COPY go.work go.work.su[m] ./
COPY --link pkg/go.mod \
     # a comment inside a continuation is dropped
     pkg/
RUN --mount=type=cache,target=/go/pkg/mod \
    go build -o /out/x ./services/x

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/x /x
USER nonroot:nonroot
ENTRYPOINT ["/x", "serve"]
`

func TestParse(t *testing.T) {
	f, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Stages) != 2 {
		t.Fatalf("%d stages, want 2", len(f.Stages))
	}
	build, final := f.Stages[0], f.Stages[1]
	if build.Name != "build" || f.ImageOf(build) != "golang:1.26.8-bookworm" || build.Line != 3 {
		t.Errorf("build stage = %q %q line %d", build.Name, f.ImageOf(build), build.Line)
	}
	if v, _ := build.Env("CGO_ENABLED"); v != "0" {
		t.Errorf("CGO_ENABLED = %q", v)
	}
	if v, _ := build.Env("GOFLAGS"); v != "-buildvcs=false" {
		t.Errorf("GOFLAGS = %q", v)
	}
	if v, _ := build.Env("LEGACY"); v != "some value" {
		t.Errorf("LEGACY = %q", v)
	}
	if _, ok := build.Env("MISSING"); ok {
		t.Error("MISSING found")
	}
	wantCopies := []Copy{
		{Line: 6, Sources: []string{"go.work", "go.work.su[m]"}, Dest: "./"},
		{Line: 7, Sources: []string{"pkg/go.mod"}, Dest: "pkg/"},
	}
	if got := build.Copies(); !reflect.DeepEqual(got, wantCopies) {
		t.Errorf("copies = %+v, want %+v", got, wantCopies)
	}
	run := build.Last("RUN")
	if run == nil || run.Line != 10 || !reflect.DeepEqual(run.Flags, []string{"--mount=type=cache,target=/go/pkg/mod"}) ||
		!strings.Contains(run.Raw, "go build -o /out/x ./services/x") {
		t.Errorf("RUN = %+v", run)
	}
	if c := final.Copies(); len(c) != 1 || c[0].From != "build" {
		t.Errorf("final copies = %+v", c)
	}
	if e := final.Last("ENTRYPOINT"); e == nil || !reflect.DeepEqual(e.Args, []string{"/x", "serve"}) {
		t.Errorf("ENTRYPOINT = %+v", e)
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"no FROM":            "RUN true\n",
		"empty":              "",
		"FROM without image": "FROM\n",
		"bad FROM":           "FROM a b\n",
		"heredoc":            "FROM a\nRUN <<EOF\necho\nEOF\n",
		"escape directive":   "# escape=`\nFROM a\n",
		"dangling continue":  "FROM a\nRUN true \\\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(text)); err == nil {
				t.Errorf("Parse(%q) succeeded, want an error", text)
			}
		})
	}
}

func TestIgnore(t *testing.T) {
	ig, err := ParseIgnore(strings.NewReader(`
# comment
.git
/bin
deploy/*
!deploy/validate
**/*_test.go
**/testdata
*.md
!README.md
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		".git/config":                  true,
		"bin/fetcher":                  true,
		"services/bin/x":               false, // /bin anchors at the root
		"deploy/k8s/base/x.yaml":       true,
		"deploy/validate/go.mod":       false,
		"pkg/events/events_test.go":    true,
		"pkg/events/events.go":         false,
		"pkg/events/testdata/a.json":   true,
		"testdata/a.json":              true, // ** also matches no directory
		"NOTES.md":                     true,
		"README.md":                    false,
		"docs/NOTES.md":                false, // * does not cross /
		"go.work":                      false,
		"services/fetcher/main.go":     false,
		"services/fetcher/testdatax/a": false,
	}
	for p, want := range tests {
		if got := ig.Excluded(p); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", p, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("FROM a AS b\nCOPY [\"x\", \"y\"]\nRUN [broken json\n")
	f.Add("ARG A\nFROM $A\nENV X=\"1\" Y\n")
	f.Fuzz(func(t *testing.T, text string) {
		df, err := Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, st := range df.Stages {
			if st.Image == "" {
				t.Errorf("stage at line %d has no image", st.Line)
			}
			_ = df.ImageOf(st)
			for _, c := range st.Copies() {
				if c.Dest == "" {
					t.Errorf("COPY at line %d has no destination", c.Line)
				}
			}
		}
	})
}

func FuzzIgnore(f *testing.F) {
	f.Add("**/*.go\n!a/b.go\n[a-\n", "a/b.go")
	f.Add("deploy/*\n", "deploy/x")
	f.Fuzz(func(t *testing.T, patterns, path string) {
		ig, err := ParseIgnore(strings.NewReader(patterns))
		if err != nil {
			return
		}
		_ = ig.Excluded(path)
	})
}
