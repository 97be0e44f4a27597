package validate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml from the current overlays")

// The feed list is the fetcher's data and changes often: the golden files
// keep only its file name, and a placeholder for the content hash kustomize
// appends to the ConfigMap's name, so a feed edit does not need -update.
var feedsHash = regexp.MustCompile(`newsflow-feeds-[a-z0-9]{10}\b`)

func maskFeeds(o *unstructured.Unstructured) {
	if o.GetKind() != "ConfigMap" || !strings.HasPrefix(o.GetName(), "newsflow-feeds-") {
		return
	}
	data, _, _ := unstructured.NestedStringMap(o.Object, "data")
	for k := range data {
		data[k] = "<content of deploy/feeds/" + k + ">"
	}
	_ = unstructured.SetNestedStringMap(o.Object, data, "data")
}

// TestRenderGolden keeps the rendered overlays in testdata, so a change to
// the manifests shows in review as a change to what is deployed. Regenerate
// with `go test -run TestRenderGolden -update`.
func TestRenderGolden(t *testing.T) {
	for _, dir := range overlays(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			for i, o := range render(t, dir) {
				maskFeeds(o)
				data, err := yaml.Marshal(o.Object)
				if err != nil {
					t.Fatal(err)
				}
				if i > 0 {
					buf.WriteString("---\n")
				}
				buf.Write(data)
			}
			got := feedsHash.ReplaceAll(buf.Bytes(), []byte("newsflow-feeds-<hash>"))
			golden := filepath.Join("testdata", name+".golden.yaml")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("rendered %s differs from %s; inspect the difference, then run with -update", dir, golden)
			}
		})
	}
}
