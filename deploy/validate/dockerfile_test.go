package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/newsflow/newsflow/deploy/validate/internal/dockerfile"
)

// repoRoot is the repository root, two levels up from deploy/validate.
var repoRoot = filepath.Join("..", "..")

var services = []string{"fetcher", "enricher", "indexer"}

// workspace lists the module directories go.work uses, slash-separated and
// relative to the repository root ("pkg", "services/fetcher", ...).
func workspace(t *testing.T) []string {
	t.Helper()
	name := filepath.Join(repoRoot, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := modfile.ParseWork(name, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	for _, u := range wf.Use {
		mods = append(mods, path.Clean(filepath.ToSlash(u.Path)))
	}
	if len(mods) == 0 {
		t.Fatal("go.work uses no module")
	}
	return mods
}

// repo is what a Dockerfile is checked against: the workspace's modules and
// which optional files exist in the repository.
type repo struct {
	modules []string
	exists  func(rel string) bool
}

func realRepo(t *testing.T) repo {
	return repo{modules: workspace(t), exists: func(rel string) bool {
		_, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(rel)))
		return err == nil
	}}
}

// TestDockerfiles checks deploy/Dockerfile, once for each service it builds
// (SERVICE set to the service's name), against go.work: every workspace
// module's go.mod (and go.sum, if it has one) is copied, so the workspace
// build cannot fail on a module added later, the build is static
// (CGO_ENABLED=0) and the image runs as non-root from a pinned base.
func TestDockerfiles(t *testing.T) {
	r := realRepo(t)
	text, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "ARG SERVICE") {
		t.Fatal("deploy/Dockerfile declares no ARG SERVICE")
	}
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			df, err := dockerfile.Parse(strings.NewReader(strings.ReplaceAll(string(text), "${SERVICE}", svc)))
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range dockerfileProblems(df, svc, r) {
				t.Error(err)
			}
		})
	}
}

// TestDockerfileProblemsDetects runs the same check on a Dockerfile with
// every mistake it looks for, to show each one is caught.
func TestDockerfileProblemsDetects(t *testing.T) {
	df, err := dockerfile.ParseFile(filepath.Join("testdata", "broken.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	r := repo{
		modules: []string{"pkg", "services/fetcher", "e2e"},
		exists:  func(rel string) bool { return rel != "e2e/go.sum" && rel != "go.work.sum" },
	}
	got := fmt.Sprint(dockerfileProblems(df, "fetcher", r))
	for _, want := range []string{
		`"e2e/go.mod" is not copied`,
		`"pkg/go.mod" is copied to "./", not to its own directory`,
		"CGO_ENABLED is \"1\"",
		`golang:latest`,
		`alpine has no tag`,
		"runs as root",
		"org.opencontainers.image.source",
		"ENTRYPOINT",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q:\n%s", want, got)
		}
	}
}

