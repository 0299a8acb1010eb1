package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/acme/orders/internal/telemetry"
	"github.com/acme/orders/internal/testenv"
)

// An incoming W3C trace context: the platform's spans continue its trace.
const (
	incomingTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	incomingSpanID  = "00f067aa0ba902b7"
	traceparent     = "traceparent: 00-" + incomingTraceID + "-" + incomingSpanID + "-01"
)

// TestOneTracePerOrder places an order through HTTP with a traceparent, on
// a real PostgreSQL, Temporal dev server and worker, takes it to delivered,
// and follows its one trace: HTTP → SQL, HTTP → StartWorkflow → RunWorkflow
// → StartActivity → RunActivity → SQL for every step, the order ID on the
// spans; and the workflow's log lines carry the order and trace IDs.
func TestOneTracePerOrder(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	var logs lockedBuffer
	p := newPlatform(t, func(s *settings) {
		s.tracer, s.emails = tp, false // no relay: the workflow logs that it skips the e-mail
		s.logger = slog.New(telemetry.LogHandler(slog.NewJSONHandler(&logs, nil)))
	})
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)

	resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(),
		traceparent, orderBody("tok_approve", line(mug.ID, 1)))
	if resp.Code != http.StatusCreated {
		t.Fatalf("place: %d %s", resp.Code, resp.Body)
	}
	var o order
	decode(t, resp.Body.Bytes(), &o)
	p.waitStatus(token, o.ID, "confirmed")
	for _, action := range []string{"ship", "deliver"} {
		if code, _ := p.act(p.admin, o.ID, action); code != http.StatusOK {
			t.Fatalf("%s: %d", action, code)
		}
	}
	if err := p.client.GetWorkflow(p.ctx(), "order-"+o.ID, "").Get(p.ctx(), nil); err != nil {
		t.Fatal(err) // closed: its RunWorkflow span has ended
	}

	tr := traceOf(t, spans, incomingTraceID)
	post := tr.one("POST /api/v1/orders", func(s tracetest.SpanStub) bool { return s.Parent.SpanID().String() == incomingSpanID })
	tr.hasAttr(post, "order.id", o.ID)
	tr.hasAttr(post, "http.route", "/api/v1/orders")
	tr.child(post, "PlaceOrder") // the insert, a SQL span under the request
	run := tr.child(tr.child(post, "StartWorkflow:OrderWorkflow"), "RunWorkflow:OrderWorkflow")
	tr.hasAttr(run, "order.id", o.ID)
	for _, step := range []string{"ConfirmOrder", "ShipOrder", "DeliverOrder"} {
		act := tr.child(tr.child(run, "StartActivity:"+step), "RunActivity:"+step)
		tr.hasAttr(act, "order.id", o.ID)
	}
	confirm := tr.child(tr.child(run, "StartActivity:ConfirmOrder"), "RunActivity:ConfirmOrder")
	tr.child(confirm, "CreateReservation") // the activity's SQL, under it
	for _, s := range tr.spans {
		if s.Name == "pool.acquire" {
			t.Fatalf("a span for taking a pooled connection, under %s: the pool's metrics say that", s.Parent.SpanID())
		}
	}

	line := logs.find(t, "order confirmation e-mail skipped: no mail relay configured")
	if line["order_id"] != o.ID || line["trace_id"] != incomingTraceID {
		t.Fatalf("workflow log line without the order and trace IDs: %v", line)
	}
	access := logs.find(t, "http request", func(l map[string]any) bool { return l["method"] == "POST" && l["trace_id"] == incomingTraceID })
	if access["request_id"] != resp.Header().Get("X-Request-Id") {
		t.Fatalf("access log line %v, request ID %q", access, resp.Header().Get("X-Request-Id"))
	}
}

// TestRelayStartLinksToThePlacingRequest: an order accepted while Temporal
// is down gets its workflow from the relay later, in a trace of the relay's
// that links to the placing request's; the request's log lines share its
// request ID and trace ID.
func TestRelayStartLinksToThePlacingRequest(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	var logs lockedBuffer
	p := newPlatform(t, func(s *settings) {
		s.tracer, s.ownTemporal = tp, true
		s.logger = slog.New(telemetry.LogHandler(slog.NewJSONHandler(&logs, nil)))
	})
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)

	p.temporal.Stop(t)
	resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(),
		traceparent, orderBody("tok_approve", line(mug.ID, 1)))
	if resp.Code != http.StatusCreated {
		t.Fatalf("place during the outage: %d %s", resp.Code, resp.Body)
	}
	var o order
	decode(t, resp.Body.Bytes(), &o)
	requestID := resp.Header().Get("X-Request-Id")
	for _, msg := range []string{"order accepted; its workflow starts when Temporal is reachable", "http request"} {
		l := logs.find(t, msg, func(l map[string]any) bool { return l["request_id"] == requestID })
		if l["trace_id"] != incomingTraceID {
			t.Fatalf("%q logged without the request's trace ID: %v", msg, l)
		}
	}

	p.temporal.Start(t)
	p.waitStatus(token, o.ID, "confirmed")
	if code, _ := p.act(token, o.ID, "cancel"); code != http.StatusOK {
		t.Fatalf("cancel: %d", code)
	}
	if err := p.client.GetWorkflow(p.ctx(), "order-"+o.ID, "").Get(p.ctx(), nil); err != nil {
		t.Fatal(err)
	}

	// Every relay pass that tried links to the placing request. The one whose
	// start reached Temporal first holds the run: a pass that timed out as
	// Temporal came back may have started it, and the next pass then found
	// it started.
	var ran *spanTree
	var relay tracetest.SpanStub
	for _, s := range spans.GetSpans() {
		if s.Name != "outbox: start order workflow" || attrOf(s, "order.id") != o.ID {
			continue
		}
		if len(s.Links) != 1 || s.Links[0].SpanContext.TraceID().String() != incomingTraceID {
			t.Fatalf("relay span %+v: want one link to trace %s", s, incomingTraceID)
		}
		tr := traceOf(t, spans, s.SpanContext.TraceID().String())
		if _, ok := tr.find("RunWorkflow:OrderWorkflow"); ok {
			ran, relay = &tr, s
		}
	}
	if ran == nil {
		t.Fatalf("no relay pass's trace holds the order's workflow run; the spans:\n%s", spanTree{t: t, spans: spans.GetSpans()})
	}
	run := ran.child(ran.child(relay, "StartWorkflow:OrderWorkflow"), "RunWorkflow:OrderWorkflow")
	ran.child(ran.child(run, "StartActivity:ConfirmOrder"), "RunActivity:ConfirmOrder")
}

