package crd

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func crdDir() string {
	if d := os.Getenv("CRD_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "..", "shared", "crds")
}

func TestLoadDir(t *testing.T) {
	r, err := LoadDir(crdDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, gk := range []schema.GroupKind{
		{Group: "kafka.strimzi.io", Kind: "Kafka"},
		{Group: "kafka.strimzi.io", Kind: "KafkaNodePool"},
		{Group: "kafka.strimzi.io", Kind: "KafkaTopic"},
		{Group: "kafka.strimzi.io", Kind: "KafkaUser"},
		{Group: "keda.sh", Kind: "ScaledObject"},
		{Group: "keda.sh", Kind: "TriggerAuthentication"},
		{Group: "monitoring.coreos.com", Kind: "ServiceMonitor"},
		{Group: "monitoring.coreos.com", Kind: "PrometheusRule"},
		{Group: "postgresql.cnpg.io", Kind: "Cluster"},
	} {
		if !r.Knows(gk) {
			t.Errorf("%s not loaded; loaded: %s", gk, r)
		}
	}
	if r.Knows(schema.GroupKind{Group: "kafka.strimzi.io", Kind: "KafkaConnect"}) {
		t.Error("knows a kind whose CRD is not in the directory")
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := map[string]string{
		"no CRD":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		"not YAML":    "{{{",
		"schema-less": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.example.com}\nspec: {group: example.com, names: {kind: W, plural: ws}, scope: Namespaced, versions: [{name: v1, served: true, storage: true}]}\n",
		"empty":       "",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "crd.yaml"), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadDir(dir); err == nil {
				t.Error("LoadDir succeeded, want an error")
			}
		})
	}
}
