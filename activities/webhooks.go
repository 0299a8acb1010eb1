package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"

	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/tracectx"
)

// Webhooks delivers the events queued for an endpoint: its delivery
// workflow runs Pump again and again.
type Webhooks struct {
	Store    *events.Store
	Accounts *accounts.Store // who is told of a disabled endpoint
	Sender   *WebhookSender
	Policy   events.Policy
	Metrics  *events.Metrics      // nil: none recorded
	Tracer   trace.TracerProvider // nil: no spans
}

// PumpInput is one run of an endpoint's pump.
type PumpInput struct {
	EndpointID uuid.UUID
	// Now is the workflow's clock when it scheduled the run: the delivery
	// log's times and the retries' due times count from it, so that the
	// workflow's tests can skip time.
	Now time.Time
	// Linger is how long the pump waits for more work before it returns
	// idle, and the workflow sleeps until the next retry or a wake-up.
	Linger time.Duration
	// MaxRun bounds the run; the workflow starts the next at once.
	MaxRun time.Duration
}

// PumpResult is why a run ended.
type PumpResult struct {
	Idle    bool       // nothing to do until NextDue or a wake-up
	NextDue *time.Time // the next retry, by the workflow's clock; nil: none
	Gone    bool       // the endpoint was deleted
	// Disabled: the endpoint is off; DisabledNow: this run turned it off
	// (410, or failing for WEBHOOK_DISABLE_AFTER), for Reason.
	Disabled    bool
	DisabledNow bool
	Reason      string
}

const (
	pumpBatch     = 32                     // deliveries read at a time
	pumpParallel  = 8                      // attempts in flight per endpoint
	pumpHeartbeat = 5 * time.Second        // at most this long between heartbeats
	pumpGather    = 250 * time.Millisecond // the least time between two reads of what is due, after a wake-up
	endpointAge   = time.Second            // how stale the pump's copy of its endpoint may be
)

// pump is one run's state.
type pump struct {
	*Webhooks
	in      PumpInput
	clock   func() time.Time // the workflow's time
	ep      events.Endpoint
	readAt  time.Time
	failing *time.Time // since when every attempt failed; nil while it answers
}

// Pump delivers what is due to the endpoint, each order's events in order
// and up to pumpParallel orders at once, waking on every committed event,
// until nothing has come for Linger (idle), MaxRun has passed, or the
// endpoint is gone or off. It heartbeats; a worker that dies mid-run leaves
// the deliveries pending, and the retried run sends them (a receiver may
// see an event twice, never miss one: webhook-id tells repeats).
func (w *Webhooks) Pump(ctx context.Context, in PumpInput) (PumpResult, error) {
	base := in.Now
	if st := activity.GetInfo(ctx).StartedTime; st.After(base) {
		base = st // a retried run starts later than its workflow scheduled it
	}
	started := time.Now()
	p := &pump{Webhooks: w, in: in, clock: func() time.Time { return base.Add(time.Since(started)) }}
	wake, stop := w.Store.Subscribe(nil)
	defer stop()
	if err := w.Store.SetIdle(ctx, in.EndpointID, false); err != nil {
		return PumpResult{}, err
	}
	lastWork := time.Now()
	// next is the earliest retry the run knows of: read once, then kept up
	// with the retries its own batches schedule, and read again when it
	// comes due; a retry it does not know of waits at most pumpHeartbeat.
	var next *time.Time
	known := false
	var lastLook time.Time // when the run last read what is due
	for {
		activity.RecordHeartbeat(ctx)
		if res, err := p.refresh(ctx); res != nil || err != nil {
			return *res, err
		}
		lastLook = time.Now()
		due, err := w.Store.Due(ctx, in.EndpointID, p.clock(), pumpBatch)
		if err != nil {
			return PumpResult{}, err
		}
		if len(due) > 0 {
			res, retry := p.deliver(ctx, due)
			if res != nil {
				return *res, nil
			}
			next, lastWork = earliest(next, retry), time.Now()
			if len(due) == pumpBatch {
				continue // more are due
			}
		}
		if time.Since(started) >= in.MaxRun {
			next, err := w.Store.NextDue(ctx, in.EndpointID)
			return PumpResult{NextDue: next}, err
		}
		if time.Since(lastWork) >= in.Linger {
			// Idle from here: a delivery that commits after this is seen
			// by the waker, one that committed before by this look.
			if err := w.Store.SetIdle(ctx, in.EndpointID, true); err != nil {
				return PumpResult{}, err
			}
			if due, err := w.Store.Due(ctx, in.EndpointID, p.clock(), 1); err != nil || len(due) > 0 {
				if err := w.Store.SetIdle(ctx, in.EndpointID, false); err != nil {
					return PumpResult{}, err
				}
				continue
			}
			next, err := w.Store.NextDue(ctx, in.EndpointID)
			return PumpResult{Idle: true, NextDue: next}, err
		}
		if !known {
			if next, err = w.Store.NextDue(ctx, in.EndpointID); err != nil {
				return PumpResult{}, err
			}
			known = true
		}
		wait := min(in.Linger-time.Since(lastWork), pumpHeartbeat)
		if next != nil {
			wait = min(wait, next.Sub(p.clock()))
		}
		select {
		case <-ctx.Done():
			return PumpResult{}, ctx.Err()
		case <-wake:
			// At most one look per pumpGather: under load, one read and one
			// write carry many events; a lone event goes at once.
			time.Sleep(time.Until(lastLook.Add(pumpGather)))
		case <-time.After(max(wait, time.Millisecond)):
		}
		if next != nil && !next.After(p.clock()) {
			next, known = nil, false // due: the next look sends it, then reads the one after
		}
	}
}

