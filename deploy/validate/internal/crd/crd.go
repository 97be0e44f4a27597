// Package crd owns validating custom resources offline against the real
// CustomResourceDefinitions, with the same code the API server runs on create:
// structural pruning (unknown fields), defaulting, OpenAPI schema validation,
// embedded ObjectMeta checks, list-type invariants and CEL
// x-kubernetes-validations rules.
package crd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured/unstructuredscheme"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Registry holds a validator for every version each loaded CRD serves.
type Registry struct {
	versions map[schema.GroupVersionKind]*version
	// kinds maps a group and kind to the versions its CRD serves, for
	// telling "wrong version" apart from "unknown kind".
	kinds map[schema.GroupKind][]string
}

type version struct {
	structural *structuralschema.Structural
	validate   func(ctx context.Context, u *unstructured.Unstructured) field.ErrorList
}

// LoadDir reads every *.yaml and *.yml file in dir and registers each
// CustomResourceDefinition it contains. Documents of other kinds are ignored,
// so the directory may hold a README or bundles.
func LoadDir(dir string) (*Registry, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil {
		return nil, fmt.Errorf("list CRDs in %s: %w", dir, err)
	}
	sort.Strings(names)
	r := &Registry{versions: map[schema.GroupVersionKind]*version{}, kinds: map[schema.GroupKind][]string{}}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read CRD file: %w", err)
		}
		if err := r.add(data); err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
	}
	if len(r.versions) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition found in %s", dir)
	}
	return r, nil
}

// add registers every CRD in a multi-document YAML stream.
func (r *Registry) add(data []byte) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var crd apiextensionsv1.CustomResourceDefinition
		err := dec.Decode(&crd)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		if err := r.addCRD(&crd); err != nil {
			return fmt.Errorf("CRD %s: %w", crd.Name, err)
		}
	}
}

func (r *Registry) addCRD(crd *apiextensionsv1.CustomResourceDefinition) error {
	gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		r.kinds[gk] = append(r.kinds[gk], v.Name)
		gvk := gk.WithVersion(v.Name)
		vv, err := newVersion(crd, v, gvk)
		if err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
		r.versions[gvk] = vv
	}
	return nil
}

// newVersion prepares the schema the way the API server's CRD handler does:
// internal conversion, structural schema with defaults pruned, an OpenAPI
// validator, and the custom resource strategy that also runs CEL rules.
func newVersion(crd *apiextensionsv1.CustomResourceDefinition, v apiextensionsv1.CustomResourceDefinitionVersion, gvk schema.GroupVersionKind) (*version, error) {
	val, err := apihelpers.GetSchemaForVersion(crd, v.Name)
	if err != nil {
		return nil, fmt.Errorf("get schema: %w", err)
	}
	if val == nil || val.OpenAPIV3Schema == nil {
		return nil, errors.New("no openAPIV3Schema: nothing to validate against")
	}
	internal := &apiextensionsinternal.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(val, internal, nil); err != nil {
		return nil, fmt.Errorf("convert schema to internal: %w", err)
	}
	s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("structural schema: %w", err)
	}
	s = s.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(s); err != nil {
		return nil, fmt.Errorf("prune defaults: %w", err)
	}
	schemaValidator, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("schema validator: %w", err)
	}

	var (
		status      *apiextensionsinternal.CustomResourceSubresourceStatus
		statusValid apiservervalidation.SchemaValidator
		scale       *apiextensionsinternal.CustomResourceSubresourceScale
	)
	subresources, err := apihelpers.GetSubresourcesForVersion(crd, v.Name)
	if err != nil {
		return nil, fmt.Errorf("get subresources: %w", err)
	}
	if subresources != nil && subresources.Status != nil {
		status = &apiextensionsinternal.CustomResourceSubresourceStatus{}
		if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceStatus_To_apiextensions_CustomResourceSubresourceStatus(subresources.Status, status, nil); err != nil {
			return nil, fmt.Errorf("convert status subresource: %w", err)
		}
		if st, ok := internal.OpenAPIV3Schema.Properties["status"]; ok {
			if statusValid, _, err = apiservervalidation.NewSchemaValidator(&st); err != nil {
				return nil, fmt.Errorf("status schema validator: %w", err)
			}
		}
	}
	if subresources != nil && subresources.Scale != nil {
		scale = &apiextensionsinternal.CustomResourceSubresourceScale{}
		if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceScale_To_apiextensions_CustomResourceSubresourceScale(subresources.Scale, scale, nil); err != nil {
			return nil, fmt.Errorf("convert scale subresource: %w", err)
		}
	}
	strategy := customresource.NewStrategy(unstructuredscheme.NewUnstructuredObjectTyper(),
		crd.Spec.Scope == apiextensionsv1.NamespaceScoped, gvk, schemaValidator, statusValid, s, status, scale, v.SelectableFields)
	return &version{
		structural: s,
		validate: func(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
			return strategy.Validate(ctx, u)
		},
	}, nil
}

// Knows reports whether a loaded CRD defines the group and kind, in any version.
func (r *Registry) Knows(gk schema.GroupKind) bool {
	return len(r.kinds[gk]) > 0
}

// Validate checks obj as the API server would on create with
// fieldValidation=Strict: unknown fields are errors, not silently pruned.
// obj is not modified. A kind no CRD defines, or a version its CRD does not
// serve, is an error.
func (r *Registry) Validate(ctx context.Context, obj *unstructured.Unstructured) field.ErrorList {
	gvk := obj.GroupVersionKind()
	v, ok := r.versions[gvk]
	if !ok {
		if served := r.kinds[gvk.GroupKind()]; len(served) > 0 {
			return field.ErrorList{field.NotSupported(field.NewPath("apiVersion"), obj.GetAPIVersion(), apiVersions(gvk.Group, served))}
		}
		return field.ErrorList{field.Invalid(field.NewPath("kind"), gvk.String(), "no CustomResourceDefinition defines this kind")}
	}
	u := obj.DeepCopy()
	var errs field.ErrorList

	// Mirror the handler's schema coercer, keeping the unknown field paths
	// that fieldValidation=Strict turns into errors.
	_, _, metaUnknown, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return append(errs, field.Invalid(field.NewPath("metadata"), nil, err.Error()))
	}
	unknown := append([]string(nil), metaUnknown...)
	unknown = append(unknown, structuralpruning.PruneWithOptions(u.Object, v.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, v.structural)
	ferr, coerceUnknown := schemaobjectmeta.CoerceWithOptions(nil, u.Object, v.structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		errs = append(errs, ferr)
	}
	unknown = append(unknown, coerceUnknown...)
	for _, p := range unknown {
		errs = append(errs, field.Forbidden(field.NewPath(p), "unknown field"))
	}
	structuraldefaulting.Default(u.Object, v.structural)
	return append(errs, v.validate(ctx, u)...)
}

func apiVersions(group string, versions []string) []string {
	out := make([]string, len(versions))
	for i, v := range versions {
		out[i] = group + "/" + v
	}
	return out
}

// String lists the loaded kinds, for test logs.
func (r *Registry) String() string {
	var s []string
	for gvk := range r.versions {
		s = append(s, gvk.GroupVersion().String()+" "+gvk.Kind)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}
