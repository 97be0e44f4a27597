package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/config"
)

func env(m map[string]string) config.Getenv {
	return func(k string) string { return m[k] }
}

func TestParsers(t *testing.T) {
	get := env(map[string]string{
		"N": "42", "BAD_N": "4x", "D": "1500ms", "BAD_D": "soon", "B": "true", "BAD_B": "perhaps",
		"L": " a, b ,,c ", "S": " text ",
	})
	if n, err := config.Int(get, "N", 1); err != nil || n != 42 {
		t.Errorf("Int(N) = %d, %v", n, err)
	}
	if n, err := config.Int(get, "MISSING", 7); err != nil || n != 7 {
		t.Errorf("Int(MISSING) = %d, %v; want default", n, err)
	}
	if d, err := config.Duration(get, "D", 0); err != nil || d != 1500*time.Millisecond {
		t.Errorf("Duration(D) = %v, %v", d, err)
	}
	if b, err := config.Bool(get, "B", false); err != nil || !b {
		t.Errorf("Bool(B) = %v, %v", b, err)
	}
	for name, err := range map[string]error{
		"int":      second(config.Int(get, "BAD_N", 0)),
		"duration": second(config.Duration(get, "BAD_D", 0)),
		"bool":     second(config.Bool(get, "BAD_B", false)),
	} {
		if err == nil {
			t.Errorf("%s: bad value accepted", name)
		}
	}
	if got := config.List(get, "L", nil); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("List = %q", got)
	}
	if got := config.String(get, "S", "d"); got != "text" {
		t.Errorf("String = %q", got)
	}
}

func second[T any](_ T, err error) error { return err }

func TestSecret(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		env     map[string]string
		want    string
		wantErr bool
	}{
		"plain":     {env: map[string]string{"PW": "abc"}, want: "abc"},
		"from file": {env: map[string]string{"PW_FILE": file}, want: "s3cret"},
		"unset":     {env: map[string]string{}, want: ""},
		"both set":  {env: map[string]string{"PW": "abc", "PW_FILE": file}, wantErr: true},
		"no file":   {env: map[string]string{"PW_FILE": file + ".missing"}, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := config.Secret(env(tc.env), "PW")
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("Secret = %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
