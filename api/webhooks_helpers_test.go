package api_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// receiver is a webhook receiver the test runs: a real HTTP server that
// records every request and answers as answer says (nil: 200).
type receiver struct {
	t      testing.TB
	srv    *httptest.Server
	answer func(n int, r *http.Request, w http.ResponseWriter) int

	mu  sync.Mutex
	got []hit
}

// hit is one request the receiver got.
type hit struct {
	At     time.Time
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
	Event  struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		OrderID string `json:"order_id"`
		Data    struct {
			Object map[string]any `json:"object"`
		} `json:"data"`
	}
}

func newReceiver(t testing.TB, answer func(n int, r *http.Request, w http.ResponseWriter) int) *receiver {
	return newReceiverOn(t, "127.0.0.1:0", answer)
}

// newReceiverOn listens on addr (a receiver coming back where it was).
func newReceiverOn(t testing.TB, addr string, answer func(n int, r *http.Request, w http.ResponseWriter) int) *receiver {
	t.Helper()
	rc := &receiver{t: t, answer: answer}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewUnstartedServer(http.HandlerFunc(rc.serve))
	rc.srv.Listener.Close()
	rc.srv.Listener = ln
	rc.srv.Start()
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h := hit{At: time.Now(), Header: r.Header.Clone(), Body: body}
	_ = json.Unmarshal(body, &h.Event)
	rc.mu.Lock()
	n := len(rc.got) + 1
	rc.mu.Unlock()
	h.Status = http.StatusOK
	if rc.answer != nil {
		h.Status = rc.answer(n, r, w)
	}
	rc.mu.Lock()
	rc.got = append(rc.got, h)
	rc.mu.Unlock()
	w.WriteHeader(h.Status)
}

func (rc *receiver) url() string { return rc.srv.URL + "/hooks" }

// hits is every request so far.
func (rc *receiver) hits() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.got...)
}

// accepted is the requests answered 2xx, in arrival order.
func (rc *receiver) accepted() []hit {
	var out []hit
	for _, h := range rc.hits() {
		if h.Status < 300 {
			out = append(out, h)
		}
	}
	return out
}

// waitAccepted waits until n requests were answered 2xx.
func (rc *receiver) waitAccepted(n int, limit time.Duration) []hit {
	rc.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := rc.accepted()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			rc.t.Fatalf("receiver accepted %d of %d deliveries in %s: %v", len(got), n, limit, types(rc.hits()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func types(hs []hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Event.Type
	}
	return out
}

// verify checks the hit's Standard Webhooks signature with secret.
func (h hit) verify(t testing.TB, secret string) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(h.Body, h.Header); err != nil {
		t.Errorf("%s %s: signature %q does not verify: %v", h.Event.Type, h.Event.ID, h.Header.Get("webhook-signature"), err)
	}
	if h.Header.Get("webhook-id") != h.Event.ID {
		t.Errorf("webhook-id %q, event id %q", h.Header.Get("webhook-id"), h.Event.ID)
	}
}

// webhook is an endpoint as registered.
type webhook struct {
	ID             string   `json:"id"`
	URL            string   `json:"url"`
	EventTypes     []string `json:"event_types"`
	Enabled        bool     `json:"enabled"`
	DisabledReason string   `json:"disabled_reason"`
	Secret         string   `json:"secret"`
}

// registerWebhook registers url for types (none: every type).
func (p *platform) registerWebhook(url string, types ...string) webhook {
	p.t.Helper()
	var w webhook
	body := map[string]any{"url": url, "description": "test receiver"}
	if len(types) > 0 {
		body["event_types"] = types
	}
	if code := p.do(http.MethodPost, "/api/v1/webhooks", p.admin, body, &w); code != http.StatusCreated {
		p.t.Fatalf("register webhook %s: %d", url, code)
	}
	if !strings.HasPrefix(w.Secret, "whsec_") {
		p.t.Fatalf("secret %q", w.Secret)
	}
	return w
}

// delivery is a delivery as the API lists it.
type delivery struct {
	ID        string `json:"id"`
	EventID   string `json:"event_id"`
	EventType string `json:"event_type"`
	State     string `json:"state"`
	Attempts  []struct {
		At         time.Time `json:"at"`
		StatusCode int       `json:"status_code"`
		Error      string    `json:"error"`
	} `json:"attempts"`
}

// deliveries lists the endpoint's deliveries, newest first.
func (p *platform) deliveries(hookID string) []delivery {
	p.t.Helper()
	var out struct {
		Data []delivery `json:"data"`
	}
	if code := p.do(http.MethodGet, "/api/v1/webhooks/"+hookID+"/deliveries?limit=100", p.admin, nil, &out); code != http.StatusOK {
		p.t.Fatalf("deliveries: %d", code)
	}
	return out.Data
}

// waitDelivery waits until the endpoint's delivery of the event is no
// longer pending, and returns it.
func (p *platform) waitDelivery(hookID, deliveryID string, limit time.Duration) delivery {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		for _, d := range p.deliveries(hookID) {
			if d.ID == deliveryID && d.State != "pending" {
				return d
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("delivery %s still pending after %s", deliveryID, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitWebhook reads the endpoint until done says so.
func (p *platform) waitWebhook(id string, done func(webhook) bool, limit time.Duration) webhook {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var w webhook
		if code := p.do(http.MethodGet, "/api/v1/webhooks/"+id, p.admin, nil, &w); code != http.StatusOK {
			p.t.Fatalf("read webhook: %d", code)
		}
		if done(w) {
			return w
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("webhook %+v, still not as wanted after %s", w, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sendTest asks for a webhook.test delivery and returns it.
func (p *platform) sendTest(hookID string) delivery {
	p.t.Helper()
	var d delivery
	if code := p.do(http.MethodPost, "/api/v1/webhooks/"+hookID+"/test", p.admin, nil, &d); code != http.StatusAccepted {
		p.t.Fatalf("test webhook: %d", code)
	}
	return d
}
