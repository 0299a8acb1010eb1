package activities

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/acme/orders/internal/config"
)

// Mail is one message ready for a relay.
type Mail struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets; stable across retries, so a duplicate is recognisable
}

// ErrNoRelay is what a mailer with no relay configured (SMTP_HOST empty)
// answers: nothing was sent, and retrying would not send it.
var ErrNoRelay = errors.New("no mail relay configured (SMTP_HOST is empty)")

// ErrUndeliverable is a message no relay could take (a malformed address):
// retrying cannot send it.
var ErrUndeliverable = errors.New("undeliverable message")

// Mailer hands mail to a relay. SMTPMailer is the real one.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// SMTPMailer sends through an SMTP relay, with STARTTLS, implicit TLS or
// neither, by go-mail (MIME, encodings and the SMTP dialogue).
type SMTPMailer struct {
	cfg config.SMTP
}

// NewSMTPMailer returns a mailer for the relay in cfg.
func NewSMTPMailer(cfg config.SMTP) *SMTPMailer { return &SMTPMailer{cfg: cfg} }

// connectTimeout bounds the dial and the greeting; the context bounds the rest.
const connectTimeout = 10 * time.Second

// Send opens one connection per message: e-mails are rare and a pooled
// connection would only go stale between them.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	if s.cfg.Host == "" {
		return ErrNoRelay
	}
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("SMTP relay %s: %w", s.cfg.Host, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP relay %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

func (s *SMTPMailer) clientOptions() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(connectTimeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12})}
	switch {
	case s.cfg.SSL:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.TLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// compose builds a multipart/alternative message with text and HTML parts.
func (s *SMTPMailer) compose(m Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.cfg.FromName, s.cfg.FromEmail); err != nil {
		return nil, fmt.Errorf("%w: EMAILS_FROM_EMAIL: %w", ErrUndeliverable, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("%w: recipient %q: %w", ErrUndeliverable, m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}
