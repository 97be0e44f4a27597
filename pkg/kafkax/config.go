// Package kafkax owns Newsflow's Kafka plumbing on segmentio/kafka-go: the
// connection settings (TLS, SASL) read from the environment, a writer with safe
// defaults, topic creation, and the at-least-once consume loop with its
// dead-letter topic and lag metrics.
package kafkax

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/newsflow/newsflow/pkg/config"
)

// Config says how to reach the Kafka cluster.
type Config struct {
	Brokers  []string
	ClientID string
	// TLS is nil for plaintext connections.
	TLS *tls.Config
	// SASL is nil when the cluster needs no authentication.
	SASL sasl.Mechanism
}

// LoadConfig reads the Kafka settings every service shares:
//
//	KAFKA_BROKERS              comma-separated host:port list (default 127.0.0.1:9092)
//	KAFKA_TLS                  true to use TLS
//	KAFKA_TLS_CA_FILE          PEM bundle of trusted CAs (default: system pool)
//	KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE   client certificate for mutual TLS
//	KAFKA_TLS_SERVER_NAME      name to verify, when it differs from the broker host
//	KAFKA_SASL_MECHANISM       PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
//	KAFKA_SASL_USERNAME
//	KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE
func LoadConfig(get config.Getenv, clientID string) (Config, error) {
	c := Config{
		Brokers:  config.List(get, "KAFKA_BROKERS", []string{"127.0.0.1:9092"}),
		ClientID: clientID,
	}
	var errs []error
	for _, b := range c.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			errs = append(errs, fmt.Errorf("KAFKA_BROKERS: %q is not host:port", b))
		}
	}
	useTLS, err := config.Bool(get, "KAFKA_TLS", false)
	errs = append(errs, err)
	if useTLS {
		c.TLS, err = loadTLS(get)
		errs = append(errs, err)
	}
	c.SASL, err = loadSASL(get)
	errs = append(errs, err)
	return c, errors.Join(errs...)
}

func loadTLS(get config.Getenv) (*tls.Config, error) {
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: get("KAFKA_TLS_SERVER_NAME")}
	if ca := get("KAFKA_TLS_CA_FILE"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("KAFKA_TLS_CA_FILE: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("KAFKA_TLS_CA_FILE %s: no PEM certificates", ca)
		}
	}
	cert, key := get("KAFKA_TLS_CERT_FILE"), get("KAFKA_TLS_KEY_FILE")
	if (cert == "") != (key == "") {
		return nil, errors.New("KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("KAFKA_TLS_CERT_FILE: %w", err)
		}
		t.Certificates = []tls.Certificate{pair}
	}
	return t, nil
}

func loadSASL(get config.Getenv) (sasl.Mechanism, error) {
	mech := strings.ToUpper(strings.TrimSpace(get("KAFKA_SASL_MECHANISM")))
	if mech == "" {
		return nil, nil
	}
	user := get("KAFKA_SASL_USERNAME")
	pass, err := config.Secret(get, "KAFKA_SASL_PASSWORD")
	if err != nil {
		return nil, err
	}
	if user == "" || pass == "" {
		return nil, fmt.Errorf("KAFKA_SASL_MECHANISM %s needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD", mech)
	}
	switch mech {
	case "PLAIN":
		return plain.Mechanism{Username: user, Password: pass}, nil
	case "SCRAM-SHA-256":
		return scram.Mechanism(scram.SHA256, user, pass)
	case "SCRAM-SHA-512":
		return scram.Mechanism(scram.SHA512, user, pass)
	}
	return nil, fmt.Errorf("KAFKA_SASL_MECHANISM: %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", mech)
}

// Dialer returns a dialer for kafka-go Readers and Conns.
func (c Config) Dialer() *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:      c.ClientID,
		Timeout:       10 * time.Second,
		DualStack:     true,
		TLS:           c.TLS,
		SASLMechanism: c.SASL,
	}
}

// Transport returns a transport for kafka-go Writers and Clients.
func (c Config) Transport() *kafka.Transport {
	return &kafka.Transport{
		ClientID:    c.ClientID,
		DialTimeout: 10 * time.Second,
		TLS:         c.TLS,
		SASL:        c.SASL,
		// Metadata is refreshed so that new partitions and a restarted broker
		// are noticed without a restart of the service.
		MetadataTTL: 30 * time.Second,
	}
}

// Client returns an admin-capable client sharing the given transport.
func (c Config) Client(t *kafka.Transport) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: t, Timeout: 10 * time.Second}
}

// Ping makes a real metadata round trip, so readiness reflects a broker that
// answers (and accepts our credentials), not just an open port.
func (c Config) Ping(ctx context.Context, t *kafka.Transport) error {
	_, err := c.Client(t).Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
	if err != nil {
		return fmt.Errorf("kafka %s: %w", strings.Join(c.Brokers, ","), err)
	}
	return nil
}
