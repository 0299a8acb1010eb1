package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/acme/orders/internal/events"
)

// WebhookSender POSTs an event to an endpoint as the Standard Webhooks
// specification says: the event's JSON, with webhook-id (the event's id),
// webhook-timestamp and webhook-signature, one "v1,<base64 HMAC-SHA256>"
// per secret that signs now, space-separated.
type WebhookSender struct {
	client *http.Client
}

// NewWebhookSender gives each attempt timeout (WEBHOOK_TIMEOUT) and, unless
// allowPrivate, refuses to connect to a private or reserved address
// whatever the URL's host resolved to (events.Forbidden). It uses no proxy
// and follows no redirect.
func NewWebhookSender(timeout time.Duration, allowPrivate bool) *WebhookSender {
	dialer := &net.Dialer{Timeout: min(timeout, 10*time.Second)}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		DialContext: dialer.DialContext, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 8,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: timeout,
	}
	return &WebhookSender{client: &http.Client{
		Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// refusePrivate is the dialer's last word on the address it connects to.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook address %s: %w", address, err)
	}
	if events.Forbidden(ap.Addr()) {
		return fmt.Errorf("webhook address %s is private or reserved: refused", ap.Addr())
	}
	return nil
}

// sent is what one attempt came to.
type sent struct {
	attempt    events.Attempt
	outcome    events.Outcome
	retryAfter time.Duration
}

// Send makes one attempt, signed with every secret given, at at (the
// delivery log's clock).
func (s *WebhookSender) Send(ctx context.Context, url string, secrets []string, e events.Event, at time.Time) sent {
	body := e.JSON()
	start := time.Now()
	out := sent{attempt: events.Attempt{At: at}}
	req, err := s.request(ctx, url, secrets, e, body, start)
	if err != nil {
		out.attempt.Error, out.outcome = err.Error(), events.Refused
		return out
	}
	resp, err := s.client.Do(req)
	out.attempt.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		out.attempt.Error, out.outcome = trimError(err), events.Retryable
		return out
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	_ = resp.Body.Close()
	out.attempt.StatusCode = resp.StatusCode
	out.outcome = classify(resp.StatusCode)
	if out.outcome != events.Delivered {
		out.attempt.Error = http.StatusText(resp.StatusCode)
	}
	if out.outcome == events.Retryable {
		out.retryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return out
}

func (s *WebhookSender) request(ctx context.Context, url string, secrets []string, e events.Event, body []byte, now time.Time) (*http.Request, error) {
	sigs := make([]string, 0, len(secrets))
	for _, secret := range secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return nil, fmt.Errorf("signing secret: %w", err)
		}
		sig, err := wh.Sign(e.ID.String(), now, body)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "orders-webhooks/1")
	req.Header.Set(standardwebhooks.HeaderWebhookID, e.ID.String())
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, strings.Join(sigs, " "))
	return req, nil
}

// classify says what an answer means: 2xx delivered; 408, 429 and 5xx to
// be retried; 410 gone; anything else refused for good.
func classify(code int) events.Outcome {
	switch {
	case code >= 200 && code < 300:
		return events.Delivered
	case code == http.StatusGone:
		return events.Gone
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return events.Retryable
	}
	return events.Refused
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// trimError is a transport error without the request's method and URL
// that net/http puts first.
func trimError(err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
			return "timeout: no answer in time"
		}
		return ue.Unwrap().Error()
	}
	return err.Error()
}
