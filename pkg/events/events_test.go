package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/events"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sampleRaw() events.RawArticle {
	return events.RawArticle{
		ID:           "a1b2c3d4e5f60718",
		Revision:     2,
		URL:          "https://www.example.pk/news/1?utm_source=rss",
		CanonicalURL: "https://www.example.pk/news/1",
		Feed:         "https://www.example.pk/feeds/home",
		Source:       "Example Daily",
		CountryHint:  "PK",
		Title:        "Blast kills 5 in Peshawar",
		Summary:      "Five people were killed in Peshawar on Monday.",
		Text:         "PESHAWAR: Five people were killed and 12 injured in a blast on Monday, police said.",
		Language:     "en",
		PublishedAt:  time.Date(2026, 11, 23, 9, 30, 0, 0, time.FixedZone("PKT", 5*3600)),
		FetchedAt:    time.Date(2026, 11, 23, 4, 31, 2, 0, time.UTC),
		GUID:         "https://www.example.pk/news/1",
	}
}

func sampleEnriched() events.EnrichedArticle {
	peshawar := events.Place{
		ID: "geonames:1168197", GeonameID: 1168197, Name: "Peshawar", Country: "PK",
		Admin1Code: "03", Admin1Name: "Khyber Pakhtunkhwa", Lat: 34.008, Lon: 71.57849, FeatureCode: "PPLA",
	}
	return events.EnrichedArticle{
		RawArticle: sampleRaw(),
		Locations: []events.Location{
			{Place: peshawar, Span: events.Span{Field: events.FieldTitle, Start: 15, End: 23}, Text: "Peshawar", Confidence: 0.93},
			{Place: peshawar, Span: events.Span{Field: events.FieldText, Start: 0, End: 8}, Text: "PESHAWAR", Confidence: 0.95},
		},
		Places: []events.PlaceCount{{Place: peshawar, Mentions: 2}},
		Casualties: []events.Casualty{{
			Kind: events.Killed, Count: 5, Min: 5, Max: 5, Qualifier: "exact", Group: "people",
			Evidence:     events.Span{Field: events.FieldText, Start: 10, End: 48},
			EvidenceText: "Five people were killed and 12 injured",
			Place:        &peshawar,
		}},
		Totals:          events.Totals{Killed: 5, Injured: 12},
		Focus:           &peshawar,
		EnricherVersion: "2026.11.1",
		EnrichedAt:      time.Date(2026, 11, 23, 4, 31, 3, 0, time.UTC),
	}
}

