package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// runWebhooks measures what delivering events costs the orders: orders
// reaching confirmed at full load with two webhook endpoints registered,
// one dead (its port refuses connections) and one live (a receiver in
// loadgen), against the same with none, measured before and after it
// (their mean: a platform whose open orders pile up through the run slows
// down as it goes, which would count against whichever ran later). Then,
// for the live endpoint: the events it had not received when the full load
// stopped and how long they took to drain, and, at -rate orders per
// second, the time from an event's commit to the receiver's 2xx. The
// endpoints are removed at the end, with their deliveries.
func runWebhooks(ctx context.Context, b *bench, r *result) error {
	if b.endpoints != nil { // the run's own pair (-endpoints) go for this workload's phases
		if err := b.endpoints.remove(ctx); err != nil {
			return err
		}
		defer func() { b.endpoints, _ = b.addEndpoints(ctx) }()
	}
	none1, err := b.confirmPhase(ctx, r)
	if err != nil {
		return err
	}
	hooks, err := b.addEndpoints(ctx)
	if err != nil {
		return err
	}
	defer hooks.remove(ctx) //nolint:errcheck // on an error return only
	rc := hooks.live

	before := b.cpu()
	with, err := b.confirmPhase(ctx, r)
	if err != nil {
		return err
	}
	r.figures = append(r.figures, b.resourceFigures("webhooks", before, float64(with.confirmed), "confirmed order")...)

	// The live endpoint's backlog when the load stopped, and its drain.
	committed, err := b.admin.countEvents(ctx, with.start, with.stopped)
	if err != nil {
		return err
	}
	backlog := committed - rc.receivedBy(with.start, with.stopped, with.stopped)
	if err := rc.waitAll(ctx, with.start, with.stopped, committed, 2*time.Minute); err != nil {
		return err
	}
	r.figures = append(r.figures,
		figure{Key: "webhooks.backlog_at_stop", Label: "live endpoint: events not yet received as the load stopped", Unit: fmt.Sprintf("of %d", committed), Value: float64(backlog)},
		figure{Key: "webhooks.drained_s", Label: "live endpoint: all received, after the load stopped", Unit: "s", Value: rc.lastArrival(with.start, with.stopped).Sub(with.stopped).Seconds()})

	// At a steady rate: commit to the receiver's 2xx.
	from := time.Now()
	if err := b.openLoop(ctx, r, b.o.rate, b.o.duration); err != nil {
		return err
	}
	to := time.Now()
	if committed, err = b.admin.countEvents(ctx, from, to); err != nil {
		return err
	}
	if err := rc.waitAll(ctx, from, to, committed, 2*time.Minute); err != nil {
		return err
	}
	lat := summarize(rc.latencies(from, to))
	label := fmt.Sprintf("at %.0f orders/s", b.o.rate)
	r.figures = append(r.figures,
		figure{Key: "webhooks.commit_to_2xx_p50_ms", Label: "event commit to receiver 2xx p50 " + label, Unit: "ms", Value: lat.P50},
		figure{Key: "webhooks.commit_to_2xx_p99_ms", Label: "event commit to receiver 2xx p99 " + label, Unit: "ms", Value: lat.P99})

	if err := hooks.remove(ctx); err != nil {
		return err
	}
	if err := b.settle(ctx); err != nil {
		return err
	}
	none2, err := b.confirmPhase(ctx, r)
	if err != nil {
		return err
	}
	r.figures = append(r.figures,
		figure{Key: "webhooks.confirmed_per_s", Label: "orders reaching confirmed, a dead and a live endpoint", Unit: "/s", Value: with.rate},
		figure{Key: "webhooks.none_confirmed_per_s", Label: "orders reaching confirmed, no endpoint (before and after)", Unit: "/s", Value: (none1.rate + none2.rate) / 2})
	return nil
}

// openLoop places orders at rate per second for d, an arrival not waiting
// for the one before.
func (b *bench) openLoop(ctx context.Context, r *result, rate float64, d time.Duration) error {
	interval := time.Duration(float64(time.Second) / rate)
	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; ; i++ {
		if err := sleep(runCtx, time.Until(start.Add(time.Duration(i)*interval))); err != nil {
			break
		}
		wg.Go(func() { _, _ = b.post(ctx, r, i) })
	}
	wg.Wait()
	return ctx.Err()
}

// receiver is a webhook receiver: it answers 204 at once and keeps, for
// each event (once, by webhook-id), when the event was made and when it
// arrived.
type receiver struct {
	url string
	srv *http.Server

	mu   sync.Mutex
	seen map[string]arrival
}

