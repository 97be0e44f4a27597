// Package httpfetch owns the HTTP client that talks to feed servers: it refuses
// internal addresses after DNS resolution, sends conditional requests, caps
// bodies after decompression, limits redirects, time and per-host concurrency,
// and classifies every outcome so the scheduler knows what to do next.
package httpfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Client. Zero values take the defaults noted.
type Options struct {
	// Allow lists IPs and CIDR prefixes that may be dialled even though they
	// are internal (the demo and tests serve feeds on 127.0.0.1).
	Allow []string
	// UserAgent identifies us to publishers.
	UserAgent string
	// MaxBody caps the decompressed body in bytes (default 10 MiB).
	MaxBody int64
	// ConnectTimeout bounds the TCP+TLS handshake (default 10s).
	ConnectTimeout time.Duration
	// Timeout bounds the whole request including reading the body (default 30s).
	Timeout time.Duration
	// MaxRedirects is the number of redirects followed (default 5).
	MaxRedirects int
	// PerHost caps concurrent requests to one host (default 2).
	PerHost int
}

// Client fetches feeds and pages. It is safe for concurrent use.
type Client struct {
	opt   Options
	guard *Guard
	http  *http.Client

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// New builds a Client.
func New(opt Options) (*Client, error) {
	if opt.MaxBody <= 0 {
		opt.MaxBody = 10 << 20
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 10 * time.Second
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.MaxRedirects < 0 {
		opt.MaxRedirects = 0
	} else if opt.MaxRedirects == 0 {
		opt.MaxRedirects = 5
	}
	if opt.PerHost <= 0 {
		opt.PerHost = 2
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "NewsflowFetcher/1.0 (+https://github.com/newsflow/newsflow)"
	}
	g, err := NewGuard(opt.Allow)
	if err != nil {
		return nil, fmt.Errorf("http client: %w", err)
	}
	dialer := &net.Dialer{Timeout: opt.ConnectTimeout, KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{
		// No proxy: a proxy would dial the target for us, out of the guard's sight.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opt.ConnectTimeout,
		ResponseHeaderTimeout: opt.Timeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   opt.PerHost,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	c := &Client{opt: opt, guard: g, hosts: map[string]chan struct{}{}}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opt.MaxRedirects {
				return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, opt.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect to scheme %q", ErrBlocked, req.URL.Scheme)
			}
			return nil
		},
	}
	return c, nil
}

// Errors a fetch can end with, for errors.Is. StatusError carries the rest.
var (
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrTooLarge         = errors.New("body too large")
	ErrTimeout          = errors.New("timeout")
)

// StatusError is a response with a status other than 200 or 304.
type StatusError struct {
	Code int
	// RetryAfter is the server's Retry-After (zero when absent or unparsable).
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("http status %d (retry after %s)", e.Code, e.RetryAfter)
	}
	return fmt.Sprintf("http status %d", e.Code)
}

// Validators are the cache validators of the last good response.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a 200 or 304 answer.
type Response struct {
	NotModified bool
	// Body is the decompressed body, at most Options.MaxBody bytes.
	Body        []byte
	ContentType string
	// FinalURL is the URL after redirects.
	FinalURL   string
	Validators Validators
	// MaxAge is how long the server says the response stays fresh
	// (Cache-Control max-age or Expires); zero when it says nothing.
	MaxAge time.Duration
	// RetryAfter is set when a 200/304 still carries Retry-After.
	RetryAfter time.Duration
	// Bytes is the number of body bytes read.
	Bytes int64
}

// Get fetches rawURL. A 304 returns a Response with NotModified set; any other
// non-200 status returns a *StatusError.
func (c *Client) Get(ctx context.Context, rawURL string, v Validators, accept string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", rawURL, err)
	}
	release, err := c.acquire(ctx, u.Host)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", rawURL, classify(err))
	}
	defer release()

	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", c.opt.UserAgent)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", rawURL, classify(err))
	}
	defer resp.Body.Close()
	now := time.Now()
	out := &Response{
		ContentType: resp.Header.Get("Content-Type"),
		FinalURL:    resp.Request.URL.String(),
		MaxAge:      freshness(resp.Header, now),
		RetryAfter:  retryAfter(resp.Header.Get("Retry-After"), now),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		out.Validators = v
		if et := resp.Header.Get("ETag"); et != "" {
			out.Validators.ETag = et
		}
		return out, nil
	case resp.StatusCode != http.StatusOK:
		// Drain a little so the connection can be reused, never the whole body.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return nil, fmt.Errorf("get %s: %w", rawURL, &StatusError{Code: resp.StatusCode, RetryAfter: out.RetryAfter})
	}
	// The transport has already undone gzip, so this caps what we hold in
	// memory, whatever the compressed size was.
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opt.MaxBody+1))
	out.Bytes = int64(len(body))
	if err != nil {
		return nil, fmt.Errorf("get %s: read body: %w", rawURL, classify(err))
	}
	if int64(len(body)) > c.opt.MaxBody {
		return nil, fmt.Errorf("get %s: %w: over %d bytes", rawURL, ErrTooLarge, c.opt.MaxBody)
	}
	out.Body = body
	out.Validators = Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	return out, nil
}

// acquire takes one of the per-host slots, waiting while the host is busy.
func (c *Client) acquire(ctx context.Context, host string) (func(), error) {
	host = strings.ToLower(host)
	c.mu.Lock()
	sem, ok := c.hosts[host]
	if !ok {
		sem = make(chan struct{}, c.opt.PerHost)
		c.hosts[host] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// classify maps transport errors onto our sentinels, keeping the original.
func classify(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, ErrBlocked), errors.Is(err, ErrTooManyRedirects):
		return err
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP-date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// freshness reads Cache-Control max-age (s-maxage is for shared caches, which
// we are not) and falls back to Expires.
func freshness(h http.Header, now time.Time) time.Duration {
	for _, cc := range h.Values("Cache-Control") {
		for _, d := range strings.Split(cc, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(k, "max-age") {
				if s, err := strconv.Atoi(strings.Trim(val, `"`)); err == nil && s > 0 {
					return time.Duration(s) * time.Second
				}
			}
		}
	}
	if e := h.Get("Expires"); e != "" {
		if t, err := http.ParseTime(e); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
		}
	}
	return 0
}
