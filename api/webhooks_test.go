package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/internal/events"
)

// An order's whole lifecycle reaches a registered receiver: each event
// once, in order, signed, carrying the order as the API showed it then; the
// feed holds the same events.
func TestWebhooksDeliverAnOrdersLifecycle(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	rc := newReceiver(t, nil)
	hook := p.registerWebhook(rc.url())
	_, customer := p.newUser(false, true)
	prod := p.newProduct(1500, "EUR", 5)

	_, o := p.place(customer, orderBody("tok_approve", line(prod.ID, 2)))
	p.waitStatus(customer, o.ID, "confirmed")
	if code, _ := p.act(p.admin, o.ID, "ship"); code != http.StatusOK {
		t.Fatalf("ship: %d", code)
	}
	if code, _ := p.act(p.admin, o.ID, "deliver"); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	want := []string{"order.placed", "order.confirmed", "order.shipped", "order.delivered"}
	got := rc.waitAccepted(len(want), 30*time.Second)
	if !slices.Equal(types(got), want) {
		t.Fatalf("received %v, want %v in this order", types(got), want)
	}
	ids := map[string]bool{}
	for _, h := range got {
		h.verify(t, hook.Secret)
		if ids[h.Event.ID] {
			t.Errorf("event %s received twice", h.Event.ID)
		}
		ids[h.Event.ID] = true
		if h.Event.OrderID != o.ID {
			t.Errorf("%s is about order %s, not %s", h.Event.Type, h.Event.OrderID, o.ID)
		}
		status := strings.TrimPrefix(h.Event.Type, "order.")
		if status == "placed" {
			status = "pending"
		}
		if h.Event.Data.Object["status"] != status {
			t.Errorf("%s carries the order in status %v", h.Event.Type, h.Event.Data.Object["status"])
		}
		if _, leaked := h.Event.Data.Object["payment_token"]; leaked || strings.Contains(string(h.Body), "tok_approve") {
			t.Errorf("%s carries the payment token: %s", h.Event.Type, h.Body)
		}
	}
	// The last event's object is the order as GET shows it now.
	resp := p.api.Do(http.MethodGet, "/api/v1/orders/"+o.ID, "Authorization: Bearer "+customer)
	var now map[string]any
	decode(t, resp.Body.Bytes(), &now)
	if last := got[len(got)-1].Event.Data.Object; !reflect.DeepEqual(last, now) {
		t.Errorf("order.delivered carries\n%v\nGET shows\n%v", last, now)
	}

	// The feed: the same events, newest first, and each by its id.
	var feed struct {
		Data []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"data"`
		Count *int64 `json:"count"`
	}
	if code := p.do(http.MethodGet, "/api/v1/events?count=true&order_id="+o.ID, p.admin, nil, &feed); code != http.StatusOK {
		t.Fatalf("feed: %d", code)
	}
	if len(feed.Data) != len(want) || feed.Count == nil || *feed.Count != int64(len(want)) {
		t.Fatalf("feed of the order: %+v", feed)
	}
	for i, e := range feed.Data {
		if h := got[len(got)-1-i]; e.ID != h.Event.ID || e.Type != h.Event.Type {
			t.Errorf("feed[%d] is %s %s, the receiver got %s %s", i, e.Type, e.ID, h.Event.Type, h.Event.ID)
		}
	}
	resp = p.api.Do(http.MethodGet, "/api/v1/events/"+got[0].Event.ID, "Authorization: Bearer "+p.admin)
	var one map[string]any
	var sent map[string]any
	decode(t, resp.Body.Bytes(), &one)
	decode(t, got[0].Body, &sent)
	if !reflect.DeepEqual(one, sent) {
		t.Errorf("GET /events/{id} shows\n%v\nthe webhook carried\n%v", one, sent)
	}
	if code := p.do(http.MethodGet, "/api/v1/events?type=order.shipped&order_id="+o.ID, p.admin, nil, &feed); code != http.StatusOK || len(feed.Data) != 1 {
		t.Errorf("feed by type: %d %+v", code, feed)
	}
	if code := p.do(http.MethodGet, "/api/v1/events", customer, nil, nil); code != http.StatusForbidden {
		t.Errorf("a customer reads the feed: %d", code)
	}

	// Each delivery succeeded at its first attempt, and nothing came twice.
	for _, d := range p.deliveries(hook.ID) {
		if d = p.waitDelivery(hook.ID, d.ID, 20*time.Second); d.State != "succeeded" || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != http.StatusOK {
			t.Errorf("delivery %+v", d)
		}
	}
	if n := len(rc.hits()); n != len(want) {
		t.Errorf("the receiver got %d requests, want %d", n, len(want))
	}
}

// A receiver answering 500 three times, then 429 with Retry-After, gets
// the event on the 5th attempt, each retry after its wait.
func TestWebhookRetriesUntilTheReceiverAnswers(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	rc := newReceiver(t, func(n int, _ *http.Request, w http.ResponseWriter) int {
		switch {
		case n <= 3:
			return http.StatusInternalServerError
		case n == 4:
			w.Header().Set("Retry-After", "1")
			return http.StatusTooManyRequests
		}
		return http.StatusNoContent
	})
	hook := p.registerWebhook(rc.url())
	d := p.sendTest(hook.ID)
	d = p.waitDelivery(hook.ID, d.ID, 30*time.Second)
	codes := []int{}
	for _, a := range d.Attempts {
		codes = append(codes, a.StatusCode)
	}
	if d.State != "succeeded" || !slices.Equal(codes, []int{500, 500, 500, 429, 204}) {
		t.Fatalf("delivery %s, attempts answered %v", d.State, codes)
	}
	schedule := p.settings.webhooks.Schedule
	for i := 1; i < len(d.Attempts); i++ {
		wait := d.Attempts[i].At.Sub(d.Attempts[i-1].At)
		least := schedule[i-1] * 9 / 10 // the schedule's interval, less its jitter
		if i == 4 {
			least = time.Second // Retry-After
		}
		if wait < least {
			t.Errorf("retry %d came %s after the attempt before, want at least %s", i, wait, least)
		}
	}
	hits := rc.hits()
	if len(hits) != 5 || hits[0].Event.Type != events.TypeTest || hits[4].Event.ID != hits[0].Event.ID {
		t.Errorf("receiver got %v", types(hits))
	}
	hits[4].verify(t, hook.Secret)
}

// A receiver that is down while an order moves gets every event, in order,
// once it is back.
func TestWebhookReceiverOutageLosesNothing(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) {
		s.webhooks.Schedule = []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	})
	rc := newReceiver(t, nil)
	addr := rc.srv.Listener.Addr().String()
	hook := p.registerWebhook(rc.url())
	rc.srv.Close() // down: connections are refused
	_, customer := p.newUser(false, true)
	prod := p.newProduct(1500, "EUR", 5)
	_, o := p.place(customer, orderBody("tok_approve", line(prod.ID, 1)))
	p.waitStatus(customer, o.ID, "confirmed")
	if code, _ := p.act(customer, o.ID, "cancel"); code != http.StatusOK {
		t.Fatalf("cancel: %d", code)
	}
	p.waitUntil(customer, o.ID, "a failed attempt", func(order) bool {
		for _, d := range p.deliveries(hook.ID) {
			if len(d.Attempts) > 0 {
				return true
			}
		}
		return false
	})
	back := newReceiverOn(t, addr, nil)
	want := []string{"order.placed", "order.confirmed", "order.cancelled"}
	got := back.waitAccepted(len(want), 30*time.Second)
	if !slices.Equal(types(got), want) {
		t.Fatalf("after the outage the receiver got %v, want %v", types(got), want)
	}
	for _, h := range got {
		h.verify(t, hook.Secret)
	}
}

// A 400 is not retried (and does not hold later events back); a 410
// disables the endpoint, abandons what it was still to get and tells the
// superusers.
func TestWebhookRefusalsAndGone(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	operator, _ := p.newUser(true, true)
	rc := newReceiver(t, func(n int, _ *http.Request, _ http.ResponseWriter) int {
		if code, ok := map[int]int{1: http.StatusBadRequest, 3: http.StatusGone}[n]; ok {
			return code
		}
		return http.StatusOK
	})
	hook := p.registerWebhook(rc.url())

	refused := p.waitDelivery(hook.ID, p.sendTest(hook.ID).ID, 20*time.Second)
	if refused.State != "failed" || len(refused.Attempts) != 1 || refused.Attempts[0].StatusCode != 400 {
		t.Fatalf("a 400: %+v", refused)
	}
	if ok := p.waitDelivery(hook.ID, p.sendTest(hook.ID).ID, 20*time.Second); ok.State != "succeeded" {
		t.Fatalf("after a 400: %+v", ok)
	}
	gone := p.waitDelivery(hook.ID, p.sendTest(hook.ID).ID, 20*time.Second)
	if gone.State != "failed" || gone.Attempts[0].StatusCode != 410 {
		t.Fatalf("a 410: %+v", gone)
	}
	// The pump records the attempt, then disables the endpoint.
	w := p.waitWebhook(hook.ID, func(w webhook) bool { return !w.Enabled }, 20*time.Second)
	if !strings.Contains(w.DisabledReason, "410") {
		t.Fatalf("after a 410 the endpoint is %+v", w)
	}
	if code := p.do(http.MethodPost, "/api/v1/webhooks/"+hook.ID+"/test", p.admin, nil, nil); code != http.StatusConflict {
		t.Errorf("test of a disabled endpoint: %d", code)
	}
	msg := p.mail.WaitForMessage(t, operator.Email, "webhook endpoint was disabled", 30*time.Second)
	if !strings.Contains(msg.Text, rc.url()) || !strings.Contains(msg.Text, "410") {
		t.Errorf("the e-mail says %q", msg.Text)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(rc.hits()); n != 3 {
		t.Errorf("the receiver got %d requests, want 3 (no retry of the 400 or the 410)", n)
	}

	// Enabled again, it receives again.
	w = webhook{}
	if code := p.do(http.MethodPatch, "/api/v1/webhooks/"+hook.ID, p.admin, map[string]any{"enabled": true}, &w); code != http.StatusOK || !w.Enabled || w.DisabledReason != "" {
		t.Fatalf("enable: %d %+v", code, w)
	}
	if d := p.waitDelivery(hook.ID, p.sendTest(hook.ID).ID, 20*time.Second); d.State != "succeeded" {
		t.Errorf("after enabling: %+v", d)
	}
}

// During a rotation every delivery is signed with both secrets, so a
// receiver holding either verifies it; the new secret is shown once.
func TestWebhookSecretRotationKeepsDeliveriesVerifiable(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	rc := newReceiver(t, nil)
	hook := p.registerWebhook(rc.url())
	var rotated webhook
	if code := p.do(http.MethodPost, "/api/v1/webhooks/"+hook.ID+"/rotate-secret", p.admin, nil, &rotated); code != http.StatusOK {
		t.Fatalf("rotate: %d", code)
	}
	if rotated.Secret == hook.Secret || !strings.HasPrefix(rotated.Secret, "whsec_") {
		t.Fatalf("new secret %q", rotated.Secret)
	}
	var read map[string]any
	p.do(http.MethodGet, "/api/v1/webhooks/"+hook.ID, p.admin, nil, &read)
	if _, shown := read["secret"]; shown {
		t.Errorf("GET shows the secret: %v", read)
	}
	p.waitDelivery(hook.ID, p.sendTest(hook.ID).ID, 20*time.Second)
	h := rc.waitAccepted(1, time.Second)[0]
	if sigs := strings.Fields(h.Header.Get("webhook-signature")); len(sigs) != 2 {
		t.Errorf("signatures %v, want the new secret's and the old one's", sigs)
	}
	h.verify(t, hook.Secret)
	h.verify(t, rotated.Secret)
}

// Without WEBHOOK_ALLOW_PRIVATE_URLS, an endpoint must be https on a public
// address: the others are refused and nothing is registered.
func TestWebhookPrivateURLsAreRefused(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.privateURLs = false })
	for _, url := range []string{
		"https://127.0.0.1/hooks", "https://localhost:8443/hooks", "https://10.1.2.3/hooks", "https://[::1]/hooks",
		"https://169.254.169.254/latest/meta-data", "https://192.168.0.10/hooks", "http://example.com/hooks", "https://user:pw@example.com/",
	} {
		resp := p.api.Do(http.MethodPost, "/api/v1/webhooks", "Authorization: Bearer "+p.admin, map[string]any{"url": url})
		if resp.Code != http.StatusUnprocessableEntity || !strings.Contains(resp.Body.String(), "body.url") {
			t.Errorf("%s: %d %s", url, resp.Code, resp.Body)
		}
	}
	var list struct {
		Count int `json:"count"`
	}
	p.do(http.MethodGet, "/api/v1/webhooks", p.admin, nil, &list)
	if list.Count != 0 {
		t.Errorf("%d endpoints registered", list.Count)
	}
	resp := p.api.Do(http.MethodPost, "/api/v1/webhooks", "Authorization: Bearer "+p.admin, map[string]any{"url": "https://hooks.example.com/x", "event_types": []string{"order.exploded"}})
	if resp.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown event type: %d %s", resp.Code, resp.Body)
	}
}

// An endpoint takes only the types it subscribed to.
func TestWebhookEventTypesFilter(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	rc := newReceiver(t, nil)
	p.registerWebhook(rc.url(), "order.confirmed")
	_, customer := p.newUser(false, true)
	prod := p.newProduct(1500, "EUR", 5)
	_, o := p.place(customer, orderBody("tok_approve", line(prod.ID, 1)))
	p.waitStatus(customer, o.ID, "confirmed")
	got := rc.waitAccepted(1, 20*time.Second)
	time.Sleep(300 * time.Millisecond)
	if len(rc.hits()) != 1 || got[0].Event.Type != "order.confirmed" {
		t.Errorf("got %v, want only order.confirmed", types(rc.hits()))
	}
	var e map[string]any
	_ = json.Unmarshal(got[0].Body, &e)
	for _, k := range []string{"id", "type", "created_at", "order_id", "data"} {
		if _, ok := e[k]; !ok {
			t.Errorf("the event lacks %s: %v", k, e)
		}
	}
}

// The operators' recipe for webhooks works as docs/operations.md gives it.
func TestWebhookOperatorRecipes(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	rc := newReceiver(t, nil)
	hook := p.registerWebhook(rc.url())
	p.runRecipe("the endpoints' delivery workflows", nil, "webhook-endpoint-"+hook.ID)
}