type arrival struct{ created, received time.Time }

// endpoints are two webhook endpoints registered on the platform: one
// live (a receiver in loadgen) and one dead (its port refuses
// connections: every event fails and is retried).
type endpoints struct {
	b    *bench
	live *receiver
	ids  []string
}

// addEndpoints registers a live and a dead endpoint.
func (b *bench) addEndpoints(ctx context.Context) (*endpoints, error) {
	rc, err := startReceiver()
	if err != nil {
		return nil, err
	}
	e := &endpoints{b: b, live: rc}
	dead, err := refusingAddress()
	if err != nil {
		rc.close()
		return nil, err
	}
	for _, u := range []string{rc.url, "http://" + dead + "/hooks"} {
		id, err := b.admin.createWebhook(ctx, u)
		if err != nil {
			_ = e.remove(ctx)
			return nil, fmt.Errorf("register webhook %s: %w", u, err)
		}
		e.ids = append(e.ids, id)
	}
	return e, nil
}

// remove unregisters both (their deliveries go with them) and stops the
// receiver; removing twice does nothing.
func (e *endpoints) remove(ctx context.Context) error {
	for len(e.ids) > 0 {
		if err := e.b.admin.deleteWebhook(context.WithoutCancel(ctx), e.ids[0]); err != nil {
			return fmt.Errorf("remove webhook: %w", err)
		}
		e.ids = e.ids[1:]
	}
	if e.live != nil {
		e.live.close()
		e.live = nil
	}
	return nil
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{url: "http://" + ln.Addr().String() + "/hooks", seen: map[string]arrival{}}
	rc.srv = &http.Server{Handler: http.HandlerFunc(rc.serve), ReadHeaderTimeout: 5 * time.Second}
	go rc.srv.Serve(ln) //nolint:errcheck // ends with close
	return rc, nil
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var e struct {
		ID        string    `json:"id"`
		CreatedAt time.Time `json:"created_at"`
	}
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &e) == nil && e.ID != "" {
		rc.mu.Lock()
		if _, dup := rc.seen[e.ID]; !dup {
			rc.seen[e.ID] = arrival{created: e.CreatedAt, received: now}
		}
		rc.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) close() { _ = rc.srv.Close() }

// each calls fn with every event made in [from, to).
func (rc *receiver) each(from, to time.Time, fn func(arrival)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, a := range rc.seen {
		if !a.created.Before(from) && a.created.Before(to) {
			fn(a)
		}
	}
}

// receivedBy is how many events made in [from, to) arrived by at.
func (rc *receiver) receivedBy(from, to, at time.Time) int {
	n := 0
	rc.each(from, to, func(a arrival) {
		if !a.received.After(at) {
			n++
		}
	})
	return n
}

func (rc *receiver) lastArrival(from, to time.Time) time.Time {
	var last time.Time
	rc.each(from, to, func(a arrival) {
		if a.received.After(last) {
			last = a.received
		}
	})
	return last
}

func (rc *receiver) latencies(from, to time.Time) []time.Duration {
	var out []time.Duration
	rc.each(from, to, func(a arrival) { out = append(out, a.received.Sub(a.created)) })
	return out
}

// waitAll waits until want events made in [from, to) have arrived.
func (rc *receiver) waitAll(ctx context.Context, from, to time.Time, want int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for rc.receivedBy(from, to, time.Now()) < want {
		if time.Now().After(deadline) {
			return fmt.Errorf("the live endpoint received %d of %d events in %s", rc.receivedBy(from, to, time.Now()), want, limit)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// refusingAddress is a loopback address nothing listens on.
func refusingAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func (c *apiClient) createWebhook(ctx context.Context, u string) (string, error) {
	var w struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/webhooks", nil, map[string]any{"url": u, "description": "loadgen"}, &w)
	return w.ID, err
}

func (c *apiClient) deleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/webhooks/"+id, nil, nil, nil)
}

// countEvents counts the feed's events made in [from, to).
func (c *apiClient) countEvents(ctx context.Context, from, to time.Time) (int, error) {
	var page struct {
		Count int `json:"count"`
	}
	q := url.Values{"count": {"true"}, "limit": {"1"}, "created_from": {from.UTC().Format(time.RFC3339Nano)}, "created_to": {to.UTC().Format(time.RFC3339Nano)}}
	err := c.do(ctx, http.MethodGet, "/events?"+q.Encode(), nil, nil, &page)
	return page.Count, err
}
