package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/page"
)

func (h *handlers) registerEvents(api huma.API) {
	tags := []string{"events"}
	handle(api, h, guarded(needs(access.EventsRead), huma.Operation{
		OperationID: "list-events", Method: http.MethodGet, Path: "/events",
		Summary:     "The event feed, newest first, in cursor pages",
		Description: "One event per order status change, kept EVENT_RETENTION (30 days by default). A receiver that missed webhooks catches up here.",
		Tags:        tags,
	}), h.listEvents)
	handle(api, h, guarded(needs(access.EventsRead), huma.Operation{
		OperationID: "read-event", Method: http.MethodGet, Path: "/events/{event_id}",
		Summary: "One event", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readEvent)
	h.registerStreams(api, tags)
}

func (h *handlers) listEvents(ctx context.Context, in *ListEventsInput) (*ListOutput[EventPublic], error) {
	f := events.Filter{
		Type: string(in.Type), CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo, Count: in.Count,
		Page: page.Request{Cursor: in.Cursor, Limit: in.Limit},
	}
	var err error
	if f.OrderID, err = filterID("order_id", in.OrderID); err != nil {
		return nil, err
	}
	found, count, err := h.Events.List(ctx, f)
	if err != nil {
		return nil, err
	}
	return pageOf(found, events.Event.Envelope, count), nil
}

func (h *handlers) readEvent(ctx context.Context, in *EventIDPath) (*EventOutput, error) {
	e, err := h.Events.Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &EventOutput{Body: e.Envelope()}, nil
}
