package activities

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"

	"github.com/acme/orders/internal/config"
)

// Mail is one message ready for a relay.
type Mail struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // stable across retries, so a duplicate is recognisable
}

// ErrNoRelay is what a mailer with no relay configured (SMTP_HOST empty)
// answers: nothing was sent, and retrying would not send it.
var ErrNoRelay = errors.New("no mail relay configured (SMTP_HOST is empty)")

// Mailer hands mail to a relay. SMTPMailer is the real one.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// SMTPMailer sends through an SMTP relay, with STARTTLS, implicit TLS or neither.
type SMTPMailer struct {
	cfg config.SMTP
}

// NewSMTPMailer returns a mailer for the relay in cfg.
func NewSMTPMailer(cfg config.SMTP) *SMTPMailer { return &SMTPMailer{cfg: cfg} }

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
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	var conn net.Conn
	if s.cfg.SSL {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect to SMTP relay %s: %w", addr, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("SMTP greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if s.cfg.TLS {
		if err := c.StartTLS(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	}
	if s.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("SMTP auth: %w", err)
		}
	}
	if err := c.Mail(s.cfg.FromEmail); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("SMTP RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("SMTP write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP end of data: %w", err)
	}
	return c.Quit()
}

// compose builds a multipart/alternative message with text and HTML parts.
func (s *SMTPMailer) compose(m Mail) ([]byte, error) {
	from := mail.Address{Name: s.cfg.FromName, Address: s.cfg.FromEmail}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct{ ctype, content string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(part.content)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}

	var msg bytes.Buffer
	headers := [][2]string{
		{"From", from.String()},
		{"To", (&mail.Address{Address: m.To}).String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"MIME-Version", "1.0"},
		{"Content-Type", "multipart/alternative; boundary=" + mw.Boundary()},
	}
	if m.MessageID != "" {
		headers = append(headers, [2]string{"Message-ID", m.MessageID})
	}
	for _, h := range headers {
		fmt.Fprintf(&msg, "%s: %s\r\n", h[0], h[1])
	}
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}