// earliest is the sooner of two times, either possibly nil.
func earliest(a, b *time.Time) *time.Time {
	if a == nil || b != nil && b.Before(*a) {
		return b
	}
	return a
}

// refresh rereads the endpoint when the copy is older than endpointAge; a
// result says the run ends (the endpoint is gone or off).
func (p *pump) refresh(ctx context.Context) (*PumpResult, error) {
	if time.Since(p.readAt) < endpointAge {
		return nil, nil
	}
	ep, err := p.Store.Endpoint(ctx, p.in.EndpointID)
	switch {
	case errors.Is(err, events.ErrEndpointNotFound):
		return &PumpResult{Gone: true}, nil
	case err != nil:
		return &PumpResult{}, err
	case !ep.Enabled:
		return &PumpResult{Disabled: true, Reason: ep.DisabledReason}, nil
	}
	p.ep, p.readAt, p.failing = ep, time.Now(), ep.FailingSince
	return nil, nil
}

// deliver attempts the due deliveries, pumpParallel at a time (each of a
// different order), records them in one statement, and keeps the
// endpoint's run of failures; it returns a result when the endpoint was
// disabled, and the earliest retry it scheduled.
func (p *pump) deliver(ctx context.Context, due []events.Due) (disabled *PumpResult, retry *time.Time) {
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, pumpParallel)
		done  = make([]sent, len(due))
		at    = make([]time.Time, len(due))
	)
	stop := heartbeating(ctx)
	for i, d := range due {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			at[i] = p.clock()
			done[i] = p.attempt(ctx, d, at[i])
		})
	}
	wg.Wait()
	stop()
	ctx = context.WithoutCancel(ctx) // what was sent is recorded
	batch := make([]events.Settled, len(due))
	answered, gone := false, false
	for i, d := range due {
		state, next := p.Policy.Next(d.Attempts+1, done[i].outcome, done[i].retryAfter, at[i])
		batch[i] = events.Settled{DeliveryID: d.DeliveryID, Attempt: done[i].attempt, State: state, Next: next}
		retry = earliest(retry, next)
		p.Metrics.Attempted(ctx, state, time.Duration(done[i].attempt.LatencyMS)*time.Millisecond)
		answered = answered || done[i].outcome == events.Delivered
		gone = gone || done[i].outcome == events.Gone
	}
	if err := p.Store.Settle(ctx, batch); err != nil {
		activity.GetLogger(ctx).Warn("record webhook attempts; they are retried", "endpoint_id", p.ep.ID, "error", err)
		return nil, retry
	}
	now := p.clock()
	failing, err := p.Store.Answered(ctx, p.ep.ID, answered, p.failing, now)
	if err != nil {
		activity.GetLogger(ctx).Warn("record webhook endpoint's answers", "endpoint_id", p.ep.ID, "error", err)
		return nil, retry
	}
	p.failing = failing
	reason := ""
	switch {
	case gone:
		reason = "the endpoint answered 410 Gone"
	case !answered && p.Policy.Disable(failing, now):
		reason = fmt.Sprintf("every delivery failed since %s", failing.UTC().Format(time.RFC3339))
	default:
		return nil, retry
	}
	first, err := p.Store.Disable(ctx, p.ep.ID, reason)
	if err != nil {
		activity.GetLogger(ctx).Warn("disable webhook endpoint", "endpoint_id", p.ep.ID, "error", err)
		return nil, retry
	}
	return &PumpResult{Disabled: true, DisabledNow: first, Reason: reason}, retry
}

// heartbeating heartbeats every second until stopped, while attempts, each
// up to WEBHOOK_TIMEOUT long, hold the run.
func heartbeating(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}

// attempt sends one delivery at now (the workflow's time), in a span of
// its own linked to the change that made the event.
func (p *pump) attempt(ctx context.Context, d events.Due, now time.Time) sent {
	ep := p.ep
	if p.Tracer != nil {
		var span trace.Span
		ctx, span = p.Tracer.Tracer("github.com/acme/orders/activities").Start(ctx, "webhook: deliver",
			trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindClient),
			trace.WithLinks(tracectx.Links(d.Event.TraceContext, "the change that made the event")...),
			trace.WithAttributes(attribute.String("webhook.endpoint_id", ep.ID.String()), attribute.String("event.id", d.Event.ID.String()),
				attribute.String("event.type", d.Event.Type), attribute.Int("webhook.attempt", d.Attempts+1)))
		defer span.End()
		if d.Event.OrderID != nil {
			span.SetAttributes(attribute.String("order.id", d.Event.OrderID.String()))
		}
	}
	res := p.Sender.Send(ctx, ep.URL, ep.Secrets, d.Event, now)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(attribute.Int("http.response.status_code", res.attempt.StatusCode))
		if res.outcome != events.Delivered {
			span.SetStatus(codes.Error, res.attempt.Error)
		}
	}
	return res
}