func TestGoldenJSON(t *testing.T) {
	tests := map[string]func() (events.RawArticle, []byte, error){
		"raw": func() (events.RawArticle, []byte, error) {
			m, err := events.RawMessage(sampleRaw(), "https://www.example.pk/feeds/home")
			return sampleRaw(), m.Value, err
		},
		"enriched": func() (events.RawArticle, []byte, error) {
			m, err := events.EnrichedMessage(sampleEnriched(), "newsflow/enricher")
			return sampleRaw(), m.Value, err
		},
	}
	for name, encode := range tests {
		t.Run(name, func(t *testing.T) {
			_, body, err := encode()
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("JSON differs from %s:\n%s", golden, pretty.Bytes())
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	m, err := events.EnrichedMessage(sampleEnriched(), "newsflow/enricher")
	if err != nil {
		t.Fatal(err)
	}
	got, err := events.DecodeEnriched(m.Value)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleEnriched()
	want.SchemaVersion = events.SchemaVersion
	if !got.PublishedAt.Equal(want.PublishedAt) {
		t.Errorf("published_at = %v, want %v", got.PublishedAt, want.PublishedAt)
	}
	got.PublishedAt = want.PublishedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the article:\n got %+v\nwant %+v", got, want)
	}
	if string(m.Key) != want.ID {
		t.Errorf("key = %q, want the article id", m.Key)
	}
	headers := map[string]string{}
	for _, h := range m.Headers {
		headers[h.Key] = string(h.Value)
	}
	wantHeaders := map[string]string{
		"ce_specversion": "1.0", "ce_id": want.ID, "ce_source": "newsflow/enricher",
		"ce_type": events.TypeEnrichedArticle, "ce_time": "2026-11-23T04:31:03Z", "content-type": "application/json",
	}
	if !reflect.DeepEqual(headers, wantHeaders) {
		t.Errorf("headers = %v, want %v", headers, wantHeaders)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := map[string]struct {
		body string
		want error
	}{
		"not json":           {body: `{"id": `},
		"no schema version":  {body: `{"id": "x", "revision": 1}`, want: events.ErrSchemaVersion},
		"future schema":      {body: `{"schema_version": 99, "id": "x"}`, want: events.ErrSchemaVersion},
		"future field types": {body: `{"schema_version": 2, "id": 7, "revision": "one"}`, want: events.ErrSchemaVersion},
		"null":               {body: `null`, want: events.ErrSchemaVersion},
		"empty id":           {body: `{"schema_version": 1, "id": "", "revision": 1, "published_at": "2026-01-01T00:00:00Z"}`, want: events.ErrInvalid},
		"zero revision":      {body: `{"schema_version": 1, "id": "x", "published_at": "2026-01-01T00:00:00Z"}`, want: events.ErrInvalid},
		"no published_at":    {body: `{"schema_version": 1, "id": "x", "revision": 1}`, want: events.ErrInvalid},
		"wrong type of date": {body: `{"schema_version": 1, "id": "x", "revision": 1, "published_at": 5}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := events.DecodeRaw([]byte(tc.body))
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := events.DecodeEnriched([]byte(`{"schema_version": 1, "id": "x", "revision": 1, "published_at": "2026-01-01T00:00:00Z"}`)); !errors.Is(err, events.ErrInvalid) {
		t.Errorf("enriched without enricher_version: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	m, _ := events.EnrichedMessage(sampleEnriched(), "x")
	f.Add(m.Value)
	f.Add([]byte(`{"schema_version":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := events.DecodeEnriched(body)
		if err == nil && (a.ID == "" || a.Revision < 1 || a.EnricherVersion == "") {
			t.Errorf("accepted an invalid article: %+v", a)
		}
		_, _ = events.DecodeRaw(body)
	})
}

// events.Unmarshal stands in for encoding/json on every article the
// services read, so it must accept what encoding/json accepts, reject what
// it rejects, and decode to the same value.
func FuzzUnmarshalMatchesStd(f *testing.F) {
	for _, name := range []string{"enriched.golden.json", "raw.golden.json"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, s := range []string{
		"{\"id\":\"a\xff\xfeb\"}", `{"id":"\ud800"}`, `{"id":"\ud83d\ude00"}`, `{"id":"\u0000"}`, "{\"id\":\"a\tb\"}",
		`{"id":"a","ID":"b"}`, `{"Id":"x"}`, `{"id":"a",}`, `{"id":"a"} x`, `{"id":"a"}{"id":"b"}`, ` {"id":"a"} `,
		`{"revision":99999999999999999999}`, `{"revision":1.5}`, `{"revision":null,"id":null}`, `{"totals":{"killed":"3"}}`,
		`{"published_at":"2026-01-01"}`, `{"casualties":[{"kind":"killed","count":1e2}]}`, `{"locations":[null]}`,
		`{"focus":null}`, `{"focus":{"lat":"1"}}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast, std events.EnrichedArticle
		errFast, errStd := events.Unmarshal(body, &fast), json.Unmarshal(body, &std)
		if (errFast == nil) != (errStd == nil) {
			t.Fatalf("%q: events.Unmarshal error %v, encoding/json error %v", body, errFast, errStd)
		}
		if errStd == nil && !reflect.DeepEqual(fast, std) {
			t.Fatalf("%q decodes differently:\n%+v\n%+v", body, fast, std)
		}
	})
}
