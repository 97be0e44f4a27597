// Package builtin owns strict decoding of built-in Kubernetes kinds into the
// k8s.io/api types: an unknown or duplicate field, a wrong type or an
// unparsable quantity fails, as `kubectl apply --validate=strict` would; and
// the generic ObjectMeta checks the API server applies to every kind (name
// format, namespace, label and annotation syntax).
package builtin

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metavalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/scheme"
)

// Decoder decodes objects of the kinds client-go's scheme registers.
type Decoder struct {
	scheme *runtime.Scheme
	strict runtime.Decoder
}

// NewDecoder returns a Decoder over every built-in API group.
func NewDecoder() *Decoder {
	s := scheme.Scheme
	return &Decoder{
		scheme: s,
		strict: serializer.NewCodecFactory(s, serializer.EnableStrict).UniversalDeserializer(),
	}
}

// Knows reports whether gvk is a built-in kind in a version the scheme serves.
func (d *Decoder) Knows(gvk schema.GroupVersionKind) bool {
	return d.scheme.Recognizes(gvk)
}

// Decode strictly decodes obj into its typed Go struct.
func (d *Decoder) Decode(obj *unstructured.Unstructured) (runtime.Object, error) {
	gvk := obj.GroupVersionKind()
	if !d.Knows(gvk) {
		return nil, fmt.Errorf("%s is not a built-in kind", gvk)
	}
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	out, _, err := d.strict.Decode(data, &gvk, nil)
	if err != nil {
		return nil, fmt.Errorf("strict decode %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	m, err := meta.Accessor(out)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	nameFn := metavalidation.NameIsDNSSubdomain
	switch gvk.GroupKind() {
	case schema.GroupKind{Kind: "Service"}:
		nameFn = metavalidation.NameIsDNS1035Label
	case schema.GroupKind{Kind: "Namespace"}:
		nameFn = metavalidation.ValidateNamespaceName
	}
	if errs := metavalidation.ValidateObjectMetaAccessor(m, !clusterScoped[gvk.GroupKind()], nameFn, field.NewPath("metadata")); len(errs) > 0 {
		return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), errs.ToAggregate())
	}
	return out, nil
}

// clusterScoped lists the built-in kinds without a namespace; every other
// built-in kind needs one.
var clusterScoped = map[schema.GroupKind]bool{
	{Kind: "Namespace"}: true, {Kind: "Node"}: true, {Kind: "PersistentVolume"}: true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                       true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                true,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                                 true,
	{Group: "storage.k8s.io", Kind: "CSIDriver"}:                                    true,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                             true,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:                              true,
	{Group: "node.k8s.io", Kind: "RuntimeClass"}:                                    true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}: true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}:   true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:               true,
}
