// Package config holds the helpers that services use to read typed settings
// from the environment. Each service keeps its own Config struct and rules in
// its internal/config package; this package only parses values, so that
// durations, lists and secrets read the same way everywhere.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Getenv looks up an environment variable; os.Getenv in production, a map in
// tests.
type Getenv func(string) string

// String returns the value of key, or def when it is unset or empty.
func String(get Getenv, key, def string) string {
	if v := strings.TrimSpace(get(key)); v != "" {
		return v
	}
	return def
}

// Int parses key as a base-10 integer.
func Int(get Getenv, key string, def int) (int, error) {
	v := strings.TrimSpace(get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", key, v)
	}
	return n, nil
}

// Duration parses key as a Go duration ("1500ms", "2m").
func Duration(get Getenv, key string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(get(key))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration (like 30s or 5m)", key, v)
	}
	return d, nil
}

// Bool parses key with strconv.ParseBool (1, t, true, 0, f, false, ...).
func Bool(get Getenv, key string, def bool) (bool, error) {
	v := strings.TrimSpace(get(key))
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not a boolean", key, v)
	}
	return b, nil
}

// List splits key on commas, trimming blanks and dropping empty items.
func List(get Getenv, key string, def []string) []string {
	v := strings.TrimSpace(get(key))
	if v == "" {
		return def
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Secret returns the value of key, or the contents of the file named by
// key_FILE (the Kubernetes and Docker secrets convention), trailing newline
// removed. Setting both is an error, so a stale variable cannot shadow a
// mounted secret unnoticed.
func Secret(get Getenv, key string) (string, error) {
	v, file := get(key), strings.TrimSpace(get(key+"_FILE"))
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("%s and %s_FILE are both set; use one", key, key)
	case file == "":
		return v, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", key, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
