// Package fulltext owns fetching an article page and extracting its main text
// with readability, for feeds that carry only summaries. It uses the same
// guarded HTTP client as feed polling, so the same limits apply.
package fulltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html/charset"

	"github.com/newsflow/newsflow/services/fetcher/internal/httpfetch"
)

// Getter fetches a page; *httpfetch.Client implements it.
type Getter interface {
	Get(ctx context.Context, url string, v httpfetch.Validators, accept string) (*httpfetch.Response, error)
}

// ErrNoContent reports a page in which readability found no article.
var ErrNoContent = errors.New("no article content")

// Fetch downloads pageURL and returns its main text.
func Fetch(ctx context.Context, g Getter, pageURL string) (string, error) {
	resp, err := g.Get(ctx, pageURL, httpfetch.Validators{}, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	if err != nil {
		return "", fmt.Errorf("full text %s: %w", pageURL, err)
	}
	return Extract(resp.Body, resp.ContentType, resp.FinalURL)
}

// Extract returns the main text of an HTML page. contentType picks the
// charset when the page does not declare one.
func Extract(body []byte, contentType, pageURL string) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("extract %s: %w", pageURL, err)
	}
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return "", fmt.Errorf("extract %s: charset: %w", pageURL, err)
	}
	p := readability.NewParser()
	art, err := p.Parse(r, u)
	if err != nil {
		return "", fmt.Errorf("extract %s: %w", pageURL, err)
	}
	if art.Node == nil {
		return "", fmt.Errorf("extract %s: %w", pageURL, ErrNoContent)
	}
	var b strings.Builder
	if err := art.RenderText(&b); err != nil {
		return "", fmt.Errorf("extract %s: %w", pageURL, err)
	}
	text := paragraphs(b.String())
	if text == "" {
		return "", fmt.Errorf("extract %s: %w", pageURL, ErrNoContent)
	}
	return text, nil
}

// paragraphs trims every line, collapses inner spaces and keeps one blank
// line between paragraphs.
func paragraphs(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n\n")
}
