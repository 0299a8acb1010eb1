package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/api"
)

// sse is one Server-Sent Event as a client reads it.
type sse struct {
	ID, Event, Data string
}

// stream is an open SSE connection; Events closes when it ends.
type stream struct {
	Events <-chan sse
	cancel context.CancelFunc
}

func openStream(t testing.TB, url, token, lastEventID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("stream %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ch := make(chan sse, 100)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var e sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.ID != "" {
					ch <- e
				}
				e = sse{}
			case strings.HasPrefix(line, "id: "):
				e.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.Data = line[6:]
			}
		}
	}()
	s := &stream{Events: ch, cancel: cancel}
	t.Cleanup(cancel)
	return s
}

// next waits for the stream's next event.
func (s *stream) next(t testing.TB) sse {
	t.Helper()
	select {
	case e, ok := <-s.Events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event in 30s")
	}
	return sse{}
}

// An order's stream shows its past events, then its live ones; after a
// disconnect it resumes from Last-Event-ID through another API replica
// (the events reach it by LISTEN/NOTIFY), and it ends after the order's
// last event. Another customer's order is not theirs to watch.
func TestOrderEventStreamResumesThroughAnotherAPI(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	first := httptest.NewServer(api.NewHandler(p.deps)) // the checked p.api holds answers whole
	t.Cleanup(first.Close)
	second := httptest.NewServer(api.NewHandler(p.deps))
	t.Cleanup(second.Close)
	_, customer := p.newUser(false, true)
	_, stranger := p.newUser(false, true)
	prod := p.newProduct(1500, "EUR", 5)
	_, o := p.place(customer, orderBody("tok_approve", line(prod.ID, 1)))
	p.waitStatus(customer, o.ID, "confirmed")
	path := "/api/v1/orders/" + o.ID + "/events/stream"

	s := openStream(t, first.URL+path, customer, "")
	placed, confirmed := s.next(t), s.next(t)
	if placed.Event != "order.placed" || confirmed.Event != "order.confirmed" {
		t.Fatalf("past events %s, %s", placed.Event, confirmed.Event)
	}
	var e struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Data struct {
			Object struct {
				Status string `json:"status"`
			} `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(confirmed.Data), &e); err != nil || e.ID != confirmed.ID || e.Data.Object.Status != "confirmed" {
		t.Fatalf("data %s: %v", confirmed.Data, err)
	}
	// Live: shipped through the other API arrives on this stream.
	if code, _ := p.act(p.admin, o.ID, "ship"); code != http.StatusOK {
		t.Fatalf("ship: %d", code)
	}
	if shipped := s.next(t); shipped.Event != "order.shipped" {
		t.Fatalf("live event %s", shipped.Event)
	}
	s.cancel() // the client goes away

	resp := p.api.Do(http.MethodGet, path, "Authorization: Bearer "+stranger)
	if resp.Code != http.StatusNotFound {
		t.Errorf("a stranger's stream: %d", resp.Code)
	}

	// Back, through the second replica, after confirmed: shipped again,
	// then delivered; the stream stays open for the returns' events.
	r := openStream(t, second.URL+path, customer, confirmed.ID)
	if again := r.next(t); again.Event != "order.shipped" {
		t.Fatalf("resumed with %s, want order.shipped", again.Event)
	}
	if code, _ := p.act(p.admin, o.ID, "deliver"); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	if delivered := r.next(t); delivered.Event != "order.delivered" {
		t.Fatalf("live event %s", delivered.Event)
	}
	r.cancel()

	// The feed's stream: superusers only, resuming too.
	all := openStream(t, second.URL+"/api/v1/events/stream", p.admin, placed.ID)
	if next := all.next(t); next.ID != confirmed.ID {
		t.Errorf("the feed's stream after order.placed: %s %s", next.Event, next.ID)
	}
	if resp := p.api.Do(http.MethodGet, "/api/v1/events/stream", "Authorization: Bearer "+customer); resp.Code != http.StatusForbidden {
		t.Errorf("a customer's feed stream: %d", resp.Code)
	}
}
