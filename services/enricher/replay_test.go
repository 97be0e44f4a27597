package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/pkg/kafkax"
	"github.com/newsflow/newsflow/pkg/kafkax/kafkatest"
	"github.com/newsflow/newsflow/pkg/progress"
	enricherconfig "github.com/newsflow/newsflow/services/enricher/internal/config"
	"github.com/newsflow/newsflow/services/enricher/internal/enrich"
	"github.com/newsflow/newsflow/services/enricher/internal/gazetteer"
)

func TestReplaySpan(t *testing.T) {
	tests := []struct {
		from, to string
		wantErr  string
		wantFrom time.Time
	}{
		{from: "earliest"},
		{from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", wantFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{from: "", wantErr: "--from is required"},
		{from: "yesterday", wantErr: "want RFC 3339"},
		{from: "earliest", to: "soon", wantErr: "--to"},
		{from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z", wantErr: "is not after"},
	}
	for _, tt := range tests {
		from, _, err := replaySpan(tt.from, tt.to)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("replaySpan(%q, %q) error = %v, want one containing %q", tt.from, tt.to, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !from.Equal(tt.wantFrom) {
			t.Errorf("replaySpan(%q, %q) = %v, %v; want %v", tt.from, tt.to, from, err, tt.wantFrom)
		}
	}
}

// replayRig is a broker holding raw articles published at two times, an
// hour apart, plus one poison message at the first time. Kafka finds offsets
// by time assuming timestamps grow along a partition, as they do when the
// fetcher publishes, so the early ones are written first.
type replayRig struct {
	cfg      enricherconfig.Config
	gaz      *gazetteer.Gazetteer
	early    []string // ids published at t0
	late     []string // ids published at t0 + 1h
	t0       time.Time
	nMessage int
}

func newReplayRig(t *testing.T) *replayRig {
	t.Helper()
	ctx := context.Background()
	topics := kafkax.Topics{Raw: "raw", Enriched: "enriched", DLQ: "dlq", FetcherState: "state", Partitions: 3, ReplicationFactor: 1}
	brokers := kafkatest.NewCluster(t, topics.Raw, topics.Enriched, topics.DLQ)
	cfg, err := enricherconfig.Load(func(k string) string {
		return map[string]string{"KAFKA_BROKERS": strings.Join(brokers, ","), "TOPIC_RAW": "raw", "TOPIC_ENRICHED": "enriched", "TOPIC_DLQ": "dlq"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := gazetteer.Load()
	if err != nil {
		t.Fatal(err)
	}
	rig := &replayRig{cfg: cfg, gaz: g, t0: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	var msgs []kafka.Message
	for j := range 40 {
		i := j*2%40 + j/20 // the even ids, then the odd ones
		at := rig.t0
		if i%2 == 1 {
			at = at.Add(time.Hour)
		}
		a := events.RawArticle{
			ID: fmt.Sprintf("art-%02d", i), Revision: 1, URL: fmt.Sprintf("https://example.org/%d", i),
			Source: "Dawn", Title: "Blast in Quetta", Language: "en",
			Text:        fmt.Sprintf("%d people were killed and %d injured when a bomb exploded in Quetta on Monday.", i+1, i+2),
			PublishedAt: at, FetchedAt: at,
		}
		m, err := events.RawMessage(a, "test")
		if err != nil {
			t.Fatal(err)
		}
		m.Topic, m.Time = topics.Raw, at
		msgs = append(msgs, m)
		if j == 19 {
			msgs = append(msgs, kafka.Message{Topic: topics.Raw, Key: []byte("poison"), Value: []byte("{not json"), Time: rig.t0})
		}
		if i%2 == 1 {
			rig.late = append(rig.late, a.ID)
		} else {
			rig.early = append(rig.early, a.ID)
		}
	}
	rig.nMessage = len(msgs)
	tr := cfg.Kafka.Transport()
	defer tr.CloseIdleConnections()
	w := kafkax.NewWriter(cfg.Kafka, tr)
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return rig
}

func (r *replayRig) replay(t *testing.T, version string, from, to time.Time) (kafkax.ReadResult, string) {
	t.Helper()
	var out bytes.Buffer
	res, err := runReplay(context.Background(), replayParams{
		Config: r.cfg, Enricher: enrich.New(r.gaz, version), From: from, To: to,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Meter:  progress.New(progress.Options{Out: &out, Label: "replay " + r.cfg.Topics.Raw}),
	})
	if err != nil {
		t.Fatalf("replay %s: %v", version, err)
	}
	return res, out.String()
}

// enriched reads the whole enriched topic and counts each version of each id.
func (r *replayRig) enriched(t *testing.T) map[string]map[string]int {
	t.Helper()
	ctx := context.Background()
	tr := r.cfg.Kafka.Transport()
	defer tr.CloseIdleConnections()
	ranges, err := kafkax.PlanRanges(ctx, r.cfg.Kafka.Client(tr), r.cfg.Topics.Enriched, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]int{}
	_, err = kafkax.ReadRanges(ctx, kafkax.ReadOptions{Kafka: r.cfg.Kafka, Topic: r.cfg.Topics.Enriched, MaxBatch: 7, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		ranges, func(_ context.Context, batch []kafka.Message) ([]kafkax.Poison, error) {
			for _, m := range batch {
				a, err := events.DecodeEnriched(m.Value)
				if err != nil {
					t.Errorf("enriched message at %d/%d: %v", m.Partition, m.Offset, err)
					continue
				}
				if seen[a.EnricherVersion] == nil {
					seen[a.EnricherVersion] = map[string]int{}
				}
				seen[a.EnricherVersion][a.ID]++
			}
			return nil, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func checkOnce(t *testing.T, version string, got map[string]int, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("version %s: %d ids enriched, want %d", version, len(got), len(want))
	}
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("version %s: %s enriched %d times, want once", version, id, got[id])
		}
	}
}

func TestReplayAfterVersionChange(t *testing.T) {
	rig := newReplayRig(t)
	all := append(append([]string(nil), rig.early...), rig.late...)

	res, display := rig.replay(t, "v1", time.Time{}, time.Time{})
	if res.Messages != int64(rig.nMessage) || res.Poison != 1 {
		t.Errorf("first replay = %+v, want %d messages with 1 poison", res, rig.nMessage)
	}
	if want := fmt.Sprintf("replay raw: %d/%d (100%%)", rig.nMessage, rig.nMessage); !strings.Contains(display, want) {
		t.Errorf("progress display %q lacks %q", display, want)
	}
	res, _ = rig.replay(t, "v2", time.Time{}, time.Time{})
	if res.Messages != int64(rig.nMessage) {
		t.Errorf("second replay = %+v, want %d messages", res, rig.nMessage)
	}
	got := rig.enriched(t)
	if len(got) != 2 {
		t.Errorf("enriched versions %v, want v1 and v2", keys(got))
	}
	checkOnce(t, "v1", got["v1"], all)
	checkOnce(t, "v2", got["v2"], all)
}

func TestReplayTimeSpan(t *testing.T) {
	rig := newReplayRig(t)
	// Only the articles published an hour after t0.
	res, _ := rig.replay(t, "late", rig.t0.Add(30*time.Minute), time.Time{})
	if res.Messages != int64(len(rig.late)) {
		t.Errorf("replay from t0+30m handled %d messages, want %d", res.Messages, len(rig.late))
	}
	// Only the articles (and the poison) published at t0.
	res, _ = rig.replay(t, "early", time.Time{}, rig.t0.Add(30*time.Minute))
	if res.Messages != int64(len(rig.early)+1) || res.Poison != 1 {
		t.Errorf("replay to t0+30m = %+v, want %d messages with 1 poison", res, len(rig.early)+1)
	}
	got := rig.enriched(t)
	checkOnce(t, "late", got["late"], rig.late)
	checkOnce(t, "early", got["early"], rig.early)
}

func keys(m map[string]map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func FuzzReplaySpan(f *testing.F) {
	for _, s := range [][2]string{{"earliest", ""}, {"2026-11-01T00:00:00Z", "2026-11-02T00:00:00+05:30"}, {"", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, fromText, toText string) {
		from, to, err := replaySpan(fromText, toText)
		if err != nil {
			return
		}
		if !from.IsZero() && !to.IsZero() && !to.After(from) {
			t.Errorf("replaySpan(%q, %q) accepted a span ending before it starts", fromText, toText)
		}
		if fromText == "" {
			t.Errorf("replaySpan accepted an empty --from")
		}
	})
}
