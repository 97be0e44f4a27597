package promexpr

import (
	"slices"
	"testing"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: `rate(x{namespace=~"$namespace"}[$__rate_interval])`, want: `rate(x{namespace=~".*"}[5m])`},
		{in: `increase(x[${__range}])`, want: `increase(x[1h])`},
		{in: `x{a=~"${namespace:regex}"}`, want: `x{a=~".*"}`},
		{in: `x{a="$unknown"}`, wantErr: true},
		{in: `sum(x)`, want: `sum(x)`},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, map[string]string{"namespace": ".*"})
		if (err != nil) != tt.wantErr {
			t.Errorf("Expand(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		expr    string
		want    []string
		wantErr bool
	}{
		{expr: `sum by (job) (rate(b_total[5m])) / sum(rate(a_total{x="1"}[5m]))`, want: []string{"a_total", "b_total"}},
		{expr: `histogram_quantile(0.9, sum by (le) (rate(h_seconds_bucket[5m])))`, want: []string{"h_seconds_bucket"}},
		{expr: `{__name__="by_matcher"} or vector(0)`, want: []string{"by_matcher"}},
		{expr: `time() - t_seconds > 2 * t_seconds`, want: []string{"t_seconds"}},
		{expr: `absent(up{job="indexer"})`, want: []string{"up"}},
		{expr: `{__name__=~"newsflow_.+"}`, wantErr: true},
		{expr: `sum(rate(x[5m])`, wantErr: true},
		{expr: `rate(x[$__rate_interval])`, wantErr: true}, // not expanded
	}
	for _, tt := range tests {
		got, err := MetricNames(tt.expr)
		if (err != nil) != tt.wantErr {
			t.Errorf("MetricNames(%q) error %v, want error %v", tt.expr, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("MetricNames(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

func FuzzMetricNames(f *testing.F) {
	f.Add(`sum by (job) (rate(b_total{a=~"$namespace"}[$__rate_interval]))`)
	f.Add(`{__name__="x"}`)
	f.Fuzz(func(t *testing.T, expr string) {
		if e, err := Expand(expr, map[string]string{"namespace": ".*"}); err == nil {
			expr = e
		}
		names, err := MetricNames(expr)
		if err == nil && !slices.IsSorted(names) {
			t.Errorf("MetricNames(%q) = %v, not sorted", expr, names)
		}
	})
}