func dockerfileProblems(df *dockerfile.File, svc string, r repo) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	stageNames := map[string]bool{}
	for _, st := range df.Stages {
		img := df.ImageOf(st)
		if !stageNames[img] {
			if problem := imageProblem(img); problem != "" {
				bad("line %d: FROM %s %s", st.Line, img, problem)
			}
		}
		if st.Name != "" {
			stageNames[st.Name] = true
		}
	}
	if len(df.Stages) < 2 {
		bad("single stage: want a build stage and a minimal runtime stage")
		return errs
	}

	// The build stage is the one that runs go build.
	var build *dockerfile.Stage
	var buildCmd string
	for i, st := range df.Stages {
		for _, in := range st.Instructions {
			if in.Cmd == "RUN" && strings.Contains(in.Raw, "go build") {
				build, buildCmd = &df.Stages[i], in.Raw
			}
		}
	}
	if build == nil {
		bad("no stage runs go build")
		return errs
	}
	cgo, _ := build.Env("CGO_ENABLED")
	if m := regexp.MustCompile(`CGO_ENABLED=(\S+)`).FindStringSubmatch(buildCmd); m != nil {
		cgo = m[1]
	}
	if cgo != "0" {
		bad("build stage: CGO_ENABLED is %q, want \"0\" for a static binary", cgo)
	}
	if !regexp.MustCompile(`\s\./services/` + svc + `(\s|$)`).MatchString(buildCmd + " ") {
		bad("build stage: go build does not build ./services/%s", svc)
	}

	copies := build.Copies()
	need := []string{"go.work"}
	for _, m := range r.modules {
		need = append(need, m+"/go.mod")
		if r.exists(m + "/go.sum") {
			need = append(need, m+"/go.sum")
		}
	}
	if r.exists("go.work.sum") {
		need = append(need, "go.work.sum")
	}
	for _, p := range need {
		checkCopied(p, copies, bad)
	}
	// The sources compiled: the shared module and the service.
	for _, dir := range []string{"pkg", "services/" + svc} {
		checkCopied(dir+"/main.go", copies, bad)
	}

	final := df.Stages[len(df.Stages)-1]
	user := ""
	if in := final.Last("USER"); in != nil && len(in.Args) > 0 {
		user, _, _ = strings.Cut(in.Args[0], ":")
	} else if strings.HasSuffix(df.ImageOf(final), ":nonroot") {
		user = "nonroot"
	}
	if user == "" || user == "root" || user == "0" {
		bad("final stage runs as root (user %q): want USER nonroot or a numeric non-zero uid", user)
	}
	var fromBuild bool
	for _, c := range final.Copies() {
		fromBuild = fromBuild || (c.From != "" && c.From == build.Name)
	}
	if !fromBuild {
		bad("final stage does not copy the binary from the build stage")
	}
	labels := map[string]bool{}
	for _, in := range final.Instructions {
		if in.Cmd == "LABEL" {
			for _, a := range in.Args {
				if k, _, ok := strings.Cut(a, "="); ok {
					labels[k] = true
				}
			}
		}
	}
	for _, l := range []string{"title", "description", "source", "version", "revision"} {
		if !labels["org.opencontainers.image."+l] {
			bad("final stage lacks the OCI label org.opencontainers.image.%s", l)
		}
	}
	if in := final.Last("ENTRYPOINT"); in == nil || !strings.HasPrefix(in.Raw, "[") {
		bad("final stage: ENTRYPOINT missing or in shell form (there is no shell in the image)")
	}
	return errs
}

// checkCopied reports whether a COPY from the build context brings file p
// to the same relative path under WORKDIR, where go.work expects it.
func checkCopied(p string, copies []dockerfile.Copy, bad func(string, ...any)) {
	for _, c := range copies {
		if c.From != "" {
			continue
		}
		for _, src := range c.Sources {
			src = strings.TrimPrefix(src, "./")
			dir := strings.TrimSuffix(src, "/")
			var wantDest string
			switch {
			case src == "." || src == "":
				wantDest = "."
			case strings.HasPrefix(p, dir+"/"):
				wantDest = dir
			default:
				if ok, _ := path.Match(src, p); !ok {
					continue
				}
				wantDest = path.Dir(p)
			}
			if dest := path.Clean(strings.TrimPrefix(c.Dest, "./")); dest != wantDest {
				bad("line %d: %q is copied to %q, not to its own directory %q", c.Line, p, c.Dest, wantDest+"/")
			}
			return
		}
	}
	bad("%q is not copied from the build context", p)
}

// TestDockerignore checks that .dockerignore keeps in everything the
// builds read: go.work, every module's go.mod and go.sum, and every file of
// pkg and the services that is not a test.
func TestDockerignore(t *testing.T) {
	f, err := os.Open(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ig, err := dockerfile.ParseIgnore(f)
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.work", "go.work.sum"}
	for _, m := range workspace(t) {
		needed = append(needed, m+"/go.mod", m+"/go.sum")
	}
	for _, dir := range append([]string{"pkg"}, prefixed("services/", services)...) {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			// Tests, and the local build outputs .gitignore also ignores.
			generated := strings.HasSuffix(rel, ".test") || strings.HasSuffix(rel, ".prof")
			if !d.IsDir() && !strings.HasSuffix(rel, "_test.go") && !generated {
				needed = append(needed, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range needed {
		if ig.Excluded(p) {
			t.Errorf(".dockerignore excludes %s, which the image build needs", p)
		}
	}
	for _, p := range []string{".git/config", "bin/fetcher", "var/newsflow.db", "pkg/events/events_test.go"} {
		if !ig.Excluded(p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
