package dashboard

import (
	"strings"
	"testing"
)

const minimal = `{"uid": "u", "title": "T", "schemaVersion": 39,
  "templating": {"list": [
    {"name": "DS_PROMETHEUS", "type": "datasource", "query": "prometheus", "hide": 0},
    {"name": "ns", "type": "query", "query": {"query": "label_values(up{job=\"a,b\"}, namespace)", "refId": "ns"}, "hide": 0}]},
  "panels": [{"id": 1, "type": "row", "title": "R", "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0},
    "panels": [{"id": 2, "type": "timeseries", "title": "P", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 1},
      "targets": [{"refId": "A", "expr": "sum(x)", "legendFormat": ""}]}]}]}`

func TestParse(t *testing.T) {
	tests := []struct {
		name, json string
		wantErr    string
	}{
		{name: "minimal", json: minimal},
		{name: "unknown dashboard key", json: strings.Replace(minimal, `"uid"`, `"uidd"`, 1), wantErr: "unknown field"},
		{name: "unknown target key", json: strings.Replace(minimal, `"expr"`, `"exp"`, 1), wantErr: "unknown field"},
		{name: "wrong type", json: strings.Replace(minimal, `"schemaVersion": 39`, `"schemaVersion": "39"`, 1), wantErr: "cannot unmarshal"},
		{name: "trailing data", json: minimal + "{}", wantErr: "data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestQueries(t *testing.T) {
	d, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	qs, err := d.Queries()
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{{Where: `panel "P" query A`, Expr: "sum(x)"}, {Where: "variable ns", Expr: `up{job="a,b"}`}}
	if len(qs) != len(want) {
		t.Fatalf("Queries() = %v, want %v", qs, want)
	}
	for i := range want {
		if qs[i] != want[i] {
			t.Errorf("query %d = %+v, want %+v", i, qs[i], want[i])
		}
	}
}

func TestLabelValuesSelector(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: `label_values(up, job)`, want: `up`},
		{in: `label_values(up{a="x,}y"}, namespace)`, want: `up{a="x,}y"}`},
		{in: `label_values(namespace)`, wantErr: true},
		{in: `query_result(up)`, wantErr: true},
		{in: ``, wantErr: true},
	}
	for _, tt := range tests {
		got, err := labelValuesSelector(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("labelValuesSelector(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		_, _ = d.Queries() // must not panic on any decodable dashboard
	})
}
