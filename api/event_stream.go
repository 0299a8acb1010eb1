package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
)

const (
	// keepAlive is how often an idle stream sends a comment, so that
	// proxies keep it open and clients know it lives.
	keepAlive = 15 * time.Second
	// recentEvents is how far back the feed's stream starts without
	// Last-Event-ID.
	recentEvents = 100
)

// eventStream documents a text/event-stream answer.
func eventStream(what string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {
		Description: "Server-Sent Events: `id:` the event's id, `event:` its type, `data:` the event as JSON; " + what +
			" A comment line every 15 s keeps the stream open.",
		Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: huma.TypeString}}},
	}}
}

func (h *handlers) registerStreams(api huma.API, tags []string) {
	handle(api, h, guarded(needs(access.EventsRead), huma.Operation{
		OperationID: "stream-events", Method: http.MethodGet, Path: "/events/stream",
		Summary:   "Every event as it happens (Server-Sent Events)",
		Tags:      tags,
		Responses: eventStream("first the latest events (up to 100), or those after Last-Event-ID, then each new one as it commits, whichever API replica it went through."),
	}), func(ctx context.Context, in *StreamInput) (*huma.StreamResponse, error) {
		after, err := h.resumeAfter(ctx, in.LastEventID, nil)
		if err != nil {
			return nil, err
		}
		return h.stream(after, nil), nil
	})
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "stream-order-events", Method: http.MethodGet, Path: "/orders/{order_id}/events/stream",
		Summary:   "An order's events as they happen (Server-Sent Events)",
		Tags:      []string{"orders"},
		Errors:    []int{http.StatusNotFound},
		Responses: eventStream("first the order's past events, or those after Last-Event-ID, then each new one; the stream ends after the order's last (returned, cancelled, failed); a delivered order's stays open for its returns."),
	}), func(ctx context.Context, in *OrderStreamInput) (*huma.StreamResponse, error) {
		if _, err := h.Orders.Get(ctx, viewer(ctx), in.ID); err != nil {
			return nil, err // 404 for an order the caller may not see
		}
		traceOrder(ctx, in.ID.String())
		after, err := h.resumeAfter(ctx, in.LastEventID, &in.ID)
		if err != nil {
			return nil, err
		}
		return h.stream(after, &in.ID), nil
	})
}

// lastStatus tells whether an order's status is one nothing follows.
func lastStatus(s string) bool {
	st := orders.Status(s)
	return st.Valid() && st.Terminal()
}

// resumeAfter is the seq a stream starts after: Last-Event-ID's event, or,
// without one (or one no longer kept), the order's beginning or the feed's
// latest events.
func (h *handlers) resumeAfter(ctx context.Context, lastEventID string, order *uuid.UUID) (int64, error) {
	if id, err := uuid.Parse(lastEventID); err == nil {
		e, err := h.Events.Get(ctx, id)
		if err == nil {
			return e.Seq, nil
		}
	}
	if order != nil {
		return 0, nil
	}
	last, err := h.Events.LastSeq(ctx)
	return max(last-recentEvents, 0), err
}

// stream writes the events after seq, of the order or of all, then each
// new one as the listener reports it, until the client goes (or, for an
// order, its last event is sent).
func (h *handlers) stream(after int64, order *uuid.UUID) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		ctx := hctx.Context()
		_, w := humachi.Unwrap(hctx)
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives HTTP_WRITE_TIMEOUT
		hctx.SetHeader("Content-Type", "text/event-stream")
		hctx.SetHeader("Cache-Control", "no-cache")
		hctx.SetHeader("X-Accel-Buffering", "no") // nginx: pass each event on at once
		hctx.SetStatus(http.StatusOK)
		wake, stop := h.Events.Subscribe(order)
		defer stop()
		tick := time.NewTicker(keepAlive)
		defer tick.Stop()
		if _, err := fmt.Fprint(w, ": stream open\n\n"); err != nil || rc.Flush() != nil {
			return
		}
		for {
			evs, err := h.Events.After(ctx, after, order)
			if err != nil {
				h.Logger.WarnContext(ctx, "event stream", "error", err)
			}
			for _, e := range evs {
				if _, err := fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.JSON()); err != nil {
					return
				}
				after = e.Seq
				if order != nil && e.Terminal(lastStatus) {
					_ = rc.Flush()
					return
				}
			}
			if rc.Flush() != nil {
				return
			}
			if err == nil && len(evs) == events.StreamBatch {
				continue // more to send
			}
			select {
			case <-ctx.Done():
				return
			case <-h.Done:
				return
			case <-wake:
			case <-tick.C:
				if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
					return
				}
			}
		}
	}}
}
