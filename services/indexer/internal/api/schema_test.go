package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// schemaChecker validates decoded JSON against the subset of JSON Schema
// our OpenAPI document uses: $ref, oneOf, type, properties, required,
// additionalProperties, items, enum, minimum, maximum, minItems, maxItems
// and format date-time. Anything else in a schema is an error, so the
// document cannot drift into keywords this check silently ignores.
type schemaChecker struct {
	root map[string]any
}

var knownKeywords = map[string]bool{
	"$ref": true, "oneOf": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "minimum": true, "maximum": true, "minItems": true, "maxItems": true, "format": true,
	"description": true, "default": true, "pattern": true, "maxLength": true,
}

func (c schemaChecker) resolve(ref string) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	var node any = c.root
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("bad $ref %q", ref)
		}
		node = m[part]
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q does not name a schema", ref)
	}
	return m, nil
}

func (c schemaChecker) check(schema map[string]any, v any, at string) []string {
	for k := range schema {
		if !knownKeywords[k] {
			return []string{fmt.Sprintf("%s: schema keyword %q not supported by the checker", at, k)}
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		s, err := c.resolve(ref)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return c.check(s, v, at)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			if len(c.check(alt.(map[string]any), v, at)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			return []string{fmt.Sprintf("%s: matches %d of oneOf, want 1", at, matched)}
		}
		return nil
	}
	var errs []string
	if typ, ok := schema["type"].(string); ok && !hasType(typ, v) {
		return []string{fmt.Sprintf("%s: %T is not %s", at, v, typ)}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", at, v, enum))
	}
	if n, ok := v.(float64); ok {
		if lo, ok := schema["minimum"].(float64); ok && n < lo {
			errs = append(errs, fmt.Sprintf("%s: %v below minimum %v", at, n, lo))
		}
		if hi, ok := schema["maximum"].(float64); ok && n > hi {
			errs = append(errs, fmt.Sprintf("%s: %v above maximum %v", at, n, hi))
		}
	}
	if s, ok := v.(string); ok && schema["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, s))
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := obj[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
			}
		}
		for k, val := range obj {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					errs = append(errs, fmt.Sprintf("%s: property %q not in the schema", at, k))
				}
				continue
			}
			errs = append(errs, c.check(ps, val, at+"."+k)...)
		}
	}
	if arr, ok := v.([]any); ok {
		if lo, ok := schema["minItems"].(float64); ok && float64(len(arr)) < lo {
			errs = append(errs, fmt.Sprintf("%s: %d items, want at least %v", at, len(arr), lo))
		}
		if hi, ok := schema["maxItems"].(float64); ok && float64(len(arr)) > hi {
			errs = append(errs, fmt.Sprintf("%s: %d items, want at most %v", at, len(arr), hi))
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, el := range arr {
				errs = append(errs, c.check(items, el, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func hasType(typ string, v any) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n)
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func asStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, s := range arr {
		if str, ok := s.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// responseSchema finds the schema of one documented response.
func (c schemaChecker) responseSchema(path, status, contentType string) (map[string]any, error) {
	raw, _ := json.Marshal(c.root["paths"])
	var paths map[string]struct {
		Get struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"get"`
	}
	if err := json.Unmarshal(raw, &paths); err != nil {
		return nil, err
	}
	op, ok := paths[path]
	if !ok {
		return nil, fmt.Errorf("path %s not documented", path)
	}
	resp, ok := op.Get.Responses[status]
	if !ok {
		return nil, fmt.Errorf("GET %s: status %s not documented", path, status)
	}
	media, ok := resp.Content[contentType]
	if !ok {
		return nil, fmt.Errorf("GET %s %s: content type %s not documented", path, status, contentType)
	}
	return media.Schema, nil
}
