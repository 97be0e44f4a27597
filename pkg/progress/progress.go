// Package progress owns the progress display of long batch commands (the
// enricher's replay, the indexer's reindex): a bar redrawn in place with the
// rate and the time left when the output is a terminal, and plain lines every
// few seconds otherwise, so logs and CI output stay readable. A Meter is also
// the writer for the command's log, so a log line never tears the bar.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Options configure a Meter.
type Options struct {
	// Out receives the display (usually os.Stderr).
	Out io.Writer
	// Label names the work, such as "replay news.articles.raw".
	Label string
	// Total is the number of items expected; zero or less means unknown,
	// and then no percentage or time left is shown.
	Total int64
	// Terminal draws a bar redrawn in place; see IsTerminal.
	Terminal bool
	// Interval is the shortest time between two updates: 200 ms on a
	// terminal and 5 s otherwise when zero.
	Interval time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Meter counts finished items and shows the progress. It is safe for
// concurrent use.
type Meter struct {
	opts  Options
	start time.Time

	mu    sync.Mutex
	total int64
	done  int64
	shown time.Time
	// bar is the bar last drawn on a terminal and still on screen, to draw
	// again below a log line; empty when none is.
	bar string
}

// New starts a meter; its clock starts now.
func New(opts Options) *Meter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
		if opts.Terminal {
			opts.Interval = 200 * time.Millisecond
		}
	}
	now := opts.Now()
	return &Meter{opts: opts, start: now, shown: now, total: opts.Total}
}

// SetTotal sets the number of items expected, for work whose size is known
// only after it starts (a replay plans its offsets after connecting).
func (m *Meter) SetTotal(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total = n
}

// Write writes p, usually log lines, to the display's output. On a terminal
// it first clears the bar and then draws it again below p, so the log and
// the bar share the screen.
func (m *Meter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar == "" {
		return m.opts.Out.Write(p)
	}
	if _, err := io.WriteString(m.opts.Out, "\r\x1b[K"+string(p)+m.bar); err != nil {
		return 0, err
	}
	return len(p), nil
}

// IsTerminal reports whether w is a character device such as a terminal:
// only there is a bar redrawn with carriage returns readable.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Add counts n more finished items and updates the display when the
// interval has passed since the last update.
func (m *Meter) Add(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done += int64(n)
	now := m.opts.Now()
	if now.Sub(m.shown) < m.opts.Interval {
		return
	}
	m.shown = now
	m.render(now, false)
}

// Done returns the number of items counted so far.
func (m *Meter) Done() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.done
}

// Finish shows the final count, the elapsed time and the average rate, and
// ends the line.
func (m *Meter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.render(m.opts.Now(), true)
}

func (m *Meter) render(now time.Time, final bool) {
	elapsed := now.Sub(m.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(m.done) / elapsed.Seconds()
	}
	var b strings.Builder
	if m.opts.Terminal {
		b.WriteString("\r\x1b[K") // back to the line start, clear the old bar
	}
	b.WriteString(m.opts.Label)
	b.WriteString(": ")
	total := m.total
	if total > 0 {
		frac := min(float64(m.done)/float64(total), 1)
		if m.opts.Terminal {
			const width = 30
			full := int(frac * width)
			b.WriteString("[" + strings.Repeat("=", full) + strings.Repeat(" ", width-full) + "] ")
		}
		fmt.Fprintf(&b, "%d/%d (%.0f%%)", m.done, total, frac*100)
	} else {
		fmt.Fprintf(&b, "%d", m.done)
	}
	fmt.Fprintf(&b, " %.0f/s", rate)
	switch {
	case final:
		fmt.Fprintf(&b, " in %s", round(elapsed))
	case total > 0 && rate > 0 && m.done < total:
		left := time.Duration(float64(total-m.done) / rate * float64(time.Second))
		fmt.Fprintf(&b, " eta %s", round(left))
	}
	m.bar = ""
	switch {
	case final || !m.opts.Terminal:
		b.WriteString("\n")
	default:
		m.bar = b.String()
	}
	// A failed write to the display must not stop the work it describes.
	_, _ = io.WriteString(m.opts.Out, b.String())
}

// round keeps durations short enough to read at a glance.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}
