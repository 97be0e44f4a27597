package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/api"
	"github.com/newsflow/newsflow/services/indexer/internal/assign"
	"github.com/newsflow/newsflow/services/indexer/internal/store/sqlite"
	"github.com/newsflow/newsflow/services/indexer/internal/store/storetest"
	"github.com/newsflow/newsflow/services/indexer/internal/web"
)

// chromePath finds the browser: CHROME_PATH, else chromium on PATH.
func chromePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium: install Debian's chromium package or set CHROME_PATH")
	return ""
}

// site serves the API and the page over a store holding articles published
// in the last days, so the page's time filters select some of them.
func site(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "web.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now().UTC().Truncate(time.Second)
	h := time.Hour
	a := storetest.Article
	batch := []events.EnrichedArticle{
		a("k1", now.Add(-2*h), storetest.At(storetest.Karachi, 2), storetest.Hit(events.Killed, 12, "Twelve people were killed in the blast."), storetest.Text("Blast at a Karachi market", ""), storetest.Source("Dawn")),
		// Two more reports of the Karachi blast: one incident, three articles.
		a("k2", now.Add(-90*time.Minute), storetest.At(storetest.Karachi, 2), storetest.Hit(events.Killed, 14, "Fourteen people were killed in the blast."), storetest.Text("Blast at a Karachi market kills 14", ""), storetest.Source("Geo")),
		a("k3", now.Add(-1*h), storetest.At(storetest.Karachi, 2), storetest.Hit(events.Killed, 15, "The death toll from the blast rose to 15."), storetest.Text("Karachi market blast toll rises to 15", ""), storetest.Source("The News")),
		a("l1", now.Add(-5*h), storetest.At(storetest.Lahore, 1), storetest.Hit(events.Injured, 4, "Four were injured.")),
		a("p1", now.Add(-30*h), storetest.At(storetest.Peshawar, 1), storetest.Hit(events.Killed, 2, "Two soldiers were killed.")),
		a("kb1", now.Add(-50*h), storetest.At(storetest.Kabul, 1), storetest.Hit(events.Killed, 30, "Thirty were killed.")),
		a("m1", now.Add(-3*h), storetest.At(storetest.Mumbai, 1), storetest.Text("Monsoon <b>floods</b> Mumbai", "")),
		a("d1", now.Add(-400*h), storetest.At(storetest.Dhaka, 1), storetest.Hit(events.Displaced, 900, "Nine hundred families displaced.")),
		a("n1", now.Add(-1*h), storetest.Text("Markets rally", "")),
	}
	if _, err := s.Upsert(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	assigner, err := assign.New(assign.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assigner.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	apiHandler, err := api.New(api.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	page, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/", page)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// apiPoints asks the API what the page should show for the URL it
// fetched: how many items, and "id:casualties" of each located one.
func apiPoints(t *testing.T, base, query string) (features int, points []string) {
	t.Helper()
	resp, err := http.Get(base + "/" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc api.FeatureCollection
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.Geometry != nil {
			points = append(points, fmt.Sprintf("%s:%v", f.ID, f.Properties["casualties"]))
		}
	}
	slices.Sort(points)
	return len(fc.Features), points
}

type pageState struct {
	Query    string `json:"query"`
	Circles  int    `json:"circles"`
	Items    int    `json:"items"`
	Badges   int    `json:"badges"`
	Evidence int    `json:"evidence"`
	Land     int    `json:"land"`
	// Points are "id:casualties" of the drawn circles, sorted.
	Points []string `json:"points"`
}

const readState = `({
	query: document.getElementById("map").dataset.query || "",
	circles: document.querySelectorAll("#map circle.point").length,
	items: document.querySelectorAll("#articles li").length,
	badges: document.querySelectorAll("#articles .badge").length,
	evidence: document.querySelectorAll("#articles .evidence").length,
	land: document.querySelectorAll("#map path.land").length,
	points: [...document.querySelectorAll("#map circle.point")].map((c) => c.dataset.id + ":" + c.dataset.casualties).sort(),
})`

func TestMapInChromium(t *testing.T) {
	exe := chromePath(t)
	srv := site(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var (
		mu       sync.Mutex
		problems []string
	)
	// The listener is installed before the first command, so it sees every
	// event of the tab; it only records, as chromedp requires.
	listener := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			problems = append(problems, "exception: "+msg)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
			}
		}
	}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(listener))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	waitReady := func(prevQuery string) pageState {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](
			fmt.Sprintf(`(() => { const m = document.getElementById("map"); return m.dataset.state === "ready" && (m.dataset.query || "") !== %q; })()`, prevQuery),
			chromedp.WithPollingInterval(50*time.Millisecond)))
		if err != nil {
			t.Fatalf("page never became ready: %v", err)
		}
		st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readState))
		if err != nil {
			t.Fatalf("read page state: %v", err)
		}
		return st
	}

	enableLog := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, log.Enable, cdp.Empty{})
		return err
	})
	if err := chromedp.Do(ctx, enableLog, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	check := func(name string, st pageState) {
		t.Helper()
		features, points := apiPoints(t, srv.URL, st.Query)
		if !slices.Equal(st.Points, points) || st.Items != features {
			t.Errorf("%s (%s): page shows points %v and %d items; API returns located %v of %d", name, st.Query, st.Points, st.Items, points, features)
		}
	}

	// Incidents first: the three Karachi reports are one point, sized by
	// the current estimate (15), not the sum of the reports.
	first := waitReady("NONE")
	check("all time", first)
	if !strings.HasPrefix(first.Query, "api/v1/incidents?") || first.Circles != 6 || first.Items != 7 || first.Land == 0 {
		t.Errorf("initial page = %+v, want incidents: 6 points, 7 items and the outline", first)
	}
	if !slices.ContainsFunc(first.Points, func(p string) bool { return strings.HasSuffix(p, ":15") }) {
		t.Errorf("no incident point of size 15 among %v", first.Points)
	}
	if first.Evidence != 0 || first.Badges != 5 {
		t.Errorf("initial page has %d evidence quotes and %d badges, want 0 and 5", first.Evidence, first.Badges)
	}

	steps := []struct {
		name   string
		field  string
		value  string
		points int
	}{
		{"country", "country", "PK", 3},
		{"kind", "kind", "killed", 2},
		{"time", "window", "24", 1},
		{"any country", "country", "", 1},
		{"all time", "window", "", 3},
		// The same filters on articles: the Karachi reports are three points.
		{"articles", "layer", "articles", 5},
		{"any kind", "kind", "", 8},
	}
	prev := first.Query
	for _, s := range steps {
		setField := fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event("change", {bubbles: true})); })()`, s.field, s.value)
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](setField))
			return err
		})); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		st := waitReady(prev)
		prev = st.Query
		check(s.name, st)
		if st.Circles != s.points {
			t.Errorf("%s: %d points, want %d", s.name, st.Circles, s.points)
		}
		if s.name == "any kind" && (st.Evidence != 7 || st.Badges != 7 || st.Items != 9) {
			t.Errorf("articles page has %d items, %d evidence quotes and %d badges, want 9, 7 and 7", st.Items, st.Evidence, st.Badges)
		}
	}

	// NEWSFLOW_SCREENSHOT=file.png saves the final page, for a person to look at.
	if out := os.Getenv("NEWSFLOW_SCREENSHOT"); out != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Markup in titles is shown as text, never interpreted.
	bold, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#articles b").length`))
	if err != nil {
		t.Fatal(err)
	}
	if bold != 0 {
		t.Errorf("an article title was rendered as HTML")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser reported: %s", p)
	}
}
