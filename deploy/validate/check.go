package validate

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/newsflow/newsflow/deploy/validate/internal/builtin"
	"github.com/newsflow/newsflow/deploy/validate/internal/crd"
)

// Checker routes each rendered object to the check for its kind.
type Checker struct {
	Builtin *builtin.Decoder
	CRDs    *crd.Registry
}

// Check returns nil if obj would be accepted: a built-in kind that decodes
// strictly, or a custom resource that its CRD accepts. Any other kind fails,
// so a typo in apiVersion or a missing CRD cannot pass unnoticed.
func (c *Checker) Check(ctx context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	switch {
	case c.Builtin.Knows(gvk):
		_, err := c.Builtin.Decode(obj)
		return err
	case c.CRDs.Knows(gvk.GroupKind()):
		if errs := c.CRDs.Validate(ctx, obj); len(errs) > 0 {
			return fmt.Errorf("%s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), errs.ToAggregate())
		}
		return nil
	default:
		return fmt.Errorf("%s %s: unknown kind: neither built in nor defined by a loaded CRD", gvk, obj.GetName())
	}
}
