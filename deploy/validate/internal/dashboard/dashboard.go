// Package dashboard owns the Grafana dashboard JSON the repository ships: the
// subset of Grafana's dashboard schema our dashboards use, decoded strictly so
// a misspelt key fails instead of being ignored by Grafana, and the queries
// they run.
package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Dashboard is a Grafana dashboard (schemaVersion 39) as exported for
// provisioning or import.
type Dashboard struct {
	UID           string     `json:"uid"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Tags          []string   `json:"tags"`
	Editable      bool       `json:"editable"`
	GraphTooltip  int        `json:"graphTooltip"`
	SchemaVersion int        `json:"schemaVersion"`
	Version       int        `json:"version"`
	Timezone      string     `json:"timezone"`
	Refresh       string     `json:"refresh"`
	Time          TimeRange  `json:"time"`
	Templating    Templating `json:"templating"`
	Panels        []Panel    `json:"panels"`
}

// TimeRange is the dashboard's default time range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the dashboard variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a dashboard variable: the datasource to query, or a label's
// values.
type Variable struct {
	Name       string         `json:"name"`
	Label      string         `json:"label"`
	Type       string         `json:"type"`
	Query      any            `json:"query"` // a plugin id for datasource variables, a VariableQuery for query ones
	Datasource *Datasource    `json:"datasource,omitempty"`
	Definition string         `json:"definition,omitempty"`
	Refresh    int            `json:"refresh,omitempty"`
	IncludeAll bool           `json:"includeAll,omitempty"`
	AllValue   string         `json:"allValue,omitempty"`
	Multi      bool           `json:"multi,omitempty"`
	Hide       int            `json:"hide"`
	Sort       int            `json:"sort,omitempty"`
	Current    map[string]any `json:"current,omitempty"`
}

// Datasource refers to a datasource by type and uid; our dashboards use the
// uid "${DS_PROMETHEUS}", the datasource variable.
type Datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Panel is one panel, or a row holding panels.
type Panel struct {
	ID          int         `json:"id"`
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Datasource  *Datasource `json:"datasource,omitempty"`
	GridPos     GridPos     `json:"gridPos"`
	Collapsed   bool        `json:"collapsed,omitempty"`
	Panels      []Panel     `json:"panels,omitempty"`
	Targets     []Target    `json:"targets,omitempty"`
	// Field config and options depend on the panel plugin; Grafana
	// validates them per plugin, so they stay free-form here.
	FieldConfig map[string]any `json:"fieldConfig,omitempty"`
	Options     map[string]any `json:"options,omitempty"`
}

// GridPos places a panel on Grafana's 24-column grid.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// Target is one Prometheus query of a panel.
type Target struct {
	RefID        string      `json:"refId"`
	Datasource   *Datasource `json:"datasource,omitempty"`
	Expr         string      `json:"expr"`
	LegendFormat string      `json:"legendFormat"`
	Instant      bool        `json:"instant,omitempty"`
	Range        bool        `json:"range,omitempty"`
	Format       string      `json:"format,omitempty"`
}

// Query is one PromQL expression of a dashboard and where it is.
type Query struct {
	Where string // panel title and refId, or the variable name
	Expr  string
}

// Decode reads one dashboard, rejecting unknown keys and trailing data.
func Decode(r io.Reader) (*Dashboard, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Dashboard
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode dashboard: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode dashboard: data after the dashboard object")
	}
	return &d, nil
}

// Parse decodes a dashboard from bytes.
func Parse(data []byte) (*Dashboard, error) { return Decode(bytes.NewReader(data)) }

// AllPanels returns every panel, rows' nested panels included, in order.
func (d *Dashboard) AllPanels() []Panel {
	var out []Panel
	var walk func([]Panel)
	walk = func(ps []Panel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

// Queries returns every PromQL expression the dashboard runs: panel targets
// and the selectors inside label_values() variable queries.
func (d *Dashboard) Queries() ([]Query, error) {
	var out []Query
	for _, p := range d.AllPanels() {
		for _, t := range p.Targets {
			out = append(out, Query{Where: fmt.Sprintf("panel %q query %s", p.Title, t.RefID), Expr: t.Expr})
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		q, err := variableQuery(v.Query)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
		expr, err := labelValuesSelector(q)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
		out = append(out, Query{Where: "variable " + v.Name, Expr: expr})
	}
	return out, nil
}

// variableQuery returns the query string of a query variable, which Grafana
// stores either as a string or as {"query": ..., "refId": ...}.
func variableQuery(q any) (string, error) {
	switch q := q.(type) {
	case string:
		return q, nil
	case map[string]any:
		for k := range q {
			if k != "query" && k != "refId" && k != "qryType" {
				return "", fmt.Errorf("unknown key %q in query", k)
			}
		}
		s, ok := q["query"].(string)
		if !ok {
			return "", errors.New("query has no query string")
		}
		return s, nil
	default:
		return "", fmt.Errorf("query of type %T", q)
	}
}

// labelValuesSelector returns the series selector of a Prometheus
// datasource's label_values(selector, label) variable query.
func labelValuesSelector(q string) (string, error) {
	const fn = "label_values("
	if len(q) < len(fn)+1 || q[:len(fn)] != fn || q[len(q)-1] != ')' {
		return "", fmt.Errorf("query %q: want label_values(selector, label)", q)
	}
	inner := q[len(fn) : len(q)-1]
	// The label is the part after the last comma outside braces and quotes.
	depth, quoted, cut := 0, false, -1
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == ',' && depth == 0:
			cut = i
		}
	}
	if cut < 0 {
		return "", fmt.Errorf("query %q: want label_values(selector, label)", q)
	}
	return inner[:cut], nil
}
