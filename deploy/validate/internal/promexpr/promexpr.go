// Package promexpr parses the PromQL our alert rules and dashboards run and
// reports the metric names they read, so they can be compared with what the
// services export.
package promexpr

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Grafana replaces these before a query reaches Prometheus. Durations stand
// in for the interval variables; a regex matching everything for label
// variables (our dashboards use them only in =~ matchers).
var grafanaVars = map[string]string{
	"__rate_interval": "5m",
	"__interval":      "1m",
	"__range":         "1h",
}

var varRef = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\$(\w+)`)

// Expand substitutes Grafana's built-in interval variables and the given
// dashboard variables in expr. An unknown variable is an error, because
// Grafana would send it to Prometheus verbatim.
func Expand(expr string, vars map[string]string) (string, error) {
	var err error
	out := varRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name := m[1] + m[2]
		if v, ok := grafanaVars[name]; ok {
			return v
		}
		if v, ok := vars[name]; ok {
			return v
		}
		if err == nil {
			err = fmt.Errorf("unknown variable $%s", name)
		}
		return ref
	})
	return out, err
}

// MetricNames parses expr and returns the metric names its selectors read,
// sorted and without duplicates. A selector without a fixed name (only a
// __name__ regex) is an error: nothing could check it against an exporter.
func MetricNames(expr string) ([]string, error) {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", expr, err)
	}
	var names []string
	var walkErr error
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			walkErr = fmt.Errorf("selector %s in %q has no fixed metric name", vs, expr)
			return walkErr
		}
		names = append(names, name)
		return nil
	})
	if walkErr != nil {
		return nil, walkErr
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