// spanTree is one trace's spans, for following parent to child.
type spanTree struct {
	t     *testing.T
	spans tracetest.SpanStubs
}

func traceOf(t *testing.T, exp *tracetest.InMemoryExporter, traceID string) spanTree {
	t.Helper()
	tr := spanTree{t: t}
	for _, s := range exp.GetSpans() {
		if s.SpanContext.TraceID().String() == traceID {
			tr.spans = append(tr.spans, s)
		}
	}
	return tr
}

// one is the trace's only span named name that satisfies ok.
func (tr spanTree) one(name string, ok func(tracetest.SpanStub) bool) tracetest.SpanStub {
	tr.t.Helper()
	var found []tracetest.SpanStub
	for _, s := range tr.spans {
		if s.Name == name && ok(s) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		tr.t.Fatalf("%d spans named %q, want 1; the trace has:\n%s", len(found), name, tr)
	}
	return found[0]
}

// child is a span named name whose parent is parent.
func (tr spanTree) child(parent tracetest.SpanStub, name string) tracetest.SpanStub {
	tr.t.Helper()
	for _, s := range tr.spans {
		if s.Name == name && s.Parent.SpanID() == parent.SpanContext.SpanID() {
			return s
		}
	}
	tr.t.Fatalf("no span %q under %q; the trace has:\n%s", name, parent.Name, tr)
	return tracetest.SpanStub{}
}

// find is the trace's first span named name.
func (tr spanTree) find(name string) (tracetest.SpanStub, bool) {
	for _, s := range tr.spans {
		if s.Name == name {
			return s, true
		}
	}
	return tracetest.SpanStub{}, false
}

func (tr spanTree) hasAttr(s tracetest.SpanStub, key, want string) {
	tr.t.Helper()
	if got := attrOf(s, key); got != want {
		tr.t.Fatalf("span %q: %s = %q, want %q", s.Name, key, got, want)
	}
}

func (tr spanTree) String() string {
	var b strings.Builder
	for _, s := range tr.spans {
		b.WriteString("  " + s.Name + " (" + s.SpanContext.SpanID().String() + " under " + s.Parent.SpanID().String() + ")\n")
	}
	return b.String()
}

func attrOf(s tracetest.SpanStub, key string) string {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

// lockedBuffer is a log written by several goroutines, read as JSON lines.
type lockedBuffer struct{ testenv.Buffer }

// find is the first line with message msg that every match accepts.
func (b *lockedBuffer) find(t *testing.T, msg string, match ...func(map[string]any) bool) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(b.Bytes()))
	sc.Buffer(nil, 1<<20)
lines:
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) != nil || l["msg"] != msg {
			continue
		}
		for _, m := range match {
			if !m(l) {
				continue lines
			}
		}
		return l
	}
	t.Fatalf("no log line %q in:\n%s", msg, b.String())
	return nil
}

// A webhook delivery is a trace of its own, linked to the request that
// made its event: an operator follows a delivery back to the order.
func TestWebhookDeliveryLinksToTheOrdersTrace(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	p := newPlatform(t, func(s *settings) { s.tracer = tp })
	rc := newReceiver(t, nil)
	p.registerWebhook(rc.url(), "order.placed")
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)
	resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(),
		traceparent, orderBody("tok_approve", line(mug.ID, 1)))
	var o order
	decode(t, resp.Body.Bytes(), &o)
	rc.waitAccepted(1, 20*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, s := range spans.GetSpans() {
			if s.Name != "webhook: deliver" || attrOf(s, "order.id") != o.ID {
				continue
			}
			if s.Parent.IsValid() || len(s.Links) != 1 || s.Links[0].SpanContext.TraceID().String() != incomingTraceID ||
				attrOf(s, "event.type") != "order.placed" || attrOf(s, "http.response.status_code") != "200" {
				t.Fatalf("delivery span %+v: want a root linked to trace %s", s, incomingTraceID)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook: deliver span for the order")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
