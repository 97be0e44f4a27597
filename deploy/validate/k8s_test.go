package validate

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/newsflow/newsflow/deploy/validate/internal/builtin"
	"github.com/newsflow/newsflow/deploy/validate/internal/crd"
	"github.com/newsflow/newsflow/deploy/validate/internal/manifest"
)

// crdDir is where the upstream CRDs live: CRD_DIR, or the shared directory
// beside the repository.
func crdDir() string {
	if d := os.Getenv("CRD_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "crds")
}

// newChecker loads the CRDs once per test binary: building the validators
// compiles every CEL rule, which is the slow part.
var newChecker = sync.OnceValues(func() (*Checker, error) {
	reg, err := crd.LoadDir(crdDir())
	if err != nil {
		return nil, err
	}
	return &Checker{Builtin: builtin.NewDecoder(), CRDs: reg}, nil
})

func checker(t *testing.T) *Checker {
	t.Helper()
	c, err := newChecker()
	if err != nil {
		t.Fatalf("load CRDs (set CRD_DIR to the directory holding them): %v", err)
	}
	return c
}

// overlays lists every overlay directory, so a new one is checked without
// editing this test.
func overlays(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "k8s", "overlays", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "kustomization.yaml")); err == nil {
			out = append(out, d)
		}
	}
	if len(out) < 2 {
		t.Fatalf("found overlays %v, want at least dev and prod", out)
	}
	sort.Strings(out)
	return out
}

var renderCache sync.Map // overlay dir -> []*unstructured.Unstructured

// render builds an overlay once per test binary and returns a deep copy.
func render(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	v, ok := renderCache.Load(dir)
	if !ok {
		objs, err := manifest.Build(dir)
		if err != nil {
			t.Fatal(err)
		}
		v, _ = renderCache.LoadOrStore(dir, objs)
	}
	objs := v.([]*unstructured.Unstructured)
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.DeepCopy()
	}
	return out
}

func id(o *unstructured.Unstructured) string {
	return o.GetKind() + "/" + o.GetName()
}

// TestOverlaysValidate renders every overlay and checks every object as the
// API server would accept it.
func TestOverlaysValidate(t *testing.T) {
	c := checker(t)
	for _, dir := range overlays(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			objs := render(t, dir)
			if len(objs) == 0 {
				t.Fatal("overlay rendered no objects")
			}
			kinds := map[string]int{}
			for _, o := range objs {
				kinds[o.GetKind()]++
				if err := c.Check(context.Background(), o); err != nil {
					t.Errorf("%s: %v", id(o), err)
				}
			}
			t.Logf("%d objects checked: %v", len(objs), kinds)
		})
	}
}

func decodeYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("test object: %v", err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatalf("test object: %v", err)
	}
	return u
}

// TestCheckerRejects shows the check can fail: each broken object is
// rejected for the stated reason, and each valid control passes.
func TestCheckerRejects(t *testing.T) {
	c := checker(t)
	tests := []struct {
		name    string
		doc     string
		wantErr string // empty: must pass
	}{
		{
			name: "valid Deployment",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: x, namespace: ns}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: x, image: "x:1"}]}`,
		},
		{
			name: "Deployment with a misspelt field",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: x, namespace: ns}
spec:
  replica: 2
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: x, image: "x:1"}]}`,
			wantErr: `unknown field "spec.replica"`,
		},
		{
			name: "container resources with a bad quantity",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: x, namespace: ns}
spec: {containers: [{name: x, image: "x:1", resources: {limits: {memory: "1 gigabyte"}}}]}`,
			wantErr: "quantities must match",
		},
		{
			name:    "Service name that is no DNS label",
			doc:     `{apiVersion: v1, kind: Service, metadata: {name: news.api, namespace: ns}, spec: {ports: [{port: 80}]}}`,
			wantErr: `metadata.name: Invalid value: "news.api"`,
		},
		{
			name:    "ConfigMap without a namespace",
			doc:     `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`,
			wantErr: "metadata.namespace: Required value",
		},
		{
			name:    "label value with a space",
			doc:     `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ns, labels: {app: "news flow"}}}`,
			wantErr: `metadata.labels: Invalid value: "news flow"`,
		},
		{
			name: "valid KafkaTopic",
			doc: `apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: t, namespace: ns, labels: {strimzi.io/cluster: c}}
spec: {partitions: 3, replicas: 1}`,
		},
		{
			name: "KafkaTopic with an unknown field",
			doc: `apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: t, namespace: ns}
spec: {partition: 3, replicas: 1}`,
			wantErr: "spec.partition: Forbidden: unknown field",
		},
		{
			name: "KafkaTopic in the removed v1beta2",
			doc: `apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: t, namespace: ns}
spec: {partitions: 3, replicas: 1}`,
			wantErr: `Unsupported value: "kafka.strimzi.io/v1beta2"`,
		},
		{
			name: "KafkaTopic with a string for an integer",
			doc: `apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: t, namespace: ns}
spec: {partitions: "3"}`,
			wantErr: `spec.partitions: Invalid value: "string"`,
		},
		{
			name: "KafkaUser ACL with an operation Kafka lacks",
			doc: `apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata: {name: u, namespace: ns}
spec:
  authentication: {type: scram-sha-512}
  authorization:
    type: simple
    acls: [{resource: {type: topic, name: t}, operations: [Fly]}]`,
			wantErr: `spec.authorization.acls[0].operations[0]: Unsupported value: "Fly"`,
		},
		{
			name: "ScaledObject with min above max (CEL rule)",
			doc: `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: s, namespace: ns}
spec:
  scaleTargetRef: {name: d}
  minReplicaCount: 5
  maxReplicaCount: 2
  triggers: [{type: kafka, metadata: {lagThreshold: "10"}}]`,
			wantErr: "minReplicaCount",
		},
		{
			name: "ScaledObject with a number in string metadata",
			doc: `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: s, namespace: ns}
spec:
  scaleTargetRef: {name: d}
  triggers: [{type: kafka, metadata: {lagThreshold: 10}}]`,
			wantErr: "spec.triggers[0].metadata.lagThreshold",
		},
		{
			name: "ServiceMonitor without endpoints",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: m, namespace: ns}
spec: {selector: {matchLabels: {a: b}}}`,
			wantErr: "spec.endpoints: Required value",
		},
		{
			name: "CNPG Cluster with both an image catalog and an image (CEL rule)",
			doc: `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg, namespace: ns}
spec:
  instances: 1
  imageName: ghcr.io/cloudnative-pg/postgresql:17
  imageCatalogRef: {apiGroup: postgresql.cnpg.io, kind: ImageCatalog, name: c, major: 17}
  storage: {size: 1Gi}`,
			wantErr: "imageCatalogRef",
		},
		{
			name: "CR without a namespace",
			doc: `apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: t}
spec: {partitions: 3}`,
			wantErr: "metadata.namespace: Required value",
		},
		{
			name:    "unknown kind",
			doc:     `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: ns}}`,
			wantErr: "unknown kind",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Check(context.Background(), decodeYAML(t, tt.doc))
			if err != nil {
				t.Log(err)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("valid object rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("accepted, want an error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}
