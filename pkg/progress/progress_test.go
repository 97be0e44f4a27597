package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock advanced by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMeter(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		total    int64
		want     string
	}{
		{
			name: "plain lines", total: 100,
			want: "replay: 10/100 (10%) 2/s eta 45s\n" +
				"replay: 60/100 (60%) 6/s eta 6.7s\n" +
				"replay: 100/100 (100%) 8/s in 12.5s\n",
		},
		{
			name: "unknown total", total: 0,
			want: "replay: 10 2/s\nreplay: 60 6/s\nreplay: 100 8/s in 12.5s\n",
		},
		{
			name: "terminal bar", terminal: true, total: 100,
			want: "\r\x1b[Kreplay: [===                           ] 10/100 (10%) 2/s eta 45s" +
				"\r\x1b[Kreplay: [==================            ] 60/100 (60%) 6/s eta 6.7s" +
				"\r\x1b[Kreplay: [==============================] 100/100 (100%) 8/s in 12.5s\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
			m := New(Options{Out: &out, Label: "replay", Total: tt.total, Terminal: tt.terminal, Interval: 5 * time.Second, Now: c.now})
			c.t = c.t.Add(time.Second)
			m.Add(5) // within the interval: nothing shown
			c.t = c.t.Add(4 * time.Second)
			m.Add(5)
			c.t = c.t.Add(5 * time.Second)
			m.Add(50)
			c.t = c.t.Add(2500 * time.Millisecond)
			m.Add(40) // within the interval again
			m.Finish()
			if got := out.String(); got != tt.want {
				t.Errorf("display:\n%q\nwant\n%q", got, tt.want)
			}
			if m.Done() != 100 {
				t.Errorf("Done() = %d, want 100", m.Done())
			}
		})
	}
}

func TestMeterWriteKeepsBar(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{
			name: "terminal", terminal: true,
			want: "log before\n" +
				"\r\x1b[Kcopy: [======                        ] 2/10 (20%) 2/s eta 4s" +
				"\r\x1b[Klog during\n\r\x1b[Kcopy: [======                        ] 2/10 (20%) 2/s eta 4s" +
				"\r\x1b[Kcopy: [==============================] 10/10 (100%) 5/s" +
				"\r\x1b[Kcopy: [==============================] 10/10 (100%) 5/s in 2s\n" +
				"log after\n",
		},
		{
			name: "plain",
			want: "log before\ncopy: 2/10 (20%) 2/s eta 4s\nlog during\ncopy: 10/10 (100%) 5/s\ncopy: 10/10 (100%) 5/s in 2s\nlog after\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
			m := New(Options{Out: &out, Label: "copy", Terminal: tt.terminal, Interval: time.Second, Now: c.now})
			write := func(s string) {
				t.Helper()
				if n, err := m.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			write("log before\n")
			m.SetTotal(10) // known only once the work has started
			c.t = c.t.Add(time.Second)
			m.Add(2)
			write("log during\n")
			c.t = c.t.Add(time.Second)
			m.Add(8)
			m.Finish()
			write("log after\n")
			if got := out.String(); got != tt.want {
				t.Errorf("display:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is not a terminal")
	}
	if IsTerminal(&strings.Builder{}) {
		t.Error("a strings.Builder is not a terminal")
	}
}
