// Package feedlist owns the feed list: the YAML file that says which feeds to
// poll and how, its validation, OPML import, and the deterministic split of the
// list between fetcher replicas.
package feedlist

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Feed is one entry of the feed list.
type Feed struct {
	URL  string `yaml:"url"`
	Name string `yaml:"name"`
	// Country is the ISO 3166-1 alpha-2 code of the outlet's home country.
	Country  string `yaml:"country,omitempty"`
	Language string `yaml:"language,omitempty"`
	// Interval is the normal time between polls; zero means the service default.
	Interval Duration `yaml:"interval,omitempty"`
	// Timezone is an IANA zone name used for dates that carry no zone or a
	// zone abbreviation that is ambiguous (BST in a Bangladeshi feed).
	Timezone string   `yaml:"timezone,omitempty"`
	FullText bool     `yaml:"full_text,omitempty"`
	Tags     []string `yaml:"tags,omitempty"`
}

// List is the YAML document: a header comment is allowed, the data is a
// mapping with a single "feeds" key so the file can grow other settings.
type List struct {
	Feeds []Feed `yaml:"feeds"`
}

// Duration is a time.Duration written as "15m" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a Go duration string.
func (d Duration) MarshalYAML() (any, error) {
	return time.Duration(d).String(), nil
}

// Load reads and validates a feed list file.
func Load(path string) ([]Feed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read feed list: %w", err)
	}
	feeds, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("feed list %s: %w", path, err)
	}
	return feeds, nil
}

// Parse decodes and validates a feed list document. Unknown keys are errors so
// a typo ("intervall") does not silently fall back to a default.
func Parse(b []byte) ([]Feed, error) {
	var l List
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := Validate(l.Feeds); err != nil {
		return nil, err
	}
	return l.Feeds, nil
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate checks every feed and reports all problems at once.
func Validate(feeds []Feed) error {
	var errs []error
	seen := make(map[string]int, len(feeds))
	names := make(map[string]int, len(feeds))
	for i, f := range feeds {
		where := fmt.Sprintf("feed %d (%s)", i+1, f.URL)
		u, err := url.Parse(f.URL)
		switch {
		case f.URL == "":
			errs = append(errs, fmt.Errorf("%s: url is required", where))
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
			errs = append(errs, fmt.Errorf("%s: url must be absolute http(s)", where))
		}
		if j, dup := seen[f.URL]; dup && f.URL != "" {
			errs = append(errs, fmt.Errorf("%s: duplicate of feed %d", where, j+1))
		}
		seen[f.URL] = i
		if strings.TrimSpace(f.Name) == "" {
			errs = append(errs, fmt.Errorf("%s: name is required", where))
		} else if j, dup := names[f.Name]; dup {
			// The name is the feed's metric label, so it must identify it.
			errs = append(errs, fmt.Errorf("%s: name %q already used by feed %d", where, f.Name, j+1))
		} else {
			names[f.Name] = i
		}
		if f.Country != "" && !countryCode.MatchString(f.Country) {
			errs = append(errs, fmt.Errorf("%s: country %q is not an upper-case ISO 3166-1 alpha-2 code", where, f.Country))
		}
		if f.Interval < 0 {
			errs = append(errs, fmt.Errorf("%s: negative interval", where))
		}
		if f.Timezone != "" {
			if _, err := time.LoadLocation(f.Timezone); err != nil {
				errs = append(errs, fmt.Errorf("%s: timezone: %w", where, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Marshal writes feeds as a feed list document.
func Marshal(feeds []Feed) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(List{Feeds: feeds}); err != nil {
		return nil, fmt.Errorf("encode feed list: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode feed list: %w", err)
	}
	return buf.Bytes(), nil
}

// Shard returns the feeds that replica index of count owns. Ownership hashes
// the URL, so it does not depend on the order of the list and every feed has
// exactly one owner for a given count.
func Shard(feeds []Feed, index, count int) []Feed {
	if count <= 1 {
		return feeds
	}
	var out []Feed
	for _, f := range feeds {
		if Owner(f.URL, count) == index {
			out = append(out, f)
		}
	}
	return out
}

// Owner is the replica index in [0, count) that polls the feed at url.
func Owner(url string, count int) int {
	if count <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(url))
	return int(h.Sum64() % uint64(count))
}
