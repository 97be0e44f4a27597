// Package articleid owns article identity: URL canonicalisation and the stable
// id derived from the canonical URL, the feed GUID or the content.
package articleid

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the article. Prefixes end in "_".
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "twclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "_ga": true,
	"_gl": true, "ref_src": true, "cmpid": true, "ocid": true, "ito": true, "at_medium": true,
	"at_campaign": true, "icid": true, "spm": true, "ns_mchannel": true, "ns_source": true,
	"ns_campaign": true, "ns_linkname": true, "ns_fee": true,
}

var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_"}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	if trackingParams[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// ErrNotHTTP reports a link that is not an absolute http(s) URL.
var ErrNotHTTP = errors.New("not an absolute http(s) url")

// Canonical returns the canonical form of raw, resolved against base when raw
// is relative: scheme and host lower-cased, default port and fragment removed,
// tracking parameters dropped, the remaining parameters sorted (their values
// untouched, since ?id=123 is often the article), and an empty path made "/".
func Canonical(raw, base string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("canonical url: empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if !u.IsAbs() && base != "" {
		b, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("canonical url base %q: %w", base, err)
		}
		u = b.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("canonical url %q: %w", raw, ErrNotHTTP)
	}
	u.User = nil
	host := strings.ToLower(u.Hostname())
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", fmt.Errorf("canonical url %q: %w", raw, ErrNotHTTP)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
		u.RawPath = ""
	}
	if u.RawQuery != "" {
		u.RawQuery = cleanQuery(u.RawQuery)
	}
	u.ForceQuery = false
	return u.String(), nil
}

// cleanQuery drops tracking parameters and sorts the rest by key, keeping the
// original encoding of each pair so values round-trip byte for byte.
func cleanQuery(q string) string {
	pairs := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	kept := pairs[:0]
	for _, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if k == "" || isTracking(k) {
			continue
		}
		kept = append(kept, p)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		ki, _, _ := strings.Cut(kept[i], "=")
		kj, _, _ := strings.Cut(kept[j], "=")
		return ki < kj
	})
	return strings.Join(kept, "&")
}

// Source says what an id was derived from.
type Source string

// The inputs an id can come from, in order of preference.
const (
	FromURL     Source = "url"
	FromGUID    Source = "guid"
	FromContent Source = "content"
)

// Input is what the feed told us about one item.
type Input struct {
	// Feed is the feed URL; GUIDs and content hashes are only unique per feed.
	Feed string
	// CanonicalURL is the output of Canonical, empty when the item had no usable link.
	CanonicalURL string
	// GUID is empty when the feed gave none or the caller found it reused.
	GUID string
	// Title, Summary and Text feed the content hash.
	Title, Summary, Text string
}

// ID returns the article id and what it came from. The id is a 32-hex-digit
// prefix of a SHA-256, so it is the same on every replica and every restart.
func ID(in Input) (string, Source) {
	switch {
	case in.CanonicalURL != "":
		return digest("url", in.CanonicalURL), FromURL
	case strings.TrimSpace(in.GUID) != "":
		return digest("guid", in.Feed, strings.TrimSpace(in.GUID)), FromGUID
	default:
		return digest("content", in.Feed, in.Title, in.Summary, in.Text), FromContent
	}
}

// ContentHash fingerprints what a reader sees of an article, so a later change
// to any of it can be published as a new revision.
func ContentHash(title, summary, text string) string {
	return digest("rev", strings.TrimSpace(title), strings.TrimSpace(summary), strings.TrimSpace(text))
}

func digest(kind string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
