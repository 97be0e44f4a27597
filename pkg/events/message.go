package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/segmentio/kafka-go"
)

// CloudEvents types of the two documents.
const (
	TypeRawArticle      = "dev.newsflow.article.raw.v1"
	TypeEnrichedArticle = "dev.newsflow.article.enriched.v1"
)

// ContentType is the media type of every message body.
const ContentType = "application/json"

// ErrSchemaVersion reports a message written with a schema this build does not
// understand. It is permanent: retrying will not help.
var ErrSchemaVersion = errors.New("unsupported schema_version")

// ErrInvalid reports a message that decodes but breaks the schema's rules.
var ErrInvalid = errors.New("invalid article")

// RawMessage encodes a raw article as a Kafka message keyed by its id, with
// CloudEvents binary-mode headers. source names the producer (for example the
// feed URL); it is carried in ce_source.
func RawMessage(a RawArticle, source string) (kafka.Message, error) {
	a.SchemaVersion = SchemaVersion
	return message(a.ID, a, TypeRawArticle, source, a.FetchedAt)
}

// EnrichedMessage encodes an enriched article the same way as RawMessage.
func EnrichedMessage(a EnrichedArticle, source string) (kafka.Message, error) {
	a.SchemaVersion = SchemaVersion
	return message(a.ID, a, TypeEnrichedArticle, source, a.EnrichedAt)
}

func message(id string, doc any, ceType, source string, at time.Time) (kafka.Message, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode %s %s: %w", ceType, id, err)
	}
	return kafka.Message{
		Key:   []byte(id),
		Value: body,
		Headers: []kafka.Header{
			{Key: "ce_specversion", Value: []byte("1.0")},
			{Key: "ce_id", Value: []byte(id)},
			{Key: "ce_source", Value: []byte(source)},
			{Key: "ce_type", Value: []byte(ceType)},
			{Key: "ce_time", Value: []byte(at.UTC().Format(time.RFC3339Nano))},
			{Key: "content-type", Value: []byte(ContentType)},
		},
	}, nil
}

// DecodeRaw parses and checks a raw article message body.
func DecodeRaw(body []byte) (RawArticle, error) {
	var a RawArticle
	if err := decode(body, &a, &a.SchemaVersion); err != nil {
		return a, err
	}
	return a, a.validate()
}

// DecodeEnriched parses and checks an enriched article message body.
func DecodeEnriched(body []byte) (EnrichedArticle, error) {
	var a EnrichedArticle
	if err := decode(body, &a, &a.SchemaVersion); err != nil {
		return a, err
	}
	return a, a.validate()
}

// decode parses body into v once, then checks the schema version it carried
// (*version). Only when parsing fails is the version probed on its own, so
// that a message from a future schema is reported as such rather than as a
// type error.
func decode(body []byte, v any, version *int) error {
	*version = -1
	err := Unmarshal(body, v)
	if err != nil {
		var probe struct {
			SchemaVersion *int `json:"schema_version"`
		}
		if Unmarshal(body, &probe) != nil || probe.SchemaVersion == nil || *probe.SchemaVersion == SchemaVersion {
			return fmt.Errorf("decode article: %w", err)
		}
		*version = *probe.SchemaVersion
	}
	switch *version {
	case SchemaVersion:
		return nil
	case -1:
		return fmt.Errorf("decode article: %w: missing (want %d)", ErrSchemaVersion, SchemaVersion)
	}
	return fmt.Errorf("decode article: %w: %d (want %d)", ErrSchemaVersion, *version, SchemaVersion)
}

func (a RawArticle) validate() error {
	switch {
	case a.ID == "":
		return fmt.Errorf("%w: empty id", ErrInvalid)
	case a.Revision < 1:
		return fmt.Errorf("%w %s: revision %d < 1", ErrInvalid, a.ID, a.Revision)
	case a.PublishedAt.IsZero():
		return fmt.Errorf("%w %s: no published_at", ErrInvalid, a.ID)
	}
	return nil
}

func (a EnrichedArticle) validate() error {
	if err := a.RawArticle.validate(); err != nil {
		return err
	}
	if a.EnricherVersion == "" {
		return fmt.Errorf("%w %s: no enricher_version", ErrInvalid, a.ID)
	}
	return nil
}

// Unmarshal decodes JSON as encoding/json does, five times faster on an
// article: decoding articles, from Kafka and from the store, was the
// largest cost of the indexer. FuzzUnmarshalMatchesStd holds it to
// encoding/json's results.
func Unmarshal(data []byte, v any) error { return gojson.Unmarshal(data, v) }
